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
AHEAD = 32
"""How many rendered messages may wait for the transport before rendering waits for one."""


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
    credentials. Cancelled, it records the sends that finished and releases the others.

    The next chunk is claimed and rendered while the sends of the last one finish (rendering
    holds the event loop, so a chunk's last sends would otherwise leave us idle, and the next
    chunk's first ones the server): as many rows as the last chunk has sends done, so that no
    more than a chunk of sends is ever under way. A chunk's outcomes are recorded once all its
    sends are done, as before."""
    retry = retry or RetryPolicy()
    owner = owner or default_owner()
    rng = rng or random.Random()
    report = DispatchReport()
    flights: list[_Flight] = []  # at most two: one landing while the next is rendered
    try:
        while report.stopped is None and not any(flight.refused() for flight in flights):
            size = _room(chunk, limit, report, flights)
            if size == 0 and flights:  # as many sends under way as a chunk: let them land
                await _land(engine, flights[0], clock(), owner, retry, rng, report)
                flights.pop(0)
                continue
            if size == 0 or (should_stop is not None and should_stop()):
                break
            claimed = claim_due(engine, clock(), owner=owner, limit=size, lease=lease)
            if not claimed:
                break
            flights.append(_Flight(claimed))
            await flights[-1].launch(engine, transport, composer, clock())
            if len(flights) == 2:
                await _land(engine, flights[0], clock(), owner, retry, rng, report)
                flights.pop(0)
        while flights:
            await _land(engine, flights[0], clock(), owner, retry, rng, report)
            flights.pop(0)
    except asyncio.CancelledError:
        for flight in flights:
            flight.cancel()
        finished = [pair for flight in flights for pair in flight.finished()]
        _record(engine, finished, clock(), owner, retry, rng, report)
        release_claims(
            engine, [row for flight in flights for row in flight.claimed], owner, clock()
        )
        raise
    except _RenderFailed as failed:
        # What went out is recorded; the rest stays claimed until its lease expires.
        for flight in flights:
            await flight.settle()
        finished = [pair for flight in flights for pair in flight.finished()]
        _record(engine, finished, clock(), owner, retry, rng, report)
        raise failed.error from None
    if report.stopped is not None:
        raise AuthenticationFailed(report.stopped)
    return report


def _room(chunk: int, limit: int | None, report: DispatchReport, flights: list[_Flight]) -> int:
    """How many rows the next claim may take: with the sends still under way, no more than a
    chunk at once (a chunk whose sends all wait lets nothing more be claimed), and no more
    than `limit` leaves."""
    room = chunk - sum(flight.unfinished() for flight in flights)
    if limit is not None:
        room = min(room, limit - report.handled - sum(len(f.claimed) for f in flights))
    return max(0, room)


class _RenderFailed(Exception):
    """Rendering a row raised `error`."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class _Flight:
    """One claimed chunk under way: its rows as rendered, each with its send."""

    def __init__(self, claimed: Sequence[Message]) -> None:
        self.claimed = claimed
        self.rendered: list[Message] = []
        """The rows rendered so far (what was rendered is held by its send alone, and let go
        as soon as it is sent)."""
        self.sends: list[asyncio.Future[_Outcome]] = []
        self._unsent: set[asyncio.Future[_Outcome]] = set()

    async def launch(
        self, engine: Engine, transport: Transport, composer: Composer, now: datetime
    ) -> None:
        """Render the claimed rows one after the other in one read transaction, each handed
        to the transport as soon as it is rendered, so sending overlaps rendering. A row that
        cannot be rendered raises _RenderFailed (the sends under way go on)."""
        with read_session(engine) as session:
            composer.prepare(session, self.claimed)
            for row in self.claimed:
                try:
                    item = _compose(composer, session, row, now)
                except Exception as exc:
                    raise _RenderFailed(exc) from exc
                self.rendered.append(row)
                send = asyncio.ensure_future(
                    _send(transport, row, item) if isinstance(item, Composed) else _closed(item)
                )
                self.sends.append(send)
                self._unsent.add(send)
                send.add_done_callback(self._unsent.discard)
                await self._keep_up()

    async def _keep_up(self) -> None:
        """Let the sends under way read their replies; while more than AHEAD rendered rows
        wait for the transport, wait for one of them to go: rendering further ahead only keeps
        messages alive long enough for the garbage collector to move them to its oldest
        generation (whose collections walk the whole heap)."""
        if len(self._unsent) <= AHEAD:
            await asyncio.sleep(0)
            return
        await asyncio.wait(self._unsent, return_when=asyncio.FIRST_COMPLETED)

    async def outcomes(self) -> list[tuple[Message, _Outcome]]:
        """Every row with the outcome of its send, once all are done (cancelled, gather asks
        the unfinished sends to stop, and `finished` keeps those that completed)."""
        outcomes = await asyncio.gather(*self.sends)
        return list(zip(self.rendered, outcomes, strict=True))

    async def settle(self) -> None:
        """Wait until every send under way is done."""
        if self.sends:
            await asyncio.wait(self.sends)

    def unfinished(self) -> int:
        """How many of its sends are not done yet."""
        return sum(not send.done() for send in self.sends)

    def refused(self) -> bool:
        """A send has already found our credentials refused: claim nothing more."""
        return any(
            send.done()
            and not send.cancelled()
            and send.exception() is None
            and send.result().release
            for send in self.sends
        )

    def cancel(self) -> None:
        for send in self.sends:
            send.cancel()

    def finished(self) -> list[tuple[Message, _Outcome]]:
        """The sends that completed, with their rows."""
        return [
            (row, send.result())
            for row, send in zip(self.rendered, self.sends, strict=True)
            if send.done() and not send.cancelled() and send.exception() is None
        ]


async def _land(
    engine: Engine,
    flight: _Flight,
    now: datetime,
    owner: str,
    retry: RetryPolicy,
    rng: random.Random,
    report: DispatchReport,
) -> None:
    """Wait for every send of `flight`, then record their outcomes."""
    outcomes = await flight.outcomes()
    _record(engine, outcomes, now, owner, retry, rng, report)


def release_claims(engine: Engine, claimed: Sequence[Message], owner: str, now: datetime) -> int:
    """Put the rows among `claimed` that `owner` still holds back in `pending`."""
    return store.release_claims(
        engine, [row.id for row in claimed if row.id is not None], owner, now
    )


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
