"""One directory entry at a time, as the workspace's forms read and write it: a contact by id
(locked for a change, or with its organisation to show), an address already taken, an
organisation by its slug or its id (locked for a change), a convention by its id (locked for a
change) or by its buyer and first day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from scheduler.store.models import Contact, Convention, Organisation


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


def organisation_for_change(session: Session, slug: str) -> Organisation | None:
    """The organisation whose identifier is `slug`, locked until the caller's transaction ends."""
    return session.exec(
        select(Organisation).where(col(Organisation.slug) == slug).with_for_update()
    ).one_or_none()


def convention_for_change(session: Session, convention_id: int) -> Convention | None:
    """The convention `convention_id`, locked until the caller's transaction ends."""
    return session.exec(
        select(Convention).where(col(Convention.id) == convention_id).with_for_update()
    ).one_or_none()


def convention_starting(session: Session, organisation_id: int, start: date) -> Convention | None:
    """The convention of `organisation_id` that starts on `start` (there is one at most)."""
    return session.exec(
        select(Convention)
        .where(col(Convention.organisation_id) == organisation_id)
        .where(col(Convention.start_date) == start)
    ).first()


def convention_of(session: Session, slug: str, convention_id: int) -> Convention | None:
    """The convention `convention_id` if it is one of the organisation `slug`'s."""
    return session.exec(
        select(Convention)
        .join(Organisation, col(Organisation.id) == col(Convention.organisation_id))
        .where(col(Organisation.slug) == slug)
        .where(col(Convention.id) == convention_id)
    ).first()
