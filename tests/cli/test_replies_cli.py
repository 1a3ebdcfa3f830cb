"""`rituel replies import FILE.eml…` and `rituel occurrence show UID [--json]`, as the operator
runs them; and what an Outlook "Refuser" does to that person's reminders."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from scheduler.cli import main
from scheduler.clock import fixed_clock
from scheduler.core.kinds import OccurrenceStatus
from scheduler.core.messages import MessageKind, MessageState
from scheduler.daemon.health import run_checks
from scheduler.mail.transport import MemoryTransport
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.enqueue import enqueue_due
from scheduler.service.deliver.outbox import dispatch
from scheduler.service.deliver.removal import remove_invitee
from scheduler.store.db import session_scope
from scheduler.store.models import Contact, Message
from tests.dovecot import free_port
from tests.reply_factories import MAILS, START, UID, fixture_meeting
from tests.world import World, at, make_world

READ_AT = "2026-12-01T10:00"
MEETING = at(START)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path, review_booking="impose")  # replies to an invitation


def run(world: World, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main([*args, "--config", str(world.folder / "config.toml")])
    out, err = capsys.readouterr()
    return status, out, err


def shown(world: World, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    status, out, _ = run(world, capsys, "occurrence", "show", UID, "--json")
    assert status == 0
    found = json.loads(out)
    assert isinstance(found, dict)
    return found


def reminders_to(world: World) -> dict[str, list[str]]:
    with session_scope(world.engine) as session:
        rows = session.execute(
            select(Message, Contact).join(Contact, col(Contact.id) == col(Message.contact_id))
        ).all()
        found: dict[str, list[str]] = {}
        for message, contact in rows:
            if message.kind == MessageKind.REMINDER and message.state == MessageState.PENDING:
                found.setdefault(contact.email, []).append(message.idempotency_key)
    return found


async def test_an_outlook_refuser_shows_declined_from_the_calendar_and_stops_reminders(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture_meeting(world, invite=())
    with session_scope(world.engine) as session:
        row = world.stored(UID)
        row.status = OccurrenceStatus.PLANNED
        session.add(row)
    invited_at = MEETING - timedelta(days=44)
    enqueue_due(world.engine, world.settings, invited_at)
    transport = MemoryTransport()
    await dispatch(world.engine, transport, StoreComposer(world.settings), fixed_clock(invited_at))
    assert len(transport.sent) == 5, "every contact of Ville A got the invitation"

    status, out, _ = run(
        world,
        capsys,
        "replies",
        "import",
        str(MAILS / "outlook_declined_without_organizer.eml"),
        "--now",
        READ_AT,
    )
    assert status == 0
    assert out.strip().endswith(f"applied: zoe.dupont@ville-a.example declined {UID}")

    meeting = shown(world, capsys)
    assert (meeting["uid"], meeting["status"], meeting["sequence"]) == (UID, "announced", 0)
    assert meeting["start"] == "2027-09-14T08:00:00+00:00"
    invitees = {i["email"]: i for i in meeting["invitees"]}  # type: ignore[attr-defined]
    zoe = invitees["zoe.dupont@ville-a.example"]
    assert (zoe["answer"], zoe["source"]) == ("declined", "calendar")
    assert zoe["answered_at"] == "2026-11-26T09:30:12+00:00"
    assert invitees["marc.leroy@ville-a.example"]["answer"] == "needs-action"
    assert invitees["marc.leroy@ville-a.example"]["source"] is None

    enqueue_due(world.engine, world.settings, MEETING - timedelta(days=7))
    reminded = reminders_to(world)
    assert "zoe.dupont@ville-a.example" not in reminded
    assert len(reminded) == 4, "the others still get their reminder"


async def test_a_decline_read_after_the_reminders_were_queued_cancels_that_persons_reminder(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture_meeting(world, invite=())
    with session_scope(world.engine) as session:
        row = world.stored(UID)
        row.status = OccurrenceStatus.PLANNED
        session.add(row)
    invited_at = MEETING - timedelta(days=44)
    enqueue_due(world.engine, world.settings, invited_at)
    await dispatch(
        world.engine, MemoryTransport(), StoreComposer(world.settings), fixed_clock(invited_at)
    )
    week_before = MEETING - timedelta(days=7, hours=1)
    enqueue_due(world.engine, world.settings, week_before)
    assert "zoe.dupont@ville-a.example" in reminders_to(world)

    late = (week_before + timedelta(minutes=30)).isoformat()
    reply = str(MAILS / "outlook_declined_without_organizer.eml")
    assert run(world, capsys, "replies", "import", reply, "--now", late)[0] == 0
    enqueue_due(world.engine, world.settings, week_before + timedelta(hours=1))
    reminded = reminders_to(world)
    assert "zoe.dupont@ville-a.example" not in reminded
    assert len(reminded) == 4


def test_import_prints_one_line_per_file_and_exits_0(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture_meeting(world)
    names = [
        "gmail_tentative_with_comment.eml",
        "ordinary_newsletter.eml",
        "reply_for_an_unknown_meeting.eml",
        "outlook_counter_proposal.eml",
        "gmail_tentative_with_comment.eml",
    ]
    status, out, _ = run(
        world, capsys, "replies", "import", *(str(MAILS / n) for n in names), "--now", READ_AT
    )
    assert status == 0
    lines = out.strip().splitlines()
    assert len(lines) == len(names)
    assert lines[0].endswith(f"applied: marc.leroy@ville-a.example tentative {UID}")
    assert lines[1].endswith("ordinary_newsletter.eml: ignored: no calendar part")
    assert (
        "ignored: no meeting has UID 040000008200E00074C5B7101A82E00800000000D0A1B2C3" in lines[2]
    )
    assert lines[3].endswith(
        f"applied: zoe.dupont@ville-a.example proposes another time for {UID}: "
        "kept for the facilitator"
    )
    assert lines[4].endswith("already recorded")


def test_a_file_that_cannot_be_read_exits_2_after_the_others(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fixture_meeting(world)
    missing = tmp_path / "absent.eml"
    status, out, err = run(
        world,
        capsys,
        "replies",
        "import",
        str(missing),
        str(MAILS / "apple_accepted.eml"),
        "--now",
        READ_AT,
    )
    assert status == 2
    assert f"{missing}: cannot be read" in err
    assert "applied: ines.moreau@ville-a.example accepted" in out


def test_show_prints_answers_sources_comments_and_proposals(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture_meeting(world)
    run(
        world,
        capsys,
        "replies",
        "import",
        str(MAILS / "thunderbird_declined_with_comment.eml"),
        str(MAILS / "outlook_counter_proposal.eml"),
        "--now",
        READ_AT,
    )
    status, out, _ = run(world, capsys, "occurrence", "show", UID)
    assert status == 0
    flat = " ".join(out.split())
    assert "Paul Martin" in flat
    assert "declined" in flat
    assert "calendar" in flat
    assert (
        "zoe.dupont@ville-a.example proposes Thursday 16 September 2027 at 14:00: "
        "Le mardi ne me convient pas, le jeudi suivant serait possible." in flat
    )
    meeting = shown(world, capsys)
    [paul] = [i for i in meeting["invitees"] if i["email"].startswith("paul")]  # type: ignore[attr-defined]
    assert paul["comment"] == "En congé cette semaine-là ; Zoé Dupont me représentera."
    [proposal] = meeting["proposals"]  # type: ignore[misc]
    assert proposal["start"] == "2027-09-16T12:00:00+00:00"


def test_show_no_longer_lists_an_invitee_taken_off_the_meeting(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    meeting = fixture_meeting(world)
    leaving = meeting.contacts["marc.leroy@ville-a.example"]
    remove_invitee(world.settings, world.engine, UID, leaving, at("2026-12-01 10:00"))

    invitees = [i["email"] for i in shown(world, capsys)["invitees"]]  # type: ignore[attr-defined]
    assert invitees == [
        "ines.moreau@ville-a.example",
        "paul.martin@ville-a.example",
        "salle-conseil@ville-a.example",
        "zoe.dupont@ville-a.example",
    ]
    status, out, _ = run(world, capsys, "occurrence", "show", UID)
    assert status == 0
    assert "Marc Leroy" not in out
    assert "Zoé Dupont" in out


def test_show_an_unknown_meeting_exits_3(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(world, capsys, "occurrence", "show", "nope@test.example")
    assert status == 3
    assert "no meeting with UID 'nope@test.example'" in err


def test_check_without_a_mailbox_says_answers_come_from_links(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(world, capsys, "check")
    assert status == 0
    assert "replies mailbox" in out
    results = run_checks(world.settings, world.engine, at(START))
    [mailbox] = [r for r in results if r.name.startswith("replies")]
    assert (mailbox.level, mailbox.detail) == (
        "ok",
        "not configured: answers come only from RSVP links",
    )


def test_check_exits_1_when_the_mailbox_cannot_be_reached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    closed = free_port()
    world = make_world(
        tmp_path,
        f'\n[mail.imap]\nhost = "127.0.0.1"\nport = {closed}\nsecurity = "none"\n'
        "timeout_seconds = 5\n",
    )
    status, _, _ = run(world, capsys, "check")
    assert status == 1
    results = run_checks(world.settings, world.engine, at(START))
    [mailbox] = [r for r in results if r.name == "replies mailbox"]
    assert (mailbox.level, mailbox.detail) == (
        "error",
        f"-@127.0.0.1:{closed}/INBOX: connection refused",
    )
