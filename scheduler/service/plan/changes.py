"""What every change of a meeting by hand shares: its outcome (`OccurrenceChange`), the
details a facilitator may edit, and how a change is recorded (SEQUENCE + 1, stamped, its
history written, the daemon woken, the caller's `in_transaction` called before the commit)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.placement import BrokenRule
from scheduler.service import wake
from scheduler.store import history
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
    broken: tuple[BrokenRule, ...] = ()
    """The planning rules a forced move broke."""


@dataclass(frozen=True)
class Details:
    """What a facilitator may edit on one meeting; None for place and video: the ritual's."""

    theme: str | None
    description: str | None
    location: str | None
    video_url: str | None


DETAIL_LIMITS = {"theme": 200, "description": 2000, "location": 400, "video_url": 400}


def record(
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
    assert occurrence.id is not None
    wake.on_commit(session, "occurrence", [occurrence.id])
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
