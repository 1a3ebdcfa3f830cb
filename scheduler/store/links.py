"""What a link in a mail opens: an invitation (RSVP), a proposal for one contact (choosing a
date), an outbox row (unsubscribing).

Each lookup is one query whatever the link holds, so a wrong token costs the same as a right
one: the callers pass an id no row has when a token does not open (scheduler.service.answer).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from scheduler.store.models import Contact, Invitation, Message, Occurrence, Proposal


def invitation(
    session: Session, invitation_id: int, *, lock: bool
) -> tuple[Invitation, Occurrence, Contact] | None:
    """The invitation `invitation_id`, its meeting and its contact; with `lock`, the invitation
    and the meeting stay locked until the commit."""
    query = (
        select(Invitation, Occurrence, Contact)
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Invitation.id) == invitation_id)
    )
    if lock:
        query = query.with_for_update(of=[Invitation, Occurrence])
    row = session.execute(query).first()
    if row is None:
        return None
    found, occurrence, contact = row
    return found, occurrence, contact


def proposal(
    session: Session, proposal_id: int, contact_id: int, *, lock: bool
) -> tuple[Proposal, Occurrence, Contact] | None:
    """The proposal `proposal_id`, its meeting and the contact `contact_id` if they belong to
    the meeting's buyer; with `lock`, the proposal and the meeting stay locked until the
    commit."""
    query = (
        select(Proposal, Occurrence, Contact)
        .join(Occurrence, col(Occurrence.id) == col(Proposal.occurrence_id))
        .join(Contact, col(Contact.organisation_id) == col(Occurrence.organisation_id))
        .where(col(Proposal.id) == proposal_id, col(Contact.id) == contact_id)
    )
    if lock:
        query = query.with_for_update(of=[Proposal, Occurrence])
    row = session.execute(query).first()
    if row is None:
        return None
    found, occurrence, contact = row
    return found, occurrence, contact


def message_to_unsubscribe(session: Session, token: str) -> Message | None:
    """The outbox row whose unsubscribe link carries `token`."""
    return session.execute(
        select(Message).where(col(Message.unsubscribe_token) == token)
    ).scalar_one_or_none()


def contact(session: Session, contact_id: int, *, lock: bool) -> Contact | None:
    """The contact `contact_id`; with `lock`, its row stays locked until the commit."""
    query = select(Contact).where(col(Contact.id) == contact_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()
