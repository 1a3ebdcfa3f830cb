"""Occurrences as readers see them: the calendar's event views, with texts in the reader's language.

What a view shows depends on who reads it (`Audience`):

- PUBLIC (the territory feed): no attendee, no organizer, no e-mail address, no video link, no
  cancellation reason — anyone with the URL reads it.
- PRIVATE (a buyer's or a contact's feed): the video link and the reason of a cancellation, but
  no attendee list and no organizer, so no client offers to answer.
- SCHEDULING (a facilitator's feed, and the iTIP objects the mail sends): ORGANIZER (see
  `itip_organizer`) and the ATTENDEEs given.

The mail side builds an invitation as
`render_request(event_view(settings, meeting_of(row, buyer), locale=…, audience=SCHEDULING,
attendees=[…]))`, and a cancellation the same way with `render_cancel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from scheduler.calendar import Attendee, EventView, Organizer
from scheduler.config import Settings
from scheduler.core.french import ARTICLES, FrenchName, speak_of_buyer
from scheduler.core.kinds import OccurrenceStatus, RitualKind, Scope
from scheduler.i18n import format_day, format_time, supported
from scheduler.service.plan.planning import AUTO_CANCEL_REASON
from scheduler.store.models import Organisation


class Audience(StrEnum):
    """How much of a meeting a reader may see."""

    PUBLIC = "public"
    PRIVATE = "private"
    SCHEDULING = "scheduling"


@dataclass(frozen=True, slots=True)
class Meeting:
    """One stored occurrence, with the name of the buyer it concerns (None for the territory)."""

    uid: str
    kind: RitualKind
    buyer_name: str | None
    facilitator_id: str
    theme: str | None
    start: datetime
    end: datetime
    status: OccurrenceStatus
    sequence: int
    changed_at: datetime
    cancel_reason: str | None = None
    location: str | None = None
    """This meeting's own place (None: the ritual's)."""
    video_url: str | None = None
    """This meeting's own video link (None: the ritual's)."""
    description: str | None = None
    """A note for this meeting only."""


class StoredMeeting(Protocol):
    """What a meeting is built from: an `Occurrence` row, or a result row of its columns."""

    @property
    def uid(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def facilitator_id(self) -> str: ...
    @property
    def theme(self) -> str | None: ...
    @property
    def start(self) -> datetime: ...
    @property
    def end(self) -> datetime: ...
    @property
    def status(self) -> str: ...
    @property
    def sequence(self) -> int: ...
    @property
    def changed_at(self) -> datetime: ...
    @property
    def cancel_reason(self) -> str | None: ...


def meeting_of(occurrence: StoredMeeting, buyer_name: str | None = None) -> Meeting:
    """The meeting of a stored occurrence (`buyer_name`: its buyer's, for a per-buyer ritual)."""
    return Meeting(
        uid=occurrence.uid,
        kind=RitualKind(occurrence.kind),
        buyer_name=buyer_name,
        facilitator_id=occurrence.facilitator_id,
        theme=occurrence.theme,
        start=occurrence.start,
        end=occurrence.end,
        status=OccurrenceStatus(occurrence.status),
        sequence=occurrence.sequence,
        changed_at=occurrence.changed_at,
        cancel_reason=occurrence.cancel_reason,
        location=getattr(occurrence, "location", None),
        video_url=getattr(occurrence, "video_url", None),
        description=getattr(occurrence, "description", None),
    )


def place_of(settings: Settings, meeting: Meeting) -> str:
    """The meeting's own place, else its ritual's."""
    own = meeting.location
    return own if own is not None else settings.rituals[meeting.kind].location


def video_of(settings: Settings, meeting: Meeting) -> str:
    """The meeting's own video link, else its ritual's."""
    own = meeting.video_url
    return own if own is not None else settings.rituals[meeting.kind].video_url


_WORDS = {
    "fr": {
        "cancelled": "Annulé : ",
        "when": "Le {day}, de {start} à {end}.",
        "theme": "Thème : {theme}",
        "buyer": "Avec : {buyer}",
        "place": "Lieu : {place}",
        "video": "Visioconférence : {url}",
        "video_place": "Visioconférence",
        "host": "Animé par {host}, {guichet_of}.",
        "moved": "Ce rendez-vous a été déplacé ; l'horaire ci-dessus remplace le précédent.",
        "cancel": "Ce rendez-vous est annulé.",
        "reason": "Motif : {reason}",
    },
    "en": {
        "cancelled": "Cancelled: ",
        "when": "On {day}, from {start} to {end}.",
        "theme": "Theme: {theme}",
        "buyer": "With: {buyer}",
        "place": "Place: {place}",
        "video": "Video call: {url}",
        "video_place": "Video call",
        "host": "Hosted by {host}, {guichet}.",
        "moved": "This meeting was moved; the time above replaces the previous one.",
        "cancel": "This meeting is cancelled.",
        "reason": "Reason: {reason}",
    },
}


def event_view(
    settings: Settings,
    meeting: Meeting,
    *,
    locale: str,
    audience: Audience,
    attendees: Sequence[Attendee] = (),
) -> EventView:
    """The view of `meeting` for a reader of `locale` in `audience`."""
    loc = supported(locale)
    words = _WORDS[loc]
    ritual = settings.rituals[meeting.kind]
    cancelled = meeting.status is OccurrenceStatus.CANCELLED
    title = meeting_title(settings, meeting, loc)
    video = video_of(settings, meeting) if audience is not Audience.PUBLIC else ""
    place = _place(place_of(settings, meeting), meeting) or (video and words["video_place"])
    return EventView(
        uid=meeting.uid,
        sequence=meeting.sequence,
        dtstamp=meeting.changed_at,
        start=meeting.start,
        end=meeting.end,
        timezone=settings.organisation.timezone,
        summary=(words["cancelled"] + title) if cancelled else title,
        kind=meeting.kind,
        category=ritual_title(settings, meeting.kind, loc),
        status=meeting.status,
        description=_description(settings, meeting, loc, audience, video),
        location=place,
        url=video,
        organizer=itip_organizer(settings, meeting) if audience is Audience.SCHEDULING else None,
        attendees=tuple(attendees) if audience is Audience.SCHEDULING else (),
        alarm_minutes=ritual.alarm_minutes_before,
    )


def ritual_title(settings: Settings, kind: RitualKind, locale: str) -> str:
    """The configured title of a ritual kind, in `locale` (French unless English)."""
    ritual = settings.rituals[kind]
    return ritual.title if supported(locale) == "fr" else ritual.title_en


def french_name(organisation: Organisation) -> FrenchName:
    """An organisation's name with its article (the directory's, else derived)."""
    article = organisation.article
    return FrenchName(organisation.name, article if article in ARTICLES else None)


def meeting_title(settings: Settings, meeting: Meeting, locale: str) -> str:
    """The ritual's title in `locale`, then the theme of an after-work or the buyer's name for a
    per-buyer ritual."""
    title = ritual_title(settings, meeting.kind, locale)
    buyer = meeting.buyer_name if meeting.kind.scope is Scope.BUYER else None
    said = speak_of_buyer(title, buyer, yours=False)
    if said != title:  # the title names the buyer already (« … de la Ville de Lisière »)
        return f"{said} — {meeting.theme}" if meeting.theme else said
    detail = meeting.theme or buyer
    return f"{title} — {detail}" if detail else title


def _place(location: str, meeting: Meeting) -> str:
    """The configured place, said of the meeting's buyer (« Dans les locaux de la Ville de
    Lisière » for « Dans les locaux de l'acheteur »): a calendar is read by more than the buyer."""
    buyer = meeting.buyer_name if meeting.kind.scope is Scope.BUYER else None
    return speak_of_buyer(location, buyer, yours=False)


def organizer_of(settings: Settings, meeting: Meeting) -> Organizer:
    """The facilitator who runs the meeting, else the guichet's sender address."""
    facilitator = settings.facilitator(meeting.facilitator_id)
    if facilitator is not None:
        return Organizer(facilitator.name, facilitator.email)
    return Organizer(settings.mail.sender_name, settings.mail.sender)


def itip_organizer(settings: Settings, meeting: Meeting) -> Organizer:
    """The ORGANIZER of the meeting's iCalendar objects: where the invitees' calendar clients
    send their answers. The facilitator's own mailbox, or, with `[mail.imap] placement =
    "organizer"`, the mailbox rituel reads, under the facilitator's name (the mails' Reply-To
    stays the facilitator, so people's own replies still reach her)."""
    organizer = organizer_of(settings, meeting)
    imap = settings.mail.imap
    if imap.placement == "organizer" and imap.address is not None:
        return Organizer(organizer.name, imap.address)
    return organizer


def _description(
    settings: Settings, meeting: Meeting, locale: str, audience: Audience, video: str
) -> str:
    words = _WORDS[locale]
    location = place_of(settings, meeting)
    lines = [_when(meeting.start, meeting.end, settings.organisation.timezone, locale)]
    if meeting.theme:
        lines.append(words["theme"].format(theme=meeting.theme))
    if meeting.description:
        lines.append(meeting.description)
    if meeting.buyer_name and meeting.kind.scope is Scope.BUYER:
        lines.append(words["buyer"].format(buyer=meeting.buyer_name))
    if location:
        lines.append(words["place"].format(place=_place(location, meeting)))
    if video:
        lines.append(words["video"].format(url=video))
    facilitator = settings.facilitator(meeting.facilitator_id)
    if facilitator is not None:
        guichet = settings.organisation.french_name
        lines.append(
            words["host"].format(host=facilitator.name, guichet=guichet, guichet_of=guichet.de)
        )
    if meeting.status is OccurrenceStatus.MOVED:
        lines.append(words["moved"])
    if meeting.status is OccurrenceStatus.CANCELLED:
        lines.append(words["cancel"])
        reason = meeting.cancel_reason
        if audience is not Audience.PUBLIC and reason and reason != AUTO_CANCEL_REASON:
            lines.append(words["reason"].format(reason=reason))
    return "\n".join(lines)


@lru_cache(maxsize=65_536)
def _when(start: datetime, end: datetime, timezone: str, locale: str) -> str:
    """'Le mardi 9 juin 2026, de 14 h 00 à 16 h 30.' in the guichet's time zone."""
    day = format_day(start.astimezone(ZoneInfo(timezone)).date(), locale)
    return _WORDS[locale]["when"].format(
        day=day,
        start=format_time(start, locale, timezone),
        end=format_time(end, locale, timezone),
    )
