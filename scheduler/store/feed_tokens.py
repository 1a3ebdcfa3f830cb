"""Feed tokens: the only lock a calendar client can use, so ≥ 128 random bits, shown once, stored
as SHA-256, compared in constant time, one live token per subscriber, rotatable and revocable.

A lookup takes the same steps whether the token is right, wrong or revoked: hash it, fetch the row
with that hash (or none), compare the digests in constant time, then check revocation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from scheduler.store.models import FeedToken

TOKEN_BYTES = 32
"""secrets.token_urlsafe(32): 256 random bits in 43 URL-safe characters."""
FILE_STEM_LENGTH = 32
PUBLIC_FILE = "territoire.ics"
"""The public territory feed, under a readable name in the feeds folder."""
PRIVATE_DIR = "private"
"""Where private feeds are written, each named by its token's hash (`feed_file_name`)."""
_NO_MATCH = "0" * 64


class SubscriberKind(StrEnum):
    """Who a private feed is for."""

    BUYER = "buyer"
    FACILITATOR = "facilitator"
    CONTACT = "contact"


@dataclass(frozen=True, slots=True, order=True)
class Subscriber:
    """One private feed's owner: a buyer (organisation id), a facilitator (its id) or a contact
    (contact id)."""

    kind: SubscriberKind
    ref: str

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.ref}"


@dataclass(frozen=True, slots=True)
class LiveToken:
    """A token that opens a feed: whose it is, and the hash that names its file."""

    subscriber: Subscriber
    token_hash: str
    created_at: datetime

    @property
    def file_name(self) -> str:
        """The private feed's file under calendars/private/."""
        return feed_file_name(self.token_hash)


def hash_token(token: str) -> str:
    """The hex SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def feed_file_name(token_hash: str) -> str:
    """The file of a private feed: named by its token's hash, never by the token itself."""
    return f"{token_hash[:FILE_STEM_LENGTH]}.ics"


def lookup(connection: Connection | Session, token: str) -> LiveToken | None:
    """The live token matching `token`, or None for an unknown or revoked one."""
    digest = hash_token(token)
    row = connection.execute(
        select(
            col(FeedToken.token_hash),
            col(FeedToken.subscriber_kind),
            col(FeedToken.subscriber_ref),
            col(FeedToken.created_at),
            col(FeedToken.revoked_at),
        ).where(col(FeedToken.token_hash) == digest)
    ).first()
    stored = row.token_hash if row is not None else _NO_MATCH
    matches = hmac.compare_digest(stored, digest)
    if row is None or not matches or row.revoked_at is not None:
        return None
    subscriber = Subscriber(SubscriberKind(row.subscriber_kind), row.subscriber_ref)
    return LiveToken(subscriber, row.token_hash, row.created_at)


def live_tokens(session: Session) -> dict[Subscriber, LiveToken]:
    """Every live token, by subscriber."""
    rows = session.execute(
        select(FeedToken).where(col(FeedToken.revoked_at).is_(None)).order_by(col(FeedToken.id))
    ).scalars()
    found: dict[Subscriber, LiveToken] = {}
    for row in rows:
        subscriber = Subscriber(SubscriberKind(row.subscriber_kind), row.subscriber_ref)
        found[subscriber] = LiveToken(subscriber, row.token_hash, row.created_at)
    return found


def mint(session: Session, subscriber: Subscriber, now: datetime) -> tuple[str, LiveToken]:
    """A new token for `subscriber`, revoking the one it had; the plain token is returned once
    and never stored."""
    revoke(session, subscriber, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = FeedToken(
        subscriber_kind=subscriber.kind.value,
        subscriber_ref=subscriber.ref,
        token_hash=hash_token(token),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return token, LiveToken(subscriber, row.token_hash, now)


def revoke(session: Session, subscriber: Subscriber, now: datetime) -> LiveToken | None:
    """Revoke the subscriber's live token, if any; returns what was revoked."""
    live = live_token_of(session, subscriber)
    if live is None:
        return None
    session.execute(
        update(FeedToken).where(col(FeedToken.token_hash) == live.token_hash).values(revoked_at=now)
    )
    session.flush()
    return live


def live_token_of(session: Session, subscriber: Subscriber) -> LiveToken | None:
    """The subscriber's live token, if it has one."""
    row = session.execute(
        select(FeedToken).where(
            col(FeedToken.subscriber_kind) == subscriber.kind.value,
            col(FeedToken.subscriber_ref) == subscriber.ref,
            col(FeedToken.revoked_at).is_(None),
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    return LiveToken(subscriber, row.token_hash, row.created_at)
