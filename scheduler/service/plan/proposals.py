"""Proposals: for a meeting whose ritual says `booking = "choose"`, the buyer chooses its date.

At the invitation's lead time, instead of inviting, `open_proposal` stores the candidate dates
(scheduler.core.slots: the planner's default one and others, every planning rule kept) and the
choice deadline (`choice_deadline_days` before the first date, at the morning send time); the
buyer's contacts then get the proposal mail (scheduler.core.proposals) with a link to `/rdv/`
(scheduler.service.answer.booking). While a proposal is open its meeting keeps its default date and
is not moved by a re-plan, and every date offered holds the facilitator's capacity: the planner
books them (`holds`) before placing anything. The proposal ends when a contact books a date, or
at the deadline, when `settle_proposals` confirms the default date; either way the usual
invitation follows. A proposal too late to leave the buyer a week to answer is not opened: the
meeting is invited at its default date, as an imposed one is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.calendar_rules import WorkingCalendar
from scheduler.core.kinds import OccurrenceStatus, RitualKind, Scope
from scheduler.core.placement import Booked
from scheduler.core.planner import meeting_window
from scheduler.core.policy import MessageRules
from scheduler.core.proposals import ProposalFacts, choice_deadline, next_instant
from scheduler.core.slots import Slot, candidate_slots
from scheduler.core.values import Capacity, PlannedOccurrence
from scheduler.service.access.signing import signer
from scheduler.service.plan.buyers import load_buyer_profiles
from scheduler.store import occurrences
from scheduler.store.models import Occurrence, Proposal, ProposalSlot
from scheduler.store.proposals import (
    BOOKED,
    CONFIRMED,
    OPEN,
    WITHDRAWN,
    booked_at,
    offered_dates,
    open_proposals,
    open_with_meetings,
    proposal_of,
    slots_of,
    with_open_proposal,
)

__all__ = [
    "BOOKED",
    "CONFIRMED",
    "OPEN",
    "PURPOSE",
    "WITHDRAWN",
    "booked_at",
    "capacity_of",
    "chooses",
    "hold_back",
    "holds",
    "next_proposal_instant",
    "open_proposal",
    "open_proposals",
    "proposal_of",
    "proposal_token",
    "proposal_url",
    "settle_proposals",
    "slots_of",
    "taken",
    "unseal",
]
"""The store's questions about proposals (`proposal_of`, `slots_of`, `booked_at`,
`open_proposals`) are named here too, where the mail side looks for them."""

MIN_ANSWER_DAYS = 7
"""A proposal leaves the buyer at least this long before its deadline, else it is not opened."""
NEIGHBOURHOOD = timedelta(days=8)
"""Other meetings farther than this from a date cannot break its day or week rules."""


def chooses(settings: Settings, kind: RitualKind) -> bool:
    """True when the buyer chooses the date of meetings of `kind`."""
    return kind.scope is Scope.BUYER and settings.rituals[kind].booking == "choose"


def capacity_of(settings: Settings, facilitator: str) -> Capacity:
    """A facilitator's capacity, or the defaults."""
    found = next((c for c in settings.capacities() if c.facilitator == facilitator), None)
    return found or Capacity(facilitator)


def hold_back(
    session: Session, settings: Settings, due: Sequence[Occurrence], now: datetime
) -> list[Occurrence]:
    """Of the meetings whose invitation is due, those to invite now: a meeting the buyer
    chooses gets its proposal instead (opened here when it has none), until it is decided. A
    meeting already announced is decided: its invitations went out without a proposal (it was
    too late for one), and none is tried again."""
    invite = []
    for occurrence in due:
        assert occurrence.id is not None
        if not chooses(settings, RitualKind(occurrence.kind)):
            invite.append(occurrence)
            continue
        proposal = proposal_of(session, occurrence.id)
        if proposal is None and occurrence.status == OccurrenceStatus.PLANNED:
            proposal = open_proposal(session, settings, occurrence, now)
        if proposal is None or proposal.state != OPEN:
            invite.append(occurrence)
    return invite


def open_proposal(
    session: Session, settings: Settings, occurrence: Occurrence, now: datetime
) -> Proposal | None:
    """Store the dates offered for `occurrence` and its deadline; None (nothing stored) when it
    is too late to leave the buyer a week to answer."""
    assert occurrence.id is not None
    kind = RitualKind(occurrence.kind)
    ritual = settings.rituals[kind]
    zone = ZoneInfo(settings.organisation.timezone)
    today = now.astimezone(zone).date()
    earliest = today + timedelta(days=ritual.choice_deadline_days + MIN_ANSWER_DAYS)
    calendar = WorkingCalendar(settings.calendar_rules())
    default = Slot(occurrence.start, occurrence.end)
    window = _window(session, settings, occurrence) or (earliest, calendar.local_day(default.start))
    slots = candidate_slots(
        default,
        window,
        ritual.rule(kind),
        calendar=calendar,
        capacity=capacity_of(settings, occurrence.facilitator_id),
        others=taken(session, occurrence.facilitator_id, window, occurrence.id, holds=True),
        count=ritual.slots,
        earliest=earliest,
    )
    first = min(slot.start for slot in slots)
    deadline = choice_deadline(first, ritual.choice_deadline_days, MessageRules().send_time, zone)
    if deadline < now + timedelta(days=MIN_ANSWER_DAYS):
        return None
    proposal = Proposal(occurrence_id=occurrence.id, deadline=deadline, created_at=now)
    session.add(proposal)
    session.flush()
    assert proposal.id is not None
    for slot in slots:
        session.add(
            ProposalSlot(
                proposal_id=proposal.id,
                start=slot.start,
                end=slot.end,
                is_default=slot == default,
            )
        )
    session.flush()
    return proposal


def taken(
    session: Session,
    facilitator: str,
    span: tuple[date, date],
    leave_out: int | None,
    *,
    holds: bool,
) -> list[Booked]:
    """The facilitator's meetings around `span` (not cancelled, `leave_out` left out) and, with
    `holds`, the dates other open proposals offer. Without `holds`, a meeting whose proposal is
    open is not counted: its date is a hold like the others."""
    first = datetime.combine(span[0], time(), UTC) - NEIGHBOURHOOD
    last = datetime.combine(span[1], time(), UTC) + NEIGHBOURHOOD
    open_ids = with_open_proposal(session)
    booked = [
        Booked(span.start, span.end, span.key)
        for span in occurrences.starting_between(session, facilitator, first, last)
        if span.id != leave_out and (holds or span.id not in open_ids)
    ]
    if holds:
        offered = offered_dates(
            session,
            facilitator_id=facilitator,
            besides=leave_out or None,
            between=(first, last),
            defaults=False,
        )
        booked += [Booked(o.start, o.end, f"{o.occurrence_key} (proposed)") for o in offered]
    return booked


def holds(session: Session, uid_domain: str) -> tuple[list[PlannedOccurrence], frozenset[str]]:
    """For the planner: the dates open proposals offer besides their default one (held like
    meetings), and the keys of their meetings (kept where they are, like announced ones)."""
    held = []
    keys = set()
    for offered in offered_dates(session):
        keys.add(offered.occurrence_key)
        if not offered.is_default:
            held.append(
                PlannedOccurrence(
                    key=f"{offered.occurrence_key}#hold:{offered.start.isoformat()}",
                    uid=f"hold-{offered.start.timestamp():.0f}@{uid_domain}",
                    kind=offered.kind,
                    buyer=None,
                    facilitator=offered.facilitator_id,
                    start=offered.start,
                    end=offered.end,
                )
            )
    return held, frozenset(keys)


def settle_proposals(session: Session, now: datetime) -> list[int]:
    """Close the open proposals whose deadline has come (the default date is confirmed) or
    whose meeting was cancelled (withdrawn); the ids of the meetings confirmed, to invite."""
    confirmed = []
    for proposal, occurrence in open_with_meetings(session):
        if occurrence.status == OccurrenceStatus.CANCELLED:
            proposal.state, proposal.decided_at = WITHDRAWN, now
        elif proposal.deadline <= now:
            proposal.state, proposal.decided_at = CONFIRMED, now
            assert occurrence.id is not None
            confirmed.append(occurrence.id)
        else:
            continue
        session.add(proposal)
    session.flush()
    return confirmed


def window_of(
    session: Session, settings: Settings, occurrence: Occurrence
) -> tuple[date, date] | None:
    """The planner's window for a per-buyer meeting: its proposal's dates fall in it."""
    return _window(session, settings, occurrence)


def _window(
    session: Session, settings: Settings, occurrence: Occurrence
) -> tuple[date, date] | None:
    """The planner's window for a per-buyer meeting."""
    if occurrence.organisation_id is None:
        return None
    profile = next(iter(load_buyer_profiles(session, settings, occurrence.organisation_id)), None)
    if profile is None:
        return None
    kind = RitualKind(occurrence.kind)
    return meeting_window(
        settings.rituals[kind].rule(kind), profile, occurrence.key, occurrence.start.date()
    )


# --- links ------------------------------------------------------------------------------------

PURPOSE = "rdv"
_CONTACT_BITS = 32
_OFFER_SHIFT = 56
"""A link's sealed id carries the offer (top byte), the proposal (the next 24 bits) and the
contact it was sent to (the low half); a first offer's id is the proposal and contact alone."""


def proposal_token(
    settings: Settings, proposal_id: int, contact_id: int, deadline: datetime, offer: int = 0
) -> str:
    """The signed token of one contact's link to a proposal's `offer` of dates, valid until
    its deadline."""
    sealed_id = (offer << _OFFER_SHIFT) | (proposal_id << _CONTACT_BITS) | contact_id
    return signer(settings, PURPOSE).seal(sealed_id, deadline)


def proposal_url(
    settings: Settings, proposal_id: int, contact_id: int, deadline: datetime, offer: int = 0
) -> str:
    """The page where a contact chooses the date: `/rdv/<token>`."""
    token = proposal_token(settings, proposal_id, contact_id, deadline, offer)
    return f"{settings.feeds.base_url.rstrip('/')}/rdv/{token}"


def unseal(sealed_id: int) -> tuple[int, int]:
    """The proposal and the contact a link's sealed id names."""
    proposal_bits = (1 << (_OFFER_SHIFT - _CONTACT_BITS)) - 1
    return (sealed_id >> _CONTACT_BITS) & proposal_bits, sealed_id & ((1 << _CONTACT_BITS) - 1)


def offer_of(sealed_id: int) -> int:
    """The offer of dates a link's sealed id was sent with."""
    return sealed_id >> _OFFER_SHIFT


def next_proposal_instant(session: Session, settings: Settings, now: datetime) -> datetime | None:
    """The next instant after `now` something is due for an open proposal (a reminder, or a
    deadline that confirms a default date): a wake-up for the daemon."""
    zone = ZoneInfo(settings.organisation.timezone)
    send_time = MessageRules().send_time
    instants = []
    for proposal in open_proposals(session):
        occurrence = occurrences.by_id(session, proposal.occurrence_id)
        if occurrence is None or proposal.id is None:
            continue
        facts = ProposalFacts(
            proposal_id=proposal.id,
            occurrence_id=proposal.occurrence_id,
            opened_at=proposal.created_at,
            deadline=proposal.deadline,
            is_open=True,
            answered=proposal.none_suits_at is not None,
            offer=proposal.offer,
        )
        days = settings.rituals[RitualKind(occurrence.kind)].proposal_reminders_days
        found = next_instant([facts], days, send_time, zone, now)
        if found is not None:
            instants.append(found)
    return min(instants, default=None)
