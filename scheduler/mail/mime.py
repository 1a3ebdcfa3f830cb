"""Messages shaped as mail clients expect them.

An invitation, update or cancellation is built the way Gmail sends one (INTEROP.md, Invitations):

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain
    │   ├── text/html
    │   └── text/calendar; charset="UTF-8"; method=REQUEST|CANCEL   (no Content-Disposition)
    └── application/ics; name="invite.ics"   (Content-Disposition: attachment)

Any other mail is multipart/alternative {text/plain, text/html}.

Built as the `email.mime` classes build (the Compat32 policy), with headers folded here: the modern
`EmailMessage` API folds every header through a parser, which made building and serialising a
message about ten times slower, and it re-folded long mixed-script subjects with a stray space
inside a word. Nothing of a name or a subject reaches a header as raw text: control characters
(CR, LF…) are replaced, addresses are checked, and non-ASCII text is written as RFC 2047
encoded words (base64, at most 75 characters each, one per line). `wire_bytes` gives the bytes
to send: CRLF line ends, headers as folded here.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import Message
from email.policy import Compat32
from email.utils import format_datetime, formataddr
from functools import lru_cache

from scheduler.core.text import is_email
from scheduler.errors import DeliveryError

CALENDAR_METHODS = frozenset({"REQUEST", "CANCEL"})
ATTACHMENT_NAME = "invite.ics"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


class _AsFolded(Compat32):
    """Compat32 that writes every header as it was folded here (ASCII only, CRLF), where
    Compat32 would parse and refold each one again."""

    def fold(self, name: str, value: str) -> str:
        return f"{name}: {value}".replace("\n", self.linesep) + self.linesep

    def fold_binary(self, name: str, value: str) -> bytes:
        return self.fold(name, value).encode("ascii")


WIRE = _AsFolded(linesep="\r\n", max_line_length=None)
"""Serialise as built: CRLF, and no refolding of the headers folded here."""
LINE = 78
WORD_BYTES = 36
"""UTF-8 bytes per encoded word: `=?utf-8?b?` + 48 base64 characters + `?=` is 60 wide."""


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A name and an address, as they appear in From, To or Reply-To."""

    name: str
    address: str

    def header(self) -> str:
        """The header value, its name encoded if need be; refuses an address that is not one."""
        return _mailbox_header(self.name, self.address)


@lru_cache(maxsize=4096)
def _mailbox_header(name: str, address: str) -> str:
    """A mailbox's header value (memoised: a batch writes the same sender and organizer on
    every message)."""
    if not is_email(address):
        raise DeliveryError(f"not an e-mail address: {address!r}", temporary=False)
    local, domain = address.rsplit("@", 1)
    checked = Address(display_name=one_line(name), username=local, domain=domain)
    if checked.display_name.isascii():
        return formataddr((checked.display_name, checked.addr_spec))
    return f"{encoded_words(checked.display_name)}\n <{checked.addr_spec}>"


@dataclass(frozen=True, slots=True)
class CalendarPart:
    """An iTIP object (RFC 5546) to carry with the message."""

    method: str
    ics: bytes
    """The iCalendar object as rendered (UTF-8, CRLF line ends)."""

    def __post_init__(self) -> None:
        if self.method not in CALENDAR_METHODS:
            raise ValueError(f"unsupported iTIP method {self.method!r}")


@dataclass(frozen=True, slots=True)
class Envelope:
    """Who a message is from, to and answered to, and the headers that identify it."""

    sender: Mailbox
    recipient: Mailbox
    message_id: str
    date: datetime
    reply_to: Mailbox | None = None
    unsubscribe_url: str | None = None
    locale: str = "fr"


def one_line(text: str) -> str:
    """`text` with every run of control characters (CR, LF, TAB…) turned into one space."""
    return " ".join(_CONTROL.sub(" ", text).split())


def build_message(
    envelope: Envelope,
    subject: str,
    text: str,
    html: str,
    calendar: CalendarPart | None = None,
) -> Message:
    """The message to send: alternatives text and HTML, with an invitation when `calendar`.

    Its parts are the ones the `email.mime` classes make (the same headers, in the same order,
    the same payloads), put together directly: those classes parse and rewrite their
    Content-Type header at every step, which was a third of the time a message took to build,
    and the iCalendar object is encoded in base64 once for both the parts that carry it."""
    text_part = _part(_TEXT_TYPE.format("plain"), _quoted_printable(text), _QP)
    html_part = _part(_TEXT_TYPE.format("html"), _quoted_printable(html), _QP)
    alternatives: list[Message | str] = [text_part, html_part]
    alternative = _part(_multipart("alternative"), alternatives)
    if calendar is None:
        message = alternative
    else:
        ics = base64.encodebytes(calendar.ics).decode("ascii")
        alternatives.append(_part(_CALENDAR_TYPE.format(calendar.method), ics, _BASE64))
        attachment = _part(_ATTACHMENT_TYPE, ics, _BASE64, _ATTACHMENT_DISPOSITION)
        message = _part(_multipart("mixed"), [alternative, attachment])
    message["MIME-Version"] = "1.0"
    _set_headers(message, envelope, subject)
    return message


_TEXT_TYPE = 'text/{}; charset="utf-8"'
_CALENDAR_TYPE = 'text/calendar; charset="UTF-8"; method={}'
_ATTACHMENT_TYPE = f'application/ics; name="{ATTACHMENT_NAME}"'
_ATTACHMENT_DISPOSITION = ("Content-Disposition", f'attachment; filename="{ATTACHMENT_NAME}"')
_QP = ("Content-Transfer-Encoding", "quoted-printable")
_BASE64 = ("Content-Transfer-Encoding", "base64")


def _part(
    content_type: str, payload: str | list[Message | str], *headers: tuple[str, str]
) -> Message:
    """A part (Compat32, as `email.mime` makes them) with its Content-Type, then `headers`."""
    part = Message()
    part["Content-Type"] = content_type
    for name, value in headers:
        part[name] = value
    part.set_payload(payload)
    return part


def _multipart(subtype: str) -> str:
    """The Content-Type of a multipart/`subtype` with a new boundary."""
    return f'multipart/{subtype}; boundary="{_boundary()}"'


def _quoted_printable(body: str) -> str:
    """UTF-8 text in quoted-printable: readable, and 7-bit clean for any relay."""
    return binascii.b2a_qp(body.encode("utf-8"), istext=True).decode("ascii")


def _boundary() -> str:
    """A short boundary, so that Content-Type fits on one line."""
    return f"=_rituel_{secrets.token_hex(8)}"


def _set_headers(message: Message, envelope: Envelope, subject: str) -> None:
    message["From"] = envelope.sender.header()
    message["To"] = envelope.recipient.header()
    if envelope.reply_to is not None:
        message["Reply-To"] = envelope.reply_to.header()
    message["Subject"] = header_text("Subject", one_line(subject))
    message["Date"] = _date_header(envelope.date, envelope.date.utcoffset())
    message["Message-ID"] = _checked_message_id(envelope.message_id)
    message["Content-Language"] = one_line(envelope.locale)
    if envelope.unsubscribe_url is not None:
        message["List-Unsubscribe"] = f"<{_checked_url(envelope.unsubscribe_url)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def wire_bytes(message: Message) -> bytes:
    """The message as it goes on the wire (and into an .eml file): the bytes the `email`
    generator writes with the WIRE policy, written directly for the messages built here
    (ASCII parts, string payloads) and by the generator for anything else."""
    out: list[str] = []
    try:
        _flatten(message, out)
        return "".join(out).encode("ascii")
    except (_Unusual, UnicodeEncodeError):
        return message.as_bytes(policy=WIRE)


class _Unusual(Exception):
    """A message `_flatten` leaves to the `email` generator."""


_NEWLINES = re.compile(r"\r\n|\r|\n")


def _flatten(message: Message, out: list[str]) -> None:
    """What `BytesGenerator(policy=WIRE)` writes for `message` (no From-mangling, no
    unixfrom): headers as folded, a blank line, then the body with CRLF line ends, or each
    part between its boundary lines."""
    for name, value in message.raw_items():
        out.append(WIRE.fold(name, value))
    out.append("\r\n")
    payload = message._payload  # type: ignore[attr-defined]  # what the generator reads
    content_type = _content_type(message)
    if content_type.startswith("message/") or content_type == "multipart/signed":
        raise _Unusual
    if isinstance(payload, list):
        boundary = _boundary_of(message)
        if not boundary or message.preamble is not None or message.epilogue is not None:
            raise _Unusual
        if not payload:
            raise _Unusual
        out.append(f"--{boundary}\r\n")
        for index, part in enumerate(payload):
            if index:
                out.append(f"\r\n--{boundary}\r\n")
            _flatten(part, out)
        out.append(f"\r\n--{boundary}--\r\n")
        return
    if content_type.startswith("multipart/"):
        raise _Unusual
    if payload is None:
        return
    if not isinstance(payload, str):
        raise _Unusual
    if "\r" in payload:
        out.append("\r\n".join(_NEWLINES.split(payload)))
    else:  # the same, for the bodies encoded here (quoted-printable, base64: LF only)
        out.append(payload.replace("\n", "\r\n"))


_OWN_BOUNDARY = re.compile(r'multipart/[a-z]+; boundary="(=_rituel_[0-9a-f]+)"')


def _boundary_of(message: Message) -> str | None:
    """`message.get_boundary()`, read directly from a Content-Type written by `_multipart`."""
    found = _OWN_BOUNDARY.fullmatch(str(message.get("content-type", "")))
    return found.group(1) if found is not None else message.get_boundary()


def _content_type(message: Message) -> str:
    """`message.get_content_type()`, without its parameter parsing."""
    value = message.get("content-type")
    if value is None:
        return message.get_default_type()
    content_type = str(value).partition(";")[0].strip().lower()
    return content_type if content_type.count("/") == 1 else "text/plain"


def header_text(name: str, text: str) -> str:
    """A one-line `text` as a header value: as is when ASCII (folded at spaces when long), else
    as encoded words."""
    if not text.isascii():
        return encoded_words(text)
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        room = LINE - (len(name) + 2 if not lines else 1)
        candidate = f"{current} {word}" if current else word
        if current and len(candidate) > room:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return "\n ".join(lines)


@lru_cache(maxsize=4096)
def encoded_words(text: str) -> str:
    """RFC 2047 base64 words of at most WORD_BYTES UTF-8 bytes, one per line, cut before a
    space where one is near (never inside a character): readers join adjacent encoded words
    without the folding space, so the text reads back exactly."""
    words: list[str] = []
    rest = text
    while rest:
        cut = _cut(rest)
        words.append(rest[:cut])
        rest = rest[cut:]
    return "\n ".join(
        f"=?utf-8?b?{base64.b64encode(w.encode('utf-8')).decode('ascii')}?=" for w in words
    )


def _cut(text: str) -> int:
    """Where the first encoded word of `text` ends: as many characters as fit, backed up to
    the last space when there is one in the second half."""
    size, end = 0, 0
    for end, char in enumerate(text):  # noqa: B007 (the index is the answer)
        size += len(char.encode("utf-8"))
        if size > WORD_BYTES:
            break
    else:
        return len(text)
    space = text.rfind(" ", end // 2, end)
    return space if space > 0 else end


_MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>")
_HTTP_URL = re.compile(r"https?://[!-~]+")


@lru_cache(maxsize=64)
def _date_header(moment: datetime, offset: timedelta | None) -> str:
    """The Date header of `moment` (memoised: a batch is written at one instant; keyed by its
    offset too, since the same instant in two zones is one key but two headers)."""
    return format_datetime(moment)


def _checked_message_id(message_id: str) -> str:
    if not _MESSAGE_ID.fullmatch(message_id):
        raise ValueError(f"not a Message-ID: {message_id!r}")
    return message_id


def _checked_url(url: str) -> str:
    if not _HTTP_URL.fullmatch(url) or ">" in url:
        raise ValueError(f"not a link fit for List-Unsubscribe: {url!r}")
    return url
