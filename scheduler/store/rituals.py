"""Rituals: the series occurrences belong to, by key (`kind:buyer`, or a one-off's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session, col

from scheduler.store.models import Ritual


def by_key(session: Session, key: str) -> Ritual | None:
    """The series `key`."""
    return session.execute(select(Ritual).where(col(Ritual.key) == key)).scalars().first()


def ids_by_key(session: Session) -> dict[str, int]:
    """Every series' id, by key."""
    return {
        key: int(ritual_id)
        for key, ritual_id in session.execute(select(col(Ritual.key), col(Ritual.id)))
        if ritual_id is not None
    }


def insert_many(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert series given as column values, in one statement."""
    session.execute(insert(Ritual), list(rows))
