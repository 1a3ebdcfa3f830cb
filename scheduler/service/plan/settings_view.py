"""The effective settings a facilitator may change, key by key, with where each value comes
from: the workspace (when, by whom), config.toml, or the built-in default. For `rituel config
show`; `rituel config export` writes the same values as TOML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.config.export import export_toml
from scheduler.config.overlay import (
    FACILITATORS,
    facilitator_table,
    ritual_name,
    ritual_table,
)
from scheduler.core.kinds import RITUALS
from scheduler.service.plan.effective import effective, effective_settings
from scheduler.store import settings as stored_settings
from scheduler.store.db import read_session


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value comes from."""

    where: str
    """"workspace", "config.toml" or "default"."""
    changed_at: datetime | None = None
    changed_by: str | None = None


@dataclass(frozen=True, slots=True)
class SettingLine:
    """One key of the effective settings."""

    table: str
    key: str
    value: Any
    source: Source


def settings_lines(
    settings: Settings, engine: Engine, written: Mapping[str, Any]
) -> list[SettingLine]:
    """Every key of the facilitators and rituals, with its source; `written` is config.toml as
    parsed (to tell its values from the defaults)."""
    with read_session(engine) as session:
        current = effective_settings(settings, session, strict=True)
        stored = stored_settings.stored(session)
    lines: list[SettingLine] = []
    team = stored.get(FACILITATORS)
    team_source = (
        Source("workspace", team.changed_at, team.changed_by) if team else Source("config.toml")
    )
    for index, person in enumerate(current.facilitators):
        for key, value in facilitator_table(person).items():
            lines.append(SettingLine(f"facilitators[{index + 1}]", key, value, team_source))
    rituals = written.get("rituals") if isinstance(written.get("rituals"), dict) else {}
    for kind in RITUALS:
        name = ritual_name(kind)
        changed = stored.get(name)
        in_file = (rituals or {}).get(kind.value) or {}
        aliases = {"times": "time", "weekdays": "weekday"}
        for key, value in ritual_table(current.rituals[kind]).items():
            if changed is not None and key in changed.value:
                source = Source("workspace", changed.changed_at, changed.changed_by)
            elif key in in_file or aliases.get(key) in in_file:
                source = Source("config.toml")
            else:
                source = Source("default")
            lines.append(SettingLine(name, key, value, source))
    return lines


def exported(settings: Settings, engine: Engine) -> str:
    """The effective facilitators and rituals as config.toml tables."""
    return export_toml(effective(settings, engine, strict=True))
