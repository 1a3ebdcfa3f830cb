"""The core's vocabulary: ritual kinds, blackout periods and occurrence UIDs."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.core.kinds import OccurrenceStatus, RitualKind, Scope
from scheduler.core.values import Blackout, MonthDay, occurrence_uid


def test_three_kinds_meet_per_buyer_the_others_for_the_territory() -> None:
    per_buyer = {kind for kind in RitualKind if kind.scope is Scope.BUYER}
    assert per_buyer == {
        RitualKind.PROGRAMMING_REVIEW,
        RitualKind.INTERNAL_AWARENESS,
        RitualKind.CONVENTION_RENEWAL,
    }
    assert RitualKind.AFTER_WORK.scope is Scope.TERRITORY


def test_kind_titles_are_the_handbooks_in_french_or_english() -> None:
    assert RitualKind.BUYER_CLUB.title() == "Club des acheteurs socialement responsables"
    assert RitualKind.BUYER_CLUB.title("fr") == "Club des acheteurs socialement responsables"
    assert RitualKind.BUYER_CLUB.title("en") == "Socially responsible buyers' club"


def test_announced_moved_and_held_meetings_are_fixed() -> None:
    fixed = {status for status in OccurrenceStatus if status.is_fixed}
    assert fixed == {OccurrenceStatus.ANNOUNCED, OccurrenceStatus.MOVED, OccurrenceStatus.HELD}


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2026, 7, 31), False),
        (date(2026, 8, 1), True),
        (date(2026, 8, 15), True),
        (date(2026, 8, 31), True),
        (date(2026, 9, 1), False),
    ],
)
def test_a_blackout_includes_both_ends(day: date, inside: bool) -> None:
    assert Blackout(MonthDay(8, 1), MonthDay(8, 31)).contains(day) is inside


@pytest.mark.parametrize(
    ("day", "inside"),
    [
        (date(2026, 12, 23), False),
        (date(2026, 12, 24), True),
        (date(2026, 12, 31), True),
        (date(2027, 1, 1), True),
        (date(2027, 1, 2), False),
        (date(2027, 6, 15), False),
    ],
)
def test_a_blackout_may_wrap_over_new_year(day: date, inside: bool) -> None:
    assert Blackout(MonthDay(12, 24), MonthDay(1, 1)).contains(day) is inside


def test_a_one_day_blackout() -> None:
    may_day = Blackout(MonthDay(5, 2), MonthDay(5, 2))
    assert may_day.contains(date(2026, 5, 2))
    assert not may_day.contains(date(2026, 5, 1))
    assert not may_day.contains(date(2026, 5, 3))


def test_an_occurrence_uid_never_changes_from_one_release_to_the_next() -> None:
    # Calendars match an update to its meeting by UID: a new UID would duplicate every meeting.
    uid = occurrence_uid("after_work:territory:2026-03", "guichet.example")
    assert uid == "bc18e059-292c-5cb9-b530-f59b38e729bf@guichet.example"
    assert occurrence_uid("after_work:territory:2026-04", "guichet.example") != uid


def test_a_status_is_said_in_french_as_a_reader_reads_it() -> None:
    french = {status: status.label() for status in OccurrenceStatus}
    assert french == {
        OccurrenceStatus.PLANNED: "prévue",
        OccurrenceStatus.ANNOUNCED: "annoncée",
        OccurrenceStatus.MOVED: "déplacée",
        OccurrenceStatus.HELD: "tenue",
        OccurrenceStatus.CANCELLED: "annulée",
    }
    assert OccurrenceStatus.MOVED.label("fr") == "déplacée"
    assert OccurrenceStatus.MOVED.label("en") == "moved"
