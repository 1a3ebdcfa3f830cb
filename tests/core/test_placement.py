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
