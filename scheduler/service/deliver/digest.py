"""Parts of the facilitator's weekly digest kept apart from the composer: the meetings of the
past week, each with the signed link where the facilitator records who came
(`scheduler.service.answer.attendance.attendance_url`, valid until 30 days after the meeting's end);
the comments and proposals received from the invitees' calendars; and whether the replies
mailbox can be read.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus
from scheduler.mail.views import MeetingView, PastMeeting, Person, ReplyNote
from scheduler.service.answer.attendance import attendance_url
from scheduler.service.publish.event_views import meeting_of, meeting_title, organizer_of
from scheduler.store.answers import mailbox_status, notes_since
from scheduler.store.models import Invitation, MailboxStatus, Occurrence, Organisation

PAST_DAYS = 7


def past_week(
    settings: Settings, session: Session, facilitator_id: str, now: datetime, locale: str
) -> tuple[PastMeeting, ...]:
    """The meetings of `facilitator_id` that ended in the `PAST_DAYS` before `now` and were not
    cancelled, oldest first, with their attendance links."""
    rows = session.exec(
        select(Occurrence, Organisation)
        .join(
            Organisation,
            col(Organisation.id) == col(Occurrence.organisation_id),
            isouter=True,
        )
        .where(col(Occurrence.facilitator_id) == facilitator_id)
        .where(col(Occurrence.end) > now - timedelta(days=PAST_DAYS))
        .where(col(Occurrence.end) <= now)
        .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
        .order_by(col(Occurrence.start), col(Occurrence.id))
    ).all()
    recorded = _recorded(session, [o.id for o, _ in rows if o.id is not None])
    meetings = []
    for occurrence, buyer in rows:
        assert occurrence.id is not None
        meeting = meeting_of(occurrence, buyer.name if buyer is not None else None)
        organizer = organizer_of(settings, meeting)
        view = MeetingView(
            uid=occurrence.uid,
            kind=occurrence.kind,
            title=meeting_title(settings, meeting, locale),
            start=occurrence.start,
            end=occurrence.end,
            facilitator=Person(organizer.name, organizer.email),
            theme=occurrence.theme,
            buyer=meeting.buyer_name,
        )
        done = occurrence.status == OccurrenceStatus.HELD or occurrence.id in recorded
        link = attendance_url(settings, occurrence.id, occurrence.end)
        meetings.append(PastMeeting(view, link, done))
    return tuple(meetings)


def _recorded(session: Session, occurrence_ids: list[int]) -> set[int]:
    """The meetings among `occurrence_ids` with some attendance recorded."""
    if not occurrence_ids:
        return set()
    found = session.exec(
        select(Invitation.occurrence_id)
        .where(col(Invitation.occurrence_id).in_(occurrence_ids))
        .where(col(Invitation.attended).is_not(None))
        .distinct()
    )
    return set(found)


def reply_notes(
    settings: Settings, session: Session, facilitator_id: str, now: datetime, locale: str
) -> tuple[ReplyNote, ...]:
    """The comments and proposals received from invitees' calendars in the `PAST_DAYS` before
    `now`, about the meetings of `facilitator_id`, oldest first."""
    notes = []
    for note in notes_since(session, facilitator_id, now - timedelta(days=PAST_DAYS)):
        buyer = (
            session.get(Organisation, note.occurrence.organisation_id)
            if note.occurrence.organisation_id is not None
            else None
        )
        meeting = meeting_of(note.occurrence, buyer.name if buyer is not None else None)
        organizer = organizer_of(settings, meeting)
        view = MeetingView(
            uid=note.occurrence.uid,
            kind=note.occurrence.kind,
            title=meeting_title(settings, meeting, locale),
            start=note.occurrence.start,
            end=note.occurrence.end,
            facilitator=Person(organizer.name, organizer.email),
            buyer=meeting.buyer_name,
        )
        notes.append(
            ReplyNote(
                meeting=view,
                person=Person(note.contact.name, note.contact.email),
                comment=note.comment,
                answer=note.partstat.lower() if note.partstat else None,
                proposed_start=note.proposed_start,
                proposed_end=note.proposed_end,
            )
        )
    return tuple(notes)


def mailbox_trouble(settings: Settings, session: Session) -> MailboxStatus | None:
    """The replies mailbox's status when the daemon cannot read it, else None."""
    if not settings.mail.imap.enabled:
        return None
    status = mailbox_status(session)
    return status if status is not None and status.error else None
