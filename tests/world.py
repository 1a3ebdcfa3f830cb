"""One world for tests: a guichet's settings and a real database (a SQLite file, or PostgreSQL),
with helpers that add rows, and the four places tests start from.

- `make_world(folder)`: an empty guichet (facilitators camille and nadia) whose rituals have
  places and video links; tests add what they need (`NOW`: 25 November 2026).
- `meeting_world(settings, engine)`: one buyer with its convention and contact, one announced
  programming review on 14 September 2027 (or a territory meeting) the contact is invited to,
  and what outbox tests write about it (`MEETING_NOW`: 1 September 2027).
- `year_world(settings, engine, folder)`: 2027 as the year report sees it (`YEAR_NOW`).
- `demo_world(folder)`: the demo territory imported, planned and run once (`DEMO_NOW`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from scheduler.cli import main
from scheduler.clock import parse_instant
from scheduler.config import Settings, load_settings
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind, Scope
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import MessageIntent, message_key
from scheduler.core.values import occurrence_uid
from scheduler.service.directory.results import import_results
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import (
    Contact,
    Convention,
    Invitation,
    Message,
    Occurrence,
    Organisation,
    Ritual,
)
from scheduler.store.outbox import enqueue
from tests.factories import settings_in

REPO = Path(__file__).resolve().parents[1]
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


def at(text: str) -> datetime:
    """A local Paris time written '2027-03-18 10:00', as an aware UTC instant."""
    local = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Europe/Paris"))
    return local.astimezone(UTC)


@dataclass
class World:
    """A guichet with its settings and database, and helpers to add rows."""

    settings: Settings
    engine: Engine
    folder: Path
    uids: dict[str, str] = field(default_factory=dict)
    """The meetings a scenario names (`year_world`), by name."""
    _counter: int = field(default=0)

    @classmethod
    def on(cls, settings: Settings, engine: Engine) -> World:
        """The world of these settings, in their configuration's folder."""
        return cls(settings, engine, settings.base_dir)

    @property
    def calendars(self) -> Path:
        """Where feeds are exported."""
        return self.settings.resolve(self.settings.feeds.dir)

    @property
    def outbox(self) -> Path:
        """Where the file transport writes mails."""
        return self.settings.resolve(self.settings.mail.outbox_dir)

    def organisation(
        self,
        slug: str,
        name: str,
        role: OrganisationRole,
        *,
        facilitator: str | None = None,
        kind: str | None = None,
        programming_month: int | None = None,
    ) -> int:
        """An organisation of the directory; returns its id."""
        with session_scope(self.engine) as session:
            row = Organisation(
                slug=slug,
                name=name,
                role=role,
                facilitator_id=facilitator,
                programming_month=programming_month,
            )
            if kind is not None:
                row.kind = kind
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def buyer(self, slug: str, name: str, *, facilitator: str = "camille") -> int:
        """A buyer organisation; returns its id."""
        return self.organisation(slug, name, OrganisationRole.BUYER, facilitator=facilitator)

    def partner(self, slug: str, name: str) -> int:
        """A partner organisation; returns its id."""
        return self.organisation(slug, name, OrganisationRole.PARTNER)

    def convention(
        self,
        organisation_id: int,
        start: date,
        end: date,
        *,
        participation_cents: int | None = None,
    ) -> int:
        """A partnership convention of a buyer; returns its id."""
        with session_scope(self.engine) as session:
            row = Convention(
                organisation_id=organisation_id,
                start_date=start,
                end_date=end,
                financial_participation_cents=participation_cents,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

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
        series: str | None = None,
        key: str | None = None,
        uid: str | None = None,
    ) -> Occurrence:
        """A dated meeting, and its series (by default `kind:buyer id`) when new; its key and
        UID are made unique unless given."""
        self._counter += 1
        series = series or f"{kind.value}:{buyer or 'territory'}"
        key = key or f"{kind.value}:{buyer or 'territory'}:{start.isoformat()}:{self._counter}"
        with session_scope(self.engine) as session:
            row = Occurrence(
                ritual_id=self._ritual(session, series, kind, buyer),
                key=key,
                uid=uid or occurrence_uid(key, self.settings.organisation.uid_domain),
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
        self,
        occurrence: Occurrence,
        contact_id: int,
        partstat: PartStat = PartStat.NEEDS_ACTION,
        *,
        attended: bool | None = None,
    ) -> int:
        """Invite a contact to a meeting; returns the invitation's id."""
        assert occurrence.id is not None
        with session_scope(self.engine) as session:
            row = Invitation(
                occurrence_id=occurrence.id,
                contact_id=contact_id,
                partstat=partstat,
                attended=attended,
            )
            session.add(row)
            session.flush()
            assert row.id is not None
            return row.id

    def stored(self, uid: str) -> Occurrence:
        """The occurrence with this UID, as stored now."""
        with session_scope(self.engine) as session:
            row = session.execute(select(Occurrence).where(col(Occurrence.uid) == uid)).scalar_one()
            assert isinstance(row, Occurrence)
            return row

    def messages(self) -> list[Message]:
        """The outbox, in the order rows were written."""
        with session_scope(self.engine) as session:
            return list(session.execute(select(Message).order_by(col(Message.id))).scalars())

    def _ritual(self, session: Session, key: str, kind: RitualKind, buyer: int | None) -> int:
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
        assert table in rituals
        rituals = rituals.replace(table, f'{table}booking = "{review_booking}"\n')
    settings, engine = settings_in(folder, rituals + extra, url=url)
    return World(settings, engine, folder)


# --- one meeting, for the outbox ------------------------------------------------------------------

MEETING_NOW = datetime(2027, 9, 1, 8, 0, tzinfo=UTC)
MEETING = datetime(2027, 9, 14, 8, 0, tzinfo=UTC)
CONTACT = "elise.martin@ville-lisiere.example"


@dataclass
class MeetingWorld(World):
    """A world of one meeting: the ids of what the messages speak of, and helpers to write
    them."""

    buyer_id: int = 0
    contact_id: int = 0
    occurrence_id: int = 0

    def intent(
        self,
        kind: MessageKind = MessageKind.INVITE,
        *,
        due_at: datetime = MEETING_NOW,
        sequence: int = 0,
        offset_days: int | None = None,
        recipient: str = CONTACT,
    ) -> MessageIntent:
        """What the message policy would ask for the meeting."""
        detail = f"s{sequence}-{offset_days}d" if offset_days is not None else f"s{sequence}"
        return MessageIntent(
            kind=kind,
            key=message_key(kind, f"occ:{self.occurrence_id}", recipient, detail),
            recipient=recipient,
            recipient_name="Élise Martin",
            due_at=due_at,
            occurrence_id=self.occurrence_id,
            contact_id=self.contact_id,
            sequence=sequence,
            offset_days=offset_days,
        )

    def enqueue(self, *intents: MessageIntent, now: datetime = MEETING_NOW) -> int:
        """Write `intents` into the outbox; how many rows were added."""
        with session_scope(self.engine) as session:
            return enqueue(session, intents, now, "guichet.example")

    def change_occurrence(self, **values: object) -> None:
        """Set columns of the meeting's row."""
        with session_scope(self.engine) as session:
            occurrence = session.get(Occurrence, self.occurrence_id)
            assert occurrence is not None
            for name, value in values.items():
                setattr(occurrence, name, value)
            session.add(occurrence)


def meeting_world(
    settings: Settings, engine: Engine, kind: RitualKind = RitualKind.PROGRAMMING_REVIEW
) -> MeetingWorld:
    """The Ville de Lisière (a convention from 2026 to 2029), its contact Élise Martin, and an
    announced programming review on 14 September 2027 at 10:00 (or a meeting of the territory
    ritual `kind`), the contact invited."""
    world = World.on(settings, engine)
    slug = "ville-de-lisiere"
    buyer = world.organisation(
        slug,
        "Ville De Lisiere",
        OrganisationRole.BUYER,
        facilitator="camille",
        kind="commune",
        programming_month=10,
    )
    world.convention(buyer, date(2026, 1, 1), date(2029, 12, 31))
    contact = world.contact(buyer, CONTACT, "Élise Martin")
    territory = kind.scope is Scope.TERRITORY
    series = kind.value if territory else f"{kind.value}:{slug}"
    occurrence = world.occurrence(
        kind,
        MEETING,
        buyer=None if territory else buyer,
        changed_at=MEETING_NOW - timedelta(days=30),
        series=series,
        key=f"{series}:2027",
        uid="0b7c1e2a-test@guichet.example",
    )
    world.invite(occurrence, contact)
    assert occurrence.id is not None
    return MeetingWorld(
        settings,
        engine,
        world.folder,
        buyer_id=buyer,
        contact_id=contact,
        occurrence_id=occurrence.id,
    )


# --- a year, for the report -----------------------------------------------------------------------

YEAR_NOW = datetime(2027, 12, 15, 10, 0, tzinfo=UTC)
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


def year_world(settings: Settings, engine: Engine, folder: Path) -> World:
    """2027 as seen on 15 December 2027; `uids` names its four meetings.

    - the buyers' club of 11 March (held): Élise Martin (Ville) accepted and came, Paul Durand
      (Ville) declined and stayed away, Julien Aubert (Métropole) never answered but came,
      Sophie Lemaire (France Travail) accepted and did not come;
    - the after-work of 18 March, cancelled (Élise accepted, Julien tentative);
    - the Ville's programming review of 14 September (held): Élise and Paul accepted and came;
    - the after-work of 16 December, to come: Élise has not answered;
    - the Ville renewed its convention on 1 January 2027 (150 000 € of participation); the
      Métropole's ends on 30 June 2028; a supplier and a partner are in the directory;
    - results for the Ville in 2026 and 2027, imported from the monitoring tool's CSV.
    """
    world = World(settings, engine, folder)
    orgs = {
        slug: world.organisation(slug, name, role)
        for slug, name, role in (
            ("ville-de-lisiere", "Ville de Lisière", OrganisationRole.BUYER),
            ("metropole-de-lisiere", "Métropole de Lisière", OrganisationRole.BUYER),
            ("les-jardins-de-la-lisiere", "Les Jardins de la Lisière", OrganisationRole.SUPPLIER),
            ("france-travail-lisiere", "France Travail Lisière", OrganisationRole.PARTNER),
            ("hopital-discret", "Hôpital discret", OrganisationRole.BUYER),
        )
    }
    contacts = {
        email: world.contact(orgs[slug], email, name) for email, (name, slug) in PEOPLE.items()
    }
    ville, metropole = orgs["ville-de-lisiere"], orgs["metropole-de-lisiere"]
    world.convention(ville, date(2024, 1, 1), date(2026, 12, 31))
    world.convention(ville, date(2027, 1, 1), date(2029, 12, 31), participation_cents=15_000_000)
    world.convention(metropole, date(2024, 1, 1), date(2028, 6, 30))
    world.convention(orgs["hopital-discret"], date(2026, 1, 1), date(2028, 12, 31))

    def meeting(
        name: str,
        series: str,
        kind: RitualKind,
        start: datetime,
        status: OccurrenceStatus,
        *answers: tuple[str, PartStat, bool | None],
        buyer: int | None = None,
    ) -> None:
        uid = f"{uuid_for(name)}@{settings.organisation.uid_domain}"
        world.uids[name] = uid
        row = world.occurrence(
            kind,
            start,
            buyer=buyer,
            status=status,
            changed_at=start - timedelta(days=30),
            series=series,
            key=f"{series}:{name}",
            uid=uid,
        )
        for email, partstat, attended in answers:
            world.invite(row, contacts[email], partstat, attended=attended)

    club, after_work = RitualKind.BUYER_CLUB, RitualKind.AFTER_WORK
    meeting(
        "club",
        "buyer_club",
        club,
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
        after_work,
        datetime(2027, 3, 18, 17, 0, tzinfo=UTC),
        OccurrenceStatus.CANCELLED,
        (ELISE, A, None),
        (JULIEN, T, None),
    )
    meeting(
        "review",
        "programming_review/ville",
        RitualKind.PROGRAMMING_REVIEW,
        datetime(2027, 9, 14, 8, 0, tzinfo=UTC),
        OccurrenceStatus.HELD,
        (ELISE, A, True),
        (PAUL, A, True),
        buyer=ville,
    )
    meeting(
        "after-work-december",
        "after_work",
        after_work,
        datetime(2027, 12, 16, 17, 0, tzinfo=UTC),
        OccurrenceStatus.ANNOUNCED,
        (ELISE, N, None),
    )
    import_results(engine, RESULTS_CSV, file="resultats.csv", now=YEAR_NOW)
    return world


def uuid_for(name: str) -> str:
    """A UUID-shaped key for a test meeting, as real UIDs have."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name))


# --- the demo, for the workspace ------------------------------------------------------------------

DEMO_NOW_TEXT = "2027-03-08T09:00"
DEMO_NOW = parse_instant(DEMO_NOW_TEXT)
CAMILLE = "camille.roussel@guichet-lisiere.example"
NADIA = "nadia.benali@guichet-lisiere.example"
ADMIN = "direction@guichet-lisiere.example"
BOUNCED = "Remote server said: 550 5.1.1 mailbox unavailable"


def demo_world(folder: Path, *, english: bool = False) -> World:
    """The demo at `DEMO_NOW`, in `folder` (outbox/ holds the mails): demo/*.csv imported,
    planned and run once (invitations mailed as .eml files), then one answer of each kind, a
    contact who takes no reminder and one bounce. With `english`, Nadia reads English."""
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    if english:
        text = text.replace(
            'email = "nadia.benali@guichet-lisiere.example"\n',
            'email = "nadia.benali@guichet-lisiere.example"\nlocale = "en"\n',
        )
    text += '\n[[admins]]\nname = "Claire Fontaine"\nemail = "direction@guichet-lisiere.example"\n'
    (folder / "config.toml").write_text(text, encoding="utf-8")
    config = str(folder / "config.toml")
    for kind in ("partners", "suppliers", "buyers", "contacts"):
        assert main(["import", kind, str(REPO / "demo" / f"{kind}.csv"), "--config", config]) == 0
    assert main(["run", "--once", "--no-web", "--config", config, "--now", DEMO_NOW_TEXT]) == 0
    settings = load_settings(folder / "config.toml")
    engine = open_database(settings.database_url)
    _answers_and_a_bounce(engine)
    return World(settings, engine, folder)


def _answers_and_a_bounce(engine: Engine) -> None:
    with session_scope(engine) as session:
        invitations = list(
            session.execute(
                select(Invitation)
                .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
                .where(col(Occurrence.start) > DEMO_NOW)
                .order_by(col(Occurrence.start), col(Invitation.id))
            ).scalars()
        )
        answers = (PartStat.ACCEPTED, PartStat.DECLINED, PartStat.TENTATIVE)
        for invitation, answer in zip(invitations, answers, strict=False):
            invitation.partstat = answer
            invitation.responded_at = DEMO_NOW - timedelta(hours=2)
            session.add(invitation)
        contact = session.execute(
            select(Contact).where(col(Contact.email) == "helene.marchetti@ville-lisiere.example")
        ).scalar_one()
        contact.unsubscribed_kinds = "reminder"
        session.add(contact)
        first = (
            session.execute(
                select(Message)
                .where(col(Message.state) == MessageState.SENT)
                .order_by(col(Message.id))
            )
            .scalars()
            .first()
        )
        assert first is not None, "the demo run sent no mail"
        session.execute(
            update(Message)
            .where(col(Message.id) == first.id)
            .values(state=MessageState.FAILED, last_error=BOUNCED, sent_at=None)
        )
