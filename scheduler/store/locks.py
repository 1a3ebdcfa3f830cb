"""Advisory locks: which of several instances on one PostgreSQL database does a piece of work
that must not run twice at once (planning, migrating).

Transaction-level (`pg_advisory_xact_lock`): released by the commit or rollback that ends the
transaction, or by the server when the holder's connection dies, so a crashed instance never
leaves one behind. A lock is keyed by our key and the current schema, so two installs in
separate schemas of one database never wait for each other.

On SQLite there is nothing to take: a write transaction starts with BEGIN IMMEDIATE, and one
daemon runs per database file (`scheduler.daemon.instance`).
"""

from __future__ import annotations

from enum import IntEnum

from sqlalchemy import text
from sqlalchemy.engine import Connection


class LockKey(IntEnum):
    """The first (32-bit) half of our advisory locks' keys; the schema's hash is the second."""

    PLANNING = 0x7269_0001
    MIGRATION = 0x7269_0002
    BOOKING = 0x7269_0003
    """A buyer booking a date from a proposal (scheduler.service.answer.booking)."""


_SCHEMA = "hashtext(coalesce(current_schema(), ''))"


def try_transaction_lock(connection: Connection, key: LockKey) -> bool:
    """Take `key` for the rest of `connection`'s transaction if no one holds it; True when
    taken (always on SQLite)."""
    if connection.dialect.name != "postgresql":
        return True
    statement = text(f"SELECT pg_try_advisory_xact_lock(CAST(:key AS integer), {_SCHEMA})")
    return bool(connection.execute(statement, {"key": int(key)}).scalar_one())


def transaction_lock(connection: Connection, key: LockKey) -> None:
    """Wait for `key`, then hold it for the rest of `connection`'s transaction (no-op on
    SQLite)."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(f"SELECT pg_advisory_xact_lock(CAST(:key AS integer), {_SCHEMA})"),
            {"key": int(key)},
        )
