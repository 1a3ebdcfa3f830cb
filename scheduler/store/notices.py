"""Notices between instances on one PostgreSQL database (NOTIFY and LISTEN on one channel):
how a change made by the CLI or another instance wakes the daemon (scheduler.service.wake).

The channel belongs to the install's schema, as advisory locks do (scheduler.store.locks): an
install in the default schema `public` uses `rituel_changes`; one in another schema (chosen with
`?options=-csearch_path%3DNAME` on `[storage] url`) uses `rituel_changes_` followed by a hash of
the schema's name, so installs in separate schemas of one database never wake each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlalchemy import text
from sqlalchemy.engine import Engine

from scheduler.errors import StoreError

CHANNEL = "rituel_changes"
"""The PostgreSQL channel instances in the default schema wake each other on."""

_CHANNEL_OF_SCHEMA = (
    f"CASE WHEN coalesce(current_schema(), 'public') = 'public' THEN '{CHANNEL}' "
    f"ELSE '{CHANNEL}_' || left(md5(current_schema()), 16) END"
)
"""The channel of the connection's current schema (at most 31 characters: a channel name is an
identifier, under 64 bytes)."""


def notify(engine: Engine, payload: str) -> None:
    """Send `payload` to every instance listening on the schema's channel, in a transaction of
    its own."""
    with engine.begin() as connection:
        connection.execute(
            text(f"SELECT pg_notify({_CHANNEL_OF_SCHEMA}, :what)"), {"what": payload}
        )


def received(engine: Engine, stopped: Callable[[], bool]) -> Iterator[str]:
    """The payloads other instances send on the schema's channel, as they come, until
    `stopped()` (checked every second); a lost connection is a StoreError."""
    import psycopg
    from psycopg import sql

    conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    channel = CHANNEL
    try:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            row = connection.execute(f"SELECT {_CHANNEL_OF_SCHEMA}").fetchone()
            channel = str(row[0]) if row else CHANNEL
            connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            while not stopped():
                for notice in connection.notifies(timeout=1.0):
                    yield notice.payload
    except psycopg.Error as exc:
        raise StoreError(f"listening on {channel} failed: {exc}") from exc


def channel_of(engine: Engine) -> str:
    """The channel the instances on `engine`'s schema wake each other on."""
    with engine.connect() as connection:
        return str(connection.execute(text(f"SELECT {_CHANNEL_OF_SCHEMA}")).scalar_one())
