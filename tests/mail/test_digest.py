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
from scheduler.service.answer.attendance import SheetState, attendance_sheet, attendance_url
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.outbox import Composed
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


def review(
    world: World, buyer_id: int, year: int, start: datetime, status: OccurrenceStatus
) -> None:
    """A programming review of buyer `buyer_id` for `year`, on `start`."""
    with session_scope(world.engine) as session:
        key = f"programming_review:{buyer_id}"
        ritual = session.exec(select(Ritual).where(Ritual.key == key)).first()
        if ritual is None:
            ritual = Ritual(key=key, kind=RitualKind.PROGRAMMING_REVIEW.value)
            session.add(ritual)
            session.flush()
        assert ritual.id is not None
        session.add(
            Occurrence(
                ritual_id=ritual.id,
                key=f"{key}:{year}",
                uid=f"review-{buyer_id}-{year}@test.example",
                kind=RitualKind.PROGRAMMING_REVIEW.value,
                organisation_id=buyer_id,
                facilitator_id="camille",
                start=start,
                end=start + timedelta(hours=2),
                status=status,
                changed_at=start - timedelta(days=60),
            )
        )


def test_only_reviews_that_took_place_count_and_the_last_one_is_dated(world: World) -> None:
    never_announced = add_buyer(world.engine, "ville-jamais-annoncee")
    review(world, never_announced, 2027, MONDAY - timedelta(days=90), OccurrenceStatus.PLANNED)
    long_ago = add_buyer(world.engine, "ville-lointaine")
    review(world, long_ago, 2026, datetime(2026, 6, 9, 8, 0, tzinfo=UTC), OccurrenceStatus.HELD)
    review(world, long_ago, 2027, MONDAY + timedelta(days=20), OccurrenceStatus.ANNOUNCED)
    under_way = add_buyer(world.engine, "ville-en-cours")
    review(world, under_way, 2027, MONDAY - timedelta(hours=1), OccurrenceStatus.ANNOUNCED)
    recent = add_buyer(world.engine, "ville-recente")
    review(world, recent, 2027, MONDAY - timedelta(days=60), OccurrenceStatus.ANNOUNCED)
    held = add_buyer(world.engine, "ville-tenue")
    review(world, held, 2027, MONDAY - timedelta(days=200), OccurrenceStatus.HELD)
    cancelled = add_buyer(world.engine, "ville-annulee")
    review(world, cancelled, 2027, MONDAY - timedelta(days=30), OccurrenceStatus.CANCELLED)

    text, html = digest(world)

    without = text.split("depuis 12 mois :")[1].split("\n\n")[0]
    assert without.strip().splitlines() == [
        "- Ville Annulee (aucun rendez-vous tenu)",
        "- Ville De Lisiere (aucun rendez-vous tenu)",
        "- Ville En Cours (aucun rendez-vous tenu)",
        "- Ville Jamais Annoncee (aucun rendez-vous tenu)",
        "- Ville Lointaine (dernier rendez-vous le mardi 9 juin 2026)",
    ]
    assert "<li>Ville Lointaine (dernier rendez-vous le mardi 9 juin 2026)</li>" in html
    english, _ = digest(world, "en")
    assert "- Ville Lointaine (last one on Tuesday 9 June 2026)" in english


def test_the_digest_names_the_buyers_the_plan_leaves_without_a_review(world: World) -> None:
    add_buyer(
        world.engine,
        "ville-finissante",
        programming_month=3,
        convention=(date(2025, 1, 1), date(2027, 12, 31)),
    )
    add_buyer(world.engine, "ville-de-nadia", facilitator="nadia", convention=None)

    text, html = digest(world)

    missing = text.split("prévu d'ici le mardi 13 mars 2029 :")[1].split("\n\n")[0]
    assert missing.strip().splitlines() == [
        "- Ville Finissante : la convention prend fin le vendredi 31 décembre 2027, avant la "
        "période du prochain rendez-vous"
    ]
    assert "<li>Ville Finissante : la convention prend fin le vendredi 31 décembre 2027" in html
    english, _ = digest(world, "en")
    assert "- Ville Finissante: the convention ends on Friday 31 December 2027" in english
