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

from dataclasses import replace
from datetime import datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.calendar_rules import WorkingCalendar, local_datetime
from scheduler.core.kinds import OccurrenceStatus
from scheduler.core.placement import Booked, BrokenRule, broken_rules
from scheduler.core.values import Capacity
from scheduler.errors import ConflictError, InputError, NotFoundError, PlacementError
from scheduler.service.plan.changes import (
    DETAIL_LIMITS,
    Details,
    OccurrenceChange,
    OnChange,
    record,
)
from scheduler.service.plan.effective import effective_settings
from scheduler.service.plan.oneoff import ONE_OFF, NewMeeting, create_occurrence
from scheduler.store import journal, occurrences
from scheduler.store.db import read_session, session_scope
from scheduler.store.models import Occurrence

__all__ = [
    "DETAIL_LIMITS",
    "ONE_OFF",
    "Details",
    "NewMeeting",
    "OccurrenceChange",
    "OnChange",
    "cancel_occurrence",
    "create_occurrence",
    "current_details",
    "edit_occurrence",
    "move_occurrence",
    "restore_occurrence",
]
"""The one-off meeting (scheduler.service.plan.oneoff) and the values every change shares
(scheduler.service.plan.changes) are named here too, where the web and the CLI look for them."""


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
    return _relocate(
        engine,
        uid,
        to,
        now,
        settings=settings,
        force=force,
        in_transaction=in_transaction,
        expected_sequence=expected_sequence,
        actor=actor,
        restore=False,
    )


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
    return _relocate(
        engine,
        uid,
        to,
        now,
        settings=settings,
        force=force,
        in_transaction=in_transaction,
        expected_sequence=expected_sequence,
        actor=actor,
        restore=True,
    )


def _relocate(
    engine: Engine,
    uid: str,
    to: datetime,
    now: datetime,
    *,
    settings: Settings,
    force: bool,
    in_transaction: OnChange | None,
    expected_sequence: int | None,
    actor: str,
    restore: bool,
) -> OccurrenceChange:
    """Move the meeting `uid` (a cancelled one, when `restore`) to start at `to`, keeping its
    length, under the planning rules: what `move_occurrence` and `restore_occurrence` share."""
    if to.tzinfo is None:
        raise InputError("--to: the new start needs a time zone")
    verb, does = ("restored", "restores") if restore else ("moved", "moves")
    with session_scope(engine) as session:
        if restore:
            occurrence = _found(session, uid)
            _check_sequence(occurrence, expected_sequence)
            if occurrence.status != OccurrenceStatus.CANCELLED:
                raise InputError(f"{uid} is not cancelled; move it instead")
        else:
            occurrence = _changeable(session, uid, now, verb, expected_sequence)
        if to <= now:
            raise InputError(f"--to: {to.isoformat()} is in the past")
        if to == occurrence.start and not restore:
            raise InputError(f"{uid} already starts at {to.isoformat()}")
        length = occurrence.end - occurrence.start
        broken = _broken_by_move(session, settings, occurrence, to, to + length)
        if broken and not force:
            when = to.astimezone(WorkingCalendar(settings.calendar_rules()).tz)
            raise PlacementError(
                f"{uid} not {verb} to {when:%Y-%m-%d %H:%M}: "
                + "; ".join(map(str, broken))
                + f" (--force {does} it anyway)",
                broken,
            )
        previous = occurrence.start
        before: dict[str, str | None] = {
            "start": _instant(previous),
            "status": str(occurrence.status),
        }
        if restore:
            before["cancel_reason"] = occurrence.cancel_reason
            occurrence.cancel_reason = None
        occurrence.start = to
        occurrence.end = to + length
        occurrence.status = OccurrenceStatus.MOVED
        journal.write(
            session,
            now,
            actor,
            "restore" if restore else "forced_move" if broken else "move",
            occurrence=occurrence,
            before=before,
            after={"start": _instant(to), "status": str(occurrence.status)},
        )
        change = record(session, occurrence, previous, now, in_transaction)
        return replace(change, broken=broken)


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
        return record(session, occurrence, occurrence.start, now, in_transaction)


def _instant(moment: datetime) -> str:
    return moment.isoformat()


def current_details(engine: Engine, uid: str) -> Details:
    """What the meeting `uid` shows now of the details a facilitator may edit."""
    with read_session(engine) as session:
        occurrence = occurrences.by_uid(session, uid)
        if occurrence is None:
            raise NotFoundError(f"no meeting with UID {uid!r}")
        return Details(
            theme=occurrence.theme,
            description=occurrence.description,
            location=occurrence.location,
            video_url=occurrence.video_url,
        )


def _broken_by_move(
    session: Session, settings: Settings, occurrence: Occurrence, start: datetime, end: datetime
) -> tuple[BrokenRule, ...]:
    """The rules `occurrence` would break from `start` to `end`, given its facilitator's other
    meetings that week (cancelled ones left out), with the effective capacities."""
    settings = effective_settings(settings, session)
    calendar = WorkingCalendar(settings.calendar_rules())
    day = calendar.local_day(start)
    monday = day - timedelta(days=day.weekday())
    week_start = local_datetime(monday, time(0), calendar.tz)
    week_end = local_datetime(monday + timedelta(days=7), time(0), calendar.tz)
    rows = occurrences.overlapping(
        session,
        occurrence.facilitator_id,
        min(week_start, start),
        max(week_end, end),
        besides=occurrence.id,
    )
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
        return record(session, occurrence, occurrence.start, now, in_transaction)


def _found(session: Session, uid: str) -> Occurrence:
    """The occurrence `uid`, its row locked until the commit (PostgreSQL; SQLite's writers
    queue already), so two saves of one meeting cannot both pass the SEQUENCE check."""
    occurrence = occurrences.by_uid(session, uid, lock=True)
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
