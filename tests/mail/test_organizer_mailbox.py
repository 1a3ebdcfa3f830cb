"""Where calendar clients send their answers: the ORGANIZER of what rituel mails. By default the
facilitator's own address; with `[mail.imap] placement = "organizer"`, the mailbox rituel reads,
under the facilitator's name, with Reply-To the facilitator so people's own replies reach her."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import icalendar
from sqlmodel import select

from scheduler.core.messages import MessageKind
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.outbox import Composed
from scheduler.store.db import session_scope
from scheduler.store.models import Message
from tests.factories import settings_in
from tests.mail.outbox_world import World, make_world

ORGANIZER = """
[mail.imap]
host = "imap.guichet.example"
username = "rdv@guichet.example"
placement = "organizer"
address = "rdv@guichet.example"
"""


def invitation(world: World) -> EmailMessage:
    world.enqueue(world.intent(MessageKind.INVITE))
    with session_scope(world.engine) as session:
        row = session.exec(select(Message).where(Message.kind == MessageKind.INVITE)).one()
        composed = StoreComposer(world.settings).compose(session, row, row.due_at)
    assert isinstance(composed, Composed)
    parsed = email.message_from_bytes(composed.email.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def organizer_of(message: EmailMessage) -> tuple[str, str]:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    event = next(iter(icalendar.Calendar.from_ical(payload).walk("VEVENT")))
    organizer = event["ORGANIZER"]
    return str(organizer), str(organizer.params["CN"])


def test_by_default_the_organizer_is_the_facilitator(tmp_path: Path) -> None:
    world = make_world(*settings_in(tmp_path))
    message = invitation(world)
    assert organizer_of(message) == ("mailto:camille@guichet.example", "Camille Roussel")
    assert message["Reply-To"].addresses[0].addr_spec == "camille@guichet.example"


def test_with_an_organizer_mailbox_answers_go_there_and_people_still_reach_her(
    tmp_path: Path,
) -> None:
    world = make_world(*settings_in(tmp_path, ORGANIZER))
    message = invitation(world)
    assert organizer_of(message) == ("mailto:rdv@guichet.example", "Camille Roussel")
    reply_to = message["Reply-To"].addresses[0]
    assert (reply_to.display_name, reply_to.addr_spec) == (
        "Camille Roussel",
        "camille@guichet.example",
    )
