"""The store's contract, one suite for every engine: SQLite always, PostgreSQL where one runs
(and always under CI). Whatever the service layer relies on is pinned here: the schema the
migrations build, aware UTC datetimes, unique keys, foreign keys and the outbox's claim with
a lease."""

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
from scheduler.service.deliver.outbox import claim_due
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
