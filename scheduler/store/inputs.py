"""What the plan and the export read, summarised for the daemon's fingerprints
(scheduler.daemon.inputs): the directory's rows, and a few aggregates of the meetings, the
answers and the feed tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, col

from scheduler.store.models import (
    Contact,
    Convention,
    FeedToken,
    Invitation,
    Occurrence,
    Organisation,
)


def directory_tables(session: Session) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The rows of the organisations, the contacts and the conventions, one table after the
    other, each in id order."""
    for model in (Organisation, Contact, Convention):
        table: Any = getattr(model, "__table__")  # noqa: B009 (SQLModel types hide it)
        yield (tuple(row) for row in session.execute(select(table).order_by(table.c.id)))


def meeting_summary(session: Session, *, detailed: bool) -> tuple[Any, ...]:
    """How many meetings, the highest id and the sum of SEQUENCE; when `detailed`, also the
    latest change and how many meetings are in each status."""
    summary = session.execute(
        select(
            func.count(col(Occurrence.id)),
            func.max(col(Occurrence.id)),
            func.coalesce(func.sum(col(Occurrence.sequence)), 0),
        )
    ).one()
    if not detailed:
        return tuple(summary)
    latest = session.execute(select(func.max(col(Occurrence.changed_at)))).scalar_one()
    statuses = session.execute(
        select(col(Occurrence.status), func.count(col(Occurrence.id)))
        .group_by(col(Occurrence.status))
        .order_by(col(Occurrence.status))
    ).all()
    return (*summary, str(latest), tuple(map(tuple, statuses)))


def answers_and_tokens(session: Session) -> tuple[Any, ...]:
    """How many invitations, the highest id and the latest answer; and every feed token."""
    invitations = session.execute(
        select(
            func.count(col(Invitation.id)),
            func.max(col(Invitation.id)),
            func.max(col(Invitation.responded_at)),
        )
    ).one()
    tokens = session.execute(select(FeedToken).order_by(col(FeedToken.id))).scalars().all()
    return (
        tuple(map(str, invitations)),
        tuple(repr(sorted(t.model_dump().items())) for t in tokens),
    )
