"""Where "now" comes from: the system clock in production, a fixed instant in tests and --now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from scheduler.errors import InputError

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def fixed_clock(instant: datetime) -> Clock:
    """A clock that always answers `instant` (which must be aware)."""
    if instant.tzinfo is None:
        raise ValueError("a fixed clock needs an aware datetime")
    return lambda: instant


def parse_instant(text: str, timezone: str = "Europe/Paris", option: str = "--now") -> datetime:
    """An ISO 8601 instant given to `option` on the command line; a naive one is read in
    `timezone`."""
    from zoneinfo import ZoneInfo

    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option}: {text!r} is not an ISO 8601 date or time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(timezone))
    return value.astimezone(UTC)
