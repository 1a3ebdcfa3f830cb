"""Engines and sessions: SQLite (WAL, busy timeout, foreign keys, BEGIN IMMEDIATE) or
PostgreSQL, migrated with Alembic on open."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session, create_engine

from scheduler.errors import StoreError
from scheduler.store.locks import LockKey, transaction_lock
from scheduler.store.revision import track_changes

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
READ_ONLY = "rituel_read_only"
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
"""Files holding personal data (the database, the outbox) are the service user's alone."""


def make_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite set up per connection as INTEROP.md asks; every
    transaction that changes what the planner reads is counted (scheduler.store.revision)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    track_changes(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """WAL, busy_timeout, foreign keys; and BEGIN IMMEDIATE for every transaction
    (SQLAlchemy's documented pysqlite recipe) so writers queue instead of failing."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def schema_revisions(engine: Engine) -> tuple[str | None, str | None]:
    """The migration the database is at, and the latest one (for `rituel check`)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, head


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest migration (a no-op when it already is); instances
    starting together on one PostgreSQL database migrate one after the other."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            transaction_lock(connection, LockKey.MIGRATION)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise StoreError(f"cannot migrate the database {engine.url!r}: {exc.orig}") from exc


def open_database(url: str) -> Engine:
    """An engine on `url`, migrated to the latest schema."""
    if url.startswith("sqlite:///"):
        create_private_file(Path(url.removeprefix("sqlite:///")))
    engine = make_engine(url)
    migrate(engine)
    return engine


def create_private_file(path: Path) -> None:
    """Create the SQLite file empty, mode 0600 (its folder 0700 when we make it), unless it
    exists: it holds addresses and live tokens. SQLite gives its -wal and -shm files the mode
    of the database file."""
    path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE))


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def reader(engine: Engine) -> Engine:
    """The same database for reading only: on SQLite its transactions start with a plain BEGIN,
    so readers (feeds, the agenda) never queue behind a writer's lock."""
    return engine.execution_options(**{READ_ONLY: True})


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session that only reads; whatever it holds is rolled back at the end."""
    with Session(reader(engine), expire_on_commit=False) as session:
        yield session


def ping(engine: Engine) -> str:
    """ "ok" when the database answers a query, else the name of the error (for /healthz)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            connection.rollback()
    except SQLAlchemyError as exc:
        return type(exc).__name__
    return "ok"
