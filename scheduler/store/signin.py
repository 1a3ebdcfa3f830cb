"""Workspace sign-in links and sessions: only the SHA-256 of each secret is stored, and a look-up
takes the same steps for a right, a wrong and a stale secret (hash, fetch the row with that hash
or none, compare the digests in constant time, then check its dates)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlmodel import Session, col

from scheduler.store.feed_tokens import hash_token
from scheduler.store.models import SignInLink, WorkspaceSession

TOKEN_BYTES = 32
_NO_MATCH = "0" * 64


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def _matches(stored: str | None, digest: str) -> bool:
    return hmac.compare_digest(stored if stored is not None else _NO_MATCH, digest)


# --- sign-in links -------------------------------------------------------------------------------


class LinkState(StrEnum):
    """What a sign-in link can still do."""

    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


def add_link(session: Session, email: str, now: datetime, lifetime: timedelta) -> str:
    """A new one-time link for `email`; the plain token is returned once, never stored."""
    token = new_token()
    session.add(
        SignInLink(
            token_hash=hash_token(token),
            email=email,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def links_since(session: Session, email: str, since: datetime) -> int:
    """How many links were made for `email` from `since` on."""
    return int(
        session.execute(
            select(func.count())
            .select_from(SignInLink)
            .where(col(SignInLink.email) == email, col(SignInLink.created_at) >= since)
        ).scalar_one()
    )


def link_state(
    session: Session, token: str, now: datetime, *, lock: bool = False
) -> tuple[LinkState, SignInLink | None]:
    """The state of the link `token` at `now`, and its row when it is known."""
    digest = hash_token(token)
    query = select(SignInLink).where(col(SignInLink.token_hash) == digest)
    if lock:
        query = query.with_for_update()
    row = session.execute(query).scalar_one_or_none()
    genuine = _matches(row.token_hash if row is not None else None, digest)
    if row is None or not genuine:
        return LinkState.UNKNOWN, None
    if row.used_at is not None:
        return LinkState.USED, row
    if now >= row.expires_at:
        return LinkState.EXPIRED, row
    return LinkState.VALID, row


def use_link(session: Session, token: str, now: datetime) -> tuple[LinkState, str | None]:
    """Spend the link `token`: its address when it was valid (and is now used)."""
    state, row = link_state(session, token, now, lock=True)
    if state is not LinkState.VALID or row is None:
        return state, None
    row.used_at = now
    session.add(row)
    session.flush()
    return state, row.email


# --- sessions ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LiveSession:
    """A session that may still be used."""

    id: int
    email: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    previous_visit_at: datetime | None


def open_session(
    session: Session, email: str, now: datetime, lifetime: timedelta
) -> tuple[str, LiveSession]:
    """A new session for `email`; the cookie's token is returned once, never stored. The
    person's previous visit is the last request of their earlier sessions."""
    previous = session.execute(
        select(func.max(col(WorkspaceSession.last_seen_at))).where(
            col(WorkspaceSession.email) == email
        )
    ).scalar_one_or_none()
    token = new_token()
    row = WorkspaceSession(
        token_hash=hash_token(token),
        email=email,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        previous_visit_at=previous,
    )
    session.add(row)
    session.flush()
    return token, _live(row)


def find_session(
    session: Session, token: str, now: datetime, idle: timedelta
) -> LiveSession | None:
    """The live session of the cookie `token`: not ended, not past its absolute end, and used
    within `idle`."""
    digest = hash_token(token)
    row = session.execute(
        select(WorkspaceSession).where(col(WorkspaceSession.token_hash) == digest)
    ).scalar_one_or_none()
    genuine = _matches(row.token_hash if row is not None else None, digest)
    if row is None or not genuine or row.ended_at is not None:
        return None
    if now >= row.expires_at or now - row.last_seen_at >= idle:
        return None
    return _live(row)


def touch(
    session: Session, session_id: int, now: datetime, previous_visit_at: datetime | None
) -> None:
    """Record a request at `now` (and, when a new visit starts, when the last one ended)."""
    session.execute(
        update(WorkspaceSession)
        .where(col(WorkspaceSession.id) == session_id)
        .values(last_seen_at=now, previous_visit_at=previous_visit_at)
    )


def end_session(session: Session, token: str, now: datetime) -> bool:
    """End the session of the cookie `token`; True when one was live."""
    result = session.execute(
        update(WorkspaceSession)
        .where(
            col(WorkspaceSession.token_hash) == hash_token(token),
            col(WorkspaceSession.ended_at).is_(None),
        )
        .values(ended_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def _live(row: WorkspaceSession) -> LiveSession:
    assert row.id is not None
    return LiveSession(
        id=row.id,
        email=row.email,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        expires_at=row.expires_at,
        previous_visit_at=row.previous_visit_at,
    )
