"""The proposal on a meeting's page in the workspace: the dates offered to the buyer, the
deadline, and the buyer's choice or "none of these suits us" message; whether the facilitator
may send new dates (scheduler.service.plan.offers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from scheduler.store import offers
from scheduler.store.db import read_session
from scheduler.store.offers import OfferedSlot

OPEN = "open"


@dataclass(frozen=True, slots=True)
class ProposalPanel:
    """What the meeting's page says of its proposal."""

    state: str
    """"open", "booked", "confirmed" or "withdrawn" (scheduler.store.models.Proposal)."""
    slots: tuple[OfferedSlot, ...]
    deadline: datetime
    offered_at: datetime
    offer: int
    """0 for the first dates offered, then one more each time new dates replaced them."""
    refused: tuple[datetime, ...] = ()
    decided_at: datetime | None = None
    chosen_by: str | None = None
    message: str | None = None
    """What the buyer wrote when none of the dates suited them (still to answer)."""
    message_at: datetime | None = None
    message_by: str | None = None
    may_send_new: bool = False
    """True while the buyer's "none suits us" waits for new dates and the proposal is open."""

    @property
    def none_suits(self) -> bool:
        """True when the buyer answered that none of the dates suits them."""
        return self.message_at is not None


def proposal_panel(engine: Engine, uid: str, now: datetime) -> ProposalPanel | None:
    """The proposal of the meeting `uid` at `now`; None when its date is not the buyer's to
    choose (or not yet offered)."""
    with read_session(engine) as session:
        facts = offers.proposal_facts(session, uid)
    if facts is None:
        return None
    is_open = facts.state == OPEN and facts.deadline > now
    return ProposalPanel(
        state=facts.state,
        slots=facts.slots,
        deadline=facts.deadline,
        offered_at=facts.offered_at,
        offer=facts.offer,
        refused=facts.refused,
        decided_at=facts.decided_at,
        chosen_by=facts.chosen_by,
        message=facts.none_suits_message,
        message_at=facts.none_suits_at,
        message_by=facts.none_suits_by,
        may_send_new=is_open and facts.none_suits_at is not None,
    )
