"""Benchmark: the facilitator's workspace at N buyers — home (the whole guichet), the busiest
agenda month and a buyer's page — over HTTP on uvicorn, signed in, beside a bare Starlette page
on the same uvicorn in the same run. Prints p50/p95 per page and the SQL statements each runs.

The store: N buyers shared by N/50 facilitators, each with an active convention and a contact,
planned over 18 months, invitations made for what is near (the product's own enqueue), some
answers and failed mails.

    .venv/bin/python bench/workspace.py [--buyers 1000] [--requests 200] [--json]

With --json, prints the figures `make bench` tabulates (bench/suite.py) instead.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event, func, insert, select, update
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feeds import serve  # bench/feeds.py
from plan import seed  # bench/plan.py

from scheduler.config import load_settings
from scheduler.core.kinds import PartStat
from scheduler.core.messages import MessageState
from scheduler.service.access import signin
from scheduler.service.deliver.enqueue import enqueue_due
from scheduler.service.plan.planning import plan_and_store
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import (
    Contact,
    Invitation,
    Message,
    Occurrence,
    Organisation,
)
from scheduler.web import create_app

NOW = datetime(2027, 3, 8, 8, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def config_text(facilitators: int) -> str:
    people = "\n".join(
        f'[[facilitators]]\nid = "f{i:03d}"\nname = "Facilitator {i}"\n'
        f'email = "f{i:03d}@guichet.example"\nmax_per_day = 3\nmax_per_week = 10\n'
        for i in range(facilitators)
    )
    return (
        '[organisation]\nname = "Guichet de banc d\'essai"\n'
        f'[storage]\nurl = "sqlite:///bench.db"\n[mail]\noutbox_dir = "outbox"\n{people}'
    )


def build(folder: Path, buyers: int) -> tuple[Any, Any]:
    """The settings and a planned, invited store of `buyers` buyers."""
    facilitators = max(1, buyers // 50)
    (folder / "config.toml").write_text(config_text(facilitators), encoding="utf-8")
    settings = load_settings(folder / "config.toml")
    engine = open_database(settings.database_url)
    seed(engine, buyers, facilitators)
    with session_scope(engine) as session:
        ids = session.execute(select(Organisation.id)).scalars().all()  # type: ignore[call-overload]
        session.execute(
            insert(Contact),
            [
                {
                    "organisation_id": org_id,
                    "name": f"Acheteur {org_id}",
                    "email": f"achats{org_id}@commune.example",
                    "job": "",
                    "locale": "fr",
                    "kinds": "",
                    "unsubscribed_kinds": "",
                    "unsubscribed": False,
                }
                for org_id in ids
            ],
        )
    plan_and_store(settings, engine, NOW)
    enqueue_due(engine, settings, NOW)
    with session_scope(engine) as session:
        invitations = session.execute(select(Invitation.id)).scalars().all()  # type: ignore[call-overload]
        for index, invitation_id in enumerate(invitations[::3]):
            session.execute(
                update(Invitation)
                .where(Invitation.id == invitation_id)  # type: ignore[arg-type]
                .values(
                    partstat=(PartStat.ACCEPTED, PartStat.DECLINED)[index % 2],
                    responded_at=NOW - timedelta(hours=1),
                )
            )
        messages = session.execute(select(Message.id)).scalars().all()  # type: ignore[call-overload]
        session.execute(
            update(Message)
            .where(Message.id.in_(messages[::50]))  # type: ignore[attr-defined]
            .values(state=MessageState.FAILED, last_error="550 mailbox unavailable")
        )
    return settings, engine


def busiest_month(engine: Any) -> str:
    with session_scope(engine) as session:
        starts = session.execute(select(Occurrence.start)).scalars().all()  # type: ignore[call-overload]
    months = Counter(f"{start:%Y-%m}" for start in starts)
    return months.most_common(1)[0][0]


def timings(client: httpx.Client, path: str, requests: int) -> list[float]:
    client.get(path)  # warm
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(path)
        samples.append(time.perf_counter() - started)
        assert answer.status_code == 200, (path, answer.status_code)
    return samples


def cpu_per_request(app: Starlette, pages: list[str], requests: int, cookie: str | None) -> float:
    """Process CPU milliseconds per request, the app called in-process (less sensitive than
    wall time to other work on a shared machine)."""
    from starlette.testclient import TestClient

    with TestClient(app, base_url="http://127.0.0.1:8080") as client:
        if cookie:
            client.cookies.set("rituel_session", cookie)
        for page in pages:
            assert client.get(page).status_code == 200
        started = time.process_time()
        for _ in range(requests):
            for page in pages:
                client.get(page)
        return (time.process_time() - started) * 1000 / (requests * len(pages))


def bare_page() -> Starlette:
    """The floor: a Starlette page of similar size, rendered by nothing."""
    body = "<!doctype html><title>x</title>" + "<p>rencontre</p>" * 500

    async def page(_request: Request) -> Response:
        return HTMLResponse(body)

    return Starlette(routes=[Route("/", page)])


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] * 1000


def figure(name: str, ours: float, bare: float, note: str) -> dict[str, object]:
    return {
        "name": name,
        "ours": ours,
        "bare": bare,
        "unit": "ms",
        "bare_is": "a bare Starlette HTML page, same uvicorn, same client",
        "note": note,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        settings, engine = build(Path(tmp), args.buyers)
        built = time.perf_counter() - started
        with session_scope(engine) as session:
            meetings = session.execute(select(func.count()).select_from(Occurrence)).scalar_one()
            invited = session.execute(select(func.count()).select_from(Invitation)).scalar_one()
        month = busiest_month(engine)
        pages = {
            "home (whole guichet)": "/?vue=guichet",
            f"agenda, busiest month ({month})": f"/agenda?mois={month}",
            "a buyer's page": f"/acheteurs/buyer-{args.buyers // 2:05d}",
        }
        server, thread, port = serve(create_app(settings, engine, clock=lambda: NOW))
        statements: list[str] = []

        def count(*call: Any) -> None:
            statements.append(str(call[2]))

        results: dict[str, tuple[list[float], int, int]] = {}
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                issued = signin.mint_link(settings, engine, "f000@guichet.example", NOW)
                path = issued.url.removeprefix(settings.feeds.base_url)
                page = client.get(path)
                client.post(path, data={"csrf": CSRF.search(page.text)[1]})  # type: ignore[index]
                cookie = client.cookies["rituel_session"]
                for name, url in pages.items():
                    statements.clear()
                    event.listen(engine, "before_cursor_execute", count)
                    size = len(client.get(url).content)
                    event.remove(engine, "before_cursor_execute", count)
                    queries = len(statements)
                    results[name] = (timings(client, url, args.requests), queries, size)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
        server, thread, port = serve(bare_page())
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                bare = timings(client, "/", args.requests)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
        app = create_app(settings, engine, clock=lambda: NOW)
        cpu = {
            name: cpu_per_request(app, [url], max(10, args.requests // 5), cookie)
            for name, url in pages.items()
        }
        bare_cpu = cpu_per_request(bare_page(), ["/"], max(10, args.requests // 5), None)
        engine.dispose()
    figures = [
        figure(
            f"workspace: {name} p95",
            p95(samples),
            p95(bare),
            f"{queries} SQL statements, {size / 1024:.0f} KiB, p50 "
            f"{statistics.median(samples) * 1000:.1f} ms",
        )
        for name, (samples, queries, size) in results.items()
    ] + [
        {
            **figure(f"workspace: {name}, CPU per request", cpu[name], bare_cpu, ""),
            "bare_is": "a bare Starlette HTML page, both called in-process (process CPU time)",
        }
        for name in results
    ]
    if args.json:
        print(json.dumps(figures))
        return
    print(
        f"{args.buyers:,} buyers, {meetings:,} meetings, {invited:,} invitations "
        f"(built in {built:.0f} s); {args.requests} requests per page"
    )
    for item in figures:
        print(
            f"{item['name']}: {item['ours']:.1f} ms "
            f"(bare Starlette p95 {item['bare']:.2f} ms); {item['note']}"
        )


if __name__ == "__main__":
    main()
