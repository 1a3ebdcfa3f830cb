"""What needs the facilitator (the home page's « À faire »): buyers in convention without a
programming review held or planned, and conventions ending without a renewal meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select
from sqlmodel import Session, col

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, RitualKind
from scheduler.store.models import Convention, Occurrence, Organisation
from scheduler.store.workspace.meetings import OPEN_STATUSES
from scheduler.store.workspace.organisations import OrganisationRow, organisation_row
from scheduler.store.workspace.paging import Query, with_total


@dataclass(frozen=True, slots=True)
class Reminder:
    """A buyer that needs something, with the date that explains why."""

    organisation: OrganisationRow
    when: date | datetime | None


def _active_buyers(today: date, facilitator_id: str | None) -> Query:
    """Buyers with a convention in force on `today` (uncorrelated subqueries: SQLite runs each
    once, not once per buyer)."""
    active = select(col(Convention.organisation_id)).where(
        col(Convention.status) == "active",
        col(Convention.start_date) <= today,
        col(Convention.end_date) >= today,
    )
    query = select(Organisation).where(
        col(Organisation.role) == OrganisationRole.BUYER, col(Organisation.id).in_(active)
    )
    if facilitator_id is not None:
        query = query.where(col(Organisation.facilitator_id) == facilitator_id)
    return query


def _reviewed(*conditions: Any) -> Query:
    """The buyers with a programming review matching `conditions`."""
    return select(col(Occurrence.organisation_id)).where(
        col(Occurrence.organisation_id).is_not(None),
        col(Occurrence.kind) == RitualKind.PROGRAMMING_REVIEW.value,
        *conditions,
    )


def _limited(session: Session, query: Query, limit: int) -> tuple[list[OrganisationRow], int]:
    """The first `limit` organisations by name, and how many there are (one statement)."""
    rows, total = with_total(
        session, query.order_by(col(Organisation.name), col(Organisation.id)), limit
    )
    return [organisation_row(row[0]) for row in rows], total


def buyers_without_held_review(
    session: Session, today: date, since: datetime, facilitator_id: str | None, limit: int
) -> tuple[list[OrganisationRow], int]:
    """Buyers with an active convention and no programming review held since `since`."""
    held = _reviewed(
        col(Occurrence.status) == OccurrenceStatus.HELD.value, col(Occurrence.start) >= since
    )
    query = _active_buyers(today, facilitator_id).where(col(Organisation.id).not_in(held))
    return _limited(session, query, limit)


def buyers_without_planned_review(
    session: Session, today: date, now: datetime, facilitator_id: str | None, limit: int
) -> tuple[list[OrganisationRow], int]:
    """Buyers with an active convention and no programming review ahead: the planner found no
    room for it in its window (or it was cancelled)."""
    ahead = _reviewed(
        col(Occurrence.status).in_([s.value for s in OPEN_STATUSES]), col(Occurrence.start) >= now
    )
    query = _active_buyers(today, facilitator_id).where(col(Organisation.id).not_in(ahead))
    return _limited(session, query, limit)


def conventions_ending(
    session: Session, today: date, until: date, facilitator_id: str | None, limit: int
) -> tuple[list[Reminder], int]:
    """Active conventions ending in [today, until] whose buyer has no renewal meeting (not
    cancelled) since the convention started."""
    renewal = exists().where(
        col(Occurrence.organisation_id) == col(Convention.organisation_id),
        col(Occurrence.kind) == RitualKind.CONVENTION_RENEWAL.value,
        col(Occurrence.status) != OccurrenceStatus.CANCELLED.value,
        col(Occurrence.start) >= col(Convention.start_date),
    )
    query = (
        select(Organisation, col(Convention.end_date))
        .join(Convention, col(Convention.organisation_id) == col(Organisation.id))
        .where(
            col(Convention.status) == "active",
            col(Convention.end_date) >= today,
            col(Convention.end_date) <= until,
            ~renewal,
        )
    )
    if facilitator_id is not None:
        query = query.where(col(Organisation.facilitator_id) == facilitator_id)
    rows, total = with_total(
        session, query.order_by(col(Convention.end_date), col(Organisation.id)), limit
    )
    return [Reminder(organisation_row(org), end) for org, end in rows], total
