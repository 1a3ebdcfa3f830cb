"""Publish: the calendar feeds people subscribe to, written under `calendars/`, and their links.

Four kinds of feed, each built only from what its reader may see:

- a buyer's: its own per-buyer rituals, and the territory rituals whose audience includes buyers
  (or to which one of its contacts is invited) — never another buyer's meeting, no attendee;
- a facilitator's: every meeting they run, with the attendees and their answers;
- a contact's: the meetings they are invited to and have not declined;
- the public territory feed: territory rituals only, no attendee, no e-mail address, no link.

Past meetings stay a year; a cancelled one stays `feeds.keep_cancelled_days` (30) after its
cancellation, with STATUS:CANCELLED, so subscribers see it go. Private feeds are written under
`calendars/private/<first 32 hex digits of SHA-256(token)>.ics`: the token itself is never
stored, and the file name cannot be turned back into a URL that opens the feed.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Row, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from scheduler.calendar import Attendee, EventView, FeedInfo, render_feed
from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat
from scheduler.errors import ExportError, InputError, NotFoundError
from scheduler.service.plan.proposals import OPEN as OPEN_PROPOSAL
from scheduler.service.publish.event_views import Audience, Meeting, event_view, meeting_of
from scheduler.store import feed_tokens, journal
from scheduler.store.db import read_session, session_scope
from scheduler.store.feed_tokens import (
    PRIVATE_DIR,
    PUBLIC_FILE,
    LiveToken,
    Subscriber,
    SubscriberKind,
)
from scheduler.store.models import (
    Contact,
    Invitation,
    Occurrence,
    Organisation,
    Proposal,
    ProposalSlot,
)

PAST_DAYS = 365
_PRIVATE_FILE = re.compile(r"[0-9a-f]{32}\.ics")
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


# --- what the store holds, as plain values ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    """A contact, as feeds need it."""

    id: int
    organisation_id: int | None
    name: str
    email: str
    locale: str


@dataclass(frozen=True, slots=True)
class Party:
    """An organisation, as feeds need it."""

    id: int
    slug: str
    name: str
    role: OrganisationRole


@dataclass(frozen=True, slots=True)
class Listed:
    """One occurrence a feed may show: its row id, whose it is, and the meeting."""

    id: int
    organisation_id: int | None
    meeting: Meeting


@dataclass
class Directory:
    """Everything feeds are built from, read in one transaction."""

    occurrences: list[Listed]
    organisations: dict[int, Party]
    contacts: dict[int, Person]
    invitations: dict[int, list[tuple[int, PartStat]]]
    """Occurrence id → (contact id, answer), by contact id."""
    views: dict[tuple[int, str, Audience], EventView] = field(default_factory=dict)
    """Views built so far in this export, shared by every feed."""
    proposed: dict[int, list[tuple[int, datetime, datetime]]] = field(default_factory=dict)
    """Occurrence id → the other dates its open proposal offers (proposal id, start, end):
    the buyer's feed shows nothing of it until a date is booked, the facilitator's shows every
    date as a TENTATIVE hold."""

    def contacts_by_email(self) -> dict[str, Person]:
        """Contacts by lower-case address."""
        return {person.email.lower(): person for person in self.contacts.values()}


def load_directory(session: Session, settings: Settings, now: datetime) -> Directory:
    """The occurrences feeds may show at `now`, with organisations, contacts and invitations."""
    since = now - timedelta(days=PAST_DAYS)
    cancelled_since = now - timedelta(days=settings.feeds.keep_cancelled_days)
    visible = (
        col(Occurrence.end) >= since,
        or_(
            col(Occurrence.status) != OccurrenceStatus.CANCELLED,
            col(Occurrence.changed_at) >= cancelled_since,
        ),
    )
    organisations = {
        org.id: Party(org.id, org.slug, org.name, OrganisationRole(org.role))
        for org in session.execute(select(Organisation)).scalars()
        if org.id is not None
    }
    # Columns, not ORM objects: a feed export reads every visible occurrence on each tick.
    occurrences = [
        Listed(row.id, row.organisation_id, _meeting(row, organisations))
        for row in session.execute(
            select(*_MEETING_COLUMNS)
            .where(*visible)
            .order_by(col(Occurrence.start), col(Occurrence.uid))
        )
    ]
    contacts = {
        c.id: Person(c.id, c.organisation_id, c.name, c.email, c.locale)
        for c in session.execute(select(Contact)).scalars()
        if c.id is not None
    }
    invitations: dict[int, list[tuple[int, PartStat]]] = {}
    rows = session.execute(
        select(col(Invitation.occurrence_id), col(Invitation.contact_id), col(Invitation.partstat))
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .where(*visible)
        .order_by(col(Invitation.occurrence_id), col(Invitation.contact_id))
    )
    for occurrence_id, contact_id, partstat in rows:
        invitations.setdefault(occurrence_id, []).append((contact_id, PartStat(partstat)))
    directory = Directory(occurrences, organisations, contacts, invitations)
    for occurrence_id, proposal_id, start, end, is_default in session.execute(
        select(
            col(Proposal.occurrence_id),
            col(ProposalSlot.proposal_id),
            col(ProposalSlot.start),
            col(ProposalSlot.end),
            col(ProposalSlot.is_default),
        )
        .join(Proposal, col(Proposal.id) == col(ProposalSlot.proposal_id))
        .where(col(Proposal.state) == OPEN_PROPOSAL)
        .order_by(col(ProposalSlot.start))
    ):
        held = directory.proposed.setdefault(occurrence_id, [])
        if not is_default:
            held.append((proposal_id, start, end))
    return directory


_MEETING_COLUMNS = (
    col(Occurrence.id),
    col(Occurrence.organisation_id),
    col(Occurrence.uid),
    col(Occurrence.kind),
    col(Occurrence.facilitator_id),
    col(Occurrence.theme),
    col(Occurrence.start),
    col(Occurrence.end),
    col(Occurrence.status),
    col(Occurrence.sequence),
    col(Occurrence.changed_at),
    col(Occurrence.cancel_reason),
    col(Occurrence.location),
    col(Occurrence.video_url),
    col(Occurrence.description),
)


def _meeting(row: Row[Any], organisations: dict[int, Party]) -> Meeting:
    buyer = organisations.get(row.organisation_id) if row.organisation_id is not None else None
    return meeting_of(row, buyer.name if buyer else None)


# --- feeds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    """A calendar ready to render: its header and its events."""

    info: FeedInfo
    events: tuple[EventView, ...]

    def render(self) -> bytes:
        """The feed's bytes; the same while nothing in it changes."""
        return render_feed(self.info, self.events)


def public_feed(settings: Settings, directory: Directory) -> Feed:
    """The territory's feed anyone may read: territory rituals, nothing personal."""
    locale = settings.organisation.locale
    events = [
        _view(settings, directory, listed, locale, Audience.PUBLIC)
        for listed in directory.occurrences
        if listed.organisation_id is None
    ]
    return _feed(settings, settings.organisation.name, events)


def buyer_feed(settings: Settings, directory: Directory, organisation_id: int) -> Feed:
    """A buyer's feed: its own rituals and the territory rituals meant for buyers."""
    buyer = directory.organisations.get(organisation_id)
    if buyer is None or buyer.role is not OrganisationRole.BUYER:
        raise NotFoundError(f"no buyer with id {organisation_id}")
    invited = _invited_organisations(directory)
    locale = settings.organisation.locale
    events = [
        _view(settings, directory, listed, locale, Audience.PRIVATE)
        for listed in directory.occurrences
        if (listed.organisation_id == organisation_id and listed.id not in directory.proposed)
        or (
            listed.organisation_id is None
            and (
                "buyer" in settings.rituals[listed.meeting.kind].audience
                or organisation_id in invited.get(listed.id, ())
            )
        )
    ]
    return _feed(settings, _private_name(buyer.name, locale), events)


def facilitator_feed(settings: Settings, directory: Directory, facilitator_id: str) -> Feed:
    """A facilitator's feed: every meeting they run, with the attendees and their answers."""
    facilitator = settings.facilitator(facilitator_id)
    if facilitator is None:
        raise NotFoundError(f"no facilitator {facilitator_id!r} in the configuration")
    events = [
        _view(settings, directory, listed, settings.organisation.locale, Audience.SCHEDULING)
        for listed in directory.occurrences
        if listed.meeting.facilitator_id == facilitator_id
    ]
    events += _holds(settings, directory, facilitator_id)
    return _feed(settings, _private_name(facilitator.name, settings.organisation.locale), events)


def _holds(settings: Settings, directory: Directory, facilitator_id: str) -> list[EventView]:
    """The other dates of the facilitator's open proposals, as TENTATIVE events (the meeting
    itself stands at its default date, TENTATIVE too until a date is decided)."""
    locale = settings.organisation.locale
    holds = []
    for listed in directory.occurrences:
        if listed.meeting.facilitator_id != facilitator_id:
            continue
        for proposal_id, start, end in directory.proposed.get(listed.id, ()):
            view = _view(settings, directory, listed, locale, Audience.SCHEDULING)
            label = "Date proposée" if locale == "fr" else "Date offered"
            holds.append(
                replace(
                    view,
                    uid=f"proposal-{proposal_id}-{int(start.timestamp())}@"
                    f"{settings.organisation.uid_domain}",
                    start=start,
                    end=end,
                    status=OccurrenceStatus.PLANNED,
                    summary=f"{label} : {view.summary}"
                    if locale == "fr"
                    else f"{label}: {view.summary}",
                    attendees=(),
                    alarm_minutes=None,
                )
            )
    return holds


def contact_feed(settings: Settings, directory: Directory, contact_id: int) -> Feed:
    """A contact's feed: the meetings they are invited to and have not declined, never another
    organisation's."""
    person = directory.contacts.get(contact_id)
    if person is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    events = [
        _view(settings, directory, listed, person.locale, Audience.PRIVATE)
        for listed in directory.occurrences
        if _answer(directory, listed.id, contact_id) not in (None, PartStat.DECLINED)
        and (
            person.organisation_id is None
            or listed.organisation_id in (None, person.organisation_id)
        )
    ]
    return _feed(settings, _private_name(person.name, person.locale), events)


def feed_for(settings: Settings, directory: Directory, subscriber: Subscriber) -> Feed | None:
    """The private feed of `subscriber`, or None when it no longer exists."""
    try:
        if subscriber.kind is SubscriberKind.BUYER:
            return buyer_feed(settings, directory, int(subscriber.ref))
        if subscriber.kind is SubscriberKind.FACILITATOR:
            return facilitator_feed(settings, directory, subscriber.ref)
        return contact_feed(settings, directory, int(subscriber.ref))
    except (NotFoundError, ValueError):
        return None


def _feed(settings: Settings, name: str, events: Sequence[EventView]) -> Feed:
    info = FeedInfo(
        name=name, timezone=settings.organisation.timezone, description=settings.organisation.name
    )
    return Feed(info, tuple(events))


def _private_name(whose: str, locale: str) -> str:
    """A private feed's display name: short, since calendar lists cut long names."""
    return f"{'Clause sociale' if locale == 'fr' else 'Social clause'} — {whose}"


def _view(
    settings: Settings, directory: Directory, listed: Listed, locale: str, audience: Audience
) -> EventView:
    """One view per occurrence, locale and audience in an export, shared by every feed."""
    key = (listed.id, locale, audience)
    view = directory.views.get(key)
    if view is None:
        attendees = _attendees(directory, listed.id) if audience is Audience.SCHEDULING else ()
        view = event_view(
            settings, listed.meeting, locale=locale, audience=audience, attendees=attendees
        )
        directory.views[key] = view
    return view


def _attendees(directory: Directory, occurrence_id: int) -> list[Attendee]:
    found = []
    for contact_id, partstat in directory.invitations.get(occurrence_id, ()):
        person = directory.contacts.get(contact_id)
        if person is not None:
            found.append(Attendee(person.name, person.email, partstat))
    return sorted(found, key=lambda a: a.email.lower())


def _answer(directory: Directory, occurrence_id: int, contact_id: int) -> PartStat | None:
    for invited, partstat in directory.invitations.get(occurrence_id, ()):
        if invited == contact_id:
            return partstat
    return None


def _invited_organisations(directory: Directory) -> dict[int, set[int]]:
    """Occurrence id → the organisations one of whose contacts is invited."""
    invited: dict[int, set[int]] = {}
    for occurrence_id, answers in directory.invitations.items():
        for contact_id, _ in answers:
            person = directory.contacts.get(contact_id)
            if person is not None and person.organisation_id is not None:
                invited.setdefault(occurrence_id, set()).add(person.organisation_id)
    return invited


# --- files -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportReport:
    """What `export_feeds` did."""

    folder: Path
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    events: int


def export_feeds(settings: Settings, engine: Engine, now: datetime) -> ExportReport:
    """Write the public feed and every live token's private feed; remove the files of revoked
    tokens. A file is replaced atomically, and only when its bytes change; a folder that cannot
    be written is an ExportError."""
    folder = settings.resolve(settings.feeds.dir)
    with read_session(engine) as session:
        directory = load_directory(session, settings, now)
        tokens = feed_tokens.live_tokens(session)
    try:
        return _write_feeds(settings, folder, directory, tokens)
    except OSError as exc:
        where = exc.filename or folder
        raise ExportError(f"cannot write the feeds: {where}: {exc.strerror or exc}") from exc


def _write_feeds(
    settings: Settings, folder: Path, directory: Directory, tokens: dict[Subscriber, LiveToken]
) -> ExportReport:
    private = folder / PRIVATE_DIR
    private.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    unchanged = 0
    public = public_feed(settings, directory)
    outputs: list[tuple[Path, Feed, int]] = [(folder / PUBLIC_FILE, public, 0o644)]
    for subscriber, token in sorted(tokens.items()):
        feed = feed_for(settings, directory, subscriber)
        if feed is not None:
            outputs.append((private / token.file_name, feed, 0o600))
    events = 0
    for path, feed, mode in outputs:
        events += len(feed.events)
        if write_if_changed(path, feed.render(), mode):
            written.append(str(path.relative_to(folder)))
        else:
            unchanged += 1
    keep = {path.name for path, _, _ in outputs}
    removed = remove_stale(private, keep)
    return ExportReport(folder, tuple(written), unchanged, tuple(removed), events)


def write_if_changed(path: Path, content: bytes, mode: int = 0o644) -> bool:
    """Replace `path` with `content` atomically (temp file + rename) unless it already holds
    exactly these bytes; True when written."""
    try:
        if path.read_bytes() == content:
            return False
    except FileNotFoundError:
        pass
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def remove_stale(private: Path, keep: Iterable[str]) -> list[str]:
    """Delete private feeds no live token opens any more (rotated or revoked)."""
    kept = set(keep)
    removed = []
    for path in sorted(private.iterdir()):
        if _PRIVATE_FILE.fullmatch(path.name) and path.name not in kept:
            path.unlink(missing_ok=True)
            removed.append(f"{PRIVATE_DIR}/{path.name}")
    return removed


# --- subscribers, tokens and links -------------------------------------------------------------


@dataclass(frozen=True)
class FeedLink:
    """A subscriber's feed: who, and the URLs when a token was just minted (else None)."""

    subscriber: Subscriber
    label: str
    http: str | None = None
    webcal: str | None = None
    issued_at: datetime | None = None

    @property
    def minted(self) -> bool:
        """True when the links carry a token minted now (shown this once)."""
        return self.http is not None


def links_for(base_url: str, path: str) -> tuple[str, str]:
    """The https:// (or http://) URL of `path`, and the same as webcal://."""
    http = base_url.rstrip("/") + path
    return http, "webcal://" + http.split("://", 1)[1]


def plain_http_outside_localhost(base_url: str) -> bool:
    """True when links would carry tokens in clear over the network."""
    parts = urlsplit(base_url)
    return parts.scheme == "http" and (parts.hostname or "") not in _LOCAL_HOSTS


def public_link(settings: Settings) -> tuple[str, str]:
    """The public territory feed's links."""
    return links_for(settings.feeds.base_url, f"/{PUBLIC_FILE}")


def all_subscribers(session: Session, settings: Settings) -> list[tuple[Subscriber, str]]:
    """Every possible private-feed subscriber with a readable label: buyers, then facilitators,
    then contacts."""
    found: list[tuple[Subscriber, str]] = []
    buyers = session.execute(
        select(Organisation)
        .where(col(Organisation.role) == OrganisationRole.BUYER)
        .order_by(col(Organisation.slug))
    ).scalars()
    for org in buyers:
        found.append((Subscriber(SubscriberKind.BUYER, str(org.id)), f"buyer {org.slug}"))
    for facilitator in settings.facilitators:
        found.append(
            (
                Subscriber(SubscriberKind.FACILITATOR, facilitator.id),
                f"facilitator {facilitator.id}",
            )
        )
    contacts = session.execute(select(Contact).order_by(col(Contact.email))).scalars()
    for contact in contacts:
        found.append(
            (Subscriber(SubscriberKind.CONTACT, str(contact.id)), f"contact {contact.email}")
        )
    return found


def resolve_subscriber(session: Session, settings: Settings, who: str) -> tuple[Subscriber, str]:
    """WHO on the command line: a buyer slug, a facilitator id or a contact's address, optionally
    prefixed `buyer:`, `facilitator:` or `contact:` when a name is ambiguous."""
    kind, _, name = who.partition(":") if ":" in who else ("", "", who)
    name = name.strip()
    candidates: list[tuple[Subscriber, str]] = []
    if kind in ("", "buyer"):
        org = session.execute(
            select(Organisation).where(
                col(Organisation.slug) == name, col(Organisation.role) == OrganisationRole.BUYER
            )
        ).scalar_one_or_none()
        if org is not None:
            candidates.append((Subscriber(SubscriberKind.BUYER, str(org.id)), f"buyer {org.slug}"))
    if kind in ("", "facilitator") and settings.facilitator(name) is not None:
        candidates.append((Subscriber(SubscriberKind.FACILITATOR, name), f"facilitator {name}"))
    if kind in ("", "contact") and "@" in name:
        contact = session.execute(
            select(Contact).where(col(Contact.email) == name)
        ).scalar_one_or_none()
        if contact is not None:
            candidates.append(
                (Subscriber(SubscriberKind.CONTACT, str(contact.id)), f"contact {contact.email}")
            )
    if kind not in ("", "buyer", "facilitator", "contact"):
        raise InputError(f"{who!r}: write buyer:SLUG, facilitator:ID or contact:EMAIL")
    if not candidates:
        raise NotFoundError(f"{who!r} is no buyer slug, facilitator id or contact address")
    if len(candidates) > 1:
        raise InputError(
            f"{who!r} names several subscribers; write buyer:{name} or facilitator:{name}"
        )
    return candidates[0]


@dataclass(frozen=True)
class Issued:
    """Links just handed out, and whether the feeds could be written after.

    The tokens are committed before the export: when the export fails, the links are still the
    only copy of those tokens and must be shown; `unpublished` then says why the feeds were not
    written (they open once `rituel feeds export` succeeds)."""

    links: tuple[FeedLink, ...]
    unpublished: str | None = None


def issue_links(
    settings: Settings,
    engine: Engine,
    now: datetime,
    *,
    who: Sequence[str] = (),
    kinds: Sequence[SubscriberKind] = (),
) -> Issued:
    """Each subscriber's feed link: a token is minted for those without one (its links are
    returned this once); those with one are listed without links, since only hashes are
    stored. Then the feeds are exported, so every new link opens at once."""
    links: list[FeedLink] = []
    with session_scope(engine) as session:
        if who:
            chosen = [resolve_subscriber(session, settings, name) for name in who]
        else:
            chosen = all_subscribers(session, settings)
        if kinds:
            chosen = [(s, label) for s, label in chosen if s.kind in kinds]
        live = feed_tokens.live_tokens(session)
        for subscriber, label in chosen:
            existing = live.get(subscriber)
            if existing is not None:
                links.append(FeedLink(subscriber, label, issued_at=existing.created_at))
            else:
                links.append(_minted(session, settings, subscriber, label, now))
    if not any(link.minted for link in links):
        return Issued(tuple(links))
    return Issued(tuple(links), _publish(settings, engine, now))


def rotate(
    settings: Settings, engine: Engine, who: str, now: datetime, *, actor: str = journal.CLI
) -> Issued:
    """A new token for WHO (the one link of the answer); the old URL answers 404 from now on."""
    with session_scope(engine) as session:
        subscriber, label = resolve_subscriber(session, settings, who)
        link = _minted(session, settings, subscriber, label, now)
        _journal(session, subscriber, now, actor, "feed_rotate")
    return Issued((link,), _publish(settings, engine, now))


def _publish(settings: Settings, engine: Engine, now: datetime) -> str | None:
    """Export the feeds after minting; why it failed, rather than an error that would lose the
    links just minted."""
    try:
        export_feeds(settings, engine, now)
    except ExportError as exc:
        return str(exc)
    return None


def revoke(
    settings: Settings, engine: Engine, who: str, now: datetime, *, actor: str = journal.CLI
) -> LiveToken | None:
    """Close WHO's feed: its URL answers 404 and its file is removed; None if it had none."""
    with session_scope(engine) as session:
        subscriber, _ = resolve_subscriber(session, settings, who)
        revoked = feed_tokens.revoke(session, subscriber, now)
        if revoked is not None:
            _journal(session, subscriber, now, actor, "feed_revoke")
    export_feeds(settings, engine, now)
    return revoked


def _journal(
    session: Session, subscriber: Subscriber, now: datetime, actor: str, action: str
) -> None:
    """A buyer's feed link minted or revoked goes in its journal (never the link itself)."""
    if subscriber.kind is SubscriberKind.BUYER:
        journal.write(session, now, actor, action, organisation_id=int(subscriber.ref))


def _minted(
    session: Session, settings: Settings, subscriber: Subscriber, label: str, now: datetime
) -> FeedLink:
    token, live = feed_tokens.mint(session, subscriber, now)
    http, webcal = links_for(settings.feeds.base_url, f"/feeds/{token}.ics")
    return FeedLink(subscriber, label, http, webcal, live.created_at)
