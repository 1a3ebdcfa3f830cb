"""`rituel buyers list` piped to a file or another program: plain rows, every column there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scheduler.cli import main
from tests.factories import write_config

DEMO = Path(__file__).resolve().parents[2] / "demo"
COLUMNS = ["name", "kind", "facilitator", "month", "slug", "convention", "contacts"]


@pytest.fixture
def config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(write_config(tmp_path))
    assert main(["import", "buyers", str(DEMO / "buyers.csv"), "--config", path]) == 0
    capsys.readouterr()
    return path


def test_piped_output_is_one_tab_separated_row_per_buyer_with_every_column(
    config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["buyers", "list", "--config", config]) == 0
    out = capsys.readouterr().out  # captured: not a terminal, as in `rituel buyers list | …`
    header, *lines = out.splitlines()
    assert header.split("\t") == COLUMNS
    rows = [dict(zip(COLUMNS, line.split("\t"), strict=True)) for line in lines]

    assert main(["buyers", "list", "--json", "--config", config]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert len(rows) == len(expected) > 5
    for row, buyer in zip(rows, expected, strict=True):
        assert row["name"] == buyer["name"]
        assert row["slug"] == buyer["slug"]
        assert row["kind"] == buyer["kind"]
        assert row["month"].rstrip("*") == str(buyer["programming_month"])
        assert row["contacts"] == str(buyer["contacts"])
        assert all(row.values())
