"""The database holds addresses and live tokens: its files are the service user's alone, whatever
the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from scheduler.daemon.instance import InstanceLock
from scheduler.store.db import open_database, session_scope


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most services start with, which makes world-readable files by default."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_wal_are_created_0600_in_a_0700_folder(tmp_path: Path) -> None:
    path = tmp_path / "data" / "rituel.db"
    engine = open_database(f"sqlite:///{path}")
    try:
        with session_scope(engine) as session:
            session.execute(text("SELECT count(*) FROM organisation"))
        wal, shm = path.with_name("rituel.db-wal"), path.with_name("rituel.db-shm")
        # The engine is open, so WAL mode keeps both files.
        assert {p.name: mode(p) for p in (path, wal, shm)} == {
            "rituel.db": 0o600,
            "rituel.db-wal": 0o600,
            "rituel.db-shm": 0o600,
        }
        assert mode(path.parent) == 0o700
    finally:
        engine.dispose()


def test_an_existing_database_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "rituel.db"
    open_database(f"sqlite:///{path}").dispose()
    path.chmod(0o640)  # the administrator's choice, e.g. for a backup group
    open_database(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o640


def test_the_daemons_lock_file_is_0600(tmp_path: Path) -> None:
    with InstanceLock(f"sqlite:///{tmp_path / 'rituel.db'}") as lock:
        assert lock.path is not None
        assert mode(lock.path) == 0o600
