"""The demo territory end to end: import demo/*.csv, plan, invite, export every feed; then every
file passes the four parsers and no buyer's feed shows anything of another buyer."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from scheduler.cli import main
from scheduler.config import load_settings
from scheduler.core.kinds import OrganisationRole, RitualKind
from scheduler.store.db import open_database, session_scope
from scheduler.store.feed_tokens import PRIVATE_DIR, PUBLIC_FILE, SubscriberKind, live_tokens
from scheduler.store.models import Contact, Invitation, Occurrence, Organisation
from tests.conftest import IcsCheck
from tests.feed_factories import unfolded

REPO = Path(__file__).resolve().parents[3]
NOW = "2026-11-25T09:00"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo configuration and directory, planned, with invitations and every feed link."""
    folder = tmp_path_factory.mktemp("demo")
    shutil.copy(REPO / "config.toml", folder / "config.toml")
    config = str(folder / "config.toml")
    for kind in ("partners", "suppliers", "buyers", "contacts"):
        path = str(REPO / "demo" / f"{kind}.csv")
        assert main(["import", kind, path, "--config", config]) == 0
    assert main(["plan", "--config", config, "--now", NOW]) == 0
    invite_by_audience(folder / "config.toml")
    assert main(["feeds", "links", "--config", config, "--now", NOW]) == 0
    return folder


def invite_by_audience(config: Path) -> None:
    """Each contact invited as the mail side will: to their own organisation's meetings and to
    the territory meetings whose audience includes their role."""
    settings = load_settings(config)
    engine = open_database(settings.database_url)
    with session_scope(engine) as session:
        roles = {org.id: org.role for org in session.execute(select(Organisation)).scalars()}
        contacts = list(session.execute(select(Contact)).scalars())
        for occurrence in session.execute(select(Occurrence)).scalars():
            audience = settings.rituals[RitualKind(occurrence.kind)].audience
            for contact in contacts:
                role = roles.get(contact.organisation_id) if contact.organisation_id else None
                if occurrence.organisation_id is not None:
                    invited = contact.organisation_id == occurrence.organisation_id
                else:
                    invited = (str(role) if role else "guichet") in audience
                if invited:
                    session.add(Invitation(occurrence_id=occurrence.id, contact_id=contact.id))
    engine.dispose()


def test_every_demo_feed_passes_the_four_parsers(demo: Path, ics_check: IcsCheck) -> None:
    files = sorted((demo / "calendars").rglob("*.ics"))
    assert (demo / "calendars" / PUBLIC_FILE) in files
    assert len(files) > 20
    ics_check(*files)


def test_for_every_pair_of_demo_buyers_a_feed_holds_nothing_of_the_other(demo: Path) -> None:
    settings = load_settings(demo / "config.toml")
    engine = open_database(settings.database_url)
    private = demo / "calendars" / PRIVATE_DIR
    with session_scope(engine) as session:
        buyers = list(
            session.execute(
                select(Organisation).where(col(Organisation.role) == OrganisationRole.BUYER)
            ).scalars()
        )
        contacts = list(session.execute(select(Contact)).scalars())
        occurrences = list(session.execute(select(Occurrence)).scalars())
        tokens = live_tokens(session)
    engine.dispose()
    files = {
        (subscriber.kind, subscriber.ref): private / token.file_name
        for subscriber, token in tokens.items()
    }
    assert len(buyers) >= 10
    with_meetings = {o.organisation_id for o in occurrences if o.organisation_id is not None}
    assert len(with_meetings) >= 10
    for mine, theirs in itertools.permutations(buyers, 2):
        feeds = [files[(SubscriberKind.BUYER, str(mine.id))]]
        feeds += [
            files[(SubscriberKind.CONTACT, str(c.id))]
            for c in contacts
            if c.organisation_id == mine.id
        ]
        their_uids = [o.uid for o in occurrences if o.organisation_id == theirs.id]
        their_addresses = [c.email for c in contacts if c.organisation_id == theirs.id]
        for path in feeds:
            text = unfolded(path.read_bytes())
            leaked = [s for s in their_uids + their_addresses if s in text]
            leaked += [
                line
                for line in text.split("\r\n")
                if line.endswith(f" — {theirs.name}") or f"Avec : {theirs.name}\n" in line
            ]
            assert not leaked, f"{mine.slug}'s feeds show {theirs.slug}'s {leaked[:3]}"
            assert "ATTENDEE" not in text


def test_the_demo_public_feed_has_no_address_and_no_attendee(demo: Path) -> None:
    text = unfolded((demo / "calendars" / PUBLIC_FILE).read_bytes())
    assert "ATTENDEE" not in text
    assert "ORGANIZER" not in text
    assert "BEGIN:VEVENT" in text
    addresses = [
        line for line in text.split("\r\n") if not line.startswith("UID:") and EMAIL.search(line)
    ]
    assert addresses == []
