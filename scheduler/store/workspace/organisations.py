"""The directory's organisations: the lists by role (searched, paged), a buyer's line (its
convention, its last and next review, its next meeting), its conventions and its meetings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session, col

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, RitualKind
from scheduler.core.text import slugify
from scheduler.store.models import Contact, Convention, Invitation, Occurrence, Organisation
from scheduler.store.workspace.meetings import (
    OPEN_STATUSES,
    MeetingRow,
    meeting_query,
    meeting_row,
)
from scheduler.store.workspace.paging import Page, Query, like, with_total


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    """An organisation of the directory."""

    id: int
    slug: str
    name: str
    role: OrganisationRole
    kind: str
    territory: str
    facilitator_id: str | None
    programming_month: int | None


@dataclass(frozen=True, slots=True)
class ConventionRow:
    """A buyer's partnership convention."""

    id: int
    organisation_id: int
    signed_on: date | None
    start_date: date
    end_date: date
    status: str
    confidential: bool
    financial_participation_cents: int | None
    renewal_notice_days: int
    commitments: str | None = None
    document_reference: str | None = None
    renewal: str | None = None


@dataclass(frozen=True, slots=True)
class BuyerLine:
    """A line of the buyers' list."""

    organisation: OrganisationRow
    convention: ConventionRow | None
    last_held_review: datetime | None
    next_review: MeetingRow | None
    next_meeting: MeetingRow | None


def organisation_row(row: Organisation) -> OrganisationRow:
    """A stored organisation as a value."""
    assert row.id is not None
    return OrganisationRow(
        id=row.id,
        slug=row.slug,
        name=row.name,
        role=OrganisationRole(row.role),
        kind=row.kind,
        territory=row.territory,
        facilitator_id=row.facilitator_id,
        programming_month=row.programming_month,
    )


def _convention(row: Convention) -> ConventionRow:
    assert row.id is not None
    return ConventionRow(
        id=row.id,
        organisation_id=row.organisation_id,
        signed_on=row.signed_on,
        start_date=row.start_date,
        end_date=row.end_date,
        status=row.status,
        confidential=row.confidential,
        financial_participation_cents=row.financial_participation_cents,
        renewal_notice_days=row.renewal_notice_days,
        commitments=row.commitments,
        document_reference=row.document_reference,
        renewal=row.renewal,
    )


def _organisation_search(query: Query, search: str) -> Query:
    """Organisations whose name holds `search` (any case), or whose slug holds it without
    accents ("lisiere" finds "Lisière")."""
    words = search.strip()
    if not words:
        return query
    conditions = [col(Organisation.name).ilike(like(words), escape="\\")]
    folded = slugify(words)
    if folded:
        conditions.append(col(Organisation.slug).like(like(folded), escape="\\"))
    return query.where(or_(*conditions))


def organisations(
    session: Session,
    *,
    role: OrganisationRole | None,
    search: str,
    facilitator_id: str | None = None,
    limit: int,
    offset: int = 0,
) -> Page[OrganisationRow]:
    """A page of organisations by name."""
    query = select(Organisation)
    if role is not None:
        query = query.where(col(Organisation.role) == role.value)
    if facilitator_id is not None:
        query = query.where(col(Organisation.facilitator_id) == facilitator_id)
    query = _organisation_search(query, search)
    rows, total = with_total(
        session, query.order_by(col(Organisation.name), col(Organisation.id)), limit, offset
    )
    return Page(tuple(organisation_row(row[0]) for row in rows), total, offset // limit + 1, limit)


def organisation_by_slug(session: Session, slug: str) -> OrganisationRow | None:
    """The organisation with this slug."""
    row = session.execute(
        select(Organisation).where(col(Organisation.slug) == slug)
    ).scalar_one_or_none()
    return organisation_row(row) if row is not None else None


def contact_counts(session: Session, organisation_ids: Sequence[int]) -> dict[int, int]:
    """How many contacts each organisation has."""
    if not organisation_ids:
        return {}
    return {
        int(org): int(count)
        for org, count in session.execute(
            select(col(Contact.organisation_id), func.count())
            .where(col(Contact.organisation_id).in_(list(organisation_ids)))
            .group_by(col(Contact.organisation_id))
        )
    }


def buyer_lines(
    session: Session, buyers: Sequence[OrganisationRow], now: datetime
) -> list[BuyerLine]:
    """For a page of buyers: the latest convention, the last held review, the next planned
    review and the next meeting of each (four queries over the page)."""
    ids = [b.id for b in buyers]
    if not ids:
        return []
    latest: dict[int, ConventionRow] = {}
    for row in session.execute(
        select(Convention)
        .where(col(Convention.organisation_id).in_(ids))
        .order_by(col(Convention.start_date))
    ).scalars():
        latest[row.organisation_id] = _convention(row)
    review = RitualKind.PROGRAMMING_REVIEW.value
    held: dict[int, datetime] = {
        row[0]: row[1]
        for row in session.execute(
            select(col(Occurrence.organisation_id), func.max(col(Occurrence.start)))
            .where(
                col(Occurrence.organisation_id).in_(ids),
                col(Occurrence.kind) == review,
                col(Occurrence.status) == OccurrenceStatus.HELD.value,
            )
            .group_by(col(Occurrence.organisation_id))
        )
    }
    next_review = _first_ahead(session, ids, now, kind=review)
    next_meeting = _first_ahead(session, ids, now, kind=None)
    return [
        BuyerLine(
            organisation=buyer,
            convention=latest.get(buyer.id),
            last_held_review=held.get(buyer.id),
            next_review=next_review.get(buyer.id),
            next_meeting=next_meeting.get(buyer.id),
        )
        for buyer in buyers
    ]


def _first_ahead(
    session: Session, organisation_ids: list[int], now: datetime, kind: str | None
) -> dict[int, MeetingRow]:
    """Each organisation's first meeting from `now` on (of `kind`), not cancelled."""
    first = (
        select(col(Occurrence.organisation_id), func.min(col(Occurrence.start)).label("first"))
        .where(
            col(Occurrence.organisation_id).in_(organisation_ids),
            col(Occurrence.start) >= now,
            col(Occurrence.status).in_([s.value for s in OPEN_STATUSES]),
        )
        .group_by(col(Occurrence.organisation_id))
    )
    if kind is not None:
        first = first.where(col(Occurrence.kind) == kind)
    firsts = first.subquery()
    query = (
        meeting_query()
        .add_columns(firsts.c.organisation_id)
        .join(
            firsts,
            and_(
                firsts.c.organisation_id == col(Occurrence.organisation_id),
                firsts.c.first == col(Occurrence.start),
            ),
        )
        .where(col(Occurrence.status).in_([s.value for s in OPEN_STATUSES]))
    )
    if kind is not None:
        query = query.where(col(Occurrence.kind) == kind)
    found: dict[int, MeetingRow] = {}
    for row in session.execute(query.order_by(col(Occurrence.id))):
        found.setdefault(int(row[13]), meeting_row(row))
    return found


def conventions_of(session: Session, organisation_id: int) -> list[ConventionRow]:
    """A buyer's conventions, the latest first."""
    rows = session.execute(
        select(Convention)
        .where(col(Convention.organisation_id) == organisation_id)
        .order_by(col(Convention.start_date).desc())
    ).scalars()
    return [_convention(row) for row in rows]


def renewal_meetings(session: Session, organisation_id: int) -> list[MeetingRow]:
    """A buyer's convention renewal meetings, not cancelled."""
    rows = session.execute(
        meeting_query()
        .where(
            col(Occurrence.organisation_id) == organisation_id,
            col(Occurrence.kind) == RitualKind.CONVENTION_RENEWAL.value,
            col(Occurrence.status) != OccurrenceStatus.CANCELLED.value,
        )
        .order_by(col(Occurrence.start))
    )
    return [meeting_row(row) for row in rows]


def meetings_of_organisation(
    session: Session, organisation_id: int, now: datetime, *, ahead: bool, limit: int
) -> tuple[list[MeetingRow], int]:
    """The meetings of an organisation (its own, and those one of its contacts is invited to):
    the next ones in order, or the past ones latest first; and how many there are."""
    invited = (
        select(col(Invitation.occurrence_id))
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Contact.organisation_id) == organisation_id)
    )
    concerns = or_(
        col(Occurrence.organisation_id) == organisation_id, col(Occurrence.id).in_(invited)
    )
    when = col(Occurrence.start) >= now if ahead else col(Occurrence.start) < now
    order = col(Occurrence.start) if ahead else col(Occurrence.start).desc()
    rows = session.execute(meeting_query().where(concerns, when).order_by(order).limit(limit))
    total = session.execute(
        select(func.count()).select_from(Occurrence).where(concerns, when)
    ).scalar_one()
    return [meeting_row(row) for row in rows], int(total)
