"""Idle by design: the daemon sleeps until something falls due, and a change made through any
entry point — the operator's CLI, the web app, a reply read from the mailbox — is acted on
within a second, without waiting for the safety tick (ten minutes here)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlmodel import col

from scheduler.clock import fixed_clock
from scheduler.config import load_settings
from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.messages import MessageKind
from scheduler.daemon import Daemon
from scheduler.service import wake
from scheduler.service.access.signing import SECRET_ENV
from scheduler.service.answer import rsvp
from scheduler.service.deliver.enqueue import enqueue_due, message_rules, next_digest
from scheduler.store import notices
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Invitation, Message, Occurrence
from tests.daemon.process import free_port
from tests.databases import POSTGRES_URL, postgres_schema_url
from tests.factories import BASE_CONFIG, settings_in
from tests.world import RITUALS, World, at, make_world

NOW = at("2026-11-25 10:00")
"""The daemon's clock: a Wednesday morning."""
MEETING = at("2026-11-27 10:00")
"""A programming review on Friday: its 1-day reminder is due Thursday 09:00, 23 hours ahead."""
WITHIN = 1.0
SAFETY_TICK = 600


@dataclass
class Running:
    """A daemon asleep in this process, with one invitee of one meeting."""

    daemon: Daemon
    world: World
    occurrence: Occurrence
    invitee: int
    invitation: int
    config: Path

    def messages(self, kind: MessageKind) -> list[str]:
        with session_scope(self.world.engine) as session:
            return list(
                session.exec(
                    select(col(Message.state))
                    .where(col(Message.kind) == kind)
                    .where(col(Message.occurrence_id) == self.occurrence.id)
                    .order_by(col(Message.id))
                ).scalars()
            )

    def asleep_for(self) -> float:
        """Seconds until the mail step's next run."""
        assert self.daemon.scheduler is not None
        job = self.daemon.scheduler.get_job("cycle")
        assert job is not None
        assert job.next_run_time is not None
        return (job.next_run_time - datetime.now(UTC)).total_seconds()


async def within(seconds: float, condition: Callable[[], bool]) -> float:
    """Wait for `condition`; how long it took (fails after `seconds`)."""
    started = time.monotonic()
    while not condition():
        took = time.monotonic() - started
        assert took <= seconds, f"not acted on within {seconds} s"
        await asyncio.sleep(0.02)
    return time.monotonic() - started


@pytest.fixture(autouse=True)
def _no_secret_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    config = tmp_path / "config.toml"
    config.write_text(
        BASE_CONFIG.replace("{url}", "sqlite:///rituel.db").replace(
            "[mail]\n", f"[mail]\ndispatch_interval_seconds = {SAFETY_TICK}\n"
        )
        + RITUALS
        + f'\n[web]\nhost = "127.0.0.1"\nport = {free_port()}\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    world = World(settings, open_database(settings.database_url), tmp_path)
    buyer = world.buyer("ville-a", "Ville A")
    invitee = world.contact(buyer, "zoe@ville.example", "Zoé Dupont")
    occurrence = world.occurrence(RitualKind.PROGRAMMING_REVIEW, MEETING, buyer=buyer)
    invitation = world.invite(occurrence, invitee)
    daemon = Daemon(config, clock=fixed_clock(NOW), serve_web=True)
    task = asyncio.create_task(daemon.run_forever())
    state = Running(daemon, world, occurrence, invitee, invitation, config)
    # At start it invites, sends the (late) 7-day reminder and keeps the 1-day one for tomorrow.
    await within(30, lambda: state.messages(MessageKind.REMINDER) == ["sent", "pending"])
    await within(30, lambda: not daemon._running and state.asleep_for() > 3600)
    yield state
    daemon.stop()
    await asyncio.wait_for(task, 30)
    world.engine.dispose()


async def test_an_idle_daemon_sleeps_until_the_next_reminder(running: Running) -> None:
    woken = running.daemon.wakeups
    await asyncio.sleep(2)
    assert running.daemon.wakeups == woken
    reminder_due = at("2026-11-26 09:00")
    assert running.asleep_for() == pytest.approx((reminder_due - NOW).total_seconds(), abs=5)


async def test_a_decline_on_the_web_cancels_the_pending_reminder_at_once(running: Running) -> None:
    page = rsvp.rsvp_page_url(running.world.settings, running.invitation, running.occurrence.end)
    path = page.removeprefix(running.world.settings.feeds.base_url)
    base = f"http://127.0.0.1:{running.world.settings.web.port}"
    async with httpx.AsyncClient(base_url=base) as client:
        answered = await client.post(path, data={"answer": "declined"})
    assert answered.status_code == 200
    await within(WITHIN, lambda: running.messages(MessageKind.REMINDER) == ["sent", "cancelled"])


async def test_a_reply_read_from_the_mailbox_is_acted_on_at_once(running: Running) -> None:
    """What the IMAP poller will do: record the answer, then call `wake.changed`."""

    def record_reply() -> None:
        with session_scope(running.world.engine) as session:
            invitation = session.exec(select(Invitation)).scalar_one()
            invitation.partstat = PartStat.DECLINED
            session.add(invitation)
        wake.changed("reply", [running.occurrence.id or 0])

    threading.Thread(target=record_reply).start()
    await within(WITHIN, lambda: running.messages(MessageKind.REMINDER) == ["sent", "cancelled"])


async def test_a_cancellation_from_the_cli_is_mailed_at_once(running: Running) -> None:
    """The CLI is another process: the daemon notices its commit on the SQLite file."""
    command = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "scheduler.cli",
        "occurrence",
        "cancel",
        running.occurrence.uid,
        "--config",
        str(running.config),
        "--now",
        NOW.isoformat(),
        cwd=running.config.parent,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    await within(60, lambda: running.messages(MessageKind.CANCEL) != [])  # the CLI committed
    await within(WITHIN, lambda: running.messages(MessageKind.CANCEL) == ["sent"])
    _, errors = await command.communicate()
    assert command.returncode == 0, errors.decode()
    assert running.messages(MessageKind.REMINDER) == ["sent", "cancelled"]


# --- what falls due next ------------------------------------------------------------------------


def test_a_full_pass_says_when_the_next_invitation_is_due(tmp_path: Path) -> None:
    """A meeting nobody was told about yet, 40 days ahead: its audience is invited 30 days
    ahead (the programming review's default), the pass a day earlier writes the invitation."""
    world = make_world(tmp_path)
    buyer = world.buyer("ville-a", "Ville A")
    world.contact(buyer, "zoe@ville.example", "Zoé Dupont")
    start = NOW + timedelta(days=60)
    world.occurrence(
        RitualKind.PROGRAMMING_REVIEW, start, buyer=buyer, status=OccurrenceStatus.PLANNED
    )
    report = enqueue_due(world.engine, world.settings, NOW)
    invite_days = message_rules(world.settings).invite_days(RitualKind.PROGRAMMING_REVIEW)
    digest = next_digest(message_rules(world.settings), NOW)
    expected = min(start - timedelta(days=invite_days + 1), digest)
    assert report.next_due == expected
    assert report.next_due > NOW


def test_the_next_digest_is_the_coming_monday_morning(tmp_path: Path) -> None:
    settings, engine = settings_in(tmp_path)
    engine.dispose()
    rules = message_rules(settings)
    assert next_digest(rules, NOW) == at("2026-11-30 08:00")
    assert next_digest(rules, at("2026-11-30 08:00")) == at("2026-12-07 08:00")


def test_on_postgresql_a_change_in_another_process_reaches_the_listener() -> None:
    """Instances sharing a PostgreSQL database wake each other with LISTEN/NOTIFY, on their
    schema's channel: this test's schema is its own, so a notice of another install (another
    test run on the same database, here one in the default schema) never reaches it."""
    for url in postgres_schema_url():
        engine = create_engine(url)
        elsewhere = create_engine(POSTGRES_URL)
        assert notices.channel_of(elsewhere) == "rituel_changes"  # the default is unchanged
        assert notices.channel_of(engine).startswith("rituel_changes_")
        heard: list[wake.Change] = []
        stop = threading.Event()
        listening = threading.Thread(target=wake.listen, args=(engine, heard.append, stop.is_set))
        listening.start()
        try:
            time.sleep(1.5)  # LISTEN is in place
            script = (
                "from sqlalchemy import create_engine; from scheduler.service import wake; "
                f"wake.changed('plan', engine=create_engine({POSTGRES_URL!r})); "
                f"wake.changed('import', engine=create_engine({url!r}))"
            )
            subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
            deadline = time.monotonic() + 5
            while not heard and time.monotonic() < deadline:
                time.sleep(0.02)
            assert heard == [wake.Change("import")]  # sent after 'plan', which never comes
            wake.changed("attendance", engine=engine)  # our own notices are not news
            time.sleep(1.5)
            assert heard == [wake.Change("import")]
        finally:
            stop.set()
            listening.join(10)
            engine.dispose()
            elsewhere.dispose()
