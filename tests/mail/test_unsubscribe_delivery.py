"""From the mail to the page and back: a reminder delivered by a real SMTP server carries its
List-Unsubscribe link; the one-click POST a mail client sends to it stops reminders, so the
next one, already queued, is skipped at send time and no later one is written."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from scheduler.clock import fixed_clock
from scheduler.core.kinds import RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.mail.transport import SmtpTransport
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.enqueue import enqueue_due
from scheduler.service.deliver.outbox import dispatch
from scheduler.web import create_app
from tests.mail.conftest import SmtpServer
from tests.mail.outbox_world import CONTACT, MEETING, NOW, World, make_world
from tests.service.conftest import Store
from tests.web_server import serving

WEEK_BEFORE = MEETING - timedelta(days=7)
DAY_BEFORE = MEETING - timedelta(days=1)


@pytest.fixture
def world(store: Store) -> World:
    """A buyers' club (a territory ritual: its reminders may be stopped)."""
    return make_world(*store(""), kind=RitualKind.BUYER_CLUB)


async def send(world: World, server: SmtpServer, at: datetime) -> None:
    transport = SmtpTransport(
        server.settings(), environ=server.environ, tls_context=server.tls.client_context()
    )
    async with transport:
        await dispatch(world.engine, transport, StoreComposer(world.settings), fixed_clock(at))


async def test_one_click_unsubscribe_stops_the_reminder_already_queued(
    world: World, smtp_server: SmtpServer
) -> None:
    world.enqueue(
        world.intent(MessageKind.REMINDER, due_at=WEEK_BEFORE, offset_days=7),
        world.intent(MessageKind.REMINDER, due_at=DAY_BEFORE, offset_days=1),
    )
    await send(world, smtp_server, WEEK_BEFORE)
    [received] = smtp_server.sink.received
    mail = received.parsed()
    link = mail["List-Unsubscribe"].strip().removeprefix("<").removesuffix(">")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert urlsplit(link).path.startswith("/unsubscribe/")
    [first, _] = world.messages()
    assert link.endswith(f"/unsubscribe/{first.unsubscribe_token}")
    text = mail.get_body(("plain",))
    assert text is not None
    assert f"Ne plus recevoir les rappels :\n{link}\n" in text.get_content().replace("\r\n", "\n")

    app = create_app(world.settings, world.engine, clock=fixed_clock(NOW))
    with serving(app) as base, httpx.Client(base_url=base) as client:
        answer = client.post(
            urlsplit(link).path,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert answer.status_code == 200

    await send(world, smtp_server, DAY_BEFORE)
    assert len(smtp_server.sink.received) == 1
    [_, second] = world.messages()
    assert (second.state, second.last_error) == (MessageState.SKIPPED, "unsubscribed from reminder")

    enqueue_due(world.engine, world.settings, DAY_BEFORE)
    reminders = [m for m in world.messages() if m.kind == MessageKind.REMINDER]
    assert [m.recipient for m in reminders if m.state == MessageState.PENDING] == []
    assert {m.recipient for m in reminders} == {CONTACT}
