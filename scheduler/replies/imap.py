"""A mailbox folder read politely over IMAP (imapclient, blocking: run it in a thread).

What rituel does in the folder, and nothing else:

- it lists the messages after the last one it looked at (`UID SEARCH`) and reads their
  structure (`BODYSTRUCTURE`), which changes nothing;
- it reads in full (`BODY.PEEK[]`, which leaves the \\Seen flag alone) only those with a calendar
  part or an `.ics` attachment;
- it moves the replies it processed to the processed folder (created and subscribed if missing),
  with `MOVE` where the server offers it, else `COPY`, then `\\Deleted` and `UID EXPUNGE` of
  those messages only (UIDPLUS). No other flag is set, no other message is touched.

It waits for new mail with IDLE where the server offers it (checking every second whether to
stop), and by sleeping `poll_interval` otherwise. Every failure — refused connection, TLS,
refused login, a folder that does not exist, a dropped connection — comes out as a
`MailboxError` naming the mailbox.
"""

from __future__ import annotations

import contextlib
import imaplib
import itertools
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from scheduler.errors import RituelError

IDLE_CHECK_SECONDS = 1.0
"""How often an IDLE wait looks whether it should stop."""
FETCH_CHUNK = 200


class MailboxError(RituelError):
    """The replies mailbox cannot be read (raised by scheduler.replies.imap); the daemon logs
    it, retries with backoff, and shows it on `rituel check` and in the digest."""


@dataclass(frozen=True, slots=True)
class MailboxAddress:
    """Where to read: the server, the account and the folders."""

    host: str
    port: int
    security: str
    username: str
    password: str
    folder: str
    processed_folder: str
    timeout: float
    ca_file: Path | None = None

    @property
    def name(self) -> str:
        """`user@host:port/folder`, for logs and the stored status (never the password)."""
        return f"{self.username or '-'}@{self.host}:{self.port}/{self.folder}"


class ImapMailbox:
    """One connection to the replies folder; use as a context manager."""

    def __init__(self, address: MailboxAddress) -> None:
        self.address = address
        self._client: IMAPClient | None = None
        self.uidvalidity: int | None = None

    # --- connection -------------------------------------------------------------------------

    def __enter__(self) -> ImapMailbox:
        self.open()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Connect, secure, log in and select the folder."""
        address = self.address
        try:
            context = self._tls_context()
            client = IMAPClient(
                address.host,
                port=address.port,
                ssl=address.security == "tls",
                ssl_context=context,
                timeout=address.timeout,
            )
            self._client = client
            if address.security == "starttls":
                client.starttls(context)
            if address.username:
                client.login(address.username, address.password)
            if not client.folder_exists(address.folder):
                raise MailboxError(f"{address.name}: no folder {address.folder!r}")
            selected = client.select_folder(address.folder)
            self.uidvalidity = int(selected.get(b"UIDVALIDITY", 0))
        except LoginError as exc:
            self.close()
            raise MailboxError(f"{address.name}: login refused: {_text(exc)}") from None
        except (OSError, IMAPClientError, imaplib.IMAP4.error) as exc:
            self.close()
            raise MailboxError(f"{address.name}: {_describe(exc)}") from None
        except MailboxError:
            self.close()
            raise

    def close(self) -> None:
        """Log out (quietly: the connection may already be gone)."""
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except (OSError, IMAPClientError, imaplib.IMAP4.error):
            with contextlib.suppress(OSError, IMAPClientError, imaplib.IMAP4.error):
                client.shutdown()

    def _tls_context(self) -> ssl.SSLContext | None:
        if self.address.security == "none":
            return None
        cafile = str(self.address.ca_file) if self.address.ca_file else None
        return ssl.create_default_context(cafile=cafile)

    @property
    def client(self) -> IMAPClient:
        """The open connection."""
        if self._client is None:
            raise MailboxError(f"{self.address.name}: not connected")
        return self._client

    # --- reading ----------------------------------------------------------------------------

    def calendar_messages(self, after_uid: int = 0) -> list[int]:
        """The UIDs after `after_uid` of the messages that carry a calendar part or an `.ics`
        attachment, judged from their structure alone."""
        with self._errors():
            uids = sorted(
                uid for uid in self.client.search(["UID", f"{after_uid + 1}:*"]) if uid > after_uid
            )
            found: list[int] = []
            for chunk in _chunks(uids, FETCH_CHUNK):
                structures = self.client.fetch(chunk, ["BODYSTRUCTURE"])
                found.extend(
                    uid
                    for uid, data in structures.items()
                    if has_calendar(data.get(b"BODYSTRUCTURE"))
                )
            return sorted(found)

    def last_uid(self) -> int:
        """The highest UID in the folder (0 when empty)."""
        with self._errors():
            uids = self.client.search(["ALL"])
            return max(uids, default=0)

    def read(self, uids: Sequence[int]) -> dict[int, bytes]:
        """The raw messages, read without setting \\Seen (BODY.PEEK[])."""
        found: dict[int, bytes] = {}
        with self._errors():
            for chunk in _chunks(list(uids), FETCH_CHUNK):
                for uid, data in self.client.fetch(chunk, ["BODY.PEEK[]"]).items():
                    raw = data.get(b"BODY[]")
                    if isinstance(raw, bytes):
                        found[uid] = raw
        return found

    def move_to_processed(self, uids: Sequence[int]) -> None:
        """Move these messages to the processed folder, creating it when missing."""
        if not uids:
            return
        target = self.address.processed_folder
        with self._errors():
            client = self.client
            if not client.folder_exists(target):
                client.create_folder(target)
                client.subscribe_folder(target)
            if client.has_capability("MOVE"):
                client.move(list(uids), target)
                return
            client.copy(list(uids), target)
            client.add_flags(list(uids), [b"\\Deleted"], silent=True)
            if client.has_capability("UIDPLUS"):
                client.uid_expunge(list(uids))
            else:  # pragma: no cover (every server we know offers MOVE or UIDPLUS)
                client.remove_flags(list(uids), [b"\\Deleted"], silent=True)

    # --- waiting ----------------------------------------------------------------------------

    def wait_for_mail(self, seconds: float, stop: threading.Event) -> bool:
        """Wait up to `seconds` for new mail (IDLE where offered, else a plain wait); True
        when the server announced something, False on timeout or when `stop` is set."""
        if not self.client.has_capability("IDLE"):
            stop.wait(seconds)
            return False
        deadline = time.monotonic() + seconds
        with self._errors():
            self.client.idle()
            try:
                while not stop.is_set():
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    responses = self.client.idle_check(timeout=min(IDLE_CHECK_SECONDS, left))
                    if any(_announces_mail(r) for r in responses):
                        return True
                return False
            finally:
                self.client.idle_done()

    def _errors(self) -> _Translate:
        return _Translate(self.address.name)


class _Translate:
    """Turns the IMAP library's and the socket's errors into MailboxError."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is not None and isinstance(
            error, OSError | IMAPClientError | imaplib.IMAP4.error | socket.timeout
        ):
            raise MailboxError(f"{self.name}: {_describe(error)}") from None


def has_calendar(structure: object) -> bool:
    """True when a BODYSTRUCTURE shows a `text/calendar` or `application/ics` part, or a file
    name ending in `.ics`."""
    tokens = [t.lower() for t in _tokens(structure)]
    for first, second in itertools.pairwise(tokens):
        if (first, second) in (("text", "calendar"), ("application", "ics")):
            return True
    return any(token.endswith(".ics") for token in tokens)


def _tokens(value: object) -> Iterable[str]:
    if isinstance(value, bytes):
        yield value.decode("utf-8", errors="replace")
    elif isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _tokens(item)


def _announces_mail(response: object) -> bool:
    return isinstance(response, tuple) and len(response) >= 2 and response[1] in (b"EXISTS",)


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _text(error: BaseException) -> str:
    parts = [
        arg.decode("utf-8", errors="replace") if isinstance(arg, bytes) else str(arg)
        for arg in error.args
    ]
    text = " ".join(p for p in parts if p) or type(error).__name__
    return re.sub(r"""\bb(['"])(.*?)\1""", r"\2", text)  # imapclient quotes bytes as b'…'


def _describe(error: BaseException) -> str:
    if isinstance(error, ssl.SSLError):
        return f"TLS: {error.reason or _text(error)}"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError | socket.timeout):
        return "timed out"
    if isinstance(error, socket.gaierror):
        return f"unknown host: {_text(error)}"
    return _text(error)
