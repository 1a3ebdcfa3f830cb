"""The outbox as the workspace shows it: a page of messages with the meeting each is about,
narrowed by `MessageFilter`, and how many are in each state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from scheduler.core.kinds import RitualKind
from scheduler.core.messages import MessageState
from scheduler.store.models import Message, Occurrence
from scheduler.store.workspace.meetings import Buyer
from scheduler.store.workspace.paging import Page, Query


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One outbox row, with the meeting it is about."""

    id: int
    kind: str
    recipient: str
    recipient_name: str
    contact_id: int | None
    state: MessageState
    due_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    sequence: int
    meeting_uid: str | None
    meeting_kind: RitualKind | None
    meeting_start: datetime | None
    buyer_name: str | None


@dataclass(frozen=True, slots=True)
class MessageFilter:
    """What the outbox narrows messages to (None: any)."""

    state: MessageState | None = None
    occurrence_id: int | None = None
    contact_id: int | None = None
    recipient: str | None = None

    def apply(self, query: Query) -> Query:
        """`query` narrowed to this filter."""
        if self.state is not None:
            query = query.where(col(Message.state) == self.state.value)
        if self.occurrence_id is not None:
            query = query.where(col(Message.occurrence_id) == self.occurrence_id)
        if self.contact_id is not None:
            query = query.where(col(Message.contact_id) == self.contact_id)
        if self.recipient is not None:
            query = query.where(func.lower(col(Message.recipient)) == self.recipient.lower())
        return query


def messages(
    session: Session, narrow: MessageFilter, *, limit: int, offset: int = 0
) -> Page[MessageRow]:
    """A page of outbox rows, the latest due first."""
    total = int(
        session.execute(narrow.apply(select(func.count()).select_from(Message))).scalar_one()
    )
    query = narrow.apply(
        select(
            col(Message.id),
            col(Message.kind),
            col(Message.recipient),
            col(Message.recipient_name),
            col(Message.contact_id),
            col(Message.state),
            col(Message.due_at),
            col(Message.sent_at),
            col(Message.attempts),
            col(Message.last_error),
            col(Message.sequence),
            col(Occurrence.uid),
            col(Occurrence.kind),
            col(Occurrence.start),
            Buyer.name,
        )
        .outerjoin(Occurrence, col(Occurrence.id) == col(Message.occurrence_id))
        .outerjoin(Buyer, Buyer.id == col(Occurrence.organisation_id))
    )
    rows = session.execute(
        query.order_by(col(Message.due_at).desc(), col(Message.id).desc())
        .limit(limit)
        .offset(offset)
    )
    found = tuple(
        MessageRow(
            id=r[0],
            kind=str(r[1]),
            recipient=r[2],
            recipient_name=r[3],
            contact_id=r[4],
            state=MessageState(r[5]),
            due_at=r[6],
            sent_at=r[7],
            attempts=r[8],
            last_error=r[9],
            sequence=r[10],
            meeting_uid=r[11],
            meeting_kind=RitualKind(r[12]) if r[12] else None,
            meeting_start=r[13],
            buyer_name=r[14],
        )
        for r in rows
    )
    return Page(found, total, offset // limit + 1 if limit else 1, limit)


def message_counts(
    session: Session, narrow: MessageFilter = MessageFilter()
) -> dict[MessageState, int]:
    """How many messages are in each state."""
    query = narrow.apply(select(col(Message.state), func.count()).select_from(Message)).group_by(
        col(Message.state)
    )
    return {MessageState(state): int(count) for state, count in session.execute(query)}
