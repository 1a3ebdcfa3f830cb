"""The outbox's table: messages written in the transaction of the change that causes them,
claimed with a lease, and closed with their outcome.

    pending ──claim──> sending ──> sent
       ^                  │ temporary failure, attempts left (backoff with jitter)
       └──────────────────┤
                          ├──> failed     permanent failure, or no attempt left
                          ├──> skipped    too late (the meeting has started), unsubscribed…
                          └──> cancelled  the meeting was cancelled or moved since

Enqueuing is idempotent (one row per idempotency key, `INSERT … ON CONFLICT DO NOTHING`). A
claim commits `sending`, the lease's owner and its expiry before anything is sent; on
PostgreSQL it skips the rows another claimer holds locked (`SKIP LOCKED`), so several daemons
share the work without waiting for each other. An outcome is written only where its owner
still holds the lease, so a dispatcher that lost its lease overwrites nothing. A row left in
`sending` by a crash is claimed again once its lease has expired, with the same Message-ID.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import make_msgid

from sqlalchemy import and_, bindparam, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import MessageIntent
from scheduler.errors import NotFoundError
from scheduler.store.db import read_session, session_scope
from scheduler.store.models import Message

LEASE = timedelta(minutes=5)
CHUNK = 100
_IN_CHUNK = 500
"""Keys or ids asked at once in an IN (…) list: what every engine accepts."""


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


def pending_keys(
    session: Session, occurrence_ids: Sequence[int], kinds: Iterable[MessageKind]
) -> list[str]:
    """The idempotency keys of the pending rows of `kinds` about these meetings."""
    if not occurrence_ids:
        return []
    return list(
        session.exec(
            select(Message.idempotency_key)
            .where(col(Message.occurrence_id).in_(list(occurrence_ids)))
            .where(col(Message.kind).in_(list(kinds)))
            .where(col(Message.state) == MessageState.PENDING)
        ).all()
    )


def invitations_sent(
    session: Session, occurrence_ids: Sequence[int]
) -> dict[tuple[int, int | None], int]:
    """Who got the invitation to each of these meetings (sent, or being sent), with the highest
    SEQUENCE it carried: (meeting, contact) → SEQUENCE."""
    sent: dict[tuple[int, int | None], int] = {}
    for start in range(0, len(occurrence_ids), _IN_CHUNK):
        rows = session.exec(
            select(col(Message.occurrence_id), col(Message.contact_id), col(Message.sequence))
            .where(col(Message.kind) == MessageKind.INVITE)
            .where(col(Message.state).in_([MessageState.SENT, MessageState.SENDING]))
            .where(col(Message.occurrence_id).in_(occurrence_ids[start : start + _IN_CHUNK]))
        )
        for occurrence_id, contact_id, sequence in rows:
            key = (occurrence_id or 0, contact_id)
            sent[key] = max(sequence, sent.get(key, sequence))
    return sent


def _pending_due_times(session: Session, keys: Sequence[str]) -> dict[str, datetime | None]:
    """Existing rows among `keys`: their due time when pending, None otherwise."""
    found: dict[str, datetime | None] = {}
    for start in range(0, len(keys), _IN_CHUNK):
        query = select(Message.idempotency_key, Message.state, Message.due_at).where(
            col(Message.idempotency_key).in_(keys[start : start + _IN_CHUNK])
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
    for start in range(0, len(rows), _IN_CHUNK):
        added += len(session.connection().execute(statement, rows[start : start + _IN_CHUNK]).all())
    return added


def _rowcount(result: object) -> int:
    count = getattr(result, "rowcount", 0)
    return int(count) if isinstance(count, int) else 0


# --- claims and outcomes -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageOutcome:
    """What became of one claimed row: the values its columns take."""

    message_id: int
    state: MessageState
    attempts: int
    next_try_at: datetime
    sent_at: datetime | None
    last_error: str | None


def claim_due(
    engine: Engine,
    now: datetime,
    *,
    owner: str,
    limit: int = CHUNK,
    lease: timedelta = LEASE,
) -> list[Message]:
    """Claim up to `limit` due rows for `owner`: pending ones whose time has come, and rows in
    `sending` whose lease has expired; each counts one more attempt. Committed before
    anything is sent; the rows are claimed in one UPDATE (at most `limit` ids)."""
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
        if not rows:
            return rows
        claim = {
            "state": MessageState.SENDING,
            "lease_owner": owner,
            "lease_expires_at": now + lease,
            "updated_at": now,
        }
        session.exec(
            update(Message)
            .where(col(Message.id).in_([row.id for row in rows]))
            .values(attempts=col(Message.attempts) + 1, **claim)
            .execution_options(synchronize_session=False)
        )
        for row in rows:  # the rows as claimed, without a second write of each through the ORM
            for name, value in {**claim, "attempts": row.attempts + 1}.items():
                set_committed_value(row, name, value)
    return rows


def release_claims(engine: Engine, ids: Sequence[int], owner: str, now: datetime) -> int:
    """Put the rows among `ids` that `owner` still holds back in `pending`, lease cleared and
    the attempt not counted: they were never handed to the server, or we cannot know."""
    if not ids:
        return 0
    statement = (
        update(Message)
        .where(col(Message.id).in_(list(ids)))
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


def record_outcomes(
    engine: Engine, outcomes: Sequence[MessageOutcome], owner: str, now: datetime
) -> None:
    """Write every outcome in one statement (executemany), only where `owner` still holds the
    lease, and clear the lease."""
    if not outcomes:
        return
    params = [
        {
            "row": outcome.message_id,
            "new_state": outcome.state,
            "new_attempts": outcome.attempts,
            "new_next_try_at": outcome.next_try_at,
            "new_sent_at": outcome.sent_at,
            "new_last_error": outcome.last_error,
        }
        for outcome in outcomes
    ]
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


# --- what the operator and the digest read ------------------------------------------------------


def has_message(session: Session, idempotency_key: str) -> bool:
    """Whether the outbox holds the message of `idempotency_key`."""
    found = session.exec(
        select(col(Message.id)).where(col(Message.idempotency_key) == idempotency_key)
    ).first()
    return found is not None


def message(session: Session, message_id: int) -> Message | None:
    """The outbox row `message_id`."""
    return session.get(Message, message_id)


def list_messages(
    engine: Engine, *, state: MessageState | None = None, limit: int = 200
) -> list[Message]:
    """Outbox rows, the latest due first, optionally in one state."""
    with read_session(engine) as session:
        query = select(Message)
        if state is not None:
            query = query.where(col(Message.state) == state)
        query = query.order_by(col(Message.due_at).desc(), col(Message.id).desc()).limit(limit)
        return list(session.exec(query))


def retry(session: Session, now: datetime, *, ids: Sequence[int] = (), failed: bool = False) -> int:
    """Put failed (or, by id, any final) messages back in the queue, due now, attempts reset;
    NotFoundError names the ids that are no message. Returns the rows named."""
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
    return len(rows)


def failed_since(session: Session, since: datetime, limit: int = 50) -> list[Message]:
    """The messages that failed since `since`, the latest first."""
    return list(
        session.exec(
            select(Message)
            .where(col(Message.state) == MessageState.FAILED)
            .where(col(Message.updated_at) >= since)
            .order_by(col(Message.updated_at).desc())
            .limit(limit)
        ).all()
    )
