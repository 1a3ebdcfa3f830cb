"""Transports against a real SMTP server: STARTTLS, implicit TLS, AUTH, scripted failures."""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import stat
import time
from pathlib import Path

import aiosmtplib
import pytest

from scheduler.errors import DeliveryError
from scheduler.mail.mime import wire_bytes
from scheduler.mail.transport import (
    AuthenticationFailed,
    FileTransport,
    MemoryTransport,
    RateLimit,
    SmtpTransport,
    classify,
)
from tests.mail.conftest import (
    INVITEE,
    SENDER,
    SMTP_PASSWORD,
    MailSink,
    SmtpServer,
    StartServer,
    free_port,
    plain_message,
)


def transport_for(server: SmtpServer, **overrides: object) -> SmtpTransport:
    return SmtpTransport(
        server.settings(**overrides),
        environ=server.environ,
        tls_context=server.tls.client_context(),
    )


async def test_starttls_with_auth_delivers_the_message_as_built(smtp_server: SmtpServer) -> None:
    message = plain_message()
    async with transport_for(smtp_server) as transport:
        result = await transport.send(message, SENDER, [INVITEE])

    assert result.accepted == (INVITEE,)
    assert result.refused == ()
    [received] = smtp_server.sink.received
    assert received.mail_from == SENDER
    assert received.rcpt_tos == (INVITEE,)
    assert received.parsed()["Message-ID"] == message["Message-ID"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
async def test_implicit_tls_delivers(start_smtp: StartServer) -> None:
    server = start_smtp("tls")
    async with transport_for(server) as transport:
        await transport.send(plain_message(), SENDER, [INVITEE])
    assert len(server.sink.received) == 1


async def test_plain_smtp_without_auth_delivers(start_smtp: StartServer) -> None:
    server = start_smtp("none")
    async with transport_for(server, username="") as transport:
        await transport.send(plain_message(), SENDER, [INVITEE])
    assert len(server.sink.received) == 1


async def test_a_batch_reuses_at_most_concurrency_connections(smtp_server: SmtpServer) -> None:
    async with transport_for(smtp_server, concurrency=2) as transport:
        await asyncio.gather(
            *(transport.send(plain_message(), SENDER, [INVITEE]) for _ in range(10))
        )
    assert len(smtp_server.sink.received) == 10
    assert transport.connections_opened <= 2


@pytest.mark.parametrize(
    ("reply", "temporary"),
    [
        ("451 4.3.0 try again later", True),
        ("452 4.3.1 insufficient storage", True),
        ("454 4.7.0 temporary authentication failure", True),
        ("550 5.1.1 mailbox unavailable", False),
        ("554 5.7.1 rejected as spam", False),
    ],
)
async def test_data_replies_are_classified_by_code(
    start_smtp: StartServer, reply: str, temporary: bool
) -> None:
    server = start_smtp(sink=MailSink(data_replies=[reply]))
    async with transport_for(server) as transport:
        with pytest.raises(DeliveryError) as caught:
            await transport.send(plain_message(), SENDER, [INVITEE])
    assert caught.value.temporary is temporary
    assert caught.value.code == int(reply[:3])
    assert not isinstance(caught.value, AuthenticationFailed)


async def test_a_connection_is_usable_again_after_a_failure(start_smtp: StartServer) -> None:
    server = start_smtp(sink=MailSink(data_replies=["451 4.3.0 later"] * 2))
    async with transport_for(server, concurrency=1) as transport:
        for _ in range(2):
            with pytest.raises(DeliveryError):
                await transport.send(plain_message(), SENDER, [INVITEE])
        await transport.send(plain_message(), SENDER, [INVITEE])
    assert server.sink.data_commands == 3
    assert len(server.sink.received) == 1


async def test_wrong_password_is_an_authentication_failure(smtp_server: SmtpServer) -> None:
    transport = SmtpTransport(
        smtp_server.settings(),
        environ={smtp_server.settings().password_env: "not-" + SMTP_PASSWORD},
        tls_context=smtp_server.tls.client_context(),
    )
    with pytest.raises(AuthenticationFailed) as caught:
        await transport.send(plain_message(), SENDER, [INVITEE])
    assert caught.value.temporary is False
    assert caught.value.code == 535
    assert smtp_server.sink.received == []


async def test_a_missing_password_variable_is_an_authentication_failure(
    smtp_server: SmtpServer,
) -> None:
    transport = SmtpTransport(
        smtp_server.settings(), environ={}, tls_context=smtp_server.tls.client_context()
    )
    with pytest.raises(AuthenticationFailed, match="RITUEL_TEST_SMTP_PASSWORD"):
        await transport.send(plain_message(), SENDER, [INVITEE])


async def test_a_partial_refusal_comes_back_in_the_result(start_smtp: StartServer) -> None:
    refused = "parti@ville-lisiere.example"
    server = start_smtp(sink=MailSink(refuse={refused: "550 5.1.1 no such user"}))
    async with transport_for(server) as transport:
        result = await transport.send(plain_message(), SENDER, [INVITEE, refused])

    assert result.accepted == (INVITEE,)
    refusal = result.refusal(refused)
    assert refusal is not None
    assert refusal.code == 550
    assert not refusal.temporary
    assert server.sink.received[0].rcpt_tos == (INVITEE,)


@pytest.mark.parametrize(
    ("reply", "temporary"),
    [("550 5.1.1 no such user", False), ("450 4.2.1 mailbox busy", True)],
)
async def test_every_recipient_refused_is_an_error(
    start_smtp: StartServer, reply: str, temporary: bool
) -> None:
    server = start_smtp(sink=MailSink(refuse={INVITEE: reply}))
    async with transport_for(server) as transport:
        with pytest.raises(DeliveryError, match="every recipient refused") as caught:
            await transport.send(plain_message(), SENDER, [INVITEE])
    assert caught.value.temporary is temporary


async def test_connection_refused_is_temporary(smtp_server: SmtpServer) -> None:
    transport = transport_for(smtp_server, port=free_port())
    with pytest.raises(DeliveryError) as caught:
        await transport.send(plain_message(), SENDER, [INVITEE])
    assert caught.value.temporary is True


async def test_a_silent_server_times_out_as_temporary(smtp_server: SmtpServer) -> None:
    connections: list[asyncio.StreamWriter] = []

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        transport = transport_for(smtp_server, port=port, timeout_seconds=0.2)
        with pytest.raises(DeliveryError) as caught:
            await transport.send(plain_message(), SENDER, [INVITEE])
    finally:
        for writer in connections:
            writer.close()
            await writer.wait_closed()
        server.close()
        await server.wait_closed()
    assert caught.value.temporary is True


@pytest.mark.parametrize(
    ("error", "temporary"),
    [
        (aiosmtplib.SMTPServerDisconnected("gone"), True),
        (aiosmtplib.SMTPConnectError("refused"), True),
        (aiosmtplib.SMTPReadTimeoutError("slow"), True),
        (aiosmtplib.SMTPResponseException(421, "closing"), True),
        (aiosmtplib.SMTPResponseException(454, "TLS not available"), True),
        (aiosmtplib.SMTPDataError(552, "too big"), False),
        (aiosmtplib.SMTPSenderRefused(553, "bad sender", SENDER), False),
    ],
)
def test_classify_follows_interop_rules(error: Exception, temporary: bool) -> None:
    assert classify(error).temporary is temporary


def test_classify_turns_auth_errors_into_authentication_failed() -> None:
    error = classify(aiosmtplib.SMTPAuthenticationError(535, "bad credentials"))
    assert isinstance(error, AuthenticationFailed)
    assert isinstance(error, DeliveryError)


async def test_file_transport_writes_one_eml_per_message(tmp_path: Path) -> None:
    transport = FileTransport(tmp_path / "outbox")
    message = plain_message(message_id="<abc.123@guichet-lisiere.example>")

    result = await transport.send(message, SENDER, [INVITEE])

    [written] = (tmp_path / "outbox").iterdir()
    assert result.accepted == (INVITEE,)
    assert written.name.endswith("-abc.123@guichet-lisiere.example.eml")
    assert written.read_bytes() == wire_bytes(message)


async def test_file_transport_leaves_no_partial_file(tmp_path: Path) -> None:
    transport = FileTransport(tmp_path)
    await asyncio.gather(*(transport.send(plain_message(), SENDER, [INVITEE]) for _ in range(5)))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 5
    assert all(name.endswith(".eml") and not name.startswith(".") for name in names)


async def test_file_transport_writes_0600_files_in_a_0700_folder(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual umask, which makes world-readable files
    try:
        await FileTransport(tmp_path / "outbox").send(plain_message(), SENDER, [INVITEE])
    finally:
        os.umask(previous)
    [written] = (tmp_path / "outbox").iterdir()
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "outbox").stat().st_mode) == 0o700


@pytest.mark.parametrize("room", [0, 100], ids=["nothing written", "cut short"])
def test_a_full_disk_leaves_no_partial_file(tmp_path: Path, room: int) -> None:
    """The kernel refuses writes past RLIMIT_FSIZE as a full disk would (EFBIG for ENOSPC)."""
    transport = FileTransport(tmp_path)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    ignored = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (room, hard))
    try:
        with pytest.raises(OSError, match="File too large"):
            transport.write(plain_message())
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, ignored)
    assert list(tmp_path.iterdir()) == []


async def test_memory_transport_refuses_as_told() -> None:
    transport = MemoryTransport(refuse={"x@example.org": 550})
    result = await transport.send(plain_message(), SENDER, [INVITEE, "x@example.org"])
    assert result.accepted == (INVITEE,)
    with pytest.raises(DeliveryError):
        await transport.send(plain_message(), SENDER, ["x@example.org"])


async def test_rate_limit_spaces_sends_beyond_the_burst() -> None:
    limit = RateLimit(per_minute=1200, burst=1)  # one every 50 ms
    started = time.monotonic()
    for _ in range(4):
        await limit.acquire()
    assert time.monotonic() - started >= 0.14


async def test_a_server_without_starttls_stops_sending(start_smtp: StartServer) -> None:
    server = start_smtp("none")
    with pytest.raises(AuthenticationFailed, match="STARTTLS"):
        await transport_for(server, security="starttls").send(plain_message(), SENDER, [INVITEE])
