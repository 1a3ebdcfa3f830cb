"""Slot choice: the candidate dates a buyer may choose from keep every planning rule, spread over
the window, and whatever the buyers choose no facilitator is ever over capacity."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.core.calendar_rules import WorkingCalendar
from scheduler.core.kinds import RitualKind
from scheduler.core.placement import Booked
from scheduler.core.planner import meeting_window
from scheduler.core.slots import Slot, candidate_slots, replacement_slots, slot_is_free
from scheduler.core.values import CalendarRules, Capacity, PlannedOccurrence
from tests.core.test_planner import (
    AUGUST,
    CHRISTMAS,
    PARIS,
    Scenario,
    buyer,
    ritual,
    scenarios,
)

CALENDAR = WorkingCalendar(CalendarRules(blackouts=(AUGUST, CHRISTMAS)))
CAMILLE = Capacity("camille", max_per_day=2, max_per_week=6)
REVIEW = ritual(
    RitualKind.PROGRAMMING_REVIEW, weekdays=(1, 2, 3), times=(time(10, 0), time(14, 30))
)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def slot(text: str, hours: int = 2) -> Slot:
    return Slot(local(text), local(text) + timedelta(hours=hours))


def choose(
    default: Slot,
    *others: Booked,
    window: tuple[date, date] = (date(2027, 8, 9), date(2027, 9, 6)),
    count: int = 4,
    capacity: Capacity = CAMILLE,
    earliest: date = date(2027, 1, 1),
) -> tuple[Slot, ...]:
    return candidate_slots(
        default,
        window,
        REVIEW,
        calendar=CALENDAR,
        capacity=capacity,
        others=others,
        count=count,
        earliest=earliest,
    )


WINDOW = (date(2027, 9, 6), date(2027, 10, 29))


def test_the_default_slot_comes_first_then_the_others_by_date() -> None:
    default = slot("2027-09-21 10:00")
    slots = choose(default, window=WINDOW)
    assert len(slots) == 4
    assert slots[0] == default
    assert list(slots[1:]) == sorted(slots[1:])


def test_slots_fall_in_different_weeks_and_weekdays_spread_over_the_window() -> None:
    slots = choose(slot("2027-09-21 10:00"), window=WINDOW)
    days = [s.start.astimezone(PARIS).date() for s in slots]
    assert len({d.isocalendar()[1] for d in days}) == 4
    assert len({d.weekday() for d in days}) == 3  # three preferred weekdays for four slots
    assert min(days) <= WINDOW[0] + timedelta(days=7)
    assert max(days) >= WINDOW[1] - timedelta(days=7)
    assert all(WINDOW[0] <= d <= WINDOW[1] for d in days)


def test_slots_keep_off_holidays_blackouts_and_weekends() -> None:
    window = (date(2027, 7, 19), date(2027, 9, 3))  # August is a blackout
    slots = choose(slot("2027-07-20 10:00"), window=window, count=5)
    for candidate in slots:
        day = candidate.start.astimezone(PARIS).date()
        assert CALENDAR.is_open(day)
        assert day.weekday() in REVIEW.weekdays
        assert day.month != 8


def test_slots_respect_the_facilitators_other_meetings() -> None:
    busy_week = [
        Booked(local(f"2027-10-{day:02} 10:00"), local(f"2027-10-{day:02} 12:00"), "club")
        for day in (4, 5, 6, 7, 8, 11)
    ]
    capacity = Capacity("camille", max_per_day=2, max_per_week=6)
    slots = choose(slot("2027-09-21 10:00"), *busy_week, window=WINDOW, capacity=capacity)
    for candidate in slots[1:]:
        assert candidate.start.astimezone(PARIS).date().isocalendar()[1] != 40
        assert slot_is_free(candidate, calendar=CALENDAR, capacity=capacity, others=busy_week)


def test_earliest_keeps_slots_away_from_today() -> None:
    slots = choose(slot("2027-10-20 10:00"), window=WINDOW, earliest=date(2027, 10, 1))
    assert all(s.start.date() >= date(2027, 10, 1) for s in slots)


def test_a_narrow_window_gives_what_it_has() -> None:
    window = (date(2027, 9, 14), date(2027, 9, 16))
    slots = choose(slot("2027-09-14 10:00"), window=window, count=5)
    assert 1 < len(slots) <= 5
    assert len(set(slots)) == len(slots)


def test_the_same_input_gives_the_same_slots() -> None:
    assert choose(slot("2027-09-21 10:00"), window=WINDOW) == choose(
        slot("2027-09-21 10:00"), window=WINDOW
    )


def renew(
    near: Slot, refused: tuple[Slot, ...], *others: Booked, window: tuple[date, date] = WINDOW
) -> tuple[Slot, ...]:
    return replacement_slots(
        near,
        refused,
        window,
        REVIEW,
        calendar=CALENDAR,
        capacity=CAMILLE,
        others=others,
        count=4,
        earliest=date(2027, 1, 1),
    )


def day_of(candidate: Slot) -> date:
    return candidate.start.astimezone(PARIS).date()


def test_new_slots_avoid_every_refused_day_and_start_near_the_planners_date() -> None:
    default = slot("2027-09-21 10:00")
    refused = choose(default, window=WINDOW)
    again = renew(default, refused)
    assert len(again) == 4
    assert not {day_of(s) for s in refused} & {day_of(s) for s in again}
    assert abs((day_of(again[0]) - day_of(default)).days) <= 2  # the new default: nearest
    assert list(again[1:]) == sorted(again[1:])
    assert len({day_of(s).isocalendar()[1] for s in again}) == 4  # still spread over weeks


def test_new_slots_keep_the_facilitators_other_meetings_free() -> None:
    default = slot("2027-09-21 10:00")
    busy = [Booked(local("2027-09-22 10:00"), local("2027-09-22 12:00"), "club")]
    busy += [Booked(local("2027-09-22 14:00"), local("2027-09-22 16:00"), "club")]
    again = renew(default, (default,), *busy)
    assert day_of(again[0]) == date(2027, 9, 23)  # the 21st refused, the 22nd full
    for candidate in again:
        assert slot_is_free(candidate, calendar=CALENDAR, capacity=CAMILLE, others=busy)


def test_no_new_slots_when_every_day_of_the_window_was_refused() -> None:
    window = (date(2027, 9, 14), date(2027, 9, 16))
    refused = tuple(slot(f"2027-09-{day} 10:00") for day in (14, 15, 16))
    assert renew(refused[0], refused, window=window) == ()


def test_meeting_window_finds_the_planners_window() -> None:
    shop = buyer("ville-de-lisiere")
    window = meeting_window(
        REVIEW, shop, "programming_review:ville-de-lisiere:2027", date(2027, 1, 1)
    )
    assert window == (
        date(2027, 10, 1) - timedelta(weeks=8),
        date(2027, 10, 1) - timedelta(weeks=3),
    )
    assert meeting_window(REVIEW, shop, "programming_review:other:2027", date(2027, 1, 1)) is None


def test_meeting_window_looks_two_years_around_the_date_given() -> None:
    shop = buyer("ville-de-lisiere")
    key = "programming_review:ville-de-lisiere:2027"
    for around in (date(2025, 1, 1), date(2029, 12, 31)):
        assert meeting_window(REVIEW, shop, key, around) is not None
    for around in (date(2024, 12, 31), date(2030, 1, 1)):
        assert meeting_window(REVIEW, shop, key, around) is None


# --- property: whatever the buyers choose ---------------------------------------------------------


def proposals(
    scenario: Scenario, counts: list[int]
) -> tuple[list[PlannedOccurrence], list[tuple[PlannedOccurrence, tuple[Slot, ...]]]]:
    """The scenario's plan, its per-buyer meetings made into proposals one after the other (each
    proposal's slots held against the next), as the service does."""
    result = scenario.run()
    calendar = WorkingCalendar(scenario.calendar)
    rules = {rule.kind: rule for rule in scenario.rules}
    buyers = {b.slug: b for b in scenario.buyers}
    capacities = {c.facilitator: c for c in scenario.capacities}
    imposed = [o for o in result.occurrences if o.buyer is None]
    chosen: list[tuple[PlannedOccurrence, tuple[Slot, ...]]] = []
    for index, occurrence in enumerate(o for o in result.occurrences if o.buyer is not None):
        assert occurrence.buyer is not None
        window = meeting_window(
            rules[occurrence.kind],
            buyers[occurrence.buyer],
            occurrence.key,
            occurrence.start.date(),
        )
        assert window is not None
        others = [
            Booked(o.start, o.end, o.key)
            for o in result.occurrences
            if o.facilitator == occurrence.facilitator and o.key != occurrence.key
        ] + [
            Booked(s.start, s.end, held.key)
            for held, slots in chosen
            if held.facilitator == occurrence.facilitator
            for s in slots[1:]
        ]
        capacity = capacities.get(occurrence.facilitator, Capacity(occurrence.facilitator))
        slots = candidate_slots(
            Slot(occurrence.start, occurrence.end),
            window,
            rules[occurrence.kind],
            calendar=calendar,
            capacity=capacity,
            others=others,
            count=counts[index % len(counts)],
            earliest=scenario.today,
        )
        chosen.append((occurrence, slots))
    return imposed, chosen


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.lists(st.integers(3, 5), min_size=1), st.randoms(use_true_random=False))
def test_whatever_the_buyers_choose_no_facilitator_is_over_capacity(
    scenario: Scenario, counts: list[int], random: object
) -> None:
    imposed, offered = proposals(scenario, counts)
    pick = random.choice  # type: ignore[attr-defined]
    meetings = [(o.facilitator, o.start, o.end) for o in imposed] + [
        (occurrence.facilitator, *_span(pick(slots))) for occurrence, slots in offered
    ]
    capacities = {c.facilitator: c for c in scenario.capacities}
    per_day: Counter[tuple[str, date]] = Counter()
    per_week: Counter[tuple[str, tuple[int, int]]] = Counter()
    spans: dict[str, list[tuple[datetime, datetime]]] = {}
    for facilitator, start, end in meetings:
        day = start.astimezone(PARIS).date()
        per_day[facilitator, day] += 1
        per_week[facilitator, day.isocalendar()[:2]] += 1
        for other_start, other_end in spans.get(facilitator, []):
            assert end <= other_start or other_end <= start
        spans.setdefault(facilitator, []).append((start, end))
    for (facilitator, _), count in per_day.items():
        assert count <= capacities.get(facilitator, Capacity(facilitator)).max_per_day
    for (facilitator, _), count in per_week.items():
        assert count <= capacities.get(facilitator, Capacity(facilitator)).max_per_week
    for occurrence, slots in offered:
        assert len(set(slots)) == len(slots) <= max(counts)
        assert slots[0] == Slot(occurrence.start, occurrence.end)


def _span(chosen: Slot) -> tuple[datetime, datetime]:
    return chosen.start, chosen.end


def test_the_planner_treats_held_dates_as_taken() -> None:
    from scheduler.core.planner import plan_rituals
    from scheduler.core.values import occurrence_uid

    after_work = ritual(RitualKind.AFTER_WORK, weekdays=(3,), times=(time(18, 0),), months=(10,))
    calendar = CalendarRules(blackouts=(AUGUST, CHRISTMAS))
    capacity = (Capacity("camille", max_per_day=1, max_per_week=6),)

    def plan_with(held: tuple[PlannedOccurrence, ...]) -> date:
        result = plan_rituals(
            [after_work],
            calendar,
            capacity,
            [],
            today=date(2027, 1, 1),
            horizon_end=date(2027, 12, 31),
            uid_domain="test.example",
            held=held,
        )
        [occurrence] = result.occurrences
        return occurrence.start.astimezone(PARIS).date()

    anchor = plan_with(())
    hold = PlannedOccurrence(
        key="programming_review:ville:2027#hold",
        uid=occurrence_uid("hold", "test.example"),
        kind=RitualKind.PROGRAMMING_REVIEW,
        buyer=None,
        facilitator="camille",
        start=local(f"{anchor} 10:00"),
        end=local(f"{anchor} 12:00"),
    )
    assert plan_with((hold,)) == anchor + timedelta(days=7)


# --- boundaries ------------------------------------------------------------------------------


def test_slots_reach_the_windows_last_day_and_never_beyond() -> None:
    # Tuesday 7 to Wednesday 29 September 2027: the last week holds Tuesday 28 and Wednesday 29,
    # and Thursday 30, open and free, is the day after the window.
    slots = choose(slot("2027-09-07 10:00"), window=(date(2027, 9, 6), date(2027, 9, 29)), count=3)
    assert [s.start for s in slots] == [
        local("2027-09-07 10:00"),
        local("2027-09-22 10:00"),
        local("2027-09-28 10:00"),
    ]


def test_two_slots_are_the_first_and_the_last_weeks_of_the_window() -> None:
    slots = choose(slot("2027-09-07 10:00"), window=WINDOW, count=2)
    assert [s.start for s in slots] == [local("2027-09-07 10:00"), local("2027-10-27 10:00")]


def test_when_the_evenly_spaced_weeks_are_full_the_other_weeks_are_offered() -> None:
    # Eight weeks from 6 September; four slots would go to weeks 1, 3, 6 and 8 of the window,
    # but the facilitator already has their one meeting of the week in weeks 3, 6 and 8.
    one_a_week = Capacity("camille", max_per_day=2, max_per_week=1)
    busy = [
        Booked(local(f"{day} 10:00"), local(f"{day} 12:00"), "club")
        for day in ("2027-09-20", "2027-10-11", "2027-10-25")
    ]
    slots = choose(slot("2027-09-07 10:00"), *busy, window=WINDOW, capacity=one_a_week)
    weeks = [s.start.astimezone(PARIS).date().isocalendar()[1] for s in slots]
    assert weeks == [36, 37, 39, 40]


def test_a_week_runs_from_monday_to_sunday_where_sundays_are_open() -> None:
    # A guichet open every day, meeting on Sundays and Mondays: Sunday 12 September 2027 is in
    # Monday 6's week, so the second slot goes to Monday 13, in the next week.
    every_day = WorkingCalendar(CalendarRules(working_weekdays=frozenset(range(7))))
    sunday_monday = ritual(RitualKind.PROGRAMMING_REVIEW, weekdays=(6, 0), times=(time(10, 0),))
    slots = candidate_slots(
        slot("2027-09-06 10:00"),
        (date(2027, 9, 6), date(2027, 9, 13)),
        sunday_monday,
        calendar=every_day,
        capacity=CAMILLE,
        others=(),
        count=2,
        earliest=date(2027, 1, 1),
    )
    assert [s.start for s in slots] == [local("2027-09-06 10:00"), local("2027-09-13 10:00")]
