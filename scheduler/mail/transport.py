"""How a built message leaves: one `Transport` interface and its adapters.

    Transport (protocol)        send(message, envelope_from, recipients) -> SendResult
    ├── FileTransport           each message as an .eml file in an outbox folder (the default)
    ├── SmtpTransport           aiosmtplib: implicit TLS, STARTTLS or plain; AUTH; pooled
    └── MemoryTransport         keeps what it is given, for tests and previews

Failures are raised as `DeliveryError` (see `classify`): `temporary` ones are retried later,
`AuthenticationFailed` stops sending altogether. A refusal of only some recipients is not an
error: it comes back in `SendResult.refused`.
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from types import TracebackType
from typing import Literal, Protocol, Self

import aiosmtplib

from scheduler.clock import Clock, system_clock
from scheduler.errors import DeliveryError
from scheduler.mail.mime import wire_bytes

CLOSE_WAIT_SECONDS = 2.0


class SmtpOptions(Protocol):
    """What SmtpTransport reads from `[mail.smtp]` (scheduler.config.SmtpSettings)."""

    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def security(self) -> Literal["starttls", "tls", "none"]: ...
    @property
    def username(self) -> str: ...
    @property
    def password_env(self) -> str: ...
    @property
    def timeout_seconds(self) -> float: ...
    @property
    def concurrency(self) -> int: ...
    @property
    def rate_per_minute(self) -> int: ...


class AuthenticationFailed(DeliveryError):
    """We cannot log in as configured (credentials refused, password variable unset, no AUTH or
    no STARTTLS offered): nothing more can be sent until someone acts."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message, temporary=False, code=code)


@dataclass(frozen=True, slots=True)
class Refusal:
    """One recipient the server would not take, with its reply."""

    recipient: str
    code: int
    reason: str

    @property
    def temporary(self) -> bool:
        """A 4xx refusal may succeed on a later attempt."""
        return 400 <= self.code < 500


@dataclass(frozen=True, slots=True)
class SendResult:
    """What the server accepted, and whom it refused while accepting the others."""

    accepted: tuple[str, ...]
    refused: tuple[Refusal, ...] = ()

    def refusal(self, recipient: str) -> Refusal | None:
        """The refusal of `recipient`, if it was refused."""
        wanted = recipient.lower()
        return next((r for r in self.refused if r.recipient.lower() == wanted), None)


class Transport(Protocol):
    """Delivers built messages; reusable for a batch, then closed."""

    async def send(
        self, message: Message, envelope_from: str, recipients: Sequence[str]
    ) -> SendResult:
        """Deliver `message` to `recipients`; raise DeliveryError when nobody got it."""
        ...

    async def close(self) -> None:
        """Release whatever the batch held open (connections)."""
        ...


def classify(exc: BaseException) -> DeliveryError:
    """The DeliveryError an aiosmtplib or socket failure stands for (INTEROP.md, Mail delivery)."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return AuthenticationFailed(f"authentication refused: {exc.code} {exc.message}", exc.code)
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return _all_refused([_refusal(r) for r in exc.recipients])
    if isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code >= 400:
        return DeliveryError(
            f"server replied {exc.code} {exc.message}".strip(),
            temporary=exc.code < 500,
            code=exc.code,
        )
    if isinstance(exc, TimeoutError):
        return DeliveryError(f"timed out: {exc}", temporary=True)
    if isinstance(exc, OSError | aiosmtplib.SMTPException):
        return DeliveryError(f"{type(exc).__name__}: {exc}", temporary=True)
    raise exc


def _refusal(exc: aiosmtplib.SMTPRecipientRefused) -> Refusal:
    return Refusal(exc.recipient, exc.code, exc.message)


def _all_refused(refusals: Sequence[Refusal]) -> DeliveryError:
    """Every recipient refused: temporary only if every refusal was."""
    temporary = all(r.temporary for r in refusals)
    codes = {r.code for r in refusals}
    reasons = "; ".join(f"{r.recipient}: {r.code} {r.reason}" for r in refusals)
    code = codes.pop() if len(codes) == 1 else None
    return DeliveryError(f"every recipient refused ({reasons})", temporary=temporary, code=code)


class FileTransport:
    """Writes each message as `<outbox_dir>/<timestamp>-<message-id>.eml`, atomically, so that
    `make run` works with no mail server and a half-written file is never seen. The files are
    mode 0600 and a folder it makes 0700: they hold addresses and live RSVP and unsubscribe
    links."""

    def __init__(self, outbox_dir: Path, clock: Clock = system_clock) -> None:
        self.outbox_dir = outbox_dir
        self._clock = clock

    async def send(
        self, message: Message, envelope_from: str, recipients: Sequence[str]
    ) -> SendResult:
        """Write the message; every recipient counts as accepted."""
        if not recipients:
            raise DeliveryError("no recipient", temporary=False)
        try:
            await asyncio.to_thread(self.write, message)
        except OSError as exc:
            problem = f"cannot write to {self.outbox_dir}: {exc}"
            raise DeliveryError(problem, temporary=True) from exc
        return SendResult(accepted=tuple(recipients))

    def write(self, message: Message) -> Path:
        """Write `message` under its final name through a temporary file and a rename; a
        failed write (a full disk) leaves nothing behind."""
        self.outbox_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        stamp = self._clock().strftime("%Y%m%dT%H%M%S%fZ")
        path = self.outbox_dir / f"{stamp}-{safe_file_name(message.get('Message-ID', ''))}.eml"
        partial = path.with_name(f".{path.name}.partial")
        partial.unlink(missing_ok=True)
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(wire_bytes(message))
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return path

    async def close(self) -> None:
        """Nothing is held open."""


def safe_file_name(message_id: str) -> str:
    """A Message-ID made fit for a file name: '<a.b@host>' → 'a.b@host'."""
    bare = message_id.strip().strip("<>")
    return re.sub(r"[^A-Za-z0-9.@_-]", "_", bare)[:120] or "no-message-id"


@dataclass
class MemoryTransport:
    """Keeps every message it is given; `refuse` maps a recipient to the code it is refused
    with. For tests, previews and `rituel mail test --dry-run`-like uses."""

    refuse: Mapping[str, int] = field(default_factory=dict)
    sent: list[tuple[Message, str, tuple[str, ...]]] = field(default_factory=list)

    async def send(
        self, message: Message, envelope_from: str, recipients: Sequence[str]
    ) -> SendResult:
        """Record the message; refuse the recipients named in `refuse`."""
        refused = tuple(
            Refusal(r, self.refuse[r], "refused") for r in recipients if r in self.refuse
        )
        accepted = tuple(r for r in recipients if r not in self.refuse)
        if not accepted:
            raise _all_refused(refused)
        self.sent.append((message, envelope_from, accepted))
        return SendResult(accepted, refused)

    async def close(self) -> None:
        """Nothing is held open."""


class RateLimit:
    """A token bucket: at most `per_minute` sends a minute, in bursts of at most `burst`."""

    def __init__(
        self,
        per_minute: int,
        burst: int,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._interval = 60.0 / per_minute
        self._burst = float(max(1, burst))
        self._tokens = self._burst
        self._monotonic = monotonic
        self._last = monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one more send fits in the rate."""
        async with self._lock:
            while True:
                now = self._monotonic()
                self._tokens = min(self._burst, self._tokens + (now - self._last) / self._interval)
                self._last = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) * self._interval)


class SmtpTransport:
    """Sends over SMTP with aiosmtplib. Connections are opened on demand, at most
    `concurrency` at once, reused for the whole batch and closed by `close()`."""

    def __init__(
        self,
        settings: SmtpOptions,
        *,
        environ: Mapping[str, str] | None = None,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings
        self._environ = os.environ if environ is None else environ
        self._tls_context = tls_context
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._idle: list[aiosmtplib.SMTP] = []
        self._rate = RateLimit(settings.rate_per_minute, burst=settings.concurrency)
        self.connections_opened = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def send(
        self, message: Message, envelope_from: str, recipients: Sequence[str]
    ) -> SendResult:
        """Send on an idle connection (or a new one); a failed connection is dropped."""
        if not recipients:
            raise DeliveryError("no recipient", temporary=False)
        async with self._slots:
            await self._rate.acquire()
            client = self._idle.pop() if self._idle else None
            try:
                if client is None:
                    client = await self._connect()
                errors, _reply = await client.sendmail(
                    envelope_from, list(recipients), wire_bytes(message)
                )
            except ValueError as exc:  # an address aiosmtplib will not put on the wire
                await self._release(client)
                raise DeliveryError(str(exc), temporary=False) from exc
            except (aiosmtplib.SMTPException, OSError) as exc:
                await self._release(client)
                raise classify(exc) from exc
            except asyncio.CancelledError:
                # Cancelled mid-conversation: the connection's state is unknown, drop it.
                if client is not None:
                    client.close()
                raise
            await self._release(client)
        refused = tuple(Refusal(r, reply.code, reply.message) for r, reply in errors.items())
        accepted = tuple(r for r in recipients if r not in errors)
        return SendResult(accepted, refused)

    async def _release(self, client: aiosmtplib.SMTP | None) -> None:
        """Keep a connection that is still up for the next message (aiosmtplib said RSET after
        a refusal); forget one that is down."""
        if client is None:
            return
        if client.is_connected:
            self._idle.append(client)
        else:
            await _drop(client)

    async def close(self) -> None:
        """Say QUIT on every idle connection."""
        idle, self._idle = self._idle, []
        await asyncio.gather(*(_drop(client, say_quit=True) for client in idle))

    async def _connect(self) -> aiosmtplib.SMTP:
        settings = self.settings
        client = aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            timeout=settings.timeout_seconds,
            use_tls=settings.security == "tls",
            start_tls=settings.security == "starttls",
            tls_context=self._tls_context,
        )
        try:
            await client.connect()
            self.connections_opened += 1
            if settings.username:
                await client.login(settings.username, self._password())
        except BaseException as exc:
            await _drop(client)
            if _missing_capability(exc):
                raise AuthenticationFailed(f"cannot log in as configured: {exc}") from exc
            raise
        return client

    def _password(self) -> str:
        name = self.settings.password_env
        password = self._environ.get(name)
        if not password:
            raise AuthenticationFailed(
                f"the SMTP password is read from ${name}, which is not set", None
            )
        return password


def _missing_capability(exc: BaseException) -> bool:
    """The server lacks what the settings require (STARTTLS, AUTH, a common mechanism):
    aiosmtplib says so with a bare SMTPException."""
    return type(exc) in (aiosmtplib.SMTPException, aiosmtplib.SMTPNotSupported)


async def _drop(client: aiosmtplib.SMTP, *, say_quit: bool = False) -> None:
    """Close a connection, and wait (briefly) until its socket is really closed: a TLS
    connection shuts down asynchronously, and a socket left to the garbage collector is a leak."""
    transport = client.transport
    sock = transport.get_extra_info("socket") if transport is not None else None
    try:
        if say_quit and client.is_connected:
            await client.quit()
    except (aiosmtplib.SMTPException, OSError):
        pass
    finally:
        client.close()
    deadline = time.monotonic() + CLOSE_WAIT_SECONDS
    while sock is not None and sock.fileno() != -1 and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
