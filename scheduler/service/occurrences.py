"""Moving or cancelling one meeting by hand: same UID, SEQUENCE + 1, a new last-change instant.

The planner never moves a meeting moved by hand (status MOVED is fixed) and never brings back
one cancelled by hand. The messages that tell people (an update REQUEST, a CANCEL) belong to the
mail side: it passes `in_transaction`, called with the session and the changed row before the
commit, so the outbox row is written in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.errors import InputError, NotFoundError
from scheduler.store import history
from scheduler.store.db import session_scope
from scheduler.store.models import Occurrence

OnChange = Callable[[Session, Occurrence], None]
"""Called inside the transaction with the changed occurrence (e.g. to enqueue its messages)."""


@dataclass(frozen=True)
class OccurrenceChange:
    """One meeting after a move or a cancellation."""

    uid: str
    kind: RitualKind
    status: OccurrenceStatus
    sequence: int
    start: datetime
    end: datetime
    previous_start: datetime


def move_occurrence(
    engine: Engine,
    uid: str,
    to: datetime,
    now: datetime,
    *,
    in_transaction: OnChange | None = None,
) -> OccurrenceChange:
    """Move the meeting `uid` to start at `to`, keeping its length."""
    if to.tzinfo is None:
        raise InputError("--to: the new start needs a time zone")
    with session_scope(engine) as session:
        occurrence = _changeable(session, uid, now, "moved")
        if to <= now:
            raise InputError(f"--to: {to.isoformat()} is in the past")
        if to == occurrence.start:
            raise InputError(f"{uid} already starts at {to.isoformat()}")
        previous = occurrence.start
        length = occurrence.end - occurrence.start
        occurrence.start = to
        occurrence.end = to + length
        occurrence.status = OccurrenceStatus.MOVED
        return _record(session, occurrence, previous, now, in_transaction)


def cancel_occurrence(
    engine: Engine,
    uid: str,
    now: datetime,
    *,
    reason: str | None = None,
    in_transaction: OnChange | None = None,
) -> OccurrenceChange:
    """Cancel the meeting `uid`; `reason` is shown to its private subscribers."""
    with session_scope(engine) as session:
        occurrence = _changeable(session, uid, now, "cancelled")
        occurrence.status = OccurrenceStatus.CANCELLED
        occurrence.cancel_reason = " ".join((reason or "").split())[:400] or None
        return _record(session, occurrence, occurrence.start, now, in_transaction)


def _changeable(session: Session, uid: str, now: datetime, verb: str) -> Occurrence:
    """The occurrence `uid`, if it can still be changed."""
    occurrence = session.exec(
        select(Occurrence).where(col(Occurrence.uid) == uid.strip())
    ).one_or_none()
    if occurrence is None:
        raise NotFoundError(f"no meeting with UID {uid!r}")
    if occurrence.status == OccurrenceStatus.CANCELLED:
        raise InputError(f"{uid} is cancelled; it cannot be {verb}")
    if occurrence.start <= now or occurrence.status == OccurrenceStatus.HELD:
        raise InputError(f"{uid} started on {occurrence.start.isoformat()}; it cannot be {verb}")
    return occurrence


def _record(
    session: Session,
    occurrence: Occurrence,
    previous_start: datetime,
    now: datetime,
    in_transaction: OnChange | None,
) -> OccurrenceChange:
    """Raise the SEQUENCE, stamp the change, and let the caller add to the transaction."""
    occurrence.sequence += 1
    occurrence.changed_at = now
    session.add(occurrence)
    session.flush()
    history.record(session, occurrence, now, history.Source.HAND)
    if in_transaction is not None:
        in_transaction(session, occurrence)
    return OccurrenceChange(
        uid=occurrence.uid,
        kind=RitualKind(occurrence.kind),
        status=OccurrenceStatus(occurrence.status),
        sequence=occurrence.sequence,
        start=occurrence.start,
        end=occurrence.end,
        previous_start=previous_start,
    )
