"""The year's figures, checked against counts made by hand on a small year of facts.

The year 2027, seen on 15 December 2027: three meetings held, two cancelled (one of them on New
Year's Day local time, still 2026 in UTC), one past whose attendance was never recorded, one to
come; four buyers (one renewed its convention, one's convention ended, one signed its first),
a supplier and a partner.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.core.figures import (
    Answers,
    ConventionFact,
    Conventions,
    ConventionState,
    Facts,
    InvitationFact,
    MeetingFact,
    MeetingLine,
    Outcome,
    Party,
    ResultFact,
    ResultTotals,
    Tally,
    year_figures,
)
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind

A, D, T, N = PartStat.ACCEPTED, PartStat.DECLINED, PartStat.TENTATIVE, PartStat.NEEDS_ACTION
VILLE, METROPOLE, DEPARTEMENT, REGION, JARDINS, FRANCE_TRAVAIL = 1, 2, 3, 4, 5, 6
NOW = datetime(2027, 12, 15, 10, 0, tzinfo=UTC)
PARIS = "Europe/Paris"

ORGANISATIONS = (
    Party(VILLE, "Ville de Lisière", OrganisationRole.BUYER),
    Party(METROPOLE, "Métropole de Lisière", OrganisationRole.BUYER),
    Party(DEPARTEMENT, "Département de la Haute-Lisière", OrganisationRole.BUYER),
    Party(REGION, "Région Rivages-et-Lisière", OrganisationRole.BUYER),
    Party(JARDINS, "Les Jardins de la Lisière", OrganisationRole.SUPPLIER),
    Party(FRANCE_TRAVAIL, "France Travail Lisière", OrganisationRole.PARTNER),
)


def invited(contact: int, organisation: int | None, answer: PartStat, came: bool | None = None):
    return InvitationFact(contact, organisation, answer, came)


def meeting(
    uid: str,
    kind: RitualKind,
    start: datetime,
    status: OccurrenceStatus,
    *invitations: InvitationFact,
    buyer: int | None = None,
    walk_ins: int = 0,
) -> MeetingFact:
    return MeetingFact(uid, kind, buyer, start, status, tuple(invitations), walk_ins)


MEETINGS = (
    meeting(
        "club",
        RitualKind.BUYER_CLUB,
        datetime(2027, 3, 11, 8, 30, tzinfo=UTC),
        OccurrenceStatus.HELD,
        invited(11, VILLE, A, True),
        invited(12, VILLE, D, False),
        invited(21, METROPOLE, N, True),
        invited(61, FRANCE_TRAVAIL, A, False),
        walk_ins=2,
    ),
    meeting(
        "after-work-march",
        RitualKind.AFTER_WORK,
        datetime(2027, 3, 18, 17, 0, tzinfo=UTC),
        OccurrenceStatus.CANCELLED,
        invited(11, VILLE, A),
        invited(21, METROPOLE, T),
    ),
    meeting(
        "review-ville",
        RitualKind.PROGRAMMING_REVIEW,
        datetime(2027, 9, 14, 8, 0, tzinfo=UTC),
        OccurrenceStatus.HELD,
        invited(11, VILLE, A, True),
        invited(12, VILLE, A, True),
        invited(99, None, A, True),
        buyer=VILLE,
    ),
    meeting(
        "b2b",
        RitualKind.B2B_MEETUP,
        datetime(2027, 6, 10, 7, 30, tzinfo=UTC),
        OccurrenceStatus.HELD,
        invited(51, JARDINS, A, True),
        invited(21, METROPOLE, T, False),
        invited(61, FRANCE_TRAVAIL, D, False),
    ),
    meeting(
        "review-metropole",
        RitualKind.PROGRAMMING_REVIEW,
        datetime(2027, 7, 6, 8, 0, tzinfo=UTC),
        OccurrenceStatus.ANNOUNCED,
        invited(21, METROPOLE, A),
        buyer=METROPOLE,
    ),
    meeting(
        "after-work-december",
        RitualKind.AFTER_WORK,
        datetime(2027, 12, 16, 17, 0, tzinfo=UTC),
        OccurrenceStatus.PLANNED,
        invited(11, VILLE, N),
    ),
    meeting(
        "steering-2026",
        RitualKind.STEERING_COMMITTEE,
        datetime(2026, 6, 8, 12, 0, tzinfo=UTC),
        OccurrenceStatus.HELD,
        invited(11, VILLE, A, True),
    ),
    meeting(
        "new-year",  # 00:30 on 1 January 2027 in Paris
        RitualKind.AFTER_WORK,
        datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
        OccurrenceStatus.CANCELLED,
    ),
    meeting(
        "next-year",  # 00:30 on 1 January 2028 in Paris
        RitualKind.AFTER_WORK,
        datetime(2027, 12, 31, 23, 30, tzinfo=UTC),
        OccurrenceStatus.PLANNED,
    ),
)

CONVENTIONS = (
    ConventionFact(VILLE, date(2024, 1, 1), date(2026, 12, 31), 100_000),
    ConventionFact(VILLE, date(2027, 1, 1), date(2029, 12, 31), 150_000),
    ConventionFact(METROPOLE, date(2024, 1, 1), date(2028, 6, 30), 80_000),
    ConventionFact(DEPARTEMENT, date(2025, 3, 1), date(2027, 2, 28)),
    ConventionFact(REGION, date(2027, 10, 1), date(2030, 9, 30)),
)

RESULTS = (
    ResultFact(VILLE, 2027, 12, 4520.5, 37, 9),
    ResultFact(METROPOLE, 2027, 30, 15000.0, 80, 21),
    ResultFact(VILLE, 2026, 10, 3000.0, 25, 7),
)

FACTS = Facts(ORGANISATIONS, MEETINGS, CONVENTIONS, RESULTS)


@pytest.fixture  # per test, so mutation testing knows every test that reads it
def figures():
    return year_figures(FACTS, 2027, NOW, PARIS)


def test_meetings_of_the_year_by_what_became_of_them(figures) -> None:
    assert figures.meetings == Tally(held=3, cancelled=2, to_come=1, unrecorded=1)
    assert figures.meetings.total == 7


def test_a_meeting_belongs_to_the_year_of_its_local_date(figures) -> None:
    assert figures.by_month[0] == Tally(cancelled=1)  # New Year's Day in Paris
    assert "next-year" not in {line.uid for line in figures.lines}
    assert "new-year" in {line.uid for line in figures.lines}


def test_meetings_by_month(figures) -> None:
    assert figures.by_month == (
        Tally(cancelled=1),
        Tally(),
        Tally(held=1, cancelled=1),
        Tally(),
        Tally(),
        Tally(held=1),
        Tally(unrecorded=1),
        Tally(),
        Tally(held=1),
        Tally(),
        Tally(),
        Tally(to_come=1),
    )


def test_meetings_by_kind_in_the_handbooks_order(figures) -> None:
    assert list(figures.by_kind.items()) == [
        (RitualKind.PROGRAMMING_REVIEW, Tally(held=1, unrecorded=1)),
        (RitualKind.BUYER_CLUB, Tally(held=1)),
        (RitualKind.AFTER_WORK, Tally(cancelled=2, to_come=1)),
        (RitualKind.B2B_MEETUP, Tally(held=1)),
    ]


def test_answers_count_the_meetings_not_cancelled(figures) -> None:
    assert figures.answers == Answers(
        invited=12,
        answered=10,
        accepted=7,
        declined=2,
        tentative=1,
        invited_to_held=10,
        present=6,
        walk_ins=2,
    )
    assert figures.answers.answer_rate == pytest.approx(10 / 12)
    assert figures.answers.acceptance_rate == pytest.approx(7 / 12)
    assert figures.answers.attendance_rate == pytest.approx(6 / 10)
    assert figures.answers.people_present == 8


def test_answers_by_kind(figures) -> None:
    by_kind = figures.answers_by_kind
    assert by_kind[RitualKind.BUYER_CLUB] == Answers(4, 3, 2, 1, 0, 4, 2, 2)
    assert by_kind[RitualKind.PROGRAMMING_REVIEW] == Answers(4, 4, 4, 0, 0, 3, 3, 0)
    assert by_kind[RitualKind.B2B_MEETUP] == Answers(3, 3, 1, 1, 1, 3, 1, 0)
    assert by_kind[RitualKind.AFTER_WORK] == Answers(invited=1)
    assert by_kind[RitualKind.AFTER_WORK].attendance_rate is None


def test_organisations_that_took_part_are_those_whose_people_came(figures) -> None:
    assert figures.taking_part == {
        OrganisationRole.BUYER: ("Métropole de Lisière", "Ville de Lisière"),
        OrganisationRole.SUPPLIER: ("Les Jardins de la Lisière",),
        OrganisationRole.PARTNER: (),
    }


def test_each_buyers_year(figures) -> None:
    lines = {line.name: line for line in figures.buyers}
    assert list(lines) == [
        "Département de la Haute-Lisière",
        "Métropole de Lisière",
        "Région Rivages-et-Lisière",
        "Ville de Lisière",
    ]
    ville = lines["Ville de Lisière"]
    assert (ville.review_day, ville.review_held) == (date(2027, 9, 14), True)
    assert (ville.meetings_attended, ville.people_present) == (2, 2)
    assert ville.convention is ConventionState.ACTIVE
    assert ville.renewed_on == date(2027, 1, 1)
    assert ville.financial_participation_cents == 150_000
    assert ville.result == RESULTS[0]
    metropole = lines["Métropole de Lisière"]
    assert (metropole.review_day, metropole.review_held) == (date(2027, 7, 6), False)
    assert (metropole.meetings_attended, metropole.people_present) == (1, 1)
    assert metropole.convention is ConventionState.ENDS_NEXT_YEAR
    assert metropole.convention_end == date(2028, 6, 30)
    assert metropole.renewed_on is None
    departement = lines["Département de la Haute-Lisière"]
    assert departement.convention is ConventionState.ENDED
    assert (departement.review_day, departement.meetings_attended) == (None, 0)
    region = lines["Région Rivages-et-Lisière"]
    assert (region.convention, region.renewed_on) == (ConventionState.ACTIVE, None)


def test_conventions_of_the_year(figures) -> None:
    conventions = figures.conventions
    assert conventions.active == 4
    assert (conventions.new, conventions.renewed) == (1, 1)
    assert conventions.ending_next_year == 1
    assert conventions.with_financial_participation == 2
    assert conventions.financial_participation_cents == 230_000


def test_results_are_summed_over_the_buyers_of_the_year(figures) -> None:
    assert figures.results == ResultTotals(2, 42, 19520.5, 117, 30)
    assert figures.has_results


def test_meeting_lines_in_date_order(figures) -> None:
    assert [line.uid for line in figures.lines] == [
        "new-year",
        "club",
        "after-work-march",
        "b2b",
        "review-metropole",
        "review-ville",
        "after-work-december",
    ]
    club = figures.lines[1]
    assert (club.invited, club.accepted, club.declined, club.present) == (4, 2, 1, 4)
    assert club.outcome is Outcome.HELD
    assert figures.lines[4].present is None  # never recorded
    assert figures.lines[5].buyer == "Ville de Lisière"


def test_the_previous_year_is_the_same_function() -> None:
    previous = year_figures(FACTS, 2026, NOW, PARIS)
    assert previous.meetings == Tally(held=1)
    assert previous.answers == Answers(1, 1, 1, 0, 0, 1, 1, 0)
    assert previous.taking_part[OrganisationRole.BUYER] == ("Ville de Lisière",)
    assert previous.results == ResultTotals(1, 10, 3000.0, 25, 7)
    assert previous.conventions.active == 3  # Ville's first, the Métropole's, the Département's


def test_an_empty_year_has_no_rate() -> None:
    empty = year_figures(Facts(), 2027, NOW, PARIS)
    assert empty.meetings.total == 0
    assert empty.answers.answer_rate is None
    assert empty.buyers == ()
    assert not empty.has_results


# --- properties ----------------------------------------------------------------------------------

invitations = st.builds(
    InvitationFact,
    contact=st.integers(1, 30),
    organisation=st.sampled_from([None, VILLE, METROPOLE, JARDINS, FRANCE_TRAVAIL]),
    partstat=st.sampled_from(list(PartStat)),
    attended=st.sampled_from([None, True, False]),
)
meetings = st.builds(
    MeetingFact,
    uid=st.uuids().map(str),
    kind=st.sampled_from(list(RitualKind)),
    buyer=st.sampled_from([None, VILLE, METROPOLE]),
    start=st.datetimes(
        min_value=datetime(2026, 6, 1), max_value=datetime(2028, 6, 1), timezones=st.just(UTC)
    ),
    status=st.sampled_from(list(OccurrenceStatus)),
    invitations=st.lists(invitations, max_size=6, unique_by=lambda i: i.contact).map(tuple),
    walk_ins=st.integers(0, 3),
)


@given(st.lists(meetings, max_size=25, unique_by=lambda m: m.uid))
def test_every_meeting_of_the_year_is_counted_once_everywhere(year_meetings) -> None:
    figures = year_figures(Facts(ORGANISATIONS, tuple(year_meetings)), 2027, NOW, PARIS)
    assert figures.meetings.total == len(figures.lines)
    assert sum(figures.by_month, Tally()) == figures.meetings
    assert sum(figures.by_kind.values(), Tally()) == figures.meetings
    assert sum(figures.answers_by_kind.values(), Answers()) == figures.answers
    answers = figures.answers
    assert answers.accepted + answers.declined + answers.tentative == answers.answered
    assert answers.present <= answers.invited_to_held <= answers.invited
    for rate in (answers.answer_rate, answers.acceptance_rate, answers.attendance_rate):
        assert rate is None or 0 <= rate <= 1
    held_present = sum(line.present or 0 for line in figures.lines)
    assert held_present == answers.people_present


# --- boundaries ----------------------------------------------------------------------------------

SEPT = datetime(2027, 9, 14, 8, 0, tzinfo=UTC)
HELD = OccurrenceStatus.HELD


def test_a_meeting_starting_at_now_is_still_to_come() -> None:
    at_now = meeting("now", RitualKind.BUYER_CLUB, NOW, OccurrenceStatus.ANNOUNCED)
    just_before = meeting(
        "before", RitualKind.BUYER_CLUB, NOW.replace(minute=59, hour=9), OccurrenceStatus.MOVED
    )
    figures = year_figures(Facts(ORGANISATIONS, (at_now, just_before)), 2027, NOW, PARIS)
    assert {line.uid: line.outcome for line in figures.lines} == {
        "before": Outcome.UNRECORDED,
        "now": Outcome.TO_COME,
    }


def test_the_year_runs_from_midnight_to_midnight_in_paris() -> None:
    edges = (
        meeting("first", RitualKind.AFTER_WORK, datetime(2026, 12, 31, 23, 0, tzinfo=UTC), HELD),
        meeting("last", RitualKind.AFTER_WORK, datetime(2027, 12, 31, 22, 59, tzinfo=UTC), HELD),
        meeting("before", RitualKind.AFTER_WORK, datetime(2026, 12, 31, 22, 59, tzinfo=UTC), HELD),
        meeting("after", RitualKind.AFTER_WORK, datetime(2027, 12, 31, 23, 0, tzinfo=UTC), HELD),
    )
    figures = year_figures(Facts(ORGANISATIONS, edges), 2027, NOW, PARIS)
    assert [line.uid for line in figures.lines] == ["first", "last"]
    assert (figures.by_month[0].held, figures.by_month[11].held) == (1, 1)
    assert [line.uid for line in year_figures(Facts((), edges), 2026, NOW, PARIS).lines] == [
        "before"
    ]


def test_meetings_at_the_same_time_are_listed_by_uid() -> None:
    same = tuple(
        meeting(uid, RitualKind.BUYER_CLUB, SEPT, HELD) for uid in ("c-club", "a-club", "b-club")
    )
    lines = year_figures(Facts(ORGANISATIONS, same), 2027, NOW, PARIS).lines
    assert [line.uid for line in lines] == ["a-club", "b-club", "c-club"]


def test_only_a_held_meeting_counts_who_came() -> None:
    past = meeting(
        "unrecorded",
        RitualKind.BUYER_CLUB,
        SEPT,
        OccurrenceStatus.ANNOUNCED,
        invited(11, VILLE, A, True),
        invited(12, VILLE, N),
        walk_ins=3,
    )
    figures = year_figures(Facts(ORGANISATIONS, (past,)), 2027, NOW, PARIS)
    assert figures.answers == Answers(invited=2, answered=1, accepted=1)
    assert figures.answers.people_present == 0
    assert figures.lines[0].present is None
    assert figures.taking_part[OrganisationRole.BUYER] == ()
    assert {line.name: line.meetings_attended for line in figures.buyers} == {}


def test_an_invitation_without_answer_is_unanswered() -> None:
    club = MeetingFact(
        "club", RitualKind.BUYER_CLUB, None, SEPT, HELD, (InvitationFact(11, VILLE),)
    )
    figures = year_figures(Facts(ORGANISATIONS, (club,)), 2027, NOW, PARIS)
    assert figures.answers == Answers(invited=1, invited_to_held=1)
    assert figures.answers.answer_rate == 0
    assert figures.lines[0].present == 0


def test_walk_ins_of_a_held_meeting_are_people_present() -> None:
    club = meeting(
        "club", RitualKind.BUYER_CLUB, SEPT, HELD, invited(11, VILLE, A, True), walk_ins=4
    )
    figures = year_figures(Facts(ORGANISATIONS, (club,)), 2027, NOW, PARIS)
    assert figures.answers.people_present == 5
    assert figures.lines[0].present == 5
    assert figures.answers.attendance_rate == 1


def test_people_of_unknown_organisations_are_not_named() -> None:
    club = meeting(
        "club",
        RitualKind.BUYER_CLUB,
        SEPT,
        HELD,
        invited(11, VILLE, A, True),
        invited(71, 77, A, True),
        buyer=78,
    )
    figures = year_figures(Facts(ORGANISATIONS, (club,)), 2027, NOW, PARIS)
    assert figures.taking_part[OrganisationRole.BUYER] == ("Ville de Lisière",)
    assert [line.name for line in figures.buyers] == ["Ville de Lisière"]
    assert (figures.lines[0].buyer_id, figures.lines[0].buyer) == (78, None)
    assert figures.answers.present == 2


def test_names_are_ordered_as_a_french_reader_expects() -> None:
    parties = (
        Party(1, "Ville de Lisière", OrganisationRole.BUYER),
        Party(2, "Établissement public foncier", OrganisationRole.BUYER),
        Party(3, "agence de l'eau", OrganisationRole.BUYER),
        Party(4, "Zèbre insertion", OrganisationRole.SUPPLIER),
    )
    club = meeting(
        "club",
        RitualKind.BUYER_CLUB,
        SEPT,
        HELD,
        *(invited(10 + i, i, A, True) for i in (1, 2, 3, 4)),
    )
    figures = year_figures(Facts(parties, (club,)), 2027, NOW, PARIS)
    expected = ("agence de l'eau", "Établissement public foncier", "Ville de Lisière")
    assert figures.taking_part[OrganisationRole.BUYER] == expected
    assert tuple(line.name for line in figures.buyers) == expected
    # a supplier whose people came is no buyer
    assert figures.taking_part[OrganisationRole.SUPPLIER] == ("Zèbre insertion",)


def test_a_buyers_review_held_wins_over_one_still_standing_and_cancelled_ones_do_not_count() -> (
    None
):
    reviews = (
        meeting(
            "r-cancelled",
            RitualKind.PROGRAMMING_REVIEW,
            datetime(2027, 2, 9, 9, 0, tzinfo=UTC),
            OccurrenceStatus.CANCELLED,
            buyer=VILLE,
        ),
        meeting(
            "r-standing",
            RitualKind.PROGRAMMING_REVIEW,
            datetime(2027, 3, 9, 9, 0, tzinfo=UTC),
            OccurrenceStatus.ANNOUNCED,
            buyer=VILLE,
        ),
        meeting(
            "r-held",
            RitualKind.PROGRAMMING_REVIEW,
            datetime(2027, 10, 12, 22, 30, tzinfo=UTC),
            HELD,
            buyer=VILLE,
        ),
        meeting(
            "club",
            RitualKind.BUYER_CLUB,
            datetime(2027, 1, 12, 9, 0, tzinfo=UTC),
            HELD,
            buyer=VILLE,
        ),
        meeting(
            "m-cancelled",
            RitualKind.PROGRAMMING_REVIEW,
            datetime(2027, 2, 9, 9, 0, tzinfo=UTC),
            OccurrenceStatus.CANCELLED,
            buyer=METROPOLE,
        ),
        meeting(
            "m-first",
            RitualKind.PROGRAMMING_REVIEW,
            datetime(2027, 4, 6, 9, 0, tzinfo=UTC),
            OccurrenceStatus.MOVED,
            buyer=METROPOLE,
        ),
        meeting(
            "m-second",
            RitualKind.PROGRAMMING_REVIEW,
            datetime(2027, 5, 4, 9, 0, tzinfo=UTC),
            OccurrenceStatus.PLANNED,
            buyer=METROPOLE,
        ),
        meeting(
            "d-cancelled",
            RitualKind.PROGRAMMING_REVIEW,
            datetime(2027, 2, 9, 9, 0, tzinfo=UTC),
            OccurrenceStatus.CANCELLED,
            buyer=DEPARTEMENT,
        ),
        meeting(
            "r-other",
            RitualKind.PROGRAMMING_REVIEW,
            datetime(2027, 1, 5, 9, 0, tzinfo=UTC),
            HELD,
            buyer=REGION,
        ),
    )
    lines = {
        line.id: line
        for line in year_figures(Facts(ORGANISATIONS, reviews), 2027, NOW, PARIS).buyers
    }
    # held on 12 October at 22:30 UTC: the 13th in Paris
    assert (lines[VILLE].review_day, lines[VILLE].review_held) == (date(2027, 10, 13), True)
    assert (lines[METROPOLE].review_day, lines[METROPOLE].review_held) == (date(2027, 4, 6), False)
    assert (lines[DEPARTEMENT].review_day, lines[DEPARTEMENT].review_held) == (None, False)
    assert (lines[REGION].review_day, lines[REGION].review_held) == (date(2027, 1, 5), True)


def test_a_convention_is_in_force_from_its_first_day_to_its_last() -> None:
    conventions = (
        ConventionFact(VILLE, date(2024, 1, 1), date(2027, 1, 1), 10_000),
        ConventionFact(METROPOLE, date(2027, 12, 31), date(2030, 12, 30), 0),
        ConventionFact(DEPARTEMENT, date(2023, 1, 1), date(2026, 12, 31), 5_000),
        ConventionFact(REGION, date(2028, 1, 1), date(2028, 12, 31)),
    )
    figures = year_figures(Facts(ORGANISATIONS, (), conventions), 2027, NOW, PARIS)
    lines = {line.id: line for line in figures.buyers}
    assert set(lines) == {VILLE, METROPOLE}
    assert lines[VILLE].convention is ConventionState.ENDED
    assert lines[METROPOLE].convention is ConventionState.ACTIVE
    assert lines[METROPOLE].convention_end == date(2030, 12, 30)
    assert figures.conventions == Conventions(
        active=2,
        new=1,  # the Métropole's first, signed on the year's last day
        renewed=0,
        ending_next_year=1,  # the Région's, not yet begun
        with_financial_participation=1,  # a participation of 0 is none
        financial_participation_cents=10_000,
    )


def test_a_renewal_is_a_later_convention_whatever_order_they_come_in() -> None:
    conventions = (
        ConventionFact(VILLE, date(2027, 7, 1), date(2030, 6, 30), 30_000),
        ConventionFact(VILLE, date(2024, 7, 1), date(2027, 6, 30), 20_000),
        ConventionFact(METROPOLE, date(2027, 3, 1), date(2028, 2, 29)),
    )
    figures = year_figures(Facts(ORGANISATIONS, (), conventions), 2027, NOW, PARIS)
    lines = {line.id: line for line in figures.buyers}
    assert lines[VILLE].renewed_on == date(2027, 7, 1)
    assert lines[VILLE].financial_participation_cents == 30_000
    assert lines[VILLE].convention_end == date(2030, 6, 30)
    assert lines[METROPOLE].renewed_on is None
    assert lines[METROPOLE].convention is ConventionState.ENDS_NEXT_YEAR
    assert lines[METROPOLE].financial_participation_cents is None
    assert (figures.conventions.new, figures.conventions.renewed) == (1, 1)
    assert figures.conventions.active == 3


def test_a_buyer_with_only_results_is_listed_with_them() -> None:
    result = ResultFact(REGION, 2027, 3, 120.0, 4, 2)
    figures = year_figures(Facts(ORGANISATIONS, (), (), (result,)), 2027, NOW, PARIS)
    (line,) = figures.buyers
    assert (line.name, line.result, line.convention) == (
        "Région Rivages-et-Lisière",
        result,
        ConventionState.NONE,
    )
    assert (line.convention_end, line.renewed_on, line.review_day) == (None, None, None)
    assert figures.results == ResultTotals(1, 3, 120.0, 4, 2)


def test_an_empty_year_counts_zero_everywhere() -> None:
    empty = year_figures(Facts(ORGANISATIONS), 2027, NOW, PARIS)
    assert empty.meetings == Tally(0, 0, 0, 0)
    assert empty.by_month == (Tally(0, 0, 0, 0),) * 12
    assert empty.answers == Answers(0, 0, 0, 0, 0, 0, 0, 0)
    assert empty.conventions == Conventions(0, 0, 0, 0, 0, 0)
    assert empty.results == ResultTotals(0, 0, 0.0, 0, 0)
    assert (empty.by_kind, empty.answers_by_kind, empty.lines) == ({}, {}, ())
    assert empty.answers.acceptance_rate is None
    assert empty.answers.attendance_rate is None


def test_a_meeting_line_says_everything_the_table_shows(figures) -> None:
    assert figures.year == 2027
    assert figures.lines[5] == MeetingLine(
        uid="review-ville",
        kind=RitualKind.PROGRAMMING_REVIEW,
        buyer_id=VILLE,
        buyer="Ville de Lisière",
        start=datetime(2027, 9, 14, 8, 0, tzinfo=UTC),
        status=OccurrenceStatus.HELD,
        outcome=Outcome.HELD,
        invited=3,
        accepted=3,
        declined=0,
        present=3,
    )
    assert figures.lines[2] == MeetingLine(
        uid="after-work-march",
        kind=RitualKind.AFTER_WORK,
        buyer_id=None,
        buyer=None,
        start=datetime(2027, 3, 18, 17, 0, tzinfo=UTC),
        status=OccurrenceStatus.CANCELLED,
        outcome=Outcome.CANCELLED,
        invited=2,
        accepted=1,
        declined=0,
        present=None,
    )


def test_conventions_that_ended_last_year_do_not_end_next_year() -> None:
    conventions = (
        ConventionFact(VILLE, date(2023, 1, 1), date(2026, 12, 31)),
        ConventionFact(METROPOLE, date(2024, 1, 1), date(2026, 6, 30)),
        ConventionFact(REGION, date(2025, 1, 1), date(2028, 3, 31)),
    )
    figures = year_figures(Facts(ORGANISATIONS, (), conventions), 2027, NOW, PARIS)
    assert figures.conventions.ending_next_year == 1
