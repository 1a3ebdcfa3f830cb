"""Booking: a buyer's contact chooses the date of its meeting from the proposal's link.

The link (`/rdv/<token>`, scheduler.service.plan.proposals.proposal_url) carries a signed token over
the proposal and the contact, valid until the choice deadline. GET (`look_up`) shows the dates
still free and changes nothing; `book` turns one into the meeting's date (same row, same UID),
closes the proposal (its other dates stop holding the facilitator's capacity) and invites
everyone in the same transaction: the usual REQUEST goes at once. `none_suits` records the
buyer's message for the facilitator (the proposal stays open: the buyer may still choose, the
facilitator may send new dates, and the deadline still confirms the default date).

A booking re-checks the date against the facilitator's meetings in its transaction, so two
bookings at the same instant cannot both take the last place: on SQLite every write transaction
starts with BEGIN IMMEDIATE (one writer at a time); on PostgreSQL bookings take one
transaction-level advisory lock (`LockKey.BOOKING`) before reading. The one that comes second
sees the date taken (« ce créneau vient d'être pris ») and the page offers the rest.

- a forged, malformed or unknown token → `UNKNOWN` (404), through the same steps as a right one;
- past the deadline → `EXPIRED` (410); a date already decided → `DECIDED` (410); a link of an
  earlier offer, once the facilitator sent new dates (scheduler.service.plan.offers) →
  `REPLACED` (410); nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.calendar_rules import WorkingCalendar
from scheduler.core.slots import Slot, slot_is_free
from scheduler.i18n import format_when, supported
from scheduler.service import wake
from scheduler.service.access.signing import Sealed, signer
from scheduler.service.deliver.enqueue import enqueue_messages
from scheduler.service.plan import proposals
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.event_views import meeting_title
from scheduler.store import directory, links
from scheduler.store.db import session_scope
from scheduler.store.locks import LockKey, transaction_lock
from scheduler.store.meetings import meeting_of
from scheduler.store.models import Contact, Occurrence, Proposal

MAX_MESSAGE = 1500
"""The longest "none of these suits us" message kept (the form itself is at most 2 KB)."""


class BookingState(StrEnum):
    """What a proposal's page says, and the HTTP status that goes with it."""

    OPEN = "open"
    BOOKED = "booked"
    NONE_SUITS = "none_suits"
    TAKEN = "taken"
    INVALID = "invalid"
    DECIDED = "decided"
    REPLACED = "replaced"
    EXPIRED = "expired"
    UNKNOWN = "unknown"

    @property
    def http_status(self) -> int:
        """200 while one may choose and after choosing; 409 taken; 404 unknown; 410 closed."""
        return {
            BookingState.TAKEN: 409,
            BookingState.INVALID: 400,
            BookingState.DECIDED: 410,
            BookingState.REPLACED: 410,
            BookingState.EXPIRED: 410,
            BookingState.UNKNOWN: 404,
        }.get(self, 200)


@dataclass(frozen=True, slots=True)
class SlotChoice:
    """One date on the page: the radio button's value (ISO 8601 with its offset) and label."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class BookingView:
    """What the page shows, in the contact's language; nothing for an unknown link."""

    state: BookingState
    locale: str
    contact_name: str = ""
    title: str = ""
    slots: tuple[SlotChoice, ...] = ()
    """The dates still free."""
    deadline: str = ""
    decided: str = ""
    """The meeting's date once decided (or just booked)."""
    message: str = ""
    """What the buyer wrote when no date suited them."""


def look_up(settings: Settings, engine: Engine, token: str, now: datetime) -> BookingView:
    """What the link `token` opens at `now`; changes nothing."""
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        found = _find(session, settings, token, lock=False)
        return _view(session, settings, found, now)


def book(settings: Settings, engine: Engine, token: str, value: str, now: datetime) -> BookingView:
    """Make the date whose start is `value` (ISO 8601) the meeting's date and invite everyone,
    if the link may still choose and the date is still free."""
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        transaction_lock(session.connection(), LockKey.BOOKING)
        found = _find(session, settings, token, lock=True)
        view = _view(session, settings, found, now)
        if view.state is not BookingState.OPEN or found is None:
            return view
        proposal, occurrence, contact = found.rows
        chosen = _chosen(session, proposal, value)
        if chosen is None:
            return _with_state(view, BookingState.INVALID)
        if not _free(session, settings, occurrence, chosen):
            return _with_state(view, BookingState.TAKEN)
        occurrence.start, occurrence.end = chosen.start, chosen.end
        occurrence.changed_at = max(occurrence.changed_at, now)
        proposal.state, proposal.decided_at, proposal.chosen_by = proposals.BOOKED, now, contact.id
        session.add(occurrence)
        session.add(proposal)
        session.flush()
        assert occurrence.id is not None
        enqueue_messages(session, settings, now, [occurrence.id])
        wake.on_commit(session, "booking", [occurrence.id])
        return _with_state(
            view,
            BookingState.BOOKED,
            decided=format_when(chosen.start, view.locale, settings.organisation.timezone),
        )


def none_suits(
    settings: Settings, engine: Engine, token: str, message: str, now: datetime
) -> BookingView:
    """Record that none of the dates suits the buyer, and why, for the facilitator."""
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        found = _find(session, settings, token, lock=True)
        view = _view(session, settings, found, now)
        if view.state is not BookingState.OPEN or found is None:
            return view
        proposal, _, contact = found.rows
        proposal.none_suits_message = message.strip()[:MAX_MESSAGE]
        proposal.none_suits_at, proposal.none_suits_by = now, contact.id
        session.add(proposal)
        return _with_state(view, BookingState.NONE_SUITS, message=proposal.none_suits_message)


@dataclass(frozen=True, slots=True)
class _Found:
    sealed: Sealed
    rows: tuple[Proposal, Occurrence, Contact]


def _find(session: Session, settings: Settings, token: str, *, lock: bool) -> _Found | None:
    """The proposal and contact a token opens: the same query for a right and a wrong token."""
    sealed = signer(settings, proposals.PURPOSE).open(token)
    proposal_id, contact_id = proposals.unseal(sealed.id) if sealed is not None else (0, 0)
    rows = links.proposal(session, proposal_id, contact_id, lock=lock)
    if sealed is None or rows is None:
        return None
    return _Found(sealed, rows)


def _view(session: Session, settings: Settings, found: _Found | None, now: datetime) -> BookingView:
    if found is None:
        return BookingView(BookingState.UNKNOWN, supported(settings.organisation.locale))
    proposal, occurrence, contact = found.rows
    locale = supported(contact.locale)
    zone = settings.organisation.timezone
    buyer = directory.organisation_by_id(session, occurrence.organisation_id)
    meeting = meeting_of(occurrence, buyer.name if buyer else None)
    view = BookingView(
        state=BookingState.OPEN,
        locale=locale,
        contact_name=contact.name,
        title=meeting_title(settings, meeting, locale),
        deadline=format_when(proposal.deadline, locale, zone),
        message=proposal.none_suits_message or "",
    )
    if proposal.state != proposals.OPEN:
        decided = format_when(occurrence.start, locale, zone)
        return _with_state(view, BookingState.DECIDED, decided=decided)
    if proposals.offer_of(found.sealed.id) != proposal.offer:
        return _with_state(view, BookingState.REPLACED)
    if now >= proposal.deadline or now >= found.sealed.expires:
        return _with_state(view, BookingState.EXPIRED)
    assert proposal.id is not None
    free = [
        SlotChoice(_iso(row.start, zone), format_when(row.start, locale, zone))
        for row in sorted(proposals.slots_of(session, proposal.id), key=lambda row: row.start)
        if _free(session, settings, occurrence, Slot(row.start, row.end))
    ]
    return _with_state(view, BookingState.OPEN, slots=tuple(free))


def _with_state(view: BookingView, state: BookingState, **changes: Any) -> BookingView:
    return replace(view, state=state, **changes)


def _chosen(session: Session, proposal: Proposal, value: str) -> Slot | None:
    """The proposal's date starting at `value` (an aware ISO 8601 instant), else None."""
    try:
        start = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if start.tzinfo is None:
        return None
    rows = proposals.slots_of(session, proposal.id or 0)
    return next((Slot(row.start, row.end) for row in rows if row.start == start), None)


def _free(session: Session, settings: Settings, occurrence: Occurrence, slot: Slot) -> bool:
    """True when `slot` breaks no rule given the facilitator's meetings (the open proposals'
    dates are holds, not meetings: the first to book one takes it)."""
    calendar = WorkingCalendar(settings.calendar_rules())
    day = calendar.local_day(slot.start)
    others = proposals.taken(
        session, occurrence.facilitator_id, (day, day), occurrence.id, holds=False
    )
    capacity = proposals.capacity_of(settings, occurrence.facilitator_id)
    return slot_is_free(slot, calendar=calendar, capacity=capacity, others=others)


def _iso(moment: datetime, zone: str) -> str:
    """An instant in ISO 8601 with the guichet's UTC offset: 2027-09-14T10:00:00+02:00."""
    return moment.astimezone(ZoneInfo(zone)).isoformat()
