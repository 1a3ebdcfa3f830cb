"""The directory as stored: organisations (buyers, suppliers, partners), their contacts and
conventions, the buyers as the planner sees them, and the results imported per buyer and year."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from scheduler.core.kinds import OrganisationRole
from scheduler.core.values import BuyerProfile, ConventionTerm
from scheduler.store.models import Contact, Convention, Organisation, YearResult

# --- organisations -----------------------------------------------------------------------------


def organisations(session: Session) -> list[Organisation]:
    """Every organisation, by slug."""
    return list(session.execute(select(Organisation).order_by(col(Organisation.slug))).scalars())


def buyers(session: Session) -> list[Organisation]:
    """Every buyer, by slug."""
    return list(
        session.execute(
            select(Organisation)
            .where(col(Organisation.role) == OrganisationRole.BUYER)
            .order_by(col(Organisation.slug))
        ).scalars()
    )


def organisation_by_id(session: Session, organisation_id: int | None) -> Organisation | None:
    """The organisation with this row id (None for None: a territory meeting has no buyer)."""
    if organisation_id is None:
        return None
    return session.get(Organisation, organisation_id)


def organisation_by_slug(
    session: Session, slug: str, role: OrganisationRole | None = None
) -> Organisation | None:
    """The organisation `slug` (of `role`, when given)."""
    query = select(Organisation).where(col(Organisation.slug) == slug)
    if role is not None:
        query = query.where(col(Organisation.role) == role)
    return session.execute(query).scalar_one_or_none()


def organisation_id(session: Session, slug: str) -> int | None:
    """The row id of the organisation `slug`."""
    found = session.execute(
        select(col(Organisation.id)).where(col(Organisation.slug) == slug)
    ).scalar_one_or_none()
    return None if found is None else int(found)


def names_by_slug(session: Session, slugs: Collection[str]) -> dict[str, str]:
    """The names of the organisations `slugs`, by slug (an unknown slug left out)."""
    if not slugs:
        return {}
    rows = session.execute(
        select(col(Organisation.slug), col(Organisation.name)).where(
            col(Organisation.slug).in_(list(slugs))
        )
    )
    return {str(slug): str(name) for slug, name in rows.all()}


def organisation_ids(session: Session) -> dict[str, int]:
    """Every organisation's row id, by slug."""
    return {
        slug: int(org_id)
        for slug, org_id in session.execute(select(col(Organisation.slug), col(Organisation.id)))
    }


def buyer_profiles(
    session: Session,
    *,
    default_facilitator: str,
    default_month: int,
    organisation_id: int | None = None,
) -> list[BuyerProfile]:
    """Every buyer with its conventions, as the planner sees them, by slug (only the buyer
    `organisation_id` when given); a buyer without a facilitator or programming month gets the
    defaults (columns only: this runs over every buyer on every plan)."""
    terms = select(
        col(Convention.organisation_id),
        col(Convention.start_date),
        col(Convention.end_date),
        col(Convention.status),
    ).order_by(col(Convention.start_date))
    buyers = (
        select(
            col(Organisation.id),
            col(Organisation.slug),
            col(Organisation.facilitator_id),
            col(Organisation.programming_month),
        )
        .where(col(Organisation.role) == OrganisationRole.BUYER)
        .order_by(col(Organisation.slug))
    )
    if organisation_id is not None:
        terms = terms.where(col(Convention.organisation_id) == organisation_id)
        buyers = buyers.where(col(Organisation.id) == organisation_id)
    conventions: dict[int, list[ConventionTerm]] = {}
    for org_id, start, end, status in session.execute(terms):
        conventions.setdefault(org_id, []).append(
            ConventionTerm(key=start.isoformat(), start=start, end=end, active=status == "active")
        )
    rows = session.execute(buyers)
    return [
        BuyerProfile(
            slug=slug,
            facilitator=facilitator or default_facilitator,
            programming_month=programming_month or default_month,
            conventions=tuple(conventions.get(org_id, ())),
        )
        for org_id, slug, facilitator, programming_month in rows
    ]


# --- contacts ----------------------------------------------------------------------------------


def contacts(session: Session) -> list[Contact]:
    """Every contact, by address."""
    return list(session.execute(select(Contact).order_by(col(Contact.email))).scalars())


def contact_by_email(session: Session, email: str) -> Contact | None:
    """The contact whose address is exactly `email`."""
    return session.execute(select(Contact).where(col(Contact.email) == email)).scalar_one_or_none()


def contact_by_id(session: Session, contact_id: int) -> Contact | None:
    """The contact `contact_id`."""
    return session.get(Contact, contact_id)


def contacts_by_email(session: Session, emails: Collection[str]) -> dict[str, Contact]:
    """The contacts whose addresses are among `emails` (lower-case), by lower-case address."""
    rows = session.execute(select(Contact).where(func.lower(col(Contact.email)).in_(emails)))
    return {contact.email.lower(): contact for contact in rows.scalars()}


def contact_counts(session: Session) -> dict[int, int]:
    """How many contacts each organisation has (those with none left out)."""
    rows = session.execute(
        select(col(Contact.organisation_id), func.count())
        .where(col(Contact.organisation_id).is_not(None))
        .group_by(col(Contact.organisation_id))
    )
    return {int(org_id): int(count) for org_id, count in rows}


# --- conventions -------------------------------------------------------------------------------


def conventions(session: Session) -> list[Convention]:
    """Every convention, oldest start first."""
    return list(session.execute(select(Convention).order_by(col(Convention.start_date))).scalars())


def convention_by_id(session: Session, convention_id: int) -> Convention | None:
    """The convention with this row id."""
    return session.get(Convention, convention_id)


def with_active_convention(session: Session, day: date) -> set[int]:
    """The organisations with an active convention that has not ended before `day`."""
    return {
        int(org_id)
        for org_id in session.execute(
            select(col(Convention.organisation_id)).where(
                col(Convention.status) == "active", col(Convention.end_date) >= day
            )
        ).scalars()
    }


# --- results -----------------------------------------------------------------------------------


def year_results(session: Session) -> dict[tuple[int, int], YearResult]:
    """Every imported result, by (organisation id, year)."""
    return {
        (row.organisation_id, row.year): row
        for row in session.execute(select(YearResult)).scalars()
    }
