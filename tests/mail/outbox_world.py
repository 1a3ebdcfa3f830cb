"""A small world for outbox tests: one buyer with a contact, one announced meeting, and the
settings and engine of a real database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, RitualKind, Scope
from scheduler.core.messages import MessageKind
from scheduler.core.policy import MessageIntent, message_key
from scheduler.service.deliver.outbox import enqueue
from scheduler.store.db import session_scope
from scheduler.store.models import Contact, Invitation, Message, Occurrence, Ritual
from tests.factories import add_buyer

NOW = datetime(2027, 9, 1, 8, 0, tzinfo=UTC)
MEETING = datetime(2027, 9, 14, 8, 0, tzinfo=UTC)
CONTACT = "elise.martin@ville-lisiere.example"


@dataclass(frozen=True)
class World:
    """Settings, database and the ids of what the messages speak of."""

    settings: Settings
    engine: Engine
    buyer_id: int
    contact_id: int
    occurrence_id: int

    def intent(
        self,
        kind: MessageKind = MessageKind.INVITE,
        *,
        due_at: datetime = NOW,
        sequence: int = 0,
        offset_days: int | None = None,
        recipient: str = CONTACT,
    ) -> MessageIntent:
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

    def enqueue(self, *intents: MessageIntent, now: datetime = NOW) -> int:
        with session_scope(self.engine) as session:
            return enqueue(session, intents, now, "guichet.example")

    def messages(self) -> list[Message]:
        with session_scope(self.engine) as session:
            return list(session.exec(select(Message).order_by(Message.id)))  # type: ignore[arg-type]

    def change_occurrence(self, **values: object) -> None:
        with session_scope(self.engine) as session:
            occurrence = session.get(Occurrence, self.occurrence_id)
            assert occurrence is not None
            for name, value in values.items():
                setattr(occurrence, name, value)
            session.add(occurrence)


def make_world(
    settings: Settings, engine: Engine, kind: RitualKind = RitualKind.PROGRAMMING_REVIEW
) -> World:
    """A buyer, its contact, an announced programming review on 14 September 2027 at 10:00 (or
    a meeting of the territory ritual `kind`, the contact invited)."""
    territory = kind.scope is Scope.TERRITORY
    buyer_id = add_buyer(engine, "ville-de-lisiere", contact_email=CONTACT)
    with session_scope(engine) as session:
        contact = session.exec(select(Contact).where(Contact.email == CONTACT)).one()
        contact.name = "Élise Martin"
        session.add(contact)
        ritual = Ritual(
            key=kind.value if territory else f"{kind.value}:ville-de-lisiere",
            kind=kind.value,
            organisation_id=None if territory else buyer_id,
        )
        session.add(ritual)
        session.flush()
        assert ritual.id is not None
        occurrence = Occurrence(
            ritual_id=ritual.id,
            key=f"{ritual.key}:2027",
            uid="0b7c1e2a-test@guichet.example",
            kind=kind.value,
            organisation_id=None if territory else buyer_id,
            facilitator_id="camille",
            start=MEETING,
            end=MEETING + timedelta(hours=2),
            status=OccurrenceStatus.ANNOUNCED,
            changed_at=NOW - timedelta(days=30),
        )
        session.add(occurrence)
        session.flush()
        assert occurrence.id is not None
        assert contact.id is not None
        session.add(Invitation(occurrence_id=occurrence.id, contact_id=contact.id))
        return World(settings, engine, buyer_id, contact.id, occurrence.id)
