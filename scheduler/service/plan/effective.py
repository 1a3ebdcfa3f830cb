"""The effective settings: config.toml's, overlaid by the values changed in the workspace and
stored in the database (scheduler.config.overlay), read in the caller's transaction, so that
every instance on the same database plans with the same values, never stale ones."""

from __future__ import annotations

from sqlmodel import Session

from scheduler.config import Settings
from scheduler.config.overlay import SettingsRefused, overlay
from scheduler.errors import ConfigError
from scheduler.store import settings as stored_settings


def effective_settings(settings: Settings, session: Session) -> Settings:
    """`settings` (the file's) with the stored values on top. Stored values the file no
    longer accepts (a facilitator removed from the file but still named by a stored ritual)
    are a ConfigError naming them."""
    values = stored_settings.values(session)
    if not values:
        return settings
    try:
        return overlay(settings, values)
    except SettingsRefused as refused:
        raise ConfigError(
            f"the settings changed in the workspace no longer fit config.toml: {refused} "
            "(change them in the workspace, or `rituel config show`)"
        ) from None
