"""The details a facilitator may edit on one meeting, as stored: its theme, description, and its
own place and video link (None: the ritual's)."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session, col

from scheduler.store.models import Occurrence


class StoredDetails(NamedTuple):
    """One meeting's editable details."""

    theme: str | None
    description: str | None
    location: str | None
    video_url: str | None


def details_by_uid(session: Session, uid: str) -> StoredDetails | None:
    """The details of the meeting `uid`; None when there is no such meeting."""
    row = session.execute(
        select(
            col(Occurrence.theme),
            col(Occurrence.description),
            col(Occurrence.location),
            col(Occurrence.video_url),
        ).where(col(Occurrence.uid) == uid)
    ).first()
    return StoredDetails(*row) if row is not None else None
