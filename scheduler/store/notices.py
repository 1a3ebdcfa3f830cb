"""Notices between instances on one PostgreSQL database (NOTIFY and LISTEN on one channel):
how a change made by the CLI or another instance wakes the daemon (scheduler.service.wake)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy import text
from sqlalchemy.engine import Engine

from scheduler.errors import StoreError

CHANNEL = "rituel_changes"
"""The PostgreSQL channel instances wake each other on."""


def notify(engine: Engine, payload: str) -> None:
    """Send `payload` to every instance listening, in a transaction of its own."""
    with engine.begin() as connection:
        connection.execute(
            text("SELECT pg_notify(:channel, :what)"), {"channel": CHANNEL, "what": payload}
        )


def received(engine: Engine, stopped: Callable[[], bool]) -> Iterator[str]:
    """The payloads other instances send, as they come, until `stopped()` (checked every
    second); a lost connection is a StoreError."""
    import psycopg

    conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f"LISTEN {CHANNEL}")
            while not stopped():
                for notice in connection.notifies(timeout=1.0):
                    yield notice.payload
    except psycopg.Error as exc:
        raise StoreError(f"listening on {CHANNEL} failed: {exc}") from exc
