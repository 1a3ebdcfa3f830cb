"""Signing in to the facilitator's workspace without a password.

A facilitator (`[[facilitators]]`) or an admin (`[[admins]]`) asks for a link on `/connexion`; a
one-time link valid `LINK_MINUTES` is mailed through the configured transport. Whether the
address is known changes nothing in the answer. At most `LINKS_PER_ADDRESS` links go to one
address per `ADDRESS_WINDOW`. Opening the link (a POST from its page: mail scanners follow GET
links) spends it and starts a server-side session: idle `[web] session_idle_hours`, absolute
`[web] session_max_days`; sign-out ends it. The people allowed are the effective facilitators
(config.toml's, or the team as changed in the workspace: scheduler.service.plan.effective) and
the admins, read from the store on every request: removing someone closes their sessions.

Tokens (link and cookie) are 256 random bits, stored as SHA-256, compared in constant time, and
never logged. The CSRF token of a session is an HMAC of its cookie, so it needs no storage.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message as MailMessage
from email.utils import make_msgid

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.errors import NotFoundError
from scheduler.i18n import format_time, format_when
from scheduler.mail.mime import Envelope, Mailbox, build_message
from scheduler.mail.templates import MailTemplates
from scheduler.service.plan.effective import effective_settings
from scheduler.store import signin
from scheduler.store.db import read_session, session_scope
from scheduler.store.signin import LinkState

LINK_MINUTES = 15
LINKS_PER_ADDRESS = 5
ADDRESS_WINDOW = timedelta(hours=1)
TOUCH_EVERY = timedelta(minutes=5)
"""A session's last request is written at most this often (a page view is not a write)."""
VISIT_GAP = timedelta(hours=1)
"""A request after this long without one starts a new visit."""
SIGNIN_PATH = "/connexion"


@dataclass(frozen=True, slots=True)
class StaffMember:
    """Someone who may sign in: a facilitator (with their id) or an admin."""

    email: str
    name: str
    locale: str
    facilitator_id: str | None

    @property
    def is_admin(self) -> bool:
        """An admin runs no meeting of their own."""
        return self.facilitator_id is None


@dataclass(frozen=True, slots=True)
class IssuedLink:
    """A sign-in link just made, for its owner."""

    person: StaffMember
    url: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The person behind a live session, and what the pages need of it."""

    person: StaffMember
    csrf: str
    previous_visit_at: datetime | None
    expires_at: datetime
    settings: Settings
    """The effective settings as this request read them (the rituals and the team)."""


def person_of(settings: Settings, email: str) -> StaffMember | None:
    """The facilitator or admin with this address (case-insensitive), else None; `settings`
    are the effective ones."""
    wanted = email.strip().lower()
    for facilitator in settings.facilitators:
        if facilitator.email.lower() == wanted:
            return StaffMember(
                facilitator.email.lower(), facilitator.name, facilitator.locale, facilitator.id
            )
    for admin in settings.admins:
        if admin.email.lower() == wanted:
            return StaffMember(admin.email.lower(), admin.name, admin.locale, None)
    return None


def link_url(settings: Settings, token: str) -> str:
    """Where a sign-in link opens."""
    return f"{settings.feeds.base_url.rstrip('/')}{SIGNIN_PATH}/{token}"


def request_link(
    settings: Settings, engine: Engine, email: str, now: datetime
) -> IssuedLink | None:
    """A link for `email` when it is a known person's and under the per-address limit; None
    otherwise (the caller answers the same either way)."""
    with session_scope(engine) as session:
        person = person_of(effective_settings(settings, session), email)
        if person is None:
            return None
        if signin.links_since(session, person.email, now - ADDRESS_WINDOW) >= LINKS_PER_ADDRESS:
            return None
        return _issue(session, settings, person, now)


def mint_link(settings: Settings, engine: Engine, email: str, now: datetime) -> IssuedLink:
    """A link for `email`, for `rituel web link` (no limit: the operator is at the terminal)."""
    with session_scope(engine) as session:
        person = person_of(effective_settings(settings, session), email)
        if person is None:
            raise NotFoundError(
                f"{email!r} is not the address of any facilitator (config.toml's "
                "[[facilitators]] or the workspace's team) or [[admins]]"
            )
        return _issue(session, settings, person, now)


def _issue(session: Session, settings: Settings, person: StaffMember, now: datetime) -> IssuedLink:
    lifetime = timedelta(minutes=LINK_MINUTES)
    token = signin.add_link(session, person.email, now, lifetime)
    return IssuedLink(person, link_url(settings, token), now + lifetime)


def sign_in_mail(settings: Settings, issued: IssuedLink, now: datetime) -> MailMessage:
    """The mail that carries a sign-in link, in its reader's language."""
    zone = settings.organisation.timezone
    locale = issued.person.locale
    rendered = MailTemplates(timezone=zone).render(
        "signin",
        locale,
        {
            "guichet": settings.organisation.name,
            "name": issued.person.name,
            "url": issued.url,
            "minutes": LINK_MINUTES,
            "until": format_time(issued.expires_at, locale, zone),
            "asked_at": format_when(now, locale, zone),
        },
    )
    envelope = Envelope(
        sender=Mailbox(settings.mail.sender_name, settings.mail.sender),
        recipient=Mailbox(issued.person.name, issued.person.email),
        message_id=make_msgid(domain=settings.organisation.uid_domain),
        date=now,
        locale=locale,
    )
    return build_message(envelope, rendered.subject, rendered.text, rendered.html)


def link_state(engine: Engine, token: str, now: datetime) -> LinkState:
    """What the link `token` would do now; changes nothing."""
    with read_session(engine) as session:
        state, _ = signin.link_state(session, token, now)
        return state


def sign_in(
    settings: Settings, engine: Engine, token: str, now: datetime
) -> tuple[LinkState, str | None]:
    """Spend the link `token` and open a session: the state of the link, and the new session's
    cookie token when it was valid and its owner is still allowed."""
    with session_scope(engine) as session:
        state, email = signin.use_link(session, token, now)
        if email is None or person_of(effective_settings(settings, session), email) is None:
            return (LinkState.UNKNOWN if state is LinkState.VALID else state), None
        lifetime = timedelta(days=settings.web.session_max_days)
        cookie, _ = signin.open_session(session, email, now, lifetime)
        return state, cookie


def current(settings: Settings, engine: Engine, cookie: str, now: datetime) -> SignedIn | None:
    """The person signed in with the session cookie `cookie`, or None; notes the request (a
    write at most every `TOUCH_EVERY`: reading a page takes no write lock)."""
    idle = timedelta(hours=settings.web.session_idle_hours)
    with read_session(engine) as session:
        live = signin.find_session(session, cookie, now, idle)
        if live is None:
            return None
        settings = effective_settings(settings, session)
    person = person_of(settings, live.email)
    if person is None:
        return None
    previous = live.previous_visit_at
    if now - live.last_seen_at >= VISIT_GAP:
        previous = live.last_seen_at
    if now - live.last_seen_at >= TOUCH_EVERY or previous != live.previous_visit_at:
        with session_scope(engine) as session:
            signin.touch(session, live.id, now, previous)
    return SignedIn(person, csrf_token(cookie), previous, live.expires_at, settings)


def sign_out(engine: Engine, cookie: str, now: datetime) -> bool:
    """End the session of `cookie`; True when it was live."""
    with session_scope(engine) as session:
        return signin.end_session(session, cookie, now)


def csrf_token(secret: str) -> str:
    """The CSRF token bound to a session cookie (or to a signed-out browser's form cookie)."""
    return hmac.new(secret.encode("utf-8"), b"rituel-workspace-csrf", hashlib.sha256).hexdigest()


def csrf_matches(secret: str | None, given: str | None) -> bool:
    """True when `given` is the CSRF token of `secret` (constant time)."""
    expected = csrf_token(secret or "")
    return bool(secret) and hmac.compare_digest(expected, given or "")
