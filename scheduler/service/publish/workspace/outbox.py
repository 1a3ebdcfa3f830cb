"""The workspace's outbox: a page of mails and how many are in each state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from scheduler.core.messages import MessageState
from scheduler.service.publish.workspace.home import PAGE_SIZE
from scheduler.store import workspace as store
from scheduler.store.db import read_session
from scheduler.store.workspace import MeetingRow, MessageFilter, MessageRow, Page


@dataclass(frozen=True, slots=True)
class OutboxView:
    """A page of the outbox and how many mails are in each state."""

    narrow: MessageFilter
    messages: Page[MessageRow]
    counts: dict[MessageState, int]
    meeting: MeetingRow | None


def outbox(
    engine: Engine,
    *,
    state: MessageState | None,
    meeting_uid: str | None,
    recipient: str | None,
    page: int,
) -> OutboxView:
    """A page of mails, the latest due first, narrowed by state, meeting and recipient."""
    page = max(1, page)
    with read_session(engine) as session:
        found = store.meeting_by_uid(session, meeting_uid) if meeting_uid else None
        narrow = MessageFilter(
            state=state,
            occurrence_id=found.id if found else (-1 if meeting_uid else None),
            recipient=recipient or None,
        )
        rows = store.messages(session, narrow, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        counts = store.message_counts(
            session, MessageFilter(None, narrow.occurrence_id, None, narrow.recipient)
        )
    return OutboxView(narrow, rows, counts, found)
