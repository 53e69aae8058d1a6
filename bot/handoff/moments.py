"""Dates and times told to customers ("Monday 24.11 at 08:00"), in their language and the shop's zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.handoff.hours import BusinessHours

_WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "pl": ("poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"),
    "ro": ("luni", "marți", "miercuri", "joi", "vineri", "sâmbătă", "duminică"),
}
_AT = {"en": "at", "pl": "o", "ro": "la"}


def format_moment(moment: datetime, language: str, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    days = _WEEKDAYS.get(language, _WEEKDAYS["en"])
    return f"{days[local.weekday()]} {local:%d.%m} {_AT.get(language, 'at')} {local:%H:%M}"


def promised_reply(hours: BusinessHours, now: datetime, reply_hours: float) -> datetime:
    """When a callback / e-mail ticket will be answered: `reply_hours` of opening time from now."""
    remaining = timedelta(hours=reply_hours)
    cursor = hours.next_opening(now)
    if cursor is None:  # no working hours configured at all: promise plain clock time
        return now + remaining
    # Walk through the opening windows until the promised working time is used up.
    step = timedelta(minutes=15)
    while remaining > timedelta(0):
        if hours.is_open(cursor):
            remaining -= step
            cursor += step
        else:
            nxt = hours.next_opening(cursor)
            if nxt is None:
                return cursor + remaining
            cursor = nxt
    return cursor
