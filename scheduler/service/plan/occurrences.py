"""Moving or cancelling one meeting by hand: same UID, SEQUENCE + 1, a new last-change instant.

The planner never moves a meeting moved by hand (status MOVED is fixed) and never brings back
one cancelled by hand. A move that would break a planning rule (a closed day, the facilitator's
capacity, an overlap: `scheduler.core.placement`) is refused with the rules it breaks, unless it
is forced; a forced move says which rules it broke.

The messages that tell people (an update REQUEST, a CANCEL) belong to the mail side: it passes
`in_transaction`, called with the session and the changed row before the commit, so the outbox
row is written in the same transaction as the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from scheduler.config import Settings
from scheduler.core.calendar_rules import WorkingCalendar, local_datetime
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.placement import Booked, BrokenRule, broken_rules
from scheduler.core.values import Capacity, occurrence_uid
from scheduler.errors import ConflictError, InputError, NotFoundError, PlacementError
from scheduler.service import wake
from scheduler.store import history, journal
from scheduler.store.db import read_session, session_scope
from scheduler.store.models import Contact, Invitation, Occurrence, Organisation, Ritual

OnChange = Callable[[Session, Occurrence], None]
"""Called inside the transaction with the changed occurrence (e.g. to enqueue its messages)."""


@dataclass(frozen=True)
class OccurrenceChange:
    """One meeting after a move or a cancellation."""

    uid: str
    kind: RitualKind
    status: OccurrenceStatus
    sequence: int
    start: datetime
    end: datetime
    previous_start: datetime
    broken: tuple[BrokenRule, ...] = ()
    """The planning rules a forced move broke."""


def move_occurrence(
    engine: Engine,
    uid: str,
    to: datetime,
    now: datetime,
    *,
    settings: Settings,
    force: bool = False,
    in_transaction: OnChange | None = None,
    expected_sequence: int | None = None,
    actor: str = journal.CLI,
) -> OccurrenceChange:
    """Move the meeting `uid` to start at `to`, keeping its length; raise PlacementError with
    the rules the move would break, unless `force`d (the change then lists them).
    `expected_sequence`: the SEQUENCE the change was asked on (ConflictError when it moved on)."""
    if to.tzinfo is None:
        raise InputError("--to: the new start needs a time zone")
    with session_scope(engine) as session:
        occurrence = _changeable(session, uid, now, "moved", expected_sequence)
        if to <= now:
            raise InputError(f"--to: {to.isoformat()} is in the past")
        if to == occurrence.start:
            raise InputError(f"{uid} already starts at {to.isoformat()}")
        length = occurrence.end - occurrence.start
        broken = _broken_by_move(session, settings, occurrence, to, to + length)
        if broken and not force:
            when = to.astimezone(WorkingCalendar(settings.calendar_rules()).tz)
            raise PlacementError(
                f"{uid} not moved to {when:%Y-%m-%d %H:%M}: "
                + "; ".join(map(str, broken))
                + " (--force moves it anyway)",
                broken,
            )
        previous = occurrence.start
        before = {"start": _instant(previous), "status": str(occurrence.status)}
        occurrence.start = to
        occurrence.end = to + length
        occurrence.status = OccurrenceStatus.MOVED
        journal.write(
            session,
            now,
            actor,
            "forced_move" if broken else "move",
            occurrence=occurrence,
            before=before,
            after={"start": _instant(to), "status": str(occurrence.status)},
        )
        change = _record(session, occurrence, previous, now, in_transaction)
        return replace(change, broken=broken)


def restore_occurrence(
    engine: Engine,
    uid: str,
    to: datetime,
    now: datetime,
    *,
    settings: Settings,
    force: bool = False,
    in_transaction: OnChange | None = None,
    expected_sequence: int | None = None,
    actor: str = journal.CLI,
) -> OccurrenceChange:
    """Bring back the cancelled meeting `uid` at a new start `to` (same UID, SEQUENCE + 1,
    status moved, the cancellation reason dropped); the same rules as a move, and the same
    PlacementError unless `force`d."""
    if to.tzinfo is None:
        raise InputError("--to: the new start needs a time zone")
    with session_scope(engine) as session:
        occurrence = _found(session, uid)
        _check_sequence(occurrence, expected_sequence)
        if occurrence.status != OccurrenceStatus.CANCELLED:
            raise InputError(f"{uid} is not cancelled; move it instead")
        if to <= now:
            raise InputError(f"--to: {to.isoformat()} is in the past")
        length = occurrence.end - occurrence.start
        broken = _broken_by_move(session, settings, occurrence, to, to + length)
        if broken and not force:
            when = to.astimezone(WorkingCalendar(settings.calendar_rules()).tz)
            raise PlacementError(
                f"{uid} not restored to {when:%Y-%m-%d %H:%M}: "
                + "; ".join(map(str, broken))
                + " (--force restores it anyway)",
                broken,
            )
        previous = occurrence.start
        before = {
            "start": _instant(previous),
            "status": str(occurrence.status),
            "cancel_reason": occurrence.cancel_reason,
        }
        occurrence.start = to
        occurrence.end = to + length
        occurrence.status = OccurrenceStatus.MOVED
        occurrence.cancel_reason = None
        journal.write(
            session,
            now,
            actor,
            "restore",
            occurrence=occurrence,
            before=before,
            after={"start": _instant(to), "status": str(occurrence.status)},
        )
        change = _record(session, occurrence, previous, now, in_transaction)
        return replace(change, broken=broken)


@dataclass(frozen=True)
class Details:
    """What a facilitator may edit on one meeting; None for place and video: the ritual's."""

    theme: str | None
    description: str | None
    location: str | None
    video_url: str | None


DETAIL_LIMITS = {"theme": 200, "description": 2000, "location": 400, "video_url": 400}


def edit_occurrence(
    engine: Engine,
    uid: str,
    details: Details,
    now: datetime,
    *,
    in_transaction: OnChange | None = None,
    expected_sequence: int | None = None,
    actor: str = journal.CLI,
) -> OccurrenceChange:
    """Set the theme, description, place and video link of the meeting `uid` (SEQUENCE + 1,
    an update to those invited); InputError when a value is too long, a video link is not
    http(s), or nothing changes."""
    problems = []
    for name, limit in DETAIL_LIMITS.items():
        value = getattr(details, name)
        if value is not None and len(value) > limit:
            problems.append(f"{name}: at most {limit} characters")
    video = details.video_url
    if video and not video.lower().startswith(("https://", "http://")):
        problems.append("video_url: an http(s) address")
    if problems:
        raise InputError(f"{uid} not changed: " + "; ".join(problems), problems)
    with session_scope(engine) as session:
        occurrence = _changeable(session, uid, now, "changed", expected_sequence)
        before = {name: getattr(occurrence, name) for name in DETAIL_LIMITS}
        after = {name: getattr(details, name) for name in DETAIL_LIMITS}
        if before == after:
            raise InputError(f"{uid}: nothing to change")
        for name, value in after.items():
            setattr(occurrence, name, value)
        changed = [name for name in DETAIL_LIMITS if before[name] != after[name]]
        journal.write(
            session,
            now,
            actor,
            "edit",
            occurrence=occurrence,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
        return _record(session, occurrence, occurrence.start, now, in_transaction)


ONE_OFF = "oneoff:"
"""The key prefix of a meeting added by hand: the planner neither moves nor cancels it, and its
invitees are those chosen, not the ritual's audience."""


@dataclass(frozen=True)
class NewMeeting:
    """A one-off meeting: a ritual kind, when, for whom, and whom to invite (addresses of
    contacts in the directory)."""

    kind: RitualKind
    start: datetime
    minutes: int
    facilitator_id: str
    details: Details
    buyer_slug: str | None = None
    invitees: tuple[str, ...] = ()


def create_occurrence(
    settings: Settings,
    engine: Engine,
    meeting: NewMeeting,
    now: datetime,
    *,
    in_transaction: OnChange | None = None,
    actor: str = journal.CLI,
) -> OccurrenceChange:
    """Add a one-off meeting (a new UID, SEQUENCE 0) with its invitations; InputError when it
    starts in the past, lasts no time, names an unknown facilitator, buyer or address; its
    invitation mails are queued like any meeting's."""
    problems = []
    if meeting.start.tzinfo is None:
        problems.append("start: needs a time zone")
    elif meeting.start <= now:
        problems.append("start: in the past")
    if not 5 <= meeting.minutes <= 24 * 60:
        problems.append("minutes: between 5 and 1440")
    if settings.facilitator(meeting.facilitator_id) is None:
        problems.append(f"facilitator: unknown {meeting.facilitator_id!r}")
    if problems:
        raise InputError("meeting not added: " + "; ".join(problems), problems)
    with session_scope(engine) as session:
        organisation_id = None
        if meeting.buyer_slug:
            organisation_id = session.exec(
                select(Organisation.id).where(col(Organisation.slug) == meeting.buyer_slug)
            ).first()
            if organisation_id is None:
                raise InputError(f"no organisation {meeting.buyer_slug!r}", ["buyer"])
        wanted = [email.strip().lower() for email in meeting.invitees if email.strip()]
        contacts = {
            contact.email.lower(): contact
            for contact in session.exec(
                select(Contact).where(func.lower(col(Contact.email)).in_(wanted))
            )
        }
        unknown = [email for email in wanted if email not in contacts]
        if unknown:
            raise InputError(
                "not in the directory: " + ", ".join(unknown),
                [f"invitees: {email}" for email in unknown],
            )
        ritual_key = f"{ONE_OFF}{meeting.kind.value}:{meeting.buyer_slug or 'territory'}"
        ritual = session.exec(select(Ritual).where(col(Ritual.key) == ritual_key)).first()
        if ritual is None:
            ritual = Ritual(
                key=ritual_key,
                kind=meeting.kind.value,
                organisation_id=organisation_id,
                enabled=False,
            )
            session.add(ritual)
            session.flush()
        assert ritual.id is not None
        key = f"{ONE_OFF}{uuid.uuid4()}"
        occurrence = Occurrence(
            ritual_id=ritual.id,
            key=key,
            uid=occurrence_uid(key, settings.organisation.uid_domain),
            kind=meeting.kind.value,
            organisation_id=organisation_id,
            facilitator_id=meeting.facilitator_id,
            theme=meeting.details.theme,
            description=meeting.details.description,
            location=meeting.details.location,
            video_url=meeting.details.video_url,
            start=meeting.start,
            end=meeting.start + timedelta(minutes=meeting.minutes),
            status=OccurrenceStatus.PLANNED,
            sequence=0,
            changed_at=now,
        )
        session.add(occurrence)
        session.flush()
        assert occurrence.id is not None
        for email in dict.fromkeys(wanted):
            contact_id = contacts[email].id
            assert contact_id is not None
            session.add(Invitation(occurrence_id=occurrence.id, contact_id=contact_id))
        history.record(session, occurrence, now, history.Source.HAND)
        journal.write(
            session,
            now,
            actor,
            "create",
            occurrence=occurrence,
            after={
                "start": _instant(occurrence.start),
                "theme": occurrence.theme,
                "invitees": ", ".join(dict.fromkeys(wanted)),
            },
        )
        session.flush()
        if in_transaction is not None:
            in_transaction(session, occurrence)
        return OccurrenceChange(
            uid=occurrence.uid,
            kind=meeting.kind,
            status=OccurrenceStatus(occurrence.status),
            sequence=occurrence.sequence,
            start=occurrence.start,
            end=occurrence.end,
            previous_start=occurrence.start,
        )


def _instant(moment: datetime) -> str:
    return moment.isoformat()


def move_problems(
    engine: Engine, settings: Settings, uid: str, to: datetime
) -> tuple[BrokenRule, ...]:
    """The planning rules moving the meeting `uid` to start at `to` would break (for a page
    that shows them before anything is changed)."""
    with read_session(engine) as session:
        occurrence = session.exec(
            select(Occurrence).where(col(Occurrence.uid) == uid.strip())
        ).one_or_none()
        if occurrence is None:
            raise NotFoundError(f"no meeting with UID {uid!r}")
        length = occurrence.end - occurrence.start
        return _broken_by_move(session, settings, occurrence, to, to + length)


def _broken_by_move(
    session: Session, settings: Settings, occurrence: Occurrence, start: datetime, end: datetime
) -> tuple[BrokenRule, ...]:
    """The rules `occurrence` would break from `start` to `end`, given its facilitator's other
    meetings that week (cancelled ones left out)."""
    calendar = WorkingCalendar(settings.calendar_rules())
    day = calendar.local_day(start)
    monday = day - timedelta(days=day.weekday())
    week_start = local_datetime(monday, time(0), calendar.tz)
    week_end = local_datetime(monday + timedelta(days=7), time(0), calendar.tz)
    rows = session.exec(
        select(Occurrence)
        .where(col(Occurrence.facilitator_id) == occurrence.facilitator_id)
        .where(col(Occurrence.id) != occurrence.id)
        .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
        .where(col(Occurrence.start) < max(week_end, end))
        .where(col(Occurrence.end) > min(week_start, start))
    ).all()
    others = [Booked(row.start, row.end, f"{row.kind} {row.uid}") for row in rows]
    capacity = next(
        (c for c in settings.capacities() if c.facilitator == occurrence.facilitator_id),
        Capacity(occurrence.facilitator_id),
    )
    return broken_rules(start, end, calendar=calendar, capacity=capacity, others=others)


def cancel_occurrence(
    engine: Engine,
    uid: str,
    now: datetime,
    *,
    reason: str | None = None,
    in_transaction: OnChange | None = None,
    expected_sequence: int | None = None,
    actor: str = journal.CLI,
) -> OccurrenceChange:
    """Cancel the meeting `uid`; `reason` is shown to its private subscribers."""
    with session_scope(engine) as session:
        occurrence = _changeable(session, uid, now, "cancelled", expected_sequence)
        before = {"status": str(occurrence.status)}
        occurrence.status = OccurrenceStatus.CANCELLED
        occurrence.cancel_reason = " ".join((reason or "").split())[:400] or None
        journal.write(
            session,
            now,
            actor,
            "cancel",
            occurrence=occurrence,
            before=before,
            after={"status": str(occurrence.status), "cancel_reason": occurrence.cancel_reason},
        )
        return _record(session, occurrence, occurrence.start, now, in_transaction)


def _found(session: Session, uid: str) -> Occurrence:
    """The occurrence `uid`, its row locked until the commit (PostgreSQL; SQLite's writers
    queue already), so two saves of one meeting cannot both pass the SEQUENCE check."""
    occurrence = session.exec(
        select(Occurrence).where(col(Occurrence.uid) == uid.strip()).with_for_update()
    ).one_or_none()
    if occurrence is None:
        raise NotFoundError(f"no meeting with UID {uid!r}")
    return occurrence


def _check_sequence(occurrence: Occurrence, expected: int | None) -> None:
    if expected is not None and occurrence.sequence != expected:
        raise ConflictError(
            f"{occurrence.uid} was changed meanwhile (SEQUENCE {occurrence.sequence}, "
            f"not {expected}); nothing was changed"
        )


def _changeable(
    session: Session, uid: str, now: datetime, verb: str, expected_sequence: int | None = None
) -> Occurrence:
    """The occurrence `uid`, if it can still be changed (and was not changed since
    `expected_sequence`)."""
    occurrence = _found(session, uid)
    _check_sequence(occurrence, expected_sequence)
    if occurrence.status == OccurrenceStatus.CANCELLED:
        raise InputError(f"{uid} is cancelled; it cannot be {verb}")
    if occurrence.start <= now or occurrence.status == OccurrenceStatus.HELD:
        raise InputError(f"{uid} started on {occurrence.start.isoformat()}; it cannot be {verb}")
    return occurrence


def _record(
    session: Session,
    occurrence: Occurrence,
    previous_start: datetime,
    now: datetime,
    in_transaction: OnChange | None,
) -> OccurrenceChange:
    """Raise the SEQUENCE, stamp the change, and let the caller add to the transaction."""
    occurrence.sequence += 1
    occurrence.changed_at = now
    session.add(occurrence)
    session.flush()
    history.record(session, occurrence, now, history.Source.HAND)
    assert occurrence.id is not None
    wake.on_commit(session, "occurrence", [occurrence.id])
    if in_transaction is not None:
        in_transaction(session, occurrence)
    return OccurrenceChange(
        uid=occurrence.uid,
        kind=RitualKind(occurrence.kind),
        status=OccurrenceStatus(occurrence.status),
        sequence=occurrence.sequence,
        start=occurrence.start,
        end=occurrence.end,
        previous_start=previous_start,
    )
