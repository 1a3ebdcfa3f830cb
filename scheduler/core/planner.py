"""The planner: ritual rules, calendar and buyers in, the dated meetings that should exist out.

Territory series meet once per cycle (a month of `rule.months`, or of the months its cadence
implies) on the first preferred weekday of `rule.week_of_month`; when that day is closed or the
facilitator is full, SHIFT tries the next preferred open days within `max_shift_days` and the same
month, SKIP gives up. Per-buyer series (programming review, internal awareness, convention
renewal) get one meeting per cycle somewhere in a window of weeks, each buyer starting its search
at a stable, slug-derived offset so reviews spread over the window instead of piling up on its
first day.

Determinism: candidates are placed one by one in (window start, kind, key) order, and a
placement does not depend on `today`, so the same input gives the same plan and extending
`horizon_end` only adds meetings after the old horizon. Occurrences already announced (`fixed`)
book their facilitator's capacity before anything is placed and come back exactly as given while
their key is still wanted, even beyond `horizon_end`, so reconciliation never cancels them by
accident; meetings that already started (`past`, their keys) are never placed again.

One exception to "not on `today`": a per-buyer window that straddles `today` and whose stable
day is already over would leave the buyer without its meeting of the year when that meeting never
took place (a buyer imported late, a first plan run mid-window). Its meeting then goes on the last
usable day after `today` left in the window: the latest one, so that the choice stays the same as
the days pass instead of sliding a day each morning.

Every buyer with an active convention but no programming review between `today` and
`horizon_end` is returned in `Plan.missing_reviews` with the reason: its window had no room
(holidays, blackouts, capacity), its convention ends before its next window, or that window lies
beyond the horizon (none when the ritual is disabled: the operator decided so for everyone).

DST: a start time is a local wall time in `calendar.timezone`; `datetime.combine(day, t, tz)`
gives it the UTC offset of its own day, so "10:00" stays 10:00 in Paris all year (+01:00 in
winter, +02:00 in summer). The end is the start plus `duration` of elapsed time. Nonexistent or
ambiguous local times only occur between 02:00 and 03:00 in Paris, never during meeting hours.

The work is shared: scheduler.core.cycles says which meetings the rules want and in which
window, scheduler.core.placer finds each one's day and time, scheduler.core.reviews names the
buyers left without a review; this module orders them and keeps what is announced.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, timedelta

from scheduler.core.calendar_rules import WorkingCalendar
from scheduler.core.cycles import (
    Candidate,
    anchor_day,
    candidates,
    spread_offset,
    territory_months,
)
from scheduler.core.kinds import RitualKind
from scheduler.core.placer import Bookings, Placer
from scheduler.core.reviews import missing_reviews
from scheduler.core.values import (
    BuyerProfile,
    CalendarRules,
    Capacity,
    Plan,
    PlannedOccurrence,
    RitualRule,
    Unplaced,
)

__all__ = [
    "anchor_day",
    "meeting_window",
    "plan_rituals",
    "spread_offset",
    "territory_months",
]


def plan_rituals(
    rules: Sequence[RitualRule],
    calendar: CalendarRules,
    capacities: Sequence[Capacity],
    buyers: Sequence[BuyerProfile],
    *,
    today: date,
    horizon_end: date,
    fixed: Sequence[PlannedOccurrence] = (),
    past: Collection[str] = (),
    uid_domain: str,
    held: Sequence[PlannedOccurrence] = (),
) -> Plan:
    """The occurrences that should exist from `today` to `horizon_end`, those that cannot, and
    the buyers left without a programming review; `past` are the keys of meetings that already
    started, which are never placed again; `held` are the candidate slots of open proposals
    (scheduler.core.slots), which take their facilitator's capacity like meetings and are not
    returned."""
    _check_unique(rule.kind for rule in rules)
    _check_unique(buyer.slug for buyer in buyers)
    working = WorkingCalendar(calendar)
    bookings = Bookings(working, capacities)
    for hold in held:
        bookings.add(hold)
    fixed_days = [working.local_day(occurrence.start) for occurrence in fixed]
    reach = max([horizon_end, *fixed_days])
    years = _years(rules, min([today, *fixed_days]), reach)
    default_facilitator = capacities[0].facilitator if capacities else None
    wanted = {
        candidate.key: candidate
        for candidate in candidates(rules, buyers, years, default_facilitator)
    }

    kept = _keep_fixed(fixed, wanted, bookings)
    occurrences = [occ for occ in kept.values() if working.local_day(occ.start) >= today]
    days = {key: working.local_day(occ.start) for key, occ in kept.items()}
    unplaced: list[Unplaced] = []
    placer = Placer(working, bookings, uid_domain)
    for candidate in _pending(wanted, kept, today, reach, past):
        placed = placer.place(candidate)
        if (
            isinstance(placed, PlannedOccurrence)
            and candidate.spread is not None
            and working.local_day(placed.start) <= today
        ):
            placed = placer.place_late(candidate, today)
        if isinstance(placed, Unplaced):
            if candidate.first <= horizon_end:
                unplaced.append(placed)
            continue
        days[placed.key] = working.local_day(placed.start)
        if today <= days[placed.key] <= horizon_end:
            occurrences.append(placed)
    occurrences.sort(key=lambda occ: (occ.start, occ.key))
    review = next((rule for rule in rules if rule.kind is RitualKind.PROGRAMMING_REVIEW), None)
    missing = missing_reviews(
        review,
        buyers,
        years,
        days,
        {gap.key: gap.reason for gap in unplaced},
        past,
        today,
        horizon_end,
    )
    return Plan(occurrences=tuple(occurrences), unplaced=tuple(unplaced), missing_reviews=missing)


def meeting_window(
    rule: RitualRule, buyer: BuyerProfile, key: str, around: date
) -> tuple[date, date] | None:
    """The window (first and last day) the per-buyer meeting `key` of `buyer` is placed in,
    looked for among the cycles of the years from two before `around`'s to two after (a
    meeting's own date is always within a year of its cycle's); None when none has that key."""
    years = range(around.year - 2, around.year + 3)
    for candidate in candidates([rule], [buyer], years, buyer.facilitator):
        if candidate.key == key:
            return candidate.first, candidate.last
    return None


def _check_unique(names: Iterable[str]) -> None:
    """Refuse two rules of one kind or two buyers with one slug: their keys would collide."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"duplicate {name!r} in planner input")
        seen.add(name)


def _years(rules: Sequence[RitualRule], earliest: date, reach: date) -> range:
    """The years whose cycles may have a meeting between `earliest` and `reach`."""
    widest = max((max(rule.window_weeks) for rule in rules), default=0)
    return range(earliest.year - 1, (reach + timedelta(weeks=widest)).year + 2)


def _pending(
    wanted: dict[str, Candidate],
    kept: dict[str, PlannedOccurrence],
    today: date,
    reach: date,
    past: Collection[str],
) -> list[Candidate]:
    """The candidates left to place, in placement order; windows over before `today` are gone,
    and so are the meetings that already started."""
    pending = [
        candidate
        for candidate in wanted.values()
        if candidate.key not in kept
        and candidate.key not in past
        and candidate.last >= today
        and candidate.first <= reach
    ]
    return sorted(pending, key=lambda candidate: candidate.order)


def _keep_fixed(
    fixed: Sequence[PlannedOccurrence], wanted: dict[str, Candidate], bookings: Bookings
) -> dict[str, PlannedOccurrence]:
    """The announced occurrences still wanted, by key, booked before anything is placed."""
    kept: dict[str, PlannedOccurrence] = {}
    for occurrence in sorted(fixed, key=lambda occ: (occ.start, occ.key, occ.uid)):
        if occurrence.key in wanted and occurrence.key not in kept:
            kept[occurrence.key] = occurrence
            bookings.add(occurrence)
    return kept
