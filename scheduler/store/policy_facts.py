"""What the message policy reads of the store on each pass: the meetings a message may be due
for, with their invitees (whether the invitation went, and at which SEQUENCE), the conventions
coming into the renewal notices' reach, and the next instants a full pass has something new."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, or_
from sqlmodel import Session, col, select

from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.meeting import Invitee, Meeting
from scheduler.store import history
from scheduler.store.meetings import meeting_of
from scheduler.store.models import Contact, Convention, Invitation, Occurrence, Organisation
from scheduler.store.outbox import invitations_sent
from scheduler.store.readers import CONTACT_FIELDS, in_chunks, reader_of

ACTIVE = "active"


def occurrences_ahead(
    session: Session, now: datetime, reach: datetime, ids: Sequence[int] | None = None
) -> list[Occurrence]:
    """The meetings named, or every meeting a message may be due for: those with invitees
    (reminders, updates, cancellations) and those starting by `reach` (whose invitation time may
    have come); by start. Meetings far ahead that nobody was told about are left for a later
    pass: a full pass stays proportional to what is near, not to the whole horizon."""
    query = select(Occurrence)
    if ids is not None:
        query = query.where(col(Occurrence.id).in_(list(ids)))
    else:
        has_invitees = exists().where(col(Invitation.occurrence_id) == col(Occurrence.id))
        query = query.where(col(Occurrence.start) > now - timedelta(days=1)).where(
            or_(col(Occurrence.start) <= reach, has_invitees)
        )
    return list(session.exec(query.order_by(col(Occurrence.start))))


def announce(session: Session, occurrences: Iterable[Occurrence], now: datetime) -> None:
    """Mark these planned meetings announced (their invitations are going out), each step in
    their history."""
    for occurrence in occurrences:
        occurrence.status = OccurrenceStatus.ANNOUNCED
        session.add(occurrence)
        history.record(session, occurrence, now, history.Source.MAIL)


def policy_meetings(
    session: Session, occurrences: Sequence[Occurrence], booked: Mapping[int, datetime]
) -> list[Meeting]:
    """The meetings of `occurrences` with their invitees, as the policy reads them, in a few
    queries for the whole pass (`booked`: when the buyer booked a meeting's date)."""
    ids = [o.id for o in occurrences if o.id is not None]
    sent_at = invitations_sent(session, ids)
    # Columns, not ORM objects: this reads every invitee of every meeting ahead.
    invitees: dict[int, list[Any]] = defaultdict(list)
    pairs = select(
        col(Invitation.occurrence_id),
        col(Invitation.partstat),
        col(Invitation.removed_at),
        *CONTACT_FIELDS,
    ).join(Contact, col(Contact.id) == col(Invitation.contact_id))
    for row in in_chunks(session, pairs, col(Invitation.occurrence_id), ids):
        invitees[row.occurrence_id].append(row)
    meetings = []
    for occurrence in occurrences:
        assert occurrence.id is not None
        rows = sorted(invitees.get(occurrence.id, []), key=lambda row: row.id or 0)
        meetings.append(
            meeting_of(
                occurrence,
                invitees=tuple(
                    Invitee(
                        reader_of(row),
                        row.partstat,
                        invited=(occurrence.id, row.id) in sent_at,
                        current=sent_at.get((occurrence.id, row.id), -1) >= occurrence.sequence,
                        removed_at=row.removed_at,
                    )
                    for row in rows
                ),
                booked_at=booked.get(occurrence.id),
            )
        )
    return meetings


def conventions_ending_by(session: Session, last_day: date) -> list[tuple[int, date, int]]:
    """The active conventions ending by `last_day`: (convention, end, buyer)."""
    rows = session.exec(
        select(col(Convention.id), col(Convention.end_date), col(Organisation.id))
        .join(Organisation, col(Organisation.id) == col(Convention.organisation_id))
        .where(col(Convention.status) == ACTIVE)
        .where(col(Convention.end_date) <= last_day)
    ).all()
    return [(int(cid or 0), end, int(buyer or 0)) for cid, end, buyer in rows]


def first_start(
    session: Session, kind: RitualKind, statuses: Iterable[OccurrenceStatus], after: datetime
) -> datetime | None:
    """The earliest start after `after` of a meeting of `kind` in one of `statuses`."""
    first = session.exec(
        select(func.min(col(Occurrence.start)))
        .where(col(Occurrence.kind) == kind.value)
        .where(col(Occurrence.status).in_([s.value for s in statuses]))
        .where(col(Occurrence.start) > after)
    ).one()
    if first is None:
        return None
    return first if first.tzinfo is not None else first.replace(tzinfo=UTC)


def first_convention_end(session: Session, after: date) -> date | None:
    """The earliest end after `after` of an active convention."""
    first: date | None = session.exec(
        select(func.min(col(Convention.end_date)))
        .where(col(Convention.status) == ACTIVE)
        .where(col(Convention.end_date) > after)
    ).one()
    return first
