"""Attendance: after a meeting, who came. The invitees named are marked present, every other
invitee absent, and the meeting becomes HELD.

Recording again replaces the previous record, so a mistake is mended by running the command
once more. HELD shows in no feed any differently (its STATUS stays CONFIRMED), so neither the
SEQUENCE nor the last-change instant moves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus
from scheduler.errors import InputError, NotFoundError
from scheduler.i18n import format_when
from scheduler.store.db import session_scope
from scheduler.store.models import Contact, Invitation, Occurrence


@dataclass(frozen=True, slots=True)
class Invitee:
    """One person invited to a meeting, and whether they came (None: not recorded yet)."""

    contact_id: int
    name: str
    email: str
    attended: bool | None


@dataclass(frozen=True, slots=True)
class AttendanceReport:
    """A meeting's attendance, as recorded."""

    uid: str
    start: datetime
    status: OccurrenceStatus
    invitees: tuple[Invitee, ...]
    """By address."""

    @property
    def present(self) -> tuple[Invitee, ...]:
        """Those who came."""
        return tuple(i for i in self.invitees if i.attended)

    @property
    def absent(self) -> tuple[Invitee, ...]:
        """Those recorded as not having come."""
        return tuple(i for i in self.invitees if i.attended is False)


def record_attendance(
    settings: Settings, engine: Engine, uid: str, present: Iterable[str], now: datetime
) -> AttendanceReport:
    """Mark the invitees whose addresses are in `present` as present and the others absent,
    and the meeting `uid` as held. Refused before the meeting starts, for a cancelled one, and
    when an address is not an invitee's."""
    wanted = {email.strip().lower() for email in present if email.strip()}
    if not wanted:
        raise InputError("say who came: --present EMAIL…")
    with session_scope(engine) as session:
        occurrence = _meeting(session, uid)
        _check_recordable(settings, occurrence, now)
        rows = _invitations(session, occurrence)
        if not rows:
            raise InputError(f"nobody is invited to {occurrence.uid}")
        invited = {contact.email.lower() for _, contact in rows}
        strangers = sorted(wanted - invited)
        if strangers:
            raise InputError(
                f"not invited to {occurrence.uid}: " + ", ".join(strangers),
                problems=[f"invitees: {', '.join(sorted(invited))}"],
            )
        for invitation, contact in rows:
            invitation.attended = contact.email.lower() in wanted
            session.add(invitation)
        occurrence.status = OccurrenceStatus.HELD
        session.add(occurrence)
        return _report(occurrence, rows)


def attendance_of(engine: Engine, uid: str) -> AttendanceReport:
    """The invitees of the meeting `uid` and what is recorded of their attendance."""
    with session_scope(engine) as session:
        occurrence = _meeting(session, uid)
        return _report(occurrence, _invitations(session, occurrence))


def _meeting(session: Session, uid: str) -> Occurrence:
    occurrence = session.execute(
        select(Occurrence).where(col(Occurrence.uid) == uid.strip())
    ).scalar_one_or_none()
    if occurrence is None:
        raise NotFoundError(f"no meeting with UID {uid!r}")
    assert isinstance(occurrence, Occurrence)
    return occurrence


def _check_recordable(settings: Settings, occurrence: Occurrence, now: datetime) -> None:
    if occurrence.status == OccurrenceStatus.CANCELLED:
        raise InputError(f"{occurrence.uid} is cancelled; there is no attendance to record")
    if now < occurrence.start:
        when = format_when(occurrence.start, "en", settings.organisation.timezone)
        raise InputError(
            f"{occurrence.uid} has not started yet (it starts on {when}); "
            "record who came once it has begun"
        )


def _invitations(session: Session, occurrence: Occurrence) -> list[tuple[Invitation, Contact]]:
    rows = session.execute(
        select(Invitation, Contact)
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Invitation.occurrence_id) == occurrence.id)
        .order_by(col(Contact.email))
    ).all()
    return [(invitation, contact) for invitation, contact in rows]


def _report(occurrence: Occurrence, rows: list[tuple[Invitation, Contact]]) -> AttendanceReport:
    return AttendanceReport(
        uid=occurrence.uid,
        start=occurrence.start,
        status=OccurrenceStatus(occurrence.status),
        invitees=tuple(
            Invitee(contact.id or 0, contact.name, contact.email, invitation.attended)
            for invitation, contact in rows
        ),
    )
