"""The real daemon reading calendar replies from a real Dovecot: a mailbox that cannot be
reached is logged once and never stops it; once reachable (after a SIGHUP with the right port)
a reply that arrives is recorded."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from scheduler.service.answer.answers import meeting_answers
from scheduler.store.db import session_scope
from scheduler.store.models import Occurrence
from tests.daemon.test_daemon_process import free_port, start, stop, wait_healthy
from tests.dovecot import Dovecot, start_dovecot
from tests.feed_factories import make_world
from tests.reply_factories import reply_mail

PASSWORD_ENV = "RITUEL_TEST_IMAP_PASSWORD"
ZOE = "zoe.dupont@ville-a.example"


@pytest.fixture
def server() -> Iterator[Dovecot]:
    yield from start_dovecot()


def test_the_daemon_survives_an_unreachable_mailbox_and_records_replies_once_it_is_back(
    server: Dovecot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, server.password)
    web = free_port()
    good = server.config(password_env=PASSWORD_ENV) + f"\n[web]\nport = {web}\n"
    wrong = good.replace(f"port = {server.port}\n", f"port = {free_port()}\n")
    world = make_world(tmp_path, wrong)
    zoe = world.contact(world.buyer("ville-a", "Ville A"), ZOE, "Zoé Dupont")
    config = tmp_path / "config.toml"
    process = start(config)
    recorded = None
    try:
        wait_healthy(web, process)
        meeting = planned_meeting(world.engine)
        world.invite(meeting, zoe)
        time.sleep(1.0)  # failed attempts meanwhile
        assert process.poll() is None
        config.write_text(config.read_text().replace(wrong, good))
        process.send_signal(signal.SIGHUP)
        client = server.client()
        client.append("INBOX", reply_mail(ZOE, "DECLINED", datetime.now(UTC), uid=meeting.uid))
        client.logout()
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            [invitee] = meeting_answers(world.engine, meeting.uid).invitees
            recorded = (invitee.answer.value, invitee.source)
            if recorded == ("DECLINED", "calendar"):
                break
            time.sleep(0.3)
        wait_healthy(web, process)
    finally:
        status, output = stop(process)
    assert recorded == ("DECLINED", "calendar"), output
    assert status == 0, output
    assert output.count("connection refused") == 1, output
    assert "reachable again" in output
    assert f"reply applied: {ZOE} declined {meeting.uid}" in output


def planned_meeting(engine: object) -> Occurrence:
    """A meeting the daemon planned (waiting for its first plan)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with session_scope(engine) as session:  # type: ignore[arg-type]
            found = (
                session.execute(
                    select(Occurrence)
                    .where(col(Occurrence.status) != "cancelled")
                    .order_by(col(Occurrence.start))
                )
                .scalars()
                .first()
            )
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError("the daemon planned nothing")
