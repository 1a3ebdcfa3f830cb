"""Read model of the calendar feeds: everything an export builds them from, read at once in one
transaction (scheduler.service.publish.feeds decides who sees what)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, or_, select
from sqlmodel import Session, col

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat
from scheduler.store import proposals
from scheduler.store.meetings import MEETING_COLUMNS
from scheduler.store.models import Contact, Invitation, Occurrence, Organisation


@dataclass(frozen=True, slots=True)
class FeedContact:
    """A contact, as feeds need it: whose, a name and an address for an attendee, a locale."""

    id: int
    organisation_id: int | None
    name: str
    email: str
    locale: str


@dataclass(frozen=True, slots=True)
class FeedOrganisation:
    """An organisation, as feeds need it."""

    id: int
    slug: str
    name: str
    role: OrganisationRole


@dataclass(frozen=True, slots=True)
class FeedRows:
    """What the store holds for the feeds at one instant."""

    meetings: list[Row[Any]]
    """The occurrences feeds may show, by start then UID; each row has the columns a meeting
    is built from, and its `id` and `organisation_id`."""
    organisations: dict[int, FeedOrganisation]
    contacts: dict[int, FeedContact]
    invitations: dict[int, list[tuple[int, PartStat]]]
    """Occurrence id → (contact id, answer), by contact id."""
    proposed: dict[int, list[tuple[int, datetime, datetime]]]
    """Occurrence id (every meeting with an open proposal) → the other dates its proposal
    offers (proposal id, start, end), by date."""


def feed_rows(session: Session, since: datetime, cancelled_since: datetime) -> FeedRows:
    """The occurrences that end at `since` or later and are not cancelled before
    `cancelled_since`, with every organisation and contact, their invitations and the dates
    of the open proposals. Columns, not ORM objects: an export reads every visible occurrence
    on each tick."""
    visible = (
        col(Occurrence.end) >= since,
        or_(
            col(Occurrence.status) != OccurrenceStatus.CANCELLED,
            col(Occurrence.changed_at) >= cancelled_since,
        ),
    )
    organisations = {
        org.id: FeedOrganisation(org.id, org.slug, org.name, OrganisationRole(org.role))
        for org in session.execute(select(Organisation)).scalars()
        if org.id is not None
    }
    meetings = list(
        session.execute(
            select(*MEETING_COLUMNS)
            .where(*visible)
            .order_by(col(Occurrence.start), col(Occurrence.uid))
        )
    )
    contacts = {
        c.id: FeedContact(c.id, c.organisation_id, c.name, c.email, c.locale)
        for c in session.execute(select(Contact)).scalars()
        if c.id is not None
    }
    invitations: dict[int, list[tuple[int, PartStat]]] = {}
    rows = session.execute(
        select(col(Invitation.occurrence_id), col(Invitation.contact_id), col(Invitation.partstat))
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .where(*visible, col(Invitation.removed_at).is_(None))
        .order_by(col(Invitation.occurrence_id), col(Invitation.contact_id))
    )
    for occurrence_id, contact_id, partstat in rows:
        invitations.setdefault(occurrence_id, []).append((contact_id, PartStat(partstat)))
    proposed: dict[int, list[tuple[int, datetime, datetime]]] = {}
    for offered in proposals.offered_dates(session):
        held = proposed.setdefault(offered.occurrence_id, [])
        if not offered.is_default:
            held.append((offered.proposal_id, offered.start, offered.end))
    return FeedRows(meetings, organisations, contacts, invitations, proposed)
