"""The effective settings: config.toml's, overlaid by the values changed in the workspace and
stored in the database (scheduler.config.overlay), read in the caller's transaction, so that
every instance on the same database plans, mails, publishes and lets people sign in with the
same values, never stale ones.

Every reader of the ritual catalogue or of the facilitators goes through `effective_settings`
(or `effective`, which opens its own read): the plan, the mail step, the feeds, the sign-in,
the workspace's pages and the operator's commands. The stored values are read on every call;
only the overlay of identical values on the same file settings is remembered (it is pure), so a
value saved by another instance counts from the next read on.

Stored values the file no longer accepts (config.toml edited under them: a facilitator removed
from the file while a stored ritual still names them) stop the plan (`strict`: a ConfigError
naming them, so nothing is planned on half the settings) and `rituel check` says so; every
other reader leaves out the stored tables that no longer fit, keeps the others and logs it, so
nobody is locked out of the workspace where the fix is made.
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
from scheduler.logs import get_logger
from scheduler.store import settings as stored_settings
from scheduler.store.db import read_session

log = get_logger("settings")

_REMEMBERED = 8
_overlays: list[tuple[Settings, str, Settings, ConfigError | None]] = []
_lock = threading.Lock()


def effective_settings(settings: Settings, session: Session, *, strict: bool = False) -> Settings:
    """`settings` (the file's) with the stored values on top, as `session` reads them. Stored
    values the file no longer accepts are a ConfigError naming them when `strict`; otherwise
    the tables that no longer fit are left out (and logged)."""
    values = stored_settings.values(session)
    if not values:
        return settings
    return _overlaid(settings, values, strict)


def effective(settings: Settings, engine: Engine, *, strict: bool = False) -> Settings:
    """The effective settings as the database holds them now (a read of its own)."""
    with read_session(engine) as session:
        return effective_settings(settings, session, strict=strict)


def _overlaid(settings: Settings, values: dict[str, Any], strict: bool) -> Settings:
    """The overlay, remembered for the last few (file settings, stored values) pairs: the same
    file object and the same values always give the same result."""
    key = json.dumps(values, sort_keys=True, default=str)
    with _lock:
        for base, seen, result, refused in _overlays:
            if base is settings and seen == key:
                if refused is not None and strict:
                    raise ConfigError(str(refused))
                return result
    try:
        result, problem = overlay(settings, values), None
    except SettingsRefused as refused:
        problem = ConfigError(
            f"the settings changed in the workspace no longer fit config.toml: {refused} "
            "(change them in the workspace, or `rituel config show`)"
        )
        result = _what_fits(settings, values)
        log.error("%s; acting on the rest meanwhile", problem)
    with _lock:
        _overlays.insert(0, (settings, key, result, problem))
        del _overlays[_REMEMBERED:]
    if problem is not None and strict:
        raise ConfigError(str(problem))
    return result


def _what_fits(settings: Settings, values: dict[str, Any]) -> Settings:
    """The overlay of the stored tables that fit, taken one by one in order."""
    kept: dict[str, Any] = {}
    for name in sorted(values):
        try:
            overlay(settings, {**kept, name: values[name]})
        except SettingsRefused:
            continue
        kept[name] = values[name]
    return overlay(settings, kept)
