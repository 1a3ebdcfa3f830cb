"""Occurrences: one meeting found by UID or id, the facilitator's other meetings a move or a date
must fit around, and what the planner reads and writes (the stored occurrences it reconciles
with its plan)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlmodel import Session, col

from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.reconcile import StoredOccurrence
from scheduler.store.models import Occurrence, Organisation


@dataclass(frozen=True, slots=True)
class Details:
    """What a facilitator set on one meeting besides its date (None: the ritual's)."""

    description: str | None
    location: str | None
    video_url: str | None
    headcount: int | None


@dataclass(frozen=True, slots=True)
class Span:
    """One meeting of a facilitator, as a date to fit around."""

    id: int
    key: str
    start: datetime
    end: datetime


def by_uid(session: Session, uid: str, *, lock: bool = False) -> Occurrence | None:
    """The occurrence `uid` (spaces around it ignored); with `lock`, its row stays locked until
    the commit (PostgreSQL; SQLite's writers queue already)."""
    query = select(Occurrence).where(col(Occurrence.uid) == uid.strip())
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def by_id(session: Session, occurrence_id: int) -> Occurrence | None:
    """The occurrence with this row id."""
    return session.get(Occurrence, occurrence_id)


def details(session: Session, occurrence_id: int) -> Details:
    """The meeting's own description, place, video link and headcount."""
    row = session.execute(
        select(
            col(Occurrence.description),
            col(Occurrence.location),
            col(Occurrence.video_url),
            col(Occurrence.headcount),
        ).where(col(Occurrence.id) == occurrence_id)
    ).one()
    return Details(row.description, row.location, row.video_url, row.headcount)


def overlapping(
    session: Session, facilitator_id: str, start: datetime, end: datetime, *, besides: int | None
) -> list[Occurrence]:
    """The facilitator's meetings (not cancelled, `besides` left out) that overlap
    [start, end)."""
    return list(
        session.execute(
            select(Occurrence)
            .where(col(Occurrence.facilitator_id) == facilitator_id)
            .where(col(Occurrence.id) != besides)
            .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
            .where(col(Occurrence.start) < end)
            .where(col(Occurrence.end) > start)
        ).scalars()
    )


def starting_between(
    session: Session, facilitator_id: str, first: datetime, last: datetime
) -> list[Span]:
    """The facilitator's meetings (not cancelled) that start in [first, last]."""
    rows = session.execute(
        select(col(Occurrence.id), col(Occurrence.key), col(Occurrence.start), col(Occurrence.end))
        .where(col(Occurrence.facilitator_id) == facilitator_id)
        .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
        .where(col(Occurrence.start) >= first, col(Occurrence.start) <= last)
    )
    return [Span(occurrence_id, key, start, end) for occurrence_id, key, start, end in rows]


def upcoming_count(session: Session, now: datetime) -> int:
    """How many meetings start at `now` or later, whatever their status."""
    return int(
        session.execute(
            select(func.count()).select_from(Occurrence).where(col(Occurrence.start) >= now)
        ).scalar_one()
    )


# --- what the planner reads and writes ---------------------------------------------------------


def past_buyer_keys(session: Session, now: datetime) -> frozenset[str]:
    """The keys of the per-buyer meetings that started before `now`, whatever became of them."""
    return frozenset(
        session.execute(
            select(col(Occurrence.key))
            .where(col(Occurrence.start) < now)
            .where(col(Occurrence.organisation_id).is_not(None))
        ).scalars()
    )


def stored_from(
    session: Session, now: datetime, *, leave_out_prefix: str
) -> list[tuple[StoredOccurrence, str | None]]:
    """The occurrences from `now` on (those whose key starts with `leave_out_prefix` left out),
    each with its cancellation reason; columns only, since a plan reads every one."""
    rows = session.execute(
        select(
            col(Occurrence.key),
            col(Occurrence.uid),
            col(Occurrence.kind),
            col(Organisation.slug),
            col(Occurrence.facilitator_id),
            col(Occurrence.start),
            col(Occurrence.end),
            col(Occurrence.theme),
            col(Occurrence.status),
            col(Occurrence.sequence),
            col(Occurrence.cancel_reason),
        )
        .outerjoin(Organisation, col(Organisation.id) == col(Occurrence.organisation_id))
        .where(col(Occurrence.start) >= now)
        .where(col(Occurrence.key).not_like(leave_out_prefix + "%"))
    )
    return [
        (
            StoredOccurrence(
                key=key,
                uid=uid,
                kind=RitualKind(kind),
                buyer=slug,
                facilitator=facilitator,
                start=start,
                end=end,
                theme=theme,
                status=OccurrenceStatus(status),
                sequence=sequence,
            ),
            reason,
        )
        for key, uid, kind, slug, facilitator, start, end, theme, status, sequence, reason in rows
    ]


def insert_many(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert occurrences given as column values, in one statement."""
    session.execute(insert(Occurrence), list(rows))


def change_by_key(session: Session, key: str, sequence: int, now: datetime, **values: Any) -> None:
    """Set `values` on the occurrence `key`, with SEQUENCE `sequence`, changed at `now`."""
    session.execute(
        update(Occurrence)
        .where(col(Occurrence.key) == key)
        .values(sequence=sequence, changed_at=now, **values)
    )
