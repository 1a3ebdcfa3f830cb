"""Finding and reading config.toml: a file, or a parsed table, into `Settings`, or a
`ConfigError` naming file, table and key."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scheduler.config.errors import describe_error, key_as_written
from scheduler.config.settings import Settings
from scheduler.core.kinds import RITUALS
from scheduler.errors import ConfigError

CONFIG_ENV = "RITUEL_CONFIG"
DEFAULT_CONFIG = Path("config.toml")


def config_path(explicit: Path | None) -> Path:
    """The configuration to read: --config, else $RITUEL_CONFIG, else ./config.toml."""
    if explicit is not None:
        return explicit
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_settings(path: Path) -> Settings:
    """Read and validate `path`; any problem is a ConfigError naming file, table and key."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return settings_from_dict(raw, path)


def settings_from_dict(raw: dict[str, Any], path: Path) -> Settings:
    """Validate an already parsed configuration read from `path`."""
    _check_required_tables(raw, path)
    try:
        settings = Settings.model_validate({**raw, "base_dir": path.parent.resolve()})
    except ValidationError as exc:
        raise ConfigError(describe_error(path, exc, raw)) from None
    _check_references(settings, path)
    _check_working_hours(settings, raw, path)
    return settings


def _check_required_tables(raw: dict[str, Any], path: Path) -> None:
    """An empty file, or one without [organisation] or [[facilitators]], is not a configuration
    to run with (and a reload must never apply it)."""
    if not raw:
        raise ConfigError(
            f"{path}: the configuration is empty; it needs at least [organisation] and one "
            "[[facilitators]]"
        )
    if "organisation" not in raw:
        raise ConfigError(f"{path}: no [organisation] table")
    if not raw.get("facilitators"):
        raise ConfigError(f"{path}: no [[facilitators]]; at least one facilitator is needed")


def _check_references(settings: Settings, path: Path) -> None:
    known = {f.id for f in settings.facilitators}
    for kind, table in settings.rituals.items():
        if table.facilitator is not None and table.facilitator not in known:
            raise ConfigError(
                f"{path}: [rituals.{kind.value}] facilitator: {table.facilitator!r} "
                "is not one of the [[facilitators]]"
            )


def _check_working_hours(settings: Settings, raw: dict[str, Any], path: Path) -> None:
    """Every meeting a ritual plans fits in [organisation] working_hours, unless the ritual is
    held after hours: the planner only ever uses a ritual's own times."""
    hours = settings.organisation.working_hours
    for kind in RITUALS:
        outside = settings.rituals[kind].outside_hours(hours)
        if outside is None:
            continue
        start, end = outside
        table = f"rituals.{kind.value}"
        raise ConfigError(
            f"{path}: [{table}] {key_as_written('times', table, raw)}: {start:%H:%M} to "
            f"{end:%H:%M} is outside [organisation] working_hours ({hours.start:%H:%M} to "
            f"{hours.end:%H:%M}); choose a time inside them, or set after_hours = true for a "
            "meeting held out of hours"
        )
