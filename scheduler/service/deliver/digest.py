"""The facilitator's weekly digest: the meetings of the coming two weeks with the answers so
far; those of the past week, each with the signed link where the facilitator records who came
(`scheduler.service.answer.attendance.attendance_url`, valid until 30 days after the meeting's
end); the comments and proposals received from the invitees' calendars; the mails that failed;
the conventions ending; the buyers without a recent or a planned programming review; the
proposals none of whose dates suits; and whether the replies mailbox can be read.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from scheduler.config import FacilitatorSettings, Settings
from scheduler.core.kinds import OccurrenceStatus, PartStat
from scheduler.mail.mime import Mailbox
from scheduler.mail.views import (
    AnswerCounts,
    CalendarNote,
    ConventionView,
    DigestMeeting,
    DigestView,
    FailedDelivery,
    NoneSuits,
    PastMeeting,
    ReviewGapView,
    ReviewLag,
)
from scheduler.service.answer.attendance import attendance_url
from scheduler.service.deliver.views import mail_meeting
from scheduler.service.plan import proposals
from scheduler.service.plan.planning import horizon, missing_reviews
from scheduler.service.publish.event_views import ritual_title
from scheduler.store import digest as facts
from scheduler.store.answers import mailbox_status, notes_since
from scheduler.store.meetings import buyer_names, meeting_of
from scheduler.store.models import MailboxStatus
from scheduler.store.outbox import failed_since

DIGEST_WEEKS = 2
PAST_DAYS = 7
FAILED_DAYS = 7
ENDING_WITHIN_DAYS = 120
REVIEW_MONTHS = 12


def digest_view(
    settings: Settings,
    session: Session,
    facilitator: FacilitatorSettings,
    now: datetime,
    locale: str,
) -> DigestView:
    """The digest `facilitator` reads at `now`, in `locale`."""
    zone = ZoneInfo(settings.organisation.timezone)
    today = now.astimezone(zone).date()
    trouble = mailbox_trouble(settings, session)
    return DigestView(
        period_start=today,
        period_end=today + timedelta(weeks=DIGEST_WEEKS, days=-1),
        upcoming=upcoming(settings, session, facilitator.id, now),
        failed=failed(session, now),
        conventions_ending=conventions_ending(session, facilitator.id, today),
        buyers_without_review=buyers_without_review(session, facilitator.id, now, zone),
        past_week=past_week(settings, session, facilitator.id, now, locale),
        reviews_missing=reviews_missing(settings, session, facilitator.id, now),
        horizon_end=horizon(settings, now)[1],
        replies=reply_notes(settings, session, facilitator.id, now, locale),
        mailbox_problem=trouble.error if trouble is not None else None,
        mailbox_failing_since=trouble.failing_since if trouble is not None else None,
        none_suits=none_suits(settings, session, facilitator.id),
    )


def upcoming(
    settings: Settings, session: Session, facilitator_id: str, now: datetime
) -> tuple[DigestMeeting, ...]:
    """The facilitator's meetings of the coming weeks, with the answers so far."""
    until = now + timedelta(weeks=DIGEST_WEEKS)
    meetings = facts.meetings_starting(session, facilitator_id, now, until)
    counts = facts.answer_counts(session, [m.occurrence_id for m in meetings])
    items = []
    for meeting in meetings:
        answered = counts[meeting.occurrence_id]
        answers = AnswerCounts(
            accepted=answered.get(PartStat.ACCEPTED, 0),
            declined=answered.get(PartStat.DECLINED, 0),
            tentative=answered.get(PartStat.TENTATIVE, 0),
            pending=answered.get(PartStat.NEEDS_ACTION, 0),
        )
        items.append(DigestMeeting(mail_meeting(settings, meeting, "fr"), answers))
    return tuple(items)


def past_week(
    settings: Settings, session: Session, facilitator_id: str, now: datetime, locale: str
) -> tuple[PastMeeting, ...]:
    """The meetings of `facilitator_id` that ended in the `PAST_DAYS` before `now` and were not
    cancelled, oldest first, with their attendance links."""
    meetings = facts.meetings_ended(session, facilitator_id, now - timedelta(days=PAST_DAYS), now)
    recorded = facts.attendance_recorded(session, [m.occurrence_id for m in meetings])
    return tuple(
        PastMeeting(
            mail_meeting(settings, meeting, locale),
            attendance_url(settings, meeting.occurrence_id, meeting.end),
            meeting.status is OccurrenceStatus.HELD or meeting.occurrence_id in recorded,
        )
        for meeting in meetings
    )


def reply_notes(
    settings: Settings, session: Session, facilitator_id: str, now: datetime, locale: str
) -> tuple[CalendarNote, ...]:
    """The comments and proposals received from invitees' calendars in the `PAST_DAYS` before
    `now`, about the meetings of `facilitator_id`, oldest first."""
    notes = notes_since(session, facilitator_id, now - timedelta(days=PAST_DAYS))
    names = buyer_names(session, (note.occurrence.organisation_id for note in notes))
    return tuple(
        CalendarNote(
            meeting=mail_meeting(
                settings,
                meeting_of(note.occurrence, names.get(note.occurrence.organisation_id or 0)),
                locale,
            ),
            person=Mailbox(note.contact.name, note.contact.email),
            comment=note.comment,
            answer=note.partstat.lower() if note.partstat else None,
            proposed_start=note.proposed_start,
            proposed_end=note.proposed_end,
        )
        for note in notes
    )


def failed(session: Session, now: datetime) -> tuple[FailedDelivery, ...]:
    """The mails that failed in the past week, the latest first."""
    return tuple(
        FailedDelivery(row.recipient, row.kind, row.last_error or "", row.updated_at)
        for row in failed_since(session, now - timedelta(days=FAILED_DAYS))
    )


def conventions_ending(
    session: Session, facilitator_id: str, today: date
) -> tuple[ConventionView, ...]:
    """The conventions of the facilitator's buyers ending within `ENDING_WITHIN_DAYS`."""
    last = today + timedelta(days=ENDING_WITHIN_DAYS)
    return tuple(
        ConventionView(buyer, start, end, (end - today).days)
        for buyer, start, end in facts.conventions_ending(session, facilitator_id, today, last)
    )


def buyers_without_review(
    session: Session, facilitator_id: str, now: datetime, zone: ZoneInfo
) -> tuple[ReviewLag, ...]:
    """The facilitator's buyers whose last programming review that took place started more
    than `REVIEW_MONTHS` before `now`, with its day."""
    since = now - relativedelta(months=REVIEW_MONTHS)
    return tuple(
        ReviewLag(name, last.astimezone(zone).date() if last is not None else None)
        for name, last in facts.last_reviews(session, facilitator_id, now)
        if last is None or last < since
    )


def reviews_missing(
    settings: Settings, session: Session, facilitator_id: str, now: datetime
) -> tuple[ReviewGapView, ...]:
    """The facilitator's buyers that the plan leaves without a programming review, and why."""
    mine = [m for m in missing_reviews(settings, session, now) if m.facilitator == facilitator_id]
    names = facts.names_by_slug(session, (m.buyer for m in mine))
    return tuple(
        ReviewGapView(
            buyer=names.get(m.buyer, m.buyer),
            cause=m.cause.value,
            first=m.window[0] if m.window else None,
            last=m.window[1] if m.window else None,
            until=m.until,
            day=m.day,
        )
        for m in mine
    )


def none_suits(settings: Settings, session: Session, facilitator_id: str) -> tuple[NoneSuits, ...]:
    """The open proposals of the facilitator's buyers for which none of the dates suits."""
    return tuple(
        NoneSuits(
            buyer=row.buyer if row.buyer is not None else "?",
            title=ritual_title(settings, row.kind, settings.organisation.locale),
            contact=row.contact,
            message=row.message,
            at=row.at,
            deadline=row.deadline,
        )
        for row in facts.none_suits(session, facilitator_id, proposals.OPEN)
    )


def mailbox_trouble(settings: Settings, session: Session) -> MailboxStatus | None:
    """The replies mailbox's status when the daemon cannot read it, else None."""
    if not settings.mail.imap.enabled:
        return None
    status = mailbox_status(session)
    return status if status is not None and status.error else None
