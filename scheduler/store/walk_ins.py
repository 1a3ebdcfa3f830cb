"""Walk-ins: who came to a meeting uninvited, as the facilitator recorded them."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from scheduler.store.models import WalkIn


def recorded(session: Session, occurrence_id: int) -> list[WalkIn]:
    """Those who came to a meeting uninvited, in the order recorded."""
    return list(
        session.execute(
            select(WalkIn)
            .where(col(WalkIn.occurrence_id) == occurrence_id)
            .order_by(col(WalkIn.id))
        ).scalars()
    )


def forget(session: Session, occurrence_id: int) -> int:
    """Delete a meeting's walk-ins (at the next flush); how many there were."""
    dropped = recorded(session, occurrence_id)
    for walk_in in dropped:
        session.delete(walk_in)
    return len(dropped)
