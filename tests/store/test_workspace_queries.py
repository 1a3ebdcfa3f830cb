"""The workspace's read models and sign-in rows on every engine: SQLite always, PostgreSQL where
one runs (and always under CI). Window counts, NOT IN subqueries, dates compared with instants
and case-insensitive search must mean the same on both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind
from scheduler.core.messages import MessageState
from scheduler.service.access import signin
from scheduler.service.deliver.enqueue import enqueue_due
from scheduler.service.plan.planning import plan_and_store
from scheduler.service.publish import workspace
from scheduler.store.db import session_scope
from scheduler.store.models import Invitation, Message, Occurrence, Organisation
from scheduler.store.signin import LinkState
from scheduler.store.workspace import MeetingFilter
from tests.databases import database_url
from tests.factories import add_buyer, settings_in

NOW = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    """A planned and invited directory of a few buyers on each engine."""
    for url in database_url(request.param, tmp_path):
        settings, engine = settings_in(tmp_path, url=url)
        for n, name in enumerate(["Ville de Lisière", "Métropole de Lisière", "Commune d'Orée"]):
            add_buyer(
                engine,
                f"buyer-{n}",
                facilitator="camille" if n % 2 == 0 else "nadia",
                programming_month=5,
                convention=(date(2026, 1, 1), date(2027, 6, 30) if n == 2 else date(2029, 12, 31)),
                contact_email=f"achats@buyer-{n}.example",
            )
            with session_scope(engine) as session:
                org = session.execute(
                    select(Organisation).where(Organisation.slug == f"buyer-{n}")
                ).scalar_one()
                org.name = name
        plan_and_store(settings, engine, NOW)
        enqueue_due(engine, settings, NOW + timedelta(days=40))
        with session_scope(engine) as session:
            session.execute(
                update(Invitation).values(
                    partstat=PartStat.ACCEPTED, responded_at=NOW - timedelta(hours=1)
                )
            )
            session.execute(
                update(Message).values(state=MessageState.FAILED, last_error="550 no such user")
            )
        try:
            yield settings, engine
        finally:
            engine.dispose()


def test_every_page_reads_the_same_on_each_engine(store: tuple[Settings, Engine]) -> None:
    settings, engine = store
    home = workspace.home(settings, engine, NOW, facilitator_id=None, since=None)
    assert home.answers.total >= 1
    assert home.failed.total >= 1
    assert [o.name for o in home.no_held_review.items] == [
        "Commune d'Orée",
        "Métropole de Lisière",
        "Ville de Lisière",
    ]
    assert home.conventions_ending.items == ()
    with session_scope(engine) as session:
        session.execute(
            update(Occurrence)
            .where(col(Occurrence.kind) == RitualKind.CONVENTION_RENEWAL.value)
            .values(status=OccurrenceStatus.CANCELLED)
        )
    home = workspace.home(settings, engine, NOW, facilitator_id=None, since=None)
    assert [r.organisation.name for r in home.conventions_ending.items] == ["Commune d'Orée"]
    mine = workspace.home(settings, engine, NOW, facilitator_id="nadia", since=None)
    assert [o.name for o in mine.no_held_review.items] == ["Métropole de Lisière"]

    month = workspace.agenda(
        settings, engine, date(2027, 4, 1), MeetingFilter(), buyer_slug="buyer-0", page=1
    )
    assert month.listed.total == len(month.listed.rows)
    assert all(m.buyer_slug == "buyer-0" for m in month.listed.rows)

    lines = workspace.buyers(settings, engine, NOW, search="lisière", page=1)
    assert [line.organisation.name for line in lines.rows] == [
        "Métropole de Lisière",
        "Ville de Lisière",
    ]
    assert all(line.next_review is not None for line in lines.rows)
    assert all(line.convention is not None for line in lines.rows)
    upper = workspace.buyers(settings, engine, NOW, search="VILLE", page=1)
    assert [line.organisation.name for line in upper.rows] == ["Ville de Lisière"]

    page = workspace.organisation(settings, engine, "buyer-0", NOW)
    assert page is not None
    assert page.ahead.total >= 1
    assert page.contacts[0].email == "achats@buyer-0.example"
    first = page.ahead.items[0]
    meeting = workspace.meeting(settings, engine, first.uid, page=1, mail_page=1)
    assert meeting is not None
    assert meeting.steps

    found, counts = workspace.organisations(engine, role=OrganisationRole.BUYER, search="", page=2)
    assert found.total == 3
    assert found.rows == ()
    assert counts == {}
    people = workspace.contacts(engine, search="buyer-1", unsubscribed=False, page=1)
    assert [c.email for c in people.rows] == ["achats@buyer-1.example"]
    outbox = workspace.outbox(
        engine, state=MessageState.FAILED, meeting_uid=None, recipient=None, page=1
    )
    assert outbox.messages.total == outbox.counts[MessageState.FAILED]


def test_a_sign_in_link_and_its_session_on_each_engine(store: tuple[Settings, Engine]) -> None:
    settings, engine = store
    issued = signin.mint_link(settings, engine, "CAMILLE@guichet.example", NOW)
    token = issued.url.rsplit("/", 1)[1]
    assert signin.link_state(engine, token, NOW) is LinkState.VALID
    state, cookie = signin.sign_in(settings, engine, token, NOW + timedelta(minutes=1))
    assert state is LinkState.VALID
    assert cookie is not None
    assert signin.link_state(engine, token, NOW) is LinkState.USED
    who = signin.current(settings, engine, cookie, NOW + timedelta(hours=2))
    assert who is not None
    assert who.person.facilitator_id == "camille"
    assert signin.sign_out(engine, cookie, NOW + timedelta(hours=3))
    assert signin.current(settings, engine, cookie, NOW + timedelta(hours=3)) is None
