"""One directory entry at a time, as the workspace's forms read and write it: a contact by id
(locked for a change), an address already taken, an organisation by its slug."""

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
