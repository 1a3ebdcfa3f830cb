"""The store's contract, one suite for every engine: SQLite always, PostgreSQL where one runs
(and always under CI). Whatever the service layer relies on is pinned here: the schema the
migrations build, aware UTC datetimes, unique keys, foreign keys, and the outbox's API
(`scheduler.store.outbox`): idempotent enqueue, the claim with a lease (SKIP LOCKED on
PostgreSQL), outcomes written only by the lease holder, release, the next send, retry."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import SQLModel

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import MessageIntent
from scheduler.errors import NotFoundError
from scheduler.store import outbox
from scheduler.store.db import MIGRATIONS, make_engine, open_database, session_scope
from scheduler.store.models import (
    Contact,
    FeedToken,
    Invitation,
    Message,
    Occurrence,
    Organisation,
    Ritual,
)
from scheduler.store.outbox import claim_due
from tests.databases import database_url
from tests.factories import write_config

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
LATER = NOW + timedelta(seconds=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind."""
    yield from database_url(request.param, tmp_path)


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    """The same database, migrated."""
    engine = open_database(url)
    try:
        yield engine
    finally:
        engine.dispose()


def head_revision() -> str:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def add_occurrence(engine: Engine, key: str = "after_work:2027-04", uid: str | None = None) -> int:
    """A territory series and one meeting of it; returns the meeting's id."""
    with session_scope(engine) as session:
        ritual = session.scalars(select(Ritual).where(Ritual.key == "after_work")).first()
        if ritual is None:
            ritual = Ritual(key="after_work", kind="after_work")
            session.add(ritual)
            session.flush()
        assert ritual.id is not None
        occurrence = Occurrence(
            ritual_id=ritual.id,
            key=key,
            uid=uid or f"{key}@test.example",
            kind="after_work",
            facilitator_id="camille",
            start=NOW + timedelta(days=30),
            end=NOW + timedelta(days=30, hours=2),
            status=OccurrenceStatus.PLANNED,
            changed_at=NOW,
        )
        session.add(occurrence)
        session.flush()
        assert occurrence.id is not None
        return occurrence.id


def message_row(n: int, *, key: str | None = None) -> Message:
    return Message(
        kind=MessageKind.DIGEST,
        idempotency_key=key or f"digest/{n}",
        facilitator_id="camille",
        recipient=f"reader{n}@test.example",
        due_at=NOW,
        next_try_at=NOW + timedelta(microseconds=n),
        message_id=f"<{n}.contract@test.example>",
        unsubscribe_token=f"token-{n}",
        created_at=NOW,
        updated_at=NOW,
    )


def add_messages(engine: Engine, count: int) -> None:
    with session_scope(engine) as session:
        session.add_all(message_row(n) for n in range(count))


# --- schema ------------------------------------------------------------------------------------


def test_check_migrates_an_empty_database_to_head(url: str, tmp_path: Path) -> None:
    config = write_config(tmp_path, url=url)
    check = subprocess.run(
        [sys.executable, "-m", "scheduler.cli", "check", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ | {"COLUMNS": "200"},
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"at {head_revision()}" in check.stdout
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert set(SQLModel.metadata.tables) <= tables


def test_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert context.get_current_revision() == head_revision()
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_migrating_again_changes_nothing(url: str) -> None:
    first = open_database(url)
    first.dispose()
    again = open_database(url)
    try:
        with again.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head_revision()
    finally:
        again.dispose()


# --- datetimes ---------------------------------------------------------------------------------


def test_aware_datetimes_come_back_in_utc_to_the_microsecond(engine: Engine) -> None:
    created = datetime(2027, 6, 1, 10, 0, 0, 123456, tzinfo=PARIS)
    with session_scope(engine) as session:
        session.add(
            FeedToken(
                subscriber_kind="buyer", subscriber_ref="1", token_hash="a", created_at=created
            )
        )
    with session_scope(engine) as session:
        stored = session.scalars(select(FeedToken)).one().created_at
    assert stored == created
    assert stored.tzinfo is UTC
    assert (stored.hour, stored.microsecond) == (8, 123456)


def test_aware_datetimes_compare_as_instants_in_queries(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(
            FeedToken(
                subscriber_kind="buyer",
                subscriber_ref="1",
                token_hash="a",
                created_at=datetime(2027, 6, 1, 10, 0, tzinfo=PARIS),
            )
        )
    before = datetime(2027, 6, 1, 8, 30, tzinfo=UTC)  # 10:30 in Paris
    with session_scope(engine) as session:
        found = session.scalars(select(FeedToken).where(FeedToken.created_at < before)).all()
    assert len(found) == 1


def test_a_naive_datetime_is_refused(engine: Engine) -> None:
    with pytest.raises(StatementError, match="naive datetime"), session_scope(engine) as session:
        session.add(
            FeedToken(
                subscriber_kind="buyer",
                subscriber_ref="1",
                token_hash="a",
                created_at=datetime(2027, 6, 1, 10, 0),
            )
        )
    with session_scope(engine) as session:
        assert session.scalars(select(FeedToken)).all() == []


# --- unique and foreign keys -------------------------------------------------------------------


def test_an_occurrence_key_is_unique(engine: Engine) -> None:
    add_occurrence(engine, "after_work:2027-04")
    with pytest.raises(IntegrityError):
        add_occurrence(engine, "after_work:2027-04", uid="other@test.example")


def test_an_occurrence_uid_is_unique(engine: Engine) -> None:
    add_occurrence(engine, "after_work:2027-04", uid="same@test.example")
    with pytest.raises(IntegrityError):
        add_occurrence(engine, "after_work:2027-05", uid="same@test.example")


def test_a_message_idempotency_key_is_unique(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(message_row(1, key="occ:1/invite/a@test.example"))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(message_row(2, key="occ:1/invite/a@test.example"))


def test_an_invitation_needs_its_meeting_and_contact(engine: Engine) -> None:
    occurrence_id = add_occurrence(engine)
    with session_scope(engine) as session:
        org = Organisation(slug="ville", name="Ville", role=OrganisationRole.BUYER)
        session.add(org)
        session.flush()
        contact = Contact(organisation_id=org.id, name="Élise", email="elise@ville.example")
        session.add(contact)
        session.flush()
        contact_id = contact.id
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(Invitation(occurrence_id=occurrence_id, contact_id=9999))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(Invitation(occurrence_id=9999, contact_id=contact_id))
    with session_scope(engine) as session:
        session.add(Invitation(occurrence_id=occurrence_id, contact_id=contact_id))


def test_a_meeting_needs_its_series(engine: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(
            Occurrence(
                ritual_id=9999,
                key="k",
                uid="u",
                kind="after_work",
                facilitator_id="camille",
                start=NOW,
                end=NOW,
                changed_at=NOW,
            )
        )


# --- the outbox's claim ------------------------------------------------------------------------


def test_a_claim_takes_due_rows_in_order_and_leases_them(engine: Engine) -> None:
    add_messages(engine, 5)
    claimed = claim_due(engine, NOW + timedelta(seconds=1), owner="a", limit=3)
    assert [row.idempotency_key for row in claimed] == ["digest/0", "digest/1", "digest/2"]
    with session_scope(engine) as session:
        rows = session.scalars(select(Message).order_by(Message.id)).all()  # type: ignore[arg-type]
    assert [row.state for row in rows] == [MessageState.SENDING] * 3 + [MessageState.PENDING] * 2
    assert {row.lease_owner for row in rows[:3]} == {"a"}
    assert rows[0].lease_expires_at == NOW + timedelta(seconds=1, minutes=5)
    assert rows[0].attempts == 1


def test_rows_not_yet_due_are_not_claimed(engine: Engine) -> None:
    add_messages(engine, 2)
    assert claim_due(engine, NOW - timedelta(seconds=1), owner="a") == []


def test_a_leased_row_is_not_claimed_again_before_its_lease_ends(engine: Engine) -> None:
    add_messages(engine, 3)
    first = claim_due(engine, LATER, owner="a", limit=2)
    second = claim_due(engine, LATER + timedelta(minutes=4), owner="b", limit=10)
    assert {row.id for row in first}.isdisjoint(row.id for row in second)
    assert len(first) + len(second) == 3


def test_an_expired_lease_is_claimable_again_with_the_same_message_id(engine: Engine) -> None:
    add_messages(engine, 1)
    (crashed,) = claim_due(engine, NOW, owner="crashed", lease=timedelta(minutes=5))
    assert claim_due(engine, NOW + timedelta(minutes=5) - timedelta(seconds=1), owner="b") == []
    (again,) = claim_due(engine, NOW + timedelta(minutes=5), owner="b")
    assert again.id == crashed.id
    assert again.message_id == crashed.message_id
    assert (again.lease_owner, again.attempts) == ("b", 2)


def test_concurrent_claimers_never_share_a_row(engine: Engine) -> None:
    add_messages(engine, 300)
    taken: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def claimer(owner: str) -> None:
        mine: list[int] = taken.setdefault(owner, [])
        try:
            start.wait()
            while batch := claim_due(engine, LATER, owner=owner, limit=7):
                mine.extend(row.id for row in batch if row.id is not None)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(f"owner-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    every = [row for rows in taken.values() for row in rows]
    assert len(every) == len(set(every)) == 300
    with session_scope(engine) as session:
        owners = dict(session.execute(select(Message.id, Message.lease_owner)).all())
    for owner, rows in taken.items():
        assert {owners[row] for row in rows} <= {owner}


@pytest.mark.parametrize("url", ["postgresql"], indirect=True)
def test_a_claim_skips_rows_another_transaction_has_locked(engine: Engine) -> None:
    """FOR UPDATE SKIP LOCKED (PostgreSQL only: SQLite serialises writers with BEGIN
    IMMEDIATE, so there is no row lock to skip)."""
    add_messages(engine, 6)
    done = threading.Event()
    claimed: list[Message] = []
    with engine.connect() as other, other.begin():
        locked = other.execute(
            text("SELECT id FROM message ORDER BY id LIMIT 3 FOR UPDATE")
        ).scalars()
        locked_ids = set(locked)

        def claim() -> None:
            claimed.extend(claim_due(engine, LATER, owner="b", limit=10))
            done.set()

        worker = threading.Thread(target=claim)
        worker.start()
        assert done.wait(timeout=10), "claim_due waited for a locked row instead of skipping it"
        worker.join()
    assert len(claimed) == 3
    assert locked_ids.isdisjoint(row.id for row in claimed)


# --- the outbox's other questions ----------------------------------------------------------------


def digest_intent(n: int, due: datetime = NOW) -> MessageIntent:
    return MessageIntent(
        kind=MessageKind.DIGEST,
        key=f"fac:camille/digest/{n}",
        recipient=f"reader{n}@test.example",
        due_at=due,
        facilitator_id="camille",
    )


def outbox_rows(engine: Engine) -> list[Message]:
    with session_scope(engine) as session:
        return list(session.scalars(select(Message).order_by(Message.id)))  # type: ignore[arg-type]


def test_enqueuing_twice_adds_each_message_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert outbox.enqueue(session, [digest_intent(1), digest_intent(2)], NOW, "t.example") == 2
    with session_scope(engine) as session:
        again = [digest_intent(1), digest_intent(2), digest_intent(3), digest_intent(3)]
        assert outbox.enqueue(session, again, NOW, "t.example") == 1
    rows = outbox_rows(engine)
    assert [row.idempotency_key for row in rows] == [f"fac:camille/digest/{n}" for n in (1, 2, 3)]
    assert (
        len({row.message_id for row in rows}) == len({row.unsubscribe_token for row in rows}) == 3
    )


def test_a_pending_message_follows_its_new_due_time_and_later_ones_wait(engine: Engine) -> None:
    with session_scope(engine) as session:
        outbox.enqueue(session, [digest_intent(1)], NOW, "t.example")
    moved = NOW + timedelta(days=3)
    with session_scope(engine) as session:
        intents = [digest_intent(1, moved), digest_intent(2, moved)]
        assert outbox.enqueue(session, intents, NOW, "t.example", insert_until=NOW) == 0
    (row,) = outbox_rows(engine)
    assert (row.due_at, row.next_try_at) == (moved, moved)


def test_only_pending_messages_are_cancelled(engine: Engine) -> None:
    add_messages(engine, 2)
    claim_due(engine, LATER, owner="a", limit=1)
    with session_scope(engine) as session:
        cancelled = outbox.cancel_pending(session, ["digest/0", "digest/1"], LATER, "moved")
    assert cancelled == 1
    states = [(row.state, row.last_error) for row in outbox_rows(engine)]
    assert states == [(MessageState.SENDING, None), (MessageState.CANCELLED, "moved")]


def test_outcomes_are_written_only_by_the_lease_holder(engine: Engine) -> None:
    add_messages(engine, 2)
    first, second = claim_due(engine, LATER, owner="a", limit=2)
    assert first.id is not None
    assert second.id is not None
    sent = outbox.MessageOutcome(first.id, MessageState.SENT, 1, first.next_try_at, LATER, None)
    lost = outbox.MessageOutcome(second.id, MessageState.FAILED, 1, second.next_try_at, None, "x")
    outbox.record_outcomes(engine, [sent], "a", LATER)
    outbox.record_outcomes(engine, [lost], "b", LATER)
    done, held = outbox_rows(engine)
    assert (done.state, done.sent_at, done.lease_owner) == (MessageState.SENT, LATER, None)
    assert (held.state, held.lease_owner, held.last_error) == (MessageState.SENDING, "a", None)


def test_released_claims_go_back_to_pending_without_counting_the_attempt(engine: Engine) -> None:
    add_messages(engine, 2)
    claimed = claim_due(engine, LATER, owner="a", limit=2)
    ids = [row.id for row in claimed if row.id is not None]
    assert outbox.release_claims(engine, ids, "b", LATER) == 0
    assert outbox.release_claims(engine, ids, "a", LATER) == 2
    rows = outbox_rows(engine)
    assert {(row.state, row.attempts, row.lease_owner) for row in rows} == {
        (MessageState.PENDING, 0, None)
    }


def test_the_next_send_is_the_earliest_pending_time_or_lease_end(engine: Engine) -> None:
    assert outbox.next_send(engine) is None
    add_messages(engine, 2)
    assert outbox.next_send(engine) == NOW
    claim_due(engine, LATER, owner="a", limit=2, lease=timedelta(minutes=1))
    assert outbox.next_send(engine) == LATER + timedelta(minutes=1)


def test_a_retry_puts_final_messages_back_and_names_the_unknown(engine: Engine) -> None:
    add_messages(engine, 3)
    first, _ = claim_due(engine, LATER, owner="a", limit=2)
    assert first.id is not None
    failed = outbox.MessageOutcome(first.id, MessageState.FAILED, 1, first.next_try_at, None, "x")
    outbox.record_outcomes(engine, [failed], "a", LATER)
    with session_scope(engine) as session:
        assert [row.id for row in outbox.failed_since(session, NOW)] == [first.id]
        assert outbox.retry(session, LATER, failed=True) == 1
    with session_scope(engine) as session, pytest.raises(NotFoundError, match="999"):
        outbox.retry(session, LATER, ids=[first.id, 999])
    rows = outbox_rows(engine)
    assert (rows[0].state, rows[0].attempts, rows[0].next_try_at) == (
        MessageState.PENDING,
        0,
        LATER,
    )
    assert [row.id for row in outbox.list_messages(engine, state=MessageState.SENDING)] == [
        rows[1].id
    ]
