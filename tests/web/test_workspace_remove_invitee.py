"""Taking one invitee off a meeting from its page, over real HTTP, in the demo at a fixed
instant: a CANCEL naming only that person goes to that person only (same UID, same SEQUENCE, a
later DTSTAMP, no STATUS: RFC 5546 §3.2.5), through the four-parser check; nothing else is sent
to them (their reminders are dropped) and nobody else is written to; feeds no longer list them;
the journal says who did it; every refusal changes nothing."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from scheduler.cli import main
from scheduler.core.messages import MessageKind, MessageState
from scheduler.service.publish.feeds import facilitator_feed, load_snapshot
from scheduler.store.db import read_session
from scheduler.store.models import Contact, Invitation, JournalEntry, Message, Occurrence
from scheduler.web import create_app
from tests.conftest import IcsCheck
from tests.web.test_workspace_actions import (
    CSRF,
    OPEN,
    browser_for,
    invited_meeting,
    reread,
    shown,
    world,
)
from tests.web_server import serving
from tests.world import DEMO_NOW as NOW
from tests.world import World

__all__ = ["world"]  # the fixture

LATER = NOW + timedelta(hours=1)
"""The removal comes an hour after the demo's invitations went."""


@pytest.fixture
def base(world: World) -> Iterator[str]:
    with serving(create_app(world.settings, world.engine, clock=lambda: LATER)) as url:
        yield url
        while OPEN:
            OPEN.pop().close()


def invitee_told(world: World, meeting: Occurrence) -> Contact:
    """An invitee of `meeting` whose invitation went."""
    with read_session(world.engine) as session:
        found = (
            session.execute(
                select(Contact)
                .join(Message, col(Message.contact_id) == col(Contact.id))
                .where(
                    col(Message.occurrence_id) == meeting.id,
                    col(Message.kind) == MessageKind.INVITE,
                    col(Message.state) == MessageState.SENT,
                )
                .order_by(col(Contact.id))
            )
            .scalars()
            .first()
        )
        assert isinstance(found, Contact)
        return found


def calendars_to(outbox: Path, address: str, uid: str) -> list[bytes]:
    """The text/calendar parts of the mails to `address` about `uid`, oldest file first."""
    found = []
    for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes())
        if address not in str(message["To"]):
            continue
        for part in message.walk():
            payload = (
                part.get_payload(decode=True)
                if part.get_content_type() == "text/calendar"
                else None
            )
            if isinstance(payload, bytes) and uid.encode() in payload:
                found.append(payload.replace(b"\r\n ", b""))
                break
    return found


def line(payload: bytes, name: bytes) -> list[bytes]:
    return re.findall(rb"^" + name + rb"[:;][^\r\n]*", payload, re.M)


def test_a_removed_invitee_gets_one_cancel_naming_only_them_and_nobody_else_hears(
    world: World, base: str, ics_check: IcsCheck, tmp_path: Path
) -> None:
    meeting = invited_meeting(world)
    assert meeting.id is not None
    leaving = invitee_told(world, meeting)
    camille = browser_for(world, base, at=LATER)
    page = camille.get(f"/rencontres/{meeting.uid}")
    assert "Retirer de la rencontre" in shown(page)
    csrf = CSRF.findall(page.text)[-1]
    with read_session(world.engine) as session:
        messages_before = session.execute(select(func.count()).select_from(Message)).scalar_one()
        journal_before = session.execute(
            select(func.count()).select_from(JournalEntry)
        ).scalar_one()
    form = {"csrf": csrf, "contact": str(leaving.id)}

    # refusals: no token, nobody invited by that id, a malformed id
    assert (
        camille.post(
            f"/rencontres/{meeting.uid}/retirer", data={"contact": str(leaving.id)}
        ).status_code
        == 403
    )
    assert (
        camille.post(
            f"/rencontres/{meeting.uid}/retirer", data={**form, "contact": "999999"}
        ).status_code
        == 404
    )
    assert (
        camille.post(
            f"/rencontres/{meeting.uid}/retirer", data={**form, "contact": "x"}
        ).status_code
        == 403
    )
    assert camille.post("/rencontres/pas-une-rencontre/retirer", data=form).status_code == 404
    with read_session(world.engine) as session:
        assert (
            session.execute(select(func.count()).select_from(Message)).scalar_one()
            == messages_before
        )

    done = camille.post(f"/rencontres/{meeting.uid}/retirer", data=form)
    assert done.status_code == 303
    after = shown(camille.get(done.headers["location"]))
    assert "La personne est retirée de la rencontre : l'annulation part à elle seule." in after
    assert "personne retirée de la rencontre" in after  # the journal
    journal = after.split("Journal des modifications")[2]  # the heading, then the caption
    assert "Camille Roussel" in journal
    assert leaving.email in journal

    with read_session(world.engine) as session:
        new = list(
            session.execute(
                select(Message).order_by(col(Message.id)).offset(messages_before)
            ).scalars()
        )
        assert [(m.kind, m.recipient) for m in new] == [(MessageKind.CANCEL, leaving.email)]
        assert new[0].idempotency_key.endswith(f"/removed/{leaving.email.lower()}")
        still_pending = session.execute(
            select(Message).where(
                col(Message.occurrence_id) == meeting.id,
                col(Message.contact_id) == leaving.id,
                col(Message.kind) != MessageKind.CANCEL,
                col(Message.state) == MessageState.PENDING,
            )
        ).first()
        assert still_pending is None  # no reminder will go to them
        invitation = session.execute(
            select(Invitation).where(
                col(Invitation.occurrence_id) == meeting.id,
                col(Invitation.contact_id) == leaving.id,
            )
        ).scalar_one()
        assert invitation.removed_at == LATER
        assert (
            session.execute(select(func.count()).select_from(JournalEntry)).scalar_one()
            == journal_before + 1
        )
        feed = facilitator_feed(
            world.settings, load_snapshot(session, world.settings, LATER), meeting.facilitator_id
        ).render()
    assert reread(world, meeting.uid).sequence == meeting.sequence
    assert leaving.email.encode() not in feed.replace(b"\r\n ", b"")

    # the mail itself: sent at the next dispatch, a CANCEL for them only
    config = str(world.folder / "config.toml")
    assert main(["outbox", "send", "--config", config, "--now", LATER.isoformat()]) == 0
    calendars = calendars_to(world.outbox, leaving.email, meeting.uid)
    invitation_ics, cancel = calendars[0], calendars[-1]
    assert b"METHOD:REQUEST" in invitation_ics
    assert b"METHOD:CANCEL" in cancel
    assert line(cancel, b"UID") == line(invitation_ics, b"UID")
    assert line(cancel, b"SEQUENCE") == [f"SEQUENCE:{meeting.sequence}".encode()]
    assert line(cancel, b"DTSTAMP")[0] > line(invitation_ics, b"DTSTAMP")[0]
    assert line(cancel, b"STATUS") == []  # only a whole meeting's CANCEL says CANCELLED
    attendees = line(cancel, b"ATTENDEE")
    assert len(attendees) == 1
    assert leaving.email.encode() in attendees[0]
    path = tmp_path / "uninvite.ics"
    path.write_bytes(cancel)
    ics_check(path)
    mails = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in world.outbox.glob("*.eml")
    ]
    subjects = [str(m["Subject"]) for m in mails if leaving.email in str(m["To"])]
    assert any(s.startswith("Invitation retirée") for s in subjects)

    # afterwards: removing again, re-inviting, answering for them are refused, nothing written
    with read_session(world.engine) as session:
        messages_now = session.execute(select(func.count()).select_from(Message)).scalar_one()
    again = camille.post(f"/rencontres/{meeting.uid}/retirer", data=form)
    assert again.status_code == 409
    back = camille.post(
        f"/rencontres/{meeting.uid}/inviter", data={"csrf": csrf, "email": leaving.email}
    )
    assert back.status_code == 400
    assert "Cette personne a été retirée de cette rencontre" in shown(back)
    answer = camille.post(
        f"/rencontres/{meeting.uid}/reponse", data={**form, "reponse": "ACCEPTED"}
    )
    assert answer.status_code == 404
    with read_session(world.engine) as session:
        assert (
            session.execute(select(func.count()).select_from(Message)).scalar_one() == messages_now
        )
