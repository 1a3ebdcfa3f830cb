"""Read model of the year report: the stored facts the year's figures are computed from.

One question, `year_facts(session, since, until)`: the meetings that start in [since, until)
with their invitations (each with its invitee's organisation), every organisation and
convention, and the imported results of the years those instants span. Values only, no rows,
so the figures (scheduler.core.figures) stay a pure function.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from scheduler.core.figures import (
    ConventionFact,
    Facts,
    InvitationFact,
    MeetingFact,
    Party,
    ResultFact,
)
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind
from scheduler.store.models import (
    Contact,
    Convention,
    Invitation,
    Occurrence,
    Organisation,
    WalkIn,
    YearResult,
)


def year_facts(session: Session, since: datetime, until: datetime) -> Facts:
    """The facts of the meetings starting in [since, until), with the whole directory's
    organisations and conventions and the results of the years from `since` to `until`."""
    in_span = (col(Occurrence.start) >= since, col(Occurrence.start) < until)
    invitations: dict[int, list[InvitationFact]] = defaultdict(list)
    rows = session.execute(
        select(
            col(Invitation.occurrence_id),
            col(Invitation.contact_id),
            col(Contact.organisation_id),
            col(Invitation.partstat),
            col(Invitation.attended),
        )
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(*in_span)
        .order_by(col(Invitation.occurrence_id), col(Invitation.contact_id))
    )
    for occurrence_id, contact_id, organisation_id, partstat, attended in rows:
        invitations[occurrence_id].append(
            InvitationFact(contact_id, organisation_id, PartStat(partstat), attended)
        )
    walkers: dict[int, int] = {}
    for occurrence_id, count in session.execute(
        select(col(WalkIn.occurrence_id), func.count())
        .join(Occurrence, col(Occurrence.id) == col(WalkIn.occurrence_id))
        .where(*in_span)
        .group_by(col(WalkIn.occurrence_id))
    ):
        walkers[occurrence_id] = count
    meetings = tuple(
        MeetingFact(
            uid=row.uid,
            kind=RitualKind(row.kind),
            buyer=row.organisation_id,
            start=row.start,
            status=OccurrenceStatus(row.status),
            invitations=tuple(invitations.get(row.id, ())),
            walk_ins=_walk_ins(walkers.get(row.id, 0), row.headcount, invitations.get(row.id, ())),
        )
        for row in session.execute(
            select(
                col(Occurrence.id),
                col(Occurrence.uid),
                col(Occurrence.kind),
                col(Occurrence.organisation_id),
                col(Occurrence.start),
                col(Occurrence.status),
                col(Occurrence.headcount),
            )
            .where(*in_span)
            .order_by(col(Occurrence.start), col(Occurrence.uid))
        )
    )
    organisations = tuple(
        Party(row.id, row.name, OrganisationRole(row.role))
        for row in session.execute(
            select(col(Organisation.id), col(Organisation.name), col(Organisation.role)).order_by(
                col(Organisation.id)
            )
        )
    )
    conventions = tuple(
        ConventionFact(row.organisation_id, row.start_date, row.end_date, row.cents)
        for row in session.execute(
            select(
                col(Convention.organisation_id),
                col(Convention.start_date),
                col(Convention.end_date),
                col(Convention.financial_participation_cents).label("cents"),
            ).order_by(col(Convention.organisation_id), col(Convention.start_date))
        )
    )
    results = tuple(
        ResultFact(
            r.organisation_id, r.year, r.contracts, r.insertion_hours, r.participants, r.companies
        )
        for r in session.execute(
            select(YearResult)
            .where(col(YearResult.year) >= since.year, col(YearResult.year) <= until.year)
            .order_by(col(YearResult.organisation_id), col(YearResult.year))
        ).scalars()
    )
    return Facts(organisations, meetings, conventions, results)


def public_buyers(session: Session, first_day: date, last_day: date) -> frozenset[int]:
    """The buyers that made their commitment public on a convention in force between
    `first_day` and `last_day`."""
    return frozenset(
        session.execute(
            select(col(Convention.organisation_id)).where(
                col(Convention.public).is_(True),
                col(Convention.start_date) <= last_day,
                col(Convention.end_date) >= first_day,
            )
        ).scalars()
    )


def _walk_ins(named: int, headcount: int | None, invitations: Iterable[InvitationFact]) -> int:
    """People present who were not invited: those named, or, when the people were counted,
    the headcount less the invitees present (never fewer than those named)."""
    if headcount is None:
        return named
    present = sum(1 for invitation in invitations if invitation.attended)
    return max(named, headcount - present)
