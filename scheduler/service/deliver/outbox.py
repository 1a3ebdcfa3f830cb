"""Dispatch: claim the due rows of the outbox (`scheduler.store.outbox`, whose docstring draws
the life of a message), render each at send time, send it outside every transaction, and record
each outcome only if the lease is still ours.

An authentication failure puts the claimed rows back and stops the dispatch. A dispatch
cancelled mid-batch (the daemon stopping) records the sends that finished and puts the others
back in `pending` with their lease cleared, so a restart sends them at once.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.message import Message as MailMessage
from typing import Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.clock import Clock
from scheduler.core.messages import MessageState
from scheduler.core.policy import Verdict
from scheduler.errors import DeliveryError
from scheduler.mail.retry import RetryPolicy
from scheduler.mail.transport import AuthenticationFailed, Transport
from scheduler.service import wake
from scheduler.store import outbox as store
from scheduler.store.db import read_session, session_scope
from scheduler.store.models import Message
from scheduler.store.outbox import CHUNK, LEASE, MessageOutcome, claim_due

MAX_ERROR = 1000


# --- dispatch ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Composed:
    """A message ready to go: what to send, from which envelope sender, to whom."""

    email: MailMessage
    envelope_from: str
    recipients: tuple[str, ...]


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


def next_send(engine: Engine) -> datetime | None:
    """When the outbox next has work (the daemon sleeps until then)."""
    return store.next_send(engine)


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
    """Put the rows among `claimed` that `owner` still holds back in `pending`."""
    return store.release_claims(
        engine, [row.id for row in claimed if row.id is not None], owner, now
    )


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
    """Write every outcome at once, only where `owner` still holds the lease: a dispatcher
    that lost its lease overwrites nothing."""
    closed = [_closing(row, outcome, now, retry, rng, report) for row, outcome in outcomes]
    store.record_outcomes(engine, closed, owner, now)


def _closing(
    row: Message,
    outcome: _Outcome,
    now: datetime,
    retry: RetryPolicy,
    rng: random.Random,
    report: DispatchReport,
) -> MessageOutcome:
    """What `row` becomes after `outcome`, counted in `report`."""
    assert row.id is not None
    keep = MessageOutcome(row.id, row.state, row.attempts, row.next_try_at, row.sent_at, None)
    error = outcome.error[:MAX_ERROR] if outcome.error else None
    if outcome.release:
        report.stopped = outcome.error
        return replace(
            keep, state=MessageState.PENDING, attempts=row.attempts - 1, last_error=error
        )
    if outcome.state is MessageState.SENT:
        report.sent += 1
        return replace(keep, state=MessageState.SENT, sent_at=now)
    if outcome.state is MessageState.PENDING:
        next_try = retry.next_try(row.attempts, now, rng)
        if next_try is not None:
            report.retried += 1
            return replace(keep, state=MessageState.PENDING, next_try_at=next_try, last_error=error)
        error = f"gave up after {row.attempts} attempts: {error}"[:MAX_ERROR]
        outcome = _Outcome(MessageState.FAILED, error)
    if outcome.state is MessageState.FAILED:
        report.failed += 1
        report.errors.append(f"{row.kind} to {row.recipient}: {error}")
    elif outcome.state is MessageState.SKIPPED:
        report.skipped += 1
    else:
        report.cancelled += 1
    return replace(keep, state=outcome.state, last_error=error)


# --- operator's commands -----------------------------------------------------------------------


def list_messages(
    engine: Engine, *, state: MessageState | None = None, limit: int = 200
) -> list[Message]:
    """Outbox rows, the latest due first, optionally in one state."""
    return store.list_messages(engine, state=state, limit=limit)


def retry_messages(
    engine: Engine, now: datetime, *, ids: Sequence[int] = (), failed: bool = False
) -> int:
    """Put failed (or, by id, any final) messages back in the queue, due now, attempts reset,
    and wake the daemon."""
    with session_scope(engine) as session:
        named = store.retry(session, now, ids=ids, failed=failed)
        wake.on_commit(session, "outbox")
        return named
