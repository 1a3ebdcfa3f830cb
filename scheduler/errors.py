"""The one error tree of rituel.

    RituelError
    ├── ConfigError        config.toml is invalid (raised by scheduler.config)
    ├── InputError         a user's file or argument is invalid (CSV import, CLI values)
    ├── StoreError         the database is unusable or inconsistent (scheduler.store)
    ├── NotFoundError      a thing named by the user does not exist (an UID, a slug)
    ├── ExportError        the calendar feeds could not be written (scheduler.service.publish.feeds)
    ├── PlacementError     a meeting moved by hand would break planning rules (a holiday, a
    │                      blackout, a facilitator's capacity…) and the move was not forced
    ├── ConflictError      a change was asked on a version someone else changed since
    └── DeliveryError      a message could not be delivered (scheduler.mail); `temporary` says
                           whether a later attempt may succeed

The CLI turns each of these into one line on stderr and an exit status, never a traceback.
"""

from __future__ import annotations


class RituelError(Exception):
    """Base of every error rituel raises on purpose."""

    exit_code = 1


class ConfigError(RituelError):
    """The configuration file is invalid; the message names the file, the table and the key."""

    exit_code = 2


class InputError(RituelError):
    """A user's input (a CSV file, a command-line value) is invalid."""

    exit_code = 2

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems: list[str] = problems or []


class StoreError(RituelError):
    """The database cannot be used as asked."""


class NotFoundError(RituelError):
    """A thing the user named does not exist."""

    exit_code = 3


class ExportError(RituelError):
    """The feeds folder cannot be written (missing, not a folder, full, read-only)."""


class PlacementError(RituelError):
    """A meeting cannot go where it was asked without breaking planning rules (see
    `scheduler.core.placement`); `broken` lists them. Exit status 1: nothing was changed."""

    def __init__(self, message: str, broken: tuple[object, ...]) -> None:
        super().__init__(message)
        self.broken = broken


class DeliveryError(RituelError):
    """A message could not be delivered; `temporary` errors are retried later."""

    def __init__(self, message: str, *, temporary: bool, code: int | None = None) -> None:
        super().__init__(message)
        self.temporary = temporary
        self.code = code


class ConflictError(RituelError):
    """A change was asked on what someone else changed since it was read (optimistic locking:
    the SEQUENCE sent with the form is no longer the meeting's). Nothing was changed."""
