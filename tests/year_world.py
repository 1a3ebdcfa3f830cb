"""A year of facts in a real database, for the report's tests: 2027 as seen on 15 December 2027.

- the buyers' club of 11 March (held): Élise Martin (Ville) accepted and came, Paul Durand
  (Ville) declined and stayed away, Julien Aubert (Métropole) never answered but came, Sophie
  Lemaire (France Travail) accepted and did not come;
- the after-work of 18 March, cancelled (Élise accepted, Julien tentative);
- the Ville's programming review of 14 September (held): Élise and Paul accepted and came;
- the after-work of 16 December, to come: Élise has not answered;
- the Ville renewed its convention on 1 January 2027 (150 000 € of participation); the
  Métropole's ends on 30 June 2028; a supplier and a partner are in the directory;
- results for the Ville in 2026 and 2027, imported from the monitoring tool's CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind
from scheduler.service.directory.results import import_results
from scheduler.store.db import session_scope
from scheduler.store.models import (
    Contact,
    Convention,
    Invitation,
    Occurrence,
    Organisation,
    Ritual,
)

NOW = datetime(2027, 12, 15, 10, 0, tzinfo=UTC)
A, D, T, N = PartStat.ACCEPTED, PartStat.DECLINED, PartStat.TENTATIVE, PartStat.NEEDS_ACTION
PEOPLE = {
    "elise.martin@ville-lisiere.example": ("Élise Martin", "ville-de-lisiere"),
    "paul.durand@ville-lisiere.example": ("Paul Durand", "ville-de-lisiere"),
    "julien.aubert@metropole-lisiere.example": ("Julien Aubert", "metropole-de-lisiere"),
    "lucie.bertrand@jardins-lisiere.example": ("Lucie Bertrand", "les-jardins-de-la-lisiere"),
    "sophie.lemaire@francetravail-lisiere.example": ("Sophie Lemaire", "france-travail-lisiere"),
}
ELISE, PAUL, JULIEN, LUCIE, SOPHIE = PEOPLE
RESULTS_CSV = (
    "Acheteur;Année;Marchés avec clause sociale;Heures d'insertion;Participants;Entreprises\r\n"
    "Ville de Lisière;2026;10;3 000;25;7\r\n"
    "ville-de-lisiere;2027;12;4 520,5;37;9\r\n"
).encode("cp1252")


@dataclass(frozen=True)
class YearWorld:
    """The settings and database of the year, and the UIDs of its meetings."""

    settings: Settings
    engine: Engine
    folder: Path
    uids: dict[str, str]


def build_year(settings: Settings, engine: Engine, folder: Path) -> YearWorld:
    """Store the year described above."""
    uids: dict[str, str] = {}
    with session_scope(engine) as session:
        orgs = {}
        for slug, name, role in (
            ("ville-de-lisiere", "Ville de Lisière", OrganisationRole.BUYER),
            ("metropole-de-lisiere", "Métropole de Lisière", OrganisationRole.BUYER),
            ("les-jardins-de-la-lisiere", "Les Jardins de la Lisière", OrganisationRole.SUPPLIER),
            ("france-travail-lisiere", "France Travail Lisière", OrganisationRole.PARTNER),
            ("hopital-discret", "Hôpital discret", OrganisationRole.BUYER),
        ):
            org = Organisation(slug=slug, name=name, role=role, kind="autre")
            session.add(org)
            session.flush()
            orgs[slug] = org.id
        contacts = {}
        for email, (name, slug) in PEOPLE.items():
            contact = Contact(organisation_id=orgs[slug], name=name, email=email)
            session.add(contact)
            session.flush()
            contacts[email] = contact.id
        ville, metropole = orgs["ville-de-lisiere"], orgs["metropole-de-lisiere"]
        session.add_all(
            [
                Convention(
                    organisation_id=ville, start_date=date(2024, 1, 1), end_date=date(2026, 12, 31)
                ),
                Convention(
                    organisation_id=ville,
                    start_date=date(2027, 1, 1),
                    end_date=date(2029, 12, 31),
                    financial_participation_cents=15_000_000,
                ),
                Convention(
                    organisation_id=metropole,
                    start_date=date(2024, 1, 1),
                    end_date=date(2028, 6, 30),
                ),
                Convention(
                    organisation_id=orgs["hopital-discret"],
                    start_date=date(2026, 1, 1),
                    end_date=date(2028, 12, 31),
                ),
            ]
        )
        rituals = {}
        for key, kind, organisation in (
            ("buyer_club", RitualKind.BUYER_CLUB, None),
            ("after_work", RitualKind.AFTER_WORK, None),
            ("programming_review/ville", RitualKind.PROGRAMMING_REVIEW, ville),
        ):
            ritual = Ritual(key=key, kind=kind, organisation_id=organisation)
            session.add(ritual)
            session.flush()
            rituals[key] = (ritual.id, kind, organisation)

        def meeting(
            name: str,
            ritual: str,
            start: datetime,
            status: OccurrenceStatus,
            *answers: tuple[str, PartStat, bool | None],
        ) -> None:
            ritual_id, kind, organisation = rituals[ritual]
            uid = f"{uuid_for(name)}@{settings.organisation.uid_domain}"
            uids[name] = uid
            occurrence = Occurrence(
                ritual_id=ritual_id,
                key=f"{ritual}:{name}",
                uid=uid,
                kind=kind,
                organisation_id=organisation,
                facilitator_id="camille",
                start=start,
                end=start + timedelta(hours=2),
                status=status,
                changed_at=start - timedelta(days=30),
            )
            session.add(occurrence)
            session.flush()
            for email, partstat, attended in answers:
                session.add(
                    Invitation(
                        occurrence_id=occurrence.id,
                        contact_id=contacts[email],
                        partstat=partstat,
                        attended=attended,
                    )
                )

        meeting(
            "club",
            "buyer_club",
            datetime(2027, 3, 11, 8, 30, tzinfo=UTC),
            OccurrenceStatus.HELD,
            (ELISE, A, True),
            (PAUL, D, False),
            (JULIEN, N, True),
            (SOPHIE, A, False),
        )
        meeting(
            "after-work-march",
            "after_work",
            datetime(2027, 3, 18, 17, 0, tzinfo=UTC),
            OccurrenceStatus.CANCELLED,
            (ELISE, A, None),
            (JULIEN, T, None),
        )
        meeting(
            "review",
            "programming_review/ville",
            datetime(2027, 9, 14, 8, 0, tzinfo=UTC),
            OccurrenceStatus.HELD,
            (ELISE, A, True),
            (PAUL, A, True),
        )
        meeting(
            "after-work-december",
            "after_work",
            datetime(2027, 12, 16, 17, 0, tzinfo=UTC),
            OccurrenceStatus.ANNOUNCED,
            (ELISE, N, None),
        )
    import_results(engine, RESULTS_CSV, file="resultats.csv", now=NOW)
    return YearWorld(settings, engine, folder, uids)


def uuid_for(name: str) -> str:
    """A UUID-shaped key for a test meeting, as real UIDs have."""
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name))
