"""One meeting's invitees, as the hand-made changes read them: the meeting locked for the
change, and one person's invitation to it."""

from __future__ import annotations

from sqlmodel import Session, col, select

from scheduler.store.models import Contact, Invitation, Message, Occurrence


def locked_meeting(session: Session, uid: str) -> Occurrence | None:
    """The meeting `uid`, locked until the caller's transaction ends (None: no such UID)."""
    return session.exec(
        select(Occurrence).where(col(Occurrence.uid) == uid.strip()).with_for_update()
    ).one_or_none()


def invitation_to(
    session: Session, occurrence_id: int, contact_id: int
) -> tuple[Invitation, Contact] | None:
    """The invitation of `contact_id` to the meeting `occurrence_id`, locked, with the contact
    (removed invitations included: the caller decides)."""
    row = session.exec(
        select(Invitation, Contact)
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(
            col(Invitation.occurrence_id) == occurrence_id,
            col(Invitation.contact_id) == contact_id,
        )
        .with_for_update()
    ).first()
    return None if row is None else (row[0], row[1])


def has_message(session: Session, idempotency_key: str) -> bool:
    """Whether the outbox holds the message of `idempotency_key`."""
    return (
        session.exec(
            select(col(Message.id)).where(col(Message.idempotency_key) == idempotency_key)
        ).first()
        is not None
    )
