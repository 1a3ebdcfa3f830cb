"""A meeting's life, step by step: each creation, move, announcement, cancellation and
attendance record adds one `OccurrenceHistory` row in the transaction of the change, so the
workspace can show "prévue le …, annoncée le …, déplacée le …" with dates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import insert, literal, select
from sqlmodel import Session, col

from scheduler.core.kinds import OccurrenceStatus
from scheduler.store.models import Occurrence, OccurrenceHistory
from scheduler.store.types import UTCDateTime


class Source(StrEnum):
    """Who changed a meeting."""

    PLAN = "plan"
    HAND = "hand"
    """The operator's CLI or the workspace."""
    MAIL = "mail"
    """The invitations went out."""
    ATTENDANCE = "attendance"


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a meeting's life."""

    sequence: int
    status: OccurrenceStatus
    start: datetime
    at: datetime
    source: Source


def record(session: Session, occurrence: Occurrence, at: datetime, source: Source) -> None:
    """Add the occurrence's present state as a step (in the caller's transaction)."""
    assert occurrence.id is not None
    session.add(
        OccurrenceHistory(
            occurrence_id=occurrence.id,
            sequence=occurrence.sequence,
            status=OccurrenceStatus(occurrence.status),
            start=occurrence.start,
            at=at,
            source=source.value,
        )
    )


def record_keys(session: Session, keys: Sequence[str], at: datetime, source: Source) -> None:
    """Add the present state of the occurrences with these keys, in one statement (the
    planner writes thousands at once)."""
    if not keys:
        return
    chosen = select(
        col(Occurrence.id),
        col(Occurrence.sequence),
        col(Occurrence.status),
        col(Occurrence.start),
        literal(at, UTCDateTime()),
        literal(source.value),
    ).where(col(Occurrence.key).in_(list(keys)))
    session.execute(
        insert(OccurrenceHistory).from_select(
            ["occurrence_id", "sequence", "status", "start", "at", "source"], chosen
        )
    )


def steps_of(session: Session, occurrence_id: int) -> list[Step]:
    """The steps of one meeting, oldest first."""
    rows = session.execute(
        select(OccurrenceHistory)
        .where(col(OccurrenceHistory.occurrence_id) == occurrence_id)
        .order_by(col(OccurrenceHistory.at), col(OccurrenceHistory.id))
    ).scalars()
    return [
        Step(row.sequence, OccurrenceStatus(row.status), row.start, row.at, Source(row.source))
        for row in rows
    ]
