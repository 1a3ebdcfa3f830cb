"""SIGHUP's reload, called as the signal handler calls it: a configuration that would do harm is
never applied; the running one is kept and the reason logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler.clock import fixed_clock
from scheduler.daemon import Daemon
from tests.factories import add_buyer, write_config

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Daemon]:
    running = Daemon(write_config(tmp_path), clock=fixed_clock(NOW), serve_web=False)
    add_buyer(running.engine, "ville-a", programming_month=3)
    yield running
    running.engine.dispose()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the configuration is empty"),
        ('[[facilitators]]\nid = "a"\nname = "A"\nemail = "a@g.example"\n', "no [organisation]"),
        ('[organisation]\nname = "Guichet"\n', "no [[facilitators]]"),
    ],
)
def test_reload_keeps_the_running_configuration_instead_of_an_incomplete_one(
    daemon: Daemon, caplog: pytest.LogCaptureFixture, text: str, reason: str
) -> None:
    running = daemon.settings
    daemon.config_path.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="rituel"):
        daemon.reload()
    assert daemon.settings is running
    assert "reload refused, keeping the running configuration" in caplog.text
    assert reason in caplog.text
    assert "configuration reloaded" not in caplog.text
