"""The meeting the reply fixtures (tests/replies/mails/*.eml) answer, and helpers to read them.

The mails were written from what Outlook/Exchange, Gmail, Apple Calendar and Thunderbird send
when an invitee answers: they all name the UID below, a programming review with Ville A on
Tuesday 14 September 2027 at 10:00 (Paris), organised by Camille Roussel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import update
from sqlmodel import col

from scheduler.core.kinds import RitualKind
from scheduler.store.db import session_scope
from scheduler.store.models import Occurrence
from tests.world import World, at

MAILS = Path(__file__).resolve().parent / "replies" / "mails"
UID = "6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b@guichet.example"
START = "2027-09-14 10:00"
INVITEES = {
    "zoe.dupont@ville-a.example": "Zoé Dupont",
    "marc.leroy@ville-a.example": "Marc Leroy",
    "ines.moreau@ville-a.example": "Inès Moreau",
    "paul.martin@ville-a.example": "Paul Martin",
    "salle-conseil@ville-a.example": "Salle du conseil",
}
ORDINARY = (
    "ordinary_newsletter.eml",
    "ordinary_mail_with_a_pdf.eml",
    "ordinary_invitation_to_the_facilitator.eml",
)


@dataclass(frozen=True)
class Meeting:
    """The meeting of the fixtures, as stored."""

    occurrence: Occurrence
    contacts: dict[str, int]


def fixture_meeting(world: World, *, invite: tuple[str, ...] = tuple(INVITEES)) -> Meeting:
    """Ville A, its contacts, and the programming review the fixtures answer (UID above),
    announced, with `invite` invited."""
    buyer = world.buyer("ville-a", "Ville A")
    contacts = {email: world.contact(buyer, email, name) for email, name in INVITEES.items()}
    row = world.occurrence(RitualKind.PROGRAMMING_REVIEW, at(START), buyer=buyer)
    with session_scope(world.engine) as session:
        session.execute(update(Occurrence).where(col(Occurrence.id) == row.id).values(uid=UID))
    for email in invite:
        world.invite(row, contacts[email])
    return Meeting(world.stored(UID), contacts)


def mail(name: str) -> bytes:
    """The raw bytes of a fixture mail."""
    return (MAILS / name).read_bytes()


def reply_mail(
    attendee: str,
    partstat: str,
    dtstamp: datetime,
    *,
    uid: str = UID,
    sequence: int = 0,
    comment: str | None = None,
) -> bytes:
    """A minimal Outlook-shaped reply (no ORGANIZER, no `method=`), made for one test."""
    lines = [
        "BEGIN:VCALENDAR",
        "METHOD:REPLY",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        f"ATTENDEE;PARTSTAT={partstat}:mailto:{attendee}",
        f"UID:{uid}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{dtstamp.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        *([f"COMMENT:{comment}"] if comment else []),
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    headers = [
        f"From: <{attendee}>",
        "To: <camille@guichet.example>",
        f"Message-ID: <{uid}.{attendee}.{dtstamp.timestamp():.0f}@test.example>",
        "MIME-Version: 1.0",
        'Content-Type: text/calendar; charset="utf-8"',
        "",
        "",
    ]
    return ("\r\n".join(headers) + "\r\n".join(lines)).encode()
