"""Plan: the rituals and the directory into stored meetings (plan and reconcile), meetings moved or
cancelled by hand, and the proposals of dates a buyer chooses from."""

from scheduler.service.plan.changes import DETAIL_LIMITS, Details
from scheduler.service.plan.occurrences import (
    cancel_occurrence,
    current_details,
    edit_occurrence,
    move_occurrence,
    restore_occurrence,
)
from scheduler.service.plan.oneoff import NewMeeting, create_occurrence
from scheduler.service.plan.planning import (
    PlanReport,
    horizon,
    missing_reviews,
    plan_and_store,
    plan_is_current,
)
from scheduler.service.plan.proposals import (
    OPEN,
    booked_at,
    hold_back,
    next_proposal_instant,
    open_proposals,
    proposal_of,
    proposal_url,
    settle_proposals,
    slots_of,
)

__all__ = [
    "DETAIL_LIMITS",
    "OPEN",
    "Details",
    "NewMeeting",
    "PlanReport",
    "booked_at",
    "cancel_occurrence",
    "create_occurrence",
    "current_details",
    "edit_occurrence",
    "hold_back",
    "horizon",
    "missing_reviews",
    "move_occurrence",
    "next_proposal_instant",
    "open_proposals",
    "plan_and_store",
    "plan_is_current",
    "proposal_of",
    "proposal_url",
    "restore_occurrence",
    "settle_proposals",
    "slots_of",
]
