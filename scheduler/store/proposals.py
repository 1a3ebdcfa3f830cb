"""Proposals: the dates offered for a meeting whose buyer chooses, and their states
(scheduler.service.plan.proposals says how a proposal lives)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from scheduler.core.kinds import RitualKind
from scheduler.store.models import Occurrence, Proposal, ProposalSlot

OPEN = "open"
BOOKED = "booked"
CONFIRMED = "confirmed"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True, slots=True)
class OfferedDate:
    """One date an open proposal offers, with the meeting it is for."""

    occurrence_id: int
    occurrence_key: str
    kind: RitualKind
    facilitator_id: str
    proposal_id: int
    start: datetime
    end: datetime
    is_default: bool


def proposal_of(session: Session, occurrence_id: int) -> Proposal | None:
    """The proposal of a meeting, if it has one."""
    return session.execute(
        select(Proposal).where(col(Proposal.occurrence_id) == occurrence_id)
    ).scalar_one_or_none()


def slots_of(session: Session, proposal_id: int) -> list[ProposalSlot]:
    """A proposal's dates, the default one first, then by date."""
    rows = session.execute(
        select(ProposalSlot).where(col(ProposalSlot.proposal_id) == proposal_id)
    ).scalars()
    return sorted(rows, key=lambda row: (not row.is_default, row.start))


def open_proposals(session: Session) -> list[Proposal]:
    """Every open proposal."""
    return list(session.execute(select(Proposal).where(col(Proposal.state) == OPEN)).scalars())


def open_with_meetings(session: Session) -> list[tuple[Proposal, Occurrence]]:
    """Every open proposal with its meeting."""
    rows = session.execute(
        select(Proposal, Occurrence)
        .join(Occurrence, col(Occurrence.id) == col(Proposal.occurrence_id))
        .where(col(Proposal.state) == OPEN)
    ).all()
    return [(proposal, occurrence) for proposal, occurrence in rows]


def with_open_proposal(session: Session) -> set[int]:
    """The meetings whose proposal is open."""
    return set(
        session.execute(
            select(col(Proposal.occurrence_id)).where(col(Proposal.state) == OPEN)
        ).scalars()
    )


def offered_dates(
    session: Session,
    *,
    facilitator_id: str | None = None,
    besides: int | None = None,
    between: tuple[datetime, datetime] | None = None,
    defaults: bool = True,
) -> list[OfferedDate]:
    """The dates open proposals offer, by date: only the facilitator's meetings when
    `facilitator_id` is given, the meeting `besides` left out, only those starting in
    `between` (bounds included), and without the default dates unless `defaults`."""
    query = (
        select(
            col(Occurrence.id),
            col(Occurrence.key),
            col(Occurrence.kind),
            col(Occurrence.facilitator_id),
            col(ProposalSlot.proposal_id),
            col(ProposalSlot.start),
            col(ProposalSlot.end),
            col(ProposalSlot.is_default),
        )
        .join(Proposal, col(Proposal.id) == col(ProposalSlot.proposal_id))
        .join(Occurrence, col(Occurrence.id) == col(Proposal.occurrence_id))
        .where(col(Proposal.state) == OPEN)
    )
    if not defaults:
        query = query.where(col(ProposalSlot.is_default).is_(False))
    if facilitator_id is not None:
        query = query.where(col(Occurrence.facilitator_id) == facilitator_id)
    if besides is not None:
        query = query.where(col(Occurrence.id) != besides)
    if between is not None:
        query = query.where(
            col(ProposalSlot.start) >= between[0], col(ProposalSlot.start) <= between[1]
        )
    rows = session.execute(query.order_by(col(ProposalSlot.start)))
    return [
        OfferedDate(oid, key, RitualKind(kind), facilitator, pid, start, end, is_default)
        for oid, key, kind, facilitator, pid, start, end, is_default in rows
    ]


def booked_at(session: Session, occurrence_ids: Sequence[int]) -> dict[int, datetime]:
    """When the buyer booked the date of each of these meetings, for those booked."""
    if not occurrence_ids:
        return {}
    rows = session.execute(
        select(col(Proposal.occurrence_id), col(Proposal.decided_at))
        .where(col(Proposal.state) == BOOKED)
        .where(col(Proposal.occurrence_id).in_(list(occurrence_ids)))
    )
    return {occurrence_id: at for occurrence_id, at in rows if at is not None}
