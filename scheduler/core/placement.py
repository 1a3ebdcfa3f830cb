"""The rules a meeting's day and time must keep, checked for one meeting put somewhere by hand.

The planner keeps them by construction; a facilitator moving a meeting (`rituel occurrence move`,
later the web workspace) may break them, so both ask `broken_rules` and show its answer: refuse,
or go ahead on purpose (`--force`) saying which rules were broken. The rules are the planner's:

- the day is open: a working weekday, no public holiday, outside every blackout period;
- the facilitator runs at most `max_per_day` meetings on that local day and `max_per_week` in
  its ISO week (Monday to Sunday), this one included;
- the meeting overlaps none of the facilitator's other meetings ([start, end) intervals).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from scheduler.core.calendar_rules import WorkingCalendar
from scheduler.core.values import Capacity

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Rule(StrEnum):
    """A planning rule a meeting's placement can break."""

    WEEKEND = "weekend"
    NON_WORKING_DAY = "non_working_day"
    HOLIDAY = "holiday"
    BLACKOUT = "blackout"
    DAY_CAPACITY = "day_capacity"
    WEEK_CAPACITY = "week_capacity"
    OVERLAP = "overlap"


@dataclass(frozen=True, slots=True)
class BrokenRule:
    """One rule broken, and how, in the operator's words (English)."""

    rule: Rule
    detail: str

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True, slots=True)
class Booked:
    """Another meeting of the same facilitator: when, and how to name it."""

    start: datetime
    end: datetime
    label: str


def broken_rules(
    start: datetime,
    end: datetime,
    *,
    calendar: WorkingCalendar,
    capacity: Capacity,
    others: Iterable[Booked],
) -> tuple[BrokenRule, ...]:
    """The rules a meeting from `start` to `end`, run by `capacity.facilitator`, breaks, given
    the facilitator's `others` meetings (the moved meeting itself left out); () when none."""
    day = calendar.local_day(start)
    broken = list(_closed_day(calendar, day))
    others = list(others)
    same_day = [o for o in others if calendar.local_day(o.start) == day]
    monday = day - timedelta(days=day.weekday())
    same_week = [o for o in others if monday <= calendar.local_day(o.start) < monday + _WEEK]
    who = capacity.facilitator
    if len(same_day) >= capacity.max_per_day:
        broken.append(
            BrokenRule(
                Rule.DAY_CAPACITY,
                f"{who} already runs {_meetings(len(same_day))} on {day} "
                f"(max_per_day = {capacity.max_per_day})",
            )
        )
    if len(same_week) >= capacity.max_per_week:
        broken.append(
            BrokenRule(
                Rule.WEEK_CAPACITY,
                f"{who} already runs {_meetings(len(same_week))} in the week of {monday} "
                f"(max_per_week = {capacity.max_per_week})",
            )
        )
    for other in sorted(others, key=lambda o: (o.start, o.label)):
        if other.start < end and start < other.end:
            local_start, local_end = (m.astimezone(calendar.tz) for m in (other.start, other.end))
            broken.append(
                BrokenRule(
                    Rule.OVERLAP,
                    f"it overlaps {who}'s meeting {other.label} "
                    f"({local_start:%Y-%m-%d %H:%M} to {local_end:%H:%M})",
                )
            )
    return tuple(broken)


_WEEK = timedelta(days=7)


def _closed_day(calendar: WorkingCalendar, day: date) -> Iterable[BrokenRule]:
    """Why no meeting may be held on `day`, if it may not: each reason that applies."""
    name = f"{WEEKDAY_NAMES[day.weekday()]} {day}"
    if day.weekday() not in calendar.rules.working_weekdays:
        if day.weekday() >= 5:
            yield BrokenRule(Rule.WEEKEND, f"{name} is a weekend day")
        else:
            yield BrokenRule(
                Rule.NON_WORKING_DAY, f"{name} is not a working day ([organisation] working_days)"
            )
    holiday = calendar.holiday_name(day)
    if holiday is not None:
        yield BrokenRule(Rule.HOLIDAY, f"{name} is a public holiday ({holiday})")
    for blackout in calendar.rules.blackouts:
        if blackout.contains(day):
            first, last = blackout.start, blackout.end
            yield BrokenRule(
                Rule.BLACKOUT,
                f"{name} is in a blackout period "
                f"({first.month:02}-{first.day:02} to {last.month:02}-{last.day:02})",
            )


def _meetings(count: int) -> str:
    return f"{count} meeting{'s' if count != 1 else ''}"
