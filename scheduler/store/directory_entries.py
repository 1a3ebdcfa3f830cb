"""One directory entry at a time, as the workspace's forms read and write it: a contact by id
(locked for a change, or with its organisation to show), an address already taken, an
organisation by its slug or its id."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from scheduler.store.models import Contact, Organisation


def contact_for_change(session: Session, contact_id: int) -> Contact | None:
    """The contact `contact_id`, locked until the caller's transaction ends."""
    return session.exec(
        select(Contact).where(col(Contact.id) == contact_id).with_for_update()
    ).one_or_none()


def contact_with_address(session: Session, email: str) -> Contact | None:
    """The contact whose address is `email`, whatever its case."""
    return session.exec(
        select(Contact).where(func.lower(col(Contact.email)) == email.lower())
    ).first()


def organisation_with_slug(session: Session, slug: str) -> Organisation | None:
    """The organisation whose identifier is `slug`."""
    return session.exec(select(Organisation).where(col(Organisation.slug) == slug)).first()


def organisation_by_id(session: Session, organisation_id: int | None) -> Organisation | None:
    """The organisation `organisation_id` (None: none given, or no such organisation)."""
    return session.get(Organisation, organisation_id) if organisation_id is not None else None


def contact_with_organisation(
    session: Session, contact_id: int
) -> tuple[Contact, Organisation | None] | None:
    """The contact `contact_id` and its organisation (None for the guichet's own people)."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        return None
    return contact, organisation_by_id(session, contact.organisation_id)
