"""Working days, French public holidays, blackouts and local times across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.core.calendar_rules import WorkingCalendar, elapsed_end, public_holidays
from scheduler.core.values import Blackout, CalendarRules, MonthDay
from tests.core import french_holidays

PARIS = ZoneInfo("Europe/Paris")
AUGUST = Blackout(MonthDay(8, 1), MonthDay(8, 31))
CHRISTMAS = Blackout(MonthDay(12, 24), MonthDay(1, 1))


def working_calendar(
    subdivision: str | None = None, blackouts: tuple[Blackout, ...] = ()
) -> WorkingCalendar:
    """A French calendar with the given subdivision and blackouts."""
    return WorkingCalendar(CalendarRules(subdivision=subdivision, blackouts=blackouts))


def test_weekend_is_closed() -> None:
    calendar = working_calendar()
    assert calendar.why_closed(date(2026, 3, 14)) == "weekend"
    assert calendar.why_closed(date(2026, 3, 15)) == "weekend"
    assert not calendar.is_open(date(2026, 3, 14))


def test_ordinary_weekday_is_open() -> None:
    calendar = working_calendar(blackouts=(AUGUST, CHRISTMAS))
    assert calendar.is_open(date(2026, 3, 12))
    assert calendar.why_closed(date(2026, 3, 12)) is None


def test_christmas_is_a_holiday_named_in_french() -> None:
    assert working_calendar().why_closed(date(2025, 12, 25)) == "holiday: Noël"


def test_easter_monday_is_closed() -> None:
    calendar = working_calendar()
    assert calendar.why_closed(date(2026, 4, 6)) == "holiday: Lundi de Pâques"


def test_moselle_has_good_friday() -> None:
    good_friday = date(2026, 4, 3)
    assert working_calendar().is_open(good_friday)
    assert working_calendar("57").why_closed(good_friday) == "holiday: Vendredi saint"


def test_alsace_has_26_december() -> None:
    saint_stephen = date(2025, 12, 26)
    assert working_calendar().is_open(saint_stephen)
    assert working_calendar("6AE").why_closed(saint_stephen) == "holiday: Saint-Étienne"


def test_empty_subdivision_means_national_holidays_only() -> None:
    calendar = working_calendar("")
    assert calendar.is_open(date(2025, 12, 26))
    assert not calendar.is_open(date(2025, 12, 25))


def test_august_blackout_closes_every_weekday_of_august() -> None:
    calendar = working_calendar(blackouts=(AUGUST,))
    august = [date(2026, 8, 1) + timedelta(days=n) for n in range(31)]
    assert not any(calendar.is_open(day) for day in august)
    assert calendar.why_closed(date(2026, 8, 12)) == "blackout: 08-01 to 08-31"
    assert calendar.is_open(date(2026, 9, 1))


def test_christmas_blackout_wraps_over_new_year() -> None:
    calendar = working_calendar(blackouts=(CHRISTMAS,))
    assert not calendar.is_open(date(2025, 12, 29))
    assert not calendar.is_open(date(2026, 1, 1))
    assert calendar.is_open(date(2026, 1, 2))
    assert calendar.is_open(date(2025, 12, 23))


def test_weekend_is_reported_before_holiday() -> None:
    # 1 November 2025 is a Saturday and Toussaint.
    assert working_calendar().why_closed(date(2025, 11, 1)) == "weekend"


def test_saturday_may_be_a_working_day() -> None:
    rules = CalendarRules(working_weekdays=frozenset({0, 1, 2, 3, 4, 5}))
    calendar = WorkingCalendar(rules)
    assert calendar.is_open(date(2026, 3, 14))
    assert calendar.why_closed(date(2026, 3, 15)) == "weekend"


def test_holidays_are_loaded_once_per_year(monkeypatch: pytest.MonkeyPatch) -> None:
    import holidays

    calls: list[object] = []
    original = holidays.country_holidays

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("years"))
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(holidays, "country_holidays", counting)
    public_holidays.cache_clear()
    calendar = working_calendar("57")
    other = working_calendar("57")
    for day in range(1, 366):
        calendar.is_open(date(2031, 1, 1) + timedelta(days=day))
        other.is_open(date(2031, 1, 1) + timedelta(days=day))
    assert calls == [2031, 2032]


def test_local_time_keeps_wall_clock_across_dst() -> None:
    calendar = working_calendar()
    winter = calendar.local_datetime(date(2026, 1, 15), time(10, 0))
    summer = calendar.local_datetime(date(2026, 7, 16), time(10, 0))
    assert winter.utcoffset() == timedelta(hours=1)
    assert summer.utcoffset() == timedelta(hours=2)
    assert winter.astimezone(PARIS).time() == summer.astimezone(PARIS).time() == time(10, 0)


def test_local_time_on_the_days_of_dst_change() -> None:
    calendar = working_calendar()
    spring = calendar.local_datetime(date(2026, 3, 29), time(10, 0))
    autumn = calendar.local_datetime(date(2026, 10, 25), time(10, 0))
    assert spring.utcoffset() == timedelta(hours=2)
    assert autumn.utcoffset() == timedelta(hours=1)


def test_meeting_end_counts_elapsed_time_over_dst_night() -> None:
    start = working_calendar().local_datetime(date(2026, 3, 28), time(23, 0))
    end = elapsed_end(start, timedelta(hours=4))
    # Subtracting two datetimes sharing a tzinfo compares wall clocks: go through UTC.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=4)
    assert end.astimezone(PARIS).time() == time(4, 0)
    assert end.tzinfo is PARIS  # in the meeting's zone, with the summer offset
    assert end.utcoffset() == timedelta(hours=2)


def test_the_local_day_of_a_moment_is_the_guichets() -> None:
    calendar = working_calendar()
    assert calendar.local_day(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == date(2026, 3, 29)
    assert calendar.local_day(datetime(2026, 3, 29, 21, 59, tzinfo=UTC)) == date(2026, 3, 29)


@settings(max_examples=min(50, settings().max_examples), deadline=None)
@given(
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2036, 12, 31)),
    subdivision=st.sampled_from([None, "57", "6AE"]),
)
def test_a_day_is_open_exactly_when_no_rule_closes_it(day: date, subdivision: str | None) -> None:
    calendar = working_calendar(subdivision, (AUGUST, CHRISTMAS))
    closed = (
        day.weekday() >= 5
        or day in french_holidays.by_rule(subdivision, day.year)
        or AUGUST.contains(day)
        or CHRISTMAS.contains(day)
    )
    assert calendar.is_open(day) is not closed
    assert (calendar.why_closed(day) is None) is not closed


@pytest.mark.parametrize("subdivision", [None, "57", "6AE", "974"])
@pytest.mark.parametrize("year", sorted(french_holidays.NATIONAL))
def test_the_holidays_are_those_of_the_official_calendar(
    subdivision: str | None, year: int
) -> None:
    calendar = working_calendar(subdivision)
    expected = french_holidays.table(subdivision, year)
    days = [date(year, 1, 1) + timedelta(days=n) for n in range(366)]
    named = {day: calendar.holiday_name(day) for day in days if day.year == year}
    assert {day: name for day, name in named.items() if name is not None} == expected
    for day, name in expected.items():
        reason = "weekend" if day.weekday() >= 5 else f"holiday: {name}"
        assert calendar.why_closed(day) == reason


def test_la_reunion_closes_on_20_december_and_metropolitan_france_does_not() -> None:
    abolition = date(2027, 12, 20)  # a Monday
    assert working_calendar("974").why_closed(abolition) == "holiday: Abolition de l'esclavage"
    assert working_calendar().is_open(abolition)
    assert working_calendar("57").is_open(abolition)


def test_the_rule_used_by_properties_agrees_with_the_tables() -> None:
    for subdivision in (None, "57", "6AE"):
        for year in french_holidays.NATIONAL:
            expected = set(french_holidays.table(subdivision, year))
            assert french_holidays.by_rule(subdivision, year) == expected


def test_a_guichet_closed_on_wednesdays() -> None:
    rules = CalendarRules(working_weekdays=frozenset({0, 1, 3, 4}))
    calendar = WorkingCalendar(rules)
    wednesday, thursday = date(2026, 3, 11), date(2026, 3, 12)
    assert calendar.why_closed(wednesday) == "not a working day"
    assert not calendar.is_open(wednesday)
    assert calendar.why_closed(thursday) is None
    assert calendar.why_closed(date(2026, 3, 14)) == "weekend"
    assert calendar.why_closed(date(2026, 3, 15)) == "weekend"


def test_a_guichet_open_on_sundays_only_reports_other_days_as_not_working() -> None:
    calendar = WorkingCalendar(CalendarRules(working_weekdays=frozenset({6})))
    monday, saturday, sunday = date(2026, 3, 9), date(2026, 3, 14), date(2026, 3, 15)
    assert calendar.why_closed(monday) == "not a working day"
    assert calendar.why_closed(saturday) == "weekend"
    assert calendar.is_open(sunday)
