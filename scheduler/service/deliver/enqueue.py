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
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, or_
from sqlalchemy import select as sa_select
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
from scheduler.core.proposals import ProposalFacts, proposal_messages
from scheduler.service.deliver.outbox import cancel_pending, enqueue
from scheduler.service.plan.proposals import (
    booked_at,
    hold_back,
    next_proposal_instant,
    open_proposals,
    settle_proposals,
)
from scheduler.store import history
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
    next_due: datetime | None = None
    """After a full pass, the earliest instant at which another full pass could write
    something new (None: nothing is ever due again, as things stand)."""


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


def enqueue_for(
    engine: Engine, settings: Settings, now: datetime, occurrence_ids: Sequence[int]
) -> EnqueueReport:
    """What changed meetings need (an answer, a move): their rows only, not the whole pass."""
    with session_scope(engine) as session:
        return enqueue_messages(session, settings, now, occurrence_ids)


def enqueue_messages(
    session: Session,
    settings: Settings,
    now: datetime,
    occurrence_ids: Sequence[int] | None = None,
) -> EnqueueReport:
    """Write the messages due soon for the meetings named (all ahead when None; conventions and
    digests only then), in `session`'s transaction."""
    rules = message_rules(settings)
    if occurrence_ids is None:
        settle_proposals(session, now)
    occurrences = _occurrences(session, now, occurrence_ids, rules)
    invited = _invite_audiences(session, settings, rules, occurrences, now)
    meetings = _meeting_facts(session, occurrences)
    everything = occurrence_ids is None
    conventions = _convention_facts(session, settings, now, rules) if everything else []
    facilitators = _facilitator_readers(settings) if everything else []
    intents = due_messages(meetings, conventions, facilitators, rules, now)
    if everything:
        intents += _proposal_intents(session, settings, rules, now)
    cancelled = _cancel_unwanted(session, [o.id for o in occurrences if o.id], intents, now)
    soon = now + LOOKAHEAD
    domain = settings.organisation.uid_domain
    added = enqueue(session, intents, now, domain, insert_until=soon)
    next_due = (
        _next_full_pass(session, rules, now, intents, bool(facilitators)) if everything else None
    )
    if everything:
        proposal_due = next_proposal_instant(session, settings, now)
        if proposal_due is not None and (next_due is None or proposal_due < next_due):
            next_due = proposal_due
    return EnqueueReport(invited=invited, added=added, cancelled=cancelled, next_due=next_due)


# --- when a full pass has something new to write -----------------------------------------------


def _next_full_pass(
    session: Session,
    rules: MessageRules,
    now: datetime,
    intents: Iterable[MessageIntent],
    digests: bool,
) -> datetime | None:
    """The earliest instant after `now` at which a full pass would write what this one could
    not: a message the policy wants but not yet within LOOKAHEAD, a meeting whose audience is
    to be invited, a convention coming into the notices' reach, next week's digest. Each comes
    from an indexed query or from the facts this pass already read: never the whole horizon."""
    soon = now + LOOKAHEAD
    candidates = [intent.due_at - LOOKAHEAD for intent in intents if intent.due_at > soon]
    candidates += _next_invitations(session, rules, now)
    candidates += _next_notice_reach(session, rules, now)
    if digests:
        candidates.append(next_digest(rules, now))
    return min((at for at in candidates if at > now), default=None)


def _next_invitations(session: Session, rules: MessageRules, now: datetime) -> list[datetime]:
    """For each kind, when the next meeting not yet in reach gets its audience invited."""
    found = []
    for kind in RitualKind:
        before = timedelta(days=rules.invite_days(kind))
        first = session.exec(
            select(func.min(col(Occurrence.start)))
            .where(col(Occurrence.kind) == kind.value)
            .where(col(Occurrence.status).in_([s.value for s in INVITABLE]))
            .where(col(Occurrence.start) > now + before + LOOKAHEAD)
        ).one()
        if first is not None:
            found.append(_aware(first) - before - LOOKAHEAD)
    return found


def _next_notice_reach(session: Session, rules: MessageRules, now: datetime) -> list[datetime]:
    """When the next active convention beyond the notices' reach comes into it."""
    longest = timedelta(days=max(rules.renewal_notice_days, default=0))
    reach = (now + longest + LOOKAHEAD * 2).date()
    first = session.exec(
        select(func.min(col(Convention.end_date)))
        .where(col(Convention.status) == "active")
        .where(col(Convention.end_date) > reach)
    ).one()
    if first is None:
        return []
    return [datetime.combine(first, time(0, 0), UTC) - longest - LOOKAHEAD * 2]


def next_digest(rules: MessageRules, now: datetime) -> datetime:
    """The first weekly digest time after `now`."""
    zone = ZoneInfo(rules.timezone)
    local = now.astimezone(zone)
    day = local.date() + timedelta(days=(rules.digest_weekday - local.weekday()) % 7)
    due = datetime.combine(day, rules.digest_time, zone)
    if due <= now:
        due = datetime.combine(day + timedelta(weeks=1), rules.digest_time, zone)
    return due


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def on_occurrence_change(
    settings: Settings, now: datetime
) -> Callable[[Session, Occurrence], None]:
    """A callback for scheduler.service.plan.occurrences: enqueue the update or the cancellation of
    the changed meeting in the same transaction."""

    def enqueue_change(session: Session, occurrence: Occurrence) -> None:
        assert occurrence.id is not None
        enqueue_messages(session, settings, now, [occurrence.id])

    return enqueue_change


# --- facts from the store ----------------------------------------------------------------------


def _occurrences(
    session: Session, now: datetime, ids: Sequence[int] | None, rules: MessageRules
) -> list[Occurrence]:
    """The meetings named, or every meeting a message may be due for: those with invitees
    (reminders, updates, cancellations) and those whose invitation time has come. Meetings far
    ahead that nobody was told about are left for a later tick: a full tick stays proportional
    to what is near, not to the whole horizon."""
    query = select(Occurrence)
    if ids is not None:
        query = query.where(col(Occurrence.id).in_(list(ids)))
    else:
        longest = max((rules.invite_days(kind) for kind in RitualKind), default=0)
        reach = now + timedelta(days=longest) + LOOKAHEAD
        has_invitees = exists().where(col(Invitation.occurrence_id) == col(Occurrence.id))
        query = query.where(col(Occurrence.start) > now - timedelta(days=1)).where(
            or_(col(Occurrence.start) <= reach, has_invitees)
        )
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
    ids = [occurrence.id for occurrence in occurrences if occurrence.id is not None]
    booked = booked_at(session, ids)
    due = [
        occurrence
        for occurrence in occurrences
        if occurrence.status in INVITABLE
        and occurrence.start > now
        and (
            occurrence.start - timedelta(days=rules.invite_days(RitualKind(occurrence.kind)))
            <= now + LOOKAHEAD
            or occurrence.id in booked
        )
    ]
    due = hold_back(session, settings, due, now)
    if not due:
        return 0
    directory = _Directory.load(session)
    known = _in_chunks(
        session,
        select(col(Invitation.occurrence_id), col(Invitation.contact_id)),
        col(Invitation.occurrence_id),
        [o.id for o in due if o.id is not None],
    )
    invited: set[tuple[int, int]] = set(known)
    added = 0
    for occurrence in due:
        assert occurrence.id is not None
        one_off = occurrence.key.startswith("oneoff:")  # its invitees were chosen by hand
        for contact_id in () if one_off else directory.audience(settings, occurrence):
            if (occurrence.id, contact_id) not in invited:
                session.add(Invitation(occurrence_id=occurrence.id, contact_id=contact_id))
                invited.add((occurrence.id, contact_id))
                added += 1
        if occurrence.status == OccurrenceStatus.PLANNED:
            occurrence.status = OccurrenceStatus.ANNOUNCED
            session.add(occurrence)
            history.record(session, occurrence, now, history.Source.MAIL)
    session.flush()
    return added


class _Directory:
    """Every contact's organisation, role and ritual kinds, read once per pass and indexed by
    organisation and by role, so finding a meeting's audience does not scan everyone."""

    def __init__(self, rows: Iterable[tuple[int, int | None, str | None, str]]) -> None:
        self.by_organisation: dict[int, list[tuple[int, frozenset[str]]]] = defaultdict(list)
        self.by_role: dict[str, list[tuple[int, frozenset[str]]]] = defaultdict(list)
        for contact_id, org_id, role, kinds in rows:
            entry = (contact_id, frozenset(k.strip() for k in kinds.split(",") if k.strip()))
            if org_id is None:
                self.by_role["guichet"].append(entry)
            else:
                self.by_organisation[org_id].append(entry)
                if role is not None:
                    self.by_role[OrganisationRole(role).value].append(entry)

    @classmethod
    def load(cls, session: Session) -> _Directory:
        """The directory as it stands, contacts in id order."""
        rows = session.exec(
            select(
                col(Contact.id),
                col(Contact.organisation_id),
                col(Organisation.role),
                col(Contact.kinds),
            )
            .join(Organisation, col(Organisation.id) == col(Contact.organisation_id), isouter=True)
            .order_by(col(Contact.id))
        ).all()
        return cls(
            (int(contact_id or 0), org_id, None if role is None else str(role), kinds)
            for contact_id, org_id, role, kinds in rows
        )

    def audience(self, settings: Settings, occurrence: Occurrence) -> list[int]:
        """Who a meeting concerns: its buyer's contacts for a per-buyer kind; for a territory
        kind, the contacts of the organisations whose role is in the ritual's audience, and the
        guichet's own people (no organisation) when "guichet" is in it. A contact limited to
        some kinds is invited to those only."""
        kind = RitualKind(occurrence.kind)
        if kind.scope is Scope.BUYER:
            candidates = self.by_organisation.get(occurrence.organisation_id or -1, [])
        else:
            wanted = settings.rituals[kind].audience
            candidates = sorted(
                entry for role in set(wanted) for entry in self.by_role.get(role, [])
            )
        return [
            contact_id for contact_id, limited in candidates if not limited or kind.value in limited
        ]


def _in_chunks(
    session: Session, query: Any, column: Any, ids: Sequence[int], size: int = 500
) -> list[Any]:
    """Rows of `query` for `column IN ids`, asked in chunks the engines accept."""
    rows: list[Any] = []
    for start in range(0, len(ids), size):
        rows.extend(session.exec(query.where(column.in_(ids[start : start + size]))).all())
    return rows


def _meeting_facts(session: Session, occurrences: Sequence[Occurrence]) -> list[MeetingFacts]:
    """What the policy needs of each meeting, read in a few queries for the whole pass."""
    ids = [o.id for o in occurrences if o.id is not None]
    # Who got the invitation, and at which SEQUENCE (one written after the last move carried
    # this version, so no update is due).
    sent_at: dict[tuple[int, int | None], int] = {}
    invites = (
        select(col(Message.occurrence_id), col(Message.contact_id), col(Message.sequence))
        .where(col(Message.kind) == MessageKind.INVITE)
        .where(col(Message.state).in_([MessageState.SENT, MessageState.SENDING]))
    )
    for occurrence_id, contact_id, sequence in _in_chunks(
        session, invites, col(Message.occurrence_id), ids
    ):
        key = (occurrence_id, contact_id)
        sent_at[key] = max(sequence, sent_at.get(key, sequence))
    # Columns, not ORM objects: this reads every invitee of every meeting ahead.
    invitees: dict[int, list[Any]] = defaultdict(list)
    pairs = select(col(Invitation.occurrence_id), col(Invitation.partstat), *CONTACT_FIELDS).join(
        Contact, col(Contact.id) == col(Invitation.contact_id)
    )
    for row in _in_chunks(session, pairs, col(Invitation.occurrence_id), ids):
        invitees[row.occurrence_id].append((row, row))
    facts = []
    booked = booked_at(session, ids)
    for occurrence in occurrences:
        assert occurrence.id is not None
        rows = sorted(invitees.get(occurrence.id, []), key=lambda pair: pair[1].id or 0)
        facts.append(
            MeetingFacts(
                occurrence_id=occurrence.id,
                kind=RitualKind(occurrence.kind),
                start=occurrence.start,
                status=OccurrenceStatus(occurrence.status),
                sequence=occurrence.sequence,
                changed_at=occurrence.changed_at,
                invitees=tuple(
                    Invitee(
                        reader_of(contact),
                        invitation.partstat,
                        invited=(occurrence.id, contact.id) in sent_at,
                        current=sent_at.get((occurrence.id, contact.id), -1) >= occurrence.sequence,
                    )
                    for invitation, contact in rows
                ),
                booked_at=booked.get(occurrence.id),
            )
        )
    return facts


CONTACT_FIELDS: tuple[Any, ...] = (
    col(Contact.id),
    col(Contact.organisation_id),
    col(Contact.email),
    col(Contact.name),
    col(Contact.locale),
    col(Contact.unsubscribed_kinds),
    col(Contact.unsubscribed_rituals),
    col(Contact.unsubscribed),
)
"""What `reader_of` reads of a contact, for passes that read many as plain rows."""


def reader_of(contact: Contact | Any) -> Reader:
    """What the message policy knows of a contact: address, language and what they stopped."""
    kinds = _listed(contact.unsubscribed_kinds)
    rituals = _listed(contact.unsubscribed_rituals)
    return Reader(
        email=contact.email,
        name=contact.name,
        locale=contact.locale,
        contact_id=contact.id,
        unsubscribed_from=frozenset(k for k in MessageKind if k.value in kinds),
        unsubscribed_rituals=frozenset(r for r in RitualKind if r.value in rituals),
        unsubscribed_all=contact.unsubscribed,
    )


def _listed(text: str) -> set[str]:
    """The values of a comma-separated column."""
    return {value.strip() for value in text.split(",") if value.strip()}


def _convention_facts(
    session: Session, settings: Settings, now: datetime, rules: MessageRules
) -> list[ConventionFacts]:
    """Active conventions, told to the buyer's contacts (the notice speaks to the buyer, never to
    the guichet's own people: the facilitator follows them in the digest); those ending too far
    ahead for any notice to fall due before the next ticks are left for later."""
    longest = max(rules.renewal_notice_days, default=0)
    horizon = (now + timedelta(days=longest) + LOOKAHEAD * 2).date()
    facts = []
    rows = session.exec(
        select(Convention, Organisation)
        .join(Organisation, col(Organisation.id) == col(Convention.organisation_id))
        .where(col(Convention.status) == "active")
        .where(col(Convention.end_date) <= horizon)
    ).all()
    # Only the contacts of the buyers whose conventions are in reach, as plain rows.
    contacts: dict[int, list[Any]] = defaultdict(list)
    buyers = sorted({organisation.id for _, organisation in rows if organisation.id is not None})
    for contact in _in_chunks(
        session, sa_select(*CONTACT_FIELDS), col(Contact.organisation_id), buyers
    ):
        contacts[contact.organisation_id].append(contact)
    for convention, organisation in rows:
        assert convention.id is not None
        readers = [
            reader_of(c)
            for c in contacts.get(organisation.id or 0, [])
            if not settings.is_staff(c.email)
        ]
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


def _proposal_intents(
    session: Session, settings: Settings, rules: MessageRules, now: datetime
) -> list[MessageIntent]:
    """The proposal mails and their reminders, to the buyer's contacts (never the guichet's
    people: the facilitator sees the proposal in the feed and the digest)."""
    proposals = open_proposals(session)
    if not proposals:
        return []
    directory = _Directory.load(session)
    zone = ZoneInfo(rules.timezone)
    intents: list[MessageIntent] = []
    for proposal in proposals:
        occurrence = session.get(Occurrence, proposal.occurrence_id)
        assert occurrence is not None
        assert proposal.id is not None
        contacts = [session.get(Contact, i) for i in directory.audience(settings, occurrence)]
        readers = tuple(
            reader_of(c) for c in contacts if c is not None and not settings.is_staff(c.email)
        )
        facts = ProposalFacts(
            proposal_id=proposal.id,
            occurrence_id=proposal.occurrence_id,
            opened_at=proposal.created_at,
            deadline=proposal.deadline,
            is_open=True,
            answered=proposal.none_suits_at is not None,
            readers=readers,
        )
        days = settings.rituals[RitualKind(occurrence.kind)].proposal_reminders_days
        intents += proposal_messages(facts, days, rules.send_time, zone, now)
    return intents


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
