"""Enqueue: turn the message policy's answer into outbox rows, inside the caller's transaction.

Runs on every daemon tick (and in the transaction of a move or a cancellation): it invites the
audience of meetings whose invitation is near, asks the policy which messages should exist,
writes those due soon, lets pending rows follow a moved meeting, and cancels pending rows the
policy no longer wants (a reminder of the old date, an invitation to a cancelled meeting).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.messages import MessageKind
from scheduler.core.policy import ConventionFacts, MessageIntent, MessageRules, due_messages
from scheduler.core.proposals import ProposalFacts, proposal_messages
from scheduler.core.readers import Reader
from scheduler.service.plan.effective import effective_settings
from scheduler.service.plan.proposals import (
    booked_at,
    hold_back,
    next_proposal_instant,
    open_proposals,
    settle_proposals,
)
from scheduler.store import outbox, policy_facts
from scheduler.store.db import session_scope
from scheduler.store.meetings import meeting_by_id
from scheduler.store.models import Occurrence, Proposal
from scheduler.store.readers import (
    ContactIndex,
    add_invitations,
    invited_pairs,
    readers_by_id,
    readers_of_organisations,
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
    digests only then), in `session`'s transaction, with the effective rituals and team."""
    settings = effective_settings(settings, session)
    rules = message_rules(settings)
    if occurrence_ids is None:
        settle_proposals(session, now)
    longest = max((rules.invite_days(kind) for kind in RitualKind), default=0)
    reach = now + timedelta(days=longest) + LOOKAHEAD
    occurrences = policy_facts.occurrences_ahead(session, now, reach, occurrence_ids)
    invited = _invite_audiences(session, settings, rules, occurrences, now)
    ids = [o.id for o in occurrences if o.id is not None]
    meetings = policy_facts.policy_meetings(session, occurrences, booked_at(session, ids))
    everything = occurrence_ids is None
    conventions = _convention_facts(session, settings, now, rules) if everything else []
    facilitators = _facilitator_readers(settings) if everything else []
    intents = due_messages(meetings, conventions, facilitators, rules, now)
    if everything:
        intents += _proposal_intents(session, settings, rules, now)
    cancelled = _cancel_unwanted(session, ids, intents, now)
    soon = now + LOOKAHEAD
    domain = settings.organisation.uid_domain
    added = outbox.enqueue(session, intents, now, domain, insert_until=soon)
    next_due = (
        _next_full_pass(session, rules, now, intents, bool(facilitators)) if everything else None
    )
    if everything:
        proposal_due = next_proposal_instant(session, settings, now)
        if proposal_due is not None and (next_due is None or proposal_due < next_due):
            next_due = proposal_due
    return EnqueueReport(invited=invited, added=added, cancelled=cancelled, next_due=next_due)


def on_occurrence_change(
    settings: Settings, now: datetime
) -> Callable[[Session, Occurrence], None]:
    """A callback for scheduler.service.plan.occurrences: enqueue the update or the cancellation of
    the changed meeting in the same transaction."""

    def enqueue_change(session: Session, occurrence: Occurrence) -> None:
        assert occurrence.id is not None
        enqueue_messages(session, settings, now, [occurrence.id])

    return enqueue_change


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
        first = policy_facts.first_start(session, kind, INVITABLE, now + before + LOOKAHEAD)
        if first is not None:
            found.append(first - before - LOOKAHEAD)
    return found


def _next_notice_reach(session: Session, rules: MessageRules, now: datetime) -> list[datetime]:
    """When the next active convention beyond the notices' reach comes into it."""
    longest = timedelta(days=max(rules.renewal_notice_days, default=0))
    reach = (now + longest + LOOKAHEAD * 2).date()
    first = policy_facts.first_convention_end(session, reach)
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


# --- who is invited ----------------------------------------------------------------------------


def _invite_audiences(
    session: Session,
    settings: Settings,
    rules: MessageRules,
    occurrences: Iterable[Occurrence],
    now: datetime,
) -> int:
    """Create the invitations of meetings whose invitation is due soon (the audience is fixed
    when people are invited), and mark the planned ones announced."""
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
    index = ContactIndex.load(session)
    invited = invited_pairs(session, [o.id for o in due if o.id is not None])
    new: list[tuple[int, int]] = []
    for occurrence in due:
        assert occurrence.id is not None
        one_off = occurrence.key.startswith("oneoff:")  # its invitees were chosen by hand
        for contact_id in () if one_off else _audience(settings, index, occurrence):
            if (occurrence.id, contact_id) not in invited:
                new.append((occurrence.id, contact_id))
                invited.add((occurrence.id, contact_id))
    add_invitations(session, new)
    planned = [o for o in due if o.status == OccurrenceStatus.PLANNED]
    policy_facts.announce(session, planned, now)
    session.flush()
    return len(new)


def _audience(settings: Settings, index: ContactIndex, occurrence: Occurrence) -> list[int]:
    """The contacts a meeting concerns, as its ritual's audience says."""
    kind = RitualKind(occurrence.kind)
    return index.audience(kind, occurrence.organisation_id, settings.rituals[kind].audience)


# --- conventions, facilitators and proposals ---------------------------------------------------


def _convention_facts(
    session: Session, settings: Settings, now: datetime, rules: MessageRules
) -> list[ConventionFacts]:
    """Active conventions, told to the buyer's contacts (the notice speaks to the buyer, never to
    the guichet's own people: the facilitator follows them in the digest); those ending too far
    ahead for any notice to fall due before the next ticks are left for later."""
    longest = max(rules.renewal_notice_days, default=0)
    horizon = (now + timedelta(days=longest) + LOOKAHEAD * 2).date()
    rows = policy_facts.conventions_ending_by(session, horizon)
    readers = readers_of_organisations(session, (buyer for _, _, buyer in rows))
    return [
        ConventionFacts(
            convention_id,
            end,
            True,
            tuple(r for r in readers.get(buyer, []) if not settings.is_staff(r.email)),
        )
        for convention_id, end, buyer in rows
    ]


def _facilitator_readers(settings: Settings) -> list[Reader]:
    return [
        Reader(
            email=facilitator.email,
            name=facilitator.name,
            locale=settings.organisation.locale,
            facilitator_id=facilitator.id,
        )
        for facilitator in settings.facilitators
    ]


def enqueue_proposal(
    session: Session, settings: Settings, now: datetime, proposal: Proposal
) -> int:
    """Write the mails of one open proposal due by `now` (its dates, to the buyer's contacts)
    in `session`'s transaction, as a full pass would; the rows added."""
    rules = message_rules(settings)
    intents = _proposal_intents(session, settings, rules, now, [proposal])
    domain = settings.organisation.uid_domain
    return outbox.enqueue(session, intents, now, domain, insert_until=now + LOOKAHEAD)


def _proposal_intents(
    session: Session,
    settings: Settings,
    rules: MessageRules,
    now: datetime,
    only: Sequence[Proposal] | None = None,
) -> list[MessageIntent]:
    """The proposal mails and their reminders, to the buyer's contacts (never the guichet's
    people: the facilitator sees the proposal in the feed and the digest): of every open
    proposal, or `only` of these."""
    proposals = open_proposals(session) if only is None else list(only)
    if not proposals:
        return []
    index = ContactIndex.load(session)
    zone = ZoneInfo(rules.timezone)
    intents: list[MessageIntent] = []
    for proposal in proposals:
        meeting = meeting_by_id(session, proposal.occurrence_id)
        assert meeting is not None
        assert proposal.id is not None
        wanted = index.audience(
            meeting.kind, meeting.organisation_id, settings.rituals[meeting.kind].audience
        )
        known = readers_by_id(session, wanted)
        readers = tuple(
            known[i] for i in wanted if i in known and not settings.is_staff(known[i].email)
        )
        facts = ProposalFacts(
            proposal_id=proposal.id,
            occurrence_id=proposal.occurrence_id,
            opened_at=proposal.created_at,
            deadline=proposal.deadline,
            is_open=True,
            answered=proposal.none_suits_at is not None,
            readers=readers,
            offer=proposal.offer,
        )
        days = settings.rituals[meeting.kind].proposal_reminders_days
        intents += proposal_messages(facts, days, rules.send_time, zone, now)
    return intents


def _cancel_unwanted(
    session: Session, occurrence_ids: Sequence[int], intents: Iterable[MessageIntent], now: datetime
) -> int:
    """Cancel pending rows about these meetings that the policy no longer wants."""
    wanted = {intent.key for intent in intents}
    pending = outbox.pending_keys(session, occurrence_ids, MEETING_KINDS)
    stale = [key for key in pending if key not in wanted]
    return outbox.cancel_pending(session, stale, now, "no longer wanted (the meeting changed)")
