"""A meeting's editable details as they stand, for an edit that changes only some of them."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from scheduler.errors import NotFoundError
from scheduler.service.plan.occurrences import Details
from scheduler.store.db import read_session
from scheduler.store.meeting_details import details_by_uid


def meeting_details(engine: Engine, uid: str) -> Details:
    """The theme, description, own place and own video link of the meeting `uid`."""
    with read_session(engine) as session:
        found = details_by_uid(session, uid.strip())
    if found is None:
        raise NotFoundError(f"no meeting with UID {uid!r}")
    return Details(
        theme=found.theme,
        description=found.description,
        location=found.location,
        video_url=found.video_url,
    )
