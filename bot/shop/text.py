"""Normalising what customers type: diacritics, e-mail addresses, postcodes, order numbers."""

from __future__ import annotations

import hmac
import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus a combining mark.
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_ORDER_NUMBER = re.compile(r"^\s*(?:ORD)?\s*[-#_ ]?\s*(\d{3,12})\s*$", re.IGNORECASE)
ORDER_NUMBER_PREFIX = "ORD-"


def fold(text: str) -> str:
    """Lower-case ASCII words of `text`, so "Sukienkę Lnianą" and "sukienke lniana" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", ascii_text.lower()).strip()


def normalise_email(email: str) -> str:
    """E-mail addresses compare case- and space-insensitively."""
    return "".join(email.split()).lower()


def normalise_postcode(postcode: str) -> str:
    """Postcodes compare without spaces and dashes: "00-950", "00 950" and "00950" are one."""
    return re.sub(r"[^0-9A-Z]", "", postcode.upper())


def normalise_order_number(number: str) -> str | None:
    """ "ord 10234", "ORD-10234" and "10234" all mean ORD-10234; None if it cannot be an order number."""
    match = _ORDER_NUMBER.match(number or "")
    return f"{ORDER_NUMBER_PREFIX}{match.group(1)}" if match else None


def looks_like_email(text: str) -> bool:
    return "@" in text


def same_secret(given: str, expected: str) -> bool:
    """Compare in time independent of where the strings differ, so answers cannot be probed by timing."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
