"""The mail's view of a meeting (`MailMeeting`), made from the core's `Meeting` with the
configuration's words for it: the one place a meeting becomes what a mail's templates show (an
invitation, a reminder, a proposal, a digest line)."""

from __future__ import annotations

from scheduler.config import Settings
from scheduler.core.meeting import AUTO_CANCEL_REASON, Meeting
from scheduler.mail.mime import Mailbox
from scheduler.mail.views import MailMeeting
from scheduler.service.publish.event_views import (
    meeting_title,
    organizer_of,
    place_of,
    ritual_title,
    video_of,
)

NO_LONGER_PLANNED = {
    "fr": "rencontre retirée du programme",
    "en": "meeting withdrawn from the programme",
}
"""The reason a cancellation mail gives for a meeting the planner cancelled itself (gone from
the plan), in the reader's language: its stored reason is an internal word, never shown."""


def mail_meeting(settings: Settings, meeting: Meeting, locale: str) -> MailMeeting:
    """`meeting` as the mails in `locale` show it, to nobody in particular (`told_to` says it
    to one reader)."""
    organizer = organizer_of(settings, meeting)
    return MailMeeting(
        uid=meeting.uid,
        kind=meeting.kind.value,
        title=meeting_title(settings, meeting, locale),
        start=meeting.start,
        end=meeting.end,
        facilitator=Mailbox(organizer.name, organizer.email),
        theme=meeting.theme,
        location=place_of(settings, meeting),
        video_url=video_of(settings, meeting),
        buyer=meeting.buyer,
        sequence=meeting.sequence,
        cancel_reason=cancel_reason_told(meeting, locale),
        ritual=ritual_title(settings, meeting.kind, locale),
    )


def reply_to(settings: Settings, meeting: Meeting) -> Mailbox:
    """Where a reader's answer to a mail about `meeting` goes: the facilitator who runs it."""
    organizer = organizer_of(settings, meeting)
    return Mailbox(organizer.name, organizer.email)


def cancel_reason_told(meeting: Meeting, locale: str) -> str | None:
    """Why the meeting is cancelled, as a mail in `locale` says it: the facilitator's own words,
    or for a meeting the planner cancelled, `NO_LONGER_PLANNED` in the reader's language."""
    if meeting.cancel_reason == AUTO_CANCEL_REASON:
        return NO_LONGER_PLANNED.get(locale, NO_LONGER_PLANNED["fr"])
    return meeting.reason_to_show
