"""Invitations: who is invited to a meeting, with their answers and attendance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from scheduler.store.models import Contact, Invitation, Occurrence


def with_contacts(session: Session, occurrence_id: int) -> list[tuple[Invitation, Contact]]:
    """The invitations to a meeting, each with its contact, by address (not those of the
    invitees taken off it)."""
    rows = session.execute(
        select(Invitation, Contact)
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Invitation.occurrence_id) == occurrence_id, col(Invitation.removed_at).is_(None))
        .order_by(col(Contact.email))
    ).all()
    return [(invitation, contact) for invitation, contact in rows]


def invitation_and_end(
    session: Session, occurrence_id: int, contact_id: int
) -> tuple[int, datetime] | None:
    """The id of a contact's invitation to a meeting and the meeting's end, if invited."""
    row = session.execute(
        select(col(Invitation.id), col(Occurrence.end))
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .where(
            col(Invitation.occurrence_id) == occurrence_id,
            col(Invitation.contact_id) == contact_id,
        )
    ).first()
    return (row.id, row.end) if row is not None else None


def meetings_of_contact(session: Session, contact_id: int | None) -> list[int]:
    """The meetings a contact is invited to."""
    return list(
        session.execute(
            select(col(Invitation.occurrence_id)).where(col(Invitation.contact_id) == contact_id)
        ).scalars()
    )
