"""What every command does with a configuration it must not run with: one line, exit 2, and
nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.cli import main

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
