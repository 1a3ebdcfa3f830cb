"""The command line asks the service layer, as the web does: it never reads the tables itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CLI = Path(__file__).resolve().parents[2] / "scheduler" / "cli"
FORBIDDEN = ("scheduler.store.models", "sqlmodel", "sqlalchemy")
ALLOWED = {"sqlalchemy.engine": {"Engine"}, "scheduler.store.db": {"open_database"}}


def imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every name `path` imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.module, alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda path: path.name)
def test_a_command_module_imports_no_table_and_no_query_tool(path: Path) -> None:
    wrong = [
        f"{module}.{name}".rstrip(".")
        for module, name in imports(path)
        if module.startswith(FORBIDDEN) or module == "scheduler.store.db"
        if name not in ALLOWED.get(module, set())
    ]
    assert wrong == []
