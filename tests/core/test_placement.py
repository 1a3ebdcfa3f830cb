"""The rules a meeting put somewhere by hand must keep: the planner's, checked one meeting at a
time, and in agreement with the planner on everything it plans."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given

from scheduler.core.calendar_rules import WorkingCalendar
from scheduler.core.placement import Booked, BrokenRule, Rule, broken_rules
from scheduler.core.values import Blackout, CalendarRules, Capacity, MonthDay
from tests.core.test_planner import PROPERTY, Scenario, scenarios

PARIS = ZoneInfo("Europe/Paris")
CALENDAR = WorkingCalendar(
    CalendarRules(
        blackouts=(
            Blackout(MonthDay(8, 1), MonthDay(8, 31)),
            Blackout(MonthDay(12, 24), MonthDay(1, 1)),
        )
    )
)
CAMILLE = Capacity("camille", max_per_day=2, max_per_week=3)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def check(start: str, *others: Booked, hours: int = 2) -> tuple[BrokenRule, ...]:
    begin = local(start)
    return broken_rules(
        begin, begin + timedelta(hours=hours), calendar=CALENDAR, capacity=CAMILLE, others=others
    )


def booked(start: str, label: str = "club", hours: int = 2) -> Booked:
    return Booked(local(start), local(start) + timedelta(hours=hours), label)


def test_an_open_day_with_room_breaks_nothing() -> None:
    assert check("2027-05-11 10:00", booked("2027-05-11 14:00")) == ()


@pytest.mark.parametrize(
    ("start", "rule", "detail"),
    [
        ("2027-05-06 10:00", Rule.HOLIDAY, "Thursday 2027-05-06 is a public holiday (Ascension)"),
        ("2027-05-15 10:00", Rule.WEEKEND, "Saturday 2027-05-15 is a weekend day"),
        (
            "2027-08-10 10:00",
            Rule.BLACKOUT,
            "Tuesday 2027-08-10 is in a blackout period (08-01 to 08-31)",
        ),
        (
            "2027-12-28 10:00",
            Rule.BLACKOUT,
            "Tuesday 2027-12-28 is in a blackout period (12-24 to 01-01)",
        ),
    ],
)
def test_a_closed_day_says_why(start: str, rule: Rule, detail: str) -> None:
    assert check(start) == (BrokenRule(rule, detail),)


def test_a_holiday_on_a_weekend_breaks_both_rules() -> None:
    assert [b.rule for b in check("2027-05-08 10:00")] == [Rule.WEEKEND, Rule.HOLIDAY]


def test_a_working_week_of_four_days_closes_friday() -> None:
    calendar = WorkingCalendar(CalendarRules(working_weekdays=frozenset({0, 1, 2, 3})))
    start = local("2027-05-14 10:00")
    (broken,) = broken_rules(
        start, start + timedelta(hours=1), calendar=calendar, capacity=CAMILLE, others=()
    )
    assert broken.rule is Rule.NON_WORKING_DAY


def test_the_facilitators_day_and_week_capacity() -> None:
    day_full = check("2027-05-11 16:30", booked("2027-05-11 09:00"), booked("2027-05-11 14:00"))
    assert day_full == (
        BrokenRule(
            Rule.DAY_CAPACITY, "camille already runs 2 meetings on 2027-05-11 (max_per_day = 2)"
        ),
    )
    week = [booked("2027-05-10 10:00"), booked("2027-05-12 10:00"), booked("2027-05-16 10:00")]
    assert [b.rule for b in check("2027-05-13 10:00", *week)] == [Rule.WEEK_CAPACITY]
    assert check("2027-05-13 10:00", *week[:2], booked("2027-05-17 10:00")) == ()


def test_an_overlap_names_the_other_meeting() -> None:
    assert check("2027-05-11 11:00", booked("2027-05-11 10:00", "after_work x@y")) == (
        BrokenRule(
            Rule.OVERLAP,
            "it overlaps camille's meeting after_work x@y (2027-05-11 10:00 to 12:00)",
        ),
    )
    assert check("2027-05-11 12:00", booked("2027-05-11 10:00")) == ()  # back to back is fine


@PROPERTY
@given(scenarios())
def test_every_meeting_the_planner_places_breaks_no_rule(scenario: Scenario) -> None:
    calendar = WorkingCalendar(scenario.calendar)
    plan = scenario.run()
    for occurrence in plan.occurrences[:60]:
        others = [
            Booked(other.start, other.end, other.key)
            for other in plan.occurrences
            if other.facilitator == occurrence.facilitator and other.key != occurrence.key
        ]
        assert (
            broken_rules(
                occurrence.start,
                occurrence.end,
                calendar=calendar,
                capacity=scenario.capacity(occurrence.facilitator),
                others=others,
            )
            == ()
        ), occurrence


@pytest.mark.parametrize(
    ("start", "detail"),
    [
        ("2027-03-29 10:00", "Monday 2027-03-29 is a public holiday (Lundi de Pâques)"),
        ("2027-07-14 10:00", "Wednesday 2027-07-14 is a public holiday (Fête nationale)"),
        ("2027-11-11 10:00", "Thursday 2027-11-11 is a public holiday (Armistice)"),
        ("2027-05-16 10:00", "Sunday 2027-05-16 is a weekend day"),
    ],
)
def test_every_weekday_is_named_in_the_operators_words(start: str, detail: str) -> None:
    assert [str(broken) for broken in check(start)] == [detail]


def test_a_closed_friday_says_which_setting_closes_it() -> None:
    calendar = WorkingCalendar(CalendarRules(working_weekdays=frozenset({0, 1, 2, 3})))
    start = local("2027-05-14 10:00")
    assert broken_rules(
        start, start + timedelta(hours=1), calendar=calendar, capacity=CAMILLE, others=()
    ) == (
        BrokenRule(
            Rule.NON_WORKING_DAY,
            "Friday 2027-05-14 is not a working day ([organisation] working_days)",
        ),
    )


def test_new_years_day_is_a_holiday_inside_a_blackout_and_says_both() -> None:
    assert check("2027-01-01 10:00") == (
        BrokenRule(Rule.HOLIDAY, "Friday 2027-01-01 is a public holiday (Jour de l'an)"),
        BrokenRule(Rule.BLACKOUT, "Friday 2027-01-01 is in a blackout period (12-24 to 01-01)"),
    )


def test_one_meeting_already_is_said_in_the_singular() -> None:
    alone = Capacity("dominique", max_per_day=1, max_per_week=1)
    start = local("2027-05-12 10:00")
    assert broken_rules(
        start,
        start + timedelta(hours=2),
        calendar=CALENDAR,
        capacity=alone,
        others=[booked("2027-05-12 14:00")],
    ) == (
        BrokenRule(
            Rule.DAY_CAPACITY, "dominique already runs 1 meeting on 2027-05-12 (max_per_day = 1)"
        ),
        BrokenRule(
            Rule.WEEK_CAPACITY,
            "dominique already runs 1 meeting in the week of 2027-05-10 (max_per_week = 1)",
        ),
    )


def test_the_week_capacity_counts_monday_to_sunday_and_says_which_week() -> None:
    week = [booked("2027-05-10 10:00"), booked("2027-05-12 10:00"), booked("2027-05-16 10:00")]
    assert check("2027-05-14 10:00", *week) == (
        BrokenRule(
            Rule.WEEK_CAPACITY,
            "camille already runs 3 meetings in the week of 2027-05-10 (max_per_week = 3)",
        ),
    )
    # the Sunday before and the Monday after belong to other weeks
    assert check("2027-05-14 10:00", *week[:2], booked("2027-05-09 10:00")) == ()


def test_the_day_is_the_local_day_not_the_utc_one() -> None:
    # 00:30 on 12 May in Paris is still 11 May in UTC; 23:30 on 11 May is 21:30 UTC
    late = booked("2027-05-11 23:30", hours=1)
    early = booked("2027-05-12 00:30", hours=1)
    assert [b.rule for b in check("2027-05-12 10:00", late, early)] == []
    assert [b.rule for b in check("2027-05-11 10:00", late, early)] == []
    two = (booked("2027-05-12 00:30", hours=1), booked("2027-05-12 06:00", hours=1))
    assert [b.rule for b in check("2027-05-12 10:00", *two)] == [Rule.DAY_CAPACITY]


def test_a_meeting_ending_when_the_next_begins_does_not_overlap_it() -> None:
    assert check("2027-05-11 10:00", booked("2027-05-11 12:00")) == ()
    assert [b.rule for b in check("2027-05-11 10:00", booked("2027-05-11 11:59"))] == [Rule.OVERLAP]


def test_every_overlap_is_named_in_time_order() -> None:
    wide = Capacity("camille", max_per_day=5, max_per_week=10)
    start = local("2027-05-11 09:00")
    others = [booked("2027-05-11 11:00", "b"), booked("2027-05-11 09:30", "a", hours=1)]
    broken = broken_rules(
        start, start + timedelta(hours=3), calendar=CALENDAR, capacity=wide, others=others
    )
    assert [str(b) for b in broken] == [
        "it overlaps camille's meeting a (2027-05-11 09:30 to 10:30)",
        "it overlaps camille's meeting b (2027-05-11 11:00 to 13:00)",
    ]
