"""The planner, read as a specification: examples first, then properties over ten years."""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.core.kinds import (
    RITUALS,
    Cadence,
    OccurrenceStatus,
    OnConflict,
    ReviewGap,
    RitualKind,
)
from scheduler.core.planner import anchor_day, plan_rituals, spread_offset, territory_months
from scheduler.core.values import (
    Blackout,
    BuyerProfile,
    CalendarRules,
    Capacity,
    ConventionTerm,
    MissingReview,
    MonthDay,
    Plan,
    PlannedOccurrence,
    RitualRule,
    Unplaced,
    occurrence_uid,
)
from tests.core import french_holidays

PARIS = ZoneInfo("Europe/Paris")
DOMAIN = "guichet-lisiere.example"
AUGUST = Blackout(MonthDay(8, 1), MonthDay(8, 31))
CHRISTMAS = Blackout(MonthDay(12, 24), MonthDay(1, 1))
LONG_CONVENTION = ConventionTerm("2020", date(2020, 1, 1), date(2040, 12, 31))
WEEKDAYS = (0, 1, 2, 3, 4)


# --- factories ---------------------------------------------------------------------------------


def ritual(kind: RitualKind, **fields: Any) -> RitualRule:
    """A rule of `kind` with the handbook's title and the given fields."""
    return RitualRule(kind=kind, title=kind.title(), **fields)


def buyer(
    slug: str,
    *,
    facilitator: str = "camille",
    programming_month: int = 10,
    conventions: tuple[ConventionTerm, ...] = (LONG_CONVENTION,),
) -> BuyerProfile:
    """A buyer with a long active convention unless told otherwise."""
    return BuyerProfile(slug, facilitator, programming_month, conventions)


def plan(
    rules: Sequence[RitualRule],
    *,
    buyers: Sequence[BuyerProfile] = (),
    calendar: CalendarRules | None = None,
    capacities: Sequence[Capacity] = (Capacity("camille", max_per_day=2, max_per_week=6),),
    today: date = date(2026, 1, 1),
    horizon_end: date = date(2026, 12, 31),
    fixed: Sequence[PlannedOccurrence] = (),
    past: Collection[str] = (),
) -> Plan:
    """Run the planner with demo defaults."""
    return plan_rituals(
        rules,
        calendar or CalendarRules(blackouts=(AUGUST, CHRISTMAS)),
        capacities,
        buyers,
        today=today,
        horizon_end=horizon_end,
        fixed=fixed,
        past=past,
        uid_domain=DOMAIN,
    )


def local_days(result: Plan) -> dict[str, date]:
    """Each occurrence's local day, by key."""
    return {occ.key: occ.start.astimezone(PARIS).date() for occ in result.occurrences}


def reasons(result: Plan) -> dict[str, str]:
    """Each unplaced meeting's reason, by key."""
    return {missing.key: missing.reason for missing in result.unplaced}


# --- territory series --------------------------------------------------------------------------


def test_after_work_skips_august() -> None:
    after_work = ritual(
        RitualKind.AFTER_WORK, cadence=Cadence.MONTHLY, weekdays=(3,), times=(time(18, 0),)
    )
    result = plan([after_work])
    months = sorted(day.month for day in local_days(result).values())
    assert months == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12]
    assert "blackout" in reasons(result)["after_work:territory:2026-08"]


def test_after_work_meets_on_the_thursday_of_the_second_week_at_six() -> None:
    after_work = ritual(
        RitualKind.AFTER_WORK, cadence=Cadence.MONTHLY, weekdays=(3,), times=(time(18, 0),)
    )
    occurrence = next(occ for occ in plan([after_work]).occurrences if occ.key.endswith("2026-03"))
    assert occurrence.start == datetime(2026, 3, 12, 18, 0, tzinfo=PARIS)
    assert occurrence.end == datetime(2026, 3, 12, 20, 0, tzinfo=PARIS)
    assert occurrence.buyer is None
    assert occurrence.facilitator == "camille"
    assert occurrence.uid == occurrence_uid("after_work:territory:2026-03", DOMAIN)


def test_shift_moves_past_ascension_within_the_month() -> None:
    # The second-week Thursday of May 2026 is 14 May, Ascension.
    committee = ritual(RitualKind.STEERING_COMMITTEE, months=(5,), weekdays=(3,))
    assert local_days(plan([committee]))["steering_committee:territory:2026-05"] == date(
        2026, 5, 21
    )


def test_skip_gives_up_on_ascension_and_says_why() -> None:
    committee = ritual(
        RitualKind.STEERING_COMMITTEE, months=(5,), weekdays=(3,), on_conflict=OnConflict.SKIP
    )
    result = plan([committee])
    assert result.occurrences == ()
    assert reasons(result) == {
        "steering_committee:territory:2026-05": "2026-05-14 is closed (holiday: Ascension)"
    }


def test_shift_never_leaves_the_month() -> None:
    # Fourth-week Thursday of December 2026 is the 24th: the Christmas blackout runs to the end.
    club = ritual(RitualKind.BUYER_CLUB, months=(12,), weekdays=(3,), week_of_month=4)
    result = plan([club], horizon_end=date(2027, 2, 28))
    assert result.occurrences == ()
    assert "2026-12-24 is closed (blackout" in reasons(result)["buyer_club:territory:2026-12"]


def test_shift_stops_after_max_shift_days() -> None:
    committee = ritual(RitualKind.STEERING_COMMITTEE, months=(5,), weekdays=(3,), max_shift_days=6)
    assert plan([committee]).occurrences == ()


def test_easter_monday_is_never_used() -> None:
    # The first-week Monday of April 2026 is Easter Monday, 6 April.
    meetup = ritual(RitualKind.B2B_MEETUP, months=(4,), weekdays=(0,), week_of_month=1)
    assert local_days(plan([meetup]))["b2b_meetup:territory:2026-04"] == date(2026, 4, 13)


def test_moselle_moves_a_good_friday_meeting() -> None:
    restitution = ritual(RitualKind.ANNUAL_RESTITUTION, months=(4,), weekdays=(4,), week_of_month=1)
    key = "annual_restitution:territory:2026-04"
    assert local_days(plan([restitution]))[key] == date(2026, 4, 3)
    moselle = CalendarRules(subdivision="57")
    assert local_days(plan([restitution], calendar=moselle))[key] == date(2026, 4, 10)


def test_alsace_loses_26_december() -> None:
    club = ritual(RitualKind.BUYER_CLUB, months=(12,), weekdays=(4,), week_of_month=4)
    key = "buyer_club:territory:2025-12"
    national = plan([club], calendar=CalendarRules(), today=date(2025, 12, 1))
    assert local_days(national)[key] == date(2025, 12, 26)
    alsace = plan([club], calendar=CalendarRules(subdivision="6AE"), today=date(2025, 12, 1))
    assert alsace.occurrences == ()
    assert "holiday: Saint-Étienne" in reasons(alsace)[key]


def test_christmas_blackout_is_respected_but_not_without_it() -> None:
    club = ritual(RitualKind.BUYER_CLUB, months=(12,), weekdays=(0,), week_of_month=4)
    key = "buyer_club:territory:2026-12"
    assert key in reasons(plan([club]))
    assert local_days(plan([club], calendar=CalendarRules()))[key] == date(2026, 12, 28)


@pytest.mark.parametrize(
    ("cadence", "months"),
    [
        (Cadence.MONTHLY, (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)),
        (Cadence.BIMONTHLY, (1, 3, 5, 7, 9, 11)),
        (Cadence.QUARTERLY, (3, 6, 9, 12)),
        (Cadence.SEMIANNUAL, (4, 10)),
        (Cadence.YEARLY, (6,)),
    ],
)
def test_cadence_gives_the_months_when_none_are_named(
    cadence: Cadence, months: tuple[int, ...]
) -> None:
    assert territory_months(ritual(RitualKind.BUYER_CLUB, cadence=cadence)) == months


def test_named_months_win_over_the_cadence() -> None:
    rule = ritual(RitualKind.BUYER_CLUB, cadence=Cadence.MONTHLY, months=(11, 2, 11))
    assert territory_months(rule) == (2, 11)


def test_anchor_is_the_first_preferred_weekday_of_the_week_of_month() -> None:
    assert anchor_day(2026, 3, 1, (1, 3)) == date(2026, 3, 3)
    assert anchor_day(2026, 3, 2, (1, 3)) == date(2026, 3, 10)
    assert anchor_day(2026, 3, 4, (4,)) == date(2026, 3, 27)
    assert anchor_day(2026, 2, 5, (0,)) is None


def test_the_anchor_may_be_the_first_or_the_last_day_of_the_month() -> None:
    assert anchor_day(2026, 9, 1, (1,)) == date(2026, 9, 1)  # Tuesday 1 September
    assert anchor_day(2026, 2, 4, (5,)) == date(2026, 2, 28)  # Saturday 28 February


def test_a_month_without_the_weekday_in_that_week_is_reported_as_soon_as_it_is_in_reach() -> None:
    # Mondays of a fifth week: 30 March and 29 June 2026, none in February or April.
    meetup = ritual(RitualKind.B2B_MEETUP, months=(2, 3, 4, 6), weekdays=(0,), week_of_month=5)
    result = plan([meetup], calendar=CalendarRules())
    assert sorted(local_days(result).values()) == [date(2026, 3, 30), date(2026, 6, 29)]
    assert reasons(result) == {
        "b2b_meetup:territory:2026-02": "no Mon in week 5 of 2026-02",
        "b2b_meetup:territory:2026-04": "no Mon in week 5 of 2026-04",
    }
    early = plan([meetup], calendar=CalendarRules(), horizon_end=date(2026, 2, 1))
    assert list(reasons(early)) == ["b2b_meetup:territory:2026-02"]


def test_a_negative_shift_is_no_shift() -> None:
    # The first-week Monday of April 2026 is Easter Monday; the Tuesday after is preferred too.
    meetup = ritual(
        RitualKind.B2B_MEETUP, months=(4,), weekdays=(0, 1), week_of_month=1, max_shift_days=-1
    )
    assert reasons(plan([meetup])) == {
        "b2b_meetup:territory:2026-04": "2026-04-06 is closed (holiday: Lundi de Pâques)"
    }
    shifted = dataclasses.replace(meetup, max_shift_days=1)
    assert local_days(plan([shifted]))["b2b_meetup:territory:2026-04"] == date(2026, 4, 7)


def test_themes_follow_one_another_month_after_month_counted_from_2000() -> None:
    # January 2026 is cycle (2026 - 2000) * 12 = 312 of a monthly series; 312 % 7 == 4.
    club = ritual(
        RitualKind.BUYER_CLUB,
        cadence=Cadence.MONTHLY,
        weekdays=(1,),
        themes=tuple("ABCDEFG"),
    )
    themes = {occ.key[-7:]: occ.theme for occ in plan([club], calendar=CalendarRules()).occurrences}
    assert [themes[f"2026-{month:02}"] for month in range(1, 6)] == ["E", "F", "G", "A", "B"]


def test_review_themes_rotate_by_year_counted_from_2000() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS, themes=("A", "B", "C"))
    result = plan([review], buyers=[buyer("ville-a")], horizon_end=date(2027, 12, 31))
    assert [occ.theme for occ in result.occurrences] == ["C", "A"]  # 26 % 3, 27 % 3


def test_themes_rotate_the_same_whatever_today_is() -> None:
    after_work = ritual(
        RitualKind.AFTER_WORK,
        cadence=Cadence.MONTHLY,
        weekdays=(3,),
        times=(time(18, 0),),
        themes=("sourcing inclusif", "marchés réservés", "critère social"),
    )
    early = {occ.key: occ.theme for occ in plan([after_work]).occurrences}
    late = {occ.key: occ.theme for occ in plan([after_work], today=date(2026, 6, 1)).occurrences}
    assert all(early[key] == theme for key, theme in late.items())
    assert early["after_work:territory:2026-01"] != early["after_work:territory:2026-02"]
    assert len(set(early.values())) == 3


def test_disabled_rule_plans_nothing() -> None:
    after_work = ritual(RitualKind.AFTER_WORK, cadence=Cadence.MONTHLY, enabled=False)
    review = ritual(RitualKind.PROGRAMMING_REVIEW, enabled=False)
    assert plan([after_work, review], buyers=[buyer("ville-a")]) == Plan(occurrences=())


def test_territory_series_goes_to_its_own_facilitator() -> None:
    committee = ritual(RitualKind.STEERING_COMMITTEE, facilitator="dominique")
    assert {occ.facilitator for occ in plan([committee]).occurrences} == {"dominique"}


def test_meetings_before_today_are_absent() -> None:
    after_work = ritual(RitualKind.AFTER_WORK, cadence=Cadence.MONTHLY, weekdays=(3,))
    result = plan([after_work], today=date(2026, 3, 13))
    assert min(local_days(result).values()) == date(2026, 4, 9)
    assert [gap.key for gap in result.unplaced] == ["after_work:territory:2026-08"]


# --- per-buyer series --------------------------------------------------------------------------


def test_programming_review_falls_in_the_weeks_before_the_programming_month() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS)
    day = local_days(plan([review], buyers=[buyer("ville-a")]))["programming_review:ville-a:2026"]
    assert date(2026, 8, 6) <= day <= date(2026, 9, 10)
    assert not date(2026, 8, 1) <= day <= date(2026, 8, 31)


def test_programming_reviews_spread_over_their_window() -> None:
    review = ritual(
        RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS, times=(time(9, 30), time(14, 0))
    )
    buyers = [buyer(f"acheteur-{n}") for n in range(20)]
    roomy = (Capacity("camille", max_per_day=4, max_per_week=20),)
    result = plan([review], buyers=buyers, capacities=roomy, calendar=CalendarRules())
    days = Counter(local_days(result).values())
    assert sum(days.values()) == 20
    assert len(days) >= 10
    assert days[date(2026, 8, 6)] < 20


def test_programming_review_needs_a_convention_at_the_window_start() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS)
    late = ConventionTerm("2026-09", date(2026, 9, 1), date(2028, 8, 31))
    expired = ConventionTerm("old", date(2020, 1, 1), date(2025, 12, 31), active=True)
    suspended = ConventionTerm("susp", date(2020, 1, 1), date(2030, 12, 31), active=False)
    buyers = [buyer("ville-a", conventions=(late, expired, suspended))]
    result = plan([review], buyers=buyers, horizon_end=date(2027, 12, 31))
    assert sorted(local_days(result)) == ["programming_review:ville-a:2027"]


def test_internal_awareness_follows_the_convention_start() -> None:
    awareness = ritual(RitualKind.INTERNAL_AWARENESS, window_weeks=(2, 8), weekdays=WEEKDAYS)
    term = ConventionTerm("conv-2026", date(2026, 3, 2), date(2029, 3, 1))
    result = plan([awareness], buyers=[buyer("ville-a", conventions=(term,))])
    day = local_days(result)["internal_awareness:ville-a:conv-2026"]
    assert date(2026, 3, 16) <= day <= date(2026, 4, 27)


def test_convention_renewal_comes_before_the_end() -> None:
    renewal = ritual(RitualKind.CONVENTION_RENEWAL, window_weeks=(16, 10), weekdays=WEEKDAYS)
    term = ConventionTerm("conv-2024", date(2024, 1, 1), date(2026, 12, 31))
    result = plan([renewal], buyers=[buyer("ville-a", conventions=(term,))])
    day = local_days(result)["convention_renewal:ville-a:conv-2024"]
    assert date(2026, 9, 10) <= day <= date(2026, 10, 22)


def test_a_review_window_open_today_still_gets_its_review_on_its_last_usable_day() -> None:
    """The demo's Syndicat des eaux on 2 December 2026: programming month January, window from
    6 November to 11 December; its stable day is over but the buyer never had its review."""
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=(1, 2, 3))
    term = ConventionTerm("2025", date(2025, 1, 15), date(2027, 10, 31))
    syndicat = buyer("syndicat-des-eaux-de-la-lisiere", programming_month=1, conventions=(term,))
    stable = plan([review], buyers=[syndicat], today=date(2026, 11, 1))
    assert local_days(stable)["programming_review:syndicat-des-eaux-de-la-lisiere:2027"] < date(
        2026, 12, 2
    )
    for today in (date(2026, 12, 2), date(2026, 12, 5), date(2026, 12, 9)):
        late = plan([review], buyers=[syndicat], today=today, horizon_end=date(2028, 6, 2))
        assert local_days(late) == {
            "programming_review:syndicat-des-eaux-de-la-lisiere:2027": date(2026, 12, 10)
        }


def test_a_meeting_that_already_started_is_never_placed_again() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS)
    key = "programming_review:ville-a:2026"
    result = plan([review], buyers=[buyer("ville-a")], today=date(2026, 8, 20))
    assert key in local_days(result)
    again = plan([review], buyers=[buyer("ville-a")], today=date(2026, 8, 20), past={key})
    assert key not in local_days(again)
    assert key not in reasons(again)


def test_a_window_already_over_before_today_stays_empty() -> None:
    awareness = ritual(RitualKind.INTERNAL_AWARENESS, window_weeks=(3, 10), weekdays=WEEKDAYS)
    term = ConventionTerm("2025", date(2025, 9, 1), date(2028, 8, 31))
    result = plan([awareness], buyers=[buyer("ville-a", conventions=(term,))])
    assert result.occurrences == ()


def test_every_active_buyer_without_a_review_is_named_with_the_reason() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS)
    ending = ConventionTerm("2024", date(2024, 1, 1), date(2026, 6, 30))
    summer = (Blackout(MonthDay(7, 1), MonthDay(8, 31)),)
    buyers = [
        buyer("ville-a"),
        buyer("ville-finissante", conventions=(ending,)),
        buyer("ville-en-ete", programming_month=9),
        buyer("ville-de-decembre", programming_month=12),
        buyer("ville-sans-convention", conventions=()),
    ]
    result = plan(
        [review],
        buyers=buyers,
        calendar=CalendarRules(blackouts=summer),
        horizon_end=date(2026, 9, 30),
    )
    assert {occ.buyer for occ in result.occurrences} == {"ville-a"}
    missing = {gap.buyer: gap for gap in result.missing_reviews}
    assert sorted(missing) == ["ville-de-decembre", "ville-en-ete", "ville-finissante"]
    assert missing["ville-finissante"] == MissingReview(
        "ville-finissante",
        "camille",
        ReviewGap.CONVENTION_ENDS,
        window=(date(2026, 8, 6), date(2026, 9, 10)),
        until=date(2026, 6, 30),
    )
    no_room = missing["ville-en-ete"]
    assert (no_room.cause, no_room.window) == (
        ReviewGap.NO_ROOM,
        (date(2026, 7, 7), date(2026, 8, 11)),
    )
    assert no_room.describe(date(2026, 9, 30)) == (
        "no slot in its window: no open Mon/Tue/Wed/Thu/Fri with room for camille between "
        "2026-07-07 and 2026-08-11"
    )
    beyond = missing["ville-de-decembre"]
    assert (beyond.cause, beyond.window) == (
        ReviewGap.BEYOND_HORIZON,
        (date(2026, 10, 6), date(2026, 11, 10)),
    )
    assert beyond.describe(date(2026, 9, 30)) == (
        "its next window (2026-10-06 to 2026-11-10) is after the horizon (2026-09-30)"
    )


def test_no_buyer_is_pointed_out_when_reviews_are_disabled() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, enabled=False)
    assert plan([review], buyers=[buyer("ville-a")]).missing_reviews == ()


def test_no_awareness_session_before_the_convention_has_run_its_first_weeks() -> None:
    awareness = ritual(RitualKind.INTERNAL_AWARENESS, window_weeks=(2, 6), weekdays=WEEKDAYS)
    term = ConventionTerm("conv-2026", date(2026, 3, 2), date(2029, 3, 1))
    buyers = [buyer(f"acheteur-{n}", conventions=(term,)) for n in range(12)]
    roomy = (Capacity("camille", max_per_day=4, max_per_week=20),)
    days = local_days(plan([awareness], buyers=buyers, capacities=roomy))
    assert len(days) == 12
    assert all(date(2026, 3, 16) <= day <= date(2026, 4, 13) for day in days.values())


def test_a_one_day_window_still_gets_its_meeting_with_the_first_theme() -> None:
    renewal = ritual(
        RitualKind.CONVENTION_RENEWAL,
        window_weeks=(3, 3),
        weekdays=WEEKDAYS,
        themes=("bilan", "perspectives"),
    )
    term = ConventionTerm("conv-2024", date(2024, 1, 1), date(2026, 12, 31))
    result = plan([renewal], buyers=[buyer("ville-a", conventions=(term,))])
    [occurrence] = result.occurrences
    assert occurrence.start.astimezone(PARIS).date() == date(2026, 12, 10)
    assert occurrence.theme == "bilan"
    assert (occurrence.kind, occurrence.buyer) == (RitualKind.CONVENTION_RENEWAL, "ville-a")


def test_a_buyers_meeting_that_cannot_be_placed_says_for_whom() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=(3,), window_weeks=(3, 3))
    result = plan([review], buyers=[buyer("ville-a")], capacities=(Capacity("camille", 0, 0),))
    assert result.unplaced == (
        Unplaced(
            key="programming_review:ville-a:2026",
            kind=RitualKind.PROGRAMMING_REVIEW,
            buyer="ville-a",
            reason="no open Thu with room for camille between 2026-09-10 and 2026-09-10",
        ),
    )


def test_a_full_anchor_day_is_reported_as_full_not_closed() -> None:
    committee = ritual(
        RitualKind.STEERING_COMMITTEE, months=(9,), weekdays=(3,), on_conflict=OnConflict.SKIP
    )
    result = plan([committee], capacities=(Capacity("camille", 0, 0),))
    assert reasons(result) == {
        "steering_committee:territory:2026-09": "2026-09-10 is full for camille"
    }
    shifted = plan(
        [dataclasses.replace(committee, on_conflict=OnConflict.SHIFT, max_shift_days=7)],
        capacities=(Capacity("camille", 0, 0),),
    )
    assert reasons(shifted) == {
        "steering_committee:territory:2026-09": (
            "2026-09-10 is full for camille, and no open Thu with room until 2026-09-17"
        )
    }


def test_each_buyer_starts_its_search_at_its_own_offset_in_the_window() -> None:
    # Window of the March programming: 4 January to 8 February 2026 (36 days, no holiday), every
    # day open and preferred, room and times for all: each review lands on its first day tried.
    review = ritual(
        RitualKind.PROGRAMMING_REVIEW, weekdays=tuple(range(7)), times=(time(9), time(11), time(14))
    )
    every_day = CalendarRules(working_weekdays=frozenset(range(7)))
    buyers = [buyer(f"acheteur-{n}", programming_month=3) for n in range(10)]
    roomy = (Capacity("camille", max_per_day=10, max_per_week=70),)
    days = local_days(plan([review], buyers=buyers, calendar=every_day, capacities=roomy))
    assert days == {
        f"programming_review:{b.slug}:2026": date(2026, 1, 4) + timedelta(spread_offset(b.slug, 36))
        for b in buyers
    }
    assert len(set(days.values())) > 5


@pytest.mark.parametrize(
    ("term", "reviewed"),
    [
        (ConventionTerm("from-the-first-day", date(2026, 8, 6), date(2028, 12, 31)), True),
        (ConventionTerm("from-the-day-after", date(2026, 8, 7), date(2028, 12, 31)), False),
        (ConventionTerm("to-the-first-day", date(2024, 1, 1), date(2026, 8, 6)), True),
        (ConventionTerm("to-the-day-before", date(2024, 1, 1), date(2026, 8, 5)), False),
    ],
)
def test_a_review_needs_a_convention_in_force_on_its_windows_first_day(
    term: ConventionTerm, reviewed: bool
) -> None:
    # The October programming's window opens eight weeks before: 6 August 2026.
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS)
    result = plan(
        [review], buyers=[buyer("ville-a", conventions=(term,))], calendar=CalendarRules()
    )
    assert ("programming_review:ville-a:2026" in local_days(result)) is reviewed


def test_second_start_time_is_used_when_the_first_is_taken() -> None:
    # A one-day window: 1 October 2026 minus three weeks, a Thursday.
    review = ritual(
        RitualKind.PROGRAMMING_REVIEW,
        weekdays=WEEKDAYS,
        window_weeks=(3, 3),
        times=(time(10, 0), time(14, 0)),
    )
    result = plan([review], buyers=[buyer("ville-a"), buyer("ville-b"), buyer("ville-c")])
    starts = sorted(occ.start.astimezone(PARIS).time() for occ in result.occurrences)
    assert starts == [time(10, 0), time(14, 0)]
    assert {occ.start.date() for occ in result.occurrences} == {date(2026, 9, 10)}
    (missing,) = result.unplaced
    assert "no open Mon/Tue/Wed/Thu/Fri with room for camille" in missing.reason


def test_meetings_may_follow_each_other_back_to_back() -> None:
    # A one-day window, 10 September 2026; an announced meeting holds 12:00-14:00.
    review = ritual(
        RitualKind.PROGRAMMING_REVIEW,
        weekdays=WEEKDAYS,
        window_weeks=(3, 3),
        times=(time(10, 0), time(14, 0)),
    )
    committee = PlannedOccurrence(
        key="steering_committee:territory:2026-09",
        uid="u@x",
        kind=RitualKind.STEERING_COMMITTEE,
        buyer=None,
        facilitator="camille",
        start=datetime(2026, 9, 10, 12, 0, tzinfo=PARIS),
        end=datetime(2026, 9, 10, 14, 0, tzinfo=PARIS),
        status=OccurrenceStatus.ANNOUNCED,
    )
    roomy = (Capacity("camille", max_per_day=3, max_per_week=6),)
    result = plan(
        [ritual(RitualKind.STEERING_COMMITTEE, months=(9,)), review],
        buyers=[buyer("ville-a"), buyer("ville-b")],
        capacities=roomy,
        fixed=[committee],
    )
    assert [occ.start.astimezone(PARIS).time() for occ in result.occurrences] == [
        time(10, 0),
        time(12, 0),
        time(14, 0),
    ]
    assert result.unplaced == ()


def test_daily_capacity_spreads_meetings_over_days() -> None:
    review = ritual(
        RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS, times=(time(10, 0), time(14, 0))
    )
    tight = (Capacity("camille", max_per_day=1, max_per_week=5),)
    buyers = [buyer(f"acheteur-{n}") for n in range(6)]
    days = local_days(plan([review], buyers=buyers, capacities=tight))
    assert len(set(days.values())) == len(days) == 6


def test_weekly_capacity_holds_across_kinds() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS, window_weeks=(3, 4))
    tight = (Capacity("camille", max_per_day=2, max_per_week=1),)
    buyers = [buyer(f"acheteur-{n}") for n in range(5)]
    result = plan([review], buyers=buyers, capacities=tight)
    weeks = Counter(day.isocalendar()[:2] for day in local_days(result).values())
    assert set(weeks.values()) == {1}
    assert len(result.occurrences) + len(result.unplaced) == 5


def test_weekly_capacity_allows_exactly_its_count() -> None:
    # Window 3-10 September 2026: Thursday and Friday of one week, Monday to Thursday of the next.
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS, window_weeks=(3, 4))
    buyers = [buyer(f"acheteur-{n}") for n in range(7)]
    for per_week, placed in ((2, [2, 2]), (3, [2, 3])):
        capacity = (Capacity("camille", max_per_day=1, max_per_week=per_week),)
        result = plan([review], buyers=buyers, capacities=capacity)
        weeks = Counter(day.isocalendar()[:2] for day in local_days(result).values())
        assert sorted(weeks.values()) == placed
        assert len(result.unplaced) == 7 - sum(placed)


@pytest.mark.parametrize(
    ("announced_day", "placed"),
    [(date(2026, 9, 6), True), (date(2026, 9, 7), False), (date(2026, 9, 14), True)],
)
def test_the_week_of_weekly_capacity_runs_from_monday_to_sunday(
    announced_day: date, placed: bool
) -> None:
    # A weekend club on Saturday 12 or Sunday 13 September 2026; one meeting a week at most.
    club = ritual(
        RitualKind.BUYER_CLUB, months=(9,), weekdays=(5, 6), week_of_month=2, max_shift_days=1
    )
    announced = PlannedOccurrence(
        key="steering_committee:territory:2026-09",
        uid="u@x",
        kind=RitualKind.STEERING_COMMITTEE,
        buyer=None,
        facilitator="camille",
        start=datetime.combine(announced_day, time(10), PARIS),
        end=datetime.combine(announced_day, time(12), PARIS),
        status=OccurrenceStatus.ANNOUNCED,
    )
    result = plan(
        [ritual(RitualKind.STEERING_COMMITTEE, months=(9,)), club],
        calendar=CalendarRules(working_weekdays=frozenset(range(7))),
        capacities=(Capacity("camille", max_per_day=1, max_per_week=1),),
        fixed=[announced],
        today=date(2026, 9, 1),
    )
    assert ("buyer_club:territory:2026-09" in local_days(result)) is placed


def test_a_territory_series_without_any_facilitator_is_reported() -> None:
    club = ritual(RitualKind.BUYER_CLUB, months=(3,))
    result = plan([club], capacities=())
    assert result.occurrences == ()
    assert result.unplaced == (
        Unplaced(
            key="buyer_club:territory:2026-03",
            kind=RitualKind.BUYER_CLUB,
            buyer=None,
            reason="no facilitator to run it",
        ),
    )


def test_daily_capacity_allows_exactly_its_count() -> None:
    # A one-day window, 10 September 2026, three free start times, two meetings a day.
    review = ritual(
        RitualKind.PROGRAMMING_REVIEW,
        weekdays=WEEKDAYS,
        window_weeks=(3, 3),
        times=(time(9, 0), time(11, 0), time(14, 0)),
    )
    two_a_day = (Capacity("camille", max_per_day=2, max_per_week=6),)
    buyers = [buyer(f"acheteur-{n}") for n in range(3)]
    result = plan([review], buyers=buyers, capacities=two_a_day)
    assert len(result.occurrences) == 2
    assert len(result.unplaced) == 1


def test_a_rule_without_start_times_is_reported() -> None:
    club = ritual(RitualKind.BUYER_CLUB, months=(3,), times=())
    assert plan([club]).unplaced == (
        Unplaced(
            key="buyer_club:territory:2026-03",
            kind=RitualKind.BUYER_CLUB,
            buyer=None,
            reason="no start time configured",
        ),
    )


def test_unknown_facilitator_gets_default_capacity() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=(3,), window_weeks=(3, 3))
    buyers = [buyer(f"acheteur-{n}", facilitator="sacha") for n in range(3)]
    result = plan([review], buyers=buyers, capacities=())
    assert len(result.occurrences) == 1
    assert {occ.facilitator for occ in result.occurrences} == {"sacha"}


def test_duplicate_buyer_slugs_are_refused() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW)
    with pytest.raises(ValueError, match="ville-a"):
        plan([review], buyers=[buyer("ville-a"), buyer("ville-a")])


# --- announced occurrences ---------------------------------------------------------------------


def test_announced_occurrence_is_kept_exactly_even_off_its_rules() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS)
    moved_by_hand = PlannedOccurrence(
        key="programming_review:ville-a:2026",
        uid="legacy-uid@elsewhere.example",
        kind=RitualKind.PROGRAMMING_REVIEW,
        buyer="ville-a",
        facilitator="dominique",
        start=datetime(2026, 11, 7, 8, 15, tzinfo=ZoneInfo("UTC")),
        end=datetime(2026, 11, 7, 9, 0, tzinfo=ZoneInfo("UTC")),
        status=OccurrenceStatus.MOVED,
    )
    result = plan([review], buyers=[buyer("ville-a")], fixed=[moved_by_hand])
    assert result.occurrences == (moved_by_hand,)


def test_announced_occurrence_books_capacity_first() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS, window_weeks=(3, 3))
    announced = PlannedOccurrence(
        key="steering_committee:territory:2026-09",
        uid="u@x",
        kind=RitualKind.STEERING_COMMITTEE,
        buyer=None,
        facilitator="camille",
        start=datetime(2026, 9, 10, 9, 0, tzinfo=PARIS),
        end=datetime(2026, 9, 10, 12, 0, tzinfo=PARIS),
        status=OccurrenceStatus.ANNOUNCED,
    )
    committee = ritual(RitualKind.STEERING_COMMITTEE, months=(9,))
    result = plan([committee, review], buyers=[buyer("ville-a")], fixed=[announced])
    assert result.occurrences[0] == announced
    (missing,) = result.unplaced
    assert missing.key == "programming_review:ville-a:2026"


def test_announced_occurrence_no_longer_wanted_is_dropped() -> None:
    announced = PlannedOccurrence(
        key="programming_review:gone:2026",
        uid="u@x",
        kind=RitualKind.PROGRAMMING_REVIEW,
        buyer="gone",
        facilitator="camille",
        start=datetime(2026, 9, 10, 10, 0, tzinfo=PARIS),
        end=datetime(2026, 9, 10, 12, 0, tzinfo=PARIS),
        status=OccurrenceStatus.ANNOUNCED,
    )
    review = ritual(RitualKind.PROGRAMMING_REVIEW)
    result = plan([review], buyers=[buyer("ville-a")], fixed=[announced])
    assert [occ.key for occ in result.occurrences] == ["programming_review:ville-a:2026"]


def test_announced_occurrence_beyond_the_horizon_is_kept() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS)
    next_year = PlannedOccurrence(
        key="programming_review:ville-a:2027",
        uid="u@x",
        kind=RitualKind.PROGRAMMING_REVIEW,
        buyer="ville-a",
        facilitator="camille",
        start=datetime(2027, 9, 9, 10, 0, tzinfo=PARIS),
        end=datetime(2027, 9, 9, 12, 0, tzinfo=PARIS),
        status=OccurrenceStatus.ANNOUNCED,
    )
    result = plan([review], buyers=[buyer("ville-a")], fixed=[next_year])
    assert result.occurrences[-1] == next_year
    assert len(result.occurrences) == 2


# --- properties over ten years -----------------------------------------------------------------

TIMES = (time(9, 0), time(10, 0), time(11, 30), time(14, 0), time(16, 30), time(18, 0))
FACILITATORS = ("camille", "dominique", "sacha")
PER_BUYER = (
    RitualKind.PROGRAMMING_REVIEW,
    RitualKind.INTERNAL_AWARENESS,
    RitualKind.CONVENTION_RENEWAL,
)
TEN_YEARS = timedelta(days=3652)


@dataclasses.dataclass(frozen=True)
class Scenario:
    """One guichet's planner input."""

    rules: tuple[RitualRule, ...]
    calendar: CalendarRules
    capacities: tuple[Capacity, ...]
    buyers: tuple[BuyerProfile, ...]
    today: date
    horizon_end: date

    def run(self, **changes: Any) -> Plan:
        """Plan this scenario, with some of its inputs replaced."""
        inputs = {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}
        return plan_rituals(**{**inputs, **changes}, uid_domain=DOMAIN)

    def capacity(self, facilitator: str) -> Capacity:
        """The capacity the planner must respect for `facilitator`."""
        named = {cap.facilitator: cap for cap in self.capacities}
        return named.get(facilitator, Capacity(facilitator))


@st.composite
def ritual_rules(draw: st.DrawFn, kind: RitualKind) -> RitualRule:
    """A random but valid rule of `kind`."""
    near = draw(st.integers(0, 8))
    return ritual(
        kind,
        cadence=draw(st.sampled_from([c for c in Cadence if c is not Cadence.PER_CONVENTION])),
        months=tuple(draw(st.lists(st.integers(1, 12), max_size=4))),
        weekdays=tuple(draw(st.sets(st.integers(0, 6), min_size=1, max_size=4))),
        week_of_month=draw(st.integers(1, 4)),
        times=tuple(draw(st.lists(st.sampled_from(TIMES), min_size=1, max_size=3, unique=True))),
        duration=timedelta(minutes=draw(st.sampled_from([45, 60, 90, 120, 180]))),
        on_conflict=draw(st.sampled_from(OnConflict)),
        max_shift_days=draw(st.integers(0, 21)),
        themes=tuple(draw(st.lists(st.sampled_from("ABCD"), max_size=3))),
        facilitator=draw(st.none() | st.sampled_from(FACILITATORS)),
        window_weeks=(near, near + draw(st.integers(0, 8))),
    )


@st.composite
def conventions(draw: st.DrawFn) -> tuple[ConventionTerm, ...]:
    """Zero to three conventions of a buyer, some inactive."""
    terms = []
    for index in range(draw(st.integers(0, 3))):
        start = draw(st.dates(min_value=date(2022, 1, 1), max_value=date(2034, 12, 31)))
        length = timedelta(days=draw(st.integers(30, 5 * 365)))
        active = draw(st.booleans() | st.just(True))
        terms.append(ConventionTerm(f"c{index}", start, start + length, active))
    return tuple(terms)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A random guichet: calendar, capacities, rules and 1 to 15 buyers, over ten years."""
    kinds = draw(st.sets(st.sampled_from(RITUALS), min_size=1, max_size=5))
    facilitators = FACILITATORS[: draw(st.integers(1, 3))]
    today = draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31)))
    return Scenario(
        rules=tuple(draw(ritual_rules(kind)) for kind in sorted(kinds)),
        calendar=CalendarRules(
            subdivision=draw(st.sampled_from([None, "57", "6AE"])),
            blackouts=tuple(draw(st.sets(st.sampled_from([AUGUST, CHRISTMAS])))),
        ),
        capacities=tuple(
            Capacity(name, draw(st.integers(1, 3)), draw(st.integers(1, 8)))
            for name in facilitators
        ),
        buyers=tuple(
            BuyerProfile(
                f"acheteur-{n}",
                draw(st.sampled_from(FACILITATORS)),
                draw(st.integers(1, 12)),
                draw(conventions()),
            )
            for n in range(draw(st.integers(1, 15)))
        ),
        today=today,
        horizon_end=today + TEN_YEARS,
    )


PROPERTY = settings(
    max_examples=min(40, settings().max_examples),  # fewer under `make mutation`'s profile
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(scenarios())
def test_no_meeting_on_a_weekend_a_holiday_or_a_blackout(scenario: Scenario) -> None:
    calendar = scenario.calendar
    for occurrence in scenario.run().occurrences:
        day = occurrence.start.astimezone(PARIS).date()
        assert day.weekday() < 5
        assert day not in french_holidays.by_rule(calendar.subdivision, day.year)
        assert not any(blackout.contains(day) for blackout in calendar.blackouts)


@PROPERTY
@given(scenarios())
def test_local_start_times_survive_dst(scenario: Scenario) -> None:
    rules = {rule.kind: rule for rule in scenario.rules}
    offsets: dict[str, set[timedelta | None]] = {"winter": set(), "summer": set()}
    for occurrence in scenario.run().occurrences:
        rule = rules[occurrence.kind]
        local = occurrence.start.astimezone(PARIS)
        assert local.time() in rule.times
        elapsed = occurrence.end.timestamp() - occurrence.start.timestamp()
        assert elapsed == rule.duration.total_seconds()
        if local.month in (12, 1, 2):
            offsets["winter"].add(local.utcoffset())
        if local.month in (6, 7, 8):
            offsets["summer"].add(local.utcoffset())
    assert offsets["winter"] <= {timedelta(hours=1)}
    assert offsets["summer"] <= {timedelta(hours=2)}


def test_same_local_time_has_two_utc_offsets_over_a_year() -> None:
    review = ritual(
        RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS, window_weeks=(1, 3), times=(time(10),)
    )
    buyers = [buyer(f"acheteur-{month}", programming_month=month) for month in (2, 8)]
    result = plan([review], buyers=buyers, calendar=CalendarRules())
    locals_ = [occ.start.astimezone(PARIS) for occ in result.occurrences]
    assert [local.time() for local in locals_] == [time(10), time(10)]
    assert [local.utcoffset() for local in locals_] == [timedelta(hours=1), timedelta(hours=2)]


@PROPERTY
@given(scenarios())
def test_every_eligible_cycle_is_placed_or_reported_exactly_once(scenario: Scenario) -> None:
    result = scenario.run()
    placed = [occ.key for occ in result.occurrences]
    missing = [gap.key for gap in result.unplaced]
    assert len(set(placed + missing)) == len(placed) + len(missing)
    days = local_days(result)
    for key, (first, last) in eligible_windows(scenario).items():
        assert (key in days) != (key in missing), key
        if key in days:
            assert first <= days[key] <= last, key


@PROPERTY
@given(scenarios())
def test_capacity_is_never_exceeded_and_meetings_never_overlap(scenario: Scenario) -> None:
    per_day: Counter[tuple[str, date]] = Counter()
    per_week: Counter[tuple[str, tuple[int, int]]] = Counter()
    spans: dict[tuple[str, date], list[tuple[datetime, datetime]]] = {}
    for occurrence in scenario.run().occurrences:
        day = occurrence.start.astimezone(PARIS).date()
        per_day[occurrence.facilitator, day] += 1
        per_week[occurrence.facilitator, day.isocalendar()[:2]] += 1
        spans.setdefault((occurrence.facilitator, day), []).append(
            (occurrence.start, occurrence.end)
        )
    for (name, _), count in per_day.items():
        assert count <= scenario.capacity(name).max_per_day
    for (name, _), count in per_week.items():
        assert count <= scenario.capacity(name).max_per_week
    for meetings in spans.values():
        for (_, end), (start, _) in itertools.pairwise(sorted(meetings)):
            assert end <= start


@PROPERTY
@given(scenarios())
def test_every_active_buyer_has_a_review_in_the_horizon_or_is_named(scenario: Scenario) -> None:
    result = scenario.run()
    reviewed = {
        occ.buyer
        for occ in result.occurrences
        if occ.kind is RitualKind.PROGRAMMING_REVIEW
        and occ.start.astimezone(PARIS).date() <= scenario.horizon_end
    }
    named = [gap.buyer for gap in result.missing_reviews]
    assert len(named) == len(set(named))
    review = next((r for r in scenario.rules if r.kind is RitualKind.PROGRAMMING_REVIEW), None)
    for profile in scenario.buyers:
        active = any(
            t.active and t.start <= scenario.horizon_end and t.end >= scenario.today
            for t in profile.conventions
        )
        expected = active and review is not None and review.enabled
        assert (profile.slug in named) == (expected and profile.slug not in reviewed)
        assert not (profile.slug in named and profile.slug in reviewed)


@PROPERTY
@given(scenarios(), st.integers(1, 60))
def test_a_window_open_today_gets_its_meeting_after_today_or_says_why(
    scenario: Scenario, days_later: int
) -> None:
    today = scenario.today + timedelta(days=days_later)
    result = scenario.run(today=today)
    days = local_days(result)
    missing = reasons(result)
    for rule in scenario.rules:
        if rule.kind not in PER_BUYER or not rule.enabled:
            continue
        for profile in scenario.buyers:
            for key, (first, last) in buyer_windows(rule, profile).items():
                if first <= today < last and first <= scenario.horizon_end:
                    assert (key in days) != (key in missing), key
                    if key in days:
                        assert today < days[key] <= last


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_same_input_gives_the_same_plan_in_any_order(
    scenario: Scenario, shuffler: random.Random
) -> None:
    first = scenario.run()
    assert scenario.run() == first
    buyers, rules = list(scenario.buyers), list(scenario.rules)
    shuffler.shuffle(buyers)
    shuffler.shuffle(rules)
    assert scenario.run(buyers=buyers, rules=rules) == first


@PROPERTY
@given(scenarios(), st.integers(0, 400), st.integers(0, 3))
def test_announced_occurrences_come_back_unchanged(
    scenario: Scenario, days_later: int, hours_moved: int
) -> None:
    later = scenario.today + timedelta(days=days_later)
    announced = [
        dataclasses.replace(
            occ,
            start=occ.start + timedelta(hours=hours_moved),
            end=occ.end + timedelta(hours=hours_moved),
            status=OccurrenceStatus.ANNOUNCED,
        )
        for index, occ in enumerate(scenario.run().occurrences)
        if index % 3 == 0 and later <= occ.start.date() <= later + timedelta(days=90)
    ]
    replanned = scenario.run(today=later, fixed=announced)
    for occurrence in announced:
        assert occurrence in replanned.occurrences
    assert len({occ.key for occ in replanned.occurrences}) == len(replanned.occurrences)


@PROPERTY
@given(scenarios(), st.integers(0, 3000))
def test_extending_the_horizon_keeps_earlier_meetings(scenario: Scenario, days: int) -> None:
    short_end = scenario.today + timedelta(days=days)
    short = scenario.run(horizon_end=short_end)
    long = scenario.run()
    assert short.occurrences == tuple(
        occ for occ in long.occurrences if occ.start.astimezone(PARIS).date() <= short_end
    )


def eligible_windows(scenario: Scenario) -> dict[str, tuple[date, date]]:
    """The spec's cycles whose whole window lies between today and the horizon, by key."""
    windows: dict[str, tuple[date, date]] = {}
    for rule in scenario.rules:
        if rule.kind in PER_BUYER:
            for profile in scenario.buyers:
                windows.update(buyer_windows(rule, profile))
        else:
            windows.update(territory_windows(rule))
    return {
        key: (first, last)
        for key, (first, last) in windows.items()
        if scenario.today <= first and last <= scenario.horizon_end
    }


def territory_windows(rule: RitualRule) -> dict[str, tuple[date, date]]:
    """Each month cycle's key and the month it must stay in."""
    windows = {}
    for year in range(2024, 2040):
        for month in territory_months(rule):
            start = date(year, month, 1)
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            windows[f"{rule.kind}:territory:{year:04}-{month:02}"] = (start, end)
    return windows


def buyer_windows(rule: RitualRule, profile: BuyerProfile) -> dict[str, tuple[date, date]]:
    """Each per-buyer cycle's key and window, as the brief defines them."""
    near, far = sorted(rule.window_weeks)
    windows = {}
    if rule.kind is RitualKind.PROGRAMMING_REVIEW:
        for year in range(2024, 2040):
            target = date(year, profile.programming_month, 1)
            first = target - timedelta(weeks=far)
            if any(t.active and t.start <= first <= t.end for t in profile.conventions):
                windows[f"{rule.kind}:{profile.slug}:{year}"] = (
                    first,
                    target - timedelta(weeks=near),
                )
        return windows
    for term in profile.conventions:
        if not term.active:
            continue
        if rule.kind is RitualKind.INTERNAL_AWARENESS:
            window = (
                term.start + timedelta(weeks=near),
                min(term.start + timedelta(weeks=far), term.end),
            )
        else:
            window = (
                max(term.end - timedelta(weeks=far), term.start),
                term.end - timedelta(weeks=near),
            )
        if window[0] <= window[1]:
            windows[f"{rule.kind}:{profile.slug}:{term.key}"] = window
    return windows


def test_a_buyers_offset_never_changes_from_one_release_to_the_next() -> None:
    # Where each buyer's search starts in its window: a new hash would move every review.
    assert [spread_offset(f"acheteur-{n}", 36) for n in range(6)] == [24, 15, 12, 16, 16, 22]
    assert {spread_offset(f"acheteur-{n}", 1) for n in range(20)} == {0}
    assert spread_offset("ville-a", 0) == 0


def test_no_rule_no_meeting() -> None:
    assert plan([], buyers=[buyer("ville-a")]) == Plan(occurrences=())


def test_a_disabled_rule_does_not_stop_the_rules_after_it() -> None:
    after_work = ritual(RitualKind.AFTER_WORK, cadence=Cadence.MONTHLY, enabled=False)
    committee = ritual(RitualKind.STEERING_COMMITTEE, months=(3,), weekdays=(1,))
    result = plan([after_work, committee])
    assert [occ.key for occ in result.occurrences] == ["steering_committee:territory:2026-03"]


def test_a_window_longer_than_a_year_reaching_into_the_horizon_is_planned() -> None:
    # The February 2027 programming's window opens 60 weeks before: 21 December 2025.
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS, window_weeks=(1, 60))
    buyers = [buyer(f"acheteur-{n}", programming_month=2) for n in range(4)]
    roomy = (Capacity("camille", max_per_day=4, max_per_week=20),)
    result = plan([review], buyers=buyers, capacities=roomy, calendar=CalendarRules())
    assert {key[-4:] for key in local_days(result)} >= {"2027"}


def test_today_and_the_horizon_end_are_both_within_the_plan() -> None:
    # Second-week Tuesday of March 2026: the 10th; SKIP makes its window that one day.
    committee = ritual(
        RitualKind.STEERING_COMMITTEE, months=(3,), weekdays=(1,), on_conflict=OnConflict.SKIP
    )
    that_day = date(2026, 3, 10)
    result = plan([committee], today=that_day, horizon_end=that_day)
    assert list(local_days(result).values()) == [that_day]
    announced = dataclasses.replace(result.occurrences[0], status=OccurrenceStatus.ANNOUNCED)
    again = plan([committee], today=that_day, horizon_end=date(2026, 12, 31), fixed=[announced])
    assert again.occurrences[0] == announced


def test_a_meeting_that_cannot_be_placed_on_the_horizon_end_is_reported() -> None:
    committee = ritual(
        RitualKind.STEERING_COMMITTEE, months=(5,), weekdays=(3,), on_conflict=OnConflict.SKIP
    )
    result = plan([committee], today=date(2026, 5, 1), horizon_end=date(2026, 5, 14))
    assert reasons(result) == {
        "steering_committee:territory:2026-05": "2026-05-14 is closed (holiday: Ascension)"
    }


def test_a_convention_in_force_on_the_horizons_last_day_or_todays_counts() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS)
    signed_last = ConventionTerm("2026-12", date(2026, 12, 31), date(2029, 12, 30))
    ending_today = ConventionTerm("2023", date(2023, 1, 1), date(2026, 1, 1))
    result = plan(
        [review],
        buyers=[
            buyer("ville-signee-le-dernier-jour", conventions=(signed_last,)),
            buyer("ville-finissant-ce-jour", conventions=(ending_today,)),
        ],
    )
    causes = {gap.buyer: gap.cause for gap in result.missing_reviews}
    assert causes == {
        "ville-finissant-ce-jour": ReviewGap.CONVENTION_ENDS,
        "ville-signee-le-dernier-jour": ReviewGap.BEYOND_HORIZON,
    }


def test_a_review_on_the_horizons_last_day_is_within_it() -> None:
    review = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=WEEKDAYS)
    (placed,) = plan([review], buyers=[buyer("ville-a")]).occurrences
    day = placed.start.astimezone(PARIS).date()
    on_the_edge = plan([review], buyers=[buyer("ville-a")], horizon_end=day)
    assert [local_days(on_the_edge)[placed.key]] == [day]
    assert on_the_edge.missing_reviews == ()
