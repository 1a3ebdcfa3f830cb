"""A stored meeting as the message policy reads it, built the way the policy's tests name it:
what the policy does not read (its UID, end and facilitator) is filled in."""

from __future__ import annotations

from datetime import datetime, timedelta

from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.meeting import Invitee, Meeting


def stored_meeting(
    occurrence_id: int,
    kind: RitualKind,
    start: datetime,
    status: OccurrenceStatus,
    sequence: int,
    changed_at: datetime,
    invitees: tuple[Invitee, ...] = (),
    booked_at: datetime | None = None,
) -> Meeting:
    """Meeting `occurrence_id` of `kind`, two hours long from `start`, run by Camille."""
    return Meeting(
        occurrence_id=occurrence_id,
        uid=f"meeting-{occurrence_id}@guichet.example",
        kind=kind,
        facilitator_id="camille",
        start=start,
        end=start + timedelta(hours=2),
        status=status,
        sequence=sequence,
        changed_at=changed_at,
        invitees=invitees,
        booked_at=booked_at,
    )
