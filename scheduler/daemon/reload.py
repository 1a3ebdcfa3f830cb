"""SIGHUP: re-read config.toml, and refuse what the running daemon must not take."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from scheduler.config import Settings, load_settings
from scheduler.errors import ConfigError
from scheduler.logs import get_logger
from scheduler.service.plan.planning import plan_and_store

log = get_logger("daemon")


async def settings_to_apply(
    config_path: Path, running: Settings, engine: Engine, now: datetime
) -> Settings | None:
    """The new settings, or None (the reason logged) for an invalid or incomplete file, a new
    storage URL, or a configuration whose plan would cancel more than half of the planned
    meetings at once."""
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        log.error("reload refused, keeping the running configuration: %s", exc)
        return None
    if settings.database_url != running.database_url:
        log.error("reload refused: the storage URL cannot change while running")
        return None
    try:
        dry_run = await asyncio.to_thread(plan_and_store, settings, engine, now, dry_run=True)
    except Exception:
        log.exception("reload refused: cannot plan with %s", config_path)
        return None
    if dry_run.refused is not None:
        log.error(
            "reload refused, keeping the running configuration: planning with %s %s",
            config_path,
            dry_run.refused,
        )
        return None
    return settings
