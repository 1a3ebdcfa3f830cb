"""A pydantic validation error as the one line a user reads: file, table, key, what is wrong.

    config.toml: [rituals.after_work] time: '25:00' is not a time of day

The error itself is `scheduler.errors.ConfigError`, raised by `scheduler.config.loading`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scheduler.core.kinds import RitualKind


def describe_error(path: Path, exc: ValidationError, raw: dict[str, Any]) -> str:
    """One line for the first problem pydantic found: file, table, key and what is wrong."""
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"] if part != "from_"]
    loc = ["from" if part == "from_" else part for part in loc]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] in _STRICT_TYPES:
        message = _wrong_type(error["input"], _STRICT_TYPES[error["type"]])
    elif "input" in error and error["type"] not in ("value_error", "missing"):
        message = f"{error['input']!r}: {message}"
    if not loc:
        return f"{path}: {message}"
    if loc[0] == "rituals" and len(loc) >= 2 and loc[1] not in {k.value for k in RitualKind}:
        return f"{path}: [rituals] {loc[1]}: unknown ritual kind"
    table, key = _table_and_key(loc, raw)
    key = key_as_written(key, table, raw)
    where = f"[{table}] " if table else ""
    return f"{path}: {where}{key}: {message}" if key else f"{path}: [{table}] {message}"


_STRICT_TYPES = {
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "text (in quotes)",
}


def _wrong_type(value: Any, expected: str) -> str:
    """`true is not a whole number`, with the value as it is written in TOML."""
    if isinstance(value, bool):
        written = "true" if value else "false"
    elif isinstance(value, str):
        written = json.dumps(value, ensure_ascii=False)
    else:
        written = repr(value)
    hint = " (write it without quotes)" if isinstance(value, str) else ""
    return f"{written} is not {expected}{hint}"


def _table_and_key(loc: list[str], raw: dict[str, Any]) -> tuple[str, str]:
    """Split a pydantic location into a TOML table name and the key inside it."""
    table: list[str] = []
    node: Any = raw
    for index, part in enumerate(loc):
        child = _child(node, part)
        is_last = index == len(loc) - 1
        if isinstance(child, dict) and not is_last:
            table.append(part)
            node = child
        elif isinstance(child, list) and not is_last and loc[index + 1].isdigit():
            item = _child(child, loc[index + 1])
            if isinstance(item, dict) and index + 1 < len(loc) - 1:
                table.append(f"{part}[{int(loc[index + 1]) + 1}]")
                node = item
                loc = loc[: index + 1] + loc[index + 2 :]
                return ".".join(table), ".".join(loc[index + 1 :])
            return ".".join(table), ".".join(loc[index:])
        else:
            return ".".join(table), ".".join(loc[index:])
    return ".".join(table), ""


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


def key_as_written(key: str, table: str, raw: dict[str, Any]) -> str:
    """Name a key as the user wrote it: `time` rather than `times.0` when they used the single
    form."""
    head = key.split(".")[0]
    singular = {"times": "time", "weekdays": "weekday"}.get(head)
    if singular is None:
        return key
    node: Any = raw
    for part in table.split("."):
        node = _child(node, part) if node is not None else None
    return singular if isinstance(node, dict) and singular in node else key
