"""What the calendar renders: plain values built by the service layer, free of I/O.

Every view is frozen and hashable, so a rendered event can be cached under the view itself:
any change a reader could see (a new SEQUENCE, a new DTSTAMP, another text, an attendee's
answer) gives another view, hence another cache entry, and nothing stale is ever served.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind


class Role(StrEnum):
    """An attendee's role, as iCalendar's ROLE spells it."""

    CHAIR = "CHAIR"
    REQUIRED = "REQ-PARTICIPANT"
    OPTIONAL = "OPT-PARTICIPANT"
    NON_PARTICIPANT = "NON-PARTICIPANT"


@dataclass(frozen=True, slots=True)
class Organizer:
    """Who organises a meeting: a mailbox someone reads (the facilitator's)."""

    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Attendee:
    """One invitee, with their answer."""

    name: str
    email: str
    partstat: PartStat = PartStat.NEEDS_ACTION
    role: Role = Role.REQUIRED


@dataclass(frozen=True, slots=True)
class EventView:
    """One meeting as one reader sees it: texts already in the reader's language.

    `start` and `end` are aware (any zone); they are written in `timezone` with a TZID and its
    VTIMEZONE, or in UTC when `timezone` is "UTC". `dtstamp` is the occurrence's last change,
    never the rendering time, so output is byte-identical while nothing changes. Attendees and
    organizer are empty in shared feeds.
    """

    uid: str
    sequence: int
    dtstamp: datetime
    start: datetime
    end: datetime
    timezone: str
    summary: str
    kind: RitualKind
    status: OccurrenceStatus
    description: str = ""
    location: str = ""
    url: str = ""
    organizer: Organizer | None = None
    attendees: tuple[Attendee, ...] = ()
    alarm_minutes: int | None = None
    category: str = ""
    """CATEGORIES: the ritual's title in the reader's language (its handbook title when empty),
    never its code."""


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A calendar people subscribe to: its display name and its default time zone."""

    name: str
    timezone: str
    description: str = ""
