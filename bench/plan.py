"""Benchmark: plan 10,000 buyers shared by 200 facilitators, every kind, over 24 months, then a
no-change re-plan. Prints wall time, peak memory and rows written; and, in the same run, the bare
sqlite3 module inserting the same rows, as the floor our store writes can be compared with.

    .venv/bin/python bench/plan.py [--buyers 10000] [--facilitators 200] [--json]

With --json, prints the figures `make bench` tabulates (bench/suite.py) instead.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler.config import load_settings
from scheduler.core.kinds import OrganisationRole
from scheduler.service.plan.planning import plan_and_store
from scheduler.store.db import open_database, session_scope
from scheduler.store.models import Convention, Occurrence, Organisation

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def config_text(facilitators: int) -> str:
    """A configuration with `facilitators` facilitators and a 24-month horizon."""
    people = "\n".join(
        f'[[facilitators]]\nid = "f{i:03d}"\nname = "Facilitator {i}"\n'
        f'email = "f{i:03d}@guichet.example"\nmax_per_day = 3\nmax_per_week = 10\n'
        for i in range(facilitators)
    )
    return (
        '[organisation]\nname = "Guichet de banc d\'essai"\nuid_domain = "bench.example"\n'
        f'[planning]\nhorizon_months = 24\n[storage]\nurl = "sqlite:///bench.db"\n{people}'
    )


def seed(engine: object, buyers: int, facilitators: int) -> None:
    """Buyers with one convention each, spread over facilitators and programming months."""
    rng = random.Random(42)
    with session_scope(engine) as session:  # type: ignore[arg-type]
        session.execute(
            insert(Organisation),
            [
                {
                    "slug": f"buyer-{i:05d}",
                    "name": f"Buyer {i}",
                    "role": OrganisationRole.BUYER,
                    "kind": "commune",
                    "territory": "",
                    "facilitator_id": f"f{i % facilitators:03d}",
                    "programming_month": rng.randint(1, 12),
                }
                for i in range(buyers)
            ],
        )
        ids = session.execute(select(Organisation.id)).scalars().all()  # type: ignore[call-overload]
        session.execute(
            insert(Convention),
            [
                {
                    "organisation_id": org_id,
                    "start_date": date(2026, rng.randint(1, 12), 1),
                    "end_date": date(2028, rng.randint(1, 12), 28),
                    "confidential": True,
                    "renewal_notice_days": 120,
                    "status": "active",
                }
                for org_id in ids
            ],
        )


def count_occurrences(engine: object) -> int:
    with session_scope(engine) as session:  # type: ignore[arg-type]
        return int(session.execute(select(func.count()).select_from(Occurrence)).scalar_one())


def bare_sqlite_insert(folder: Path, rows: int) -> tuple[float, float]:
    """Seconds the bare sqlite3 module takes to insert `rows` occurrence-like rows, and then to
    read them all back (what a re-plan reads)."""
    connection = sqlite3.connect(folder / "bare.db")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(
        "CREATE TABLE occurrence (id INTEGER PRIMARY KEY, ritual_id INT, key TEXT UNIQUE, "
        "uid TEXT UNIQUE, kind TEXT, organisation_id INT, facilitator_id TEXT, theme TEXT, "
        'start TEXT, "end" TEXT, status TEXT, sequence INT, changed_at TEXT)'
    )
    data = [
        (
            1,
            f"key-{i}",
            f"uid-{i}",
            "programming_review",
            i,
            "f001",
            None,
            "2027-01-01 09:00:00",
            "2027-01-01 11:00:00",
            "planned",
            0,
            "2026-11-25 08:00:00",
        )
        for i in range(rows)
    ]
    started = time.perf_counter()
    with connection:
        connection.executemany(
            "INSERT INTO occurrence (ritual_id, key, uid, kind, organisation_id, facilitator_id,"
            ' theme, start, "end", status, sequence, changed_at)'
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            data,
        )
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    with connection:
        connection.execute("SELECT * FROM occurrence").fetchall()
    read = time.perf_counter() - started
    connection.close()
    return elapsed, read


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--buyers", type=int, default=10_000)
    parser.add_argument("--facilitators", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "config.toml").write_text(config_text(args.facilitators), encoding="utf-8")
        settings = load_settings(folder / "config.toml")
        engine = open_database(settings.database_url)
        seed(engine, args.buyers, args.facilitators)
        base_mb = peak_mb()

        started = time.perf_counter()
        first = plan_and_store(settings, engine, NOW)
        first_s = time.perf_counter() - started
        rows = count_occurrences(engine)

        started = time.perf_counter()
        second = plan_and_store(settings, engine, NOW)
        second_s = time.perf_counter() - started

        bare_s, bare_read_s = bare_sqlite_insert(folder, rows)

    if args.json:
        figures = [
            ("plan: first plan", first_s, bare_s, "s", f"bare sqlite3 inserting its {rows} rows"),
            ("plan: re-plan, nothing changes", second_s, bare_read_s, "s",
             f"bare sqlite3 reading the {rows} rows back"),
        ]  # fmt: skip
        keys = ("name", "ours", "bare", "unit", "bare_is")
        print(json.dumps([dict(zip(keys, figure, strict=True)) for figure in figures]))
        return
    print(f"buyers {args.buyers}, facilitators {args.facilitators}, horizon 24 months")
    print(
        f"first plan     {first_s:8.2f} s  rows written {first.writes:>7}  "
        f"meetings {first.planned}  unplaced {len(first.unplaced)}"
    )
    print(f"re-plan        {second_s:8.2f} s  rows written {second.writes:>7}")
    print(
        f"bare sqlite3   {bare_s:8.2f} s  inserting the same {rows} rows "
        f"(first plan is {first_s / bare_s:.1f}x that floor)"
    )
    print(f"peak RSS       {peak_mb():8.0f} MB  (after seeding: {base_mb:.0f} MB)")


if __name__ == "__main__":
    main()
