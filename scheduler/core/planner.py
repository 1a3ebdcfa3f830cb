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
"""

from __future__ import annotations

import bisect
import calendar as month_calendar
import hashlib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from scheduler.core.calendar_rules import WorkingCalendar, elapsed_end
from scheduler.core.kinds import Cadence, OnConflict, ReviewGap, RitualKind, Scope
from scheduler.core.values import (
    BuyerProfile,
    CalendarRules,
    Capacity,
    ConventionTerm,
    MissingReview,
    Plan,
    PlannedOccurrence,
    RitualRule,
    Unplaced,
    occurrence_uid,
)

CADENCE_MONTHS: dict[Cadence, tuple[int, ...]] = {
    Cadence.MONTHLY: tuple(range(1, 13)),
    Cadence.BIMONTHLY: (1, 3, 5, 7, 9, 11),
    Cadence.QUARTERLY: (3, 6, 9, 12),
    Cadence.SEMIANNUAL: (4, 10),
    Cadence.YEARLY: (6,),
    Cadence.PER_CONVENTION: (6,),
}
"""Months a territory series meets in when its rule names none."""

THEME_EPOCH_YEAR = 2000
"""Themes rotate by cycles counted from this year, so the rotation ignores `today`."""

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One meeting the rules want, with the window it must be placed in."""

    first: date
    last: date
    kind: RitualKind
    key: str
    rule: RitualRule
    buyer: str | None
    facilitator: str | None
    theme: str | None
    spread: int | None = None
    """Per-buyer kinds: where in the window the search starts (days from `first`)."""
    anchored: bool = True
    """Territory kinds: False when the month has no preferred weekday in the rule's week."""

    @property
    def order(self) -> tuple[date, str, str]:
        """The deterministic placement order."""
        return (self.first, self.kind.value, self.key)


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
    bookings = _Bookings(working, capacities)
    for hold in held:
        bookings.add(hold)
    fixed_days = [working.local_day(occurrence.start) for occurrence in fixed]
    reach = max([horizon_end, *fixed_days])
    years = _years(rules, min([today, *fixed_days]), reach)
    default_facilitator = capacities[0].facilitator if capacities else None
    wanted = {
        candidate.key: candidate
        for candidate in _candidates(rules, buyers, years, default_facilitator)
    }

    kept = _keep_fixed(fixed, wanted, bookings)
    occurrences = [occ for occ in kept.values() if working.local_day(occ.start) >= today]
    days = {key: working.local_day(occ.start) for key, occ in kept.items()}
    unplaced: list[Unplaced] = []
    placer = _Placer(working, bookings, uid_domain)
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
    missing = _missing_reviews(
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
    looked for among the cycles of the years around `around`; None when no cycle has that key."""
    years = range(around.year - 2, around.year + 3)
    for candidate in _candidates([rule], [buyer], years, buyer.facilitator):
        if candidate.key == key:
            return candidate.first, candidate.last
    return None


def spread_offset(slug: str, days: int) -> int:
    """A stable offset in [0, days) for one buyer, the same on every run and machine."""
    digest = hashlib.sha256(slug.encode()).digest()
    return int.from_bytes(digest[:8], "big") % max(days, 1)


def territory_months(rule: RitualRule) -> tuple[int, ...]:
    """The months a territory series meets in, sorted."""
    return tuple(sorted(set(rule.months))) or CADENCE_MONTHS[rule.cadence]


def anchor_day(year: int, month: int, week_of_month: int, weekdays: Iterable[int]) -> date | None:
    """The first preferred weekday on or after day (week - 1) * 7 + 1, if still in the month."""
    preferred = set(weekdays)
    last_day = month_calendar.monthrange(year, month)[1]
    for day_of_month in range((week_of_month - 1) * 7 + 1, last_day + 1):
        if day_of_month >= 1:
            day = date(year, month, day_of_month)
            if day.weekday() in preferred:
                return day
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


def _candidates(
    rules: Sequence[RitualRule],
    buyers: Sequence[BuyerProfile],
    years: range,
    default_facilitator: str | None,
) -> Iterable[_Candidate]:
    """Every meeting the enabled rules want over `years` (conventions: over their whole term)."""
    for rule in rules:
        if not rule.enabled:
            continue
        if rule.kind.scope is Scope.TERRITORY:
            yield from _territory_candidates(rule, years, rule.facilitator or default_facilitator)
        elif rule.kind is RitualKind.PROGRAMMING_REVIEW:
            for buyer in buyers:
                yield from _review_candidates(rule, buyer, years)
        else:
            for buyer in buyers:
                yield from _convention_candidates(rule, buyer)


def _territory_candidates(
    rule: RitualRule, years: range, facilitator: str | None
) -> Iterable[_Candidate]:
    """One candidate per (year, month) cycle of a territory series."""
    months = territory_months(rule)
    for year in years:
        for index, month in enumerate(months):
            month_end = date(year, month, month_calendar.monthrange(year, month)[1])
            anchor = anchor_day(year, month, rule.week_of_month, rule.weekdays)
            first = anchor or date(year, month, 1)
            last = first
            if anchor is None:
                last = month_end
            elif rule.on_conflict is OnConflict.SHIFT:
                last = min(anchor + timedelta(days=max(rule.max_shift_days, 0)), month_end)
            cycle = (year - THEME_EPOCH_YEAR) * len(months) + index
            yield _Candidate(
                first=first,
                last=last,
                kind=rule.kind,
                key=f"{rule.kind.value}:territory:{year:04}-{month:02}",
                rule=rule,
                buyer=None,
                facilitator=facilitator,
                theme=_theme(rule, cycle),
                anchored=anchor is not None,
            )


def _review_candidates(rule: RitualRule, buyer: BuyerProfile, years: range) -> Iterable[_Candidate]:
    """One programming review a year, before the buyer's programming month, under a convention."""
    near, far = sorted(rule.window_weeks)
    for year in years:
        target = date(year, buyer.programming_month, 1)
        first, last = target - timedelta(weeks=far), target - timedelta(weeks=near)
        if any(_covers(term, first) for term in buyer.conventions):
            yield _buyer_candidate(rule, buyer, str(year), first, last, year - THEME_EPOCH_YEAR)


def _convention_candidates(rule: RitualRule, buyer: BuyerProfile) -> Iterable[_Candidate]:
    """One meeting per active convention, after its start or before its end, inside its term."""
    near, far = sorted(rule.window_weeks)
    for term in buyer.conventions:
        if not term.active:
            continue
        if rule.kind is RitualKind.INTERNAL_AWARENESS:
            first = term.start + timedelta(weeks=near)
            last = min(term.start + timedelta(weeks=far), term.end)
        else:
            first = max(term.end - timedelta(weeks=far), term.start)
            last = term.end - timedelta(weeks=near)
        if first <= last:
            yield _buyer_candidate(rule, buyer, term.key, first, last, 0)


def _buyer_candidate(
    rule: RitualRule, buyer: BuyerProfile, cycle: str, first: date, last: date, index: int
) -> _Candidate:
    """A per-buyer candidate whose search starts at the buyer's stable offset in the window."""
    return _Candidate(
        first=first,
        last=last,
        kind=rule.kind,
        key=f"{rule.kind.value}:{buyer.slug}:{cycle}",
        rule=rule,
        buyer=buyer.slug,
        facilitator=buyer.facilitator,
        theme=_theme(rule, index),
        spread=spread_offset(buyer.slug, (last - first).days + 1),
    )


def _covers(term: ConventionTerm, day: date) -> bool:
    """True when an active convention is in force on `day`."""
    return term.active and term.start <= day <= term.end


def _theme(rule: RitualRule, cycle: int) -> str | None:
    """The theme of one cycle, rotating through the rule's themes."""
    return rule.themes[cycle % len(rule.themes)] if rule.themes else None


def _pending(
    wanted: dict[str, _Candidate],
    kept: dict[str, PlannedOccurrence],
    today: date,
    reach: date,
    past: Collection[str],
) -> list[_Candidate]:
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
    fixed: Sequence[PlannedOccurrence], wanted: dict[str, _Candidate], bookings: _Bookings
) -> dict[str, PlannedOccurrence]:
    """The announced occurrences still wanted, by key, booked before anything is placed."""
    kept: dict[str, PlannedOccurrence] = {}
    for occurrence in sorted(fixed, key=lambda occ: (occ.start, occ.key, occ.uid)):
        if occurrence.key in wanted and occurrence.key not in kept:
            kept[occurrence.key] = occurrence
            bookings.add(occurrence)
    return kept


class _Bookings:
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


class _Placer:
    """Finds the day and time of one candidate, or says why there is none."""

    def __init__(self, working: WorkingCalendar, bookings: _Bookings, uid_domain: str) -> None:
        """Place against `working` days and `bookings`; UIDs in `uid_domain`."""
        self._working = working
        self._bookings = bookings
        self._uid_domain = uid_domain
        self._open_days: dict[tuple[date, date, frozenset[int]], list[date]] = {}

    def place(self, candidate: _Candidate) -> PlannedOccurrence | Unplaced:
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

    def place_late(self, candidate: _Candidate, today: date) -> PlannedOccurrence | Unplaced:
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

    def _days_to_try(self, candidate: _Candidate) -> Iterable[date]:
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
        self, candidate: _Candidate, facilitator: str, day: date
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

    def _why_not(self, candidate: _Candidate, facilitator: str) -> str:
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

    def _unplaced(self, candidate: _Candidate, reason: str) -> Unplaced:
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


def _missing_reviews(
    rule: RitualRule | None,
    buyers: Sequence[BuyerProfile],
    years: range,
    days: Mapping[str, date],
    unplaced: Mapping[str, str],
    past: Collection[str],
    today: date,
    horizon_end: date,
) -> tuple[MissingReview, ...]:
    """Each buyer with an active convention and no programming review from `today` to
    `horizon_end`, and why (`days` holds every placed or kept meeting's day by key, `unplaced`
    the reasons of those not placed)."""
    if rule is None or not rule.enabled:
        return ()  # the operator's choice, which every buyer shares: nothing to point out
    missing = []
    for buyer in buyers:
        terms = [
            term
            for term in buyer.conventions
            if term.active and term.start <= horizon_end and term.end >= today
        ]
        if not terms:
            continue
        keys = [_review_key(buyer, year) for year in years]
        if any(today <= days.get(key, date.min) <= horizon_end for key in keys):
            continue
        last_end = max(term.end for term in terms)
        gap = _review_gap(rule, buyer, years, last_end, days, unplaced, past, today, horizon_end)
        missing.append(gap)
    return tuple(sorted(missing, key=lambda gap: gap.buyer))


def _review_gap(
    rule: RitualRule,
    buyer: BuyerProfile,
    years: range,
    last_end: date,
    days: Mapping[str, date],
    unplaced: Mapping[str, str],
    past: Collection[str],
    today: date,
    horizon_end: date,
) -> MissingReview:
    """Why `buyer` has no review in the horizon: the first of its windows from `today` on that
    could have held one and did not (`last_end`: when its active conventions end)."""
    near, far = sorted(rule.window_weeks)
    missing = MissingReview(buyer.slug, buyer.facilitator, ReviewGap.BEYOND_HORIZON)
    for year in years:
        target = date(year, buyer.programming_month, 1)
        window = (target - timedelta(weeks=far), target - timedelta(weeks=near))
        key = _review_key(buyer, year)
        missing = replace(missing, window=window)
        if window[1] < today or key in past:
            continue
        if not any(_covers(term, window[0]) for term in buyer.conventions):
            if window[0] > last_end:
                return replace(missing, cause=ReviewGap.CONVENTION_ENDS, until=last_end)
            if window[0] > horizon_end:
                return missing
            continue
        if key in unplaced:
            return replace(missing, cause=ReviewGap.NO_ROOM, detail=unplaced[key])
        if window[0] > horizon_end or days.get(key, today) > horizon_end:
            return replace(missing, day=days.get(key))
    return missing


def _review_key(buyer: BuyerProfile, year: int) -> str:
    """The key of a buyer's programming review for the programming month of `year`."""
    return f"{RitualKind.PROGRAMMING_REVIEW.value}:{buyer.slug}:{year}"
