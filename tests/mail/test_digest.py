"""The facilitator's weekly digest, composed from a real store (SQLite and PostgreSQL), in
French and English: the next two weeks with the answers so far, failed deliveries, conventions
ending within 120 days, buyers with no programming review in 12 months, and the meetings of the
past week with the link to record who came."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import MessageIntent
from scheduler.service.attendance import SheetState, attendance_sheet, attendance_url
from scheduler.service.compose import StoreComposer
from scheduler.service.outbox import Composed
from scheduler.store.db import session_scope
from scheduler.store.models import Invitation, Message, Occurrence, Ritual
from tests.factories import add_buyer
from tests.mail.outbox_world import World, make_world
from tests.service.conftest import Store

MONDAY = datetime(2027, 9, 13, 6, 0, tzinfo=UTC)  # 08:00 in Paris
FACILITATOR = "camille@guichet.example"


@pytest.fixture
def world(store: Store) -> World:
    return make_world(*store(""))


def meeting(
    world: World,
    key: str,
    start: datetime,
    *,
    facilitator: str = "camille",
    status: OccurrenceStatus = OccurrenceStatus.ANNOUNCED,
) -> Occurrence:
    """A territory buyers' club on `start`."""
    with session_scope(world.engine) as session:
        ritual = session.exec(select(Ritual).where(Ritual.key == "buyer_club:territory")).first()
        if ritual is None:
            ritual = Ritual(key="buyer_club:territory", kind=RitualKind.BUYER_CLUB.value)
            session.add(ritual)
            session.flush()
        assert ritual.id is not None
        row = Occurrence(
            ritual_id=ritual.id,
            key=key,
            uid=f"{key}@test.example",
            kind=RitualKind.BUYER_CLUB.value,
            facilitator_id=facilitator,
            start=start,
            end=start + timedelta(hours=2),
            status=status,
            changed_at=start - timedelta(days=30),
        )
        session.add(row)
        session.flush()
        return row


def digest(world: World, locale: str = "fr") -> tuple[str, str]:
    """Camille's digest composed at MONDAY: its text and HTML bodies."""
    world.enqueue(
        MessageIntent(
            kind=MessageKind.DIGEST,
            key=f"fac:camille/digest/2027-W37/{locale}/{FACILITATOR}",
            recipient=FACILITATOR,
            recipient_name="Camille Roussel",
            locale=locale,
            due_at=MONDAY,
            facilitator_id="camille",
        ),
        now=MONDAY,
    )
    with session_scope(world.engine) as session:
        row = session.exec(
            select(Message).where(Message.kind == MessageKind.DIGEST, Message.locale == locale)
        ).one()
        composed = StoreComposer(world.settings).compose(session, row, MONDAY)
    assert isinstance(composed, Composed)
    email = composed.email
    parts = {part.get_content_type(): part for part in email.walk()}
    text = parts["text/plain"].get_payload(decode=True)
    html = parts["text/html"].get_payload(decode=True)
    assert isinstance(text, bytes)
    assert isinstance(html, bytes)
    return text.decode("utf-8"), html.decode("utf-8")


def test_the_digest_lists_what_the_issue_asks_for(world: World) -> None:
    add_buyer(
        world.engine, "departement-du-nord", convention=(date(2025, 1, 1), date(2027, 12, 31))
    )
    add_buyer(world.engine, "ville-d-ailleurs", facilitator="nadia")
    with session_scope(world.engine) as session:
        invitation = session.exec(select(Invitation)).one()
        invitation.partstat = PartStat.ACCEPTED
        session.add(invitation)
    world.enqueue(world.intent(MessageKind.INVITE, recipient="parti@ville-lisiere.example"))
    with session_scope(world.engine) as session:
        failed = session.exec(select(Message).where(Message.kind == MessageKind.INVITE)).one()
        failed.state = MessageState.FAILED
        failed.last_error = "550 5.1.1 no such mailbox"
        failed.updated_at = MONDAY - timedelta(days=2)
        session.add(failed)
    held = meeting(world, "club-held", MONDAY - timedelta(days=4))
    open_ = meeting(world, "club-open", MONDAY - timedelta(days=2))
    meeting(world, "club-old", MONDAY - timedelta(days=9))
    meeting(world, "club-cancelled", MONDAY - timedelta(days=3), status=OccurrenceStatus.CANCELLED)
    meeting(world, "club-nadia", MONDAY - timedelta(days=3), facilitator="nadia")
    with session_scope(world.engine) as session:
        row = session.get(Occurrence, held.id)
        assert row is not None
        row.status = OccurrenceStatus.HELD
        session.add(row)

    text, html = digest(world)

    assert "Rencontres du lundi 13 septembre 2027 au dimanche 26 septembre 2027" in text
    assert "mardi 14 septembre 2027 à 10 h 00 : Rendez-vous annuel sur la programmation" in text
    assert "réponses : 1 oui, 0 peut-être, 0 non, 0 sans réponse" in text
    assert "invitation à parti@ville-lisiere.example – 550 5.1.1 no such mailbox" in text
    assert "Departement Du Nord : fin le vendredi 31 décembre 2027 (dans 109 jours)" in text
    without = text.split("depuis 12 mois :")[1]
    assert "- Departement Du Nord" in without
    assert "- Ville De Lisiere" in without
    assert "Ville D Ailleurs" not in text  # Nadia's buyer

    past = text.split("Rencontres des 7 derniers jours, qui est venu ?")[1].split("Envois")[0]
    assert past.count("Club des acheteurs") == 2
    assert "jeudi 9 septembre 2027 à 8 h 00 : Club des acheteurs" in past
    assert "samedi 11 septembre 2027" in past
    for row, wording in ((held, "présences notées, les corriger"), (open_, "noter les présents")):
        assert row.id is not None
        link = attendance_url(world.settings, row.id, row.end)
        assert f"{wording} : {link}" in past
        assert f'href="{link}"' in html
        token = link.rsplit("/", 1)[1]
        sheet = attendance_sheet(world.settings, world.engine, token, MONDAY)
        assert sheet.state is SheetState.OPEN
    assert "Noter les présents</a>" in html
    assert "Présences notées – les corriger</a>" in html


def test_the_digest_in_english_and_with_nothing_to_record(world: World) -> None:
    text, html = digest(world, "en")
    assert "Meetings of the last 7 days, who came?\n- none." in text
    assert "Meetings of the last 7 days: who came?</h2>\n<p>None.</p>" in html
