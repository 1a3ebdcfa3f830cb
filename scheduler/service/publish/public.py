"""What anyone may see: the territory's public agenda (/territoire), one meeting of it as an
`.ics` file to add to a calendar, and the buyers that made their commitment public
(/engagements); and the facilitator's switch that makes a buyer's commitment public or not.

Confidentiality first: a convention is not public unless the buyer chose so (`rituel buyers
publish`), and a new convention starts confidential again. Nothing here shows a person: the
agenda is built from PUBLIC event views (no attendee, no organizer, no address, no video link,
no cancellation reason).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from scheduler.calendar import FeedInfo, render_feed
from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus
from scheduler.errors import InputError, NotFoundError
from scheduler.i18n import format_day, format_time
from scheduler.imports.values import parse_text
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.event_views import Visibility, event_view, meeting_title
from scheduler.store.db import read_session, session_scope
from scheduler.store.public import (
    Commitment,
    buyer_by_slug,
    conventions_of,
    public_commitments,
    territory_meeting,
    territory_meetings,
)

AGENDA_DAYS = 366
"""How far ahead the public agenda looks."""
PUBLIC_TEXT_LIMIT = 400
_EVENT_KEY = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True, slots=True)
class AgendaEntry:
    """One meeting of the public agenda, in French."""

    key: str
    """The part of its UID before the '@': the name of its .ics file."""
    title: str
    day: str
    hours: str
    place: str
    cancelled: bool
    moved: bool


def public_agenda(settings: Settings, engine: Engine, now: datetime) -> list[AgendaEntry]:
    """The territory's meetings not yet over, for the coming year."""
    zone = ZoneInfo(settings.organisation.timezone)
    with read_session(engine) as session:
        settings = effective_settings(settings, session)
        meetings = territory_meetings(session, now, now + timedelta(days=AGENDA_DAYS))
    entries = []
    for meeting in meetings:
        view = event_view(settings, meeting, locale="fr", visibility=Visibility.PUBLIC)
        timezone = settings.organisation.timezone
        start, end = (
            format_time(meeting.start, "fr", timezone),
            format_time(meeting.end, "fr", timezone),
        )
        entries.append(
            AgendaEntry(
                key=meeting.uid.split("@", 1)[0],
                title=meeting_title(settings, meeting, "fr"),
                day=format_day(meeting.start.astimezone(zone).date(), "fr"),
                hours=f"de {start} à {end}",
                place=view.location,
                cancelled=meeting.status is OccurrenceStatus.CANCELLED,
                moved=meeting.status is OccurrenceStatus.MOVED,
            )
        )
    return entries


def meeting_ics(settings: Settings, engine: Engine, key: str) -> bytes | None:
    """One territory meeting as a calendar file holding that event; None when `key` names no
    territory meeting."""
    if not _EVENT_KEY.fullmatch(key):
        return None
    with read_session(engine) as session:
        settings = effective_settings(settings, session)
        meeting = territory_meeting(session, f"{key}@{settings.organisation.uid_domain}")
    if meeting is None:
        return None
    view = event_view(settings, meeting, locale="fr", visibility=Visibility.PUBLIC)
    info = FeedInfo(
        name=settings.organisation.name,
        timezone=settings.organisation.timezone,
        description=settings.organisation.name,
    )
    return render_feed(info, [view])


def commitments(engine: Engine, today: date) -> list[Commitment]:
    """The buyers whose commitment is public today."""
    with read_session(engine) as session:
        return public_commitments(session, today)


def publish(
    engine: Engine, slug: str, now: datetime, timezone: str, text: str | None = None
) -> Commitment:
    """Make public the commitment of buyer `slug`: its convention in force today, with `text`."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    shown = _public_text(text)
    with session_scope(engine) as session:
        buyer = buyer_by_slug(session, slug)
        if buyer is None or buyer.id is None:
            raise NotFoundError(f"no buyer with slug {slug!r}")
        conventions = conventions_of(session, buyer.id)
        current = [c for c in conventions if c.start_date <= today <= c.end_date]
        if not current:
            raise InputError(
                f"{slug} has no convention in force on {today.isoformat()}; "
                "only a partner's commitment can be made public"
            )
        current[-1].public = True
        current[-1].public_text = shown
        return Commitment(buyer.slug, buyer.name, conventions[0].start_date, shown)


def unpublish(engine: Engine, slug: str) -> str:
    """Make every convention of buyer `slug` confidential again; its name."""
    with session_scope(engine) as session:
        buyer = buyer_by_slug(session, slug)
        if buyer is None or buyer.id is None:
            raise NotFoundError(f"no buyer with slug {slug!r}")
        for convention in conventions_of(session, buyer.id):
            convention.public = False
        return buyer.name


def _public_text(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    try:
        return parse_text(text, PUBLIC_TEXT_LIMIT)
    except ValueError as exc:
        raise InputError(f"--text: {exc}") from None
