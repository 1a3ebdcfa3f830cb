"""The settings a facilitator may change (the ritual catalogue and the facilitators) written
back as config.toml tables: what `rituel config export` prints, to paste into another
installation's config.toml."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from scheduler.config.overlay import facilitator_table, ritual_table
from scheduler.config.settings import Settings
from scheduler.core.kinds import RITUALS


def toml_value(value: Any) -> str:
    """A TOML value: a string, a whole number, a boolean or an array of them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Sequence):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"{value!r} has no TOML form here")


def toml_table(header: str, table: Mapping[str, Any]) -> str:
    """`[header]` (or `[[header]]`, written by the caller) and its keys."""
    lines = [header]
    lines.extend(f"{key} = {toml_value(value)}" for key, value in table.items())
    return "\n".join(lines)


def export_toml(settings: Settings) -> str:
    """The facilitators and every ritual's table, as TOML."""
    parts = [
        "# rituel: the ritual catalogue and the team, as the workspace holds them.\n"
        "# Paste these tables into config.toml in place of its [[facilitators]] and [rituals.*]."
    ]
    parts.extend(
        toml_table("[[facilitators]]", facilitator_table(person))
        for person in settings.facilitators
    )
    parts.extend(
        toml_table(f"[rituals.{kind.value}]", ritual_table(settings.rituals[kind]))
        for kind in RITUALS
    )
    return "\n\n".join(parts) + "\n"
