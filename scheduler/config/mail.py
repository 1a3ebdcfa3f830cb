"""How mail leaves and how answers come back: `[mail]`, `[mail.smtp]` and `[mail.imap]`."""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from scheduler.config.types import EmailAddress, Table, TimeOfDay, Weekday


class SmtpSettings(Table):
    """An SMTP relay; the password is read from the environment variable `password_env`."""

    host: str = "localhost"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str = ""
    password_env: str = "RITUEL_SMTP_PASSWORD"  # noqa: S105 (a variable name, not a secret)
    timeout_seconds: float = Field(default=30.0, gt=0)
    concurrency: int = Field(default=4, ge=1)
    rate_per_minute: int = Field(default=600, ge=1)
    ca_file: str = ""
    """A PEM file of certificates to trust instead of the system's (a relay with a private or
    self-signed certificate); relative to the configuration file. Verification stays on."""


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class ImapSettings(Table):
    """The mailbox where invitees' calendar clients send their iTIP replies (`[mail.imap]`).

    Unused while `host` is empty. `placement` says whose mailbox it is: `"organizer"`, a
    mailbox rituel owns whose `address` the invitations name as ORGANIZER (with the
    facilitator's name, Reply-To the facilitator); or `"facilitator"`, the facilitator's own
    mailbox, read in place, where rituel only ever moves the replies it processed.
    """

    host: str = ""
    port: int | None = Field(default=None, ge=1, le=65535)
    """Default 993 with `tls`, 143 otherwise."""
    security: Literal["tls", "starttls", "none"] = "tls"
    username: str = ""
    password_env: str = "RITUEL_IMAP_PASSWORD"  # noqa: S105 (a variable name, not a secret)
    folder: str = "INBOX"
    processed_folder: str = "Réponses rituel"
    poll_interval: float = Field(default=300.0, gt=0)
    """Seconds between two looks at the folder when the server offers no IDLE (and the longest
    an IDLE waits before looking anyway)."""
    timeout_seconds: float = Field(default=30.0, gt=0)
    ca_file: str = ""
    """A PEM file of certificates to trust instead of the system's; verification stays on."""
    placement: Literal["organizer", "facilitator"] = "facilitator"
    address: EmailAddress | None = Field(default=None, validate_default=True)
    """With placement "organizer": the ORGANIZER address of every invitation."""

    @field_validator("security")
    @classmethod
    def _clear_only_on_loopback(cls, value: str, info: ValidationInfo) -> str:
        host = info.data.get("host", "")
        if value == "none" and host and host not in LOOPBACK_HOSTS:
            raise ValueError(
                f"'none' sends the password in clear: only for a loopback host, not {host!r} "
                "(use 'tls' or 'starttls')"
            )
        return value

    @field_validator("address")
    @classmethod
    def _organizer_needs_address(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("placement") == "organizer":
            raise ValueError("placement 'organizer' needs the address invitations name")
        return value

    @property
    def enabled(self) -> bool:
        """True when a mailbox is configured to be read."""
        return bool(self.host)

    @property
    def server_port(self) -> int:
        """The port to connect to."""
        if self.port is not None:
            return self.port
        return 993 if self.security == "tls" else 143


class MailSettings(Table):
    """How mail leaves: written as .eml files (the default) or sent over SMTP."""

    transport: Literal["file", "smtp"] = "file"
    outbox_dir: str = "outbox"
    sender: EmailAddress = "rituel@rituel.invalid"
    sender_name: str = "Guichet clause sociale"
    max_attempts: int = Field(default=8, ge=1)
    renewal_notice_days: list[int] = Field(default_factory=lambda: [120, 60])
    digest_weekday: Weekday = 0
    digest_time: TimeOfDay = time(8, 0)
    dispatch_interval_seconds: float = Field(default=600.0, gt=0)
    """The daemon's safety tick: a full enqueue-and-send pass this often even when nothing it
    knows of falls due (for changes another instance made). Between ticks it sleeps until the
    next message is due and wakes at once on a change."""
    lease_seconds: float = Field(default=300.0, gt=0)
    """How long a claimed message stays ours; a crashed daemon's claims are taken again after."""
    batch_size: int = Field(default=100, ge=1)
    """Messages claimed at once: at most this many may go twice after a crash."""
    smtp: SmtpSettings = SmtpSettings()
    imap: ImapSettings = ImapSettings()
