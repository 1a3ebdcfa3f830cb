"""What a facilitator's weekly digest reads: their meetings ahead with the answers so far, their
meetings of the past week and whether attendance is recorded, the conventions ending, the buyers
whose last programming review is old, and the buyers for whom none of the dates offered suits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_
from sqlmodel import Session, col, func, select

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind
from scheduler.core.meeting import Meeting
from scheduler.store.meetings import MEETING_COLUMNS, buyer_names, meetings_of
from scheduler.store.models import (
    Contact,
    Convention,
    Invitation,
    Occurrence,
    Organisation,
    Proposal,
)

ACTIVE = "active"


def meetings_starting(
    session: Session, facilitator_id: str, since: datetime, until: datetime
) -> list[Meeting]:
    """The meetings of `facilitator_id` starting from `since` to before `until`, not
    cancelled, by start."""
    rows = session.exec(
        select(*MEETING_COLUMNS)
        .where(col(Occurrence.facilitator_id) == facilitator_id)
        .where(col(Occurrence.start) >= since)
        .where(col(Occurrence.start) < until)
        .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
        .order_by(col(Occurrence.start))
    ).all()
    return meetings_of(session, rows)


def meetings_ended(
    session: Session, facilitator_id: str, since: datetime, until: datetime
) -> list[Meeting]:
    """The meetings of `facilitator_id` that ended after `since` and by `until`, not
    cancelled, by start."""
    rows = session.exec(
        select(*MEETING_COLUMNS)
        .where(col(Occurrence.facilitator_id) == facilitator_id)
        .where(col(Occurrence.end) > since)
        .where(col(Occurrence.end) <= until)
        .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
        .order_by(col(Occurrence.start), col(Occurrence.id))
    ).all()
    return meetings_of(session, rows)


def answer_counts(
    session: Session, occurrence_ids: Sequence[int]
) -> dict[int, dict[PartStat, int]]:
    """How many invitees of each meeting answered what."""
    counts: dict[int, dict[PartStat, int]] = {i: {} for i in occurrence_ids}
    if not occurrence_ids:
        return counts
    rows = session.exec(
        select(Invitation.occurrence_id, Invitation.partstat, func.count())
        .where(col(Invitation.occurrence_id).in_(list(occurrence_ids)))
        .group_by(col(Invitation.occurrence_id), col(Invitation.partstat))
    ).all()
    for occurrence_id, partstat, count in rows:
        counts[occurrence_id][PartStat(partstat)] = count
    return counts


def attendance_recorded(session: Session, occurrence_ids: Sequence[int]) -> set[int]:
    """The meetings among `occurrence_ids` with some attendance recorded."""
    if not occurrence_ids:
        return set()
    found = session.exec(
        select(Invitation.occurrence_id)
        .where(col(Invitation.occurrence_id).in_(list(occurrence_ids)))
        .where(col(Invitation.attended).is_not(None))
        .distinct()
    )
    return set(found)


def conventions_ending(
    session: Session, facilitator_id: str, first: date, last: date
) -> list[tuple[str, date, date]]:
    """The active conventions of the facilitator's buyers ending from `first` to `last`: (the
    buyer's name, start, end), the soonest first."""
    rows = session.exec(
        select(col(Organisation.name), col(Convention.start_date), col(Convention.end_date))
        .join(Organisation, col(Organisation.id) == col(Convention.organisation_id))
        .where(col(Organisation.facilitator_id) == facilitator_id)
        .where(col(Convention.status) == ACTIVE)
        .where(col(Convention.end_date) >= first)
        .where(col(Convention.end_date) <= last)
        .order_by(col(Convention.end_date))
    ).all()
    return [(name, start, end) for name, start, end in rows]


def last_reviews(
    session: Session, facilitator_id: str, now: datetime
) -> list[tuple[str, datetime | None]]:
    """The facilitator's buyers, by name, each with the start of its last programming review
    that took place (held, or announced and over: a meeting still `planned` was never
    announced, so nobody came) before `now`, None when none did."""
    took_place = or_(
        col(Occurrence.status) == OccurrenceStatus.HELD,
        and_(
            col(Occurrence.status).in_([OccurrenceStatus.ANNOUNCED, OccurrenceStatus.MOVED]),
            col(Occurrence.end) <= now,
        ),
    )
    last_review = (
        select(Occurrence.organisation_id, func.max(Occurrence.start).label("last"))
        .where(col(Occurrence.kind) == RitualKind.PROGRAMMING_REVIEW.value)
        .where(col(Occurrence.start) <= now)
        .where(took_place)
        .group_by(col(Occurrence.organisation_id))
        .subquery()
    )
    rows = session.exec(
        select(Organisation.name, last_review.c.last)
        .outerjoin(last_review, last_review.c.organisation_id == col(Organisation.id))
        .where(col(Organisation.role) == OrganisationRole.BUYER)
        .where(col(Organisation.facilitator_id) == facilitator_id)
        .order_by(col(Organisation.name))
    ).all()
    return [(name, last) for name, last in rows]


def names_by_slug(session: Session, slugs: Iterable[str]) -> dict[str, str]:
    """The names of the organisations whose slugs are `slugs`."""
    wanted = sorted(set(slugs))
    if not wanted:
        return {}
    return dict(
        session.exec(
            select(Organisation.slug, Organisation.name).where(col(Organisation.slug).in_(wanted))
        ).all()
    )


@dataclass(frozen=True, slots=True)
class NoneSuitsRow:
    """An open proposal a buyer answered that none of its dates suits."""

    buyer: str | None
    kind: RitualKind
    contact: str
    message: str
    at: datetime
    deadline: datetime


def none_suits(session: Session, facilitator_id: str, open_state: str) -> list[NoneSuitsRow]:
    """The proposals in `open_state` of the facilitator's meetings for which a contact wrote
    that none of the dates suits, the nearest deadline first."""
    rows = session.exec(
        select(Proposal, Occurrence, Contact)
        .join(Occurrence, col(Occurrence.id) == col(Proposal.occurrence_id))
        .join(Contact, col(Contact.id) == col(Proposal.none_suits_by))
        .where(col(Proposal.state) == open_state)
        .where(col(Occurrence.facilitator_id) == facilitator_id)
        .order_by(col(Proposal.deadline))
    ).all()
    names = buyer_names(session, (occurrence.organisation_id for _, occurrence, _ in rows))
    return [
        NoneSuitsRow(
            buyer=names.get(occurrence.organisation_id) if occurrence.organisation_id else None,
            kind=RitualKind(occurrence.kind),
            contact=contact.name,
            message=proposal.none_suits_message or "",
            at=proposal.none_suits_at or proposal.created_at,
            deadline=proposal.deadline,
        )
        for proposal, occurrence, contact in rows
    ]
