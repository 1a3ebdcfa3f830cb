"""The iTIP replies a mail carries (iMIP, RFC 6047; iTIP, RFC 5546 §3.2.3), as plain facts.

Pure: an `email.message.Message` in, a `MailReading` out; no database, no network.

Where the calendar is looked for: every `text/calendar` part wherever it sits (inside a
`multipart/alternative` as Gmail, Apple Calendar and Thunderbird send it, or alone and base64 as
Outlook does), every `application/ics` part, and every attachment whose file name ends in
`.ics` (Gmail's `invite.ics` repeats the inline part: identical facts are read once).

What decides that it is a reply: the METHOD inside the calendar, not the Content-Type's
`method=` parameter, which Outlook sometimes leaves out (nextcloud/server#53949); the parameter
only stands in for a calendar that has no METHOD. REPLY answers; COUNTER proposes another time
(Outlook's "Propose new time"), which is a fact for the facilitator, never an answer.

What is read of each VEVENT: UID, the replying ATTENDEE and its PARTSTAT, DTSTAMP, SEQUENCE,
COMMENT, and for a COUNTER its DTSTART and DTEND. ORGANIZER is never required (Outlook.com and
Exchange 2010 leave it out). A reply without ATTENDEE (an Exchange resource's automatic answer,
grommunio/gromox PR#347) reads as having no attendee: the caller may fall back to the From:
address, and only when that address is an invitee; its answer is then the one its subject
states ("Accepté :", "Refusé :", "Provisoire :"). When a VEVENT lists several attendees, the
one that is the mail's sender is the replier. Addresses are compared in lower case, `mailto:`
or not. Vendor X- properties (Gmail's X-NUM-GUESTS, Outlook's X-MICROSOFT-CDO-*) are ignored.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import Message
from enum import StrEnum
from zoneinfo import ZoneInfo

import icalendar

CALENDAR_TYPES = frozenset({"text/calendar", "application/ics"})


class ReplyKind(StrEnum):
    """The iTIP methods rituel reads from its mailbox."""

    REPLY = "REPLY"
    COUNTER = "COUNTER"


@dataclass(frozen=True, slots=True)
class ReplyFacts:
    """One attendee's reply to one meeting, as the calendar states it."""

    kind: ReplyKind
    uid: str
    attendee: str | None
    """The replier's address in lower case, without `mailto:`; None when the VEVENT names no
    attendee."""
    partstat: str | None
    """PARTSTAT as written (upper case): ACCEPTED, TENTATIVE, DECLINED… None when absent."""
    dtstamp: datetime | None
    """When the reply was made (aware, UTC); None when the calendar has no usable DTSTAMP."""
    sequence: int | None
    comment: str | None
    proposed_start: datetime | None = None
    """For a COUNTER: the time proposed (aware)."""
    proposed_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class MailReading:
    """What a mail holds for rituel: its replies, or why it holds none."""

    message_id: str | None
    sender: str | None
    """The From: address in lower case."""
    date: datetime | None
    """The Date: header (aware), the fallback when a reply has no DTSTAMP."""
    subject: str
    replies: tuple[ReplyFacts, ...] = ()
    problem: str | None = None
    """Why no reply was read, when none was: "no calendar part", "METHOD:REQUEST"…"""


def read_mail(message: Message, timezone: str = "UTC") -> MailReading:
    """The replies carried by `message`; a floating time in a COUNTER is taken in `timezone`."""
    sender = _address(email.utils.parseaddr(_header(message, "From"))[1])
    reading = MailReading(
        message_id=_header(message, "Message-ID").strip() or None,
        sender=sender,
        date=_date(_header(message, "Date")),
        subject=" ".join(_header(message, "Subject").split()),
    )
    calendars = list(_calendar_parts(message))
    if not calendars:
        return _with(reading, problem="no calendar part")
    facts: dict[ReplyFacts, None] = {}
    problems: list[str] = []
    for text, method_parameter in calendars:
        try:
            found = _replies(text, method_parameter, reading, ZoneInfo(timezone))
        except _NotAReply as exc:
            problems.append(str(exc))
            continue
        facts.update(dict.fromkeys(found))
    if facts:
        return _with(reading, replies=tuple(facts))
    return _with(reading, problem=problems[0] if problems else "no reply in the calendar")


class _NotAReply(Exception):
    """A calendar part that holds no reply rituel reads; the message says why."""


def _with(
    reading: MailReading, *, replies: tuple[ReplyFacts, ...] = (), problem: str | None = None
) -> MailReading:
    return MailReading(
        reading.message_id, reading.sender, reading.date, reading.subject, replies, problem
    )


def _header(message: Message, name: str) -> str:
    """A header's text; an unreadable header reads as empty."""
    try:
        value = message.get(name)
    except (ValueError, TypeError, IndexError, AttributeError):
        # a malformed header under policy.default; AttributeError: an address such as
        # `a@[` (python/cpython#134155, fixed in later Pythons than ours)
        return ""
    return "" if value is None else str(value)


def _date(text: str) -> datetime | None:
    try:
        parsed = email.utils.parsedate_to_datetime(text) if text else None
    except (ValueError, TypeError, IndexError):
        return None
    if parsed is None:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _address(text: str | None) -> str | None:
    """`MAILTO:Zoe@Ville.example` or `zoe@ville.example` → `zoe@ville.example`."""
    if not text:
        return None
    value = str(text).strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    value = value.strip().lower()
    return value if "@" in value else None


def _calendar_parts(message: Message) -> Iterator[tuple[str, str | None]]:
    """The text of every calendar part, with the Content-Type's `method=` parameter."""
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        try:
            filename = part.get_filename() or ""
        except (ValueError, TypeError, IndexError):
            filename = ""
        if content_type not in CALENDAR_TYPES and not filename.lower().endswith(".ics"):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            text = payload.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name
            text = payload.decode("utf-8", errors="replace")
        method = part.get_param("method")
        yield text, method.upper() if isinstance(method, str) else None


def _replies(
    text: str, method_parameter: str | None, mail: MailReading, zone: ZoneInfo
) -> list[ReplyFacts]:
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises many kinds of error on bad input
        raise _NotAReply(f"unreadable calendar: {exc}") from None
    method = str(calendar.get("METHOD") or method_parameter or "").strip().upper()
    if method not in ReplyKind.__members__:
        raise _NotAReply(f"METHOD:{method or '(none)'} is not a reply")
    kind = ReplyKind(method)
    facts = []
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID") or "").strip()
        if not uid:
            continue
        for attendee, stated in _attendees(event, mail.sender):
            partstat = stated if attendee is not None else partstat_of_subject(mail.subject)
            facts.append(
                ReplyFacts(
                    kind=kind,
                    uid=uid,
                    attendee=attendee,
                    partstat=partstat,
                    dtstamp=_instant(event, "DTSTAMP", ZoneInfo("UTC")),
                    sequence=_integer(event.get("SEQUENCE")),
                    comment=_comment(event.get("COMMENT")),
                    proposed_start=_instant(event, "DTSTART", zone)
                    if kind is ReplyKind.COUNTER
                    else None,
                    proposed_end=_instant(event, "DTEND", zone)
                    if kind is ReplyKind.COUNTER
                    else None,
                )
            )
    if not facts:
        raise _NotAReply(f"METHOD:{method} without any VEVENT that has a UID")
    return facts


_Replier = tuple[str | None, str | None]
"""An attendee's address and PARTSTAT."""


def _attendees(event: icalendar.Component, sender: str | None) -> list[_Replier]:
    """The replying attendee(s) and PARTSTAT of a VEVENT: the sender when it is listed among
    several, every one otherwise; `(None, partstat)` when there is no ATTENDEE."""
    raw = event.get("ATTENDEE")
    if raw is None:
        return [(None, None)]
    listed = raw if isinstance(raw, list) else [raw]
    found = []
    for value in listed:
        address = _address(str(value))
        params = getattr(value, "params", {})
        partstat = str(params.get("PARTSTAT", "")).strip().upper() or None
        found.append((address, partstat))
    mine = [pair for pair in found if pair[0] is not None and pair[0] == sender]
    return mine if len(found) > 1 and mine else found


SUBJECT_ANSWERS = (
    ("TENTATIVE", ("provisoire", "accepté provisoirement", "tentative", "tentatively")),
    ("ACCEPTED", ("accepté", "accepte", "accepted")),
    ("DECLINED", ("refusé", "refuse", "declined")),
)
"""How Outlook and Exchange title an answer ("Accepté : …", "Refusé : …", "Provisoire : …"),
in French and English; tentative first, since it may contain "accepté"."""


def partstat_of_subject(subject: str) -> str | None:
    """The answer a reply's subject states before its colon, for a reply that names no
    ATTENDEE (an Exchange resource's): ACCEPTED, TENTATIVE, DECLINED or None."""
    head = subject.split(":", 1)[0].strip().lower() if ":" in subject else ""
    for partstat, words in SUBJECT_ANSWERS:
        if any(head.startswith(word) for word in words):
            return partstat
    return None


def _instant(event: icalendar.Component, name: str, zone: ZoneInfo) -> datetime | None:
    """A date-time property as an aware instant: floating times are taken in `zone`, a date
    at its midnight there."""
    prop = event.get(name)
    value = getattr(prop, "dt", None)
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=zone)
    return None


def _integer(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None


def _comment(value: object) -> str | None:
    values = value if isinstance(value, list) else [value] if value is not None else []
    text = "\n".join(str(v).strip() for v in values if str(v).strip())
    return text or None
