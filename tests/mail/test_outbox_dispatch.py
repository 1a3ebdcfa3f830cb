"""The outbox against a real SMTP server and a real database (SQLite, and PostgreSQL where one
runs): retries, permanent failures, an outage, a crash between claim and send, bad credentials."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlmodel import select

from scheduler.clock import fixed_clock
from scheduler.config import SmtpSettings
from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import MessageIntent
from scheduler.mail.retry import RetryPolicy
from scheduler.mail.transport import (
    AuthenticationFailed,
    FileTransport,
    MemoryTransport,
    SmtpTransport,
)
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.outbox import claim_due, dispatch, list_messages, retry_messages
from scheduler.store.db import session_scope
from scheduler.store.models import Contact, Invitation
from tests.mail.conftest import (
    MailSink,
    SmtpServer,
    StartServer,
    Store,
    free_port,
)
from tests.mail.outbox_world import CONTACT, MEETING, NOW, World, make_world

RETRY = RetryPolicy(max_attempts=5, first_delay=timedelta(minutes=2))


@pytest.fixture
def world(store: Store) -> World:
    return make_world(*store(""))


def smtp(server: SmtpServer, **environ: str) -> SmtpTransport:
    return SmtpTransport(
        server.settings(),
        environ=environ or server.environ,
        tls_context=server.tls.client_context(),
    )


async def run(world: World, transport: object, at: datetime, **options: object) -> object:
    """One dispatch at `at` (a fixed clock) through `transport`."""
    composer = StoreComposer(world.settings)
    return await dispatch(
        world.engine,
        transport,  # type: ignore[arg-type]
        composer,
        fixed_clock(at),
        retry=RETRY,
        rng=random.Random(4),
        **options,  # type: ignore[arg-type]
    )


async def test_451_twice_then_accepted_is_delivered_once_after_three_attempts(
    world: World, start_smtp: StartServer
) -> None:
    server = start_smtp(sink=MailSink(data_replies=["451 4.3.0 try later"] * 2))
    world.enqueue(world.intent())

    for hours in (0, 1, 3):
        async with smtp(server) as transport:
            await run(world, transport, NOW + timedelta(hours=hours))

    [row] = world.messages()
    assert row.state == MessageState.SENT
    assert row.attempts == 3
    assert row.sent_at == NOW + timedelta(hours=3)
    [received] = server.sink.received
    assert received.parsed()["Message-ID"] == row.message_id
    assert server.sink.data_commands == 3


async def test_a_retry_waits_for_its_backoff(world: World, start_smtp: StartServer) -> None:
    server = start_smtp(sink=MailSink(data_replies=["451 4.3.0 try later"]))
    world.enqueue(world.intent())
    async with smtp(server) as transport:
        await run(world, transport, NOW)
        await run(world, transport, NOW + timedelta(seconds=30))
    [row] = world.messages()
    assert row.state == MessageState.PENDING
    assert row.attempts == 1
    assert NOW + timedelta(minutes=1) <= row.next_try_at <= NOW + timedelta(minutes=2)
    assert "451" in (row.last_error or "")


async def test_550_fails_after_one_attempt_and_shows_in_list_and_digest(
    world: World, start_smtp: StartServer
) -> None:
    server = start_smtp(sink=MailSink(data_replies=["550 5.1.1 no such mailbox"]))
    world.enqueue(world.intent())

    async with smtp(server) as transport:
        report = await run(world, transport, NOW)
        await run(world, transport, NOW + timedelta(days=1))

    [row] = world.messages()
    assert row.state == MessageState.FAILED
    assert row.attempts == 1
    assert report.failed == 1  # type: ignore[attr-defined]
    assert [m.id for m in list_messages(world.engine, state=MessageState.FAILED)] == [row.id]
    digest = await _digest_text(world, NOW + timedelta(days=2))
    assert CONTACT in digest
    assert "550 5.1.1 no such mailbox" in digest


async def test_giving_up_after_max_attempts(world: World, start_smtp: StartServer) -> None:
    server = start_smtp(sink=MailSink(data_replies=["451 4.3.0 later"] * 10))
    world.enqueue(world.intent())
    async with smtp(server) as transport:
        for day in range(RETRY.max_attempts + 2):
            await run(world, transport, NOW + timedelta(days=day, minutes=1))
    [row] = world.messages()
    assert row.state == MessageState.FAILED
    assert row.attempts == RETRY.max_attempts
    assert (row.last_error or "").startswith(f"gave up after {RETRY.max_attempts} attempts")


async def test_the_server_down_at_first_then_everything_is_delivered(
    world: World, start_smtp: StartServer
) -> None:
    port = free_port()
    world.enqueue(world.intent(), world.intent(MessageKind.REMINDER, offset_days=7))
    down = SmtpTransport(
        SmtpSettings(host="127.0.0.1", port=port, security="none", username="", timeout_seconds=2),
        environ={},
    )
    async with down:
        report = await run(world, down, NOW)
    assert report.retried == 2  # type: ignore[attr-defined]

    server = start_smtp("none", port=port)
    async with SmtpTransport(down.settings, environ={}) as transport:
        await run(world, transport, NOW + timedelta(hours=1))

    assert {row.state for row in world.messages()} == {MessageState.SENT}
    assert len(server.sink.received) == 2


async def test_a_dispatcher_killed_between_claim_and_send_is_relieved_after_the_lease(
    world: World, smtp_server: SmtpServer
) -> None:
    world.enqueue(world.intent())
    [claimed] = claim_due(world.engine, NOW, owner="crashed", lease=timedelta(minutes=5))
    # ... and the process dies here, before sending anything.

    async with smtp(smtp_server) as transport:
        early = await run(world, transport, NOW + timedelta(minutes=4))
        late = await run(world, transport, NOW + timedelta(minutes=6))

    assert early.handled == 0  # type: ignore[attr-defined]
    assert late.sent == 1  # type: ignore[attr-defined]
    [row] = world.messages()
    assert row.state == MessageState.SENT
    assert row.attempts == 2
    [received] = smtp_server.sink.received
    assert received.parsed()["Message-ID"] == claimed.message_id == row.message_id


async def test_a_late_dispatcher_cannot_overwrite_a_row_claimed_again(
    world: World, smtp_server: SmtpServer
) -> None:
    world.enqueue(world.intent())
    claim_due(world.engine, NOW, owner="slow", lease=timedelta(minutes=5))
    async with smtp(smtp_server) as transport:
        await run(world, transport, NOW + timedelta(minutes=6))
    # the slow one wakes up and claims nothing: the row is sent and its lease released
    assert claim_due(world.engine, NOW + timedelta(minutes=7), owner="slow") == []
    assert world.messages()[0].lease_owner is None


async def test_an_authentication_failure_stops_and_puts_the_rows_back(
    world: World, smtp_server: SmtpServer
) -> None:
    world.enqueue(world.intent(), world.intent(MessageKind.REMINDER, offset_days=7))
    wrong = {"RITUEL_TEST_SMTP_PASSWORD": "wrong"}
    with pytest.raises(AuthenticationFailed):
        async with smtp(smtp_server, **wrong) as transport:
            await run(world, transport, NOW)

    rows = world.messages()
    assert {row.state for row in rows} == {MessageState.PENDING}
    assert {row.attempts for row in rows} == {0}
    assert all("535" in (row.last_error or "") for row in rows)
    assert smtp_server.sink.received == []


async def test_the_file_transport_writes_what_smtp_would_send(world: World, tmp_path: Path) -> None:
    world.enqueue(world.intent())
    await run(world, FileTransport(tmp_path / "outbox"), NOW)
    [written] = (tmp_path / "outbox").iterdir()
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["Message-ID"] == world.messages()[0].message_id
    assert message.get_content_type() == "multipart/mixed"
    assert message["Subject"].startswith("Invitation : rencontre du 14 septembre 2027 — ")


async def test_a_reminder_whose_meeting_has_passed_is_skipped(
    world: World, smtp_server: SmtpServer
) -> None:
    world.enqueue(world.intent(MessageKind.REMINDER, offset_days=1, due_at=MEETING - timedelta(1)))
    async with smtp(smtp_server) as transport:
        await run(world, transport, MEETING + timedelta(hours=1))
    [row] = world.messages()
    assert row.state == MessageState.SKIPPED
    assert smtp_server.sink.received == []


async def test_a_cancelled_meeting_cancels_its_pending_invitation(
    world: World, smtp_server: SmtpServer
) -> None:
    world.enqueue(world.intent())
    world.change_occurrence(status=OccurrenceStatus.CANCELLED, sequence=1)
    async with smtp(smtp_server) as transport:
        await run(world, transport, NOW)
    assert world.messages()[0].state == MessageState.CANCELLED
    assert smtp_server.sink.received == []


async def test_no_reminder_to_a_decliner_nor_to_the_unsubscribed(
    world: World, smtp_server: SmtpServer
) -> None:
    world.enqueue(world.intent(MessageKind.REMINDER, offset_days=7))
    with session_scope(world.engine) as session:
        invitation = session.exec(
            select(Invitation).where(Invitation.contact_id == world.contact_id)
        ).one()
        invitation.partstat = PartStat.DECLINED
        session.add(invitation)
    async with smtp(smtp_server) as transport:
        await run(world, transport, NOW)
    assert world.messages()[0].state == MessageState.SKIPPED
    assert world.messages()[0].last_error == "declined"

    # invitations may be stopped for a territory meeting (not for the buyer's own ones)
    world.change_occurrence(kind=RitualKind.BUYER_CLUB.value, organisation_id=None)
    world.enqueue(world.intent(MessageKind.INVITE))
    with session_scope(world.engine) as session:
        contact = session.get(Contact, world.contact_id)
        assert contact is not None
        contact.unsubscribed_kinds = "invite"
        session.add(contact)
    async with smtp(smtp_server) as transport:
        await run(world, transport, NOW)
    assert world.messages()[1].state == MessageState.SKIPPED
    assert smtp_server.sink.received == []


async def test_retry_puts_failed_messages_back(world: World, start_smtp: StartServer) -> None:
    server = start_smtp(sink=MailSink(data_replies=["550 5.1.1 no such mailbox"]))
    world.enqueue(world.intent())
    async with smtp(server) as transport:
        await run(world, transport, NOW)
        assert retry_messages(world.engine, NOW, failed=True) == 1
        await run(world, transport, NOW)
    [row] = world.messages()
    assert row.state == MessageState.SENT
    assert row.attempts == 1


def test_enqueuing_twice_adds_nothing(world: World) -> None:
    intents = [world.intent(), world.intent(MessageKind.REMINDER, offset_days=7)]
    assert world.enqueue(*intents) == 2
    assert world.enqueue(*intents) == 0
    assert len(world.messages()) == 2


def test_a_pending_message_follows_its_new_due_time(world: World) -> None:
    world.enqueue(world.intent(MessageKind.REMINDER, offset_days=7))
    later = NOW + timedelta(days=3)
    world.enqueue(world.intent(MessageKind.REMINDER, offset_days=7, due_at=later))
    [row] = world.messages()
    assert row.due_at == later
    assert row.next_try_at == later


async def _digest_text(world: World, at: datetime) -> str:
    """Camille's digest, as sent at `at`."""
    world.enqueue(
        MessageIntent(
            kind=MessageKind.DIGEST,
            key=f"digest/camille/{at.date()}",
            recipient="camille@guichet.example",
            due_at=at,
            facilitator_id="camille",
        ),
        now=at,
    )
    transport = MemoryTransport()
    await run(world, transport, at)
    [(sent, _sender, _recipients)] = transport.sent
    message = message_from_bytes(sent.as_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    body = message.get_body(("plain",))
    assert body is not None
    text: str = body.get_content()
    return text


async def test_an_invitation_carries_its_rsvp_and_unsubscribe_links(world: World) -> None:
    world.change_occurrence(kind=RitualKind.BUYER_CLUB.value, organisation_id=None)
    world.enqueue(world.intent())
    transport = MemoryTransport()
    await run(world, transport, NOW)
    [(sent, _, _)] = transport.sent
    message = message_from_bytes(sent.as_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    text = message.get_body(("plain",))
    assert text is not None
    base = world.settings.feeds.base_url
    token = world.messages()[0].unsubscribe_token
    assert f"{base}/rsvp/" in text.get_content()
    assert message["List-Unsubscribe"].strip() == f"<{base}/unsubscribe/{token}>"
