"""Unsubscribe: a reader stops one kind of message, or every message about one ritual kind, from
the link at the foot of every mail.

Each outbox row has its own random `unsubscribe_token` (made at enqueue); the mail links to
`{feeds.base_url}/unsubscribe/{token}` and names it in `List-Unsubscribe`. The token maps to
the row, hence to one contact, one message kind (invitations, reminders, updates…) and, for a
mail about a meeting, one ritual kind: unsubscribing adds that message kind to the contact's
`unsubscribed_kinds` (the default, and what a one-click POST does) or, when the form asks for
`scope=ritual`, that ritual kind to `unsubscribed_rituals`. The policy reads both when it
writes rows and the composer reads them again at send time, so a reminder already queued is
skipped rather than sent. The meetings of the buyer's own convention (per-buyer rituals) are
not unsubscribable (`scheduler.core.readers.stoppable`): their page says so.

A GET only shows what would stop (mail scanners follow links); the POST — the page's button,
or a mail client's RFC 8058 one-click POST — does it. Doing it twice changes nothing more.

What a token opens:

- an unknown (or malformed) token → `UNKNOWN` (404), through the same query as a right one;
- a row sent to a facilitator (digests, their renewal notices) → `STAFF`: those follow the
  configuration, not a contact's choice, so nothing can be stopped here;
- a row about a meeting of the reader's own convention → `OWN`: nothing can be stopped;
- otherwise `OPEN` (200), with `already` set when that kind is stopped already.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.kinds import RitualKind
from scheduler.core.messages import MessageKind
from scheduler.core.readers import stoppable
from scheduler.i18n import format_when, supported
from scheduler.service import wake
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.event_views import meeting_title, ritual_title
from scheduler.store import directory, invitations, links, occurrences
from scheduler.store.db import session_scope
from scheduler.store.meetings import french_name, meeting_of
from scheduler.store.models import (
    Contact,
    Message,
)

_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
"""What a token can be (`secrets.token_urlsafe`, at most what a row holds); anything else is
looked up as no token at all."""
_NO_TOKEN = ""
"""What is looked up for a token that cannot be one: no row has it."""
_NO_CONTACT = 0
"""The contact id looked up when there is none: no row has it."""
KIND = "kind"
"""Stop this kind of message (invitations, reminders…): the default and the one-click POST."""
RITUAL = "ritual"
"""Stop every message about this ritual kind (the after-works, the buyers' club…)."""


class UnsubscribeState(StrEnum):
    """What a link may do, and the HTTP status that says so."""

    OPEN = "open"
    STAFF = "staff"
    OWN = "own"
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
    ritual_title: str = ""
    """That ritual's title in the reader's language (« After-work achat socialement
    responsable »): what `scope=ritual` stops every message about."""
    about: str = ""
    """What the mail was about: the meeting's title, or the buyer of a convention."""
    when: str = ""
    """The meeting's start, "mardi 14 septembre 2027 à 10 h 00", if the mail was about one."""
    contact_name: str = ""
    already: bool = False
    """True when the reader had already stopped this kind (or every mail)."""
    ritual_already: bool = False
    """True when the reader had already stopped every message about this ritual kind."""
    changed: bool = False
    """True when this request stopped it."""
    scope: str = KIND
    """What this request stops: the message kind (`kind`) or the ritual kind (`ritual`)."""


def look_up(settings: Settings, engine: Engine, token: str) -> UnsubscribeView:
    """What the link `token` would stop; changes nothing (a GET)."""
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        message, contact = _find(session, token, lock=False)
        return _view(session, settings, message, contact)


def unsubscribe(
    settings: Settings, engine: Engine, token: str, now: datetime, scope: str = KIND
) -> UnsubscribeView:
    """Stop the message kind of the row `token` names for its contact (or, with `scope` RITUAL,
    every message about its meeting's ritual kind); the view says what happened.
    Unsubscribing twice writes nothing the second time."""
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        message, contact = _find(session, token, lock=True)
        view = _view(session, settings, message, contact)
        if view.state is not UnsubscribeState.OPEN or contact is None:
            return view
        ritual = view.ritual_kind
        if scope == RITUAL and ritual is not None:
            view = replace(view, scope=RITUAL)
            if view.ritual_already:
                return view
            contact.unsubscribed_rituals = add_kind(contact.unsubscribed_rituals, ritual)
        else:
            if view.already:
                return view
            contact.unsubscribed_kinds = add_kind(contact.unsubscribed_kinds, view.kind)
        session.add(contact)
        invited_to = invitations.meetings_of_contact(session, contact.id)
        wake.on_commit(session, "unsubscribe", invited_to)
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
    message = links.message_to_unsubscribe(session, wanted)
    if wanted == _NO_TOKEN:
        message = None
    contact_id = message.contact_id if message is not None else None
    contact = links.contact(session, contact_id or _NO_CONTACT, lock=lock)
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
    ritual = RitualKind(view.ritual_kind) if view.ritual_kind else None
    if not stoppable(ritual):
        view = replace(view, state=UnsubscribeState.OWN)
    already = contact.unsubscribed or kind in stopped_kinds(contact)
    rituals = {r.strip() for r in contact.unsubscribed_rituals.split(",") if r.strip()}
    ritual_already = contact.unsubscribed or view.ritual_kind in rituals
    return replace(view, contact_name=contact.name, already=already, ritual_already=ritual_already)


def _about(
    session: Session, settings: Settings, message: Message, view: UnsubscribeView
) -> UnsubscribeView:
    """What the mail was about: its meeting (title and date) or its convention's buyer."""
    if message.occurrence_id is not None:
        occurrence = occurrences.by_id(session, message.occurrence_id)
        if occurrence is None:
            return view
        buyer = directory.organisation_by_id(session, occurrence.organisation_id)
        meeting = meeting_of(occurrence, buyer.name if buyer is not None else None)
        return replace(
            view,
            ritual_kind=RitualKind(occurrence.kind).value,
            ritual_title=ritual_title(settings, RitualKind(occurrence.kind), view.locale),
            about=meeting_title(settings, meeting, view.locale),
            when=format_when(occurrence.start, view.locale, settings.organisation.timezone),
        )
    if message.convention_id is not None:
        convention = directory.convention_by_id(session, message.convention_id)
        buyer = (
            directory.organisation_by_id(session, convention.organisation_id)
            if convention
            else None
        )
        return replace(view, about=french_name(buyer) if buyer is not None else "")
    return view
