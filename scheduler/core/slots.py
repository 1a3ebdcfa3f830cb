"""Slot choice: the dates a buyer may choose its own meeting from.

For a meeting whose ritual lets the buyer choose (`booking = "choose"`), the planner's default
slot is offered with other candidate slots in the same window, `count` in all (the default one
first). Every candidate keeps every rule the planner keeps, checked by
`scheduler.core.placement.broken_rules` against the facilitator's other meetings and holds
(`others`, the meeting itself left out) and against the candidates already chosen, since all the
candidates of an open proposal hold the facilitator's capacity together:

- an open day (working weekday, no holiday, outside blackouts) on one of the ritual's preferred
  weekdays, at one of its start times, from `earliest` on;
- room in the facilitator's day and ISO week, and no overlap.

Spread: the candidates fall in different ISO weeks spread over the window (evenly spaced among
the weeks that have a usable day) and, as far as the preferred weekdays allow, on different
weekdays; when the window has fewer usable weeks than `count`, a week takes a second slot on
another day. Deterministic: the same input gives the same slots.

New dates (`replacement_slots`), once the buyer answered that none of the dates offered suits
them: no day of a refused date is offered again; the new default date is the free one nearest
to the planner's own date (the spread over the buyers stays as close as it can), and the others
are chosen around it as above.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scheduler.core.calendar_rules import WorkingCalendar, elapsed_end
from scheduler.core.placement import Booked, broken_rules
from scheduler.core.values import Capacity, RitualRule

MIN_SLOTS = 3
MAX_SLOTS = 5


@dataclass(frozen=True, slots=True, order=True)
class Slot:
    """One date a buyer may choose: [start, end), aware."""

    start: datetime
    end: datetime


def candidate_slots(
    default: Slot,
    window: tuple[date, date],
    rule: RitualRule,
    *,
    calendar: WorkingCalendar,
    capacity: Capacity,
    others: Iterable[Booked],
    count: int,
    earliest: date,
    closed: frozenset[date] = frozenset(),
) -> tuple[Slot, ...]:
    """Up to `count` slots for one meeting (the `default` one first, then by date), each
    keeping the rules above given the facilitator's `others` meetings and holds, none on a
    `closed` day."""
    taken = list(others)
    chosen = [default]
    booked = [*taken, _booked(default)]
    days = [day for day in _usable_days(window, rule, calendar, earliest) if day not in closed]
    weeks = _by_week(days)
    default_week = _week(calendar.local_day(default.start))
    used_weekdays = {calendar.local_day(default.start).weekday()}
    for strict in (True, False):  # first one slot a week, then a second one where there is room
        for week in _spread(sorted(weeks), count):
            if len(chosen) >= count:
                break
            if strict and week == default_week:
                continue
            slot = _slot_in_week(weeks[week], rule, calendar, capacity, booked, used_weekdays)
            if slot is not None:
                chosen.append(slot)
                booked.append(_booked(slot))
                used_weekdays.add(calendar.local_day(slot.start).weekday())
    return (default, *sorted(chosen[1:]))


def replacement_slots(
    near: Slot,
    refused: Iterable[Slot],
    window: tuple[date, date],
    rule: RitualRule,
    *,
    calendar: WorkingCalendar,
    capacity: Capacity,
    others: Iterable[Booked],
    count: int,
    earliest: date,
) -> tuple[Slot, ...]:
    """New slots for a meeting whose `refused` dates none suited the buyer (the new default
    first: the free one nearest to `near`), none on a refused date's day; empty when the
    window has no free date left."""
    closed = frozenset(calendar.local_day(slot.start) for slot in refused)
    taken = list(others)
    days = [day for day in _usable_days(window, rule, calendar, earliest) if day not in closed]
    target = calendar.local_day(near.start)
    for day in sorted(days, key=lambda day: (abs((day - target).days), day)):
        for at in rule.times:
            start = calendar.local_datetime(day, at)
            default = Slot(start, elapsed_end(start, rule.duration))
            if slot_is_free(default, calendar=calendar, capacity=capacity, others=taken):
                return candidate_slots(
                    default,
                    window,
                    rule,
                    calendar=calendar,
                    capacity=capacity,
                    others=taken,
                    count=count,
                    earliest=earliest,
                    closed=closed,
                )
    return ()


def slot_is_free(
    slot: Slot, *, calendar: WorkingCalendar, capacity: Capacity, others: Iterable[Booked]
) -> bool:
    """True when a meeting in `slot` breaks no rule given the facilitator's `others`."""
    return not broken_rules(
        slot.start, slot.end, calendar=calendar, capacity=capacity, others=others
    )


def _usable_days(
    window: tuple[date, date], rule: RitualRule, calendar: WorkingCalendar, earliest: date
) -> list[date]:
    """The open preferred days of the window, from `earliest` on."""
    first, last = max(window[0], earliest), window[1]
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [day for day in days if day.weekday() in rule.weekdays and calendar.is_open(day)]


def _by_week(days: Iterable[date]) -> dict[int, list[date]]:
    weeks: dict[int, list[date]] = {}
    for day in days:
        weeks.setdefault(_week(day), []).append(day)
    return weeks


def _spread(weeks: Sequence[int], count: int) -> list[int]:
    """Every week, the evenly spaced ones first (the first, the last, and between)."""
    if not weeks:
        return []
    wanted = max(count, 2)
    picks = [round(index * (len(weeks) - 1) / (wanted - 1)) for index in range(wanted)]
    spaced = list(dict.fromkeys(weeks[pick] for pick in picks))
    return spaced + [week for week in weeks if week not in spaced]


def _slot_in_week(
    days: Sequence[date],
    rule: RitualRule,
    calendar: WorkingCalendar,
    capacity: Capacity,
    booked: Sequence[Booked],
    used_weekdays: set[int],
) -> Slot | None:
    """The first free slot of the week, on a weekday not used yet when one has room."""
    ordered = sorted(days, key=lambda day: (day.weekday() in used_weekdays, day))
    for day in ordered:
        for at in rule.times:
            start = calendar.local_datetime(day, at)
            slot = Slot(start, elapsed_end(start, rule.duration))
            if slot_is_free(slot, calendar=calendar, capacity=capacity, others=booked):
                return slot
    return None


def _booked(slot: Slot) -> Booked:
    return Booked(slot.start, slot.end, "candidate slot")


def _week(day: date) -> int:
    """An index of the ISO week (Monday to Sunday) holding `day`."""
    return (day.toordinal() - 1) // 7
