"""The workspace's directory pages: buyers, organisations and contacts, one page of a list or
one of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from scheduler.config import FacilitatorSettings, Settings
from scheduler.core.kinds import OrganisationRole
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.workspace.home import PAGE_SIZE, Capped, capped
from scheduler.store import journal
from scheduler.store import workspace as store
from scheduler.store.db import read_session
from scheduler.store.feed_tokens import SubscriberKind
from scheduler.store.workspace import (
    AnswerRow,
    BuyerLine,
    ContactRow,
    ConventionRow,
    FeedStatus,
    MeetingRow,
    MessageFilter,
    MessageRow,
    OrganisationRow,
    Page,
)


def buyers(
    settings: Settings, engine: Engine, now: datetime, *, search: str, page: int
) -> Page[BuyerLine]:
    """A page of buyers by name, each with its convention, reviews and next meeting."""
    page = max(1, page)
    with read_session(engine) as session:
        settings = effective_settings(settings, session)
        found = store.organisations(
            session,
            role=OrganisationRole.BUYER,
            search=search,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        lines = store.buyer_lines(session, found.rows, now)
    return Page(tuple(lines), found.total, page, PAGE_SIZE)


@dataclass(frozen=True, slots=True)
class OrganisationView:
    """An organisation's page (a buyer's has conventions and a feed)."""

    organisation: OrganisationRow
    contacts: tuple[ContactRow, ...]
    conventions: tuple[ConventionRow, ...]
    renewals: tuple[MeetingRow, ...]
    ahead: Capped[MeetingRow]
    past: Capped[MeetingRow]
    feed: FeedStatus | None
    contact_feeds: dict[int, FeedStatus] = field(default_factory=dict)
    journal: tuple[journal.Entry, ...] = ()


def organisation(
    settings: Settings, engine: Engine, slug: str, now: datetime
) -> OrganisationView | None:
    """The organisation `slug`, its contacts, its meetings (and a buyer's conventions)."""
    with read_session(engine) as session:
        settings = effective_settings(settings, session)
        found = store.organisation_by_slug(session, slug)
        if found is None:
            return None
        is_buyer = found.role is OrganisationRole.BUYER
        return OrganisationView(
            organisation=found,
            contacts=tuple(store.contacts_of(session, found.id)),
            conventions=tuple(store.conventions_of(session, found.id)) if is_buyer else (),
            renewals=tuple(store.renewal_meetings(session, found.id)) if is_buyer else (),
            ahead=capped(
                store.meetings_of_organisation(session, found.id, now, ahead=True, limit=20)
            ),
            past=capped(
                store.meetings_of_organisation(session, found.id, now, ahead=False, limit=20)
            ),
            feed=store.feed_status(session, SubscriberKind.BUYER, str(found.id))
            if is_buyer
            else None,
            journal=tuple(journal.entries(session, organisation_id=found.id, limit=30)),
        )


def organisations(
    engine: Engine, *, role: OrganisationRole | None, search: str, page: int
) -> tuple[Page[OrganisationRow], dict[int, int]]:
    """A page of organisations by name, and how many contacts each has."""
    page = max(1, page)
    with read_session(engine) as session:
        found = store.organisations(
            session, role=role, search=search, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        counts = store.contact_counts(session, [o.id for o in found.rows])
    return found, counts


def contacts(engine: Engine, *, search: str, unsubscribed: bool, page: int) -> Page[ContactRow]:
    """A page of contacts by name."""
    page = max(1, page)
    with read_session(engine) as session:
        return store.contacts(
            session,
            search=search,
            unsubscribed_only=unsubscribed,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact's page."""

    contact: ContactRow
    invitations: Capped[AnswerRow]
    messages: Page[MessageRow]
    feed: FeedStatus


def contact(engine: Engine, contact_id: int) -> ContactView | None:
    """The contact `contact_id`, their invitations and the mails sent to them."""
    with read_session(engine) as session:
        found = store.contact_by_id(session, contact_id)
        if found is None:
            return None
        return ContactView(
            contact=found,
            invitations=capped(store.invitations_of_contact(session, contact_id, 50)),
            messages=store.messages(session, MessageFilter(contact_id=contact_id), limit=20),
            feed=store.feed_status(session, SubscriberKind.CONTACT, str(contact_id)),
        )


def facilitator_feeds(
    settings: Settings, engine: Engine
) -> list[tuple[FacilitatorSettings, FeedStatus]]:
    """Each configured facilitator with whether their feed link was issued."""
    ids = [facilitator.id for facilitator in settings.facilitators]
    with read_session(engine) as session:
        statuses = store.feed_statuses(session, SubscriberKind.FACILITATOR, ids)
    return [(f, statuses.get(f.id, FeedStatus(None, None))) for f in settings.facilitators]
