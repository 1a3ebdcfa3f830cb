"""Several instances on one PostgreSQL database sending one outbox to one SMTP server.

The outbox holds `messages` reminders (the smallest mail the product sends about a meeting:
no calendar part), written by the product's own enqueue for one after-work with that many
invited buyers. Then `instances` processes run `rituel outbox send` (the daemon's mail step:
enqueue, then claim with SKIP LOCKED and a lease, render, send, record) at the same instant
against an SMTP server that writes down every Message-ID it receives.

With `kill`, the first instance is killed (SIGKILL) once it holds claimed rows and a quarter
of the mail has arrived. Its rows stay in `sending` under its lease; an instance running once
the lease has expired (`--now` 6 minutes later: the lease is 5) claims them again and sends
them with the same Message-ID. What the dead instance had already handed to the server
before dying is therefore delivered twice: at most its rows in flight, never more, and
nothing is lost.

Used by tests/scale/test_multi_instance.py (2,000 mails) and bench/multi_instance.py
(10,000).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine

from scheduler.config import Settings, load_settings
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.service.deliver.enqueue import enqueue_due
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Contact, Message, Occurrence, Organisation, Ritual

START = datetime(2027, 9, 16, 16, 0, tzinfo=UTC)
INVITED_AT = START - timedelta(days=21)
REMINDED_AT = START - timedelta(days=7) + timedelta(minutes=1)
AFTER_LEASE = REMINDED_AT + timedelta(minutes=6)
PROCESS_TIMEOUT = 600.0

CONFIG = """
[organisation]
name = "Guichet clause sociale de Lisière"
uid_domain = "scale.example"

[storage]
url = "{url}"

[[facilitators]]
id = "nadia"
name = "Nadia Benali"
email = "nadia@guichet.example"

[rituals.after_work]
location = "Le Comptoir solidaire, 4 quai des Mariniers"

[feeds]
dir = "calendars"

[mail]
transport = "smtp"
sender = "rituel@guichet.example"

[mail.smtp]
host = "127.0.0.1"
port = {port}
security = "none"
username = ""
concurrency = 10
rate_per_minute = 10000000
"""


@dataclass(frozen=True)
class Outcome:
    """What the server received, against what the outbox holds."""

    messages: int
    instances: int
    seconds: float
    """From the instances' start to the last one's exit (recovery included)."""
    received: Counter[str]
    killed_in_flight: int | None
    """Rows the killed instance had claimed and not recorded (None: nobody was killed)."""
    lost: int
    """Rows of the outbox whose Message-ID never arrived."""
    strangers: int
    """Message-IDs received that the outbox does not hold."""
    unsent_rows: int
    """Reminders not in state `sent` at the end."""

    @property
    def duplicates(self) -> int:
        """Deliveries beyond the first of each Message-ID."""
        return sum(count - 1 for count in self.received.values() if count > 1)

    @property
    def rate(self) -> float:
        """Messages per second, all instances together."""
        return self.messages / self.seconds


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def seed(url: str, folder: Path, port: int, messages: int) -> tuple[Path, Settings, Engine]:
    """A configuration, one after-work with `messages` invited buyers whose invitations went out
    three weeks ago, and their 7-day reminders pending in the outbox."""
    config = folder / "config.toml"
    config.write_text(CONFIG.format(url=url, port=port), encoding="utf-8")
    settings = load_settings(config)
    engine = open_database(url)
    with session_scope(engine) as session:
        org = Organisation(slug="ville", name="Ville de Lisière", role=OrganisationRole.BUYER)
        session.add(org)
        ritual = Ritual(key="after_work:territory", kind=RitualKind.AFTER_WORK.value)
        session.add(ritual)
        session.flush()
        assert ritual.id is not None
        session.add(
            Occurrence(
                ritual_id=ritual.id,
                key="after_work:2027-09",
                uid="aw-2027-09@scale.example",
                kind=RitualKind.AFTER_WORK.value,
                facilitator_id="nadia",
                theme="Les marchés réservés",
                start=START,
                end=START + timedelta(hours=2),
                status=OccurrenceStatus.PLANNED,
                changed_at=INVITED_AT - timedelta(days=10),
            )
        )
        session.execute(
            insert(Contact),
            [
                {
                    "organisation_id": org.id,
                    "name": f"Acheteuse n°{n}",
                    "email": f"buyer{n}@ville-lisiere.example",
                    "job": "",
                    "locale": "fr" if n % 5 else "en",
                    "kinds": "",
                    "unsubscribed_kinds": "",
                    "unsubscribed": False,
                }
                for n in range(messages)
            ],
        )
    enqueue_due(engine, settings, INVITED_AT)
    with session_scope(engine) as session:  # the invitations went out three weeks ago
        session.execute(
            update(Message).values(state=MessageState.SENT, sent_at=INVITED_AT, attempts=1)
        )
    enqueue_due(engine, settings, REMINDED_AT)
    with session_scope(engine) as session:
        pending = session.execute(
            select(Message.kind, func.count())
            .where(Message.state == MessageState.PENDING)
            .group_by(Message.kind)
        ).all()
    assert [tuple(row) for row in pending] == [(MessageKind.REMINDER, messages)], pending
    return config, settings, engine


def start_server(port: int, record: Path) -> subprocess.Popen[str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.scale.counting_smtp", str(port), str(record)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    if server.stdout.readline().strip() != "ready":
        server.kill()
        raise RuntimeError("the counting SMTP server did not start")
    return server


def send(config: Path, now: datetime) -> subprocess.Popen[bytes]:
    """One instance: `rituel outbox send` at `now`."""
    return subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "outbox", "send", "--config", str(config),
         "--now", now.isoformat()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip


def finish(process: subprocess.Popen[bytes]) -> None:
    _, err = process.communicate(timeout=PROCESS_TIMEOUT)
    if process.returncode != 0:
        raise RuntimeError(f"rituel outbox send exited {process.returncode}: {err.decode()}")


def lines(record: Path) -> int:
    with record.open("rb") as handle:
        return sum(1 for _ in handle)


def in_flight(engine: Engine, pid: int) -> int:
    """Rows a process holds under its lease (the owner names the pid)."""
    with session_scope(engine) as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(Message)
                .where(Message.state == MessageState.SENDING)
                .where(Message.lease_owner.like(f"%:{pid}:%"))  # type: ignore[union-attr]
            ).scalar_one()
        )


def kill_midway(engine: Engine, victim: subprocess.Popen[bytes], record: Path, total: int) -> int:
    """SIGKILL `victim` once a quarter of the mail has arrived, at a moment it holds claimed
    rows; return how many rows it left in flight.

    It is frozen (SIGSTOP) first and the rows counted then, so a commit it sent just before
    cannot empty its hands between the count and the kill."""
    deadline = time.monotonic() + PROCESS_TIMEOUT
    while time.monotonic() < deadline and victim.poll() is None:
        if lines(record) >= total // 4:
            os.kill(victim.pid, signal.SIGSTOP)
            time.sleep(0.1)  # let a commit already on the wire land
            if in_flight(engine, victim.pid) > 0:
                os.kill(victim.pid, signal.SIGKILL)
                victim.communicate()
                return in_flight(engine, victim.pid)
            os.kill(victim.pid, signal.SIGCONT)
        time.sleep(0.02)
    raise RuntimeError("the instance to kill finished before it could be killed")


def run_scenario(
    url: str, folder: Path, *, messages: int, instances: int = 3, kill: bool = False
) -> Outcome:
    """Seed, send with `instances` processes (killing one when asked), recover, count."""
    port = free_port()
    record = folder / "received.txt"
    record.touch()
    config, _, engine = seed(url, folder, port, messages)
    server = start_server(port, record)
    try:
        started = time.perf_counter()
        running = [send(config, REMINDED_AT) for _ in range(instances)]
        killed: int | None = None
        if kill:
            killed = kill_midway(engine, running[0], record, messages)
            running = running[1:]
        for process in running:
            finish(process)
        if kill:
            finish(send(config, AFTER_LEASE))
        seconds = time.perf_counter() - started
        time.sleep(0.2)  # the server's last line is flushed once the client has its 250
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)
    received = Counter(record.read_text(encoding="ascii").split())
    with session_scope(engine) as session:
        outbox = set(
            session.scalars(select(Message.message_id).where(Message.kind == MessageKind.REMINDER))
        )
        unsent = session.execute(
            select(func.count())
            .select_from(Message)
            .where(Message.kind == MessageKind.REMINDER)
            .where(Message.state != MessageState.SENT)
        ).scalar_one()
    engine.dispose()
    return Outcome(
        messages=messages,
        instances=instances,
        seconds=seconds,
        received=received,
        killed_in_flight=killed,
        lost=len(outbox - set(received)),
        strangers=len(set(received) - outbox),
        unsent_rows=int(unsent),
    )
