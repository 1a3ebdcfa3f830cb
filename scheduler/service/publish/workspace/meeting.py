"""The workspace's page of one meeting: its steps, invitees, answers, attendance, mails and
journal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.core.kinds import PartStat
from scheduler.core.messages import MessageState
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.workspace.home import PAGE_SIZE
from scheduler.store import journal, occurrences, walk_ins
from scheduler.store import workspace as store
from scheduler.store.db import read_session
from scheduler.store.history import Step, steps_of
from scheduler.store.models import WalkIn
from scheduler.store.workspace import AnswerRow, MeetingRow, MessageFilter, MessageRow, Page


@dataclass(frozen=True, slots=True)
class MeetingPage:
    """A meeting's page."""

    meeting: MeetingRow
    steps: tuple[Step, ...]
    invitees: Page[AnswerRow]
    answers: dict[PartStat, int]
    present: int
    absent: int
    messages: Page[MessageRow]
    message_counts: dict[MessageState, int]
    place: str
    video_url: str
    description: str | None = None
    own_place: str | None = None
    """The meeting's own place and video link, None when it keeps its ritual's."""
    own_video_url: str | None = None
    journal: tuple[journal.Entry, ...] = ()
    walk_ins: tuple[WalkIn, ...] = ()
    headcount: int | None = None


def meeting(
    settings: Settings, engine: Engine, uid: str, *, page: int, mail_page: int
) -> MeetingPage | None:
    """The meeting `uid`, with a page of its invitees and of its mails."""
    with read_session(engine) as session:
        settings = effective_settings(settings, session)
        found = store.meeting_by_uid(session, uid)
        if found is None:
            return None
        page, mail_page = max(1, page), max(1, mail_page)
        rows, answers = store.invitees(
            session, found.id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        present, absent = store.attendance_counts(session, found.id)
        narrow = MessageFilter(occurrence_id=found.id)
        mails = store.messages(session, narrow, limit=PAGE_SIZE, offset=(mail_page - 1) * PAGE_SIZE)
        counts = store.message_counts(session, narrow)
        steps = tuple(steps_of(session, found.id))
        details = occurrences.details(session, found.id)
        walkers = tuple(walk_ins.recorded(session, found.id))
        changes = tuple(journal.entries(session, occurrence_id=found.id))
    ritual = settings.rituals[found.kind]
    return MeetingPage(
        meeting=found,
        steps=steps,
        invitees=Page(tuple(rows), sum(answers.values()), page, PAGE_SIZE),
        answers=answers,
        present=present,
        absent=absent,
        messages=mails,
        message_counts=counts,
        place=ritual.location if details.location is None else details.location,
        video_url=ritual.video_url if details.video_url is None else details.video_url,
        description=details.description,
        own_place=details.location,
        own_video_url=details.video_url,
        journal=changes,
        walk_ins=walkers,
        headcount=details.headcount,
    )
