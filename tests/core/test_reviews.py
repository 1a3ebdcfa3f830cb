"""Every buyer's programming review of the year: placed late rather than lost when its window is
already open, and, when it cannot be had, the buyer named with the first window that could have
held it — at every boundary (today, the horizon's end, the conventions' start and end)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from scheduler.core.kinds import OccurrenceStatus, ReviewGap, RitualKind
from scheduler.core.values import (
    Blackout,
    BuyerProfile,
    CalendarRules,
    Capacity,
    ConventionTerm,
    MissingReview,
    MonthDay,
    PlannedOccurrence,
)
from tests.core.test_planner import PARIS, WEEKDAYS, buyer, local_days, plan, reasons, ritual

# --- late, but not lost: the demo's Syndicat des eaux ----------------------------------------
# Programming month January: its 2027 review's window runs from 6 November to 11 December 2026,
# on Tuesdays, Wednesdays and Thursdays; its last usable day is Thursday 10 December.

REVIEW = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=(1, 2, 3))
TERM = ConventionTerm("2025", date(2025, 1, 15), date(2027, 10, 31))
SYNDICAT = buyer("syndicat-des-eaux-de-la-lisiere", programming_month=1, conventions=(TERM,))
KEY = "programming_review:syndicat-des-eaux-de-la-lisiere:2027"
WINDOW = (date(2026, 11, 6), date(2026, 12, 11))
LAST_USABLE = date(2026, 12, 10)
FAR = date(2028, 6, 2)


def stable_day() -> date:
    return local_days(plan([REVIEW], buyers=[SYNDICAT], today=date(2026, 11, 1)))[KEY]


def test_a_review_whose_stable_day_is_today_goes_on_the_last_usable_day() -> None:
    today = stable_day()
    assert WINDOW[0] <= today < LAST_USABLE
    late = plan([REVIEW], buyers=[SYNDICAT], today=today, horizon_end=FAR)
    assert local_days(late) == {KEY: LAST_USABLE}


def test_a_late_review_is_its_facilitators_and_keeps_clear_of_their_other_meetings() -> None:
    committee = PlannedOccurrence(
        key="steering_committee:territory:2026-12",
        uid="u@x",
        kind=RitualKind.STEERING_COMMITTEE,
        buyer=None,
        facilitator="camille",
        start=datetime.combine(LAST_USABLE, time(14), PARIS),
        end=datetime.combine(LAST_USABLE, time(16), PARIS),
        status=OccurrenceStatus.ANNOUNCED,
    )
    result = plan(
        [ritual(RitualKind.STEERING_COMMITTEE, months=(12,)), REVIEW],
        buyers=[SYNDICAT],
        capacities=(Capacity("camille", max_per_day=1, max_per_week=6),),
        fixed=[committee],
        today=date(2026, 12, 2),
        horizon_end=FAR,
    )
    [review] = [occ for occ in result.occurrences if occ.key == KEY]
    assert (review.facilitator, review.start.astimezone(PARIS).date()) == (
        "camille",
        date(2026, 12, 9),
    )


@pytest.mark.parametrize("today", [LAST_USABLE, WINDOW[1]])
def test_no_day_left_after_today_is_reported_as_no_room_in_this_window(today: date) -> None:
    result = plan([REVIEW], buyers=[SYNDICAT], today=today, horizon_end=FAR)
    assert KEY not in local_days(result)
    first = today + timedelta(days=1)
    assert reasons(result)[KEY] == (
        f"no open Tue/Wed/Thu with room for camille between {first} and {WINDOW[1]}"
    )
    [missing] = result.missing_reviews
    assert (missing.cause, missing.window) == (ReviewGap.NO_ROOM, WINDOW)


# --- why a buyer has no review ---------------------------------------------------------------

EVERY_DAY = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS)
SUMMER = CalendarRules(blackouts=(Blackout(MonthDay(7, 1), MonthDay(8, 31)),))


def missing_of(
    *buyers: BuyerProfile, calendar: CalendarRules | None = None, horizon_end: date
) -> dict[str, MissingReview]:
    """The buyers the planner names as without a review, from 1 January 2026 to `horizon_end`."""
    result = plan([EVERY_DAY], buyers=buyers, calendar=calendar, horizon_end=horizon_end)
    return {gap.buyer: gap for gap in result.missing_reviews}


def test_a_convention_ending_inside_the_window_still_makes_it_count() -> None:
    # Programming month September: the 2026 window runs from 7 July to 11 August, all summer.
    ending = ConventionTerm("2024", date(2024, 1, 1), date(2026, 7, 20))
    gap = missing_of(
        buyer("ville-a", programming_month=9, conventions=(ending,)),
        calendar=SUMMER,
        horizon_end=date(2026, 9, 30),
    )["ville-a"]
    assert (gap.cause, gap.window) == (ReviewGap.NO_ROOM, (date(2026, 7, 7), date(2026, 8, 11)))


def test_a_convention_too_short_to_open_a_window_names_the_window_after_its_end() -> None:
    short = ConventionTerm("2026", date(2026, 7, 10), date(2026, 7, 31))
    gap = missing_of(
        buyer("ville-a", programming_month=9, conventions=(short,)), horizon_end=date(2026, 9, 30)
    )["ville-a"]
    assert gap == MissingReview(
        "ville-a",
        "camille",
        ReviewGap.CONVENTION_ENDS,
        window=(date(2027, 7, 7), date(2027, 8, 11)),
        until=date(2026, 7, 31),
    )


def test_a_convention_starting_inside_the_window_points_to_next_years() -> None:
    # Programming month November: the 2026 window runs from 6 September to 11 October, across
    # the horizon's end; the convention starts on 15 September, too late for it.
    starting = ConventionTerm("2026", date(2026, 9, 15), date(2028, 12, 31))
    gap = missing_of(
        buyer("ville-a", programming_month=11, conventions=(starting,)),
        horizon_end=date(2026, 9, 30),
    )["ville-a"]
    assert gap == MissingReview(
        "ville-a",
        "camille",
        ReviewGap.BEYOND_HORIZON,
        window=(date(2027, 9, 6), date(2027, 10, 11)),
    )


def test_a_review_placed_after_the_horizon_is_named_with_its_day() -> None:
    # Programming month December: the window runs from 6 October to 10 November; October is
    # closed, so the review goes to November, after a horizon ending on 20 October.
    october = CalendarRules(blackouts=(Blackout(MonthDay(10, 1), MonthDay(10, 31)),))
    ville = buyer("ville-de-decembre", programming_month=12)
    far = plan([EVERY_DAY], buyers=[ville], calendar=october, horizon_end=date(2026, 12, 31))
    day = local_days(far)["programming_review:ville-de-decembre:2026"]
    assert date(2026, 11, 2) <= day <= date(2026, 11, 10)
    gap = missing_of(ville, calendar=october, horizon_end=date(2026, 10, 20))["ville-de-decembre"]
    assert gap == MissingReview(
        "ville-de-decembre",
        "camille",
        ReviewGap.BEYOND_HORIZON,
        window=(date(2026, 10, 6), date(2026, 11, 10)),
        day=day,
    )
    assert gap.describe(date(2026, 10, 20)) == (
        f"its next review is on {day}, after the horizon (2026-10-20)"
    )


def test_a_buyer_without_a_convention_does_not_hide_the_buyers_after_it() -> None:
    gaps = missing_of(
        buyer("ville-sans-convention", conventions=()),
        buyer("ville-de-decembre", programming_month=12),
        horizon_end=date(2026, 9, 30),
    )
    assert list(gaps) == ["ville-de-decembre"]


def test_a_review_announced_for_today_counts() -> None:
    today = date(2026, 8, 20)
    announced = PlannedOccurrence(
        key="programming_review:ville-a:2026",
        uid="u@x",
        kind=RitualKind.PROGRAMMING_REVIEW,
        buyer="ville-a",
        facilitator="camille",
        start=datetime.combine(today, time(14), PARIS),
        end=datetime.combine(today, time(16), PARIS),
        status=OccurrenceStatus.ANNOUNCED,
    )
    result = plan([EVERY_DAY], buyers=[buyer("ville-a")], fixed=[announced], today=today)
    assert result.occurrences == (announced,)
    assert result.missing_reviews == ()
