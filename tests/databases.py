"""The databases tests run on: a SQLite file always, PostgreSQL where one runs.

PostgreSQL listens on 127.0.0.1:5432 with trust auth on the machines here; each test gets a
schema of its own, dropped afterwards. With `CI` set, an unreachable server fails the test
instead of skipping it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

POSTGRES_URL = os.environ.get(
    "RITUEL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def sqlite_url(folder: Path) -> str:
    """A SQLite file in `folder`."""
    return f"sqlite:///{folder / 'rituel.db'}"


def postgres_schema_url() -> Iterator[str]:
    """A URL on a fresh PostgreSQL schema, dropped after use; skip (or fail in CI) without one."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI and unreachable: {exc}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def database_url(kind: str, folder: Path) -> Iterator[str]:
    """A database URL of `kind` ("sqlite" or "postgresql") for one test."""
    if kind == "sqlite":
        yield sqlite_url(folder)
    else:
        yield from postgres_schema_url()
