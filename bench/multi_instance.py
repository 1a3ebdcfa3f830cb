"""Benchmark: 3 instances (`rituel outbox send` processes) on one PostgreSQL database send
10,000 reminders to an aiosmtpd that counts Message-IDs; then the same with one instance
killed (SIGKILL) midway and its leased rows recovered by a later run once the lease expired.

Prints, for each run, the rate and what the server received: every Message-ID of the outbox
once (no kill), or at least once with duplicates bounded by the killed instance's rows in
flight (kill). Needs PostgreSQL (RITUEL_TEST_POSTGRES, default 127.0.0.1:5432, database test).

    .venv/bin/python bench/multi_instance.py [--messages 10000] [--instances 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.databases import postgres_schema_url
from tests.scale.scenario import Outcome, run_scenario


def once(messages: int, instances: int, *, kill: bool) -> Outcome:
    """One run on a fresh schema."""
    for url in postgres_schema_url():
        with tempfile.TemporaryDirectory() as folder:
            return run_scenario(
                url, Path(folder), messages=messages, instances=instances, kill=kill
            )
    raise SystemExit("no PostgreSQL")


def describe(outcome: Outcome, label: str) -> str:
    received = sum(outcome.received.values())
    verdict = "exactly once" if outcome.duplicates == 0 and outcome.lost == 0 else "NOT once"
    if outcome.killed_in_flight is not None:
        bound = outcome.duplicates <= outcome.killed_in_flight
        verdict = f"none lost, duplicates within the {outcome.killed_in_flight} rows in flight"
        if outcome.lost or not bound:
            verdict = "FAILED"
    return (
        f"{label:<28} {outcome.seconds:6.1f} s {outcome.rate:7.0f} msg/s  received {received}, "
        f"distinct {len(outcome.received)}, lost {outcome.lost}, duplicates {outcome.duplicates}"
        f", unsent {outcome.unsent_rows}: {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--instances", type=int, default=3)
    args = parser.parse_args()
    runs = [
        (f"{args.instances} instances", once(args.messages, args.instances, kill=False)),
        (f"{args.instances} instances, 1 killed", once(args.messages, args.instances, kill=True)),
    ]
    print(f"{args.messages:,} reminders, {args.instances} instances on PostgreSQL, aiosmtpd")
    for label, outcome in runs:
        print("  " + describe(outcome, label))
    failed = any(o.lost or o.unsent_rows or o.strangers for _, o in runs)
    failed |= runs[0][1].duplicates > 0
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
