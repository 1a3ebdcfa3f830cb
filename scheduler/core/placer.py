"""Where each candidate goes: the planner's day and time for one meeting, or why there is none.

A candidate is tried on the open days of its window (working weekday, no holiday, outside the
blackouts) that fall on a preferred weekday, at each of the rule's start times in order; a day
takes it when its facilitator has room that local day and that ISO week (`Capacity`) and the
meeting overlaps none of theirs ([start, end) intervals). A territory candidate starts at its
anchor day; a per-buyer one starts at its stable offset and wraps round to the window's first
days. `Placer.place_late` serves a per-buyer meeting whose stable day is over: the latest usable
day left after `today`. An unplaced candidate gets a reason a reader understands.

DST: a start time is a local wall time in the calendar's time zone; `datetime.combine(day, t,
tz)` gives it the UTC offset of its own day, so "10:00" stays 10:00 in Paris all year. The end is
the start plus `duration` of elapsed time.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from scheduler.core.calendar_rules import WorkingCalendar, elapsed_end
from scheduler.core.cycles import Candidate
from scheduler.core.values import Capacity, PlannedOccurrence, Unplaced, occurrence_uid

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class Bookings:
    """Each facilitator's meetings per local day and ISO week, to check capacity and overlaps."""

    def __init__(self, working: WorkingCalendar, capacities: Sequence[Capacity]) -> None:
        """Start empty; a facilitator without a capacity gets the defaults."""
        self._working = working
        self._capacities: dict[str, Capacity] = {}
        for capacity in capacities:
            self._capacities.setdefault(capacity.facilitator, capacity)
        self._per_day: dict[tuple[str, date], int] = {}
        self._per_week: dict[tuple[str, int], int] = {}
        self._spans: dict[tuple[str, date], list[tuple[float, float]]] = {}

    def add(self, occurrence: PlannedOccurrence) -> None:
        """Book one meeting for its facilitator."""
        day = self._working.local_day(occurrence.start)
        slot = (occurrence.facilitator, day)
        week = (occurrence.facilitator, _week(day))
        self._per_day[slot] = self._per_day.get(slot, 0) + 1
        self._per_week[week] = self._per_week.get(week, 0) + 1
        span = (occurrence.start.timestamp(), occurrence.end.timestamp())
        self._spans.setdefault(slot, []).append(span)

    def has_room(self, facilitator: str, day: date) -> bool:
        """True when the facilitator may take one more meeting on `day` and in its week."""
        capacity = self._capacity(facilitator)
        return (
            self._per_day.get((facilitator, day), 0) < capacity.max_per_day
            and self._per_week.get((facilitator, _week(day)), 0) < capacity.max_per_week
        )

    def is_free(self, facilitator: str, day: date, start: datetime, end: datetime) -> bool:
        """True when [start, end) overlaps none of the facilitator's meetings that day."""
        begin, finish = start.timestamp(), end.timestamp()
        spans = self._spans.get((facilitator, day), ())
        return all(finish <= taken_start or taken_end <= begin for taken_start, taken_end in spans)

    def _capacity(self, facilitator: str) -> Capacity:
        """The facilitator's capacity, or the defaults."""
        capacity = self._capacities.get(facilitator)
        if capacity is None:
            capacity = self._capacities[facilitator] = Capacity(facilitator=facilitator)
        return capacity


class Placer:
    """Finds the day and time of one candidate, or says why there is none."""

    def __init__(self, working: WorkingCalendar, bookings: Bookings, uid_domain: str) -> None:
        """Place against `working` days and `bookings`; UIDs in `uid_domain`."""
        self._working = working
        self._bookings = bookings
        self._uid_domain = uid_domain
        self._open_days: dict[tuple[date, date, frozenset[int]], list[date]] = {}

    def place(self, candidate: Candidate) -> PlannedOccurrence | Unplaced:
        """Book `candidate` on its first usable day and time, or say why it cannot be."""
        facilitator = candidate.facilitator
        if facilitator is None:
            return self._unplaced(candidate, "no facilitator to run it")
        if not candidate.rule.times:
            return self._unplaced(candidate, "no start time configured")
        for day in self._days_to_try(candidate):
            placed = self._place_on(candidate, facilitator, day)
            if placed is not None:
                self._bookings.add(placed)
                return placed
        return self._unplaced(candidate, self._why_not(candidate, facilitator))

    def place_late(self, candidate: Candidate, today: date) -> PlannedOccurrence | Unplaced:
        """Book a per-buyer `candidate` whose stable day is over on the last usable day after
        `today` left in its window (its facilitator and times were checked by `place`)."""
        late = replace(candidate, first=today + timedelta(days=1), spread=0)
        facilitator = candidate.facilitator
        assert facilitator is not None
        days = self._open_preferred(late.first, late.last, late.rule.weekdays)
        for day in reversed(days):
            placed = self._place_on(late, facilitator, day)
            if placed is not None:
                self._bookings.add(placed)
                return placed
        return self._unplaced(late, self._why_not(late, facilitator))

    def _days_to_try(self, candidate: Candidate) -> Iterable[date]:
        """Open preferred days of the window, in the order they are tried."""
        if not candidate.anchored:
            return ()
        days = self._open_preferred(candidate.first, candidate.last, candidate.rule.weekdays)
        if candidate.spread is None:
            return days
        pivot = bisect.bisect_left(days, candidate.first + timedelta(days=candidate.spread))
        return days[pivot:] + days[:pivot]

    def _open_preferred(self, first: date, last: date, weekdays: Iterable[int]) -> list[date]:
        """The open days between `first` and `last` that fall on a preferred weekday (cached)."""
        cache_key = (first, last, frozenset(weekdays))
        days = self._open_days.get(cache_key)
        if days is None:
            days = self._open_days[cache_key] = [
                day
                for day in _days(first, last)
                if day.weekday() in cache_key[2] and self._working.is_open(day)
            ]
        return days

    def _place_on(
        self, candidate: Candidate, facilitator: str, day: date
    ) -> PlannedOccurrence | None:
        """The occurrence at the first free start time on `day`, or None."""
        if not self._bookings.has_room(facilitator, day):
            return None
        rule = candidate.rule
        for at in rule.times:
            start = self._working.local_datetime(day, at)
            end = elapsed_end(start, rule.duration)
            if self._bookings.is_free(facilitator, day, start, end):
                return PlannedOccurrence(
                    key=candidate.key,
                    uid=occurrence_uid(candidate.key, self._uid_domain),
                    kind=candidate.kind,
                    buyer=candidate.buyer,
                    facilitator=facilitator,
                    start=start,
                    end=end,
                    theme=candidate.theme,
                )
        return None

    def _why_not(self, candidate: Candidate, facilitator: str) -> str:
        """A reader's explanation of why no day of the window was usable."""
        rule = candidate.rule
        names = "/".join(WEEKDAY_NAMES[day] for day in sorted(set(rule.weekdays)))
        if candidate.spread is None:
            if not candidate.anchored:
                return f"no {names} in week {rule.week_of_month} of {candidate.first:%Y-%m}"
            closed = self._working.why_closed(candidate.first)
            anchor = f"{candidate.first.isoformat()} is " + (
                f"closed ({closed})" if closed else f"full for {facilitator}"
            )
            if candidate.first == candidate.last:
                return anchor
            return f"{anchor}, and no open {names} with room until {candidate.last.isoformat()}"
        return (
            f"no open {names} with room for {facilitator} between "
            f"{candidate.first.isoformat()} and {candidate.last.isoformat()}"
        )

    def _unplaced(self, candidate: Candidate, reason: str) -> Unplaced:
        """The `Unplaced` record of a candidate."""
        return Unplaced(
            key=candidate.key, kind=candidate.kind, buyer=candidate.buyer, reason=reason
        )


def _days(first: date, last: date) -> Iterable[date]:
    """Every day from `first` to `last`, both included."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def _week(day: date) -> int:
    """An index of the ISO week (Monday to Sunday) holding `day`."""
    return (day.toordinal() - 1) // 7
