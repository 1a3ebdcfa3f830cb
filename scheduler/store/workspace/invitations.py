"""Invitations: who is invited to a meeting, who answered, who came; the answers since a visit,
the meetings still waiting for answers, and a contact's invitations."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session, col

from scheduler.core.kinds import PartStat
from scheduler.store.models import Contact, Invitation, Occurrence, Organisation
from scheduler.store.workspace.meetings import OPEN_STATUSES, MeetingRow, meetings_by_id
from scheduler.store.workspace.paging import with_total


@dataclass(frozen=True, slots=True)
class Pending:
    """A meeting soon, and how many invitees have not answered it."""

    meeting: MeetingRow
    unanswered: int


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One invitee's answer to one meeting."""

    contact_id: int
    contact_name: str
    contact_email: str
    organisation_name: str | None
    partstat: PartStat
    responded_at: datetime | None
    attended: bool | None
    meeting: MeetingRow | None = None
    source: str | None = None
    """Where the shown answer came from (scheduler.core.kinds.AnswerSource)."""


def unanswered_soon(
    session: Session, start: datetime, end: datetime, facilitator_id: str | None, limit: int
) -> tuple[list[Pending], int]:
    """Meetings starting in [start, end), not cancelled, with invitees who have not answered:
    the first `limit` in order, and how many there are."""
    base = (
        select(col(Invitation.occurrence_id), func.count().label("waiting"))
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .where(
            col(Invitation.partstat) == PartStat.NEEDS_ACTION.value,
            col(Invitation.removed_at).is_(None),
            col(Occurrence.start) >= start,
            col(Occurrence.start) < end,
            col(Occurrence.status).in_([s.value for s in OPEN_STATUSES]),
        )
        .group_by(col(Invitation.occurrence_id))
    )
    if facilitator_id is not None:
        base = base.where(col(Occurrence.facilitator_id) == facilitator_id)
    rows, total = with_total(session, base.order_by(func.min(col(Occurrence.start))), limit)
    counts: dict[int, int] = {row[0]: int(row[1]) for row in rows}
    meetings = meetings_by_id(session, counts)
    pending = [Pending(meetings[i], counts[i]) for i in counts if i in meetings]
    pending.sort(key=lambda p: (p.meeting.start, p.meeting.id))
    return pending, total


def answers_since(
    session: Session, since: datetime, facilitator_id: str | None, limit: int
) -> tuple[list[AnswerRow], int]:
    """Answers recorded after `since`, the latest first, and how many there are."""
    base = (
        _answer_rows(col(Invitation.occurrence_id))
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .where(col(Invitation.responded_at) > since)
    )
    if facilitator_id is not None:
        base = base.where(col(Occurrence.facilitator_id) == facilitator_id)
    # Two statements, each walking the index on responded_at, beat one window count that
    # would sort every answer since then.
    total = int(session.execute(select(func.count()).select_from(base.subquery())).scalar_one())
    rows = [
        tuple(row)
        for row in session.execute(
            base.order_by(col(Invitation.responded_at).desc(), col(Invitation.id)).limit(limit)
        )
    ]
    meetings = meetings_by_id(session, (row[7] for row in rows))
    return [_answer(row, meetings.get(row[7])) for row in rows], total


def _answer_rows(last: Any) -> Select[Any]:
    """Invitations with their contact and the contact's organisation, in the columns `_answer`
    reads: contact, organisation, answer and attendance, then `last` (the meeting's id, or where
    the answer came from)."""
    return (
        select(
            col(Contact.id),
            col(Contact.name),
            col(Contact.email),
            col(Organisation.name),
            col(Invitation.partstat),
            col(Invitation.responded_at),
            col(Invitation.attended),
            last,
        )
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Contact.organisation_id))
    )


def _answer(row: Any, meeting: MeetingRow | None = None) -> AnswerRow:
    return AnswerRow(
        contact_id=row[0],
        contact_name=row[1],
        contact_email=row[2],
        organisation_name=row[3],
        partstat=PartStat(row[4]),
        responded_at=row[5],
        attended=row[6],
        meeting=meeting,
    )


def invitees(
    session: Session, occurrence_id: int, *, limit: int, offset: int = 0
) -> tuple[list[AnswerRow], dict[PartStat, int]]:
    """A page of a meeting's invitees by name, and how many gave each answer."""
    invited = (col(Invitation.occurrence_id) == occurrence_id, col(Invitation.removed_at).is_(None))
    rows = session.execute(
        _answer_rows(col(Invitation.answer_source))
        .where(*invited)
        .order_by(col(Contact.name), col(Contact.id))
        .limit(limit)
        .offset(offset)
    ).all()
    counts = {
        PartStat(partstat): int(count)
        for partstat, count in session.execute(
            select(col(Invitation.partstat), func.count())
            .where(*invited)
            .group_by(col(Invitation.partstat))
        )
    }
    return [replace(_answer(row), source=row[7]) for row in rows], counts


def attendance_counts(session: Session, occurrence_id: int) -> tuple[int, int]:
    """How many invitees were recorded present, and absent."""
    rows: dict[bool, int] = {
        bool(row[0]): int(row[1])
        for row in session.execute(
            select(col(Invitation.attended), func.count())
            .where(
                col(Invitation.occurrence_id) == occurrence_id,
                col(Invitation.attended).is_not(None),
            )
            .group_by(col(Invitation.attended))
        )
    }
    return int(rows.get(True, 0)), int(rows.get(False, 0))


def invitations_of_contact(
    session: Session, contact_id: int, limit: int
) -> tuple[list[AnswerRow], int]:
    """A contact's invitations, the latest meeting first, with each meeting."""
    rows = session.execute(
        _answer_rows(col(Invitation.occurrence_id))
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .where(col(Invitation.contact_id) == contact_id)
        .order_by(col(Occurrence.start).desc())
        .limit(limit)
    ).all()
    total = session.execute(
        select(func.count()).select_from(Invitation).where(col(Invitation.contact_id) == contact_id)
    ).scalar_one()
    meetings = meetings_by_id(session, (row[7] for row in rows))
    return [_answer(row, meetings.get(row[7])) for row in rows], int(total)
