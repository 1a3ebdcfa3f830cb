"""Contacts as the message policy reads them: readers (address, language, what they stopped),
who a meeting concerns (`ContactIndex`), and who is invited already."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from scheduler.core.kinds import OrganisationRole, RitualKind, Scope
from scheduler.core.messages import MessageKind
from scheduler.core.readers import Reader
from scheduler.store.models import Contact, Invitation, Occurrence, Organisation

_IN_CHUNK = 500

CONTACT_FIELDS: tuple[Any, ...] = (
    col(Contact.id),
    col(Contact.organisation_id),
    col(Contact.email),
    col(Contact.name),
    col(Contact.locale),
    col(Contact.unsubscribed_kinds),
    col(Contact.unsubscribed_rituals),
    col(Contact.unsubscribed),
)
"""What `reader_of` reads of a contact, for reads of many as plain rows."""


def reader_of(contact: Contact | Any) -> Reader:
    """What the message policy knows of a contact (an ORM row or a row of `CONTACT_FIELDS`):
    address, language, organisation and what they stopped."""
    kinds = _listed(contact.unsubscribed_kinds)
    rituals = _listed(contact.unsubscribed_rituals)
    return Reader(
        email=contact.email,
        name=contact.name,
        locale=contact.locale,
        contact_id=contact.id,
        unsubscribed_from=frozenset(k for k in MessageKind if k.value in kinds),
        unsubscribed_rituals=frozenset(r for r in RitualKind if r.value in rituals),
        unsubscribed_all=contact.unsubscribed,
        organisation_id=contact.organisation_id,
    )


def _listed(text: str) -> set[str]:
    """The values of a comma-separated column."""
    return {value.strip() for value in text.split(",") if value.strip()}


def in_chunks(
    session: Session, query: Any, column: Any, ids: Sequence[int], size: int = _IN_CHUNK
) -> list[Any]:
    """Rows of `query` for `column IN ids`, asked in chunks the engines accept."""
    rows: list[Any] = []
    for start in range(0, len(ids), size):
        rows.extend(session.exec(query.where(column.in_(ids[start : start + size]))).all())
    return rows


def readers_by_id(session: Session, contact_ids: Iterable[int]) -> dict[int, Reader]:
    """The contacts `contact_ids` name (those that exist), as readers, by id."""
    rows = in_chunks(session, sa_select(*CONTACT_FIELDS), col(Contact.id), sorted(set(contact_ids)))
    return {row.id: reader_of(row) for row in rows}


def readers_of_organisations(
    session: Session, organisation_ids: Iterable[int]
) -> dict[int, list[Reader]]:
    """The contacts of these organisations, as readers, by organisation."""
    found: dict[int, list[Reader]] = defaultdict(list)
    rows = in_chunks(
        session,
        sa_select(*CONTACT_FIELDS),
        col(Contact.organisation_id),
        sorted(set(organisation_ids)),
    )
    for row in rows:
        found[row.organisation_id].append(reader_of(row))
    return found


class ContactIndex:
    """Every contact's organisation, role and ritual kinds, read once per pass and indexed by
    organisation and by role, so finding a meeting's audience does not scan everyone."""

    def __init__(self, rows: Iterable[tuple[int, int | None, str | None, str]]) -> None:
        self.by_organisation: dict[int, list[tuple[int, frozenset[str]]]] = defaultdict(list)
        self.by_role: dict[str, list[tuple[int, frozenset[str]]]] = defaultdict(list)
        for contact_id, org_id, role, kinds in rows:
            entry = (contact_id, frozenset(k.strip() for k in kinds.split(",") if k.strip()))
            if org_id is None:
                self.by_role["guichet"].append(entry)
            else:
                self.by_organisation[org_id].append(entry)
                if role is not None:
                    self.by_role[OrganisationRole(role).value].append(entry)

    @classmethod
    def load(cls, session: Session) -> ContactIndex:
        """The directory as it stands, contacts in id order."""
        rows = session.exec(
            select(
                col(Contact.id),
                col(Contact.organisation_id),
                col(Organisation.role),
                col(Contact.kinds),
            )
            .join(Organisation, col(Organisation.id) == col(Contact.organisation_id), isouter=True)
            .order_by(col(Contact.id))
        ).all()
        return cls(
            (int(contact_id or 0), org_id, None if role is None else str(role), kinds)
            for contact_id, org_id, role, kinds in rows
        )

    def audience(
        self, kind: RitualKind, organisation_id: int | None, roles: Iterable[str]
    ) -> list[int]:
        """Who a meeting of `kind` concerns: its buyer's contacts (`organisation_id`) for a
        per-buyer kind; for a territory kind, the contacts of the organisations whose role is
        among `roles` (the ritual's audience), and the guichet's own people (no organisation)
        when "guichet" is. A contact limited to some kinds is invited to those only."""
        if kind.scope is Scope.BUYER:
            candidates = self.by_organisation.get(organisation_id or -1, [])
        else:
            candidates = sorted(
                entry for role in set(roles) for entry in self.by_role.get(role, [])
            )
        return [
            contact_id for contact_id, limited in candidates if not limited or kind.value in limited
        ]


def invited_pairs(session: Session, occurrence_ids: Sequence[int]) -> set[tuple[int, int]]:
    """(meeting, contact) for every invitation to these meetings."""
    query = select(col(Invitation.occurrence_id), col(Invitation.contact_id))
    return {
        (occurrence_id, contact_id)
        for occurrence_id, contact_id in in_chunks(
            session, query, col(Invitation.occurrence_id), occurrence_ids
        )
    }


def add_invitations(session: Session, pairs: Iterable[tuple[int, int]]) -> None:
    """Invite each (meeting, contact) of `pairs` (none invited yet), in the caller's
    transaction."""
    for occurrence_id, contact_id in pairs:
        session.add(Invitation(occurrence_id=occurrence_id, contact_id=contact_id))


# --- one invitee, by hand --------------------------------------------------------------------


def occurrence_for_update(session: Session, uid: str) -> Occurrence | None:
    """The meeting whose UID is `uid`, locked until the transaction ends."""
    return session.exec(
        select(Occurrence).where(col(Occurrence.uid) == uid).with_for_update()
    ).one_or_none()


def contact_by_email(session: Session, email: str) -> Contact | None:
    """The contact whose address is `email`, whatever its case."""
    return session.exec(
        select(Contact).where(func.lower(col(Contact.email)) == email.strip().lower())
    ).one_or_none()


def invitation_with_contact(
    session: Session, occurrence_id: int, contact_id: int, *, lock: bool = False
) -> tuple[Invitation, Contact] | None:
    """The invitation of `contact_id` to `occurrence_id` and its contact (locked when asked)."""
    query = (
        select(Invitation, Contact)
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(
            col(Invitation.occurrence_id) == occurrence_id,
            col(Invitation.contact_id) == contact_id,
        )
    )
    row = session.exec(query.with_for_update() if lock else query).first()
    return (row[0], row[1]) if row is not None else None


def invite(session: Session, occurrence_id: int, contact_id: int) -> Invitation:
    """A new invitation of `contact_id` to `occurrence_id`, written (flushed) in the caller's
    transaction."""
    invitation = Invitation(occurrence_id=occurrence_id, contact_id=contact_id)
    session.add(invitation)
    session.flush()
    return invitation
