"""Migrations that change existing tables, run step by step on a database holding rows: the
rows survive the upgrade, and the downgrade gives the old schema back. SQLite always,
PostgreSQL where one runs (the contract suite checks that head builds exactly the models)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from scheduler.core.kinds import OrganisationRole, PartStat
from scheduler.store.db import MIGRATIONS, make_engine, session_scope
from scheduler.store.models import Contact, Organisation
from tests.databases import database_url
from tests.store.test_store_contract import add_occurrence


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of each kind, not yet migrated."""
    for url in database_url(request.param, tmp_path):
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    """Bring the schema up (or down) to `revision`."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        if down:
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)


def invitation_columns(engine: Engine) -> tuple[set[str], set[str]]:
    """The invitation table's column names and index names."""
    found = inspect(engine)
    columns = {column["name"] for column in found.get_columns("invitation")}
    indexes = {str(index["name"]) for index in found.get_indexes("invitation")}
    return columns, indexes


def test_0010_drops_the_unused_rsvp_token_hash_and_keeps_the_invitations(engine: Engine) -> None:
    migrate(engine, "0009")
    occurrence_id = add_occurrence(engine)
    with session_scope(engine) as session:
        buyer = Organisation(slug="ville", name="Ville", role=OrganisationRole.BUYER)
        session.add(buyer)
        session.flush()
        contact = Contact(organisation_id=buyer.id, name="Élise", email="elise@ville.example")
        session.add(contact)
        session.flush()
        assert contact.id is not None
        contact_id = contact.id
    with engine.begin() as connection:  # the table as 0009 left it, not as the model is now
        connection.execute(
            text(
                "INSERT INTO invitation (occurrence_id, contact_id, partstat, rsvp_token_hash)"
                " VALUES (:occurrence, :contact, :partstat, 'unused')"
            ),
            {
                "occurrence": occurrence_id,
                "contact": contact_id,
                "partstat": PartStat.ACCEPTED.value,
            },
        )
    columns, indexes = invitation_columns(engine)
    assert "rsvp_token_hash" in columns
    assert "ix_invitation_rsvp_token_hash" in indexes

    migrate(engine, "0010")
    columns, indexes = invitation_columns(engine)
    assert "rsvp_token_hash" not in columns
    assert "ix_invitation_rsvp_token_hash" not in indexes
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT occurrence_id, partstat FROM invitation")).all()
    assert [tuple(row) for row in kept] == [(occurrence_id, PartStat.ACCEPTED.value)]

    migrate(engine, "0009", down=True)
    columns, indexes = invitation_columns(engine)
    assert "rsvp_token_hash" in columns
    assert "ix_invitation_rsvp_token_hash" in indexes
    with engine.connect() as connection:
        assert connection.execute(text("SELECT rsvp_token_hash FROM invitation")).all() == [(None,)]


def test_0013_marks_no_invitation_removed_and_its_downgrade_keeps_them(engine: Engine) -> None:
    migrate(engine, "0012")
    occurrence_id = add_occurrence(engine)
    with session_scope(engine) as session:
        buyer = Organisation(slug="ville", name="Ville", role=OrganisationRole.BUYER)
        session.add(buyer)
        session.flush()
        contact = Contact(organisation_id=buyer.id, name="Élise", email="elise@ville.example")
        session.add(contact)
        session.flush()
        contact_id = contact.id
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO invitation (occurrence_id, contact_id, partstat)"
                " VALUES (:occurrence, :contact, :partstat)"
            ),
            {"occurrence": occurrence_id, "contact": contact_id, "partstat": "ACCEPTED"},
        )
    assert "removed_at" not in invitation_columns(engine)[0]

    migrate(engine, "0013")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT partstat, removed_at FROM invitation")).all()
    assert [tuple(row) for row in rows] == [("ACCEPTED", None)]

    migrate(engine, "0012", down=True)
    assert "removed_at" not in invitation_columns(engine)[0]
    with engine.connect() as connection:
        assert connection.execute(text("SELECT partstat FROM invitation")).all() == [("ACCEPTED",)]


def test_0014_gives_conventions_their_details_unsaid_and_its_downgrade_keeps_them(
    engine: Engine,
) -> None:
    migrate(engine, "0013")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organisation (slug, name, role, kind, territory)"
                " VALUES ('ville', 'Ville', 'buyer', 'commune', '')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO convention (organisation_id, start_date, end_date, confidential,"
                " renewal_notice_days, status, public)"
                " SELECT id, '2027-01-01', '2029-12-31', :yes, 120, 'active', :no"
                " FROM organisation"
            ),
            {"yes": True, "no": False},
        )
    migrate(engine, "0014")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT end_date, commitments, document_reference, renewal FROM convention")
        ).all()
    assert [tuple(map(str, row)) for row in rows] == [("2029-12-31", "None", "None", "None")]

    migrate(engine, "0013", down=True)
    columns = {column["name"] for column in inspect(engine).get_columns("convention")}
    assert not columns & {"commitments", "document_reference", "renewal"}
    with engine.connect() as connection:
        assert len(connection.execute(text("SELECT id FROM convention")).all()) == 1
