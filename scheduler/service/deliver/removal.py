"""Take one invitee off one meeting: the meeting still takes place for everyone else.

RFC 5546 §3.2.5 ("uninvite"): the organizer sends a CANCEL naming only the attendee removed,
with the meeting's UID; nobody else is told. The meeting's SEQUENCE does not rise: nothing the
other invitees agreed to has changed (RFC 5545 §3.8.7.4 raises it for changes that put their
answers in doubt), so they get no update and their reminders stay as they were. The removed
person's client orders the CANCEL after the invitation it holds by its later DTSTAMP
(RFC 5546 §2.1.5): the meeting's last change (`changed_at`) is the removal. The invitation is
kept, marked removed: the policy sends that person nothing more, feeds no longer list them, and
their answers' history stays. Written to the journal, in the transaction of the change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus
from scheduler.core.messages import MessageKind
from scheduler.core.policy import message_key
from scheduler.errors import InputError, NotFoundError
from scheduler.service import wake
from scheduler.service.deliver.enqueue import enqueue_messages
from scheduler.store import journal
from scheduler.store.db import session_scope
from scheduler.store.outbox import has_message
from scheduler.store.readers import invitation_with_contact, occurrence_for_update


def remove_invitee(
    settings: Settings,
    engine: Engine,
    uid: str,
    contact_id: int,
    now: datetime,
    *,
    actor: str = journal.CLI,
) -> bool:
    """Take the contact `contact_id` off the meeting `uid` and queue their CANCEL; True when a
    CANCEL is due (their invitation had gone), False when they had not been told yet.
    NotFoundError for an unknown meeting or someone not invited; InputError for a meeting over,
    cancelled or started, or someone already removed."""
    with session_scope(engine) as session:
        occurrence = occurrence_for_update(session, uid.strip())
        if occurrence is None or occurrence.id is None:
            raise NotFoundError(f"no meeting with UID {uid!r}")
        if occurrence.status in (OccurrenceStatus.CANCELLED, OccurrenceStatus.HELD):
            raise InputError(f"{uid} is {occurrence.status}; nobody can be removed", ["meeting"])
        if occurrence.start <= now:
            raise InputError(f"{uid} has started; nobody can be removed", ["meeting"])
        found = invitation_with_contact(session, occurrence.id, contact_id, lock=True)
        if found is None:
            raise NotFoundError(f"contact {contact_id} is not invited to {uid}")
        invitation, contact = found
        if invitation.removed_at is not None:
            raise InputError(f"{contact.email} was already removed from {uid}", ["removed"])
        invitation.removed_at = now
        occurrence.changed_at = max(occurrence.changed_at, now)
        session.add(invitation)
        session.add(occurrence)
        session.flush()
        journal.write(
            session,
            now,
            actor,
            "uninvite",
            occurrence=occurrence,
            before={"invitee": contact.email},
        )
        enqueue_messages(session, settings, now, [occurrence.id])
        wake.on_commit(session, "uninvite", [occurrence.id])
        key = message_key(MessageKind.CANCEL, f"occ:{occurrence.id}", contact.email, "removed")
        return has_message(session, key)
