"""The questions the answer flow asks the store: whose invitation a reply is about, what was
answered before, and a meeting with its invitees and their answers; and the mailbox's status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from scheduler.store.models import (
    Answer,
    Contact,
    CounterProposal,
    Invitation,
    MailboxStatus,
    Occurrence,
)


@dataclass(frozen=True, slots=True)
class InvitationRows:
    """An invitation, its meeting and its invitee, as stored (locked when asked to be)."""

    invitation: Invitation
    occurrence: Occurrence
    contact: Contact


def occurrence_by_uid(session: Session, uid: str) -> Occurrence | None:
    """The meeting whose iCalendar UID is `uid`."""
    found = session.execute(select(Occurrence).where(col(Occurrence.uid) == uid)).scalar()
    return found if isinstance(found, Occurrence) else None


def invitation_of(
    session: Session, occurrence_id: int, email: str, *, lock: bool = False
) -> InvitationRows | None:
    """The invitation to `occurrence_id` of the contact whose address is `email`, compared
    case-insensitively; with `lock`, the invitation and the meeting are locked for update."""
    query = (
        select(Invitation, Occurrence, Contact)
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Invitation.occurrence_id) == occurrence_id)
        .where(func.lower(col(Contact.email)) == email.strip().lower())
    )
    if lock:
        query = query.with_for_update(of=[Invitation, Occurrence])
    row = session.execute(query).first()
    if row is None:
        return None
    invitation, occurrence, contact = row
    return InvitationRows(invitation, occurrence, contact)


def latest_answer_at(session: Session, invitation_id: int) -> datetime | None:
    """The instant of the latest answer that stands for `invitation_id` (applied ones only)."""
    value = session.execute(
        select(func.max(col(Answer.answered_at)))
        .where(col(Answer.invitation_id) == invitation_id)
        .where(col(Answer.applied).is_(True))
    ).scalar()
    return value if isinstance(value, datetime) else None


def has_answer(
    session: Session, invitation_id: int, source: str, answered_at: datetime, partstat: str
) -> bool:
    """True when exactly this answer is already recorded (the same mail read twice)."""
    found = session.execute(
        select(col(Answer.id))
        .where(col(Answer.invitation_id) == invitation_id)
        .where(col(Answer.source) == source)
        .where(col(Answer.answered_at) == answered_at)
        .where(col(Answer.partstat) == partstat)
        .limit(1)
    ).scalar()
    return found is not None


def has_proposal(
    session: Session, invitation_id: int, proposed_at: datetime, start: datetime | None
) -> bool:
    """True when this COUNTER is already recorded."""
    query = (
        select(col(CounterProposal.id))
        .where(col(CounterProposal.invitation_id) == invitation_id)
        .where(col(CounterProposal.proposed_at) == proposed_at)
    )
    query = query.where(
        col(CounterProposal.start).is_(None)
        if start is None
        else col(CounterProposal.start) == start
    )
    return session.execute(query.limit(1)).scalar() is not None


@dataclass(frozen=True, slots=True)
class InviteeRow:
    """One invitee of a meeting with what they answered, their latest comment and attendance."""

    contact: Contact
    invitation: Invitation
    comment: str | None


def invitees_of(session: Session, occurrence_id: int) -> list[InviteeRow]:
    """The invitees of a meeting by address, each with the comment of their latest answer;
    those taken off the meeting (`removed_at` set) are no longer its invitees."""
    rows = session.execute(
        select(Invitation, Contact)
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Invitation.occurrence_id) == occurrence_id)
        .where(col(Invitation.removed_at).is_(None))
        .order_by(func.lower(col(Contact.email)))
    ).all()
    ids = [invitation.id for invitation, _ in rows if invitation.id is not None]
    comments = _latest_comments(session, ids)
    return [
        InviteeRow(contact, invitation, comments.get(invitation.id or 0))
        for invitation, contact in rows
    ]


def _latest_comments(session: Session, invitation_ids: Sequence[int]) -> dict[int, str]:
    if not invitation_ids:
        return {}
    found: dict[int, str] = {}
    answers = session.execute(
        select(col(Answer.invitation_id), col(Answer.comment))
        .where(col(Answer.invitation_id).in_(list(invitation_ids)))
        .where(col(Answer.applied).is_(True))
        .order_by(col(Answer.answered_at), col(Answer.id))
    ).all()
    for invitation_id, comment in answers:  # the latest answer's comment wins, even an empty one
        found[invitation_id] = comment or ""
    return {key: value for key, value in found.items() if value}


def proposals_of(session: Session, occurrence_id: int) -> list[tuple[CounterProposal, Contact]]:
    """The COUNTER proposals received for a meeting, oldest first, with who made them."""
    rows = session.execute(
        select(CounterProposal, Contact)
        .join(Invitation, col(Invitation.id) == col(CounterProposal.invitation_id))
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Invitation.occurrence_id) == occurrence_id)
        .order_by(col(CounterProposal.received_at), col(CounterProposal.id))
    ).all()
    return [(proposal, contact) for proposal, contact in rows]


@dataclass(frozen=True, slots=True)
class ReplyNote:
    """Something an invitee wrote back from their calendar: a comment or a proposal."""

    occurrence: Occurrence
    contact: Contact
    received_at: datetime
    comment: str | None
    partstat: str | None = None
    proposed_start: datetime | None = None
    proposed_end: datetime | None = None


def notes_since(session: Session, facilitator_id: str, since: datetime) -> list[ReplyNote]:
    """Comments and COUNTER proposals recorded since `since` about the meetings of
    `facilitator_id`, oldest first."""
    comments = session.execute(
        select(Answer, Occurrence, Contact)
        .join(Invitation, col(Invitation.id) == col(Answer.invitation_id))
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Occurrence.facilitator_id) == facilitator_id)
        .where(col(Answer.recorded_at) >= since)
        .where(col(Answer.comment).is_not(None))
    ).all()
    proposals = session.execute(
        select(CounterProposal, Occurrence, Contact)
        .join(Invitation, col(Invitation.id) == col(CounterProposal.invitation_id))
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Occurrence.facilitator_id) == facilitator_id)
        .where(col(CounterProposal.received_at) >= since)
    ).all()
    notes = [
        ReplyNote(occurrence, contact, answer.recorded_at, answer.comment, str(answer.partstat))
        for answer, occurrence, contact in comments
    ] + [
        ReplyNote(
            occurrence,
            contact,
            proposal.received_at,
            proposal.comment,
            proposed_start=proposal.start,
            proposed_end=proposal.end,
        )
        for proposal, occurrence, contact in proposals
    ]
    return sorted(notes, key=lambda note: (note.received_at, note.contact.email))


# --- the mailbox ------------------------------------------------------------------------------


def mailbox_status(session: Session, mailbox: str | None = None) -> MailboxStatus | None:
    """The status of `mailbox` (`user@host:port/folder`), or of the last one checked."""
    query = select(MailboxStatus)
    if mailbox is not None:
        query = query.where(col(MailboxStatus.mailbox) == mailbox)
    found = session.execute(query.order_by(col(MailboxStatus.checked_at).desc()).limit(1)).scalar()
    return found if isinstance(found, MailboxStatus) else None


def save_mailbox_status(
    session: Session, mailbox: str, now: datetime, error: str | None
) -> MailboxStatus:
    """Record how reading `mailbox` went at `now`: `error` None for a success."""
    status = mailbox_status(session, mailbox) or MailboxStatus(mailbox=mailbox, checked_at=now)
    status.checked_at = now
    if error is None:
        status.ok_at = now
        status.failing_since = None
        status.error = None
    else:
        status.failing_since = status.failing_since or now
        status.error = error[:1000]
    session.add(status)
    return status
