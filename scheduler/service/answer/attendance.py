"""Attendance: after a meeting, who came. The invitees named are marked present, every other
invitee absent, and the meeting becomes HELD.

Recording again replaces the previous record, so a mistake is mended by running the command
once more. HELD shows in no feed any differently (its STATUS stays CONFIRMED), so neither the
SEQUENCE nor the last-change instant moves.

The facilitator may also record it from a signed link (`attendance_url`, for the digest): a
page listing the invitees with check boxes, valid from the meeting's start until
`LINK_DAYS` after its end. Its token (purpose "attendance") opens no RSVP page, and the reverse.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus
from scheduler.errors import InputError, NotFoundError
from scheduler.i18n import format_when, supported
from scheduler.service import wake
from scheduler.service.access.signing import Signer, signer
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.event_views import meeting_title
from scheduler.store import directory, history, invitations, journal, occurrences
from scheduler.store import walk_ins as walk_in_rows
from scheduler.store.db import session_scope
from scheduler.store.meetings import meeting_of
from scheduler.store.models import Contact, Invitation, Occurrence, WalkIn

PURPOSE = "attendance"
LINK_DAYS = 30
"""How long after the meeting's end the facilitator's link still records attendance."""


@dataclass(frozen=True, slots=True)
class AttendanceLine:
    """One person invited to a meeting, and whether they came (None: not recorded yet)."""

    contact_id: int
    name: str
    email: str
    attended: bool | None
    partstat: str = "NEEDS-ACTION"


@dataclass(frozen=True, slots=True)
class AttendanceReport:
    """A meeting's attendance, as recorded."""

    uid: str
    start: datetime
    status: OccurrenceStatus
    invitees: tuple[AttendanceLine, ...]
    """By address."""

    @property
    def present(self) -> tuple[AttendanceLine, ...]:
        """Those who came."""
        return tuple(i for i in self.invitees if i.attended)

    @property
    def absent(self) -> tuple[AttendanceLine, ...]:
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
        settings = effective_settings(settings, session)
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
        _mark(session, occurrence, [(i, c, c.email.lower() in wanted) for i, c in rows], now)
        wake.on_commit(session, "attendance", [occurrence.id or 0])
        return _report(occurrence, rows)


@dataclass(frozen=True, slots=True)
class Walker:
    """Someone who came uninvited: a name, an address if given, an organisation's name."""

    name: str
    email: str | None = None
    organisation: str = ""


MAX_HEADCOUNT = 100_000


def record_presence(
    settings: Settings,
    engine: Engine,
    uid: str,
    present: Iterable[int],
    now: datetime,
    *,
    walk_ins: Iterable[Walker] = (),
    headcount: int | None = None,
    actor: str = journal.CLI,
) -> AttendanceReport:
    """The workspace's attendance: the invitees whose contact ids are in `present` came (the
    others did not), `walk_ins` came uninvited, and `headcount` people came in all (None: not
    counted); the meeting becomes held. Recording again replaces all three. Refused before the
    meeting starts, for a cancelled one, for an id that is no invitee's, for a headcount below
    the people named."""
    came = set(present)
    walkers = [w for w in walk_ins if w.name.strip()]
    if headcount is not None and not 0 <= headcount <= MAX_HEADCOUNT:
        raise InputError(f"headcount: between 0 and {MAX_HEADCOUNT}")
    with session_scope(engine) as session:
        occurrence = _meeting(session, uid)
        _check_recordable(settings, occurrence, now)
        rows = _invitations(session, occurrence)
        strangers = came - {contact.id for _, contact in rows}
        if strangers:
            raise InputError(f"not invited to {occurrence.uid}: contact ids {sorted(strangers)}")
        named = len(came) + len(walkers)
        if headcount is not None and headcount < named:
            raise InputError(
                f"headcount {headcount} is below the {named} people named as present",
                problems=["headcount"],
            )
        assert occurrence.id is not None
        dropped = walk_in_rows.forget(session, occurrence.id)
        for walker in walkers:
            session.add(
                WalkIn(
                    occurrence_id=occurrence.id,
                    name=walker.name.strip()[:200],
                    email=(walker.email or "").strip()[:254] or None,
                    organisation=walker.organisation.strip()[:200],
                    recorded_at=now,
                )
            )
        before = {
            "present": str(sum(1 for i, _ in rows if i.attended)),
            "walk_ins": str(dropped),
            "headcount": "" if occurrence.headcount is None else str(occurrence.headcount),
        }
        occurrence.headcount = headcount
        session.add(occurrence)
        _mark(session, occurrence, [(i, c, c.id in came) for i, c in rows], now)
        journal.write(
            session,
            now,
            actor,
            "attendance",
            occurrence=occurrence,
            before=before,
            after={
                "present": str(len(came)),
                "walk_ins": str(len(walkers)),
                "headcount": "" if headcount is None else str(headcount),
            },
        )
        session.flush()
        return _report(occurrence, _invitations(session, occurrence))


def attendance_of(engine: Engine, uid: str) -> AttendanceReport:
    """The invitees of the meeting `uid` and what is recorded of their attendance."""
    with session_scope(engine) as session:
        occurrence = _meeting(session, uid)
        return _report(occurrence, _invitations(session, occurrence))


def _meeting(session: Session, uid: str) -> Occurrence:
    occurrence = occurrences.by_uid(session, uid)
    if occurrence is None:
        raise NotFoundError(f"no meeting with UID {uid!r}")
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


def _mark(
    session: Session,
    occurrence: Occurrence,
    marks: list[tuple[Invitation, Contact, bool]],
    now: datetime,
) -> None:
    for invitation, _, came in marks:
        invitation.attended = came
        session.add(invitation)
    if occurrence.status != OccurrenceStatus.HELD:
        occurrence.status = OccurrenceStatus.HELD
        session.add(occurrence)
        history.record(session, occurrence, now, history.Source.ATTENDANCE)


def _invitations(session: Session, occurrence: Occurrence) -> list[tuple[Invitation, Contact]]:
    return invitations.with_contacts(session, occurrence.id or 0)


def _report(occurrence: Occurrence, rows: list[tuple[Invitation, Contact]]) -> AttendanceReport:
    return AttendanceReport(
        uid=occurrence.uid,
        start=occurrence.start,
        status=OccurrenceStatus(occurrence.status),
        invitees=tuple(
            AttendanceLine(
                contact.id or 0,
                contact.name,
                contact.email,
                invitation.attended,
                str(invitation.partstat),
            )
            for invitation, contact in rows
        ),
    )


# --- the facilitator's link ----------------------------------------------------------------------


class SheetState(StrEnum):
    """Whether an attendance link may record, and the HTTP status that says so."""

    OPEN = "open"
    NOT_STARTED = "not_started"
    CLOSED = "closed"
    UNKNOWN = "unknown"

    @property
    def http_status(self) -> int:
        """200 while it may record (or will, once the meeting starts), 404 unknown, 410 past."""
        return {SheetState.UNKNOWN: 404, SheetState.CLOSED: 410}.get(self, 200)


@dataclass(frozen=True, slots=True)
class AttendanceSheet:
    """What the facilitator's page shows: the meeting and its invitees (nothing when unknown)."""

    state: SheetState
    locale: str
    title: str = ""
    when: str = ""
    report: AttendanceReport | None = None
    recorded: bool = False
    """True when this request recorded the attendance."""


def attendance_url(settings: Settings, occurrence_id: int, end: datetime) -> str:
    """The facilitator's link to record who came to the occurrence ending at `end`."""
    token = _signer(settings).seal(occurrence_id, end + timedelta(days=LINK_DAYS))
    return f"{settings.feeds.base_url.rstrip('/')}/attendance/{token}"


def attendance_sheet(
    settings: Settings, engine: Engine, token: str, now: datetime
) -> AttendanceSheet:
    """What the link `token` opens at `now`; changes nothing."""
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        opened = _by_token(session, _signer(settings), token)
        return _sheet(session, settings, opened, now)


def record_sheet(
    settings: Settings, engine: Engine, token: str, present: Iterable[int], now: datetime
) -> AttendanceSheet:
    """Record as present the invitees whose contact ids are in `present` (none: nobody came),
    the others absent, if the link may record; an id that is no invitee's is refused."""
    came = set(present)
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        opened = _by_token(session, _signer(settings), token)
        sheet = _sheet(session, settings, opened, now)
        if sheet.state is not SheetState.OPEN or opened is None:
            return sheet
        occurrence = opened.occurrence
        rows = _invitations(session, occurrence)
        strangers = came - {contact.id for _, contact in rows}
        if strangers:
            raise InputError(f"not invited to {occurrence.uid}: contact ids {sorted(strangers)}")
        _mark(session, occurrence, [(i, c, c.id in came) for i, c in rows], now)
        wake.on_commit(session, "attendance", [occurrence.id or 0])
        session.flush()
        return _sheet(session, settings, opened, now, recorded=True)


@dataclass(frozen=True, slots=True)
class _Opened:
    occurrence: Occurrence
    expires: datetime


def _by_token(session: Session, signer_: Signer, token: str) -> _Opened | None:
    """The occurrence a link opens: the same query for a right and a wrong token."""
    sealed = signer_.open(token)
    occurrence = occurrences.by_id(session, sealed.id if sealed is not None else 0)
    if sealed is None or occurrence is None:
        return None
    return _Opened(occurrence, min(sealed.expires, occurrence.end + timedelta(days=LINK_DAYS)))


def _sheet(
    session: Session,
    settings: Settings,
    opened: _Opened | None,
    now: datetime,
    *,
    recorded: bool = False,
) -> AttendanceSheet:
    locale = supported(settings.organisation.locale)
    if opened is None:
        return AttendanceSheet(SheetState.UNKNOWN, locale)
    occurrence = opened.occurrence
    if occurrence.status == OccurrenceStatus.CANCELLED or now >= opened.expires:
        state = SheetState.CLOSED
    elif now < occurrence.start:
        state = SheetState.NOT_STARTED
    else:
        state = SheetState.OPEN
    buyer = directory.organisation_by_id(session, occurrence.organisation_id)
    meeting = meeting_of(occurrence, buyer.name if buyer else None)
    return AttendanceSheet(
        state=state,
        locale=locale,
        title=meeting_title(settings, meeting, locale),
        when=format_when(occurrence.start, locale, settings.organisation.timezone),
        report=_report(occurrence, _invitations(session, occurrence)),
        recorded=recorded,
    )


def _signer(settings: Settings) -> Signer:
    return signer(settings, PURPOSE)
