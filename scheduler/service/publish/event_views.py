"""Occurrences as readers see them: the calendar's event views, with texts in the reader's language.

What a view shows depends on who reads it (`Visibility`):

- PUBLIC (the territory feed): no attendee, no organizer, no e-mail address, no video link, no
  cancellation reason — anyone with the URL reads it.
- PRIVATE (a buyer's or a contact's feed): the video link and the reason of a cancellation, but
  no attendee list and no organizer, so no client offers to answer.
- SCHEDULING (a facilitator's feed, and the iTIP objects the mail sends): ORGANIZER (see
  `itip_organizer`) and the ATTENDEEs given.

Every view is made here from the core's `Meeting` (`scheduler.store.meetings` builds it): the
mail side builds an invitation as `render_request(event_view(settings, meeting, locale=…,
visibility=SCHEDULING, attendees=[…]))`, and a cancellation the same way with `render_cancel`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from scheduler.calendar import Attendee, EventView, Organizer
from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.meeting import Meeting, said_of, title_of
from scheduler.i18n import format_day, format_time, supported


class Visibility(StrEnum):
    """How much of a meeting a reader may see."""

    PUBLIC = "public"
    PRIVATE = "private"
    SCHEDULING = "scheduling"


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
    visibility: Visibility,
    attendees: Sequence[Attendee] = (),
) -> EventView:
    """The view of `meeting` for a reader of `locale` who may see what `visibility` says."""
    loc = supported(locale)
    words = _WORDS[loc]
    ritual = settings.rituals[meeting.kind]
    title = meeting_title(settings, meeting, loc)
    video = video_of(settings, meeting) if visibility is not Visibility.PUBLIC else ""
    place = said_of(place_of(settings, meeting), meeting) or (video and words["video_place"])
    scheduling = visibility is Visibility.SCHEDULING
    return EventView(
        uid=meeting.uid,
        sequence=meeting.sequence,
        dtstamp=meeting.changed_at,
        start=meeting.start,
        end=meeting.end,
        timezone=settings.organisation.timezone,
        summary=(words["cancelled"] + title) if meeting.cancelled else title,
        kind=meeting.kind,
        category=ritual_title(settings, meeting.kind, loc),
        status=meeting.status,
        description=_description(settings, meeting, loc, visibility, video),
        location=place,
        url=video,
        organizer=itip_organizer(settings, meeting) if scheduling else None,
        attendees=tuple(attendees) if scheduling else (),
        alarm_minutes=ritual.alarm_minutes_before,
    )


def ritual_title(settings: Settings, kind: RitualKind, locale: str) -> str:
    """The configured title of a ritual kind, in `locale` (French unless English)."""
    ritual = settings.rituals[kind]
    return ritual.title if supported(locale) == "fr" else ritual.title_en


def meeting_title(settings: Settings, meeting: Meeting, locale: str) -> str:
    """The ritual's title in `locale`, then the theme of an after-work or the buyer's name for a
    per-buyer ritual."""
    return title_of(meeting, ritual_title(settings, meeting.kind, locale))


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
    settings: Settings, meeting: Meeting, locale: str, visibility: Visibility, video: str
) -> str:
    words = _WORDS[locale]
    location = place_of(settings, meeting)
    lines = [_when(meeting.start, meeting.end, settings.organisation.timezone, locale)]
    if meeting.theme:
        lines.append(words["theme"].format(theme=meeting.theme))
    if meeting.description:
        lines.append(meeting.description)
    if meeting.named_buyer:
        lines.append(words["buyer"].format(buyer=meeting.named_buyer))
    if location:
        lines.append(words["place"].format(place=said_of(location, meeting)))
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
    if meeting.cancelled:
        lines.append(words["cancel"])
        reason = meeting.reason_to_show
        if visibility is not Visibility.PUBLIC and reason:
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
