"""What is planned: the agenda the operator reads, filtered by buyer, kind and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.errors import NotFoundError
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.event_views import ritual_title
from scheduler.store import directory
from scheduler.store.agenda import agenda_rows
from scheduler.store.db import read_session


@dataclass(frozen=True)
class AgendaEntry:
    """One meeting as the agenda shows it."""

    uid: str
    kind: RitualKind
    buyer: str | None
    """The buyer's slug (what `--buyer` takes), None for a territory meeting."""
    title: str
    start: datetime
    end: datetime
    status: OccurrenceStatus
    facilitator: str
    sequence: int
    buyer_name: str | None = None
    """The buyer's name, as the table shows it."""

    def as_json(self) -> dict[str, Any]:
        """The JSON object `rituel agenda --json` prints."""
        return {
            "uid": self.uid,
            "kind": self.kind.value,
            "buyer": self.buyer,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "status": self.status.value,
            "facilitator": self.facilitator,
            "sequence": self.sequence,
        }


def occurrence_title(settings: Settings, kind: RitualKind, theme: str | None, locale: str) -> str:
    """The title the agenda shows: the ritual's title in `locale`, and the theme if any (the
    buyer has its own column); a meeting of another kind, the title typed for it."""
    if kind is RitualKind.OTHER and theme:
        return theme
    title = ritual_title(settings, kind, locale)
    return f"{title} — {theme}" if theme else title


def agenda(
    settings: Settings,
    engine: Engine,
    *,
    start: datetime,
    end: datetime,
    buyer: str | None = None,
    kind: RitualKind | None = None,
    locale: str = "fr",
) -> list[AgendaEntry]:
    """Meetings starting in [start, end), in order, times in the guichet's time zone."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(settings.organisation.timezone)
    with read_session(engine) as session:
        settings = effective_settings(settings, session)
        org_id = None
        if buyer is not None:
            org_id = directory.organisation_id(session, buyer)
            if org_id is None:
                raise NotFoundError(f"no buyer with the slug {buyer!r} (see `rituel buyers list`)")
        rows = agenda_rows(session, start, end, organisation_id=org_id, kind=kind)
    return [
        AgendaEntry(
            uid=occ.uid,
            kind=RitualKind(occ.kind),
            buyer=slug,
            title=occurrence_title(settings, RitualKind(occ.kind), occ.theme, locale),
            start=occ.start.astimezone(zone),
            end=occ.end.astimezone(zone),
            status=OccurrenceStatus(occ.status),
            facilitator=occ.facilitator_id,
            sequence=occ.sequence,
            buyer_name=name,
        )
        for occ, slug, name in rows
    ]
