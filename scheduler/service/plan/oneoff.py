"""Adding a one-off meeting by hand: a ritual kind, a date, a facilitator and the invitees
chosen from the directory. The planner neither moves nor cancels it (its key starts with
`ONE_OFF`), and its invitation mails are queued like any meeting's (`in_transaction`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.values import occurrence_uid
from scheduler.errors import InputError
from scheduler.service.plan.changes import Details, OccurrenceChange, OnChange
from scheduler.service.plan.effective import effective, effective_settings
from scheduler.store import directory, history, journal, rituals
from scheduler.store.db import session_scope
from scheduler.store.models import Invitation, Occurrence, Ritual

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
    if meeting.kind is RitualKind.OTHER and not (meeting.details.theme or "").strip():
        problems.append("theme: a meeting of another kind needs a title")
    if effective(settings, engine).facilitator(meeting.facilitator_id) is None:
        problems.append(f"facilitator: unknown {meeting.facilitator_id!r}")
    if problems:
        raise InputError("meeting not added: " + "; ".join(problems), problems)
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        organisation_id = None
        if meeting.buyer_slug:
            organisation_id = directory.organisation_id(session, meeting.buyer_slug)
            if organisation_id is None:
                raise InputError(f"no organisation {meeting.buyer_slug!r}", ["buyer"])
        wanted = [email.strip().lower() for email in meeting.invitees if email.strip()]
        contacts = directory.contacts_by_email(session, wanted)
        unknown = [email for email in wanted if email not in contacts]
        if unknown:
            raise InputError(
                "not in the directory: " + ", ".join(unknown),
                [f"invitees: {email}" for email in unknown],
            )
        ritual_key = f"{ONE_OFF}{meeting.kind.value}:{meeting.buyer_slug or 'territory'}"
        ritual = rituals.by_key(session, ritual_key)
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
                "start": occurrence.start.isoformat(),
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
