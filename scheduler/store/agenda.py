"""Read model of the operator's agenda (`rituel agenda`): the meetings starting in a span, each
with its buyer's slug and name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from scheduler.core.kinds import RitualKind
from scheduler.store.models import Occurrence, Organisation


def agenda_rows(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    organisation_id: int | None = None,
    kind: RitualKind | None = None,
) -> list[tuple[Occurrence, str | None, str | None]]:
    """The meetings starting in [start, end) (only the organisation's, only of `kind`, when
    given), in order, each with its buyer's slug and name (None for the territory's)."""
    query = (
        select(Occurrence, col(Organisation.slug), col(Organisation.name))
        .outerjoin(Organisation, col(Organisation.id) == col(Occurrence.organisation_id))
        .where(col(Occurrence.start) >= start, col(Occurrence.start) < end)
        .order_by(col(Occurrence.start), col(Occurrence.key))
    )
    if organisation_id is not None:
        query = query.where(col(Occurrence.organisation_id) == organisation_id)
    if kind is not None:
        query = query.where(col(Occurrence.kind) == kind.value)
    return [(occurrence, slug, name) for occurrence, slug, name in session.execute(query)]
