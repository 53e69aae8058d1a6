"""Masking of personal data (e-mail addresses, phone numbers, order numbers) before it reaches logs or reports.

An order number is half of the proof that an order is the customer's, so logs keep only its last
two digits (enough to tell two orders apart when debugging).
"""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}")
# Phone numbers as customers type them: +48 600 700 800, 0040-721-234-567, (22) 123 45 67.
_PHONE = re.compile(r"(?<![\w-])(\+|00)?\(?\d[\d ()./-]{6,}\d(?![\w-])")


_ORDER_NUMBER = re.compile(r"\bORD[-#_ ]?(\d{1,10})(\d{2})\b", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$")


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    # Dates, small amounts and order numbers are not phone numbers.
    if len(digits) < 7 or _DATE.match(match.group(0).strip()):
        return match.group(0)
    return "***" + digits[-2:]


def mask_pii(text: str) -> str:
    """Replace e-mail addresses, phone numbers and order numbers in `text` with masked forms."""
    if not text:
        return text
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@***", text)
    text = _ORDER_NUMBER.sub(lambda m: f"ORD-***{m.group(2)}", text)
    return _PHONE.sub(_mask_phone, text)


class PiiMaskingFilter(logging.Filter):
    """A logging filter that masks personal data in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_pii(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
