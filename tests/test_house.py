"""The house keeps its shape (issue 10, DESIGN.md "Parts"): every query lives in
scheduler/store/, no module grows past 450 lines, scheduler/service/ stays a handful of
packages, and the arrows between the parts only run down.

The rules read the source (Python's own parser), not the running program, so a rule broken in a
branch nobody imports yet is still caught.

`PENDING` lists what other branches of the re-cut are still moving; each entry names the rule,
the path (a file or a folder under scheduler/) and who clears it. A violation outside the list
fails; an entry that no longer matches anything fails too, so the list shrinks to empty as the
branches merge.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import scheduler

ROOT = Path(scheduler.__file__).resolve().parent
MAX_LINES = 450
MAX_SERVICE_MODULES = 6

QUERY = "query outside scheduler/store/"
LONG = f"module over {MAX_LINES} lines"
LAYER = "import against the layering"

PENDING: dict[tuple[str, str], str] = {}
"""(rule, path under scheduler/) → who or what clears it. Empty it as the branches merge."""

QUERY_BUILDERS = frozenset(
    {"select", "insert", "update", "delete", "text", "exists", "union", "union_all"}
)
"""SQLAlchemy and SQLModel statement builders (whatever name they are imported as)."""
EXECUTING = frozenset({"exec", "execute", "exec_driver_sql", "scalar", "scalars", "query"})
"""Methods that run a statement, on whatever object."""
SESSION_LOOKUPS = frozenset({"get", "delete", "merge", "refresh"})
"""Session methods that read or delete rows by identity (on a receiver named like a session)."""
RENDERERS = ("scheduler.calendar", "scheduler.mail", "scheduler.report")
ROOTS = ("scheduler.cli", "scheduler.daemon")
"""Nothing imports a root but a root: `rituel run` (the CLI) starts the daemon."""


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    path: str
    """Relative to scheduler/, with forward slashes."""
    line: int
    what: str

    def __str__(self) -> str:
        return f"scheduler/{self.path}:{self.line}: {self.rule}: {self.what}"


def modules() -> list[Path]:
    """Every Python module of the package."""
    return sorted(ROOT.rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def dotted(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sqlalchemy_names(tree: ast.AST) -> tuple[dict[str, str], set[str]]:
    """Names bound to a statement builder (local name → builder), and names bound to the
    sqlalchemy/sqlmodel modules themselves (for `sa.select(...)`)."""
    builders: dict[str, str] = {}
    packages: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in {"sqlalchemy", "sqlmodel"}:
                for alias in node.names:
                    if alias.name in QUERY_BUILDERS:
                        builders[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in {"sqlalchemy", "sqlmodel"}:
                    packages.add(alias.asname or alias.name.split(".")[0])
    return builders, packages


def _receiver(node: ast.expr) -> str:
    """The last name of a call's receiver: `session` for `session.get`, `self.session.get`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def queries_in(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for every query a module's source builds or runs."""
    tree = ast.parse(source)
    builders, packages = _sqlalchemy_names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in builders:
            yield node.lineno, f"{func.id}(…) builds a statement"
        elif isinstance(func, ast.Attribute):
            receiver = _receiver(func.value)
            if func.attr in EXECUTING:
                yield node.lineno, f".{func.attr}(…) runs a statement"
            elif func.attr in QUERY_BUILDERS and receiver in packages:
                yield node.lineno, f"{receiver}.{func.attr}(…) builds a statement"
            elif func.attr in SESSION_LOOKUPS and "session" in receiver.lower():
                yield node.lineno, f"{receiver}.{func.attr}(…) reads or deletes rows"


def imports_of(path: Path, tree: ast.AST) -> Iterator[tuple[int, list[str]]]:
    """(line, names) for every import statement of `path`, each name made absolute; for
    `from a import b` the name is `a.b`, whether b is a module or a thing inside `a`."""
    package = dotted(path) if path.name == "__init__.py" else dotted(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield node.lineno, [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, [f"{base}.{alias.name}" for alias in node.names]


def _under(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _breaks(me: str, module: str) -> Iterator[str]:
    """What importing `module` from the module `me` breaks."""
    if _under(me, "scheduler.core") and not _under(module, "scheduler.core"):
        yield "the core imports"
    if _under(me, *RENDERERS) and _under(module, "scheduler.store", "scheduler.service"):
        yield "a renderer imports"
    if _under(module, *ROOTS) and not _under(me, *ROOTS):
        yield "a root is imported:"
    if _under(me, "scheduler.cli") and _under(module, "scheduler.store.models"):
        yield "the CLI imports"


def layering_breaks(path: Path, tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, what) for every import of `path` against DESIGN.md's arrows, once a statement
    and rule."""
    me = dotted(path)
    for line, names in imports_of(path, tree):
        told: set[str] = set()
        for module in names:
            if not _under(module, "scheduler"):
                continue
            for rule in _breaks(me, module):
                if rule not in told:
                    told.add(rule)
                    yield line, f"{rule} {module}"


def violations() -> list[Violation]:
    """Every break of the house's rules, pending or not."""
    found: list[Violation] = []
    for path in modules():
        source = path.read_text(encoding="utf-8")
        name = relative(path)
        lines = len(source.splitlines())
        if lines > MAX_LINES:
            found.append(Violation(LONG, name, lines, f"{lines} lines"))
        tree = ast.parse(source)
        if not name.startswith("store/"):
            found += [Violation(QUERY, name, n, what) for n, what in queries_in(source)]
        found += [Violation(LAYER, name, n, what) for n, what in layering_breaks(path, tree)]
    return found


def pending_entry(violation: Violation) -> tuple[str, str] | None:
    """The PENDING entry that excuses `violation`, if any."""
    for rule, prefix in PENDING:
        if rule == violation.rule and (
            violation.path == prefix or (prefix.endswith("/") and violation.path.startswith(prefix))
        ):
            return rule, prefix
    return None


@pytest.fixture(scope="module")
def found() -> list[Violation]:
    return violations()


@pytest.mark.parametrize("rule", [QUERY, LONG, LAYER])
def test_no_violation_outside_the_pending_list(found: list[Violation], rule: str) -> None:
    new = [str(v) for v in found if v.rule == rule and pending_entry(v) is None]
    assert not new, "\n".join(new)


def test_every_pending_entry_still_excuses_something(found: list[Violation]) -> None:
    used = {pending_entry(v) for v in found}
    stale = [f"{rule}: {path} ({who})" for (rule, path), who in PENDING.items()]
    stale = [s for (key, s) in zip(PENDING, stale, strict=True) if key not in used]
    assert not stale, "remove from PENDING, it is clean now:\n" + "\n".join(stale)


def test_service_holds_a_few_modules_beside_its_packages() -> None:
    flat = sorted(p.name for p in (ROOT / "service").glob("*.py"))
    assert len(flat) <= MAX_SERVICE_MODULES, flat


QUERY_SAMPLES = [
    ("from sqlmodel import select\nsession.exec(select(A))", 2),
    ("from sqlalchemy import select as sa_select\nx = sa_select(A)", 1),
    ("import sqlalchemy as sa\nx = sa.update(A)", 1),
    ("from sqlalchemy import text\nconnection.execute(text('SELECT 1'))", 2),
    ("from sqlalchemy.dialects.sqlite import insert\nq = insert(A)", 1),
    ("buyer = session.get(Organisation, 1)", 1),
    ("self.session.delete(row)", 1),
    ("rows = session.scalars(q)", 1),
    ("headers.update(x)\nyears.insert(0, 2026)\nseen.get(1)\nd.delete(2)", 0),
    ("def select(x): ...\nselect(1)", 0),
]


@pytest.mark.parametrize(("source", "count"), QUERY_SAMPLES)
def test_the_query_finder_sees_statements_and_nothing_else(source: str, count: int) -> None:
    assert len(list(queries_in(source))) == count


def test_the_layering_finder_resolves_relative_imports() -> None:
    path = ROOT / "core" / "planner.py"
    tree = ast.parse("from ..store import models\nfrom . import values\n")
    assert [what for _, what in layering_breaks(path, tree)] == [
        "the core imports scheduler.store.models"
    ]
    cli = ROOT / "cli" / "outbox.py"
    tree = ast.parse("from scheduler.store import models\nimport scheduler.daemon.runner\n")
    # the CLI may start the daemon: both are roots
    assert [what for _, what in layering_breaks(cli, tree)] == [
        "the CLI imports scheduler.store.models"
    ]
    web = ROOT / "web" / "app.py"
    tree = ast.parse("from scheduler.cli.app import main\n")
    assert [what for _, what in layering_breaks(web, tree)] == [
        "a root is imported: scheduler.cli.app.main"
    ]
