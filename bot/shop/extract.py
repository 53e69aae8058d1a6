"""Picking an order number, an e-mail address, a postcode or a size out of what a customer typed."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.shop.text import ORDER_NUMBER_PREFIX

# "ORD-10234", "ord 10234", "#10234" / "nr 10234" / "order 10234" / "zamówienie 10234" / "comanda 10234".
_ORDER_WITH_PREFIX = re.compile(r"\bORD\s*[-#_ ]?\s*(\d{3,12})\b", re.IGNORECASE)
_ORDER_AFTER_WORD = re.compile(
    r"(?:#|\bnr\.?|\bnumer\w*|\bnumber|\bno\.|\border\w*|\bzam[oó]wieni\w*|\bcomand\w*)\s*:?\s*#?(\d{4,12})\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Polish "00-950" (also "00 950"), Romanian "030167"; a bare 5-digit code is too ambiguous to guess.
_POSTCODE = re.compile(r"(?<![\d-])(\d{2}[- ]\d{3}|\d{6})(?![\d-])")
_WORD = re.compile(r"[\w.+-]+", re.UNICODE)


def find_order_number(text: str) -> str | None:
    """The order number in a sentence, normalised to ORD-<digits>: "where is ord 10234?" -> "ORD-10234"."""
    match = _ORDER_WITH_PREFIX.search(text or "") or _ORDER_AFTER_WORD.search(text or "")
    return f"{ORDER_NUMBER_PREFIX}{match.group(1)}" if match else None


def find_email(text: str) -> str | None:
    match = _EMAIL.search(text or "")
    return match.group(0) if match else None


def find_postcode(text: str) -> str | None:
    """A Polish (00-950) or Romanian (030167) postcode, but not the digits of an order number."""
    cleaned = _ORDER_WITH_PREFIX.sub(" ", text or "")
    match = _POSTCODE.search(cleaned)
    return match.group(1) if match else None


def find_contact(text: str) -> str | None:
    """An e-mail address or, failing that, a postcode: what proves an order is the customer's."""
    return find_email(text) or find_postcode(text)


def find_size(text: str, sizes: Iterable[str]) -> str | None:
    """One of a product's `sizes` written as a word of `text` ("in M please", "rozmiar 42")."""
    sizes = list(sizes)
    if len(sizes) == 1:
        return sizes[0]  # "one size": nothing to choose
    by_word = {size.casefold(): size for size in sizes}
    for word in _WORD.findall(text or ""):
        word = word.strip(".")
        size = by_word.get(word.casefold())
        # A lone lower-case letter is a word ("it's" -> "s"), not a size.
        if size is not None and (len(word) > 1 or word.isupper() or word.isdigit()):
            return size
    if text.strip().casefold() in by_word:  # the whole answer to "which size?": "m"
        return by_word[text.strip().casefold()]
    return None
