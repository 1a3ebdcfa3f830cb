"""Meetings as the agenda and the meeting's page read them: one shape (`MeetingRow`, with its
buyer), narrowed by `MeetingFilter`, over a month, a week, one UID or a set of ids."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.store.models import Occurrence, Organisation
from scheduler.store.workspace.paging import Query, with_total

OPEN_STATUSES = (OccurrenceStatus.PLANNED, OccurrenceStatus.ANNOUNCED, OccurrenceStatus.MOVED)
"""Meetings not yet held nor cancelled."""


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """One meeting, with its buyer when it concerns one."""

    id: int
    uid: str
    kind: RitualKind
    theme: str | None
    start: datetime
    end: datetime
    status: OccurrenceStatus
    sequence: int
    facilitator_id: str
    cancel_reason: str | None
    changed_at: datetime
    buyer_slug: str | None
    buyer_name: str | None


Buyer: Any = aliased(Organisation)
"""The organisation a meeting concerns, joined under its own name (the outbox joins it too)."""


def meeting_query() -> Query:
    """Every column of `MeetingRow`, in its order, the buyer joined when there is one."""
    return select(
        col(Occurrence.id),
        col(Occurrence.uid),
        col(Occurrence.kind),
        col(Occurrence.theme),
        col(Occurrence.start),
        col(Occurrence.end),
        col(Occurrence.status),
        col(Occurrence.sequence),
        col(Occurrence.facilitator_id),
        col(Occurrence.cancel_reason),
        col(Occurrence.changed_at),
        Buyer.slug,
        Buyer.name,
    ).outerjoin(Buyer, Buyer.id == col(Occurrence.organisation_id))


def meeting_row(row: Any) -> MeetingRow:
    """A row of `meeting_query()` as a value."""
    return MeetingRow(
        id=row[0],
        uid=row[1],
        kind=RitualKind(row[2]),
        theme=row[3],
        start=row[4],
        end=row[5],
        status=OccurrenceStatus(row[6]),
        sequence=row[7],
        facilitator_id=row[8],
        cancel_reason=row[9],
        changed_at=row[10],
        buyer_slug=row[11],
        buyer_name=row[12],
    )


@dataclass(frozen=True, slots=True)
class MeetingFilter:
    """What the agenda narrows meetings to (None: any)."""

    kind: RitualKind | None = None
    buyer_id: int | None = None
    facilitator_id: str | None = None
    status: OccurrenceStatus | None = None

    def apply(self, query: Query) -> Query:
        """`query` narrowed to this filter."""
        if self.kind is not None:
            query = query.where(col(Occurrence.kind) == self.kind.value)
        if self.buyer_id is not None:
            query = query.where(col(Occurrence.organisation_id) == self.buyer_id)
        if self.facilitator_id is not None:
            query = query.where(col(Occurrence.facilitator_id) == self.facilitator_id)
        if self.status is not None:
            query = query.where(col(Occurrence.status) == self.status.value)
        return query


def meetings_between(
    session: Session,
    start: datetime,
    end: datetime,
    narrow: MeetingFilter = MeetingFilter(),
) -> list[MeetingRow]:
    """Meetings starting in [start, end), in order."""
    query = narrow.apply(meeting_query()).where(
        col(Occurrence.start) >= start, col(Occurrence.start) < end
    )
    query = query.order_by(col(Occurrence.start), col(Occurrence.id))
    return [meeting_row(row) for row in session.execute(query)]


def meetings_between_capped(
    session: Session,
    start: datetime,
    end: datetime,
    narrow: MeetingFilter,
    limit: int,
) -> tuple[list[MeetingRow], int]:
    """The first `limit` meetings starting in [start, end), in order, and how many there are."""
    query = narrow.apply(meeting_query()).where(
        col(Occurrence.start) >= start, col(Occurrence.start) < end
    )
    rows, total = with_total(
        session, query.order_by(col(Occurrence.start), col(Occurrence.id)), limit
    )
    return [meeting_row(row) for row in rows], total


def meeting_by_uid(session: Session, uid: str) -> MeetingRow | None:
    """The meeting with this UID."""
    row = session.execute(meeting_query().where(col(Occurrence.uid) == uid)).first()
    return meeting_row(row) if row is not None else None


def meetings_by_id(session: Session, ids: Iterable[int]) -> dict[int, MeetingRow]:
    """The meetings with these ids."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(meeting_query().where(col(Occurrence.id).in_(wanted)))
    return {meeting.id: meeting for meeting in map(meeting_row, rows)}


def past_not_held(
    session: Session, now: datetime, facilitator_id: str | None, limit: int
) -> tuple[list[MeetingRow], int]:
    """Meetings that ended before `now` and are neither held nor cancelled: the latest first."""
    query = meeting_query().where(
        col(Occurrence.start) <= now,  # what the index on start can narrow
        col(Occurrence.end) <= now,
        col(Occurrence.status).in_([s.value for s in OPEN_STATUSES]),
    )
    if facilitator_id is not None:
        query = query.where(col(Occurrence.facilitator_id) == facilitator_id)
    rows, total = with_total(session, query.order_by(col(Occurrence.start).desc()), limit)
    return [meeting_row(row) for row in rows], total
