"""The outbox: write messages in the transaction of the change that causes them, then dispatch.

Dispatch claims due rows with a lease and commits `sending` before any network call; it sends
outside every transaction and records each outcome only if it still holds the lease:

    pending ──claim──> sending ──> sent
       ^                  │ temporary failure, attempts left (backoff with jitter)
       └──────────────────┤
                          ├──> failed     permanent failure, or no attempt left
                          ├──> skipped    too late (the meeting has started), unsubscribed…
                          └──> cancelled  the meeting was cancelled or moved since

A row left in `sending` by a crash is claimed again once its lease has expired and sent with the
same Message-ID. An authentication failure puts the claimed rows back and stops the dispatch. A
dispatch cancelled mid-batch (the daemon stopping) records the sends that finished and puts the
others back in `pending` with their lease cleared, so a restart sends them at once.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import socket
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message as MailMessage
from email.utils import make_msgid
from typing import Protocol

from sqlalchemy import and_, bindparam, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.clock import Clock
from scheduler.core.messages import MessageState
from scheduler.core.policy import MessageIntent
from scheduler.errors import DeliveryError, NotFoundError
from scheduler.mail.retry import RetryPolicy
from scheduler.mail.transport import AuthenticationFailed, Transport
from scheduler.service import wake
from scheduler.store.db import read_session, session_scope
from scheduler.store.models import Message

LEASE = timedelta(minutes=5)
CHUNK = 100
MAX_ERROR = 1000


# --- enqueue -----------------------------------------------------------------------------------


def enqueue(
    session: Session,
    intents: Iterable[MessageIntent],
    now: datetime,
    domain: str,
    *,
    insert_until: datetime | None = None,
) -> int:
    """Write the intended messages not yet in the outbox, inside the caller's transaction.

    Rows are keyed by their idempotency key, so enqueuing twice adds nothing; a pending row whose
    due time changed (its meeting moved) follows the new time. Only messages due by
    `insert_until` (when given) are added. Returns the rows added."""
    wanted = list({intent.key: intent for intent in intents}.values())
    if not wanted:
        return 0
    existing = _pending_due_times(session, [intent.key for intent in wanted])
    for intent in wanted:
        due = existing.get(intent.key)
        if due is not None and due != intent.due_at:
            _follow(session, intent, now)
    rows = [
        _row(intent, now, domain)
        for intent in wanted
        if intent.key not in existing and (insert_until is None or intent.due_at <= insert_until)
    ]
    return _insert_new(session, rows)


def cancel_pending(session: Session, keys: Iterable[str], now: datetime, reason: str) -> int:
    """Cancel the pending rows among `keys` (a meeting moved or was cancelled)."""
    keys = list(keys)
    if not keys:
        return 0
    statement = (
        update(Message)
        .where(col(Message.idempotency_key).in_(keys))
        .where(col(Message.state) == MessageState.PENDING)
        .values(state=MessageState.CANCELLED, last_error=reason, updated_at=now)
    )
    return _rowcount(session.exec(statement))


def _pending_due_times(session: Session, keys: Sequence[str]) -> dict[str, datetime | None]:
    """Existing rows among `keys`: their due time when pending, None otherwise."""
    found: dict[str, datetime | None] = {}
    for start in range(0, len(keys), 500):
        query = select(Message.idempotency_key, Message.state, Message.due_at).where(
            col(Message.idempotency_key).in_(keys[start : start + 500])
        )
        for key, state, due_at in session.exec(query):
            found[key] = due_at if state == MessageState.PENDING else None
    return found


def _follow(session: Session, intent: MessageIntent, now: datetime) -> None:
    session.exec(
        update(Message)
        .where(col(Message.idempotency_key) == intent.key)
        .where(col(Message.state) == MessageState.PENDING)
        .values(due_at=intent.due_at, next_try_at=intent.due_at, updated_at=now)
    )


def _row(intent: MessageIntent, now: datetime, domain: str) -> dict[str, object]:
    return {
        "kind": intent.kind,
        "idempotency_key": intent.key,
        "occurrence_id": intent.occurrence_id,
        "convention_id": intent.convention_id,
        "contact_id": intent.contact_id,
        "facilitator_id": intent.facilitator_id,
        "recipient": intent.recipient,
        "recipient_name": intent.recipient_name,
        "locale": intent.locale,
        "sequence": intent.sequence,
        "offset_days": intent.offset_days,
        "due_at": intent.due_at,
        "state": MessageState.SKIPPED if intent.skip_reason else MessageState.PENDING,
        "last_error": intent.skip_reason,
        "attempts": 0,
        "next_try_at": intent.due_at,
        "message_id": make_msgid(domain=domain),
        "unsubscribe_token": secrets.token_urlsafe(24),
        "created_at": now,
        "updated_at": now,
    }


def _insert_new(session: Session, rows: list[dict[str, object]]) -> int:
    """INSERT … ON CONFLICT (idempotency_key) DO NOTHING, so a concurrent enqueue is harmless."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Message)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(col(Message.id))
    )
    added = 0
    for start in range(0, len(rows), 500):
        added += len(session.connection().execute(statement, rows[start : start + 500]).all())
    return added


def _rowcount(result: object) -> int:
    count = getattr(result, "rowcount", 0)
    return int(count) if isinstance(count, int) else 0


# --- dispatch ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Composed:
    """A message ready to go: what to send, from which envelope sender, to whom."""

    email: MailMessage
    envelope_from: str
    recipients: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    """A message that will not be sent, and why."""

    state: MessageState
    reason: str


class Composer(Protocol):
    """Renders a claimed row at send time, or says why it must not be sent."""

    def prepare(self, session: Session, messages: Sequence[Message]) -> None:
        """Load at once what the `messages` about to be composed will read."""
        ...

    def compose(self, session: Session, message: Message, now: datetime) -> Composed | Verdict:
        """The message to send for `message`, or the verdict that closes it."""
        ...


@dataclass
class DispatchReport:
    """What one dispatch did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: int = 0
    stopped: str | None = None
    """Why sending stopped early (an authentication failure), if it did."""
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        """Rows that left the queue or were rescheduled."""
        return self.sent + self.retried + self.failed + self.skipped + self.cancelled


@dataclass(frozen=True, slots=True)
class _Outcome:
    state: MessageState
    error: str | None = None
    release: bool = False


def default_owner() -> str:
    """Who holds a lease: host, process and a random suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim_due(
    engine: Engine,
    now: datetime,
    *,
    owner: str,
    limit: int = CHUNK,
    lease: timedelta = LEASE,
) -> list[Message]:
    """Claim up to `limit` due rows for `owner`: pending ones whose time has come, and rows in
    `sending` whose lease has expired. Committed before anything is sent."""
    with session_scope(engine) as session:
        due = or_(
            and_(col(Message.state) == MessageState.PENDING, col(Message.next_try_at) <= now),
            and_(
                col(Message.state) == MessageState.SENDING,
                col(Message.lease_expires_at) <= now,
            ),
        )
        query = select(Message).where(due).order_by(col(Message.next_try_at), col(Message.id))
        query = query.limit(limit)
        if engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list(session.exec(query))
        for row in rows:
            row.state = MessageState.SENDING
            row.lease_owner = owner
            row.lease_expires_at = now + lease
            row.attempts += 1
            row.updated_at = now
            session.add(row)
    return rows


def next_send(engine: Engine) -> datetime | None:
    """When the outbox next has work: the earliest pending row's time or the earliest lease in
    flight to expire (two index lookups on the claim index, whatever the outbox's size)."""
    with read_session(engine) as session:
        pending = session.exec(
            select(func.min(col(Message.next_try_at))).where(
                col(Message.state) == MessageState.PENDING
            )
        ).one()
        leased = session.exec(
            select(func.min(col(Message.lease_expires_at))).where(
                col(Message.state) == MessageState.SENDING
            )
        ).one()
    return min((at for at in (pending, leased) if at is not None), default=None)


async def dispatch(
    engine: Engine,
    transport: Transport,
    composer: Composer,
    clock: Clock,
    *,
    retry: RetryPolicy | None = None,
    owner: str | None = None,
    chunk: int = CHUNK,
    lease: timedelta = LEASE,
    rng: random.Random | None = None,
    limit: int | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> DispatchReport:
    """Send every due message, a chunk at a time, until none is due or `should_stop()` says
    so; raise AuthenticationFailed (after recording what was done) when the server refuses our
    credentials. Cancelled, it records the sends that finished and releases the others."""
    retry = retry or RetryPolicy()
    owner = owner or default_owner()
    rng = rng or random.Random()
    report = DispatchReport()
    while limit is None or report.handled < limit:
        if should_stop is not None and should_stop():
            break
        size = chunk if limit is None else min(chunk, limit - report.handled)
        claimed = claim_due(engine, clock(), owner=owner, limit=size, lease=lease)
        if not claimed:
            break
        try:
            outcomes = await _deliver(engine, transport, composer, claimed, clock())
        except _Interrupted as interrupted:
            _record(engine, interrupted.finished, clock(), owner, retry, rng, report)
            release_claims(engine, claimed, owner, clock())
            raise asyncio.CancelledError from None
        except _RenderFailed as failed:
            # What went out is recorded; the rest stays claimed until its lease expires.
            _record(engine, failed.finished, clock(), owner, retry, rng, report)
            raise failed.error from None
        _record(engine, outcomes, clock(), owner, retry, rng, report)
        if report.stopped is not None:
            raise AuthenticationFailed(report.stopped)
    return report


class _Interrupted(Exception):
    """The batch was cancelled; `finished` holds the sends that completed before."""

    def __init__(self, finished: list[tuple[Message, _Outcome]]) -> None:
        super().__init__("dispatch cancelled")
        self.finished = finished


class _RenderFailed(Exception):
    """Rendering a row raised `error` after the sends in `finished` had gone out."""

    def __init__(self, finished: list[tuple[Message, _Outcome]], error: Exception) -> None:
        super().__init__(str(error))
        self.finished = finished
        self.error = error


def release_claims(engine: Engine, claimed: Sequence[Message], owner: str, now: datetime) -> int:
    """Put the rows among `claimed` that `owner` still holds back in `pending`, lease cleared
    and the attempt not counted: they were never handed to the server, or we cannot know."""
    ids = [row.id for row in claimed]
    if not ids:
        return 0
    statement = (
        update(Message)
        .where(col(Message.id).in_(ids))
        .where(col(Message.state) == MessageState.SENDING)
        .where(col(Message.lease_owner) == owner)
        .values(
            state=MessageState.PENDING,
            attempts=col(Message.attempts) - 1,
            lease_owner=None,
            lease_expires_at=None,
            updated_at=now,
        )
    )
    with session_scope(engine) as session:
        return _rowcount(session.exec(statement))


async def _deliver(
    engine: Engine,
    transport: Transport,
    composer: Composer,
    claimed: Sequence[Message],
    now: datetime,
) -> list[tuple[Message, _Outcome]]:
    """Render the claimed rows one after the other in one read transaction, each handed to the
    transport as soon as it is rendered, so sending overlaps rendering; then wait for every
    send. Cancelled, raise _Interrupted with the sends that completed."""
    prepared: list[tuple[Message, Composed | Verdict]] = []
    sends: list[asyncio.Future[_Outcome]] = []
    try:
        with read_session(engine) as session:
            composer.prepare(session, claimed)
            for row in claimed:
                item = _compose(composer, session, row, now)
                prepared.append((row, item))
                sends.append(
                    asyncio.ensure_future(
                        _send(transport, row, item) if isinstance(item, Composed) else _closed(item)
                    )
                )
                await asyncio.sleep(0)  # let the sends under way read their replies
    except asyncio.CancelledError:
        for send in sends:
            send.cancel()
        raise _Interrupted(_finished(prepared, sends)) from None
    except Exception as exc:
        if sends:  # the rows rendered before went out: wait for their outcomes
            await asyncio.wait(sends)
        raise _RenderFailed(_finished(prepared, sends), exc) from exc
    try:
        outcomes = await asyncio.gather(*sends)
    except asyncio.CancelledError:
        # gather has asked the unfinished sends to stop: keep those that completed.
        raise _Interrupted(_finished(prepared, sends)) from None
    return [(row, outcome) for (row, _), outcome in zip(prepared, outcomes, strict=True)]


def _finished(
    prepared: Sequence[tuple[Message, Composed | Verdict]],
    sends: Sequence[asyncio.Future[_Outcome]],
) -> list[tuple[Message, _Outcome]]:
    """The sends among `sends` that completed, with their rows."""
    return [
        (row, send.result())
        for (row, _), send in zip(prepared, sends, strict=True)
        if send.done() and not send.cancelled() and send.exception() is None
    ]


def _compose(
    composer: Composer, session: Session, row: Message, now: datetime
) -> Composed | Verdict:
    try:
        return composer.compose(session, row, now)
    except DeliveryError as exc:
        return Verdict(MessageState.FAILED, str(exc))


async def _closed(verdict: Verdict) -> _Outcome:
    return _Outcome(verdict.state, verdict.reason)


async def _send(transport: Transport, row: Message, composed: Composed) -> _Outcome:
    try:
        result = await transport.send(composed.email, composed.envelope_from, composed.recipients)
    except AuthenticationFailed as exc:
        return _Outcome(MessageState.PENDING, str(exc), release=True)
    except DeliveryError as exc:
        state = MessageState.PENDING if exc.temporary else MessageState.FAILED
        return _Outcome(state, str(exc))
    refusal = result.refusal(row.recipient)
    if refusal is not None:
        state = MessageState.PENDING if refusal.temporary else MessageState.FAILED
        return _Outcome(state, f"{refusal.code} {refusal.reason}")
    return _Outcome(MessageState.SENT)


def _record(
    engine: Engine,
    outcomes: Sequence[tuple[Message, _Outcome]],
    now: datetime,
    owner: str,
    retry: RetryPolicy,
    rng: random.Random,
    report: DispatchReport,
) -> None:
    """Write every outcome in one statement (executemany), only where `owner` still holds
    the lease: a dispatcher that lost its lease overwrites nothing."""
    if not outcomes:
        return
    params = []
    for row, outcome in outcomes:
        values = {
            "state": row.state,
            "attempts": row.attempts,
            "next_try_at": row.next_try_at,
            "sent_at": row.sent_at,
            **_values(row, outcome, now, retry, rng, report),
        }
        params.append({f"new_{name}": value for name, value in values.items()} | {"row": row.id})
    table = Message.__table__  # type: ignore[attr-defined]
    statement = (
        update(table)
        .where(table.c.id == bindparam("row"))
        .where(table.c.state == MessageState.SENDING)
        .where(table.c.lease_owner == owner)
        .values(
            state=bindparam("new_state"),
            attempts=bindparam("new_attempts"),
            next_try_at=bindparam("new_next_try_at"),
            sent_at=bindparam("new_sent_at"),
            last_error=bindparam("new_last_error"),
            lease_owner=None,
            lease_expires_at=None,
            updated_at=now,
        )
    )
    with session_scope(engine) as session:
        session.connection().execute(statement, params)


def _values(
    row: Message,
    outcome: _Outcome,
    now: datetime,
    retry: RetryPolicy,
    rng: random.Random,
    report: DispatchReport,
) -> dict[str, object]:
    error = outcome.error[:MAX_ERROR] if outcome.error else None
    if outcome.release:
        report.stopped = outcome.error
        return {"state": MessageState.PENDING, "attempts": row.attempts - 1, "last_error": error}
    if outcome.state is MessageState.SENT:
        report.sent += 1
        return {"state": MessageState.SENT, "sent_at": now, "last_error": None}
    if outcome.state is MessageState.PENDING:
        next_try = retry.next_try(row.attempts, now, rng)
        if next_try is not None:
            report.retried += 1
            return {"state": MessageState.PENDING, "next_try_at": next_try, "last_error": error}
        error = f"gave up after {row.attempts} attempts: {error}"[:MAX_ERROR]
        outcome = _Outcome(MessageState.FAILED, error)
    if outcome.state is MessageState.FAILED:
        report.failed += 1
        report.errors.append(f"{row.kind} to {row.recipient}: {error}")
    elif outcome.state is MessageState.SKIPPED:
        report.skipped += 1
    else:
        report.cancelled += 1
    return {"state": outcome.state, "last_error": error}


# --- operator's commands -----------------------------------------------------------------------


def list_messages(
    engine: Engine, *, state: MessageState | None = None, limit: int = 200
) -> list[Message]:
    """Outbox rows, the latest due first, optionally in one state."""
    with session_scope(engine) as session:
        query = select(Message)
        if state is not None:
            query = query.where(col(Message.state) == state)
        query = query.order_by(col(Message.due_at).desc(), col(Message.id).desc()).limit(limit)
        return list(session.exec(query))


def retry_messages(
    engine: Engine, now: datetime, *, ids: Sequence[int] = (), failed: bool = False
) -> int:
    """Put failed (or, by id, any final) messages back in the queue, due now, attempts reset."""
    with session_scope(engine) as session:
        query = select(Message)
        if failed:
            query = query.where(col(Message.state) == MessageState.FAILED)
        else:
            query = query.where(col(Message.id).in_(list(ids)))
        rows = list(session.exec(query))
        missing = set(ids) - {row.id for row in rows}
        if missing:
            raise NotFoundError(f"no message with id {', '.join(map(str, sorted(missing)))}")
        for row in rows:
            if row.state in (MessageState.PENDING, MessageState.SENDING):
                continue
            row.state = MessageState.PENDING
            row.attempts = 0
            row.next_try_at = now
            row.updated_at = now
            session.add(row)
        wake.on_commit(session, "outbox")
        return len(rows)
