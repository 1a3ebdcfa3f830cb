"""Read model of the public pages: the territory's meetings and the buyers' public commitments.

Nothing here returns a person: territory meetings carry no invitee, and a commitment is a
buyer's name, since when it is a partner, and the short text it chose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from scheduler.core.kinds import OrganisationRole
from scheduler.core.meeting import Meeting
from scheduler.core.text import fold
from scheduler.store.meetings import MEETING_COLUMNS, meeting_of
from scheduler.store.models import Convention, Occurrence, Organisation


@dataclass(frozen=True, slots=True)
class Commitment:
    """A buyer that made its commitment public."""

    slug: str
    name: str
    since: date
    """The start of its first convention with the guichet."""
    text: str | None


def territory_meetings(session: Session, since: datetime, until: datetime) -> list[Meeting]:
    """The territory's meetings (no buyer's own) that end after `since` and start before
    `until`, in date order."""
    return [
        meeting_of(row)
        for row in session.execute(
            select(*MEETING_COLUMNS)
            .where(
                col(Occurrence.organisation_id).is_(None),
                col(Occurrence.end) > since,
                col(Occurrence.start) < until,
            )
            .order_by(col(Occurrence.start), col(Occurrence.uid))
        )
    ]


def territory_meeting(session: Session, uid: str) -> Meeting | None:
    """One territory meeting by UID; None for an unknown UID or a buyer's own meeting."""
    row = session.execute(
        select(*MEETING_COLUMNS).where(
            col(Occurrence.uid) == uid, col(Occurrence.organisation_id).is_(None)
        )
    ).first()
    return meeting_of(row) if row is not None else None


def public_commitments(session: Session, today: date) -> list[Commitment]:
    """The buyers whose convention in force on `today` is public, by name."""
    first_start = (
        select(
            col(Convention.organisation_id).label("organisation_id"),
            func.min(col(Convention.start_date)).label("since"),
        )
        .group_by(col(Convention.organisation_id))
        .subquery()
    )
    rows = session.execute(
        select(
            col(Organisation.slug),
            col(Organisation.name),
            first_start.c.since,
            col(Convention.public_text),
        )
        .join(Convention, col(Convention.organisation_id) == col(Organisation.id))
        .join(first_start, first_start.c.organisation_id == col(Organisation.id))
        .where(
            col(Organisation.role) == OrganisationRole.BUYER,
            col(Convention.public).is_(True),
            col(Convention.start_date) <= today,
            col(Convention.end_date) >= today,
        )
    )
    found = {slug: Commitment(slug, name, since, text) for slug, name, since, text in rows}
    return sorted(found.values(), key=lambda c: (fold(c.name), c.slug))


def buyer_by_slug(session: Session, slug: str) -> Organisation | None:
    """The buyer with this slug."""
    return session.execute(
        select(Organisation).where(
            col(Organisation.slug) == slug, col(Organisation.role) == OrganisationRole.BUYER
        )
    ).scalar_one_or_none()


def conventions_of(session: Session, organisation_id: int) -> list[Convention]:
    """A buyer's conventions, oldest first."""
    return list(
        session.execute(
            select(Convention)
            .where(col(Convention.organisation_id) == organisation_id)
            .order_by(col(Convention.start_date))
        ).scalars()
    )
