"""New dates for a buyer who answered that none of the dates offered suits them.

The facilitator reads the buyer's message on the meeting's page (or in the digest) and sends new
dates, from the workspace or `rituel occurrence propose UID`: `send_new_slots` asks the same core
as the first offer (scheduler.core.slots.replacement_slots: every planning rule kept, the
facilitator's other meetings and open proposals held, no day of a refused date offered again),
keeps the refused dates, makes the new default date the meeting's date, sets a new deadline and
mails the new dates to the buyer's contacts with fresh links. Each link names its offer: a link
of an earlier offer then only says the dates were replaced (scheduler.service.answer.booking).

It runs under the same lock as a booking (`LockKey.BOOKING`, the proposal's row locked), so a
booking that arrives meanwhile is either made first (the new dates are refused: the date is
decided) or finds its link replaced.

Refusals (InputError, its problem code first): `none` (the meeting has no proposal), `decided`
(booked, confirmed or withdrawn, or its deadline has passed), `pending` (no "none suits us" to
answer), `no_dates` (no free date left in the meeting's window); NotFoundError: no such meeting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.calendar_rules import WorkingCalendar
from scheduler.core.kinds import RitualKind
from scheduler.core.policy import MessageRules
from scheduler.core.proposals import choice_deadline
from scheduler.core.slots import Slot, replacement_slots
from scheduler.errors import InputError, NotFoundError
from scheduler.service import wake
from scheduler.service.deliver.enqueue import enqueue_proposal
from scheduler.service.plan import proposals
from scheduler.service.plan.effective import effective_settings
from scheduler.store import journal, offers
from scheduler.store.db import session_scope
from scheduler.store.locks import LockKey, transaction_lock
from scheduler.store.models import Occurrence, Proposal
from scheduler.store.outbox import cancel_pending


@dataclass(frozen=True, slots=True)
class NewOffer:
    """What `send_new_slots` did."""

    uid: str
    offer: int
    slots: tuple[Slot, ...]
    """The dates now offered, the new default first."""
    deadline: datetime
    mails: int
    """The proposal mails queued."""


def send_new_slots(
    settings: Settings, engine: Engine, uid: str, now: datetime, *, actor: str = journal.CLI
) -> NewOffer:
    """Offer the buyer new dates for the meeting `uid`, whose dates none suited them, and mail
    them; see the module's docstring for the refusals."""
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        transaction_lock(session.connection(), LockKey.BOOKING)
        found = offers.proposal_to_answer(session, uid)
        if found is None:
            raise NotFoundError(f"no meeting with UID {uid!r}")
        occurrence, proposal = found[0], _check(uid, found[1], now)
        assert proposal.id is not None
        assert occurrence.id is not None
        current = [Slot(row.start, row.end) for row in proposals.slots_of(session, proposal.id)]
        refused = [*current, *offers.refused_slots(session, proposal.id)]
        slots, deadline = _new_dates(session, settings, occurrence, refused, now)
        message = proposal.none_suits_message or ""
        offers.replace_slots(session, proposal, slots, slots[0])
        journal.write(
            session,
            now,
            actor,
            "new_slots",
            occurrence=occurrence,
            before={"start": occurrence.start.isoformat(), "message": message},
            after={"start": slots[0].start.isoformat()},
        )
        occurrence.start, occurrence.end = slots[0].start, slots[0].end
        occurrence.changed_at = max(occurrence.changed_at, now)
        proposal.offer += 1
        proposal.deadline, proposal.created_at = deadline, now
        proposal.none_suits_message = None
        proposal.none_suits_at = proposal.none_suits_by = None
        session.add(occurrence)
        session.add(proposal)
        session.flush()
        stale = offers.pending_proposal_mails(session, occurrence.id)
        cancel_pending(session, stale, now, "new dates replaced these")
        mails = enqueue_proposal(session, settings, now, proposal)
        wake.on_commit(session, "new slots", [occurrence.id])
        return NewOffer(occurrence.uid, proposal.offer, slots, deadline, mails)


def _check(uid: str, proposal: Proposal | None, now: datetime) -> Proposal:
    """The proposal to answer; InputError when there is nothing to answer (see the module's
    docstring)."""
    if proposal is None:
        raise InputError(f"{uid} has no proposal: its date is not the buyer's to choose", ["none"])
    if proposal.state != proposals.OPEN or proposal.deadline <= now:
        raise InputError(f"{uid}: the date is decided ({proposal.state})", ["decided"])
    if proposal.none_suits_at is None:
        raise InputError(f"{uid}: the buyer has not said that no date suits them", ["pending"])
    return proposal


def _new_dates(
    session: Session,
    settings: Settings,
    occurrence: Occurrence,
    refused: list[Slot],
    now: datetime,
) -> tuple[tuple[Slot, ...], datetime]:
    """The new dates (the new default first) and their deadline, as a first offer's are
    chosen (scheduler.service.plan.proposals.open_proposal), none on a refused date's day."""
    kind = RitualKind(occurrence.kind)
    ritual = settings.rituals[kind]
    zone = ZoneInfo(settings.organisation.timezone)
    earliest = now.astimezone(zone).date() + timedelta(
        days=ritual.choice_deadline_days + proposals.MIN_ANSWER_DAYS
    )
    calendar = WorkingCalendar(settings.calendar_rules())
    near = Slot(occurrence.start, occurrence.end)
    window = proposals.window_of(session, settings, occurrence) or (
        earliest,
        max(earliest, calendar.local_day(near.start)),
    )
    assert occurrence.id is not None
    slots = replacement_slots(
        near,
        refused,
        window,
        ritual.rule(kind),
        calendar=calendar,
        capacity=proposals.capacity_of(settings, occurrence.facilitator_id),
        others=proposals.taken(
            session, occurrence.facilitator_id, window, occurrence.id, holds=True
        ),
        count=ritual.slots,
        earliest=earliest,
    )
    if not slots:
        raise InputError(
            f"{occurrence.uid}: no free date is left in the meeting's window", ["no_dates"]
        )
    first = min(slot.start for slot in slots)
    deadline = choice_deadline(first, ritual.choice_deadline_days, MessageRules().send_time, zone)
    if deadline < now + timedelta(days=proposals.MIN_ANSWER_DAYS):
        raise InputError(f"{occurrence.uid}: too late to offer new dates", ["no_dates"])
    return slots, deadline
