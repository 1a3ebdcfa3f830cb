"""Small factories for calendar and feed tests: real rows in a SQLite file (or PostgreSQL)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind
from scheduler.core.values import occurrence_uid
from scheduler.store.db import session_scope
from scheduler.store.models import Contact, Invitation, Occurrence, Organisation, Ritual
from tests.factories import settings_in

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
CHANGED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)

RITUALS = """
[rituals.after_work]
themes = ["Le sourcing inclusif", "Les marchés réservés"]
location = "Le Comptoir solidaire, 4 quai des Mariniers"
alarm_minutes_before = 30

[rituals.steering_committee]
location = "Hôtel de la Métropole, salle du conseil"

[rituals.internal_awareness]
video_url = "https://visio.guichet.example/sensibilisation"

[rituals.programming_review]
location = "Dans les locaux de l'acheteur"
"""


@dataclass
class World:
    """A guichet with its settings and database, and helpers to add rows."""

    settings: Settings
    engine: Engine
    folder: Path
    _counter: int = field(default=0)

    @property
    def calendars(self) -> Path:
        """Where feeds are exported."""
        return self.settings.resolve(self.settings.feeds.dir)

    def buyer(self, slug: str, name: str, *, facilitator: str = "camille") -> int:
        """A buyer organisation; returns its id."""
        return self._organisation(slug, name, OrganisationRole.BUYER, facilitator)

    def partner(self, slug: str, name: str) -> int:
        """A partner organisation; returns its id."""
        return self._organisation(slug, name, OrganisationRole.PARTNER, None)

    def contact(
        self, organisation_id: int | None, email: str, name: str, *, locale: str = "fr"
    ) -> int:
        """A person of an organisation (or of the guichet); returns its id."""
        with session_scope(self.engine) as session:
            row = Contact(organisation_id=organisation_id, name=name, email=email, locale=locale)
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def occurrence(
        self,
        kind: RitualKind,
        start: datetime,
        *,
        buyer: int | None = None,
        facilitator: str = "camille",
        theme: str | None = None,
        hours: float = 2,
        status: OccurrenceStatus = OccurrenceStatus.ANNOUNCED,
        sequence: int = 0,
        changed_at: datetime = CHANGED,
        cancel_reason: str | None = None,
    ) -> Occurrence:
        """A dated meeting (and its series, when new)."""
        self._counter += 1
        key = f"{kind.value}:{buyer or 'territory'}:{start.isoformat()}:{self._counter}"
        with session_scope(self.engine) as session:
            ritual_id = self._ritual(session, kind, buyer)
            row = Occurrence(
                ritual_id=ritual_id,
                key=key,
                uid=occurrence_uid(key, self.settings.organisation.uid_domain),
                kind=kind.value,
                organisation_id=buyer,
                facilitator_id=facilitator,
                theme=theme,
                start=start,
                end=start + timedelta(hours=hours),
                status=status,
                sequence=sequence,
                changed_at=changed_at,
                cancel_reason=cancel_reason,
            )
            session.add(row)
            session.flush()
            return row

    def invite(
        self, occurrence: Occurrence, contact_id: int, partstat: PartStat = PartStat.NEEDS_ACTION
    ) -> None:
        """Invite a contact to a meeting."""
        assert occurrence.id is not None
        with session_scope(self.engine) as session:
            session.add(
                Invitation(occurrence_id=occurrence.id, contact_id=contact_id, partstat=partstat)
            )

    def stored(self, uid: str) -> Occurrence:
        """The occurrence with this UID, as stored now."""
        with session_scope(self.engine) as session:
            row = session.execute(select(Occurrence).where(col(Occurrence.uid) == uid)).scalar_one()
            assert isinstance(row, Occurrence)
            return row

    def _organisation(
        self, slug: str, name: str, role: OrganisationRole, facilitator: str | None
    ) -> int:
        with session_scope(self.engine) as session:
            row = Organisation(slug=slug, name=name, role=role, facilitator_id=facilitator)
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def _ritual(self, session: Session, kind: RitualKind, buyer: int | None) -> int:
        key = f"{kind.value}:{buyer or 'territory'}"
        found = session.execute(select(col(Ritual.id)).where(col(Ritual.key) == key)).scalar()
        if found is not None:
            return int(found)
        ritual = Ritual(key=key, kind=kind.value, organisation_id=buyer)
        session.add(ritual)
        session.flush()
        assert ritual.id is not None
        return ritual.id


def make_world(
    folder: Path,
    extra: str = "",
    *,
    url: str = "sqlite:///rituel.db",
    review_booking: str | None = None,
) -> World:
    """A guichet (facilitators camille and nadia) on a fresh migrated database in `folder`;
    `review_booking` ("impose" or "choose") overrides the programming review's default."""
    rituals = RITUALS
    if review_booking is not None:
        table = "[rituals.programming_review]\n"
        rituals = rituals.replace(table, f'{table}booking = "{review_booking}"\n')
    settings, engine = settings_in(folder, rituals + extra, url=url)
    return World(settings, engine, folder)


def at(text: str) -> datetime:
    """A local Paris time written '2027-03-18 10:00', as an aware UTC instant."""
    from zoneinfo import ZoneInfo

    local = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Paris"))
    return local.astimezone(UTC)


def unfolded(ics: bytes | str) -> str:
    """iCalendar text with folded lines joined and text escapes undone, for searching."""
    text = ics.decode("utf-8") if isinstance(ics, bytes) else ics
    text = text.replace("\r\n ", "").replace("\r\n\t", "")
    return re.sub(r"\\([,;\\])", r"\1", text).replace("\\n", "\n").replace("\\N", "\n")


def properties(ics: bytes | str, name: str) -> list[str]:
    """Every content line of property `name` (unfolded, parameters included), outside
    VTIMEZONE blocks."""
    found = []
    in_zone = False
    for line in unfolded(ics).split("\r\n"):
        if line == "BEGIN:VTIMEZONE":
            in_zone = True
        elif line == "END:VTIMEZONE":
            in_zone = False
        elif not in_zone and re.match(rf"{name}[;:]", line):
            found.append(line)
    return found
