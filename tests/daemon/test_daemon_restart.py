"""A restart with nothing changed does not redo the plan nor the export; a change to the
directory, the configuration or the day does."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scheduler.clock import fixed_clock
from scheduler.config import load_settings
from scheduler.daemon import Daemon
from scheduler.service.access.signing import SECRET_ENV
from scheduler.store.db import open_database
from tests.factories import add_buyer, write_config
from tests.world import at

NOW = at("2026-11-25 10:00")


@pytest.fixture(autouse=True)
def _no_secret_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)


async def start_and_stop(config: Path, now: object = NOW) -> Daemon:
    """Run the daemon until its start-up work is done, then stop it."""
    daemon = Daemon(config, clock=fixed_clock(now), serve_web=False)  # type: ignore[arg-type]
    task = asyncio.create_task(daemon.run_forever())
    for _ in range(1200):
        await asyncio.sleep(0.05)
        if settled(daemon):
            break
    else:
        raise AssertionError("the daemon never settled")
    daemon.stop()
    await asyncio.wait_for(task, 30)
    daemon.engine.dispose()
    return daemon


def settled(daemon: Daemon) -> bool:
    """The start-up plan and export have run, and nothing is running."""
    if daemon.scheduler is None or daemon._running:
        return False
    later = datetime.now(UTC) + timedelta(seconds=60)
    jobs = [daemon.scheduler.get_job(name) for name in ("plan", "export")]
    return all(job is not None and job.next_run_time > later for job in jobs)


def said(caplog: pytest.LogCaptureFixture, words: str) -> bool:
    return any(words in record.getMessage() for record in caplog.records)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = write_config(tmp_path)
    engine = open_database(load_settings(path).database_url)
    add_buyer(engine, "ville-a", programming_month=3)
    engine.dispose()
    return path


async def test_a_restart_with_nothing_changed_redoes_neither_plan_nor_export(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await start_and_stop(config)
    assert said(caplog, "plan 2026-11-25")
    feeds = sorted((config.parent / "calendars").rglob("*.ics"))
    assert feeds
    written = {path: path.stat().st_mtime_ns for path in feeds}
    caplog.clear()
    await start_and_stop(config)
    assert said(caplog, "nothing changed since the last plan and export")
    assert not said(caplog, "plan 2026-11-25")
    assert {path: path.stat().st_mtime_ns for path in feeds} == written


async def test_what_the_first_start_announced_is_not_planned_again_at_restart(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The first start invites a review that falls due (its meeting announced: an input of
    the plan); a restart right after finds the plan already up to date."""
    path = write_config(tmp_path)
    engine = open_database(load_settings(path).database_url)
    add_buyer(engine, "ville-a", programming_month=1, contact_email="achats@ville-a.example")
    engine.dispose()
    caplog.set_level(logging.INFO)
    await start_and_stop(path)
    assert any("mail: enqueued" in r.getMessage() and "enqueued 0 " not in r.getMessage()
               for r in caplog.records), "the first start invited someone"  # fmt: skip
    caplog.clear()
    await start_and_stop(path)
    assert said(caplog, "nothing changed since the last plan")
    assert not said(caplog, "plan 2026-11-25")


async def test_a_new_buyer_or_a_new_day_is_planned_at_restart(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await start_and_stop(config)
    engine = open_database(load_settings(config).database_url)
    add_buyer(engine, "metropole-b", programming_month=10)
    engine.dispose()
    caplog.clear()
    await start_and_stop(config)
    assert said(caplog, "plan 2026-11-25")
    caplog.clear()
    await start_and_stop(config, NOW + timedelta(days=1))
    assert said(caplog, "plan 2026-11-26")


async def test_a_changed_configuration_is_planned_at_restart(
    config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await start_and_stop(config)
    config.write_text(
        config.read_text(encoding="utf-8") + "\n[planning]\nhorizon_months = 12\n",
        encoding="utf-8",
    )
    caplog.clear()
    await start_and_stop(config)
    assert said(caplog, "plan 2026-11-25")
