"""A convention's status: stored as its word ("active"), read back as a ConventionStatus, on
every engine; what was stored before the enum reads the same."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import StatementError
from sqlmodel import col

from scheduler.core.kinds import ConventionStatus, OrganisationRole
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Convention, Organisation
from tests.databases import database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of each kind, with one buyer."""
    for url in database_url(request.param, tmp_path):
        engine = open_database(url)
        with session_scope(engine) as session:
            session.add(Organisation(slug="ville", name="Ville", role=OrganisationRole.BUYER))
        try:
            yield engine
        finally:
            engine.dispose()


def buyer_id(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.scalars(select(Organisation.id)).one()


def test_a_new_convention_is_active_and_stored_as_the_word(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(
            Convention(
                organisation_id=buyer_id(engine),
                start_date=date(2027, 1, 1),
                end_date=date(2029, 12, 31),
            )
        )
    with session_scope(engine) as session:
        status = session.scalars(select(Convention.status)).one()
        stored = session.execute(text("SELECT status FROM convention")).scalar_one()
    assert status is ConventionStatus.ACTIVE
    assert (type(stored), stored) == (str, "active")


@pytest.mark.parametrize("word", ["active", "ended", "draft", "cancelled"])
def test_every_stored_word_reads_back_as_its_status(engine: Engine, word: str) -> None:
    with session_scope(engine) as session:
        session.execute(
            text(
                "INSERT INTO convention (organisation_id, start_date, end_date, confidential, "
                "renewal_notice_days, status, public) "
                "VALUES (:org, :start, :end, :yes, 120, :status, :no)"
            ),
            {
                "org": buyer_id(engine),
                "start": date(2027, 1, 1),
                "end": date(2029, 12, 31),
                "yes": True,
                "no": False,
                "status": word,
            },
        )
    with session_scope(engine) as session:
        convention = session.scalars(select(Convention)).one()
    assert convention.status is ConventionStatus(word)


def test_queries_and_bulk_inserts_take_the_word_or_the_enum(engine: Engine) -> None:
    organisation = buyer_id(engine)
    with session_scope(engine) as session:
        session.execute(
            insert(Convention),
            [
                {
                    "organisation_id": organisation,
                    "start_date": date(2024, 1, 1),
                    "end_date": date(2026, 12, 31),
                    "status": "ended",
                },
                {
                    "organisation_id": organisation,
                    "start_date": date(2027, 1, 1),
                    "end_date": date(2029, 12, 31),
                    "status": ConventionStatus.ACTIVE,
                },
            ],
        )
    with session_scope(engine) as session:
        by_word = session.scalars(
            select(Convention.start_date).where(col(Convention.status) == "active")
        ).all()
        by_enum = session.scalars(
            select(Convention.start_date).where(col(Convention.status) == ConventionStatus.ENDED)
        ).all()
    assert (by_word, by_enum) == ([date(2027, 1, 1)], [date(2024, 1, 1)])


def test_a_status_no_one_knows_is_refused(engine: Engine) -> None:
    convention = Convention(
        organisation_id=buyer_id(engine),
        start_date=date(2027, 1, 1),
        end_date=date(2029, 12, 31),
        status="signed",  # type: ignore[arg-type]
    )
    refused = pytest.raises(StatementError, match="'signed' is not a valid ConventionStatus")
    with refused, session_scope(engine) as session:
        session.add(convention)
    with session_scope(engine) as session:
        assert session.scalars(select(Convention)).all() == []
