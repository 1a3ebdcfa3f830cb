"""`rituel plan`, `agenda` and `check` as the operator runs them."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from scheduler.cli import main
from scheduler.config import load_settings
from scheduler.store.db import open_database
from tests.factories import add_buyer, write_config

NOW = "2026-11-25T09:00"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = write_config(tmp_path)
    engine = open_database(load_settings(path).database_url)
    add_buyer(engine, "ville-a", programming_month=11)
    add_buyer(engine, "metropole-b", facilitator="nadia", programming_month=3)
    engine.dispose()
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_plan_twice_second_run_writes_nothing(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "plan", "--config", str(config), "--now", NOW)
    assert status == 0
    assert "programming_review" in out
    assert "created" in out
    status, out, _ = run(capsys, "plan", "--config", str(config), "--now", NOW)
    assert status == 0
    assert "Nothing to change." in out
    assert "0 written" in out


def test_plan_writes_the_public_feed(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "plan", "--config", str(config), "--now", NOW)
    assert status == 0
    feed = (config.parent / "calendars" / "territoire.ics").read_text(encoding="utf-8")
    assert feed.count("BEGIN:VEVENT") >= 1
    assert "Feeds in" in out


def test_plan_dry_run_leaves_the_agenda_empty(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "plan", "--dry-run", "--config", str(config), "--now", NOW)
    assert status == 0
    assert "dry run" in out
    _, out, _ = run(capsys, "agenda", "--json", "--config", str(config), "--now", NOW)
    assert json.loads(out) == []


def test_agenda_json_lists_meetings_with_offsets_and_null_buyer_for_territory(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "plan", "--config", str(config), "--now", NOW)
    status, out, _ = run(capsys, "agenda", "--json", "--config", str(config), "--now", NOW)
    assert status == 0
    entries = json.loads(out)
    assert entries
    for entry in entries:
        assert {"uid", "kind", "buyer", "title", "start", "end", "status"} <= entry.keys()
        start = datetime.fromisoformat(entry["start"])
        assert start.utcoffset() is not None
        assert datetime.fromisoformat(entry["end"]) > start
    territory = [e for e in entries if e["kind"] == "after_work"]
    assert territory
    assert all(e["buyer"] is None for e in territory)
    assert {e["buyer"] for e in entries if e["kind"] == "programming_review"} == {
        "ville-a",
        "metropole-b",
    }
    assert entries == sorted(entries, key=lambda e: e["start"])


def test_agenda_filters_by_buyer_kind_and_dates(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "plan", "--config", str(config), "--now", NOW)
    _, out, _ = run(
        capsys,
        *("agenda", "--json", "--buyer", "ville-a", "--config", str(config), "--now", NOW),
    )
    assert {e["buyer"] for e in json.loads(out)} == {"ville-a"}
    _, out, _ = run(
        capsys,
        *("agenda", "--json", "--kind", "after_work", "--from", "2027-01-01"),
        *("--to", "2027-06-30", "--config", str(config), "--now", NOW),
    )
    entries = json.loads(out)
    assert entries
    assert {e["kind"] for e in entries} == {"after_work"}
    assert all(
        date(2027, 1, 1) <= datetime.fromisoformat(e["start"]).date() <= date(2027, 6, 30)
        for e in entries
    )


def test_agenda_table_writes_dates_the_french_way(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "plan", "--config", str(config), "--now", NOW)
    _, out, _ = run(
        capsys,
        *("agenda", "--kind", "steering_committee", "--config", str(config), "--now", NOW),
    )
    assert "juin 2027" in out
    assert "14 h 00" in out


def test_unknown_buyer_is_one_line_and_a_nonzero_status(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "agenda", "--buyer", "nobody", "--config", str(config))
    assert status == 3
    assert err.strip() == "rituel: no buyer with the slug 'nobody' (see `rituel buyers list`)"


def test_bad_config_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(tmp_path, '\n[rituals.after_work]\ntime = "25:00"\n')
    status, _, err = run(capsys, "plan", "--config", str(path), "--now", NOW)
    assert status == 2
    assert "[rituals.after_work] time: '25:00' is not a time of day" in err
    assert "Traceback" not in err
    assert not (tmp_path / "rituel.db").exists()


def test_bad_now_is_refused(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "plan", "--config", str(config), "--now", "tomorrow")
    assert status == 2
    assert "--now: 'tomorrow' is not an ISO 8601 date or time" in err


def test_check_reports_a_sane_database(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "plan", "--config", str(config), "--now", NOW)
    status, out, _ = run(capsys, "check", "--config", str(config), "--now", NOW)
    assert status == 0
    assert "2 buyers" in out
    assert "upcoming meetings" in out


def test_config_comes_from_the_environment(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RITUEL_CONFIG", str(config))
    status, out, _ = run(capsys, "check", "--now", NOW)
    assert status == 0
    assert "2 buyers" in out


REPO = Path(__file__).resolve().parents[2]


def words(text: str) -> str:
    """`text` with the table borders gone and every run of white space as one space."""
    return " ".join(text.replace("│", " ").split())


def test_the_demo_gives_every_active_buyer_its_review_or_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo imported on 2 December 2026: the Syndicat des eaux (programming month January,
    convention until October 2027) had its review window open since 6 November; its stable
    day was over, and it got no review in 18 months while nothing said so."""
    config = tmp_path / "config.toml"
    shutil.copy(REPO / "config.toml", config)
    now = "2026-12-02T09:00"
    for kind in ("partners", "suppliers", "buyers", "contacts"):
        status, _, err = run(
            capsys, "import", kind, str(REPO / "demo" / f"{kind}.csv"), "-c", str(config)
        )
        assert (status, err) == (0, "")
    status, out, _ = run(capsys, "plan", "-c", str(config), "--now", now)
    assert status == 0
    _, agenda, _ = run(
        capsys,
        *("agenda", "--json", "--kind", "programming_review", "-c", str(config), "--now", now),
        *("--buyer", "syndicat-des-eaux-de-la-lisiere"),
    )
    (review,) = json.loads(agenda)
    assert date(2026, 12, 3) <= datetime.fromisoformat(review["start"]).date() <= date(2026, 12, 11)
    assert (
        "2 active buyers without a programming review until 2028-06-02: "
        "departement-de-la-haute-lisiere: its convention ends on 2027-02-28, before its next "
        "window opens (2027-09-06) "
        "office-national-des-achats-responsables: its convention ends on 2027-06-30, before its "
        "next window opens (2027-07-07)"
    ) in words(out)
    _, out, _ = run(capsys, "check", "-c", str(config), "--now", now)
    assert (
        "programming reviews warning 2 active buyers without one until 2028-06-02: "
        "departement-de-la-haute-lisiere: its convention ends on 2027-02-28"
    ) in words(out)
    assert "office-national-des-achats-responsables: its convention ends on 2027-06-30" in words(
        out
    )
