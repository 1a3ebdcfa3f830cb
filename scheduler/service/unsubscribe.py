"""Unsubscribe: a reader stops one kind of message from the link at the foot of every mail.

Each outbox row has its own random `unsubscribe_token` (made at enqueue); the mail links to
`{feeds.base_url}/unsubscribe/{token}` and names it in `List-Unsubscribe`. The token maps to
the row, hence to one contact and one message kind (invitations, reminders, updates…):
unsubscribing adds that kind to the contact's `unsubscribed_kinds`, which the policy reads
when it writes rows and the composer reads again at send time, so a reminder already queued
is skipped rather than sent.

A GET only shows what would stop (mail scanners follow links); the POST — the page's button,
or a mail client's RFC 8058 one-click POST — does it. Doing it twice changes nothing more.

What a token opens:

- an unknown (or malformed) token → `UNKNOWN` (404), through the same query as a right one;
- a row sent to a facilitator (digests, their renewal notices) → `STAFF`: those follow the
  configuration, not a contact's choice, so nothing can be stopped here;
- otherwise `OPEN` (200), with `already` set when that kind is stopped already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from scheduler.config import Settings
from scheduler.core.kinds import RitualKind
from scheduler.core.messages import MessageKind
from scheduler.i18n import format_when, supported
from scheduler.service.event_views import meeting_of, meeting_title
from scheduler.store.db import session_scope
from scheduler.store.models import Contact, Convention, Message, Occurrence, Organisation

_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""What a token can be (`secrets.token_urlsafe`, at most what a row holds); anything else is
looked up as no token at all."""
_NO_TOKEN = ""
"""What is looked up for a token that cannot be one: no row has it."""
_NO_CONTACT = 0
"""The contact id looked up when there is none: no row has it."""


class UnsubscribeState(StrEnum):
    """What a link may do, and the HTTP status that says so."""

    OPEN = "open"
    STAFF = "staff"
    UNKNOWN = "unknown"

    @property
    def http_status(self) -> int:
        """404 for an unknown link, 200 otherwise."""
        return 404 if self is UnsubscribeState.UNKNOWN else 200


@dataclass(frozen=True, slots=True)
class UnsubscribeView:
    """What an unsubscribe page shows, in the reader's language; nothing for an unknown link."""

    state: UnsubscribeState
    locale: str
    kind: str = ""
    """The message kind that stops (`MessageKind` value), as the mail's footer named it."""
    ritual_kind: str | None = None
    """The ritual of the meeting the mail was about, if it was about one."""
    about: str = ""
    """What the mail was about: the meeting's title, or the buyer of a convention."""
    when: str = ""
    """The meeting's start, "mardi 14 septembre 2027 à 10 h 00", if the mail was about one."""
    contact_name: str = ""
    already: bool = False
    """True when the reader had already stopped this kind (or every mail)."""
    changed: bool = False
    """True when this request stopped it."""


def look_up(settings: Settings, engine: Engine, token: str) -> UnsubscribeView:
    """What the link `token` would stop; changes nothing (a GET)."""
    with session_scope(engine) as session:
        message, contact = _find(session, token, lock=False)
        return _view(session, settings, message, contact)


def unsubscribe(settings: Settings, engine: Engine, token: str, now: datetime) -> UnsubscribeView:
    """Stop the kind of the row `token` names for its contact; the view says what happened.
    Unsubscribing twice writes nothing the second time."""
    with session_scope(engine) as session:
        message, contact = _find(session, token, lock=True)
        view = _view(session, settings, message, contact)
        if view.state is not UnsubscribeState.OPEN or view.already or contact is None:
            return view
        contact.unsubscribed_kinds = add_kind(contact.unsubscribed_kinds, view.kind)
        session.add(contact)
        return replace(view, changed=True)


def stopped_kinds(contact: Contact) -> frozenset[str]:
    """The message kinds `contact` asked to stop."""
    return frozenset(k.strip() for k in contact.unsubscribed_kinds.split(",") if k.strip())


def add_kind(kinds: str, kind: str) -> str:
    """`kinds` (comma-separated) with `kind` added once, sorted so the text is stable."""
    wanted = {k.strip() for k in kinds.split(",") if k.strip()} | {kind}
    return ",".join(sorted(wanted))


def _find(session: Session, token: str, *, lock: bool) -> tuple[Message | None, Contact | None]:
    """The row a token names and its contact (locked for a POST): the same two queries for a
    right and a wrong token."""
    wanted = token if _TOKEN.fullmatch(token) else _NO_TOKEN
    message = session.execute(
        select(Message).where(col(Message.unsubscribe_token) == wanted)
    ).scalar_one_or_none()
    if wanted == _NO_TOKEN:
        message = None
    contact_id = message.contact_id if message is not None else None
    query = select(Contact).where(col(Contact.id) == (contact_id or _NO_CONTACT))
    if lock:
        query = query.with_for_update()
    contact = session.execute(query).scalar_one_or_none()
    return message, contact if contact_id is not None else None


def _view(
    session: Session, settings: Settings, message: Message | None, contact: Contact | None
) -> UnsubscribeView:
    if message is None:
        return UnsubscribeView(UnsubscribeState.UNKNOWN, supported(settings.organisation.locale))
    locale = supported(contact.locale if contact is not None else message.locale)
    kind = MessageKind(message.kind).value
    view = UnsubscribeView(UnsubscribeState.OPEN, locale, kind=kind)
    view = _about(session, settings, message, view)
    if contact is None:
        return replace(view, state=UnsubscribeState.STAFF)
    already = contact.unsubscribed or kind in stopped_kinds(contact)
    return replace(view, contact_name=contact.name, already=already)


def _about(
    session: Session, settings: Settings, message: Message, view: UnsubscribeView
) -> UnsubscribeView:
    """What the mail was about: its meeting (title and date) or its convention's buyer."""
    if message.occurrence_id is not None:
        occurrence = session.get(Occurrence, message.occurrence_id)
        if occurrence is None:
            return view
        buyer = session.get(Organisation, occurrence.organisation_id or 0)
        meeting = meeting_of(occurrence, buyer.name if buyer is not None else None)
        return replace(
            view,
            ritual_kind=RitualKind(occurrence.kind).value,
            about=meeting_title(settings, meeting, view.locale),
            when=format_when(occurrence.start, view.locale, settings.organisation.timezone),
        )
    if message.convention_id is not None:
        convention = session.get(Convention, message.convention_id)
        buyer = session.get(Organisation, convention.organisation_id) if convention else None
        return replace(view, about=buyer.name if buyer is not None else "")
    return view
