"""The directory's people: the contacts list (searched, paged), an organisation's contacts, one
contact, and whether a subscriber has a live feed link."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session, col

from scheduler.core.kinds import OrganisationRole
from scheduler.core.text import slugify
from scheduler.store.feed_tokens import SubscriberKind
from scheduler.store.models import Contact, FeedToken, Organisation
from scheduler.store.workspace.paging import Page, Query, like, with_total


@dataclass(frozen=True, slots=True)
class ContactRow:
    """A person of the directory (or of the guichet when `organisation_id` is None)."""

    id: int
    name: str
    email: str
    job: str
    locale: str
    kinds: str
    unsubscribed_kinds: str
    unsubscribed: bool
    organisation_id: int | None
    organisation_slug: str | None
    organisation_name: str | None
    organisation_role: OrganisationRole | None


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A subscriber's private feed link: when the live one was issued, or when the last one was
    revoked (the link itself is never stored)."""

    issued_at: datetime | None
    revoked_at: datetime | None


def _contact_query() -> Query:
    return select(
        col(Contact.id),
        col(Contact.name),
        col(Contact.email),
        col(Contact.job),
        col(Contact.locale),
        col(Contact.kinds),
        col(Contact.unsubscribed_kinds),
        col(Contact.unsubscribed),
        col(Contact.organisation_id),
        col(Organisation.slug),
        col(Organisation.name),
        col(Organisation.role),
    ).outerjoin(Organisation, col(Organisation.id) == col(Contact.organisation_id))


def _contact(row: Any) -> ContactRow:
    return ContactRow(
        id=row[0],
        name=row[1],
        email=row[2],
        job=row[3],
        locale=row[4],
        kinds=row[5],
        unsubscribed_kinds=row[6],
        unsubscribed=row[7],
        organisation_id=row[8],
        organisation_slug=row[9],
        organisation_name=row[10],
        organisation_role=OrganisationRole(row[11]) if row[11] else None,
    )


def contacts_of(session: Session, organisation_id: int, limit: int = 200) -> list[ContactRow]:
    """An organisation's contacts by name."""
    rows = session.execute(
        _contact_query()
        .where(col(Contact.organisation_id) == organisation_id)
        .order_by(col(Contact.name), col(Contact.id))
        .limit(limit)
    )
    return [_contact(row) for row in rows]


def contacts(
    session: Session,
    *,
    search: str,
    unsubscribed_only: bool = False,
    limit: int,
    offset: int = 0,
) -> Page[ContactRow]:
    """A page of contacts by name; `search` looks in names, addresses and organisations."""
    query = _contact_query()
    words = search.strip()
    if words:
        pattern = like(words)
        query = query.where(
            or_(
                col(Contact.name).ilike(pattern, escape="\\"),
                col(Contact.email).ilike(pattern, escape="\\"),
                col(Organisation.name).ilike(pattern, escape="\\"),
                col(Organisation.slug).like(like(slugify(words) or words), escape="\\"),
            )
        )
    if unsubscribed_only:
        query = query.where(or_(col(Contact.unsubscribed), col(Contact.unsubscribed_kinds) != ""))
    rows, total = with_total(
        session, query.order_by(col(Contact.name), col(Contact.id)), limit, offset
    )
    return Page(tuple(map(_contact, rows)), total, offset // limit + 1, limit)


def contact_by_id(session: Session, contact_id: int) -> ContactRow | None:
    """The contact with this id."""
    row = session.execute(_contact_query().where(col(Contact.id) == contact_id)).first()
    return _contact(row) if row is not None else None


def feed_status(session: Session, kind: SubscriberKind, ref: str) -> FeedStatus:
    """Whether a subscriber has a live feed link (since when), or when the last was revoked."""
    rows = session.execute(
        select(col(FeedToken.created_at), col(FeedToken.revoked_at))
        .where(col(FeedToken.subscriber_kind) == kind.value, col(FeedToken.subscriber_ref) == ref)
        .order_by(col(FeedToken.id).desc())
        .limit(1)
    ).first()
    if rows is None:
        return FeedStatus(None, None)
    created, revoked = rows
    return FeedStatus(created if revoked is None else None, revoked)


def feed_statuses(
    session: Session, kind: SubscriberKind, refs: Sequence[str]
) -> dict[str, FeedStatus]:
    """`feed_status` of each of `refs` (one statement); a ref never issued is left out."""
    if not refs:
        return {}
    rows = session.execute(
        select(col(FeedToken.subscriber_ref), col(FeedToken.created_at), col(FeedToken.revoked_at))
        .where(col(FeedToken.subscriber_kind) == kind.value)
        .where(col(FeedToken.subscriber_ref).in_(list(refs)))
        .order_by(col(FeedToken.id))
    ).all()
    found: dict[str, FeedStatus] = {}
    for ref, created, revoked in rows:  # the latest token of each wins
        found[ref] = FeedStatus(created if revoked is None else None, revoked)
    return found
