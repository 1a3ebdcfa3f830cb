"""Working days, French public holidays, blackouts and local times across DST."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.core.calendar_rules import WorkingCalendar, elapsed_end, public_holidays
from scheduler.core.values import Blackout, CalendarRules, MonthDay

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


@settings(max_examples=50, deadline=None)
@given(
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2036, 12, 31)),
    subdivision=st.sampled_from([None, "57", "6AE"]),
)
def test_a_day_is_open_exactly_when_no_rule_closes_it(day: date, subdivision: str | None) -> None:
    calendar = working_calendar(subdivision, (AUGUST, CHRISTMAS))
    closed = (
        day.weekday() >= 5
        or day in public_holidays("FR", subdivision, day.year)
        or AUGUST.contains(day)
        or CHRISTMAS.contains(day)
    )
    assert calendar.is_open(day) is not closed
    assert (calendar.why_closed(day) is None) is not closed
