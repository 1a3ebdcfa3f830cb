"""What every command does with a configuration it must not run with: one line, exit 2, and
nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from scheduler.cli import main
from scheduler.config import load_settings
from scheduler.core.kinds import OccurrenceStatus
from scheduler.store.db import open_database, read_session
from scheduler.store.models import Occurrence
from tests.factories import add_buyer, write_config

NOW = "2026-11-25T09:00"


@pytest.mark.parametrize("command", [["plan"], ["run", "--once", "--no-web"], ["check"]])
def test_an_empty_configuration_is_refused_by_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    status = main([*command, "--config", str(config), "--now", NOW])
    _, err = capsys.readouterr()
    assert status == 2
    assert err.splitlines() == [
        f"rituel: {config}: the configuration is empty; it needs at least [organisation] and "
        "one [[facilitators]]"
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["config.toml"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", "[planning] horizon_months: true is not a whole number"),
        ('"18"', '[planning] horizon_months: "18" is not a whole number (write it without quotes)'),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_before_anything_is_planned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, expected: str
) -> None:
    config = write_config(tmp_path, f"\n[planning]\nhorizon_months = {value}\n")
    status = main(["plan", "--config", str(config), "--now", NOW])
    _, err = capsys.readouterr()
    assert status == 2
    assert err.splitlines() == [f"rituel: {config}: {expected}"]


def test_a_ritual_outside_working_hours_is_refused_before_anything_is_planned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, '\n[rituals.buyer_club]\ntime = "18:00"\n')
    status = main(["plan", "--config", str(config), "--now", NOW])
    _, err = capsys.readouterr()
    assert status == 2
    assert err.splitlines() == [
        f"rituel: {config}: [rituals.buyer_club] time: 18:00 to 20:00 is outside [organisation] "
        "working_hours (09:00 to 18:30); choose a time inside them, or set after_hours = true "
        "for a meeting held out of hours"
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["config.toml"]


def planned(config: Path) -> int:
    engine = open_database(load_settings(config).database_url)
    with read_session(engine) as session:
        count = session.execute(
            select(func.count())
            .select_from(Occurrence)
            .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
        ).scalar_one()
    engine.dispose()
    return int(count)


def test_a_plan_that_cancels_most_meetings_asks_for_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path)
    engine = open_database(load_settings(config).database_url)
    add_buyer(engine, "ville-a", programming_month=3)
    add_buyer(engine, "metropole-b", facilitator="nadia", programming_month=10)
    engine.dispose()
    assert main(["plan", "--config", str(config), "--now", NOW]) == 0
    before = planned(config)
    config = write_config(tmp_path, "\n[planning]\nhorizon_months = 1\n")
    capsys.readouterr()

    status = main(["plan", "--config", str(config), "--now", NOW])
    out, err = capsys.readouterr()
    assert status == 1
    assert "(refused, nothing written)" in out
    (line,) = err.strip().splitlines()
    assert line.startswith("rituel: plan refused, nothing written: it would cancel ")
    assert f"of the {before} planned meetings at once (more than half)" in line
    assert "rituel plan --force" in line
    assert planned(config) == before

    status = main(["plan", "--dry-run", "--config", str(config), "--now", NOW])
    _, err = capsys.readouterr()
    assert status == 0
    assert "plan would be refused" in err

    status = main(["plan", "--force", "--config", str(config), "--now", NOW])
    capsys.readouterr()
    assert status == 0
    assert planned(config) < before / 2
