"""Benchmark: a feed of 10,000 occurrences rendered three ways in the same run, and a 304
revalidation against the real HTTP app.

1. bare icalendar: build a Calendar with the same events (and its VTIMEZONE), serialise it;
2. a minimal hand-written RFC 5545 writer (escape, fold at 75 octets, CRLF), same events;
3. ours, `render_feed`: each event's VEVENT rendered once with icalendar and cached under its
   view; measured in the steady state (every event already rendered, as on each export tick),
   with one changed event, and cold (empty cache).

Then an export of the same 10,000 occurrences from a SQLite store, and the median time of a
`GET /feeds/{token}.ics` answered 304 by uvicorn (over a real socket, with httpx).

    .venv/bin/python bench/feeds.py [--events 10000 | --buyers N] [--repeat 5] [--requests 500]

`--buyers N` sizes the feed as a facilitator's or the territory's feed of N buyers: one meeting
per buyer. With --json, prints the figures `make bench` tabulates (bench/suite.py) instead.
The 304 is also answered by a bare Starlette app on the same uvicorn, as its floor.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import icalendar
import uvicorn
from sqlalchemy import insert
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler.calendar import EventCache, EventView, FeedInfo, render_feed
from scheduler.config import settings_from_dict
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, RitualKind
from scheduler.core.values import occurrence_uid
from scheduler.service.publish.feeds import export_feeds, issue_links
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Occurrence, Organisation, Ritual
from scheduler.web import create_app

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
ZONE = "Europe/Paris"
FEED = FeedInfo(name="Clause sociale — Métropole de Lisière", timezone=ZONE)
KINDS = list(RitualKind)


def sample_views(count: int) -> list[EventView]:
    """`count` meetings over the years to come, with French texts like the real ones."""
    views = []
    for n in range(count):
        start = datetime(2027, 1, 4, 9, 0, tzinfo=UTC) + timedelta(hours=7 * n)
        kind = KINDS[n % len(KINDS)]
        views.append(
            EventView(
                uid=occurrence_uid(f"bench:{n}", "guichet-lisiere.example"),
                sequence=n % 3,
                dtstamp=NOW - timedelta(minutes=n),
                start=start,
                end=start + timedelta(hours=2),
                timezone=ZONE,
                summary=f"{kind.title('fr')} — Ville de Lisière n° {n}",
                kind=kind,
                status=OccurrenceStatus.ANNOUNCED,
                description=(
                    f"Le mardi 9 juin 2027, de 14 h 00 à 16 h 00.\nThème : le sourcing inclusif, "
                    f"édition {n}\nLieu : Hôtel de la Métropole, salle du conseil\n"
                    "Animé par Camille Roussel, Guichet clause sociale de la Métropole de Lisière."
                ),
                location="Hôtel de la Métropole, salle du conseil, 1 place de la Lisière",
                alarm_minutes=30 if n % 2 else None,
            )
        )
    return views


# --- 1. bare icalendar -------------------------------------------------------------------------


def bare_icalendar(views: Sequence[EventView]) -> bytes:
    """The same feed built and serialised with icalendar alone, no cache."""
    zone = ZoneInfo(ZONE)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bench//bare icalendar//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", FEED.name)
    calendar.add("x-wr-timezone", ZONE)
    calendar.add("refresh-interval", icalendar.vDuration(timedelta(hours=1)), {"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vText("PT1H"))
    first = min(v.start for v in views).year
    last = max(v.end for v in views).year
    calendar.add_component(
        icalendar.Timezone.from_tzid(
            ZONE, first_date=date(first - 1, 12, 1), last_date=date(last + 1, 1, 31)
        )
    )
    for view in sorted(views, key=lambda v: (v.start, v.uid)):
        event = icalendar.Event()
        event.add("uid", view.uid)
        event.add("sequence", view.sequence)
        event.add("dtstamp", view.dtstamp)
        event.add("last-modified", view.dtstamp)
        event.add("dtstart", view.start.astimezone(zone))
        event.add("dtend", view.end.astimezone(zone))
        event.add("summary", view.summary)
        event.add("description", view.description)
        event.add("location", view.location)
        event.add("categories", [view.kind.value])
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        if view.alarm_minutes is not None:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", view.summary)
            alarm.add("trigger", -timedelta(minutes=view.alarm_minutes))
            event.add_component(alarm)
        calendar.add_component(event)
    content: bytes = calendar.to_ical()
    return content


# --- 2. a minimal hand-written writer ----------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> bytes:
    raw = line.encode("utf-8")
    if len(raw) <= 75:
        return raw + b"\r\n"
    parts = []
    limit = 75
    while raw:
        cut = min(limit, len(raw))
        while cut < len(raw) and (raw[cut] & 0xC0) == 0x80:  # never split a character
            cut -= 1
        parts.append(raw[:cut])
        raw = raw[cut:]
        limit = 74
    return b"\r\n ".join(parts) + b"\r\n"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def hand_written(views: Sequence[EventView], vtimezone: bytes) -> bytes:
    """The same feed from string formatting: what a careful developer writes by hand."""
    zone = ZoneInfo(ZONE)
    out = [
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//hand written//FR\r\n",
        _fold(f"X-WR-CALNAME:{_escape(FEED.name)}"),
        _fold(f"X-WR-TIMEZONE:{ZONE}"),
        b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n",
        vtimezone,
    ]
    for view in sorted(views, key=lambda v: (v.start, v.uid)):
        local_start = view.start.astimezone(zone).strftime("%Y%m%dT%H%M%S")
        local_end = view.end.astimezone(zone).strftime("%Y%m%dT%H%M%S")
        lines = [
            "BEGIN:VEVENT",
            f"UID:{view.uid}",
            f"SEQUENCE:{view.sequence}",
            f"DTSTAMP:{_utc(view.dtstamp)}",
            f"LAST-MODIFIED:{_utc(view.dtstamp)}",
            f"DTSTART;TZID={ZONE}:{local_start}",
            f"DTEND;TZID={ZONE}:{local_end}",
            f"SUMMARY:{_escape(view.summary)}",
            f"DESCRIPTION:{_escape(view.description)}",
            f"LOCATION:{_escape(view.location)}",
            f"CATEGORIES:{view.kind.value}",
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
        ]
        if view.alarm_minutes is not None:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                f"DESCRIPTION:{_escape(view.summary)}",
                f"TRIGGER:-PT{view.alarm_minutes}M",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
        out.extend(_fold(line) for line in lines)
    out.append(b"END:VCALENDAR\r\n")
    return b"".join(out)


# --- timing ------------------------------------------------------------------------------------


def best_of(
    repeat: int, work: Callable[[], object], before: Callable[[], None] | None = None
) -> float:
    """The best wall time of `repeat` runs of `work` (after `before`, untimed)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


Figures = list[dict[str, object]]


def figure(name: str, ours: float, bare: float, unit: str, bare_is: str) -> dict[str, object]:
    return {"name": name, "ours": ours, "bare": bare, "unit": unit, "bare_is": bare_is}


def measure_rendering(count: int, repeat: int, *, quiet: bool = False) -> Figures:
    views = sample_views(count)
    vtimezone = icalendar.Timezone.from_tzid(
        ZONE, first_date=date(2026, 12, 1), last_date=date(2036, 1, 31)
    ).to_ical()
    cache = EventCache()
    render_feed(FEED, views, cache)  # warm: the steady state of an export tick
    changed = list(views)
    bare = best_of(repeat, lambda: bare_icalendar(views))
    hand = best_of(repeat, lambda: hand_written(views, vtimezone))
    warm = best_of(repeat, lambda: render_feed(FEED, views, cache))

    def change_one() -> None:
        index = len(changed) // 2
        changed[index] = dataclasses.replace(changed[index], sequence=changed[index].sequence + 1)

    one = best_of(repeat, lambda: render_feed(FEED, changed, cache), before=change_one)
    cold = best_of(max(1, repeat // 2), lambda: render_feed(FEED, views, EventCache()))
    size = len(render_feed(FEED, views, cache))

    figures = [
        figure("feed: render, steady state", warm * 1000, bare * 1000, "ms", "bare icalendar"),
        figure("feed: render, one event changed", one * 1000, hand * 1000, "ms",
               "hand-written RFC 5545 writer"),
        figure("feed: render, cold cache", cold * 1000, bare * 1000, "ms", "bare icalendar"),
    ]  # fmt: skip
    if quiet:
        return figures

    def rate(seconds: float) -> str:
        return f"{count / seconds:>12,.0f} events/s  ({seconds * 1000:8.1f} ms)"

    print(f"feed of {count:,} events, {size / 1e6:.1f} MB; best of {repeat} runs")
    print(f"  bare icalendar                 {rate(bare)}")
    print(f"  hand-written RFC 5545 writer   {rate(hand)}")
    print(f"  ours, steady state (cached)    {rate(warm)}")
    print(f"  ours, one event changed        {rate(one)}")
    print(f"  ours, cold (empty cache)       {rate(cold)}")
    print(f"  ours / bare icalendar: {bare / warm:.1f}x faster (target >= 3x)")
    print(
        f"  ours / hand-written:   {warm / hand:.2f}x its time (target <= 1.5x); "
        f"one changed: {one / hand:.2f}x"
    )
    return figures


# --- the store and the HTTP app ----------------------------------------------------------------


def build_store(folder: Path, count: int) -> tuple[object, object]:
    settings = settings_from_dict(
        {
            "organisation": {"name": "Guichet de Lisière", "uid_domain": "bench.example"},
            "storage": {"url": "sqlite:///bench.db"},
            "facilitators": [{"id": "camille", "name": "Camille", "email": "c@bench.example"}],
        },
        folder / "config.toml",
    )
    engine = open_database(settings.database_url)
    with session_scope(engine) as session:
        buyer = Organisation(slug="metropole", name="Métropole", role=OrganisationRole.BUYER)
        session.add(buyer)
        session.flush()
        ritual = Ritual(
            key="programming_review:metropole", kind="programming_review", organisation_id=buyer.id
        )
        session.add(ritual)
        session.flush()
        rows = []
        for view in sample_views(count):
            rows.append(
                {
                    "ritual_id": ritual.id,
                    "key": view.uid,
                    "uid": view.uid,
                    "kind": RitualKind.PROGRAMMING_REVIEW.value,
                    "organisation_id": buyer.id,
                    "facilitator_id": "camille",
                    "start": view.start,
                    "end": view.end,
                    "status": OccurrenceStatus.ANNOUNCED,
                    "sequence": view.sequence,
                    "changed_at": view.dtstamp,
                }
            )
        session.execute(insert(Occurrence), rows)
    return settings, engine


def serve(app: object) -> tuple[uvicorn.Server, threading.Thread, int]:
    """`app` on uvicorn in a thread, on a free port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            app,  # type: ignore[arg-type]
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    return server, thread, port


def revalidations(port: int, path: str, requests: int) -> tuple[list[float], int, str]:
    """Times of `requests` conditional GETs answered 304; the full body's size and ETag."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        full = client.get(path)
        etag = full.headers["etag"]
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            answer = client.get(path, headers={"If-None-Match": etag})
            samples.append(time.perf_counter() - started)
            assert answer.status_code == 304
    return samples, len(full.content), etag


def bare_starlette(body: bytes, etag: str) -> Starlette:
    """The floor: a Starlette app that knows the ETag and answers 304 at once."""

    async def feed(request: Request) -> Response:
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"etag": etag})
        return Response(body, media_type="text/calendar", headers={"etag": etag})

    return Starlette(routes=[Route("/feeds/{token}", feed)])


def measure_export_and_http(count: int, requests: int, *, quiet: bool = False) -> Figures:
    with tempfile.TemporaryDirectory() as tmp:
        settings, engine = build_store(Path(tmp), count)
        started = time.perf_counter()
        (link,) = issue_links(settings, engine, NOW, who=["metropole"]).links  # type: ignore[arg-type]
        first = time.perf_counter() - started
        started = time.perf_counter()
        export_feeds(settings, engine, NOW)  # type: ignore[arg-type]
        again = time.perf_counter() - started
        assert link.http is not None
        path = "/feeds/" + link.http.rsplit("/", 1)[1]
        server, thread, port = serve(create_app(settings, engine))  # type: ignore[arg-type]
        try:
            samples, size, etag = revalidations(port, path, requests)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                wrong = []
                for _ in range(requests // 5):
                    started = time.perf_counter()
                    answer = client.get("/feeds/not-a-token.ics")
                    wrong.append(time.perf_counter() - started)
                    assert answer.status_code == 404
        finally:
            server.should_exit = True
            thread.join(timeout=10)
        server, thread, port = serve(bare_starlette(b"x" * size, etag))
        try:
            bare, _, _ = revalidations(port, path, requests)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    median = statistics.median(samples) * 1000
    bare_median = statistics.median(bare) * 1000
    figures = [
        figure("feed: GET answered 304 (median)", median, bare_median, "ms",
               "bare Starlette answering 304, same uvicorn"),
    ]  # fmt: skip
    if quiet:
        return figures
    print(
        f"export from SQLite, {count:,} occurrences in a buyer's feed and "
        f"the (empty) public feed: first {first * 1000:.0f} ms, unchanged {again * 1000:.0f} ms"
    )
    p95 = statistics.quantiles(samples, n=20)[-1] * 1000
    print(
        f"GET {size / 1e6:.1f} MB feed revalidated (304) over HTTP: median "
        f"{median:.2f} ms, p95 {p95:.2f} ms over {requests} requests (target < 2 ms; bare "
        f"Starlette {bare_median:.2f} ms); a wrong token's 404: median "
        f"{statistics.median(wrong) * 1000:.2f} ms"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--buyers", type=int, help="one meeting per buyer (sets --events)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    events = args.buyers or args.events
    figures = measure_rendering(events, args.repeat, quiet=args.json)
    figures += measure_export_and_http(events, args.requests, quiet=args.json)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
