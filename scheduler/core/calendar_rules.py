"""Which days meetings may be held on, and local wall-clock times made into aware datetimes.

A day is open when it is a working weekday, not a public holiday of the configured country and
subdivision (the `holidays` package; Moselle "57" and Alsace "6AE" add Good Friday and
26 December), and not inside a yearly blackout period.

DST: a local date and time become an aware datetime with `datetime.combine(day, at, tz)`, so the
wall time is kept and the UTC offset is the one in force on that day (+01:00 in winter, +02:00 in
summer for Europe/Paris). A nonexistent local time (inside the spring-forward gap) or an ambiguous
one (the autumn fold) only happens between 02:00 and 03:00 in Paris, never during meeting hours;
should it happen, `fold=0` picks the offset in force before the change, as zoneinfo does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

from scheduler.core.values import CalendarRules


def local_datetime(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The aware datetime of wall time `at` on `day` in `tz`, with that day's UTC offset."""
    return datetime.combine(day, at, tzinfo=tz)


def elapsed_end(start: datetime, duration: timedelta) -> datetime:
    """The end of a meeting lasting `duration` of real time, in the start's time zone."""
    return (start.astimezone(UTC) + duration).astimezone(start.tzinfo)


class WorkingCalendar:
    """The open days of one guichet; each day's verdict is cached."""

    def __init__(self, rules: CalendarRules) -> None:
        """Build the calendar; holidays are loaded lazily, one year at a time, and cached."""
        self.rules = rules
        self.tz = ZoneInfo(rules.timezone)
        self._closed: dict[date, str | None] = {}

    def is_open(self, day: date) -> bool:
        """True when a meeting may be held on `day`."""
        return self.why_closed(day) is None

    def why_closed(self, day: date) -> str | None:
        """Why no meeting may be held on `day` ("weekend", "holiday: Noël", ...), or None."""
        try:
            return self._closed[day]
        except KeyError:
            reason = self._closed[day] = self._reason(day)
            return reason

    def holiday_name(self, day: date) -> str | None:
        """The French name of the public holiday on `day`, or None."""
        return self._holidays_of(day.year).get(day)

    def local_datetime(self, day: date, at: time) -> datetime:
        """The aware datetime of local wall time `at` on `day` in this calendar's time zone."""
        return local_datetime(day, at, self.tz)

    def local_day(self, moment: datetime) -> date:
        """The local date of an aware `moment` in this calendar's time zone."""
        return moment.astimezone(self.tz).date()

    def _reason(self, day: date) -> str | None:
        """Compute why `day` is closed, uncached."""
        if day.weekday() not in self.rules.working_weekdays:
            return "weekend" if day.weekday() >= 5 else "not a working day"
        name = self.holiday_name(day)
        if name is not None:
            return f"holiday: {name}"
        for blackout in self.rules.blackouts:
            if blackout.contains(day):
                start, end = blackout.start, blackout.end
                return f"blackout: {start.month:02}-{start.day:02} to {end.month:02}-{end.day:02}"
        return None

    def _holidays_of(self, year: int) -> Mapping[date, str]:
        """The public holidays of `year` for this calendar's country and subdivision."""
        return public_holidays(self.rules.country, self.rules.subdivision or None, year)


@lru_cache(maxsize=1024)
def public_holidays(country: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    """The public holidays of one year, by day, named in French; loaded once per process."""
    found = holidays.country_holidays(country, subdiv=subdivision, years=year, language="fr")
    return MappingProxyType({day: str(name) for day, name in found.items()})
