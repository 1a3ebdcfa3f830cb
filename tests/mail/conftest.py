"""A real SMTP server (aiosmtpd) on a free loopback port, with STARTTLS and AUTH, whose replies
a test can script; and small factories for the messages under test."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from scheduler.calendar import Attendee, EventView, Organizer, render_cancel, render_request
from scheduler.config import SmtpSettings
from scheduler.core.kinds import OccurrenceStatus, RitualKind

SMTP_USER = "rituel"
SMTP_PASSWORD = "s3cret-for-tests"
PASSWORD_ENV = "RITUEL_TEST_SMTP_PASSWORD"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class TlsFiles:
    """A self-signed certificate for localhost and 127.0.0.1, and its key."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return TlsFiles(cert, key)


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    def parsed(self) -> EmailMessage:
        message = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message


@dataclass
class MailSink:
    """The server's handler: accepts, or answers what the test scripted.

    `data_replies` are consumed one per DATA command (e.g. ["451 4.3.0 try later"] * 2), then
    messages are accepted; `refuse` maps a recipient to the reply its RCPT gets."""

    data_replies: list[str] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    data_commands: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.data_commands += 1
            if self.data_replies:
                return self.data_replies.pop(0)
            self.received.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 2.0.0 accepted"


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == SMTP_USER.encode()
        and auth_data.password == SMTP_PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


Security = Literal["starttls", "tls", "none"]


@dataclass
class SmtpServer:
    """A running aiosmtpd and the settings that reach it."""

    sink: MailSink
    port: int
    security: Security
    tls: TlsFiles

    def settings(self, **overrides: Any) -> SmtpSettings:
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": self.security,
            "username": SMTP_USER,
            "password_env": PASSWORD_ENV,
            "timeout_seconds": 5,
            "concurrency": 2,
            "rate_per_minute": 60_000,
            **overrides,
        }
        return SmtpSettings(**values)

    environ = {PASSWORD_ENV: SMTP_PASSWORD}  # noqa: RUF012


StartServer = Callable[..., SmtpServer]


@pytest.fixture
def start_smtp(tls_files: TlsFiles) -> Iterator[StartServer]:
    """Start servers on free loopback ports: STARTTLS + AUTH required unless told otherwise."""
    controllers: list[Controller] = []

    def start(
        security: Security = "starttls", sink: MailSink | None = None, port: int | None = None
    ) -> SmtpServer:
        sink = sink or MailSink()
        port = port or free_port()
        kwargs: dict[str, Any] = {}
        if security == "starttls":
            kwargs = {
                "tls_context": tls_files.server_context(),
                "require_starttls": True,
                "authenticator": _authenticator,
                "auth_required": True,
            }
        elif security == "tls":
            kwargs = {
                "ssl_context": tls_files.server_context(),
                "authenticator": _authenticator,
                "auth_required": True,
                "auth_require_tls": False,  # the whole connection is TLS already
            }
        controller = Controller(sink, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        controllers.append(controller)
        return SmtpServer(sink, port, security, tls_files)

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(start_smtp: StartServer) -> SmtpServer:
    """A server that requires STARTTLS and AUTH, and accepts every message."""
    return start_smtp()


# --- messages under test -----------------------------------------------------------------------

GUICHET = "Guichet clause sociale de la Métropole de Lisière"
FACILITATOR = Organizer("Camille Roussel", "camille.roussel@guichet-lisiere.example")
MEETING_START = datetime(2027, 9, 14, 8, 0, tzinfo=UTC)  # 10:00 in Paris


def event_view(
    *,
    sequence: int = 0,
    status: OccurrenceStatus = OccurrenceStatus.ANNOUNCED,
    attendee: Attendee | None = None,
    start: datetime = MEETING_START,
) -> EventView:
    """An after-work with one invitee, as the calendar package renders it."""
    return EventView(
        uid="6f0f6a4e-test@guichet-lisiere.example",
        sequence=sequence,
        dtstamp=datetime(2027, 8, 1, 9, 0, tzinfo=UTC),
        start=start,
        end=start + timedelta(hours=2),
        timezone="Europe/Paris",
        summary="After-work achat socialement responsable",
        kind=RitualKind.AFTER_WORK,
        status=status,
        location="Le Comptoir solidaire, 4 quai des Mariniers",
        organizer=FACILITATOR,
        attendees=(attendee or Attendee("Élise Martin", "elise.martin@ville-lisiere.example"),),
    )


def itip(method: str, view: EventView | None = None) -> bytes:
    """An iTIP object from the calendar package."""
    view = view or event_view(sequence=1 if method == "CANCEL" else 0)
    return render_cancel(view) if method == "CANCEL" else render_request(view)


SENDER = "rituel@guichet-lisiere.example"
INVITEE = "elise.martin@ville-lisiere.example"


def plain_message(recipient: str = INVITEE, message_id: str | None = None) -> EmailMessage:
    """A small text + HTML message from the guichet to `recipient`."""
    from email.utils import make_msgid

    from scheduler.mail.mime import Envelope, Mailbox, build_message

    envelope = Envelope(
        sender=Mailbox(GUICHET, SENDER),
        recipient=Mailbox("Élise Martin", recipient),
        message_id=message_id or make_msgid(domain="guichet-lisiere.example"),
        date=datetime(2027, 8, 1, 9, 0, tzinfo=UTC),
        reply_to=Mailbox(FACILITATOR.name, FACILITATOR.email),
        unsubscribe_url="https://rituel.example/unsubscribe/tok",
    )
    return build_message(envelope, "Essai", "Bonjour", "<p>Bonjour</p>")


def mail_context(kind: str, *, theme: str | None = "Les marchés réservés") -> dict[str, Any]:
    """Everything a `kind` template needs, for Élise Martin of the Ville de Lisière."""
    from datetime import date

    from scheduler.mail.mime import Mailbox
    from scheduler.mail.views import (
        AnswerCounts,
        ConventionView,
        DigestMeeting,
        DigestView,
        FailedDelivery,
        MailMeeting,
        PastMeeting,
        ProposalView,
        ReviewGapView,
        ReviewLag,
    )

    meeting = MailMeeting(
        uid="6f0f6a4e-test@guichet-lisiere.example",
        kind=RitualKind.AFTER_WORK.value,
        title="After-work achat socialement responsable",
        start=MEETING_START,
        end=MEETING_START + timedelta(hours=2),
        facilitator=Mailbox(FACILITATOR.name, FACILITATOR.email),
        theme=theme,
        location="Le Comptoir solidaire, 4 quai des Mariniers",
        buyer="Ville de Lisière",
        cancel_reason="Salle indisponible" if kind == "cancel" else None,
        rsvp_url="https://rituel.example/rsvp/abc",
    )
    convention = ConventionView(
        buyer="Ville de Lisière", start=date(2025, 1, 1), end=date(2027, 12, 31), days_left=120
    )
    digest = DigestView(
        period_start=date(2027, 9, 13),
        period_end=date(2027, 9, 26),
        upcoming=(DigestMeeting(meeting, AnswerCounts(accepted=3, declined=1, pending=4)),),
        failed=(
            FailedDelivery("parti@ville-lisiere.example", "invite", "550 5.1.1", MEETING_START),
        ),
        conventions_ending=(convention,),
        buyers_without_review=(ReviewLag("Département de la Lisière", date(2025, 10, 7)),),
        past_week=(PastMeeting(meeting, "https://rituel.example/attendance/tok", recorded=False),),
        reviews_missing=(
            ReviewGapView(
                "Syndicat des eaux",
                "convention_ends",
                date(2027, 11, 6),
                date(2027, 12, 11),
                until=date(2027, 10, 31),
            ),
            ReviewGapView("Ville de Lisière", "no_room", date(2027, 8, 6), date(2027, 9, 10)),
        ),
        horizon_end=date(2029, 3, 13),
    )
    return {
        "guichet": GUICHET,
        "guichet_short": GUICHET,
        "recipient": Mailbox("Élise Martin", INVITEE),
        "unsubscribe_url": f"https://rituel.example/unsubscribe/tok-{kind}",
        "meeting": meeting,
        "days_left": 7,
        "convention": convention,
        "digest": digest,
        "sent_at": MEETING_START,
        "proposal": ProposalView(
            meeting=meeting,
            slots=(MEETING_START, MEETING_START + timedelta(days=8)),
            deadline=MEETING_START - timedelta(days=21),
            url="https://rituel.example/rdv/abc",
            reminder=kind == "proposal_reminder",
        ),
    }


# The outbox tests run on every database the service tests run on.
from tests.service.conftest import Store, store  # noqa: E402, F401
