"""Who may subscribe to a private feed, and their links: a token minted, rotated or revoked
(the token is shown once, only its hash is stored), then the feeds written again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.kinds import OrganisationRole
from scheduler.errors import ExportError, InputError, NotFoundError
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.feeds.files import export_feeds
from scheduler.store import directory, feed_tokens, journal
from scheduler.store.db import session_scope
from scheduler.store.feed_tokens import PUBLIC_FILE, LiveToken, Subscriber, SubscriberKind

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


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
    settings = effective_settings(settings, session)
    found: list[tuple[Subscriber, str]] = []
    for org in directory.buyers(session):
        found.append((Subscriber(SubscriberKind.BUYER, str(org.id)), f"buyer {org.slug}"))
    for facilitator in settings.facilitators:
        found.append(
            (
                Subscriber(SubscriberKind.FACILITATOR, facilitator.id),
                f"facilitator {facilitator.id}",
            )
        )
    for contact in directory.contacts(session):
        found.append(
            (Subscriber(SubscriberKind.CONTACT, str(contact.id)), f"contact {contact.email}")
        )
    return found


def resolve_subscriber(session: Session, settings: Settings, who: str) -> tuple[Subscriber, str]:
    """WHO on the command line: a buyer slug, a facilitator id or a contact's address, optionally
    prefixed `buyer:`, `facilitator:` or `contact:` when a name is ambiguous."""
    settings = effective_settings(settings, session)
    kind, _, name = who.partition(":") if ":" in who else ("", "", who)
    name = name.strip()
    candidates: list[tuple[Subscriber, str]] = []
    if kind in ("", "buyer"):
        org = directory.organisation_by_slug(session, name, OrganisationRole.BUYER)
        if org is not None:
            candidates.append((Subscriber(SubscriberKind.BUYER, str(org.id)), f"buyer {org.slug}"))
    if kind in ("", "facilitator") and settings.facilitator(name) is not None:
        candidates.append((Subscriber(SubscriberKind.FACILITATOR, name), f"facilitator {name}"))
    if kind in ("", "contact") and "@" in name:
        contact = directory.contact_by_email(session, name)
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
        settings = effective_settings(settings, session)
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
        settings = effective_settings(settings, session)
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
        settings = effective_settings(settings, session)
        subscriber, _ = resolve_subscriber(session, settings, who)
        revoked = feed_tokens.revoke(session, subscriber, now)
        if revoked is not None:
            _journal(session, subscriber, now, actor, "feed_revoke")
    export_feeds(settings, engine, now)
    return revoked


def _journal(
    session: Session, subscriber: Subscriber, now: datetime, actor: str, action: str
) -> None:
    """A feed link minted or revoked goes in the journal (never the link itself): a buyer's on
    its page; a contact's on their organisation's, naming them; a facilitator's naming them."""
    if subscriber.kind is SubscriberKind.BUYER:
        journal.write(session, now, actor, action, organisation_id=int(subscriber.ref))
    elif subscriber.kind is SubscriberKind.CONTACT:
        contact = directory.contact_by_id(session, int(subscriber.ref))
        journal.write(
            session,
            now,
            actor,
            action,
            organisation_id=contact.organisation_id if contact is not None else None,
            after={"contact": contact.email if contact is not None else subscriber.ref},
        )
    else:
        journal.write(session, now, actor, action, after={"facilitator": subscriber.ref})


def _minted(
    session: Session, settings: Settings, subscriber: Subscriber, label: str, now: datetime
) -> FeedLink:
    token, live = feed_tokens.mint(session, subscriber, now)
    http, webcal = links_for(settings.feeds.base_url, f"/feeds/{token}.ics")
    return FeedLink(subscriber, label, http, webcal, live.created_at)
