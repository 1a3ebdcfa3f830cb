"""The agenda table is French: statuses and counts in French words, never a code (issue 9,
item 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.core.kinds import OccurrenceStatus
from tests.cli.test_planning_cli import NOW, config, run  # noqa: F401 (the fixture)


def test_the_agenda_table_says_statuses_and_counts_in_french(
    config: Path,  # noqa: F811 (the fixture imported above)
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "plan", "--config", str(config), "--now", NOW)
    _, out, _ = run(
        capsys,
        *("agenda", "--kind", "steering_committee", "--config", str(config), "--now", NOW),
    )
    assert "prévue" in out
    assert "planned" not in out
    assert out.rstrip().endswith("1 rencontre")
    assert "meetings" not in out


def test_every_status_has_a_french_word() -> None:
    assert [status.label() for status in OccurrenceStatus] == [
        "prévue",
        "annoncée",
        "déplacée",
        "tenue",
        "annulée",
    ]
    assert OccurrenceStatus.CANCELLED.label("en") == "cancelled"
