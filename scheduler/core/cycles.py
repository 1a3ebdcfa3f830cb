"""The meetings the rules want: one candidate per cycle of each series, and its window.

Territory series meet once per cycle (a month of `rule.months`, or of the months its cadence
implies) on the first preferred weekday of `rule.week_of_month`; under SHIFT the window runs on
`max_shift_days` (never past the month's end), under SKIP it is that day alone; a month without
such a weekday gives a candidate that cannot be anchored. Per-buyer series get one candidate per
cycle: a programming review a year in the weeks before the buyer's programming month, while a
convention covers the window's first day; an internal awareness session after each active
convention starts, a renewal meeting before it ends, both inside its term. A per-buyer candidate
carries a stable, slug-derived offset where its search starts, so reviews spread over the window
instead of piling up on its first day. Themes rotate by cycles counted from `THEME_EPOCH_YEAR`.

Pure and deterministic: no `today` here (scheduler.core.planner decides what is pending).
"""

from __future__ import annotations

import calendar as month_calendar
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from scheduler.core.kinds import Cadence, OnConflict, RitualKind, Scope
from scheduler.core.values import BuyerProfile, ConventionTerm, RitualRule

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


@dataclass(frozen=True, slots=True)
class Candidate:
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


def candidates(
    rules: Sequence[RitualRule],
    buyers: Sequence[BuyerProfile],
    years: range,
    default_facilitator: str | None,
) -> Iterable[Candidate]:
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


def review_window(rule: RitualRule, buyer: BuyerProfile, year: int) -> tuple[date, date]:
    """The weeks before the buyer's programming month of `year` its review is placed in."""
    near, far = sorted(rule.window_weeks)
    target = date(year, buyer.programming_month, 1)
    return target - timedelta(weeks=far), target - timedelta(weeks=near)


def review_key(buyer: BuyerProfile, year: int) -> str:
    """The key of a buyer's programming review for the programming month of `year`."""
    return f"{RitualKind.PROGRAMMING_REVIEW.value}:{buyer.slug}:{year}"


def covers(term: ConventionTerm, day: date) -> bool:
    """True when an active convention is in force on `day`."""
    return term.active and term.start <= day <= term.end


def _territory_candidates(
    rule: RitualRule, years: range, facilitator: str | None
) -> Iterable[Candidate]:
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
            yield Candidate(
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


def _review_candidates(rule: RitualRule, buyer: BuyerProfile, years: range) -> Iterable[Candidate]:
    """One programming review a year, before the buyer's programming month, under a convention."""
    for year in years:
        first, last = review_window(rule, buyer, year)
        if any(covers(term, first) for term in buyer.conventions):
            yield _buyer_candidate(rule, buyer, str(year), first, last, year - THEME_EPOCH_YEAR)


def _convention_candidates(rule: RitualRule, buyer: BuyerProfile) -> Iterable[Candidate]:
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
) -> Candidate:
    """A per-buyer candidate whose search starts at the buyer's stable offset in the window."""
    return Candidate(
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


def _theme(rule: RitualRule, cycle: int) -> str | None:
    """The theme of one cycle, rotating through the rule's themes."""
    return rule.themes[cycle % len(rule.themes)] if rule.themes else None
