"""Signed links: a record id and an expiry, sealed with HMAC-SHA256 under the install's secret.

A token is 64 URL-safe characters: base64url (no padding) of 48 bytes — the id (8 bytes), the
expiry in Unix seconds (8 bytes) and the full 32-byte MAC over a purpose label and those 16
bytes. The purpose keeps an RSVP token from opening an attendance page and the reverse.
Reading a token takes the same steps whether it is right, wrong or malformed: a malformed one is
replaced by a dummy, its MAC computed and compared with `hmac.compare_digest` all the same.

The secret comes from the environment variable `RITUEL_SECRET`; when it is unset, a random one
is made once and kept in `.rituel-secret` (mode 0600) beside the configuration. Installs that
run several daemons on one PostgreSQL database set `RITUEL_SECRET` on every instance.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import stat
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scheduler.config import Settings
from scheduler.errors import ConfigError
from scheduler.logs import get_logger

log = get_logger("signing")

SECRET_ENV = "RITUEL_SECRET"  # noqa: S105 (a variable name, not a secret)
SECRET_FILE = ".rituel-secret"  # noqa: S105 (a file name, not a secret)
MIN_SECRET_LENGTH = 32
TOKEN_LENGTH = 64
_PAYLOAD = struct.Struct(">Qq")
_MAC_BYTES = 32
_TOKEN = re.compile(r"[A-Za-z0-9_-]{64}")
_DUMMY = b"\0" * (_PAYLOAD.size + _MAC_BYTES)


@dataclass(frozen=True, slots=True)
class Sealed:
    """What a genuine token carries: a record id and the instant the link stops working."""

    id: int
    expires: datetime


class Signer:
    """Seals and opens tokens for one purpose ("rsvp", "attendance") under one secret."""

    def __init__(self, secret: bytes, purpose: str) -> None:
        self._key = hmac.new(secret, b"rituel-signing-key", hashlib.sha256).digest()
        self._label = f"rituel:{purpose}:v1\0".encode("ascii")

    def seal(self, record_id: int, expires: datetime) -> str:
        """The token for `record_id`, valid until `expires` (an aware instant)."""
        if expires.tzinfo is None:
            raise ValueError("a token's expiry must be an aware datetime")
        payload = _PAYLOAD.pack(record_id, int(expires.timestamp()))
        raw = payload + self._mac(payload)
        return base64.urlsafe_b64encode(raw).decode("ascii")

    def open(self, token: str) -> Sealed | None:
        """What `token` carries when this signer sealed it, else None (never raises)."""
        well_formed = isinstance(token, str) and _TOKEN.fullmatch(token) is not None
        raw = base64.urlsafe_b64decode(token) if well_formed else _DUMMY
        payload, mac = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
        genuine = hmac.compare_digest(self._mac(payload), mac)
        if not (well_formed and genuine):
            return None
        record_id, expiry = _PAYLOAD.unpack(payload)
        try:
            expires = datetime.fromtimestamp(expiry, UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return Sealed(record_id, expires)

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self._key, self._label + payload, hashlib.sha256).digest()


def signer(settings: Settings, purpose: str) -> Signer:
    """A signer for `purpose` under this install's secret."""
    return Signer(load_secret(settings), purpose)


def load_secret(settings: Settings) -> bytes:
    """`RITUEL_SECRET`, else the secret kept beside the configuration (made on first use)."""
    from_env = os.environ.get(SECRET_ENV)
    if from_env is not None:
        if len(from_env.strip()) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"{SECRET_ENV} must hold at least {MIN_SECRET_LENGTH} characters "
                '(make one with: python -c "import secrets; print(secrets.token_urlsafe(32))")'
            )
        return from_env.strip().encode("utf-8")
    return _file_secret(settings.resolve(SECRET_FILE))


def secret_problem(settings: Settings) -> str | None:
    """What makes the install's secret unusable (for `rituel check`), without making one: None
    when it is usable, or not made yet (it is on first use)."""
    try:
        if os.environ.get(SECRET_ENV) is not None or settings.resolve(SECRET_FILE).exists():
            load_secret(settings)
    except ConfigError as exc:
        return str(exc)
    except OSError as exc:
        return f"{settings.resolve(SECRET_FILE)}: {exc.strerror or exc}"
    return None


def _file_secret(path: Path) -> bytes:
    """The secret in `path`, created atomically with mode 0600 when missing."""
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if another process made it first: theirs wins
            log.info("made a new signing secret in %s", path)
        except FileExistsError:
            pass
    finally:
        temporary.unlink(missing_ok=True)
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s is readable by others (mode %o); chmod 600 it", path, mode)
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(f"{path}: the signing secret is too short; delete the file to make one")
    return secret.encode("ascii")
