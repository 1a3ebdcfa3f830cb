"""The buyers as the planner sees them, for the plan and for the dates a buyer may choose."""

from __future__ import annotations

from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.values import BuyerProfile
from scheduler.store import directory


def load_buyer_profiles(
    session: Session, settings: Settings, organisation_id: int | None = None
) -> list[BuyerProfile]:
    """Every buyer with its conventions, as the planner sees them (only the buyer
    `organisation_id` when given: one proposal needs one buyer, not the directory)."""
    return directory.buyer_profiles(
        session,
        default_facilitator=settings.facilitators[0].id if settings.facilitators else "guichet",
        default_month=settings.organisation.default_programming_month,
        organisation_id=organisation_id,
    )
