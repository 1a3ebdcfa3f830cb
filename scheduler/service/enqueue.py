"""Enqueue: turn the message policy's answer into outbox rows, inside the caller's transaction.

Runs on every daemon tick (and in the transaction of a move or a cancellation): it invites the
audience of meetings whose invitation is near, asks the policy which messages should exist,
writes those due soon, lets pending rows follow a moved meeting, and cancels pending rows the
policy no longer wants (a reminder of the old date, an invitation to a cancelled meeting).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, RitualKind, Scope
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import (
    ConventionFacts,
    Invitee,
    MeetingFacts,
    MessageIntent,
    MessageRules,
    Reader,
    due_messages,
)
from scheduler.service.outbox import cancel_pending, enqueue
from scheduler.store.db import session_scope
from scheduler.store.models import (
    Contact,
    Convention,
    Invitation,
    Message,
    Occurrence,
    Organisation,
)

LOOKAHEAD = timedelta(days=1)
"""Rows are written when due within this delay; later ones on a later tick."""
MEETING_KINDS = (MessageKind.INVITE, MessageKind.UPDATE, MessageKind.REMINDER, MessageKind.CANCEL)
INVITABLE = (OccurrenceStatus.PLANNED, OccurrenceStatus.ANNOUNCED, OccurrenceStatus.MOVED)
"""Meetings whose audience is invited when the time comes: a meeting moved by hand before it
was announced still is (at its new date)."""


@dataclass(frozen=True)
class EnqueueReport:
    """What one enqueue wrote."""

    invited: int = 0
    added: int = 0
    cancelled: int = 0


def message_rules(settings: Settings) -> MessageRules:
    """The policy's view of the configuration."""
    return MessageRules(
        timezone=settings.organisation.timezone,
        invite_days_before={k: r.invite_days_before for k, r in settings.rituals.items()},
        reminders_days_before={
            k: tuple(r.reminders_days_before) for k, r in settings.rituals.items()
        },
        renewal_notice_days=tuple(settings.mail.renewal_notice_days),
        digest_weekday=settings.mail.digest_weekday,
        digest_time=settings.mail.digest_time,
    )


def enqueue_due(engine: Engine, settings: Settings, now: datetime) -> EnqueueReport:
    """One tick: every meeting ahead, every convention, every facilitator."""
    with session_scope(engine) as session:
        return enqueue_messages(session, settings, now)


def enqueue_messages(
    session: Session,
    settings: Settings,
    now: datetime,
    occurrence_ids: Sequence[int] | None = None,
) -> EnqueueReport:
    """Write the messages due soon for the meetings named (all ahead when None; conventions and
    digests only then), in `session`'s transaction."""
    rules = message_rules(settings)
    occurrences = _occurrences(session, now, occurrence_ids)
    invited = _invite_audiences(session, settings, rules, occurrences, now)
    meetings = [_meeting_facts(session, o) for o in occurrences]
    everything = occurrence_ids is None
    conventions = _convention_facts(session, settings) if everything else []
    facilitators = _facilitator_readers(settings) if everything else []
    intents = due_messages(meetings, conventions, facilitators, rules, now)
    cancelled = _cancel_unwanted(session, [o.id for o in occurrences if o.id], intents, now)
    soon = now + LOOKAHEAD
    domain = settings.organisation.uid_domain
    added = enqueue(session, intents, now, domain, insert_until=soon)
    return EnqueueReport(invited=invited, added=added, cancelled=cancelled)


def on_occurrence_change(
    settings: Settings, now: datetime
) -> Callable[[Session, Occurrence], None]:
    """A callback for scheduler.service.occurrences: enqueue the update or the cancellation of
    the changed meeting in the same transaction."""

    def enqueue_change(session: Session, occurrence: Occurrence) -> None:
        assert occurrence.id is not None
        enqueue_messages(session, settings, now, [occurrence.id])

    return enqueue_change


# --- facts from the store ----------------------------------------------------------------------


def _occurrences(session: Session, now: datetime, ids: Sequence[int] | None) -> list[Occurrence]:
    query = select(Occurrence)
    if ids is not None:
        query = query.where(col(Occurrence.id).in_(list(ids)))
    else:
        query = query.where(col(Occurrence.start) > now - timedelta(days=1))
    return list(session.exec(query.order_by(col(Occurrence.start))))


def _invite_audiences(
    session: Session,
    settings: Settings,
    rules: MessageRules,
    occurrences: Iterable[Occurrence],
    now: datetime,
) -> int:
    """Create the Invitation rows of meetings whose invitation is due soon: the audience is
    fixed when people are invited."""
    added = 0
    for occurrence in occurrences:
        if occurrence.status not in INVITABLE:
            continue
        kind = RitualKind(occurrence.kind)
        invite_at = occurrence.start - timedelta(days=rules.invite_days(kind))
        if invite_at > now + LOOKAHEAD or occurrence.start <= now:
            continue
        known = set(
            session.exec(
                select(Invitation.contact_id).where(col(Invitation.occurrence_id) == occurrence.id)
            )
        )
        for contact in _audience(session, settings, occurrence):
            if contact.id is not None and contact.id not in known and occurrence.id is not None:
                session.add(Invitation(occurrence_id=occurrence.id, contact_id=contact.id))
                added += 1
        if occurrence.status == OccurrenceStatus.PLANNED:
            occurrence.status = OccurrenceStatus.ANNOUNCED
            session.add(occurrence)
    session.flush()
    return added


def _audience(session: Session, settings: Settings, occurrence: Occurrence) -> list[Contact]:
    """Who a meeting concerns: its buyer's contacts for a per-buyer kind; for a territory kind,
    the contacts of the organisations whose role is in the ritual's audience, and the guichet's
    own people (no organisation) when "guichet" is in it. A contact limited to some kinds is
    invited to those only."""
    kind = RitualKind(occurrence.kind)
    audience = set(settings.rituals[kind].audience)
    query = select(Contact, Organisation).join(
        Organisation, col(Organisation.id) == col(Contact.organisation_id), isouter=True
    )
    contacts = []
    for contact, organisation in session.exec(query).all():
        if kind.scope is Scope.BUYER:
            wanted = organisation is not None and organisation.id == occurrence.organisation_id
        elif organisation is None:
            wanted = "guichet" in audience
        else:
            wanted = OrganisationRole(organisation.role).value in audience
        limited = {k.strip() for k in contact.kinds.split(",") if k.strip()}
        if wanted and (not limited or kind.value in limited):
            contacts.append(contact)
    return contacts


def _meeting_facts(session: Session, occurrence: Occurrence) -> MeetingFacts:
    assert occurrence.id is not None
    # Who got the invitation, and whether it was written at the current SEQUENCE (after the
    # last move: it carried this version, so no update is due).
    invited: dict[int | None, bool] = {}
    for contact_id, sequence in session.exec(
        select(Message.contact_id, Message.sequence)
        .where(col(Message.occurrence_id) == occurrence.id)
        .where(col(Message.kind) == MessageKind.INVITE)
        .where(col(Message.state).in_([MessageState.SENT, MessageState.SENDING]))
    ):
        invited[contact_id] = sequence >= occurrence.sequence
    rows = session.exec(
        select(Invitation, Contact)
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Invitation.occurrence_id) == occurrence.id)
        .order_by(col(Contact.id))
    ).all()
    invitees = tuple(
        Invitee(
            _reader(contact),
            invitation.partstat,
            invited=contact.id in invited,
            current=invited.get(contact.id, False),
        )
        for invitation, contact in rows
    )
    return MeetingFacts(
        occurrence_id=occurrence.id,
        kind=RitualKind(occurrence.kind),
        start=occurrence.start,
        status=OccurrenceStatus(occurrence.status),
        sequence=occurrence.sequence,
        changed_at=occurrence.changed_at,
        invitees=invitees,
    )


def _reader(contact: Contact) -> Reader:
    kinds = {k.strip() for k in contact.unsubscribed_kinds.split(",") if k.strip()}
    stopped = (
        frozenset(MessageKind)
        if contact.unsubscribed
        else frozenset(k for k in MessageKind if k.value in kinds)
    )
    return Reader(
        email=contact.email,
        name=contact.name,
        locale=contact.locale,
        contact_id=contact.id,
        unsubscribed_from=stopped,
    )


def _convention_facts(session: Session, settings: Settings) -> list[ConventionFacts]:
    """Active conventions, told to the buyer's facilitator and contacts."""
    contacts: dict[int, list[Contact]] = defaultdict(list)
    for contact in session.exec(select(Contact).where(col(Contact.organisation_id).is_not(None))):
        assert contact.organisation_id is not None
        contacts[contact.organisation_id].append(contact)
    facts = []
    rows = session.exec(
        select(Convention, Organisation)
        .join(Organisation, col(Organisation.id) == col(Convention.organisation_id))
        .where(col(Convention.status) == "active")
    ).all()
    for convention, organisation in rows:
        assert convention.id is not None
        readers = [_reader(c) for c in contacts.get(organisation.id or 0, [])]
        facilitator = settings.facilitator(organisation.facilitator_id or "")
        if facilitator is not None:
            readers.insert(0, _facilitator_reader(settings, facilitator.id))
        facts.append(ConventionFacts(convention.id, convention.end_date, True, tuple(readers)))
    return facts


def _facilitator_readers(settings: Settings) -> list[Reader]:
    return [_facilitator_reader(settings, f.id) for f in settings.facilitators]


def _facilitator_reader(settings: Settings, facilitator_id: str) -> Reader:
    facilitator = settings.facilitator(facilitator_id)
    assert facilitator is not None
    return Reader(
        email=facilitator.email,
        name=facilitator.name,
        locale=settings.organisation.locale,
        facilitator_id=facilitator.id,
    )


def _cancel_unwanted(
    session: Session, occurrence_ids: Sequence[int], intents: Iterable[MessageIntent], now: datetime
) -> int:
    """Cancel pending rows about these meetings that the policy no longer wants."""
    if not occurrence_ids:
        return 0
    wanted = {intent.key for intent in intents}
    pending = session.exec(
        select(Message.idempotency_key)
        .where(col(Message.occurrence_id).in_(list(occurrence_ids)))
        .where(col(Message.kind).in_(list(MEETING_KINDS)))
        .where(col(Message.state) == MessageState.PENDING)
    ).all()
    stale = [key for key in pending if key not in wanted]
    return cancel_pending(session, stale, now, "no longer wanted (the meeting changed)")
