"""A proposal as the facilitator sees and answers it: what the meeting's page shows (its dates,
the buyer's choice or "none suits us" message, the dates refused before), and the new offer of
dates that replaces refused ones (scheduler.service.plan.offers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlmodel import Session, col

from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.slots import Slot
from scheduler.store.models import (
    Contact,
    Message,
    Occurrence,
    Proposal,
    ProposalSlot,
    RefusedSlot,
)


@dataclass(frozen=True, slots=True)
class OfferedSlot:
    """One date of the current offer."""

    start: datetime
    end: datetime
    is_default: bool


@dataclass(frozen=True, slots=True)
class ProposalFactsRow:
    """A meeting's proposal as its page shows it."""

    state: str
    offer: int
    deadline: datetime
    offered_at: datetime
    slots: tuple[OfferedSlot, ...]
    """The dates offered now, by date."""
    refused: tuple[datetime, ...]
    """The starts of the dates refused in earlier offers, by date."""
    decided_at: datetime | None
    chosen_by: str | None
    """The name of the contact who booked the date."""
    none_suits_message: str | None
    none_suits_at: datetime | None
    none_suits_by: str | None


def proposal_facts(session: Session, uid: str) -> ProposalFactsRow | None:
    """The proposal of the meeting `uid`, for its page; None when it has none."""
    proposal = session.execute(
        select(Proposal)
        .join(Occurrence, col(Occurrence.id) == col(Proposal.occurrence_id))
        .where(col(Occurrence.uid) == uid)
    ).scalar_one_or_none()
    if proposal is None or proposal.id is None:
        return None
    slots = session.execute(
        select(ProposalSlot)
        .where(col(ProposalSlot.proposal_id) == proposal.id)
        .order_by(col(ProposalSlot.start))
    ).scalars()
    return ProposalFactsRow(
        state=proposal.state,
        offer=proposal.offer,
        deadline=proposal.deadline,
        offered_at=proposal.created_at,
        slots=tuple(OfferedSlot(s.start, s.end, s.is_default) for s in slots),
        refused=tuple(slot.start for slot in refused_slots(session, proposal.id)),
        decided_at=proposal.decided_at,
        chosen_by=_name(session, proposal.chosen_by),
        none_suits_message=proposal.none_suits_message,
        none_suits_at=proposal.none_suits_at,
        none_suits_by=_name(session, proposal.none_suits_by),
    )


def proposal_to_answer(session: Session, uid: str) -> tuple[Occurrence, Proposal | None] | None:
    """The meeting `uid` and its proposal, both locked for the rest of the transaction (on
    PostgreSQL; SQLite has one writer at a time); None when no meeting has this UID."""
    occurrence = session.execute(
        select(Occurrence).where(col(Occurrence.uid) == uid.strip()).with_for_update()
    ).scalar_one_or_none()
    if occurrence is None:
        return None
    proposal = session.execute(
        select(Proposal).where(col(Proposal.occurrence_id) == occurrence.id).with_for_update()
    ).scalar_one_or_none()
    return occurrence, proposal


def refused_slots(session: Session, proposal_id: int) -> list[Slot]:
    """The dates refused in a proposal's earlier offers, by date."""
    rows = session.execute(
        select(col(RefusedSlot.start), col(RefusedSlot.end))
        .where(col(RefusedSlot.proposal_id) == proposal_id)
        .order_by(col(RefusedSlot.start))
    )
    return [Slot(start, end) for start, end in rows]


def replace_slots(
    session: Session, proposal: Proposal, slots: Sequence[Slot], default: Slot
) -> list[Slot]:
    """Keep the proposal's current dates as refused (with its offer number) and offer `slots`
    instead, `default` among them; the dates refused, by date."""
    assert proposal.id is not None
    current = session.execute(
        select(ProposalSlot)
        .where(col(ProposalSlot.proposal_id) == proposal.id)
        .order_by(col(ProposalSlot.start))
    ).scalars()
    refused = [Slot(row.start, row.end) for row in current]
    known = {slot.start for slot in refused_slots(session, proposal.id)}
    for slot in refused:
        if slot.start not in known:
            session.add(
                RefusedSlot(
                    proposal_id=proposal.id, offer=proposal.offer, start=slot.start, end=slot.end
                )
            )
    session.execute(delete(ProposalSlot).where(col(ProposalSlot.proposal_id) == proposal.id))
    session.flush()
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
    return refused


def pending_proposal_mails(session: Session, occurrence_id: int) -> list[str]:
    """The idempotency keys of a meeting's proposal mails not sent yet."""
    return list(
        session.execute(
            select(col(Message.idempotency_key))
            .where(col(Message.occurrence_id) == occurrence_id)
            .where(col(Message.kind) == MessageKind.PROPOSAL)
            .where(col(Message.state) == MessageState.PENDING)
        ).scalars()
    )


def _name(session: Session, contact_id: int | None) -> str | None:
    if contact_id is None:
        return None
    return session.execute(
        select(col(Contact.name)).where(col(Contact.id) == contact_id)
    ).scalar_one_or_none()
