"""Messages shaped as mail clients expect them.

An invitation, update or cancellation is built the way Gmail sends one (INTEROP.md, Invitations):

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain
    │   ├── text/html
    │   └── text/calendar; charset=UTF-8; method=REQUEST|CANCEL   (no Content-Disposition)
    └── application/ics; name=invite.ics   (Content-Disposition: attachment)

Any other mail is multipart/alternative {text/plain, text/html}. Names and subjects never reach a
header as raw text: CR, LF and other control characters are replaced and non-ASCII is encoded
through `email.headerregistry.Address` and the `email` policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime

from scheduler.core.text import is_email
from scheduler.errors import DeliveryError

CALENDAR_METHODS = frozenset({"REQUEST", "CANCEL"})
ATTACHMENT_NAME = "invite.ics"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A name and an address, as they appear in From, To or Reply-To."""

    name: str
    address: str

    def header(self) -> Address:
        """The header value; refuses an address that is not one, cleans the name."""
        if not is_email(self.address):
            raise DeliveryError(f"not an e-mail address: {self.address!r}", temporary=False)
        local, domain = self.address.rsplit("@", 1)
        return Address(display_name=one_line(self.name), username=local, domain=domain)


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
) -> EmailMessage:
    """The message to send: alternatives text and HTML, with an invitation when `calendar`."""
    message = EmailMessage(policy=policy.SMTP)
    _set_headers(message, envelope, subject)
    message.set_content(text, subtype="plain", cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    if calendar is not None:
        _add_calendar(message, calendar)
    for part in message.iter_parts():
        _tidy(part)
    message["Content-Language"] = envelope.locale
    return message


def _tidy(part: MIMEPart) -> None:
    """Drop the MIME-Version the `email` package repeats on inner parts."""
    del part["MIME-Version"]
    for inner in part.iter_parts():
        _tidy(inner)


def _set_headers(message: EmailMessage, envelope: Envelope, subject: str) -> None:
    message["From"] = envelope.sender.header()
    message["To"] = envelope.recipient.header()
    if envelope.reply_to is not None:
        message["Reply-To"] = envelope.reply_to.header()
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(envelope.date)
    message["Message-ID"] = _checked_message_id(envelope.message_id)
    if envelope.unsubscribe_url is not None:
        message["List-Unsubscribe"] = f"<{one_line(envelope.unsubscribe_url)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


def _checked_message_id(message_id: str) -> str:
    if not re.fullmatch(r"<[^<>\s@]+@[^<>\s@]+>", message_id):
        raise ValueError(f"not a Message-ID: {message_id!r}")
    return message_id


def _add_calendar(message: EmailMessage, calendar: CalendarPart) -> None:
    """The calendar as the third alternative (inline) and again as an `invite.ics` attachment.

    Bytes in base64 keep the iCalendar's CRLF line ends exactly as rendered."""
    message.add_alternative(
        calendar.ics,
        maintype="text",
        subtype="calendar",
        cte="base64",
        params={"charset": "UTF-8", "method": calendar.method},
    )
    message.add_attachment(
        calendar.ics,
        maintype="application",
        subtype="ics",
        cte="base64",
        filename=ATTACHMENT_NAME,
        params={"name": ATTACHMENT_NAME},
    )
