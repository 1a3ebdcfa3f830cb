"""Benchmark: the idle daemon (`rituel run`, web app on) with N buyers, one contact each, every
ritual planned over 24 months: how long its first start takes to go quiet (plan, enqueue, send,
export), how long a restart with nothing changed takes to go quiet (what an operator sees after
each restart), then CPU and RSS over a window after that restart (targets at the demo's size:
< 0.5 % CPU, < 150 MB).
A daemon still busy after --settle-limit seconds is measured anyway, and said so. Beside it,
in the same run, the bare libraries idling the same way: an APScheduler AsyncIOScheduler with
the same three jobs doing nothing and uvicorn serving a one-route Starlette app.

    .venv/bin/python bench/idle.py [--buyers 1000] [--seconds 30] [--settle-limit 180] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plan import config_text, seed  # bench/plan.py

from scheduler.config import load_settings
from scheduler.service.plan.planning import plan_and_store
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Contact, Organisation

HZ = os.sysconf("SC_CLK_TCK")
QUIET_PERCENT = 2.0

BARE = """
import asyncio, sys
import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

async def nothing() -> None:
    pass

async def health(request):
    return PlainTextResponse("ok")

async def main() -> None:
    scheduler = AsyncIOScheduler(job_defaults={"coalesce": True, "misfire_grace_time": 300})
    scheduler.add_job(nothing, CronTrigger(hour=2), id="plan")
    scheduler.add_job(nothing, IntervalTrigger(seconds=30), id="cycle")
    scheduler.add_job(nothing, IntervalTrigger(seconds=300), id="export")
    scheduler.start()
    app = Starlette(routes=[Route("/health", health)])
    config = uvicorn.Config(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
    await uvicorn.Server(config).serve()

asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def prepare(folder: Path, buyers: int, port: int) -> Path:
    """A configuration and a database with `buyers` buyers (one contact each), planned; the
    daemon does its first enqueue, send and export itself."""
    config = folder / "config.toml"
    facilitators = max(1, buyers // 50)
    config.write_text(
        config_text(facilitators)
        + f'\n[web]\nhost = "127.0.0.1"\nport = {port}\n'
        + '[mail]\ntransport = "file"\nsender = "rituel@guichet.example"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    engine = open_database(settings.database_url)
    seed(engine, buyers, facilitators)
    with session_scope(engine) as session:
        ids = session.execute(select(Organisation.id)).scalars().all()  # type: ignore[call-overload]
        session.execute(
            insert(Contact),
            [
                {"organisation_id": org_id, "name": f"Acheteur {org_id}", "job": "",
                 "email": f"buyer{org_id}@bench.example", "locale": "fr", "kinds": "",
                 "unsubscribed_kinds": "", "unsubscribed": False}
                for org_id in ids
            ],
        )  # fmt: skip
    plan_and_store(settings, engine, datetime.now(UTC))
    engine.dispose()
    return config


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def settle(pid: int, started: float, limit: float) -> bool:
    """Wait (at least 5 s, at most `limit`) until a 3-second window uses under QUIET_PERCENT
    of a CPU; False when it never did."""
    time.sleep(5)
    while time.monotonic() - started < limit:
        before = cpu_ticks(pid)
        time.sleep(3)
        if (cpu_ticks(pid) - before) / HZ / 3 * 100 < QUIET_PERCENT:
            return True
    return False


def first_start(command: list[str], cwd: Path, limit: float) -> tuple[float, bool]:
    """Start `command`, wait until it is quiet (or `limit`), stop it: the seconds it took and
    whether it went quiet."""
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        started = time.monotonic()
        quiet = settle(process.pid, started, limit)
        return time.monotonic() - started, quiet
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(
    command: list[str], cwd: Path, seconds: float, limit: float
) -> tuple[float, float, float, bool]:
    """CPU % and RSS (MB) of `command` over `seconds` once idle (or once `limit` is over); its
    start-up time (s); whether it went idle."""
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        started = time.monotonic()
        quiet = settle(process.pid, started, limit)
        startup = time.monotonic() - started
        before, at = cpu_ticks(process.pid), time.monotonic()
        time.sleep(seconds)
        used = (cpu_ticks(process.pid) - before) / HZ
        cpu = used / (time.monotonic() - at) * 100
        return cpu, rss_mb(process.pid), startup, quiet
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # busy on its event loop: SIGTERM waits for the loop
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--settle-limit", type=float, default=180)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port = free_port()
        config = prepare(folder, args.buyers, port)
        daemon = [sys.executable, "-m", "scheduler.cli", "run", "--config", str(config)]
        first, first_quiet = first_start(daemon, folder, args.settle_limit)
        cpu, rss, startup, quiet = measure(daemon, folder, args.seconds, args.settle_limit)
        bare = [sys.executable, "-c", BARE, str(free_port())]
        bare_cpu, bare_rss, bare_startup, _ = measure(bare, folder, args.seconds, 60)
    note = "" if quiet else f"never went idle: still busy {startup:.0f} s after start"
    first_note = "" if first_quiet else f"never went idle: still busy {first:.0f} s after start"
    if args.json:
        bare_is = "bare APScheduler + uvicorn/Starlette, same jobs doing nothing"
        print(
            json.dumps(
                [
                    {"name": "daemon: first start-up until quiet", "ours": first,
                     "bare": bare_startup, "unit": "s", "bare_is": bare_is,
                     "note": first_note},
                    {"name": "daemon: restart until quiet, nothing changed", "ours": startup,
                     "bare": bare_startup, "unit": "s", "bare_is": bare_is, "note": note},
                    {"name": "idle daemon: CPU", "ours": cpu, "bare": bare_cpu, "unit": "%",
                     "bare_is": bare_is, "note": note},
                    {"name": "idle daemon: RSS", "ours": rss, "bare": bare_rss, "unit": "MB",
                     "bare_is": bare_is, "note": note},
                ]
            )
        )  # fmt: skip
        return
    print(
        f"idle daemon, {args.buyers} buyers, {args.seconds:.0f} s: first start-up {first:.0f} s, "
        f"restart {startup:.0f} s (bare {bare_startup:.0f} s)"
    )
    print(f"  ours: CPU {cpu:.2f} %  RSS {rss:.0f} MB  {note}")
    print(f"  bare APScheduler + uvicorn: CPU {bare_cpu:.2f} %  RSS {bare_rss:.0f} MB")
    print(
        f"  targets: CPU < 0.5 % {'ok' if cpu < 0.5 else 'MISSED'}, "
        f"RSS < 150 MB {'ok' if rss < 150 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
