"""Working hours decide whether a customer is queued or offered a callback."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.handoff.hours import BusinessHours, HoursError
from bot.handoff.moments import format_moment, promised_reply

HOURS = BusinessHours.parse("mon-fri 08:00-20:00; sat 09:00-15:00", "Europe/Warsaw")


def warsaw(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HOURS.zone)


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        ("2026-11-23 08:00", True),   # Monday, opening minute
        ("2026-11-23 19:59", True),
        ("2026-11-23 20:00", False),  # closing minute is closed
        ("2026-11-28 10:00", True),   # Saturday
        ("2026-11-28 15:30", False),
        ("2026-11-29 12:00", False),  # Sunday
    ],
)
def test_open_or_closed_in_the_shops_time_zone(moment: str, open_: bool) -> None:
    assert HOURS.is_open(warsaw(moment)) is open_


def test_utc_moments_are_read_in_the_shops_zone() -> None:
    # 07:30 UTC on a winter Monday is 08:30 in Warsaw.
    assert HOURS.is_open(datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc))
    assert not HOURS.is_open(datetime(2026, 11, 23, 6, 30, tzinfo=timezone.utc))


def test_next_opening_after_saturday_afternoon_is_monday_morning() -> None:
    assert HOURS.next_opening(warsaw("2026-11-28 16:00")) == warsaw("2026-11-30 08:00")


def test_ticket_reply_time_counts_only_opening_hours() -> None:
    # Friday 18:00 + 4 working hours: 2 on Friday, 2 on Saturday from 09:00.
    assert promised_reply(HOURS, warsaw("2026-11-27 18:00"), 4) == warsaw("2026-11-28 11:00")


@pytest.mark.parametrize(
    ("text", "problem"),
    [("mon-fri 8-20", "expected e.g."), ("mon-fry 08:00-20:00", "days are"), ("mon 20:00-08:00", "after opening")],
)
def test_unreadable_hours_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(HoursError, match=problem):
        BusinessHours.parse(text, "Europe/Warsaw")


def test_unknown_time_zone_is_named() -> None:
    with pytest.raises(HoursError, match="Mars/Olympus"):
        BusinessHours.parse("mon 08:00-10:00", "Mars/Olympus")


def test_moments_are_told_in_the_customers_language() -> None:
    moment = warsaw("2026-11-30 08:00")
    assert format_moment(moment, "pl", HOURS.zone) == "poniedziałek 30.11 o 08:00"
    assert format_moment(moment, "en", HOURS.zone) == "Monday 30.11 at 08:00"
    assert format_moment(moment, "ro", HOURS.zone) == "luni 30.11 la 08:00"
