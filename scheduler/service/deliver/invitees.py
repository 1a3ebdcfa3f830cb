"""One meeting's invitees, by hand: invite one more contact (the invitation goes to that person
only, like any invitation: the outbox's idempotency keys keep the others' from being sent
again), and record an answer on someone's behalf (a phone call), through the same
`record_answer` as the RSVP page and the calendar replies, with the source `facilitator`.
Both write the journal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.core.kinds import AnswerSource, OccurrenceStatus, PartStat
from scheduler.errors import InputError, NotFoundError
from scheduler.service.answer.answers import AnswerOutcome, record_answer
from scheduler.service.deliver.enqueue import enqueue_messages
from scheduler.service.plan.effective import effective_settings
from scheduler.store import journal
from scheduler.store.db import session_scope
from scheduler.store.readers import (
    contact_by_email,
    invitation_with_contact,
    invite,
    occurrence_for_update,
)


def add_invitee(
    settings: Settings,
    engine: Engine,
    uid: str,
    email: str,
    now: datetime,
    *,
    actor: str = journal.CLI,
) -> int:
    """Invite the contact with address `email` to the meeting `uid` and queue their
    invitation; the new invitation's id. InputError for an unknown address, someone already
    invited, or a meeting past or cancelled."""
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        occurrence = occurrence_for_update(session, uid.strip())
        if occurrence is None:
            raise NotFoundError(f"no meeting with UID {uid!r}")
        if occurrence.status in (OccurrenceStatus.CANCELLED, OccurrenceStatus.HELD):
            raise InputError(f"{uid} is {occurrence.status}; nobody can be invited", ["meeting"])
        if occurrence.start <= now:
            raise InputError(f"{uid} has started; nobody can be invited", ["meeting"])
        contact = contact_by_email(session, email)
        if contact is None or contact.id is None:
            raise InputError(f"{email!r} is not in the directory", ["email"])
        assert occurrence.id is not None
        known = invitation_with_contact(session, occurrence.id, contact.id)
        if known is not None and known[0].removed_at is not None:
            # their INVITE already went once (its key is spent), and their calendar holds
            # the CANCEL: re-inviting needs a new version of the meeting, which this is not
            raise InputError(f"{contact.email} was removed from {uid}", ["removed"])
        if known is not None:
            raise InputError(f"{contact.email} is already invited to {uid}", ["already"])
        invitation = invite(session, occurrence.id, contact.id)
        journal.write(
            session, now, actor, "invite", occurrence=occurrence, after={"invitee": contact.email}
        )
        enqueue_messages(session, settings, now, [occurrence.id])
        assert invitation.id is not None
        return invitation.id


def answer_on_behalf(
    engine: Engine,
    uid: str,
    contact_id: int,
    partstat: PartStat,
    now: datetime,
    *,
    actor: str = journal.CLI,
    comment: str | None = None,
) -> AnswerOutcome:
    """Record that the invitee `contact_id` of the meeting `uid` answered `partstat` (told the
    facilitator, who records it now)."""
    with session_scope(engine) as session:
        occurrence = occurrence_for_update(session, uid.strip())
        if occurrence is None or occurrence.id is None:
            raise NotFoundError(f"no meeting with UID {uid!r}")
        row = invitation_with_contact(session, occurrence.id, contact_id, lock=True)
        if row is None or row[0].removed_at is not None:
            raise NotFoundError(f"contact {contact_id} is not invited to {uid}")
        invitation, contact = row
        before = str(invitation.partstat)
        outcome = record_answer(
            session,
            invitation,
            occurrence,
            partstat,
            source=AnswerSource.FACILITATOR,
            answered_at=now,
            now=now,
            comment=comment,
        )
        if outcome is AnswerOutcome.CLOSED:
            raise InputError(f"{uid} is over; answers are closed", ["closed"])
        journal.write(
            session,
            now,
            actor,
            "answer",
            occurrence=occurrence,
            before={"invitee": contact.email, "answer": before},
            after={"invitee": contact.email, "answer": partstat.value},
        )
        return outcome
