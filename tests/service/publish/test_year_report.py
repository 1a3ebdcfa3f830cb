"""The year report's figures from a real database (SQLite, and PostgreSQL where one runs): the
read model gives the core what is stored, and every figure matches a hand count of
tests/year_world.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from scheduler.core.figures import Answers, ConventionState, ResultTotals, Tally
from scheduler.core.kinds import OrganisationRole, RitualKind
from scheduler.service.publish.report import year_report
from tests.service.conftest import Store
from tests.year_world import NOW, build_year


@pytest.fixture
def report(store: Store, tmp_path: Path):
    settings, engine = store()
    build_year(settings, engine, tmp_path)
    return year_report(settings, engine, 2027, NOW)


def test_meetings_of_the_year(report) -> None:
    assert report.current.meetings == Tally(held=2, cancelled=1, to_come=1)
    assert report.current.by_kind[RitualKind.AFTER_WORK] == Tally(cancelled=1, to_come=1)
    assert report.current.by_month[2] == Tally(held=1, cancelled=1)  # March
    assert report.previous.meetings == Tally()


def test_answers_and_attendance(report) -> None:
    assert report.current.answers == Answers(
        invited=7, answered=5, accepted=4, declined=1, invited_to_held=6, present=4
    )
    assert report.current.answers.attendance_rate == pytest.approx(4 / 6)


def test_who_took_part(report) -> None:
    assert report.current.taking_part == {
        OrganisationRole.BUYER: ("Métropole de Lisière", "Ville de Lisière"),
        OrganisationRole.SUPPLIER: (),
        OrganisationRole.PARTNER: (),
    }


def test_each_buyer_and_the_conventions(report) -> None:
    buyers = {line.name: line for line in report.current.buyers}
    assert list(buyers) == ["Hôpital discret", "Métropole de Lisière", "Ville de Lisière"]
    ville = buyers["Ville de Lisière"]
    assert (ville.review_day, ville.review_held) == (date(2027, 9, 14), True)
    assert (ville.meetings_attended, ville.people_present) == (2, 2)
    assert ville.renewed_on == date(2027, 1, 1)
    assert buyers["Métropole de Lisière"].convention is ConventionState.ENDS_NEXT_YEAR
    assert buyers["Hôpital discret"].meetings_attended == 0
    conventions = report.current.conventions
    assert (conventions.active, conventions.new, conventions.renewed) == (3, 0, 1)
    assert conventions.financial_participation_cents == 15_000_000


def test_imported_results_beside_the_figures(report) -> None:
    assert report.current.results == ResultTotals(1, 12, 4520.5, 37, 9)
    assert report.previous.results == ResultTotals(1, 10, 3000.0, 25, 7)


def test_titles_are_the_configured_french_ones(report) -> None:
    assert report.title(RitualKind.BUYER_CLUB) == "Club des acheteurs socialement responsables"
