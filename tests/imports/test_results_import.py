"""`rituel import results FILE`: the monitoring tool's figures per buyer and year, read with the
directory's rules (`;` or `,`, UTF-8 with or without BOM or Windows-1252, French headers), and a
file with any problem refused whole with every problem at its line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.cli import main
from scheduler.core.kinds import OrganisationRole
from scheduler.errors import InputError
from scheduler.imports.results import ResultRow, parse_count, parse_hours, parse_results
from scheduler.service.directory.results import import_results
from scheduler.store.db import session_scope
from scheduler.store.models import Convention, Organisation, YearResult
from tests.imports.conftest import DEMO, csv_file
from tests.imports.test_directory_cli import CONFIG, counts, run

NOW = datetime(2028, 1, 10, 9, 0, tzinfo=UTC)
HEADER = "Acheteur;Année;Marchés avec clause sociale;Heures d'insertion;Participants;Entreprises"


def add(engine: Engine, slug: str, name: str, role: OrganisationRole = OrganisationRole.BUYER):
    with session_scope(engine) as session:
        org = Organisation(slug=slug, name=name, role=role, kind="autre")
        session.add(org)
        session.flush()
        session.add(
            Convention(
                organisation_id=org.id, start_date=date(2026, 1, 1), end_date=date(2028, 12, 31)
            )
        )


def stored(engine: Engine) -> list[tuple[int, int, float, int, int]]:
    with Session(engine) as session:
        rows = session.exec(select(YearResult).order_by(YearResult.year)).all()
        return [(r.year, r.contracts, r.insertion_hours, r.participants, r.companies) for r in rows]


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("cp1252", ";"), ("utf-8-sig", ";"), ("utf-8", ",")]
)
def test_a_file_as_excel_saves_it(encoding: str, delimiter: str) -> None:
    data = csv_file(
        HEADER,
        'Ville de Lisière;2027;12;"4 520,5";37;9',
        "ville-de-lisiere;2026;1\u00a0034;3000;25;7",
        delimiter=delimiter,
        encoding="utf-8" if encoding == "utf-8-sig" else encoding,
    )
    if encoding == "utf-8-sig":
        data = b"\xef\xbb\xbf" + data
    parsed = parse_results(data)
    assert parsed.problems == ()
    assert parsed.rows == (
        ResultRow(2, "Ville de Lisière", 2027, 12, 4520.5, 37, 9),
        ResultRow(3, "ville-de-lisiere", 2026, 1034, 3000.0, 25, 7),
    )


def test_every_problem_is_named_with_its_line_and_column() -> None:
    parsed = parse_results(
        csv_file(
            HEADER,
            "Ville de Lisière;27;douze;4 520,5;37;9",
            "Ville de Lisière;2027;12;-3;37;9,5",
            ";2027;1;1;1;1",
            "Ville de Lisière;2028;1;1;1;1",
            "ville de lisière;2028;2;2;2;2",
        )
    )
    assert [p.describe("r.csv") for p in parsed.problems] == [
        "r.csv:2: Année: '27' is not a year (such as 2027)",
        "r.csv:2: Marchés avec clause sociale: 'douze' is not a whole number (such as 12 or 1 234)",
        "r.csv:3: Heures d'insertion: '-3' is not a number of hours (such as 4 520 or 4 520,5)",
        "r.csv:3: Entreprises: '9,5' is not a whole number (such as 12 or 1 234)",
        "r.csv:4: Acheteur: missing value",
        "r.csv:6: Acheteur: 'ville de lisière 2028' is already on line 5",
    ]


def test_a_missing_column_is_a_problem_of_the_header_line() -> None:
    parsed = parse_results(csv_file("Acheteur;Année;Heures", "Ville;2027;3"))
    missing = {p.column for p in parsed.problems if p.line == 1}
    assert missing == {"contracts", "participants", "companies"}


def test_numbers_as_french_spreadsheets_write_them() -> None:
    assert parse_count("1 234") == parse_count("1\u00a0234") == parse_count("1234") == 1234
    assert parse_hours("4\u202f520,5") == parse_hours("4520.5") == 4520.5
    with pytest.raises(ValueError, match="not a whole number"):
        parse_count("12,5")


@given(st.integers(0, 10**9), st.sampled_from(["fr_FR", "de_DE", None]))
def test_a_count_reads_back_whatever_groups_its_digits(count: int, locale: str | None) -> None:
    """French (narrow no-break space) or German (dot) grouping, or none; never the comma, which
    is the French decimal mark."""
    written = str(count) if locale is None else format_decimal(count, locale=locale)
    assert parse_count(written) == count


@given(st.integers(0, 10**7), st.integers(0, 9))
def test_hours_read_back_as_french_excel_writes_them(whole: int, tenth: int) -> None:
    written = format_decimal(whole + tenth / 10, format="#,##0.#", locale="fr_FR")
    assert parse_hours(written) == pytest.approx(whole + tenth / 10)


def test_an_import_stores_each_buyers_year_and_mends_it_on_a_second_import(
    engine: Engine,
) -> None:
    add(engine, "ville-de-lisiere", "Ville de Lisière")
    first = import_results(
        engine, csv_file(HEADER, "Ville de Lisière;2027;12;4 520,5;37;9"), file="r.csv", now=NOW
    )
    assert first.counts["results"].created == 1
    assert stored(engine) == [(2027, 12, 4520.5, 37, 9)]
    again = import_results(
        engine, csv_file(HEADER, "Ville de Lisière;2027;12;4 520,5;37;9"), file="r.csv", now=NOW
    )
    assert not again.changed
    corrected = import_results(
        engine, csv_file(HEADER, "ville-de-lisiere;2027;13;4 600;37;9"), file="r.csv", now=NOW
    )
    assert corrected.counts["results"].updated == 1
    assert stored(engine) == [(2027, 13, 4600.0, 37, 9)]


def test_a_file_naming_an_unknown_buyer_or_a_supplier_is_refused_whole(engine: Engine) -> None:
    add(engine, "ville-de-lisiere", "Ville de Lisière")
    add(engine, "atelier-horizon", "Atelier Horizon", OrganisationRole.SUPPLIER)
    data = csv_file(
        HEADER,
        "Ville de Lisière;2027;12;4 520;37;9",
        "Ville de Nulle-Part;2027;1;1;1;1",
        "Atelier Horizon;2027;1;1;1;1",
    )
    with pytest.raises(InputError) as refused:
        import_results(engine, data, file="r.csv", now=NOW)
    assert str(refused.value) == "r.csv: 2 problems; nothing was imported"
    assert refused.value.problems == [
        "r.csv:3: Acheteur: 'Ville de Nulle-Part' is not a known buyer (import the buyers first)",
        "r.csv:4: Acheteur: 'Atelier Horizon' is not a buyer but a supplier",
    ]
    assert stored(engine) == []


def test_a_dry_run_writes_nothing(engine: Engine) -> None:
    add(engine, "ville-de-lisiere", "Ville de Lisière")
    report = import_results(
        engine, csv_file(HEADER, "Ville de Lisière;2027;1;1;1;1"), file="r", now=NOW, dry_run=True
    )
    assert report.counts["results"].created == 1
    assert stored(engine) == []


def test_the_command_imports_the_demo_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    assert main(["import", "buyers", str(DEMO / "buyers.csv"), "--config", str(config)]) == 0
    capsys.readouterr()
    status, out, _ = run(capsys, "import", "results", str(DEMO / "results.csv"), "-c", str(config))
    assert status == 0
    assert counts(out, "results") == (13, 0, 0)


def test_the_command_lists_every_problem_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    bad = tmp_path / "resultats.csv"
    bad.write_bytes(csv_file(HEADER, "Inconnue;2027;1;1;1;1"))
    status, _, err = run(capsys, "import", "results", str(bad), "-c", str(config))
    assert status == 2
    assert f"{bad}:2: Acheteur: 'Inconnue' is not a known buyer" in err
