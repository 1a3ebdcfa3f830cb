"""Helpers to drive the real daemon process: a config with an SMTP relay, start, wait, stop, and
read the outbox straight from the SQLite file while the daemon runs."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

import httpx

from scheduler.core.kinds import RITUALS, OrganisationRole, RitualKind
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Contact, Organisation

RITUEL = [sys.executable, "-m", "scheduler.cli"]
PASSWORD_ENV = "RITUEL_TEST_SMTP_PASSWORD"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def meeting_month(today: date | None = None) -> int:
    """A month whose meetings are 1 to 3 months away, so that an invitation sent 120 days
    before is due at once, whatever day the test runs."""
    today = today or date.today()
    return (today.month + 1) % 12 + 1


def territory_config(
    folder: Path,
    *,
    web_port: int = 0,
    mail: str = "",
    smtp: str = "",
    daemon: str = "",
    month: int | None = None,
) -> Path:
    """A config.toml with one territory ritual (the steering committee, for partners, in
    `month`, invitations 120 days before, no reminder); every other kind off, no blackout."""
    others = "".join(
        f"\n[rituals.{kind.value}]\nenabled = false\n"
        for kind in RITUALS
        if kind is not RitualKind.STEERING_COMMITTEE
    )
    text = f"""
[organisation]
name = "Guichet de test"
uid_domain = "test.example"
blackouts = []

[storage]
url = "sqlite:///rituel.db"

[planning]
horizon_months = 6

[[facilitators]]
id = "camille"
name = "Camille Roussel"
email = "camille@guichet.example"

[feeds]
dir = "calendars"

[web]
port = {web_port}

[mail]
outbox_dir = "outbox"
sender = "rituel@guichet.example"
{mail}

[mail.smtp]
{smtp}

[daemon]
{daemon}

[rituals.steering_committee]
cadence = "yearly"
months = [{month or meeting_month()}]
audience = ["partner"]
invite_days_before = 120
reminders_days_before = []
{others}
"""
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def smtp_table(port: int, ca_file: Path, **overrides: object) -> str:
    """[mail.smtp] keys for the test relay: STARTTLS, AUTH, its certificate trusted."""
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "starttls",
        "username": "rituel",
        "password_env": PASSWORD_ENV,
        "ca_file": str(ca_file),
        "timeout_seconds": 10,
        "concurrency": 4,
        "rate_per_minute": 60_000,
        **overrides,
    }
    return "\n".join(f"{key} = {_toml(value)}" for key, value in values.items())


def _toml(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def add_partners(config: Path, count: int) -> list[str]:
    """A partner organisation with `count` contacts; their addresses."""
    from scheduler.config import load_settings

    engine = open_database(load_settings(config).database_url)
    emails = [f"contact{n:04d}@partenaire.example" for n in range(count)]
    with session_scope(engine) as session:
        org = Organisation(
            slug="reseau-partenaires",
            name="Réseau des partenaires",
            role=OrganisationRole.PARTNER,
            kind="plie",
        )
        session.add(org)
        session.flush()
        assert org.id is not None
        session.add_all(
            Contact(organisation_id=org.id, name=f"Contact {n}", email=email)
            for n, email in enumerate(emails)
        )
    engine.dispose()
    return emails


@dataclass
class DaemonProcess:
    """A running `rituel run`, its output going to a file (a pipe nobody reads could fill)."""

    process: subprocess.Popen[bytes]
    log: Path
    _file: IO[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        if not self._file.closed:
            self._file.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is released but what the OS releases."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self._file.close()

    def terminate(self, timeout: float = 30) -> tuple[int, float, str]:
        """SIGTERM, then wait: the exit status, the seconds it took, the output."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=timeout)
        took = time.monotonic() - started
        self._file.close()
        return status, took, self.output()


def start_daemon(config: Path, *extra: str, env: dict[str, str] | None = None) -> DaemonProcess:
    """`rituel run --config CONFIG EXTRA…` in the config's folder."""
    log = config.parent / f"daemon-{time.monotonic_ns()}.log"
    handle = log.open("wb")
    process = subprocess.Popen(
        [*RITUEL, "run", "--config", str(config), *extra],
        stdout=handle,
        stderr=subprocess.STDOUT,
        cwd=config.parent,
        env={**os.environ, **(env or {})},
    )
    return DaemonProcess(process, log, handle)


def wait_for(
    condition: Callable[[], bool],
    what: str,
    daemon: DaemonProcess | None = None,
    timeout: float = 30,
    poll: float = 0.05,
) -> None:
    """Poll `condition` until it holds; fail with `what` (and the daemon's output)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if daemon is not None and not daemon.alive():
            raise AssertionError(f"the daemon died waiting for {what}:\n{daemon.output()}")
        if time.monotonic() > deadline:
            output = daemon.output() if daemon is not None else ""
            raise AssertionError(f"timed out waiting for {what}\n{output}")
        time.sleep(poll)


def healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


class Outbox:
    """The outbox table, read with sqlite3 while the daemon writes (WAL: readers never wait)."""

    def __init__(self, database: Path) -> None:
        self.database = database

    def _query(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        if not self.database.exists():
            return []
        connection = sqlite3.connect(self.database, timeout=10)
        try:
            return connection.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:  # the schema is not migrated yet
            if "no such table" in str(exc):
                return []
            raise
        finally:
            connection.close()

    def count(self, state: str) -> int:
        rows = self._query("SELECT count(*) FROM message WHERE state = ?", state)
        return int(str(rows[0][0])) if rows else 0

    def states(self) -> dict[str, int]:
        rows = self._query("SELECT state, count(*) FROM message GROUP BY state")
        return {str(state): int(str(count)) for state, count in rows}

    def message_ids(self, state: str | None = None) -> set[str]:
        if state is None:
            return {str(r[0]) for r in self._query("SELECT message_id FROM message")}
        sql = "SELECT message_id FROM message WHERE state = ?"
        return {str(r[0]) for r in self._query(sql, state)}

    def rows(self) -> list[dict[str, object]]:
        columns = ("id", "kind", "state", "recipient", "message_id", "attempts", "lease_owner")
        sql = f"SELECT {', '.join(columns)} FROM message ORDER BY id"
        return [dict(zip(columns, row, strict=True)) for row in self._query(sql)]


MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)


def message_id_of(data: bytes) -> str:
    """The Message-ID header of raw message bytes."""
    head = data.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    found = MESSAGE_ID.search(head)
    assert found is not None, head[:500]
    return found.group(1).decode()
