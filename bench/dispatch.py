"""Benchmark: 2,000 invitations to an SMTP server (aiosmtpd, in another process), sent two ways
in the same run over the same number of connections:

1. ours: through the outbox — claimed with a lease, rendered at send time (templates, iTIP,
   MIME), sent by SmtpTransport, state persisted per message in SQLite;
2. bare aiosmtplib: the same messages, built beforehand, sent with `sendmail`.

Prints both rates and their ratio (the target is ours ≥ 0.5× bare).

    .venv/bin/python bench/dispatch.py [--messages 2000 | --buyers N] [--connections 10]

`--buyers N`: one invitation per buyer's contact (sets --messages). With --json, prints the
figures `make bench` tabulates (bench/suite.py) instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosmtplib
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler.clock import fixed_clock
from scheduler.config import Settings, settings_from_dict
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import MessageIntent, message_key
from scheduler.mail.transport import SmtpTransport
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.outbox import Composed, dispatch, enqueue
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Contact, Invitation, Message, Occurrence, Organisation, Ritual

NOW = datetime(2027, 8, 20, 8, 0, tzinfo=UTC)
START = datetime(2027, 9, 16, 16, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(port: int) -> subprocess.Popen[bytes]:
    """aiosmtpd's Sink handler (accepts and drops every message) in another process."""
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
         "-l", f"127.0.0.1:{port}"],
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("aiosmtpd did not start")


def make_settings(folder: Path, port: int, connections: int) -> Settings:
    raw = {
        "organisation": {
            "name": "Guichet clause sociale de Lisière",
            "uid_domain": "bench.example",
        },
        "storage": {"url": f"sqlite:///{folder / 'bench.db'}"},
        "facilitators": [{"id": "nadia", "name": "Nadia Benali", "email": "nadia@guichet.example"}],
        "rituals": {"after_work": {"location": "Le Comptoir solidaire, 4 quai des Mariniers"}},
        "mail": {
            "transport": "smtp",
            "sender": "rituel@guichet.example",
            "smtp": {
                "host": "127.0.0.1",
                "port": port,
                "security": "none",
                "username": "",
                "concurrency": connections,
                "rate_per_minute": 10_000_000,
            },
        },
    }
    return settings_from_dict(raw, folder / "config.toml")


def seed(settings: Settings, count: int) -> Engine:
    """One after-work and `count` invited contacts, each with an invitation in the outbox."""
    engine = open_database(settings.database_url)
    with session_scope(engine) as session:
        org = Organisation(slug="ville", name="Ville de Lisière", role=OrganisationRole.BUYER)
        session.add(org)
        session.flush()
        ritual = Ritual(key="after_work", kind=RitualKind.AFTER_WORK.value)
        session.add(ritual)
        session.flush()
        assert ritual.id is not None
        occurrence = Occurrence(
            ritual_id=ritual.id, key="after_work:2027-09", uid="aw-2027-09@bench.example",
            kind=RitualKind.AFTER_WORK.value, facilitator_id="nadia", theme="Les marchés réservés",
            start=START, end=START + timedelta(hours=2), status=OccurrenceStatus.ANNOUNCED,
            changed_at=NOW - timedelta(days=10),
        )  # fmt: skip
        session.add(occurrence)
        session.flush()
        session.execute(
            insert(Contact),
            [
                {"organisation_id": org.id, "name": f"Acheteur n°{n} Écoute", "job": "",
                 "email": f"buyer{n}@ville-lisiere.example", "locale": "fr" if n % 5 else "en",
                 "kinds": "", "unsubscribed_kinds": "", "unsubscribed": False}
                for n in range(count)
            ],
        )  # fmt: skip
        contacts = list(session.scalars(select(Contact)))
        session.execute(
            insert(Invitation),
            [{"occurrence_id": occurrence.id, "contact_id": c.id} for c in contacts],
        )
        intents = [
            MessageIntent(
                kind=MessageKind.INVITE,
                key=message_key(MessageKind.INVITE, f"occ:{occurrence.id}", c.email),
                recipient=c.email,
                recipient_name=c.name,
                locale=c.locale,
                due_at=NOW,
                occurrence_id=occurrence.id,
                contact_id=c.id,
            )
            for c in contacts
        ]
        enqueue(session, intents, NOW, "bench.example")
    return engine


async def ours(settings: Settings, engine: Engine) -> tuple[float, int]:
    transport = SmtpTransport(settings.mail.smtp)
    started = time.perf_counter()
    async with transport:
        report = await dispatch(
            engine, transport, StoreComposer(settings), fixed_clock(NOW), chunk=400
        )
    return time.perf_counter() - started, report.sent


def prebuilt(settings: Settings, engine: Engine) -> list[Composed]:
    """The same invitations, rendered beforehand (not timed)."""
    composer = StoreComposer(settings)
    with session_scope(engine) as session:
        rows = list(session.scalars(select(Message)))
        built = [composer.compose(session, row, NOW) for row in rows]
    return [item for item in built if isinstance(item, Composed)]


async def bare(port: int, messages: list[bytes], recipients: list[str], connections: int) -> float:
    queue: asyncio.Queue[tuple[bytes, str]] = asyncio.Queue()
    for pair in zip(messages, recipients, strict=True):
        queue.put_nowait(pair)

    async def worker() -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, start_tls=False)
        await client.connect()
        while not queue.empty():
            data, recipient = queue.get_nowait()
            await client.sendmail("rituel@guichet.example", [recipient], data)
        await client.quit()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--buyers", type=int, help="one invitation per buyer (sets --messages)")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    args.messages = args.buyers or args.messages

    port = free_port()
    server = start_server(port)
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = make_settings(Path(folder), port, args.connections)
            engine = seed(settings, args.messages)
            built = prebuilt(settings, engine)
            data = [item.email.as_bytes() for item in built]
            recipients = [item.recipients[0] for item in built]

            elapsed, sent = asyncio.run(ours(settings, engine))
            with session_scope(engine) as session:
                states = set(session.scalars(select(Message.state)))
            assert sent == args.messages, sent
            assert states == {MessageState.SENT}, states
            ours_rate = sent / elapsed

            bare_rate = len(data) / asyncio.run(bare(port, data, recipients, args.connections))
            engine.dispose()
    finally:
        server.terminate()
        server.wait(timeout=10)

    size = sum(map(len, data)) / len(data)
    if args.json:
        figure = {
            "name": "dispatch: per invitation",
            "ours": 1000 / ours_rate,
            "bare": 1000 / bare_rate,
            "unit": "ms",
            "bare_is": f"bare aiosmtplib sendmail, pre-built, {args.connections} connections",
        }
        print(json.dumps([figure]))
        return
    print(
        f"{args.messages} invitations (~{size / 1024:.1f} KiB each), {args.connections} connections"
    )
    print(f"  ours (outbox: claim, render, send, record): {ours_rate:7.0f} messages/s")
    print(f"  bare aiosmtplib, pre-built messages:        {bare_rate:7.0f} messages/s")
    print(f"  ratio ours / bare: {ours_rate / bare_rate:.2f} (target ≥ 0.5)")


if __name__ == "__main__":
    main()
