"""`make mutation`: mutmut over the modules that decide, killed by their specification tests.

The modules are pyproject.toml's `[tool.mutmut] only_mutate`: every module of scheduler/core,
the reply matcher (scheduler/replies/reading.py) and the workspace's door
(scheduler/web/workspace/auth.py); the tests are its `pytest_add_cli_args_test_selection`:
tests/core, and for the two others the fast test files that exercise them (no browser, no
server). mutmut runs, for each mutant, the selected tests that reach the mutated function.

Runs `mutmut run` with one child process (the machine is shared) and the derandomized
Hypothesis profile "mutation" (tests/conftest.py), then prints the score per module, the
subtotal of scheduler/core and, last, `mutation score: KILLED/TOTAL (P %)`. A mutant counts as
killed when a test failed or timed out under it. Equivalent mutants (no test can tell them from
the original) are listed in mutation/EQUIVALENT.md, each with the mutated line and why; they are
left out of TOTAL.

    .venv/bin/python mutation/run.py                    # a fresh run over every module
    .venv/bin/python mutation/run.py policy planner     # re-run these modules, keep the rest
    .venv/bin/python mutation/run.py --report           # only print the last run's figures

Modules are named by their file's stem (`policy`, `reading`, `auth`). Exits with status 1 when
the score of any module, or the overall one, is below `--fail-under` (95 by default).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = "scheduler/core/"
MUTANTS = ROOT / "mutants"
EQUIVALENT = ROOT / "mutation/EQUIVALENT.md"
LOG = MUTANTS / "run.log"
KILLED = {"killed", "timeout", "caught by type check"}
ENTRY = re.compile(r"^- `(?P<name>[^`]+)` `(?P<line>[^`]*)`: (?P<why>.+)$")


@dataclass(frozen=True)
class Equivalent:
    """One line of EQUIVALENT.md: a mutant, the line it writes, why no test can kill it."""

    name: str
    line: str
    why: str

    @property
    def function(self) -> str:
        return self.name.rpartition("__mutmut_")[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules to re-run, by file stem")
    parser.add_argument("--report", action="store_true", help="print the last run's figures")
    parser.add_argument("--fail-under", type=float, default=95.0)
    args = parser.parse_args()
    os.chdir(ROOT)
    if not args.report:
        run_mutmut(args.modules)
    return report(args.fail_under)


def run_mutmut(modules: list[str]) -> None:
    """Run mutmut, from scratch when no module is named; its chatter goes to mutants/run.log."""
    known = mutated_modules()
    unknown = [m for m in modules if m not in known]
    if unknown:
        sys.exit(f"not a mutated module: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    if not modules:
        shutil.rmtree(MUTANTS, ignore_errors=True)
    shutil.rmtree(MUTANTS / "tests", ignore_errors=True)
    MUTANTS.mkdir(exist_ok=True)
    mutmut = Path(sys.executable).parent / "mutmut"
    names = [f"{dotted(known[module])}.*" for module in modules]
    env = {**os.environ, "HYPOTHESIS_PROFILE": "mutation"}
    env.pop("CI", None)  # the four-parser and PostgreSQL legs are not the specification
    print(f"mutmut run --max-children 1 {' '.join(names)} (log: {LOG.relative_to(ROOT)})")
    with LOG.open("w", encoding="utf-8") as log:
        done = subprocess.run(
            [str(mutmut), "run", "--max-children", "1", *names],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        print(LOG.read_text(encoding="utf-8")[-3000:])
        sys.exit(f"mutmut failed with status {done.returncode}")


def report(fail_under: float) -> int:
    """Print the score per module and overall; 1 when it is below `fail_under`."""
    statuses = load_statuses()
    if not statuses:
        sys.exit("no mutation results: run `make mutation` first")
    equivalents, problems = match_equivalents(load_equivalents(), statuses)
    killed_total = [0, 0]
    core_total = [0, 0]
    low: list[str] = []
    survivors: list[str] = []
    print(f"{'module':<34} {'killed':>7} {'total':>6} {'score':>8} {'equiv.':>7}")
    for module in sorted({name_module(name) for name in statuses}):
        names = [n for n in statuses if name_module(n) == module]
        counted = [n for n in names if n not in equivalents]
        killed = sum(statuses[n] in KILLED for n in counted)
        survivors += [f"{n}: {statuses[n]}" for n in counted if statuses[n] not in KILLED]
        for total in [killed_total, core_total] if module.startswith(CORE) else [killed_total]:
            total[0] += killed
            total[1] += len(counted)
        if counted and 100 * killed / len(counted) < fail_under:
            low.append(module)
        print(
            f"{module:<34} {killed:>7} {len(counted):>6} {percent(killed, len(counted)):>8}"
            f" {len(names) - len(counted):>7}"
        )
    other = Counter(
        status for n, status in statuses.items() if n not in equivalents and status not in KILLED
    )
    if survivors:
        print(f"\nnot killed ({', '.join(f'{s}: {c}' for s, c in sorted(other.items()))}):")
        print("\n".join(f"  {line}" for line in sorted(survivors)))
        print("(`.venv/bin/mutmut show NAME` prints a mutant's diff)")
    for problem in problems:
        print(f"EQUIVALENT.md: {problem}")
    for module in low:
        print(f"below {fail_under:g} %: {module}")
    print(f"equivalent mutants left out: {len(equivalents)}")
    killed, total = core_total
    print(f"{CORE.rstrip('/')}: {killed}/{total} ({percent(killed, total)})")
    killed, total = killed_total
    print(f"mutation score: {killed}/{total} ({percent(killed, total)})")
    return 0 if total and 100 * killed / total >= fail_under and not low else 1


def load_statuses() -> dict[str, str]:
    """Every mutant of the mutated modules and its status, from mutmut's .meta files."""
    from mutmut.stats import status_by_exit_code

    statuses: dict[str, str] = {}
    for path in mutated_modules().values():
        meta = MUTANTS / f"{path}.meta"
        if not meta.exists():
            continue
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, code in data["exit_code_by_key"].items():
            statuses[name] = status_by_exit_code[code]
    return statuses


def load_equivalents() -> list[Equivalent]:
    """The entries of mutation/EQUIVALENT.md."""
    if not EQUIVALENT.exists():
        return []
    lines = EQUIVALENT.read_text(encoding="utf-8").splitlines()
    return [Equivalent(**m.groupdict()) for m in map(ENTRY.match, lines) if m]


def match_equivalents(
    entries: list[Equivalent], statuses: dict[str, str]
) -> tuple[set[str], list[str]]:
    """The mutants the entries name, found by their mutated line (numbers shift when a function
    changes), and what is wrong with the entries that match none or a killed mutant."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    lines: dict[str, str] = {}

    def mutated_line(name: str) -> str:
        if name not in lines:
            path = name_module(name)
            diff = get_diff_for_mutant(name, path=path).splitlines()
            added = [line[1:].strip() for line in diff if line.startswith("+") and line[1:2] != "+"]
            lines[name] = " ".join(added)
        return lines[name]

    found: set[str] = set()
    problems: list[str] = []
    for entry in entries:
        candidates = [entry.name] if entry.name in statuses else []
        candidates += sorted(n for n in statuses if n.startswith(entry.function + "__mutmut_"))
        match = next((n for n in candidates if mutated_line(n) == entry.line.strip()), None)
        if match is None:
            problems.append(f"{entry.name} `{entry.line}` matches no mutant: update or remove it")
        elif statuses[match] in KILLED:
            problems.append(f"{match} is killed: not equivalent, remove it")
        else:
            found.add(match)
    return found, problems


@cache
def mutated_modules() -> dict[str, Path]:
    """The modules pyproject.toml's `only_mutate` names, by file stem (stems are unique)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["mutmut"]["only_mutate"]
    files = [
        path.relative_to(ROOT)
        for path in sorted((ROOT / "scheduler").rglob("*.py"))
        if path.name != "__init__.py"
        and any(fnmatch(str(path.relative_to(ROOT)), pattern) for pattern in patterns)
    ]
    modules = {path.stem: path for path in files}
    if len(modules) != len(files):
        sys.exit("two mutated modules share a file name: run.py names modules by their stem")
    return modules


def dotted(path: Path) -> str:
    """'scheduler/web/workspace/auth.py' → 'scheduler.web.workspace.auth'."""
    return ".".join(path.with_suffix("").parts)


def name_module(name: str) -> str:
    """'scheduler.web.workspace.auth.xǁGateǁsend__mutmut_3' → 'scheduler/web/workspace/auth.py'
    (the longest module path the mutant's name starts with)."""
    paths = [p for p in mutated_modules().values() if name.startswith(dotted(p) + ".")]
    if not paths:
        sys.exit(f"{name}: not a mutant of a mutated module")
    return str(max(paths, key=lambda p: len(p.parts)))


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


if __name__ == "__main__":
    sys.exit(main())
