"""The effective settings: config.toml's, overlaid by the values changed in the workspace and
stored in the database (scheduler.config.overlay), read in the caller's transaction, so that
every instance on the same database plans, mails, publishes and lets people sign in with the
same values, never stale ones.

Every reader of the ritual catalogue or of the facilitators goes through `effective_settings`
(or `effective`, which opens its own read): the plan, the mail step, the feeds, the sign-in,
the workspace's pages and the operator's commands. The stored values are read on every call;
only the overlay of identical values on the same file settings is remembered (it is pure), so a
value saved by another instance counts from the next read on.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.config.overlay import SettingsRefused, overlay
from scheduler.errors import ConfigError
from scheduler.store import settings as stored_settings
from scheduler.store.db import read_session

_REMEMBERED = 8
_overlays: list[tuple[Settings, str, Settings]] = []
_lock = threading.Lock()


def effective_settings(settings: Settings, session: Session) -> Settings:
    """`settings` (the file's) with the stored values on top, as `session` reads them. Stored
    values the file no longer accepts (a facilitator removed from the file but still named by a
    stored ritual) are a ConfigError naming them."""
    values = stored_settings.values(session)
    if not values:
        return settings
    return _overlaid(settings, values)


def effective(settings: Settings, engine: Engine) -> Settings:
    """The effective settings as the database holds them now (a read of its own)."""
    with read_session(engine) as session:
        return effective_settings(settings, session)


def _overlaid(settings: Settings, values: dict[str, Any]) -> Settings:
    """The overlay, remembered for the last few (file settings, stored values) pairs: the same
    file object and the same values always give the same result."""
    key = json.dumps(values, sort_keys=True, default=str)
    with _lock:
        for base, seen, result in _overlays:
            if base is settings and seen == key:
                return result
    try:
        result = overlay(settings, values)
    except SettingsRefused as refused:
        raise ConfigError(
            f"the settings changed in the workspace no longer fit config.toml: {refused} "
            "(change them in the workspace, or `rituel config show`)"
        ) from None
    with _lock:
        _overlays.insert(0, (settings, key, result))
        del _overlays[_REMEMBERED:]
    return result
