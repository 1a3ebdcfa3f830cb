"""SIGHUP's reload, called as the signal handler calls it: a configuration that would do harm is
never applied; the running one is kept and the reason logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from scheduler.clock import fixed_clock
from scheduler.core.kinds import OccurrenceStatus
from scheduler.daemon import Daemon
from scheduler.daemon.cycle import plan_step
from scheduler.service.plan.planning import plan_and_store
from scheduler.store.db import read_session
from scheduler.store.models import Occurrence
from tests.factories import BASE_CONFIG, add_buyer, write_config

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[Daemon]:
    running = Daemon(write_config(tmp_path), clock=fixed_clock(NOW), serve_web=False)
    add_buyer(running.engine, "ville-a", programming_month=3)
    add_buyer(running.engine, "metropole-b", facilitator="nadia", programming_month=10)
    assert plan_and_store(running.settings, running.engine, NOW).writes > 10
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
async def test_reload_keeps_the_running_configuration_instead_of_an_incomplete_one(
    daemon: Daemon, caplog: pytest.LogCaptureFixture, text: str, reason: str
) -> None:
    running = daemon.settings
    daemon.config_path.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="rituel"):
        assert await daemon.reload_config() is False
    assert daemon.settings is running
    assert "reload refused, keeping the running configuration" in caplog.text
    assert reason in caplog.text
    assert "configuration reloaded" not in caplog.text


def planned(daemon: Daemon) -> int:
    with read_session(daemon.engine) as session:
        return session.execute(
            select(func.count())
            .select_from(Occurrence)
            .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
        ).scalar_one()


async def test_reload_refuses_a_configuration_that_would_cancel_most_meetings(
    daemon: Daemon, caplog: pytest.LogCaptureFixture
) -> None:
    running, before = daemon.settings, planned(daemon)
    shorter = (
        BASE_CONFIG.replace("{url}", "sqlite:///rituel.db") + "[planning]\nhorizon_months = 1\n"
    )
    daemon.config_path.write_text(shorter, encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="rituel"):
        assert await daemon.reload_config() is False
    assert daemon.settings is running
    assert planned(daemon) == before
    assert "reload refused, keeping the running configuration: planning with" in caplog.text
    assert "planned meetings at once (more than half)" in caplog.text


async def test_reload_applies_a_configuration_that_changes_little(
    daemon: Daemon, caplog: pytest.LogCaptureFixture
) -> None:
    text = daemon.config_path.read_text(encoding="utf-8")
    daemon.config_path.write_text(text.replace("Guichet de test", "Guichet"), encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="rituel"):
        assert await daemon.reload_config() is True
    assert daemon.settings.organisation.name == "Guichet"
    assert "configuration reloaded" in caplog.text


async def test_the_daemons_plan_step_refuses_to_cancel_most_meetings_and_says_why(
    daemon: Daemon, caplog: pytest.LogCaptureFixture
) -> None:
    before = planned(daemon)
    shorter = daemon.settings.model_copy(
        update={"planning": daemon.settings.planning.model_copy(update={"horizon_months": 1})}
    )
    with caplog.at_level(logging.INFO, logger="rituel"):
        report = await plan_step(shorter, daemon.engine, NOW)
    assert report.refused is not None
    assert planned(daemon) == before
    assert "plan refused, nothing written: it would cancel" in caplog.text
