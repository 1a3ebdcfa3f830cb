"""The journal: every change made by hand (the workspace or the operator's CLI) adds one row in
the transaction of the change: who, when, what, before and after. Shown on the meeting's page
and on its buyer's."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlmodel import Session, col

from scheduler.store.models import JournalEntry, Occurrence

CLI = "cli"
"""The actor of a change made at the operator's terminal."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One change, its fields before and after (field name → text)."""

    at: datetime
    actor: str
    action: str
    before: dict[str, str]
    after: dict[str, str]
    occurrence_uid: str | None = None


def write(
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    *,
    occurrence: Occurrence | None = None,
    organisation_id: int | None = None,
    before: Mapping[str, str | None] | None = None,
    after: Mapping[str, str | None] | None = None,
) -> None:
    """Add one entry (in the caller's transaction); a meeting's entry is also its buyer's."""
    if occurrence is not None and organisation_id is None:
        organisation_id = occurrence.organisation_id
    session.add(
        JournalEntry(
            at=at,
            actor=actor[:254],
            action=action,
            occurrence_id=occurrence.id if occurrence is not None else None,
            organisation_id=organisation_id,
            before=_text(before),
            after=_text(after),
        )
    )


def _text(fields: Mapping[str, str | None] | None) -> str:
    kept = {key: value or "" for key, value in (fields or {}).items()}
    return json.dumps(kept, ensure_ascii=False)[:2000]


def _fields(text: str) -> dict[str, str]:
    try:
        found = json.loads(text) if text else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def entries(
    session: Session,
    *,
    occurrence_id: int | None = None,
    organisation_id: int | None = None,
    limit: int = 50,
) -> list[Entry]:
    """The latest entries about a meeting, or about an organisation (its meetings' too),
    newest first."""
    query = (
        select(JournalEntry, col(Occurrence.uid))
        .outerjoin(Occurrence, col(Occurrence.id) == col(JournalEntry.occurrence_id))
        .order_by(col(JournalEntry.at).desc(), col(JournalEntry.id).desc())
        .limit(limit)
    )
    conditions = []
    if occurrence_id is not None:
        conditions.append(col(JournalEntry.occurrence_id) == occurrence_id)
    if organisation_id is not None:
        conditions.append(col(JournalEntry.organisation_id) == organisation_id)
    if conditions:
        query = query.where(or_(*conditions))
    return [
        Entry(row.at, row.actor, row.action, _fields(row.before), _fields(row.after), uid)
        for row, uid in session.execute(query).all()
    ]
