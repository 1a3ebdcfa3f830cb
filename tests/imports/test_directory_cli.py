"""`rituel import …` and `rituel buyers list` as the operator runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scheduler.cli import main
from tests.conftest import IcsCheck
from tests.imports.conftest import DEMO, csv_file

CONFIG = """
[organisation]
name = "Guichet de test"

[storage]
url = "sqlite:///db.sqlite"

[[facilitators]]
id = "camille"
name = "Camille Roussel"
email = "camille@guichet.example"

[[facilitators]]
id = "nadia"
name = "Nadia Benali"
email = "nadia@guichet.example"
"""


@pytest.fixture
def config(tmp_path: Path) -> str:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def words(text: str) -> str:
    """`text` with every run of white space as one space (the console wraps long lines)."""
    return " ".join(text.split())


def counts(out: str, table: str) -> tuple[int, int, int]:
    """(created, updated, unchanged) of `table` in a printed report."""
    match = re.search(rf"{table}\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*(\d+)", out)
    assert match, out
    return int(match[1]), int(match[2]), int(match[3])


def test_import_buyers_twice_then_nothing_changes(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "import", "buyers", str(DEMO / "buyers.csv"), "--config", config)
    assert status == 0
    assert "12 rows, imported" in out
    assert counts(out, "organisations") == (12, 0, 0)
    assert counts(out, "conventions") == (11, 0, 0)
    assert counts(out, "contacts") == (12, 0, 0)
    assert "→ facilitator" in out
    status, out, _ = run(capsys, "import", "buyers", str(DEMO / "buyers.csv"), "-c", config)
    assert status == 0
    assert counts(out, "organisations") == (0, 0, 12)
    assert counts(out, "contacts") == (0, 0, 12)


def test_dry_run_prints_the_report_and_writes_nothing(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "import", "buyers", str(DEMO / "buyers.csv"), "--dry-run", "--config", config
    )
    assert status == 0
    assert "dry run, nothing written" in out
    assert counts(out, "organisations") == (12, 0, 0)
    _, out, _ = run(capsys, "buyers", "list", "--json", "--config", config)
    assert json.loads(out) == []


def test_the_whole_demo_directory_imports_in_order(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind in ("buyers", "partners", "suppliers", "contacts"):
        status, _, err = run(capsys, "import", kind, str(DEMO / f"{kind}.csv"), "-c", config)
        assert (status, err) == (0, "")
    _, out, _ = run(capsys, "buyers", "list", "--json", "-c", config)
    buyers = json.loads(out)
    assert len(buyers) == 12
    ville = next(b for b in buyers if b["slug"] == "ville-de-lisiere")
    assert ville == {
        "slug": "ville-de-lisiere",
        "name": "Ville de Lisière",
        "kind": "commune",
        "territory": "Métropole de Lisière",
        "facilitator": "camille",
        "programming_month": 10,
        "programming_month_is_default": False,
        "convention_start": "2026-09-15",
        "convention_end": "2029-09-14",
        "contacts": 1,
    }
    assert {b["facilitator"] for b in buyers} == {"camille", "nadia"}


def test_a_bad_file_prints_every_problem_and_exits_2(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "acheteurs.csv"
    bad.write_bytes(
        csv_file(
            "nom;type;email;contact;début convention;fin convention",
            "Ville A;Commune;;;15/03/2027;14/03/2030",
            "Ville B;Martien;b@ville;Bea;;",
            "Ville C;Commune;;;2027-03-15;2026-03-15",
            encoding="cp1252",
        )
    )
    status, out, err = run(capsys, "import", "buyers", str(bad), "-c", config)
    assert status == 2
    assert out == ""
    expected = [
        f"rituel: {bad}: 3 problems; nothing was imported",
        f"  {bad}:3: type: 'Martien' is not a kind of buyer (one of: commune, epci, "
        "departement, region, etat, etablissement_public, bailleur_social, hopital, "
        "acheteur_national, autre)",
        f"  {bad}:3: email: 'b@ville' is not an e-mail address",
        f"  {bad}:4: fin convention: 2026-03-15 is not after début convention 2027-03-15",
    ]
    assert words(err) == words("\n".join(expected))
    _, out, _ = run(capsys, "buyers", "list", "--json", "-c", config)
    assert json.loads(out) == []


def test_a_utf8_file_with_one_windows_1252_line_is_refused_naming_file_and_line(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (DEMO / "buyers.csv").read_text(encoding="utf-8").splitlines()
    mixed = tmp_path / "acheteurs.csv"
    mixed.write_bytes(
        csv_file(*lines[:5]) + csv_file(lines[5], encoding="cp1252") + csv_file(*lines[6:])
    )
    status, out, err = run(capsys, "import", "buyers", str(mixed), "-c", config)
    assert (status, out) == (2, "")
    assert f"{mixed}:6: " in err
    assert "though line 1 is: the file mixes two encodings" in words(err)
    _, out, _ = run(capsys, "buyers", "list", "--json", "-c", config)
    assert json.loads(out) == []


def test_excel_unicode_text_imports_like_csv(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (DEMO / "buyers.csv").read_text(encoding="utf-8").replace(";", "\t")
    unicode_text = tmp_path / "acheteurs.txt"
    unicode_text.write_bytes(text.encode("utf-16"))
    status, out, err = run(capsys, "import", "buyers", str(unicode_text), "-c", config)
    assert (status, err) == (0, "")
    assert counts(out, "organisations") == (12, 0, 0)
    _, out, _ = run(capsys, "buyers", "list", "--json", "-c", config)
    assert "Département de la Haute-Lisière" in {b["name"] for b in json.loads(out)}


def test_control_characters_in_names_never_reach_a_calendar(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], ics_check: IcsCheck
) -> None:
    buyers = tmp_path / "acheteurs.csv"
    buyers.write_bytes(
        csv_file(
            "nom;type;contact;email;début convention;fin convention;mois programmation",
            "Ville\x1b[2J de Lisière, Nord\x07;Commune;Zoé\x1b Dupont;zoe@ville.example;"
            "01/01/2026;31/12/2029;mars",
        )
    )
    status, _, err = run(capsys, "import", "buyers", str(buyers), "-c", config)
    assert (status, err) == (0, "")
    _, out, _ = run(capsys, "buyers", "list", "--json", "-c", config)
    assert [b["name"] for b in json.loads(out)] == ["Ville[2J de Lisière, Nord"]
    status, _, err = run(capsys, "feeds", "links", "--kind", "buyer", "-c", config)
    assert (status, err) == (0, "")
    status, _, _ = run(capsys, "plan", "-c", config, "--now", "2026-11-25T09:00")
    assert status == 0
    (feed,) = (Path(config).parent / "calendars" / "private").glob("*.ics")
    ics_check(feed)
    content = feed.read_bytes()
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", content.replace(b"\r\n", b""))
    (calname,) = [
        line for line in content.decode().split("\r\n") if line.startswith("X-WR-CALNAME:")
    ]
    assert "Ville[2J de Lisière\\, Nord" in calname


def test_contacts_naming_an_unknown_organisation_exit_2(
    config: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = tmp_path / "contacts.csv"
    people.write_bytes(
        csv_file("Name,Email,Organisation", "Ann,ann@x.example,Nowhere", delimiter=",")
    )
    status, _, err = run(capsys, "import", "contacts", str(people), "-c", config)
    assert status == 2
    assert words(f"{people}:2: Organisation: 'Nowhere' is not a known organisation") in words(err)


def test_a_missing_file_is_an_input_error(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "import", "partners", "nowhere.csv", "-c", config)
    assert status == 2
    assert err.strip() == "rituel: nowhere.csv: no such file"


def test_buyers_list_prints_a_table(config: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", "buyers", str(DEMO / "buyers.csv"), "-c", config)
    status, out, err = run(capsys, "buyers", "list", "-c", config)
    assert status == 0
    assert "12 buyers" in err  # not a terminal: the rows alone on stdout
    assert "ville-de-lisiere" in out
