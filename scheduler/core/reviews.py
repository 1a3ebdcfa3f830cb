"""The buyers left without a programming review, and why.

Every buyer with an active convention in force at some point between `today` and `horizon_end`
but no programming review placed or kept in that span is reported with the first of its windows
from `today` on that could have held one and did not: its window had no room (holidays,
blackouts, capacity: the placer's own words), its conventions end before that window opens, or
the window (or the review placed in it) lies beyond the horizon. Nothing is reported when the
ritual is missing or disabled: the operator decided so for everyone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import date

from scheduler.core.cycles import covers, review_key, review_window
from scheduler.core.kinds import ReviewGap
from scheduler.core.values import BuyerProfile, MissingReview, RitualRule


def missing_reviews(
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
    the reasons of those not placed), in slug order."""
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
        keys = [review_key(buyer, year) for year in years]
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
    missing = MissingReview(buyer.slug, buyer.facilitator, ReviewGap.BEYOND_HORIZON)
    for year in years:
        window = review_window(rule, buyer, year)
        key = review_key(buyer, year)
        missing = replace(missing, window=window)
        if window[1] < today or key in past:
            continue
        if not any(covers(term, window[0]) for term in buyer.conventions):
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
