"""Advisory locks: one instance plans at a time on PostgreSQL; on SQLite nothing to take."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.service.plan.planning import plan_and_store
from scheduler.store.db import session_scope
from scheduler.store.locks import LockKey, try_transaction_lock
from scheduler.store.models import Occurrence
from tests.databases import database_url
from tests.factories import add_buyer, settings_in

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    for url in database_url(request.param, tmp_path):
        settings, engine = settings_in(tmp_path, url=url)
        add_buyer(engine, "ville-a")
        try:
            yield settings, engine
        finally:
            engine.dispose()


def occurrences(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.execute(select(func.count()).select_from(Occurrence)).scalar_one())


@contextmanager
def another_instance_planning(engine: Engine) -> Iterator[None]:
    """Another instance holds the planning lock (on PostgreSQL; SQLite has none to hold)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as other, other.begin():
        assert try_transaction_lock(other, LockKey.PLANNING)
        yield


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_a_lock_is_held_until_the_transaction_ends(store: tuple[Settings, Engine]) -> None:
    _, engine = store
    with engine.connect() as holder, engine.connect() as other:
        with holder.begin():
            assert try_transaction_lock(holder, LockKey.PLANNING)
            with other.begin():
                assert not try_transaction_lock(other, LockKey.PLANNING)
                assert try_transaction_lock(other, LockKey.MIGRATION)
        with other.begin():
            assert try_transaction_lock(other, LockKey.PLANNING)


@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_an_instance_skips_planning_while_another_plans(store: tuple[Settings, Engine]) -> None:
    settings, engine = store
    with another_instance_planning(engine):
        report = plan_and_store(settings, engine, NOW)
    assert report.skipped
    assert (report.planned, report.writes) == (0, 0)
    assert occurrences(engine) == 0
    report = plan_and_store(settings, engine, NOW)
    assert not report.skipped
    assert report.writes > 0
    assert occurrences(engine) == report.writes


def test_planning_takes_the_lock_when_free(store: tuple[Settings, Engine]) -> None:
    settings, engine = store
    report = plan_and_store(settings, engine, NOW)
    assert not report.skipped
    assert report.writes > 0
    assert occurrences(engine) == report.writes


def test_a_dry_run_does_not_wait_for_the_planner(store: tuple[Settings, Engine]) -> None:
    settings, engine = store
    with another_instance_planning(engine):
        report = plan_and_store(settings, engine, NOW, dry_run=True)
    assert not report.skipped
    assert report.planned > 0
