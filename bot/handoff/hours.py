"""Consultants' working hours, e.g. "mon-fri 08:00-20:00; sat 09:00-15:00", in the shop's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})$")


class HoursError(ValueError):
    """The working-hours setting cannot be read; the message names the part that is wrong."""


@dataclass(frozen=True)
class BusinessHours:
    # weekday (0 = Monday) -> list of (opening, closing) minutes after midnight
    windows: dict[int, tuple[tuple[int, int], ...]]
    zone: ZoneInfo

    @classmethod
    def parse(cls, text: str, zone: str) -> "BusinessHours":
        try:
            tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise HoursError(f"unknown time zone {zone!r} (expected e.g. 'Europe/Warsaw')") from error
        windows: dict[int, list[tuple[int, int]]] = {}
        for part in filter(None, (p.strip().lower() for p in text.split(";"))):
            match = _PART.match(part)
            if not match:
                raise HoursError(f"cannot read {part!r}: expected e.g. 'mon-fri 08:00-20:00'")
            first, last = match["first"], match["last"] or match["first"]
            if first not in DAYS or last not in DAYS:
                raise HoursError(f"{part!r}: days are {', '.join(DAYS)}")
            opening, closing = _minutes(match["open"], part), _minutes(match["close"], part)
            if closing <= opening:
                raise HoursError(f"{part!r}: closing time must be after opening time")
            start, end = DAYS.index(first), DAYS.index(last)
            for day in range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)]:
                windows.setdefault(day, []).append((opening, closing))
        return cls({day: tuple(sorted(spans)) for day, spans in windows.items()}, tz)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        return any(opening <= minute < closing for opening, closing in self.windows.get(local.weekday(), ()))

    def next_opening(self, moment: datetime) -> datetime | None:
        """When consultants are next at work (the moment itself if open now); None if never."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(self.zone)
        for offset in range(8):
            day = (local + timedelta(days=offset)).date()
            for opening, _closing in self.windows.get(day.weekday(), ()):
                start = datetime.combine(day, time(opening // 60, opening % 60), self.zone)
                if start > local:
                    return start
        return None


def _minutes(value: str, part: str) -> int:
    hours, minutes = (int(x) for x in value.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise HoursError(f"{part!r}: {value} is not a time of day")
    return hours * 60 + minutes
