"""The settings changed in the workspace (scheduler.config.overlay): read at every plan, so
every instance on the same database plans with the same values; written in the transaction of
the change (with its journal entry and its plan)."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from scheduler.store.journal import Entry
from scheduler.store.models import Invitation, JournalEntry, Occurrence, Organisation, StoredSetting


@dataclass(frozen=True, slots=True)
class Stored:
    """One stored value, when and by whom it was last changed."""

    value: Any
    changed_at: datetime
    changed_by: str


def stored(session: Session) -> dict[str, Stored]:
    """Every stored value, by name."""
    return {
        row.name: Stored(json.loads(row.value), row.changed_at, row.changed_by)
        for row in session.execute(select(StoredSetting)).scalars()
    }


def values(session: Session) -> dict[str, Any]:
    """Every stored value, by name (what the overlay reads)."""
    return {name: found.value for name, found in stored(session).items()}


def put(session: Session, name: str, value: Any, now: datetime, actor: str) -> None:
    """Store `value` under `name` (None or empty: remove it, the file's value applies again)."""
    session.execute(delete(StoredSetting).where(col(StoredSetting.name) == name))
    if value is None or value == {}:
        return
    session.add(
        StoredSetting(
            name=name,
            value=json.dumps(value, ensure_ascii=False, sort_keys=True),
            changed_at=now,
            changed_by=actor[:254],
        )
    )
    session.flush()


def invitations_by_key(session: Session, keys: Collection[str]) -> dict[str, int]:
    """How many invitations each meeting (by key) has: the CANCEL mails its cancellation sends
    once it was announced."""
    if not keys:
        return {}
    rows = session.execute(
        select(col(Occurrence.key), func.count(col(Invitation.id)))
        .join(Invitation, col(Invitation.occurrence_id) == col(Occurrence.id))
        .where(col(Occurrence.key).in_(list(keys)))
        .group_by(col(Occurrence.key))
    )
    return {key: int(count) for key, count in rows}


def left_to(session: Session, facilitator_id: str, now: datetime) -> tuple[int, int]:
    """What a facilitator still has: the buyers they follow, and their announced meetings to
    come (a facilitator leaves the team only once both are reassigned)."""
    buyers = session.execute(
        select(func.count(col(Organisation.id))).where(
            col(Organisation.facilitator_id) == facilitator_id
        )
    ).scalar_one()
    announced = session.execute(
        select(func.count(col(Occurrence.id)))
        .where(col(Occurrence.facilitator_id) == facilitator_id)
        .where(col(Occurrence.start) >= now)
        .where(col(Occurrence.status).in_(("announced", "moved")))
    ).scalar_one()
    return int(buyers), int(announced)


def journal_entries(session: Session, actions: Collection[str], limit: int = 20) -> list[Entry]:
    """The latest settings changes, newest first."""
    rows = session.execute(
        select(JournalEntry)
        .where(col(JournalEntry.action).in_(list(actions)))
        .order_by(col(JournalEntry.at).desc(), col(JournalEntry.id).desc())
        .limit(limit)
    ).scalars()
    return [
        Entry(row.at, row.actor, row.action, _fields(row.before), _fields(row.after))
        for row in rows
    ]


def _fields(text: str) -> dict[str, str]:
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}
