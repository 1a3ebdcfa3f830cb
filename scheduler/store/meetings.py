"""Meetings as the store gives them: the core's `Meeting` built from an occurrence row (or a
result row of its columns) and the name of its buyer, with the directory's article."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from sqlmodel import Session, col, select

from scheduler.core.french import ARTICLES, FrenchName
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.meeting import Invitee, Meeting
from scheduler.store.models import Occurrence, Organisation

_IN_CHUNK = 500


class _OccurrenceColumns(Protocol):
    """What a meeting is built from: an `Occurrence` row, or a result row of its columns."""

    @property
    def id(self) -> int | None: ...
    @property
    def uid(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def organisation_id(self) -> int | None: ...
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


MEETING_COLUMNS: tuple[Any, ...] = (
    col(Occurrence.id),
    col(Occurrence.organisation_id),
    col(Occurrence.uid),
    col(Occurrence.kind),
    col(Occurrence.facilitator_id),
    col(Occurrence.theme),
    col(Occurrence.start),
    col(Occurrence.end),
    col(Occurrence.status),
    col(Occurrence.sequence),
    col(Occurrence.changed_at),
    col(Occurrence.cancel_reason),
    col(Occurrence.location),
    col(Occurrence.video_url),
    col(Occurrence.description),
)
"""What `meeting_of` reads of an occurrence, for reads of many meetings as plain rows."""


def meeting_of(
    row: _OccurrenceColumns,
    buyer: str | None = None,
    *,
    invitees: tuple[Invitee, ...] = (),
    booked_at: datetime | None = None,
) -> Meeting:
    """The meeting of a stored occurrence (`buyer`: its buyer's name, for a per-buyer ritual)."""
    return Meeting(
        occurrence_id=row.id or 0,
        uid=row.uid,
        kind=RitualKind(row.kind),
        facilitator_id=row.facilitator_id,
        start=row.start,
        end=row.end,
        status=OccurrenceStatus(row.status),
        sequence=row.sequence,
        changed_at=row.changed_at,
        organisation_id=row.organisation_id,
        buyer=buyer,
        theme=row.theme,
        cancel_reason=row.cancel_reason,
        location=getattr(row, "location", None),
        video_url=getattr(row, "video_url", None),
        description=getattr(row, "description", None),
        invitees=invitees,
        booked_at=booked_at,
    )


def french_name(organisation: Organisation) -> FrenchName:
    """An organisation's name with its article (the directory's, else derived)."""
    article = organisation.article
    return FrenchName(organisation.name, article if article in ARTICLES else None)


def buyer_names(session: Session, organisation_ids: Iterable[int | None]) -> dict[int, FrenchName]:
    """The names of these organisations, with their articles."""
    wanted = sorted({i for i in organisation_ids if i is not None})
    names: dict[int, FrenchName] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        rows = session.exec(
            select(Organisation.id, Organisation.name, Organisation.article).where(
                col(Organisation.id).in_(wanted[start : start + _IN_CHUNK])
            )
        )
        for organisation_id, name, article in rows:
            if organisation_id is not None:
                names[organisation_id] = FrenchName(name, article if article in ARTICLES else None)
    return names


def meetings_of(session: Session, rows: Iterable[_OccurrenceColumns]) -> list[Meeting]:
    """The meetings of these occurrence rows, with their buyers' names (one more query)."""
    rows = list(rows)
    names = buyer_names(session, (row.organisation_id for row in rows))
    return [
        meeting_of(row, names.get(row.organisation_id) if row.organisation_id else None)
        for row in rows
    ]


def meetings_by_id(session: Session, occurrence_ids: Iterable[int]) -> dict[int, Meeting]:
    """The meetings `occurrence_ids` name (those that exist), by id."""
    wanted = sorted(set(occurrence_ids))
    rows = []
    for start in range(0, len(wanted), _IN_CHUNK):
        rows += session.exec(
            select(*MEETING_COLUMNS).where(
                col(Occurrence.id).in_(wanted[start : start + _IN_CHUNK])
            )
        ).all()
    return {meeting.occurrence_id: meeting for meeting in meetings_of(session, rows)}


def meeting_by_id(session: Session, occurrence_id: int) -> Meeting | None:
    """The meeting `occurrence_id`, if it exists."""
    return meetings_by_id(session, [occurrence_id]).get(occurrence_id)


def meeting_by_uid(session: Session, uid: str) -> Meeting | None:
    """The meeting whose iCalendar UID is `uid`, if there is one."""
    row = session.exec(select(*MEETING_COLUMNS).where(col(Occurrence.uid) == uid)).first()
    return meetings_of(session, [row])[0] if row is not None else None
