"""Answer: every way an invitee answers (RSVP link, slot choice, calendar reply, attendance,
unsubscribe) ends in one recorded answer, and wakes the daemon."""

from scheduler.service.answer.answers import AnswerOutcome, meeting_answers, record_answer
from scheduler.service.answer.attendance import (
    MAX_HEADCOUNT,
    AttendanceReport,
    AttendanceSheet,
    SheetState,
    Walker,
    attendance_of,
    attendance_url,
    record_attendance,
    record_presence,
)
from scheduler.service.answer.booking import BookingState, BookingView
from scheduler.service.answer.replies import (
    ReplyWatcher,
    check_mailbox,
    import_file,
    placement_warnings,
)
from scheduler.service.answer.rsvp import ANSWERS, PURPOSE, RsvpState, RsvpView
from scheduler.service.answer.unsubscribe import KIND, RITUAL, UnsubscribeState, UnsubscribeView

__all__ = [
    "ANSWERS",
    "KIND",
    "MAX_HEADCOUNT",
    "PURPOSE",
    "RITUAL",
    "AnswerOutcome",
    "AttendanceReport",
    "AttendanceSheet",
    "BookingState",
    "BookingView",
    "ReplyWatcher",
    "RsvpState",
    "RsvpView",
    "SheetState",
    "UnsubscribeState",
    "UnsubscribeView",
    "Walker",
    "attendance_of",
    "attendance_url",
    "check_mailbox",
    "import_file",
    "meeting_answers",
    "placement_warnings",
    "record_answer",
    "record_attendance",
    "record_presence",
]
