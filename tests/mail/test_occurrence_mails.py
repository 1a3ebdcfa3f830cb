"""`rituel occurrence move|cancel` write the update or cancellation mails in the transaction
of the change, and `rituel outbox send` delivers them through a real SMTP server (aiosmtpd,
STARTTLS and AUTH): REQUEST with SEQUENCE 1 then 2 under the same UID, then a CANCEL; pending
reminders follow the new date or are cancelled; a meeting nobody was invited to sends nothing.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from scheduler.cli import main
from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Contact, Invitation, Message, Occurrence, Ritual
from tests.conftest import IcsCheck
from tests.ics_text import properties
from tests.mail.conftest import PASSWORD_ENV, SMTP_PASSWORD, SMTP_USER, SmtpServer
from tests.service.conftest import Store
from tests.world import CONTACT, MEETING, MeetingWorld, meeting_world

PARIS = ZoneInfo("Europe/Paris")
UID = "0b7c1e2a-test@guichet.example"
OMAR = "omar.haddad@ville-lisiere.example"
PAUL = "paul.girard@ville-lisiere.example"
INVITED = MEETING - timedelta(days=44)
"""A day after the programming review's invitations (45 days ahead) were due."""
FIRST_MOVE = MEETING - timedelta(days=7, hours=12)
"""The evening before the 7-day reminders go: they are in the outbox, pending."""
SECOND_MOVE = FIRST_MOVE + timedelta(hours=1)
FIRST_DATE = "2027-09-28T10:00"
SECOND_DATE = "2027-10-05T14:00"
SECOND_START = datetime(2027, 10, 5, 14, 0, tzinfo=PARIS)
CANCELLED_AT = SECOND_START - timedelta(days=7, hours=12)
LATER = "later-test@guichet.example"


@dataclass
class Guichet:
    """A buyer's programming review, its three contacts, and the commands' configuration."""

    world: MeetingWorld
    server: SmtpServer
    config: Path

    @property
    def settings(self) -> Settings:
        return self.world.settings

    engines: list[Engine] = field(default_factory=list)

    def rituel(self, *args: str, at: datetime) -> None:
        """Run a command as if it were `at`; it must succeed. The database it opened is closed
        afterwards, as the end of its process would."""
        try:
            status = main([*args, "--config", str(self.config), "--now", at.isoformat()])
        finally:
            while self.engines:
                self.engines.pop().dispose()
        assert status == 0, f"rituel {' '.join(args)} exited with {status}"

    def send(self, at: datetime) -> list[EmailMessage]:
        """`rituel outbox send` at `at`; the mails the server accepted meanwhile, to invitees."""
        before = len(self.server.sink.received)
        self.rituel("outbox", "send", at=at)
        received = self.server.sink.received[before:]
        people = {CONTACT, OMAR, PAUL}
        return [r.parsed() for r in received if set(r.rcpt_tos) & people]

    def rows(self, kind: MessageKind, occurrence_id: int | None = None) -> list[Message]:
        wanted = self.world.occurrence_id if occurrence_id is None else occurrence_id
        return [m for m in self.world.messages() if m.kind == kind and m.occurrence_id == wanted]

    def decline(self, email: str) -> None:
        with session_scope(self.world.engine) as session:
            contact = session.exec(select(Contact).where(Contact.email == email)).one()
            invitation = session.exec(
                select(Invitation)
                .where(Invitation.contact_id == contact.id)
                .where(Invitation.occurrence_id == self.world.occurrence_id)
            ).one()
            invitation.partstat = PartStat.DECLINED
            session.add(invitation)


@pytest.fixture
def guichet(
    store: Store,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Guichet:
    """The review of 14 September 2027 planned, not announced yet; mail goes over SMTP with
    STARTTLS (our test certificate trusted) and AUTH."""
    monkeypatch.setenv("SSL_CERT_FILE", str(smtp_server.tls.cert))
    monkeypatch.setenv(PASSWORD_ENV, SMTP_PASSWORD)
    settings, engine = store(
        f"""transport = "smtp"

[mail.smtp]
host = "127.0.0.1"
port = {smtp_server.port}
security = "starttls"
username = "{SMTP_USER}"
password_env = "{PASSWORD_ENV}"
timeout_seconds = 5

[rituals.programming_review]
booking = "impose"  # these mails follow an invitation to the planner's date
"""
    )
    world = meeting_world(settings, engine)
    world.change_occurrence(status=OccurrenceStatus.PLANNED)
    with session_scope(engine) as session:
        for email, name, locale in (
            (OMAR, "Omar Haddad", "en"),
            (PAUL, "Paul Girard", "fr"),
        ):
            session.add(
                Contact(organisation_id=world.buyer_id, name=name, email=email, locale=locale)
            )
    guichet = Guichet(world, smtp_server, tmp_path / "config.toml")

    def opened(url: str) -> Engine:
        engine = open_database(url)
        guichet.engines.append(engine)
        return engine

    commands = importlib.import_module("scheduler.cli.app")  # `scheduler.cli.app` is the Typer
    monkeypatch.setattr(commands, "open_database", opened)
    return guichet


def calendar_of(message: EmailMessage) -> tuple[str, bytes]:
    """The method= parameter and the bytes of the calendar alternative; the attachment must
    carry the same object."""
    [alternative] = [
        p for p in message.iter_parts() if p.get_content_type() == "multipart/alternative"
    ]
    [inline] = [p for p in alternative.walk() if p.get_content_type() == "text/calendar"]
    [attached] = [p for p in message.iter_parts() if p.get_filename() == "invite.ics"]
    ics = inline.get_payload(decode=True)
    assert isinstance(ics, bytes)
    assert attached.get_payload(decode=True) == ics
    return str(inline.get_param("method")), ics


def about(messages: list[EmailMessage], uid: str) -> list[EmailMessage]:
    """The messages whose calendar is about the meeting `uid`."""
    return [m for m in messages if properties(calendar_of(m)[1], "UID") == [f"UID:{uid}"]]


def check_calendars(
    messages: list[EmailMessage], folder: Path, name: str, ics_check: IcsCheck
) -> list[bytes]:
    """Write each message's calendar to `folder`, check them all, return them."""
    objects = []
    paths = []
    for number, message in enumerate(messages):
        method, ics = calendar_of(message)
        assert properties(ics, "METHOD") == [f"METHOD:{method}"]
        path = folder / f"{name}-{number}.ics"
        path.write_bytes(ics)
        paths.append(path)
        objects.append(ics)
    ics_check(*paths)
    return objects


def test_two_moves_then_a_cancellation_reach_every_invitee_by_smtp(
    guichet: Guichet, ics_check: IcsCheck, tmp_path: Path
) -> None:
    invitations = guichet.send(INVITED)
    assert sorted(m["To"].addresses[0].addr_spec for m in invitations) == sorted(
        [CONTACT, OMAR, PAUL]
    )
    guichet.decline(PAUL)
    assert guichet.send(FIRST_MOVE) == []  # the 7-day reminders are written, not yet due
    reminders = guichet.rows(MessageKind.REMINDER)
    assert sorted(r.recipient for r in reminders) == sorted([CONTACT, OMAR])
    assert {r.state for r in reminders} == {MessageState.PENDING}

    guichet.rituel("occurrence", "move", UID, "--to", FIRST_DATE, at=FIRST_MOVE)
    first = guichet.send(FIRST_MOVE)
    guichet.rituel("occurrence", "move", UID, "--to", SECOND_DATE, at=SECOND_MOVE)
    second = guichet.send(SECOND_MOVE)

    # Updates go to everyone the invitation reached, the decliner too: the event moved in their
    # calendar as well, and the update's fresh RSVP link lets them accept the new date.
    for sequence, updates in ((1, first), (2, second)):
        assert sorted(m["To"].addresses[0].addr_spec for m in updates) == sorted(
            [CONTACT, OMAR, PAUL]
        )
        for ics in check_calendars(updates, tmp_path, f"update-{sequence}", ics_check):
            assert properties(ics, "METHOD") == ["METHOD:REQUEST"]
            assert properties(ics, "SEQUENCE") == [f"SEQUENCE:{sequence}"]
            assert properties(ics, "UID") == [f"UID:{UID}"]
            assert properties(ics, "STATUS") == ["STATUS:CONFIRMED"]
    [english] = [m for m in second if m["To"].addresses[0].addr_spec == OMAR]
    assert english["Content-Language"] == "en"
    assert "DTSTART;TZID=Europe/Paris:20271005T140000" in properties(
        calendar_of(english)[1], "DTSTART"
    )
    # The reminders of the first date were cancelled with the first move; the new date's are
    # written when they come near, to the same two people.
    by_key = {m.idempotency_key: m for m in guichet.rows(MessageKind.REMINDER)}
    assert {by_key[r.idempotency_key].state for r in reminders} == {MessageState.CANCELLED}

    assert guichet.send(CANCELLED_AT) == []
    following = [r for r in guichet.rows(MessageKind.REMINDER) if r.state == MessageState.PENDING]
    assert sorted(r.recipient for r in following) == sorted([CONTACT, OMAR])
    assert {(r.sequence, r.offset_days) for r in following} == {(2, 7)}
    assert {r.due_at for r in following} == {
        datetime(2027, 9, 28, 9, 0, tzinfo=PARIS).astimezone(UTC)
    }

    guichet.rituel("occurrence", "cancel", UID, "--reason", "Salle indisponible", at=CANCELLED_AT)
    assert {r.state for r in guichet.rows(MessageKind.REMINDER)} == {MessageState.CANCELLED}
    cancels = guichet.send(CANCELLED_AT)
    assert sorted(m["To"].addresses[0].addr_spec for m in cancels) == sorted([CONTACT, OMAR, PAUL])
    for ics in check_calendars(cancels, tmp_path, "cancel", ics_check):
        assert properties(ics, "METHOD") == ["METHOD:CANCEL"]
        assert properties(ics, "STATUS") == ["STATUS:CANCELLED"]
        assert properties(ics, "SEQUENCE") == ["SEQUENCE:3"]
        assert properties(ics, "UID") == [f"UID:{UID}"]
    assert {m.state for m in guichet.rows(MessageKind.CANCEL)} == {MessageState.SENT}
    assert len(guichet.rows(MessageKind.UPDATE)) == 6
    assert guichet.send(CANCELLED_AT + timedelta(days=1)) == []


def test_the_mails_are_written_in_the_transaction_of_the_move(guichet: Guichet) -> None:
    guichet.send(INVITED)
    guichet.rituel("occurrence", "move", UID, "--to", FIRST_DATE, at=FIRST_MOVE)
    updates = guichet.rows(MessageKind.UPDATE)
    assert sorted(m.recipient for m in updates) == sorted([CONTACT, OMAR, PAUL])
    assert {(m.state, m.sequence, m.due_at) for m in updates} == {
        (MessageState.PENDING, 1, FIRST_MOVE)
    }
    with session_scope(guichet.world.engine) as session:
        occurrence = session.get(Occurrence, guichet.world.occurrence_id)
        assert occurrence is not None
        assert (occurrence.status, occurrence.sequence) == (OccurrenceStatus.MOVED, 1)


def test_moving_a_meeting_never_announced_sends_nothing_until_its_invitation(
    guichet: Guichet,
) -> None:
    far = datetime(2028, 3, 14, 10, 0, tzinfo=PARIS)
    with session_scope(guichet.world.engine) as session:
        ritual = session.exec(select(Ritual)).one()
        assert ritual.id is not None
        occurrence = Occurrence(
            ritual_id=ritual.id,
            key="programming_review:ville-de-lisiere:2028",
            uid=LATER,
            kind=RitualKind.PROGRAMMING_REVIEW.value,
            organisation_id=guichet.world.buyer_id,
            facilitator_id="camille",
            start=far.astimezone(UTC),
            end=(far + timedelta(hours=2)).astimezone(UTC),
            status=OccurrenceStatus.PLANNED,
            changed_at=FIRST_MOVE,
        )
        session.add(occurrence)
        session.flush()
        later_id = occurrence.id
    guichet.rituel(
        "occurrence", "move", LATER, "--to", "2028-03-21T10:00",
        at=FIRST_MOVE,
    )  # fmt: skip
    assert [m for m in guichet.world.messages() if m.occurrence_id == later_id] == []
    with session_scope(guichet.world.engine) as session:
        invited = session.exec(select(Invitation).where(Invitation.occurrence_id == later_id))
        assert list(invited) == []
    assert about(guichet.send(FIRST_MOVE), LATER) == []
    assert [m for m in guichet.world.messages() if m.occurrence_id == later_id] == []

    # Its invitations still go, 45 days before the new date.
    new_start = datetime(2028, 3, 21, 10, 0, tzinfo=PARIS)
    later = about(guichet.send(new_start - timedelta(days=44)), LATER)
    assert sorted(m["To"].addresses[0].addr_spec for m in later) == sorted([CONTACT, OMAR, PAUL])
    for message in later:
        ics = calendar_of(message)[1]
        assert properties(ics, "SEQUENCE") == ["SEQUENCE:1"]
        assert properties(ics, "DTSTART") == ["DTSTART;TZID=Europe/Paris:20280321T100000"]

    # An answer stamps the meeting's last change; still no update: the invitations were
    # written at its current SEQUENCE.
    answered = new_start - timedelta(days=40)
    with session_scope(guichet.world.engine) as session:
        row = session.get(Occurrence, later_id)
        assert row is not None
        row.changed_at = answered
        session.add(row)
    assert about(guichet.send(answered), LATER) == []
    assert [m.kind for m in guichet.world.messages() if m.occurrence_id == later_id] == [
        MessageKind.INVITE
    ] * 3
