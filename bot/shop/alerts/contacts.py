"""Checking and normalising the contact a customer gives for an alert: an e-mail or a mobile number."""

from __future__ import annotations

import re

from bot.shop.alerts.errors import InvalidContactError
from bot.shop.alerts.models import Channel
from bot.shop.text import normalise_email

# Deliberately loose: one @, a dot in the domain, no spaces. The SMTP server is the real judge;
# this only catches what is plainly not an address ("jan.kowalski", "jan@", a phone number).
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
# E.164: a + and country code, at most 15 digits. Spaces, dashes, dots and brackets are how people
# type numbers ("+48 600-700-800", "(+40) 721 234 567"), so they are dropped first.
_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


def normalise_contact(channel: Channel | str, contact: str) -> str:
    """The contact as stored and compared: a lower-case e-mail, or a phone number as +<digits>.

    Raises InvalidContactError for anything else, or ValueError for an unknown channel.
    """
    channel = Channel(channel)
    if channel == Channel.EMAIL:
        return _normalised_email(contact)
    return _normalised_phone(contact)


def _normalised_email(contact: str) -> str:
    email = normalise_email(contact)
    if not email:
        raise InvalidContactError(Channel.EMAIL, contact, "it is empty")
    if len(email) > 254 or not _EMAIL.match(email):
        raise InvalidContactError(Channel.EMAIL, contact, "expected an address like name@example.com")
    return email


def _normalised_phone(contact: str) -> str:
    phone = _PHONE_SEPARATORS.sub("", contact or "")
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if not phone:
        raise InvalidContactError(Channel.SMS, contact, "it is empty")
    if not phone.startswith("+") and phone.isdigit():
        # Guessing the country from the conversation's language would text the wrong person as often
        # as not (a Pole in Romania); the customer is asked for the prefix instead.
        raise InvalidContactError(Channel.SMS, contact, "include the country code, e.g. +48 600 700 800")
    if not _E164.match(phone):
        raise InvalidContactError(Channel.SMS, contact, "expected a mobile number like +48 600 700 800")
    return phone
