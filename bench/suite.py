"""`make bench`: the plan, feed, dispatch, idle and workspace benchmarks at 1,000 and 10,000
buyers, each figure beside the bare library's measured in the same run, and the 3-instance
PostgreSQL run;
prints one table and writes bench/RESULTS.md with the machine it ran on.

Each benchmark runs in a process of its own (bench/<name>.py --buyers N --json), so memory
and caches never leak from one into the next.

    .venv/bin/python bench/suite.py [--sizes 1000 10000] [--idle-seconds 30] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "RESULTS.md"


@dataclass(frozen=True)
class Figure:
    """One measured cost, ours and the bare library's, in the same unit (lower is better)."""

    name: str
    ours: float
    bare: float
    unit: str
    bare_is: str
    note: str = ""

    @property
    def ratio(self) -> float:
        """How many times the bare library's cost ours is."""
        return self.ours / self.bare if self.bare else float("inf")


def run_bench(script: str, *args: str) -> list[Figure]:
    """`bench/<script>.py … --json`, its figures."""
    command = [sys.executable, str(BENCH / f"{script}.py"), *args, "--json"]
    print(f"  {' '.join(command[1:])}", file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{script} failed:\n{done.stderr}")
    last = done.stdout.strip().splitlines()[-1]
    return [Figure(**item) for item in json.loads(last)]


def measure(buyers: int, idle_seconds: float) -> list[Figure]:
    """Every benchmark at `buyers` buyers."""
    size = str(buyers)
    return [
        *run_bench("plan", "--buyers", size),
        *run_bench("feeds", "--buyers", size, "--repeat", "3", "--requests", "300"),
        *run_bench("dispatch", "--buyers", size),
        *run_bench("idle", "--buyers", size, "--seconds", str(idle_seconds)),
        *run_bench("workspace", "--buyers", size, "--requests", "200"),
    ]


def multi_instance() -> str:
    """bench/multi_instance.py's report, or why it did not run."""
    command = [sys.executable, str(BENCH / "multi_instance.py")]
    print(f"  {' '.join(command[1:])}", file=sys.stderr, flush=True)
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return f"(did not pass: exit {done.returncode})\n{done.stdout}{done.stderr[-2000:]}"
    return done.stdout.strip()


def machine() -> list[str]:
    """nproc, memory, CPU model, Python, PostgreSQL."""
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    postgres = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-tAc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return [
        f"- CPUs (nproc): {os.cpu_count()}",
        f"- CPU model: {model}",
        f"- memory: {memory}",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"- PostgreSQL {postgres or 'unreachable'} (127.0.0.1, same machine)",
    ]


def growth_words(factor: float, sizes: tuple[int, int]) -> str:
    """How a cost grew when the buyers went from sizes[0] to sizes[1]."""
    scale = sizes[1] / sizes[0]
    if factor < 1.5:
        return "flat"
    if factor < scale * 0.7:
        return "sub-linear"
    if factor <= scale * 1.3:
        return "linear"
    return "super-linear"


def fmt(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def table(results: dict[int, list[Figure]]) -> list[str]:
    """One Markdown table: each figure at each size, ours, bare, ratio; and its growth."""
    sizes = sorted(results)
    head = ["figure", "unit"]
    for size in sizes:
        head += [f"ours {size:,}", f"bare {size:,}", f"ours/bare {size:,}"]
    grows = len(sizes) >= 2
    if grows:
        head += [f"ours ×({sizes[0]:,}→{sizes[-1]:,})", "bare ×", "growth"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for index, first in enumerate(results[sizes[0]]):
        row = [first.name, first.unit]
        for size in sizes:
            figure = results[size][index]
            row += [fmt(figure.ours), fmt(figure.bare), f"{figure.ratio:.2f}"]
        if grows:
            low, high = results[sizes[0]][index], results[sizes[-1]][index]
            ours_growth = high.ours / low.ours if low.ours else float("inf")
            bare_growth = high.bare / low.bare if low.bare else float("inf")
            row += [
                f"{ours_growth:.1f}",
                f"{bare_growth:.1f}",
                growth_words(ours_growth, (sizes[0], sizes[-1])),
            ]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def bare_legend(figures: list[Figure]) -> list[str]:
    return [f"- *{figure.name}*: bare = {figure.bare_is}" for figure in figures]


def notes(results: dict[int, list[Figure]]) -> list[str]:
    """What a benchmark said about a figure beyond its number."""
    seen = []
    for size, figures in sorted(results.items()):
        for figure in figures:
            line = f"- {size:,} buyers, *{figure.name}*: {figure.note}"
            if figure.note and line not in seen:
                seen.append(line)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--idle-seconds", type=float, default=30)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    started = time.monotonic()
    results: dict[int, list[Figure]] = {}
    for size in args.sizes:
        print(f"{size:,} buyers", file=sys.stderr, flush=True)
        results[size] = measure(size, args.idle_seconds)
    print("3 instances on PostgreSQL", file=sys.stderr, flush=True)
    multi = multi_instance()
    elapsed = time.monotonic() - started
    rows = table(results)
    print("\n".join(rows))
    print("\n".join(notes(results)))
    print()
    print(multi)
    if args.no_write:
        return
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    text = [
        "# Benchmark results",
        "",
        f"`make bench` (bench/suite.py) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit "
        f"{commit}, {elapsed / 60:.0f} min. Every cost is lower-is-better; *ours/bare* is how "
        "many times the bare library's cost, measured in the same run, ours is; *×* columns "
        "are how much a cost grew from the smallest to the largest size.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        "## Costs at each size",
        "",
        *rows,
        "",
        *notes(results),
        "",
        "What each bare figure is:",
        "",
        *bare_legend(results[min(results)]),
        "",
        "Sizes: *plan* seeds that many buyers (one convention each, one facilitator per 50 "
        "buyers in the idle run, 200 in the plan run) and plans every kind over 24 months; "
        "*feed* renders and serves a feed of one meeting per buyer (a facilitator's or the "
        "territory's feed); *dispatch* sends one invitation per buyer's contact to aiosmtpd; "
        "*idle* runs the daemon (web app on) on a store of that many buyers with one contact "
        "each, already planned: a first start (plan, invitations, export) until quiet, then a "
        "restart with nothing changed until quiet, and CPU and RSS over a window after that "
        "restart.",
        "",
        "## Three instances on PostgreSQL (bench/multi_instance.py)",
        "",
        "```",
        multi,
        "```",
        "",
    ]
    RESULTS.write_text("\n".join(text), encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
