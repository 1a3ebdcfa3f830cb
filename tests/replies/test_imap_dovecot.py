"""Reading replies from a real IMAP server (Dovecot, STARTTLS, a password): the fixtures are
APPENDed to the INBOX among ordinary mail, which must stay untouched and unread."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from scheduler.cli import main
from scheduler.clock import fixed_clock
from scheduler.config import Settings
from scheduler.daemon.health import run_checks
from scheduler.replies.imap import ImapMailbox
from scheduler.service.answer.answers import meeting_answers
from scheduler.service.answer.replies import ReplyWatcher, mailbox_address, poll_once
from scheduler.store.db import session_scope
from scheduler.store.models import MailboxStatus
from tests.dovecot import Dovecot, free_port, start_dovecot
from tests.feed_factories import World, make_world
from tests.reply_factories import UID, fixture_meeting, mail, reply_mail

PASSWORD_ENV = "RITUEL_TEST_IMAP_PASSWORD"
READ_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PROCESSED = "Réponses rituel"
ARRIVALS = (
    "ordinary_newsletter.eml",
    "outlook_accepted_without_method_parameter.eml",
    "ordinary_mail_with_a_pdf.eml",
    "outlook_declined_without_organizer.eml",
    "gmail_tentative_with_comment.eml",
    "ordinary_invitation_to_the_facilitator.eml",
    "apple_accepted.eml",
    "thunderbird_declined_with_comment.eml",
    "exchange_resource_without_attendee.eml",
    "outlook_counter_proposal.eml",
    "reply_for_an_unknown_meeting.eml",
    "reply_from_someone_not_invited.eml",
)
LEFT = {
    "ordinary_newsletter.eml",
    "ordinary_mail_with_a_pdf.eml",
    "ordinary_invitation_to_the_facilitator.eml",
    "reply_for_an_unknown_meeting.eml",
    "reply_from_someone_not_invited.eml",
}


@pytest.fixture(scope="module")
def server() -> Iterator[Dovecot]:
    yield from start_dovecot()


@pytest.fixture
def mailbox(server: Dovecot) -> Iterator[IMAPClient]:
    """An empty INBOX and no processed folder; the test's own connection to them."""
    client = server.client()
    client.select_folder("INBOX")
    every = client.search(["ALL"])
    if every:
        client.delete_messages(every)
        client.expunge()
    if client.folder_exists(PROCESSED):
        client.delete_folder(PROCESSED)
    try:
        yield client
    finally:
        client.logout()


@pytest.fixture
def world(
    server: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mailbox: IMAPClient
) -> World:
    monkeypatch.setenv(PASSWORD_ENV, server.password)
    world = make_world(tmp_path, server.config(password_env=PASSWORD_ENV))
    fixture_meeting(world)
    return world


def append(client: IMAPClient, names: tuple[str, ...], flagged: str = "") -> dict[str, bytes]:
    """APPEND the fixtures in order (the one named `flagged` with \\Flagged); their bytes."""
    sent = {}
    for name in names:
        raw = mail(name)
        client.append("INBOX", raw, flags=(b"\\Flagged",) if name == flagged else ())
        sent[name] = raw
    return sent


def folder(client: IMAPClient, name: str) -> dict[bytes, tuple[set[bytes], bytes]]:
    """A folder's messages by Message-ID: their flags (without \\Recent) and bytes, read with
    BODY.PEEK so that looking changes nothing."""
    client.select_folder(name, readonly=True)
    found = {}
    uids = client.search(["ALL"])
    if uids:
        for data in client.fetch(uids, ["FLAGS", "BODY.PEEK[]"]).values():
            raw = data[b"BODY[]"]
            message_id = next(
                line.split(b":", 1)[1].strip()
                for line in raw.split(b"\r\n")
                if line.lower().startswith(b"message-id:")
            )
            found[message_id] = (set(data[b"FLAGS"]) - {b"\\Recent"}, raw)
    client.close_folder()
    return found


def message_id(raw: bytes) -> bytes:
    return next(
        line.split(b":", 1)[1].strip()
        for line in raw.split(b"\r\n")
        if line.lower().startswith(b"message-id:")
    )


def reader(settings: Settings) -> ImapMailbox:
    return ImapMailbox(mailbox_address(settings.mail.imap, settings.base_dir))


def answers(world: World) -> dict[str, tuple[str, str | None]]:
    return {
        i.email: (i.answer.value, i.source) for i in meeting_answers(world.engine, UID).invitees
    }


def test_replies_are_recorded_and_moved_and_ordinary_mail_stays_untouched_and_unread(
    world: World, mailbox: IMAPClient
) -> None:
    sent = append(mailbox, ARRIVALS, flagged="ordinary_mail_with_a_pdf.eml")
    with reader(world.settings) as imap:
        report = poll_once(world.settings, world.engine, imap, READ_AT)
    assert (report.examined, report.processed) == (10, 7)  # the invitation has a calendar too
    assert len(report.left) == 2

    inbox = folder(mailbox, "INBOX")
    assert set(inbox) == {message_id(sent[name]) for name in LEFT}
    for name in LEFT:
        flags, raw = inbox[message_id(sent[name])]
        assert raw == sent[name], f"{name} was altered"
        assert b"\\Seen" not in flags, f"{name} was marked as read"
    assert inbox[message_id(sent["ordinary_mail_with_a_pdf.eml"])][0] == {b"\\Flagged"}
    processed = folder(mailbox, PROCESSED)
    assert set(processed) == {message_id(sent[n]) for n in ARRIVALS if n not in LEFT}

    assert answers(world) == {
        "zoe.dupont@ville-a.example": ("DECLINED", "calendar"),
        "marc.leroy@ville-a.example": ("TENTATIVE", "calendar"),
        "ines.moreau@ville-a.example": ("ACCEPTED", "calendar"),
        "paul.martin@ville-a.example": ("DECLINED", "calendar"),
        "salle-conseil@ville-a.example": ("ACCEPTED", "calendar"),
    }
    [proposal] = meeting_answers(world.engine, UID).proposals
    assert proposal.email == "zoe.dupont@ville-a.example"


def test_the_next_look_starts_after_the_last_message_and_a_restart_leaves_what_it_left(
    world: World, mailbox: IMAPClient
) -> None:
    append(mailbox, ("reply_for_an_unknown_meeting.eml", "ordinary_newsletter.eml"))
    with reader(world.settings) as imap:
        first = poll_once(world.settings, world.engine, imap, READ_AT)
        again = poll_once(world.settings, world.engine, imap, READ_AT, first.last_uid)
    assert (first.examined, first.processed, again.examined) == (1, 0, 0)
    with reader(world.settings) as imap:
        restarted = poll_once(world.settings, world.engine, imap, READ_AT)
    assert (restarted.examined, restarted.processed) == (1, 0)
    assert len(folder(mailbox, "INBOX")) == 2
    assert not mailbox.folder_exists(PROCESSED)


def test_the_watcher_records_a_reply_as_soon_as_it_arrives(
    world: World, mailbox: IMAPClient
) -> None:
    applied = threading.Event()
    watcher = ReplyWatcher(
        lambda: world.settings, world.engine, fixed_clock(READ_AT), on_applied=applied.set
    )
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,))
    thread.start()
    try:
        time.sleep(1.0)  # connected and waiting (IDLE; poll_interval is 300 s)
        mailbox.append("INBOX", mail("outlook_declined_without_organizer.eml"))
        assert applied.wait(15), "the reply was not read while the watcher waited"
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert answers(world)["zoe.dupont@ville-a.example"] == ("DECLINED", "calendar")
    assert set(folder(mailbox, PROCESSED)) == {
        message_id(mail("outlook_declined_without_organizer.eml"))
    }
    with session_scope(world.engine) as session:
        status = session.execute(select(MailboxStatus)).scalar_one()
    assert (status.error, status.ok_at) == (None, READ_AT)


def failing_watcher(world: World, caplog: pytest.LogCaptureFixture, seconds: float) -> int:
    """Run a watcher with a fast backoff for `seconds`; how many times it failed."""
    watcher = ReplyWatcher(
        lambda: world.settings, world.engine, fixed_clock(READ_AT), backoff=(0.02, 0.1)
    )
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,))
    with caplog.at_level(logging.INFO, logger="rituel.replies"):
        thread.start()
        time.sleep(seconds)
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    return watcher.failures


def check(world: World, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    """`rituel check`'s exit status, and its replies lines by name (from the same checks)."""
    status = main(["check", "--config", str(world.folder / "config.toml")])
    out, _ = capsys.readouterr()
    assert "replies mailbox" in out
    results = run_checks(world.settings, world.engine, READ_AT)
    return status, {r.name: f"{r.level}: {r.detail}" for r in results if "replies" in r.name}


def test_a_refused_login_is_logged_once_retried_with_backoff_and_shown_by_check(
    world: World, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    os.environ[PASSWORD_ENV] = "not-the-password"
    failures = failing_watcher(world, caplog, 1.0)
    assert failures >= 2  # Dovecot delays a second refusal from the same address
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "login refused" in errors[0]
    assert "retrying with backoff" in errors[0]
    with session_scope(world.engine) as session:
        status = session.execute(select(MailboxStatus)).scalar_one()
    assert status.failing_since == READ_AT
    assert "login refused" in (status.error or "")

    code, lines = check(world, capsys)
    assert code == 1, lines
    assert lines["replies mailbox"].startswith("error: camille@127.0.0.1:")
    assert (
        "login refused: [AUTHENTICATIONFAILED] Authentication failed." in lines["replies mailbox"]
    )
    assert lines["replies reader"].startswith(
        "error: the daemon cannot read it since 2026-12-01 09:00 UTC: "
    )


def test_a_server_that_is_down_is_logged_once_and_reading_resumes_when_it_answers(
    world: World,
    server: Dovecot,
    mailbox: IMAPClient,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    down = world.settings.model_copy(
        update={
            "mail": world.settings.mail.model_copy(
                update={"imap": world.settings.mail.imap.model_copy(update={"port": free_port()})}
            )
        }
    )
    current = {"settings": down}
    watcher = ReplyWatcher(
        lambda: current["settings"], world.engine, fixed_clock(READ_AT), backoff=(0.02, 0.1)
    )
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,))
    mailbox.append("INBOX", mail("apple_accepted.eml"))
    with caplog.at_level(logging.INFO, logger="rituel.replies"):
        thread.start()
        try:
            time.sleep(0.5)
            assert watcher.failures >= 2
            current["settings"] = world.settings  # the server is back (the right port)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and answers(world)["ines.moreau@ville-a.example"] != (
                "ACCEPTED",
                "calendar",
            ):
                time.sleep(0.1)
        finally:
            stop.set()
            thread.join(10)
    messages = [r.getMessage() for r in caplog.records]
    assert sum("connection refused" in m for m in messages) == 1
    assert any("reachable again" in m for m in messages)
    assert answers(world)["ines.moreau@ville-a.example"] == ("ACCEPTED", "calendar")


def test_check_reaches_a_good_mailbox(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    _, lines = check(world, capsys)
    port = world.settings.mail.imap.port
    assert lines["replies mailbox"] == f"ok: camille@127.0.0.1:{port}/INBOX (facilitator's)"
    assert "replies reader" not in lines
    assert lines["replies placement"].startswith("warning: placement 'facilitator'")


def test_a_reply_older_than_the_recorded_answer_is_moved_but_changes_nothing(
    world: World, mailbox: IMAPClient
) -> None:
    zoe = "zoe.dupont@ville-a.example"
    mailbox.append("INBOX", reply_mail(zoe, "DECLINED", datetime(2026, 11, 30, tzinfo=UTC)))
    mailbox.append("INBOX", reply_mail(zoe, "ACCEPTED", datetime(2026, 11, 29, tzinfo=UTC)))
    with reader(world.settings) as imap:
        report = poll_once(world.settings, world.engine, imap, READ_AT)
    assert report.processed == 2
    assert answers(world)[zoe] == ("DECLINED", "calendar")
    assert len(folder(mailbox, PROCESSED)) == 2
