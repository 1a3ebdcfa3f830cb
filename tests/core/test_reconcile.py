"""Reconciliation between a plan and the stored occurrences, read as a specification."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.core.kinds import Cadence, OccurrenceStatus, RitualKind
from scheduler.core.planner import plan_rituals
from scheduler.core.reconcile import (
    Changes,
    StoredOccurrence,
    fixed_from_stored,
    reconcile,
)
from scheduler.core.values import (
    BuyerProfile,
    CalendarRules,
    Capacity,
    ConventionTerm,
    Plan,
    PlannedOccurrence,
    RitualRule,
)

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def planned(key: str = "after_work:territory:2026-04", **fields: Any) -> PlannedOccurrence:
    """A planned after-work on 9 April 2026 at 18:00, Paris time."""
    values: dict[str, Any] = {
        "key": key,
        "uid": f"{key}@x",
        "kind": RitualKind.AFTER_WORK,
        "buyer": None,
        "facilitator": "camille",
        "start": datetime(2026, 4, 9, 18, 0, tzinfo=PARIS),
        "end": datetime(2026, 4, 9, 20, 0, tzinfo=PARIS),
        "theme": "Les marchés réservés",
    }
    return PlannedOccurrence(**{**values, **fields})


def stored_as(
    occurrence: PlannedOccurrence,
    status: OccurrenceStatus = OccurrenceStatus.PLANNED,
    **fields: Any,
) -> StoredOccurrence:
    """The stored twin of `occurrence`, in UTC as the store keeps it."""
    values: dict[str, Any] = {
        "key": occurrence.key,
        "uid": occurrence.uid,
        "kind": occurrence.kind,
        "buyer": occurrence.buyer,
        "facilitator": occurrence.facilitator,
        "start": occurrence.start.astimezone(UTC),
        "end": occurrence.end.astimezone(UTC),
        "theme": occurrence.theme,
        "status": status,
        "sequence": 0,
    }
    return StoredOccurrence(**{**values, **fields})


def store(*occurrences: StoredOccurrence) -> dict[str, StoredOccurrence]:
    """Stored occurrences by key."""
    return {occurrence.key: occurrence for occurrence in occurrences}


def test_new_planned_occurrence_is_created() -> None:
    changes = reconcile(Plan((planned(),)), {}, NOW)
    assert changes == Changes(create=(planned(),))


def test_same_values_stored_in_utc_need_no_change() -> None:
    changes = reconcile(Plan((planned(),)), store(stored_as(planned())), NOW)
    assert changes == Changes()


def test_unannounced_occurrence_moved_by_the_plan_is_adjusted() -> None:
    old = stored_as(planned())
    moved = planned(
        start=datetime(2026, 4, 16, 18, 0, tzinfo=PARIS),
        end=datetime(2026, 4, 16, 20, 0, tzinfo=PARIS),
    )
    assert reconcile(Plan((moved,)), store(old), NOW) == Changes(adjust=((old, moved),))


def test_new_facilitator_or_theme_is_an_adjustment() -> None:
    old = stored_as(planned())
    for changed in (planned(facilitator="dominique"), planned(theme="Le critère social")):
        assert reconcile(Plan((changed,)), store(old), NOW).adjust == ((old, changed),)


def test_announced_occurrence_is_never_adjusted() -> None:
    for status in (OccurrenceStatus.ANNOUNCED, OccurrenceStatus.MOVED, OccurrenceStatus.HELD):
        old = stored_as(planned(), status)
        changes = reconcile(Plan((planned(theme="Le critère social"),)), store(old), NOW)
        assert changes == Changes()


def test_occurrence_gone_from_the_plan_is_cancelled() -> None:
    unannounced = stored_as(planned("after_work:territory:2026-05"))
    announced = stored_as(planned(), OccurrenceStatus.ANNOUNCED)
    changes = reconcile(Plan(()), store(unannounced, announced), NOW)
    assert changes.cancel == (announced, unannounced)


def test_cancelled_and_held_occurrences_are_not_cancelled_again() -> None:
    cancelled = stored_as(planned(), OccurrenceStatus.CANCELLED)
    held = stored_as(planned("after_work:territory:2026-05"), OccurrenceStatus.HELD)
    assert reconcile(Plan(()), store(cancelled, held), NOW) == Changes()


def test_past_occurrence_is_never_touched() -> None:
    past = planned(
        "after_work:territory:2026-02",
        start=datetime(2026, 2, 12, 18, 0, tzinfo=PARIS),
        end=datetime(2026, 2, 12, 20, 0, tzinfo=PARIS),
    )
    old = stored_as(past)
    assert reconcile(Plan(()), store(old), NOW) == Changes()
    moved = dataclasses.replace(past, start=NOW + timedelta(days=3), end=NOW + timedelta(days=4))
    assert reconcile(Plan((moved,)), store(old), NOW) == Changes()


def test_planned_occurrence_already_started_is_not_created() -> None:
    started = planned(start=NOW - timedelta(minutes=5), end=NOW + timedelta(hours=1))
    assert reconcile(Plan((started,)), {}, NOW) == Changes()


def test_cancelled_occurrence_wanted_again_is_restored() -> None:
    cancelled = stored_as(planned(), OccurrenceStatus.CANCELLED)
    changes = reconcile(Plan((planned(),)), store(cancelled), NOW)
    assert changes == Changes(restore=((cancelled, planned()),))


def test_counts_by_kind() -> None:
    review = planned(
        "programming_review:ville-a:2026", kind=RitualKind.PROGRAMMING_REVIEW, buyer="ville-a"
    )
    gone = stored_as(planned("after_work:territory:2026-05"))
    moved = stored_as(planned(), theme="Le sourcing inclusif")
    changes = reconcile(Plan((planned(), review)), store(gone, moved), NOW)
    assert changes.counts_by_kind() == {
        RitualKind.AFTER_WORK: (0, 1, 1),
        RitualKind.PROGRAMMING_REVIEW: (1, 0, 0),
    }


def test_fixed_from_stored_keeps_only_announced_ones_to_come() -> None:
    past = stored_as(
        planned("after_work:territory:2026-02"),
        OccurrenceStatus.ANNOUNCED,
        start=NOW - timedelta(days=1),
        end=NOW - timedelta(days=1) + timedelta(hours=2),
    )
    announced = stored_as(planned(), OccurrenceStatus.ANNOUNCED)
    moved = stored_as(planned("after_work:territory:2026-05"), OccurrenceStatus.MOVED)
    unannounced = stored_as(planned("after_work:territory:2026-06"))
    cancelled = stored_as(planned("after_work:territory:2026-07"), OccurrenceStatus.CANCELLED)
    fixed = fixed_from_stored(store(past, announced, moved, unannounced, cancelled), NOW)
    assert [occ.key for occ in fixed] == [announced.key, moved.key]
    assert fixed[0].start == announced.start
    assert fixed[0].uid == announced.uid
    assert fixed[0].status is OccurrenceStatus.ANNOUNCED


def test_storing_the_plan_then_replanning_changes_nothing() -> None:
    rules = [
        RitualRule(RitualKind.AFTER_WORK, "AW", cadence=Cadence.MONTHLY, times=(time(18),)),
        RitualRule(RitualKind.PROGRAMMING_REVIEW, "PR", weekdays=(0, 1, 2, 3, 4)),
    ]
    term = ConventionTerm("c", date(2024, 1, 1), date(2030, 12, 31))
    buyers = [BuyerProfile(f"acheteur-{n}", "camille", 1 + n % 12, (term,)) for n in range(12)]

    def replan(now: datetime, stored: dict[str, StoredOccurrence]) -> Plan:
        return plan_rituals(
            rules,
            CalendarRules(),
            [Capacity("camille")],
            buyers,
            today=now.astimezone(PARIS).date(),
            horizon_end=date(2027, 12, 31),
            fixed=fixed_from_stored(stored, now),
            uid_domain="x.example",
        )

    first = replan(NOW, {})
    changes = reconcile(first, {}, NOW)
    statuses = (OccurrenceStatus.PLANNED, OccurrenceStatus.ANNOUNCED)
    announced = {
        occ.key: stored_as(occ, statuses[index % 2]) for index, occ in enumerate(changes.create)
    }
    later = NOW + timedelta(days=40)
    assert reconcile(replan(later, announced), announced, later) == Changes()


def test_counts_by_kind_count_each_occurrence() -> None:
    months = [f"after_work:territory:2026-{month:02}" for month in range(4, 10)]
    created = [planned(months[0]), planned(months[1])]
    restored = stored_as(planned(months[2]), OccurrenceStatus.CANCELLED)
    adjusted = stored_as(planned(months[3]), theme="Le sourcing inclusif")
    gone = [stored_as(planned(months[4])), stored_as(planned(months[5]))]
    review = planned("programming_review:ville-a:2026", kind=RitualKind.PROGRAMMING_REVIEW)
    changes = reconcile(
        Plan((*created, planned(months[2]), planned(months[3]), review)),
        store(restored, adjusted, *gone, stored_as(review, theme="Autre")),
        NOW,
    )
    assert changes.counts_by_kind() == {
        RitualKind.AFTER_WORK: (3, 1, 2),
        RitualKind.PROGRAMMING_REVIEW: (0, 1, 0),
    }


def test_a_meeting_starting_now_has_not_started_yet() -> None:
    at_now = planned(start=NOW, end=NOW + timedelta(hours=2))
    assert reconcile(Plan((at_now,)), {}, NOW).create == (at_now,)
    stored = stored_as(at_now)
    assert reconcile(Plan(()), store(stored), NOW).cancel == (stored,)
    later = planned(start=NOW + timedelta(hours=1), end=NOW + timedelta(hours=3))
    assert reconcile(Plan((later,)), store(stored), NOW).adjust == ((stored, later),)
    announced = stored_as(at_now, OccurrenceStatus.ANNOUNCED)
    assert [occ.key for occ in fixed_from_stored(store(announced), NOW)] == [at_now.key]


def test_a_past_occurrence_does_not_stop_the_ones_after_it() -> None:
    past = planned(
        "after_work:territory:2026-02",
        start=NOW - timedelta(days=1),
        end=NOW - timedelta(days=1) + timedelta(hours=2),
    )
    stored_past = stored_as(past)
    moved_past = dataclasses.replace(past, start=NOW + timedelta(days=2), end=NOW + timedelta(3))
    unannounced = stored_as(planned("after_work:territory:2026-05"))
    moved = planned(
        "after_work:territory:2026-05",
        start=datetime(2026, 5, 21, 18, 0, tzinfo=PARIS),
        end=datetime(2026, 5, 21, 20, 0, tzinfo=PARIS),
    )
    new = planned("after_work:territory:2026-06", start=datetime(2026, 6, 11, 18, tzinfo=PARIS))
    changes = reconcile(Plan((past, moved, new)), store(stored_past, unannounced), NOW)
    assert changes == Changes(create=(new,), adjust=((unannounced, moved),))
    changes = reconcile(Plan((moved_past, moved, new)), store(stored_past, unannounced), NOW)
    assert changes == Changes(create=(new,), adjust=((unannounced, moved),))


def test_fixed_occurrences_come_back_with_every_stored_value() -> None:
    review = planned(
        "programming_review:ville-a:2026",
        kind=RitualKind.PROGRAMMING_REVIEW,
        buyer="ville-a",
        facilitator="dominique",
        theme="Le critère social",
    )
    announced = stored_as(review, OccurrenceStatus.MOVED)
    [fixed] = fixed_from_stored(store(announced), NOW)
    assert fixed == dataclasses.replace(
        review,
        start=review.start.astimezone(UTC),
        end=review.end.astimezone(UTC),
        status=OccurrenceStatus.MOVED,
    )
