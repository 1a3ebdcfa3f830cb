"""Parts of the facilitator's weekly digest kept apart from the composer: the meetings of the
past week, each with the signed link where the facilitator records who came
(`scheduler.service.attendance.attendance_url`, valid until 30 days after the meeting's end).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus
from scheduler.mail.views import MeetingView, PastMeeting, Person
from scheduler.service.attendance import attendance_url
from scheduler.service.event_views import meeting_of, meeting_title, organizer_of
from scheduler.store.models import Invitation, Occurrence, Organisation

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
