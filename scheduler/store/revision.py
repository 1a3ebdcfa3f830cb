"""The planner's inputs as a revision, so a plan on unchanged inputs is not redone.

Every transaction that writes a table the planner reads (`TRACKED`) raises the counter of the
row `changes` of `input_revision` by one as it commits: the engine sees every statement
(`track_changes`, set on every engine by scheduler.store.db), so no write path can forget it,
and the raise is the transaction's last write, in the same commit as the change (on PostgreSQL
a change is counted exactly when it becomes visible; taking the counter's row lock last, just
before the commit, cannot close a circle of waits). The plan's own writes are left out
(`plan_writes`): a plan reads the counter before anything else, and records it with its
outcome in the row `plan` (`record_plan`) in the transaction that writes the plan.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import event, func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col

from scheduler.store.models import InputRevision, Occurrence

TRACKED = frozenset(
    {"organisation", "convention", "occurrence", "proposal", "proposal_slot", "stored_setting"}
)
"""The tables whose rows the plan reads (directly, or as the settings overlay)."""
CHANGES = "changes"
PLAN = "plan"
_WRITE = re.compile(
    r"\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
    r"\s+[\"`]?(\w+)",
    re.IGNORECASE,
)
_CHANGED = "rituel_inputs_changed"
_PLAN_WRITES = "rituel_plan_writes"
_RAISE = "UPDATE input_revision SET counter = counter + 1 WHERE name = 'changes'"
_RAISE_PG = (
    f"DO $$ BEGIN IF to_regclass('input_revision') IS NOT NULL THEN {_RAISE}; END IF; END $$"
)


def track_changes(engine: Engine) -> None:
    """Count, on `engine`, every committed transaction that wrote a tracked table."""
    raise_sql = _RAISE_PG if engine.dialect.name == "postgresql" else _RAISE

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn: Connection, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any) -> None:
        info = conn.info
        if _CHANGED in info or info.get(_PLAN_WRITES):
            return
        found = _WRITE.match(statement)
        if found is not None and found.group(1).lower() in TRACKED:
            info[_CHANGED] = True

    @event.listens_for(engine, "commit")
    def _commit(conn: Connection) -> None:
        if conn.info.pop(_CHANGED, None) is None:
            return
        cursor = conn.connection.cursor()
        try:
            cursor.execute(raise_sql)
        except sqlite3.OperationalError as exc:  # a database not migrated yet (or downgraded)
            if "no such table" not in str(exc):
                raise
        finally:
            cursor.close()

    @event.listens_for(engine, "rollback")
    def _rollback(conn: Connection) -> None:
        conn.info.pop(_CHANGED, None)


@contextmanager
def plan_writes(session: Session) -> Iterator[None]:
    """The plan's own writes, within: not counted as changes of its inputs."""
    info = session.connection().info
    info[_PLAN_WRITES] = True
    try:
        yield
    finally:
        info.pop(_PLAN_WRITES, None)


def changes(session: Session) -> int | None:
    """How many transactions changed the planner's inputs (None: not known on this schema)."""
    return session.execute(
        select(col(InputRevision.counter)).where(col(InputRevision.name) == CHANGES)
    ).scalar_one_or_none()


def first_start_from(session: Session, now: datetime) -> datetime | None:
    """When the first meeting (any status) at or after `now` starts: it moves exactly when a
    meeting has started since (what the plan reads from `now` on is then different)."""
    found: datetime | None = session.execute(
        select(func.min(col(Occurrence.start))).where(col(Occurrence.start) >= now)
    ).scalar_one()
    return found


def last_plan(session: Session) -> str | None:
    """What `record_plan` last stored."""
    return session.execute(
        select(col(InputRevision.value)).where(col(InputRevision.name) == PLAN)
    ).scalar_one_or_none()


def record_plan(session: Session, value: str) -> None:
    """Store `value` (the last plan's fingerprint and outcome), in the caller's transaction."""
    session.execute(
        update(InputRevision).where(col(InputRevision.name) == PLAN).values(value=value)
    )
