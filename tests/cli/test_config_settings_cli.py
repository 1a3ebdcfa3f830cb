"""`rituel config show` and `rituel config export`: the rituals and the team as the next plan
reads them, where each value comes from, and a TOML another installation reads back the same."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scheduler.cli import main
from scheduler.config import load_settings
from scheduler.config.overlay import ritual_table
from scheduler.core.kinds import RitualKind
from scheduler.service.plan.effective import effective
from scheduler.service.plan.settings_change import SettingsChange, apply_change, preview_change
from scheduler.store.db import open_database
from tests.factories import BASE_CONFIG, write_config

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_show_says_where_each_value_comes_from_and_export_moves_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, '\n[rituals.after_work]\nthemes = ["Le sourcing"]\n')
    settings = load_settings(config)
    engine = open_database(settings.database_url)
    table = ritual_table(settings.rituals[RitualKind.BUYER_CLUB])
    change = SettingsChange(rituals={RitualKind.BUYER_CLUB: {**table, "months": [4, 10]}})
    preview = preview_change(settings, engine, NOW, change)
    assert apply_change(
        settings, engine, NOW, change, digest=preview.digest, actor="camille@guichet.example"
    ).done

    assert main(["config", "show", "--config", str(config)]) == 0
    shown = capsys.readouterr().out.splitlines()
    club = shown[shown.index("[rituals.buyer_club]") :]
    assert "months = [4, 10]  # workspace, 2026-11-25 09:00 UTC by camille@guichet.example" in club
    assert 'cadence = "semiannual"  # default' in club
    assert 'themes = ["Le sourcing"]  # config.toml' in shown

    exported = tmp_path / "settings.toml"
    assert main(["config", "export", "--config", str(config), "-o", str(exported)]) == 0
    other = tmp_path / "other"
    other.mkdir()
    base = BASE_CONFIG.split("[[facilitators]]")[0].replace("{url}", "sqlite:///rituel.db")
    tail = "[feeds]" + BASE_CONFIG.split("[feeds]")[1]
    (other / "config.toml").write_text(
        base + exported.read_text(encoding="utf-8") + "\n" + tail, encoding="utf-8"
    )
    moved = load_settings(other / "config.toml")
    source = effective(settings, engine)
    assert moved.rituals == source.rituals
    assert moved.facilitators == source.facilitators
    assert moved.rituals[RitualKind.BUYER_CLUB].months == [4, 10]
    engine.dispose()
