"""The team as a change of settings: a colleague welcomed, one person's details or capacity
changed, someone leaving — each the whole new list of facilitators, previewed and applied by
scheduler.service.plan.settings_change like any other change (the same rules, the same
journal)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from scheduler.config import Settings
from scheduler.config.overlay import facilitator_table
from scheduler.core.text import slugify
from scheduler.service.plan.settings_change import SettingsChange

RESERVED_IDS = frozenset({"nouvelle"})
"""Identifiers a person cannot take (they are the workspace's own paths)."""


def new_id(name: str, taken: Collection[str]) -> str:
    """An identifier for a newcomer, made from their name and not yet taken: 'Léa Martin' →
    'lea-martin' (then 'lea-martin-2'…)."""
    base = slugify(name)[:40].strip("-") or "animateur"
    found, number = base, 1
    while found in taken or found in RESERVED_IDS:
        number += 1
        found = f"{base}-{number}"
    return found


def team_change(
    current: Settings,
    person: Mapping[str, Any] | None,
    *,
    replacing: str | None = None,
) -> SettingsChange:
    """The team after one edit, from the effective team `current`: `person` (a
    `[[facilitators]]` table) added when `replacing` is None, put in the place of `replacing`
    otherwise; `replacing` removed when `person` is None."""
    team = [facilitator_table(f) for f in current.facilitators]
    if replacing is None:
        if person is not None:
            team.append(dict(person))
        return SettingsChange(facilitators=team)
    edited: list[dict[str, Any]] = []
    for table in team:
        if table["id"] != replacing:
            edited.append(table)
        elif person is not None:
            edited.append(dict(person))
    return SettingsChange(facilitators=edited)
