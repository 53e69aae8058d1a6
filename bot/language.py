"""Which of the supported languages a customer's message is written in.

Chat messages are short ("ok", "da", "hi"), and many short words exist in
several of our languages, so a message only switches the conversation's
language when the detector is confident; otherwise the language already
established in the conversation (or the page's hint) is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # lingua loads ~100 MB of models; import it only when detecting.
    from lingua import LanguageDetector

SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "pl", "ro")
DEFAULT_LANGUAGE = "en"

# Letters that exist in only one of our languages settle the question at once.
_POLISH_ONLY = set("ąćęłńśźżĄĆĘŁŃŚŹŻ")
_ROMANIAN_ONLY = set("ăâîșşțţĂÂÎȘŞȚŢ")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# How sure the detector must be before a message changes the conversation's
# language. Short messages are ambiguous more often, so they need more.
_MIN_CONFIDENCE_SHORT = 0.90
_MIN_CONFIDENCE = 0.60
_SHORT_MESSAGE_LETTERS = 6


@dataclass(frozen=True)
class LanguageGuess:
    language: str
    confidence: float
    changed: bool  # True when the message itself decided it, not the fallback.


@lru_cache(maxsize=1)
def _detector() -> "LanguageDetector":
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.POLISH, Language.ROMANIAN)
        .with_preloaded_language_models()
        .build()
    )


def normalise_language(code: str | None) -> str | None:
    """Map 'pl-PL', 'PL', 'ro_RO' to a supported code, or None."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-")[0]
    return base if base in SUPPORTED_LANGUAGES else None


# E-mail addresses, links and anything with a digit (ORD-10234, 00-950, +48 600...) say nothing of the
# customer's language: "tomasz.wojcik@example.net" alone once read as Polish.
_NOT_LANGUAGE = re.compile(r"\S+@\S+|https?://\S+|\S*\d\S*")


def detect_language(text: str, fallback: str | None = None) -> LanguageGuess:
    """Guess the language of `text`; keep `fallback` when the text does not settle it."""
    fallback = normalise_language(fallback) or DEFAULT_LANGUAGE
    text = _NOT_LANGUAGE.sub(" ", text or "")
    letters = "".join(_WORD.findall(text or ""))
    if not letters:
        return LanguageGuess(fallback, 0.0, False)
    has_polish = any(char in _POLISH_ONLY for char in letters)
    has_romanian = any(char in _ROMANIAN_ONLY for char in letters)
    if has_polish != has_romanian:
        return LanguageGuess("pl" if has_polish else "ro", 1.0, True)

    values = _detector().compute_language_confidence_values(text)
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    needed = _MIN_CONFIDENCE_SHORT if len(letters) <= _SHORT_MESSAGE_LETTERS else _MIN_CONFIDENCE
    if best.value >= needed:
        return LanguageGuess(code, best.value, True)
    return LanguageGuess(fallback, best.value, False)


def warm_up() -> None:
    """Load the detector's models now rather than on the first customer message."""
    _detector()
