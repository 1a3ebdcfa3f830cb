"""What a message reads of the store when it is rendered, at send time: its meeting (the core's
`Meeting`), its reader, the reader's invitation; for a renewal notice, the convention and the
coming renewal meeting. A batch of rows is read at once (`Letters.load`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select as select_rows
from sqlmodel import Session, col, select

from scheduler.core.french import FrenchName
from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.meeting import Meeting
from scheduler.core.policy import ConventionFacts
from scheduler.core.readers import Reader
from scheduler.store.meetings import french_name, meetings_by_id
from scheduler.store.models import (
    Contact,
    Convention,
    Invitation,
    Message,
    Occurrence,
    Organisation,
)
from scheduler.store.readers import readers_by_id

ACTIVE = "active"


@dataclass(frozen=True, slots=True)
class Invited:
    """A reader's invitation to a meeting: its id (the RSVP link names it) and their answer."""

    invitation_id: int
    partstat: PartStat
    removed: bool = False
    """The facilitator took them off the meeting: only their CANCEL goes."""


@dataclass
class Letters:
    """The meetings, readers and invitations the rows of a batch read, loaded at once, and read
    from the store one by one when a row asks for one the batch does not hold."""

    meetings: dict[int, Meeting] = field(default_factory=dict)
    readers: dict[int, Reader] = field(default_factory=dict)
    invitations: dict[tuple[int, int], Invited | None] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, messages: Sequence[Message]) -> Letters:
        """What `messages` read, in four queries."""
        occurrence_ids = {m.occurrence_id for m in messages if m.occurrence_id is not None}
        contact_ids = {m.contact_id for m in messages if m.contact_id is not None}
        letters = cls(
            meetings=meetings_by_id(session, occurrence_ids) if occurrence_ids else {},
            readers=readers_by_id(session, contact_ids) if contact_ids else {},
        )
        if occurrence_ids and contact_ids:
            asked = {
                (m.occurrence_id, m.contact_id)
                for m in messages
                if m.occurrence_id is not None and m.contact_id is not None
            }
            found = invitations_of(session, occurrence_ids, contact_ids)
            letters.invitations = dict.fromkeys(asked, None) | found
        return letters

    def meeting(self, session: Session, occurrence_id: int | None) -> Meeting | None:
        """The meeting `occurrence_id`, if it exists."""
        if occurrence_id is None:
            return None
        if occurrence_id not in self.meetings:
            found = meetings_by_id(session, [occurrence_id]).get(occurrence_id)
            if found is None:
                return None
            self.meetings[occurrence_id] = found
        return self.meetings[occurrence_id]

    def reader(self, session: Session, contact_id: int | None) -> Reader | None:
        """The contact `contact_id` as a reader, if there is one."""
        if not contact_id:
            return None
        if contact_id not in self.readers:
            found = readers_by_id(session, [contact_id]).get(contact_id)
            if found is None:
                return None
            self.readers[contact_id] = found
        return self.readers[contact_id]

    def invitation(self, session: Session, occurrence_id: int, contact_id: int) -> Invited | None:
        """The invitation of `contact_id` to `occurrence_id`, if they are invited."""
        key = (occurrence_id, contact_id)
        if key not in self.invitations:
            self.invitations[key] = invitations_of(session, [occurrence_id], [contact_id]).get(key)
        return self.invitations[key]


def invitations_of(
    session: Session, occurrence_ids: Iterable[int], contact_ids: Iterable[int]
) -> dict[tuple[int, int], Invited]:
    """The invitations of these contacts to these meetings, by (meeting, contact)."""
    rows = session.execute(  # five columns: more than sqlmodel's select types
        select_rows(
            col(Invitation.occurrence_id),
            col(Invitation.contact_id),
            col(Invitation.id),
            col(Invitation.partstat),
            col(Invitation.removed_at),
        )
        .where(col(Invitation.occurrence_id).in_(sorted(set(occurrence_ids))))
        .where(col(Invitation.contact_id).in_(sorted(set(contact_ids))))
    )
    return {
        (occurrence_id, contact_id): Invited(
            int(invitation_id or 0), PartStat(partstat), removed=removed_at is not None
        )
        for occurrence_id, contact_id, invitation_id, partstat, removed_at in rows
    }


@dataclass(frozen=True, slots=True)
class Renewal:
    """A buyer's convention as its renewal notice tells of it."""

    convention: ConventionFacts
    start: date
    buyer: FrenchName | None
    facilitator_id: str | None
    """The facilitator who follows the buyer."""
    meeting_start: datetime | None = None
    """The start of the coming renewal meeting with the buyer, when one is planned."""
    invited: bool = False
    """The reader is invited to that meeting (it is announced and they are on its list)."""


def renewal_of(
    session: Session, convention_id: int | None, contact_id: int | None, now: datetime
) -> Renewal | None:
    """The convention `convention_id` (None when it does not exist), its buyer, and the next
    renewal meeting with that buyer after `now`, if one is planned."""
    convention = session.get(Convention, convention_id) if convention_id is not None else None
    if convention is None or convention.id is None:
        return None
    buyer = session.get(Organisation, convention.organisation_id)
    meeting = session.exec(
        select(Occurrence)
        .where(col(Occurrence.kind) == RitualKind.CONVENTION_RENEWAL.value)
        .where(col(Occurrence.organisation_id) == convention.organisation_id)
        .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
        .where(col(Occurrence.start) > now)
        .order_by(col(Occurrence.start))
    ).first()
    invited = (
        meeting is not None
        and meeting.status != OccurrenceStatus.PLANNED
        and meeting.id is not None
        and contact_id is not None
        and bool(invitations_of(session, [meeting.id], [contact_id]))
    )
    return Renewal(
        convention=ConventionFacts(convention.id, convention.end_date, convention.status == ACTIVE),
        start=convention.start_date,
        buyer=french_name(buyer) if buyer is not None else None,
        facilitator_id=buyer.facilitator_id if buyer is not None else None,
        meeting_start=meeting.start if meeting is not None else None,
        invited=invited,
    )


# --- what a preview is made of ------------------------------------------------------------------


def first_invitee(session: Session, occurrence_id: int) -> Contact | None:
    """The meeting's invitee with the smallest id."""
    return session.exec(
        select(Contact)
        .join(Invitation, col(Invitation.contact_id) == col(Contact.id))
        .where(col(Invitation.occurrence_id) == occurrence_id)
        .order_by(col(Contact.id))
    ).first()


def first_contact(session: Session, organisation_id: int | None) -> Contact | None:
    """A contact of the organisation `organisation_id`."""
    return session.exec(
        select(Contact).where(col(Contact.organisation_id) == organisation_id)
    ).first()


def latest_convention(session: Session, buyer_slug: str) -> tuple[int, int] | None:
    """The convention of the buyer `buyer_slug` that ends last, and the buyer's id."""
    found = session.exec(
        select(Convention.id, Organisation.id)
        .join(Organisation, col(Organisation.id) == col(Convention.organisation_id))
        .where(col(Organisation.slug) == buyer_slug)
        .order_by(col(Convention.end_date).desc())
    ).first()
    if found is None:
        return None
    convention_id, organisation_id = found
    return int(convention_id or 0), int(organisation_id or 0)
