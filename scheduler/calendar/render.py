"""iCalendar bytes from views: feeds people subscribe to, and iTIP objects (RFC 5546) for mail.

Each VEVENT is built with the icalendar library (CRLF line ends, folding at 75 octets, UTF-8)
and, for feeds, cached under its view, so re-exporting a feed of thousands of unchanged meetings
costs a dictionary lookup per meeting instead of a rendering. A feed is assembled from those
blocks in a stable order (start, then UID), and every timestamp comes from the views, so a feed
is byte-identical while nothing changes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

from scheduler.calendar.views import Attendee, EventView, FeedInfo, Organizer
from scheduler.core.kinds import OccurrenceStatus, PartStat

PRODID = "-//rituel//Guichet clause sociale//FR"
REFRESH = "PT1H"
END_CALENDAR = b"END:VCALENDAR\r\n"
UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Z"})
EMPTY_FEED_YEARS = (1971, 2036)
"""The span of an empty feed's VTIMEZONE (icalendar's own default range)."""

EVENT_STATUS = {
    OccurrenceStatus.PLANNED: "TENTATIVE",
    OccurrenceStatus.ANNOUNCED: "CONFIRMED",
    OccurrenceStatus.MOVED: "CONFIRMED",
    OccurrenceStatus.HELD: "CONFIRMED",
    OccurrenceStatus.CANCELLED: "CANCELLED",
}


class Method(StrEnum):
    """The iTIP methods rituel sends: an invitation (or its update), and a cancellation."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


class _Use(StrEnum):
    """What a VEVENT is written for; it decides how attendees are written."""

    FEED = "feed"
    REQUEST = "request"
    CANCEL = "cancel"
    UNINVITE = "uninvite"


# --- public entry points ----------------------------------------------------------------------


def render_feed(
    feed: FeedInfo, events: Iterable[EventView], cache: EventCache | None = None
) -> bytes:
    """A subscribed calendar: no METHOD, RFC 7986 refresh hints, a VTIMEZONE per TZID used."""
    ordered = sorted(events, key=_order)
    blocks = (DEFAULT_CACHE if cache is None else cache).render_all(ordered)
    zones = _timezone_blocks(ordered) if ordered else _empty_feed_zone(feed)
    return b"".join((_feed_header(feed), *zones, *blocks, END_CALENDAR))


def render_request(event: EventView) -> bytes:
    """An iTIP REQUEST: a new invitation, or (same UID, higher SEQUENCE) its update.

    Every attendee is asked again: PARTSTAT=NEEDS-ACTION and RSVP=TRUE, as a reschedule resets
    answers (RFC 5546 §2.1.5); Thunderbird shows its buttons only with RSVP=TRUE.
    """
    _require_scheduling(event, Method.REQUEST)
    return _itip(Method.REQUEST, event, _Use.REQUEST)


def render_cancel(event: EventView) -> bytes:
    """An iTIP CANCEL: same UID, the raised SEQUENCE, STATUS:CANCELLED, ORGANIZER, ATTENDEEs.

    The caller passes the occurrence as stored after the cancellation (its SEQUENCE already
    raised); the status is written CANCELLED whatever the view says, and no alarm is sent.
    """
    _require_scheduling(event, Method.CANCEL)
    return _itip(Method.CANCEL, event, _Use.CANCEL)


def render_uninvite(event: EventView) -> bytes:
    """An iTIP CANCEL that takes the attendees named off a meeting which still takes place
    (RFC 5546 §3.2.5): same UID and SEQUENCE, a DTSTAMP from the removal (the later DTSTAMP
    orders it after their invitation, §2.1.5), and no STATUS, which is only for cancelling the
    whole event."""
    _require_scheduling(event, Method.CANCEL)
    return _itip(Method.CANCEL, event, _Use.UNINVITE)


def render_event(event: EventView) -> bytes:
    """One VEVENT block as a feed writes it (attendees, if any, with their answers)."""
    block: bytes = _vevent(event, _Use.FEED).to_ical()
    return block


# --- the cache ---------------------------------------------------------------------------------


class EventCache:
    """Rendered feed VEVENTs, keyed by their view (uid, sequence, dtstamp, texts, attendees…).

    Lookups take no lock; a miss renders outside the lock and inserts under it. When full, the
    oldest entries go first.
    """

    def __init__(self, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self._blocks: dict[EventView, bytes] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._blocks)

    def render(self, event: EventView) -> bytes:
        """The VEVENT block of `event`, rendered once."""
        block = self._blocks.get(event)
        if block is None:
            block = self._store(event)
        else:
            self.hits += 1
        return block

    def render_all(self, events: Sequence[EventView]) -> list[bytes]:
        """The VEVENT blocks of `events`, in their order."""
        get = self._blocks.get
        blocks = [get(event) for event in events]
        missing = 0
        for index, block in enumerate(blocks):
            if block is None:
                blocks[index] = self._store(events[index])
                missing += 1
        self.hits += len(blocks) - missing
        return blocks  # type: ignore[return-value]  # every None was replaced above

    def clear(self) -> None:
        """Forget every rendered block."""
        with self._lock:
            self._blocks.clear()

    def _store(self, event: EventView) -> bytes:
        block = render_event(event)
        with self._lock:
            self.misses += 1
            self._blocks[event] = block
            while len(self._blocks) > self.max_entries:
                del self._blocks[next(iter(self._blocks))]
        return block


DEFAULT_CACHE = EventCache()


# --- calendars ---------------------------------------------------------------------------------


def _order(event: EventView) -> tuple[datetime, str]:
    return event.start, event.uid


@lru_cache(maxsize=1024)
def _feed_header(feed: FeedInfo) -> bytes:
    calendar = _calendar()
    calendar.add("calscale", "GREGORIAN")
    # icalendar knows NAME and X-WR-* by no type and would write them raw: they are TEXT
    # (RFC 7986 §5.1), whose `,` `;` `\` are escaped (RFC 5545 §3.3.11).
    calendar.add("name", icalendar.vText(feed.name))
    calendar.add("x-wr-calname", icalendar.vText(feed.name))
    if feed.description:
        calendar.add("description", feed.description)
        calendar.add("x-wr-caldesc", icalendar.vText(feed.description))
    calendar.add("x-wr-timezone", feed.timezone)
    calendar.add("refresh-interval", icalendar.vDuration(timedelta(hours=1)), {"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vText(REFRESH))
    return _open(calendar)


def _itip(method: Method, event: EventView, use: _Use) -> bytes:
    """The iTIP object of `event`: its frame (everything but the ATTENDEE lines) is rendered
    once per meeting view and method, and each attendee's line is spliced in where the
    icalendar library writes it, so the bytes are those of a whole rendering."""
    head, tail = _itip_frame(method, replace(event, attendees=()), use)
    return b"".join((head, *(_attendee_line(attendee, use) for attendee in event.attendees), tail))


_SENTINEL = Attendee("sentinel", "sentinel@invalid.example")


@lru_cache(maxsize=1024)
def _itip_frame(method: Method, event: EventView, use: _Use) -> tuple[bytes, bytes]:
    """The bytes of the iTIP object of `event` (which has no attendee) before and after its
    ATTENDEE lines: rendered with one placeholder attendee, cut around its content line."""
    calendar = _calendar()
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.value)
    vevent = _vevent(replace(event, attendees=(_SENTINEL,)), use)
    lines = [line for line in vevent.content_lines() if line]
    at = [index for index, line in enumerate(lines) if line.startswith("ATTENDEE")]
    if len(at) != 1:  # pragma: no cover (icalendar writes the one attendee on one line)
        raise AssertionError(f"cannot place the attendees of {event.uid}")
    head = b"".join(
        (
            _open(calendar),
            *_timezone_blocks([event]),
            *(line.to_ical() + b"\r\n" for line in lines[: at[0]]),
        )
    )
    tail = b"".join((*(line.to_ical() + b"\r\n" for line in lines[at[0] + 1 :]), END_CALENDAR))
    return head, tail


_ATTENDEE_WRITER = icalendar.Event()
FOLD_OCTETS = 74
"""The longest a folded line is as icalendar writes it (it folds before 75 octets)."""


def _fold(text: str) -> bytes:
    """`text` folded as icalendar folds a line with no escape (backslash or caret) in it: the
    longest run of whole UTF-8 characters that fits FOLD_OCTETS, then CRLF and a space, and
    so on; without its walk through every character."""
    data = text.encode("utf-8")
    pieces = []
    start = 0
    while len(data) - start > FOLD_OCTETS:
        cut = start + FOLD_OCTETS
        while data[cut] & 0xC0 == 0x80:  # never inside a character
            cut -= 1
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return b"\r\n ".join(pieces)


def _attendee_line(attendee: Attendee, use: _Use) -> bytes:
    """One ATTENDEE content line, folded, as the icalendar library writes it in a VEVENT."""
    line = _ATTENDEE_WRITER.content_line("ATTENDEE", _attendee(attendee, use), sorted=True)
    if "\\" not in line and "^" not in line:
        return _fold(str(line)) + b"\r\n"
    rendered: bytes = line.to_ical()
    return rendered + b"\r\n"


def _calendar() -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    return calendar


def _open(calendar: icalendar.Calendar) -> bytes:
    """A calendar's BEGIN line and properties, without its END line."""
    rendered: bytes = calendar.to_ical()
    return rendered.removesuffix(END_CALENDAR)


def _timezone_blocks(events: Sequence[EventView]) -> list[bytes]:
    """A VTIMEZONE for every zone the events are written in, covering their whole years."""
    years: dict[str, tuple[int, int]] = {}
    for event in events:
        if event.timezone in UTC_NAMES:
            continue
        first, last = years.get(event.timezone, (event.start.year, event.end.year))
        years[event.timezone] = (min(first, event.start.year), max(last, event.end.year))
    return [_vtimezone(name, *span) for name, span in sorted(years.items())]


def _empty_feed_zone(feed: FeedInfo) -> list[bytes]:
    """A calendar needs one component (RFC 5545 §3.4): an empty feed carries its time zone."""
    if feed.timezone in UTC_NAMES:
        return [_UTC_ZONE]
    return [_vtimezone(feed.timezone, EMPTY_FEED_YEARS[0], EMPTY_FEED_YEARS[1])]


_UTC_ZONE = (
    b"BEGIN:VTIMEZONE\r\nTZID:UTC\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
    b"TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nTZNAME:UTC\r\nEND:STANDARD\r\n"
    b"END:VTIMEZONE\r\n"
)


@lru_cache(maxsize=256)
def _vtimezone(name: str, first_year: int, last_year: int) -> bytes:
    zone = icalendar.Timezone.from_tzid(
        name, first_date=date(first_year - 1, 12, 1), last_date=date(last_year + 1, 1, 31)
    )
    block: bytes = zone.to_ical()
    return block


# --- events ------------------------------------------------------------------------------------


def _vevent(event: EventView, use: _Use) -> icalendar.Event:
    cancelled = use in (_Use.CANCEL, _Use.UNINVITE) or event.status is OccurrenceStatus.CANCELLED
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", _utc(event.dtstamp))
    vevent.add("last-modified", _utc(event.dtstamp))
    vevent.add("dtstart", _local(event.start, event.timezone))
    vevent.add("dtend", _local(event.end, event.timezone))
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.url:
        vevent.add("url", icalendar.vUri(event.url))
    vevent.add("categories", [event.category or event.kind.title()])
    if use is not _Use.UNINVITE:
        vevent.add("status", "CANCELLED" if cancelled else EVENT_STATUS[event.status])
    vevent.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    if event.organizer is not None:
        vevent.add("organizer", _organizer(event.organizer))
    for attendee in event.attendees:
        vevent.add("attendee", _attendee(attendee, use))
    if event.alarm_minutes is not None and not cancelled:
        vevent.add_component(_alarm(event.summary, event.alarm_minutes))
    return vevent


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _local(moment: datetime, timezone: str) -> datetime:
    if timezone in UTC_NAMES:
        return moment.astimezone(UTC)
    return moment.astimezone(_zone(timezone))


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _organizer(organizer: Organizer) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{organizer.email}")
    address.params["CN"] = _parameter_text(organizer.name)
    return address


def _attendee(attendee: Attendee, use: _Use) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{attendee.email}")
    address.params["CN"] = _parameter_text(attendee.name)
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = attendee.role.value
    if use is _Use.REQUEST:
        address.params["PARTSTAT"] = PartStat.NEEDS_ACTION.value
        address.params["RSVP"] = "TRUE"
    elif use is _Use.FEED:
        address.params["PARTSTAT"] = attendee.partstat.value
    return address


def _parameter_text(text: str) -> str:
    """A display name fit for a parameter value: one line, no double quote (RFC 5545 §3.1)."""
    return " ".join(text.replace('"', "'").split()) or "?"


def _alarm(summary: str, minutes: int) -> icalendar.Alarm:
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -timedelta(minutes=minutes))
    return alarm


def _require_scheduling(event: EventView, method: Method) -> None:
    """iTIP needs an organizer and at least one attendee (RFC 5546 §3.2)."""
    if event.organizer is None:
        raise ValueError(f"a {method.value} needs an organizer ({event.uid})")
    if not event.attendees:
        raise ValueError(f"a {method.value} needs at least one attendee ({event.uid})")
