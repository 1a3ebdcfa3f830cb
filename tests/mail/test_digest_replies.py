"""The facilitator's digest shows what invitees wrote from their calendars (comments and
proposals of another time) and warns when the replies mailbox cannot be read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from scheduler.core.messages import MessageKind
from scheduler.core.policy import MessageIntent
from scheduler.service.answer.replies import process_mail
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.outbox import Composed, enqueue
from scheduler.store.answers import save_mailbox_status
from scheduler.store.db import session_scope
from scheduler.store.models import Message
from tests.feed_factories import World, make_world
from tests.reply_factories import fixture_meeting, mail

MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 08:00 in Paris
IMAP = '\n[mail.imap]\nhost = "imap.guichet.example"\n'


@pytest.fixture
def world(tmp_path: Path) -> World:
    world = make_world(tmp_path, IMAP)
    fixture_meeting(world)
    return world


def digest(world: World, locale: str) -> str:
    with session_scope(world.engine) as session:
        enqueue(
            session,
            [
                MessageIntent(
                    kind=MessageKind.DIGEST,
                    key=f"digest/{locale}",
                    recipient="camille@guichet.example",
                    recipient_name="Camille Roussel",
                    locale=locale,
                    due_at=MONDAY,
                    facilitator_id="camille",
                )
            ],
            MONDAY,
            "guichet.example",
        )
    with session_scope(world.engine) as session:
        row = session.exec(select(Message).where(Message.locale == locale)).one()
        composed = StoreComposer(world.settings).compose(session, row, MONDAY)
    assert isinstance(composed, Composed)
    text = next(p for p in composed.email.walk() if p.get_content_type() == "text/plain")
    payload = text.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8")


def test_comments_and_proposals_from_calendars_are_in_the_digest(world: World) -> None:
    for name in ("thunderbird_declined_with_comment.eml", "outlook_counter_proposal.eml"):
        process_mail(world.settings, world.engine, mail(name), MONDAY - timedelta(days=2))
    text = digest(world, "fr")
    title = "Rendez-vous annuel sur la programmation des achats — Ville A"
    assert "Ce que les invités ont écrit depuis leur agenda\u00a0:" in text
    assert (
        f"- Paul Martin, pour «\u00a0{title}\u00a0» (mardi 14 septembre 2027 à 10 h 00)\u00a0: "
        "ne participera pas, «\u00a0En congé cette semaine-là ; Zoé Dupont me représentera."
        "\u00a0»" in text
    )
    assert (
        f"- Zoé Dupont, pour «\u00a0{title}\u00a0» (mardi 14 septembre 2027 à 10 h 00)\u00a0: "
        "propose plutôt le jeudi 16 septembre 2027 à 14 h 00 (fin à 16 h 00), "
        "«\u00a0Le mardi ne me convient pas, le jeudi suivant serait possible.\u00a0»" in text
    )
    english = digest(world, "en")
    assert "What invitees wrote from their calendars:" in english
    assert "proposes another time, Thursday 16 September 2027 at 14:00 (ending at 16:00)" in english


def test_nothing_written_back_nothing_shown(world: World) -> None:
    assert "agenda" not in digest(world, "fr")


def test_a_mailbox_that_cannot_be_read_is_in_the_digest(world: World) -> None:
    with session_scope(world.engine) as session:
        save_mailbox_status(
            session, "camille@imap:993/INBOX", MONDAY - timedelta(hours=5), "login refused"
        )
    text = digest(world, "fr")
    assert (
        "Attention\u00a0: la boîte où arrivent les réponses des agendas ne peut plus être lue "
        "depuis le lundi 30 novembre 2026 à 3 h 00." in text
    )
    assert "Détail technique\u00a0: login refused" in text
    with session_scope(world.engine) as session:
        save_mailbox_status(session, "camille@imap:993/INBOX", MONDAY, None)
    assert "Attention" not in digest(world, "fr"), "the digest is composed when it is sent"
