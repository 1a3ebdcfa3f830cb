"""config.toml into typed settings.

Types are strict: a number, a boolean or a string must be written as one (`horizon_months =
true` or `"18"` is an error, not 1 or 18). Every key has a default, but a configuration needs an
`[organisation]` table and at least one `[[facilitators]]`: an empty or truncated file (an editor
that truncates before writing, a failed deploy) is refused, never read as "all defaults". A
mistake is reported as one line naming the file, the table and the key:

    config.toml: [rituals.after_work] time: '25:00' is not a time of day
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from scheduler.core.french import FrenchName
from scheduler.core.kinds import Cadence, OnConflict, RitualKind, Scope
from scheduler.core.text import is_email
from scheduler.core.values import (
    Blackout,
    CalendarRules,
    Capacity,
    MonthDay,
    RitualRule,
)
from scheduler.errors import ConfigError

CONFIG_ENV = "RITUEL_CONFIG"
DEFAULT_CONFIG = Path("config.toml")

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FRENCH_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def parse_time_of_day(value: Any) -> time:
    """'09:30' or '9h30' → time(9, 30)."""
    if isinstance(value, time):
        return value
    match = re.fullmatch(r"\s*(\d{1,2})\s*[:hH]\s*(\d{2})?\s*", str(value))
    if match:
        hour, minute = int(match[1]), int(match[2] or 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ValueError(f"{value!r} is not a time of day")


def parse_duration(value: Any) -> timedelta:
    """'2h', '90min', '1h30', '45m' or a number of minutes → timedelta."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return timedelta(minutes=value)
    text = str(value).strip().lower().replace(" ", "")
    match = re.fullmatch(r"(?:(\d+)h)?(\d+)?(?:min|m)?", text)
    if text and match and (match[1] or match[2]):
        hours = int(match[1] or 0)
        minutes = int(match[2] or 0)
        if match[1] is None or text.endswith(("m", "min")) or match[2] is None or minutes < 60:
            total = timedelta(hours=hours, minutes=minutes)
            if total > timedelta(0):
                return total
    raise ValueError(f"{value!r} is not a duration (write '2h', '90min' or '1h30')")


def parse_weekday(value: Any) -> int:
    """'thursday', 'jeudi' or 3 → 3 (Monday is 0)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return value
    name = str(value).strip().lower()
    for names in (WEEKDAYS, _FRENCH_WEEKDAYS):
        if name in names:
            return names.index(name)
    raise ValueError(f"{value!r} is not a day of the week")


def parse_month_day(value: Any) -> MonthDay:
    """'08-01' → MonthDay(8, 1)."""
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", str(value).strip())
    if match:
        month, day = int(match[1]), int(match[2])
        days_in_month = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
        if 1 <= month <= 12 and 1 <= day <= days_in_month[month - 1]:
            return MonthDay(month, day)
    raise ValueError(f"{value!r} is not a day of the year (write 'MM-DD')")


Audience = Literal["buyer", "supplier", "partner", "guichet"]


def check_email(value: str) -> str:
    """A plain e-mail address, or a clear refusal."""
    if not is_email(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


EmailAddress = Annotated[str, AfterValidator(check_email)]
TimeOfDay = Annotated[time, BeforeValidator(parse_time_of_day)]
Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Weekday = Annotated[int, BeforeValidator(parse_weekday)]
DayOfYear = Annotated[MonthDay, BeforeValidator(parse_month_day)]


def _buyers_only() -> list[Audience]:
    return ["buyer"]


Named = Strict(False)
"""For enums named by their value in TOML (`cadence = "yearly"`), and tuples written as TOML
arrays: the values inside stay strict."""


class _Table(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, strict=True
    )


class HolidaySettings(_Table):
    """Which public holidays close the office."""

    country: str = "FR"
    subdivision: str = ""

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value not in holidays.list_supported_countries():
            raise ValueError(f"{value!r} is not a country code with public holidays (such as 'FR')")
        return value

    @field_validator("subdivision")
    @classmethod
    def _known_subdivision(cls, value: str, info: ValidationInfo) -> str:
        country = info.data.get("country")
        known = holidays.list_supported_countries().get(country or "", [])
        if value and country and value not in known:
            examples = ", ".join(repr(name) for name in known[:4])
            raise ValueError(f"{value!r} is not a subdivision of {country} (such as {examples})")
        return value


class BlackoutSettings(_Table):
    """A period repeated every year when no meeting is planned."""

    from_: DayOfYear = Field(alias="from")
    to: DayOfYear


class WorkingHours(_Table):
    """The office's opening hours; meetings fit inside unless a ritual says otherwise."""

    start: TimeOfDay = time(9, 0)
    end: TimeOfDay = time(18, 30)

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if self.end <= self.start:
            raise ValueError("end must come after start")
        return self


def _default_blackouts() -> list[BlackoutSettings]:
    return [
        BlackoutSettings.model_validate({"from": "08-01", "to": "08-31"}),
        BlackoutSettings.model_validate({"from": "12-24", "to": "01-01"}),
    ]


class OrganisationSettings(_Table):
    """The guichet itself."""

    name: str = "Guichet clause sociale"
    article: Literal["le", "la", "l'", "les", ""] | None = None
    """The article of `name` in French (« le Guichet … »); derived from the name when unset,
    "" for a name said bare."""
    short_name: str = ""
    """A shorter name for second mentions (« le Guichet »): the sign-off and the footer of
    mails; the full name when empty."""
    timezone: str = "Europe/Paris"
    locale: Literal["fr", "en"] = "fr"
    uid_domain: str = "rituel.invalid"
    holidays: HolidaySettings = HolidaySettings()
    blackouts: list[BlackoutSettings] = Field(default_factory=_default_blackouts)
    working_hours: WorkingHours = WorkingHours()
    working_days: list[Weekday] = Field(default_factory=lambda: [0, 1, 2, 3, 4])
    default_programming_month: int = Field(default=10, ge=1, le=12)

    @property
    def french_name(self) -> FrenchName:
        """The guichet's name with its article."""
        return FrenchName(self.name, self.article)

    @property
    def french_short_name(self) -> FrenchName:
        """The name of second mentions, with the same article."""
        return FrenchName(self.short_name or self.name, self.article)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone (such as 'Europe/Paris')") from None
        return value


class FacilitatorSettings(_Table):
    """A person of the guichet who runs meetings."""

    id: str
    name: str
    email: EmailAddress
    max_per_day: int = Field(default=2, ge=1)
    max_per_week: int = Field(default=6, ge=1)
    locale: Literal["fr", "en"] = "fr"
    """The language of their workspace pages and sign-in mails."""

    @field_validator("id")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", value):
            raise ValueError(f"{value!r} is not an identifier (lower-case letters, digits, - or _)")
        return value


class AdminSettings(_Table):
    """A person of the guichet who signs in to the workspace without running meetings."""

    name: str
    email: EmailAddress
    locale: Literal["fr", "en"] = "fr"


class RitualSettings(_Table):
    """One [rituals.KIND] table; every key defaults to the handbook's rhythm for the kind."""

    title: str
    title_en: str
    enabled: bool = True
    cadence: Annotated[Cadence, Named] = Cadence.YEARLY
    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(default_factory=list)
    weekdays: list[Weekday] = Field(default_factory=lambda: [1, 3])
    week_of_month: int = Field(default=2, ge=1, le=4)
    times: list[TimeOfDay] = Field(default_factory=lambda: [time(10, 0)], min_length=1)
    duration: Duration = timedelta(hours=2)
    on_conflict: Annotated[OnConflict, Named] = OnConflict.SHIFT
    max_shift_days: int = Field(default=21, ge=0, le=31)
    themes: list[str] = Field(default_factory=list)
    facilitator: str | None = None
    location: str = ""
    video_url: str = ""
    audience: list[Audience] = Field(default_factory=_buyers_only)
    after_hours: bool = False
    window_weeks: Annotated[tuple[int, int], Named] = (8, 3)
    invite_days_before: int = Field(default=30, ge=0)
    reminders_days_before: list[Annotated[int, Field(ge=0)]] = Field(default_factory=lambda: [7, 1])
    alarm_minutes_before: int | None = Field(default=None, ge=0)
    booking: Literal["choose", "impose"] = "impose"
    """Per-buyer kinds: "choose" sends the buyer dates to choose from (a proposal) at the
    invitation's lead time instead of the invitation; "impose" invites to the planner's date."""
    slots: int = Field(default=4, ge=3, le=5)
    """How many dates a proposal offers, the planner's default one included."""
    choice_deadline_days: int = Field(default=21, ge=1)
    """A proposal's deadline: this many days before its first date; then the default date
    is confirmed."""
    proposal_reminders_days: list[Annotated[int, Field(ge=0)]] = Field(
        default_factory=lambda: [7, 2]
    )
    """Reminders of an unanswered proposal, in days before its deadline."""

    @model_validator(mode="before")
    @classmethod
    def _single_forms(cls, data: Any) -> Any:
        """Accept `weekday = "thursday"` and `time = "18:00"` beside the list forms."""
        if isinstance(data, dict):
            data = dict(data)
            if "weekday" in data:
                data["weekdays"] = [data.pop("weekday")]
            if "time" in data:
                data["times"] = [data.pop("time")]
        return data

    def rule(self, kind: RitualKind) -> RitualRule:
        """The planner's view of this table."""
        return RitualRule(
            kind=kind,
            title=self.title,
            enabled=self.enabled,
            cadence=self.cadence,
            months=tuple(self.months),
            weekdays=tuple(self.weekdays),
            week_of_month=self.week_of_month,
            times=tuple(self.times),
            duration=self.duration,
            on_conflict=self.on_conflict,
            max_shift_days=self.max_shift_days,
            themes=tuple(self.themes),
            facilitator=self.facilitator,
            window_weeks=self.window_weeks,
        )


RITUAL_DEFAULTS: dict[RitualKind, dict[str, Any]] = {
    RitualKind.PROGRAMMING_REVIEW: {
        "cadence": "yearly",
        "times": ["10:00", "14:30"],
        "weekdays": ["tuesday", "wednesday", "thursday"],
        "window_weeks": (8, 3),
        "invite_days_before": 45,
        "audience": ["buyer", "guichet"],
    },
    RitualKind.STEERING_COMMITTEE: {
        "cadence": "yearly",
        "months": [6],
        "times": ["14:00"],
        "duration": "2h30",
        "audience": ["buyer", "partner", "guichet"],
    },
    RitualKind.BUYER_CLUB: {
        "cadence": "semiannual",
        "months": [3, 10],
        "times": ["09:30"],
        "audience": ["buyer", "guichet"],
    },
    RitualKind.AFTER_WORK: {
        "cadence": "bimonthly",
        "weekdays": ["thursday"],
        "week_of_month": 3,
        "times": ["18:00"],
        "after_hours": True,
        "invite_days_before": 21,
        "audience": ["buyer", "partner", "guichet"],
    },
    RitualKind.INTERNAL_AWARENESS: {
        "cadence": "per_convention",
        "times": ["10:00", "14:00"],
        "window_weeks": (3, 10),
        "duration": "1h30",
        "audience": ["buyer", "guichet"],
    },
    RitualKind.B2B_MEETUP: {
        "cadence": "semiannual",
        "months": [5, 11],
        "times": ["09:00"],
        "duration": "3h",
        "audience": ["buyer", "supplier", "guichet"],
    },
    RitualKind.ANNUAL_RESTITUTION: {
        "cadence": "yearly",
        "months": [2],
        "times": ["10:00"],
        "duration": "2h30",
        "audience": ["buyer", "supplier", "partner", "guichet"],
    },
    RitualKind.CONVENTION_RENEWAL: {
        "cadence": "per_convention",
        "times": ["10:00", "14:30"],
        "window_weeks": (16, 10),
        "duration": "1h30",
        "invite_days_before": 30,
        "audience": ["buyer", "guichet"],
    },
}


STORAGE_DRIVERS = ("sqlite", "postgresql+psycopg")


class StorageSettings(_Table):
    """Where the data lives: `sqlite:///PATH` or `postgresql+psycopg://USER@HOST/DB`."""

    url: str = "sqlite:///rituel.db"

    @field_validator("url")
    @classmethod
    def _supported(cls, value: str) -> str:
        """A database rituel can open; the refusal never repeats the URL (it may hold a
        password)."""
        try:
            driver = make_url(value).drivername
        except ArgumentError:
            raise ValueError("not a database URL (write sqlite:///PATH)") from None
        if driver == "sqlite" and (not value.startswith("sqlite:///") or value == "sqlite:///"):
            raise ValueError("write sqlite:///PATH (a file; relative to this configuration)")
        if driver not in STORAGE_DRIVERS:
            raise ValueError(
                f"{driver!r} databases are not supported: write sqlite:///PATH or "
                "postgresql+psycopg://USER@HOST/DB"
            )
        return value


class PlanningSettings(_Table):
    """How far ahead the planner looks."""

    horizon_months: int = Field(default=18, ge=1, le=120)


class FeedSettings(_Table):
    """Calendar feeds: where they are written and how they are linked."""

    dir: str = "calendars"
    base_url: str = "http://127.0.0.1:8080"
    keep_cancelled_days: int = Field(default=30, ge=0)


class WebSettings(_Table):
    """The HTTP server (feeds, RSVP, health)."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    session_idle_hours: float = Field(default=12.0, gt=0)
    """A workspace session ends after this long without a request."""
    session_max_days: float = Field(default=30.0, gt=0)
    """A workspace session ends this long after sign-in, however active."""
    embed_origins: list[str] = Field(default_factory=list)
    """Sites that may show /engagements?integration=1 in a frame (CSP frame-ancestors), such as
    "https://www.ville-lisiere.example"; none by default."""

    @field_validator("embed_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"{origin!r} is not a site's origin (write https://www.example.org)"
                )
        return origins


_ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:(\d{1,5}|\*))?")


class SmtpSettings(_Table):
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


class ImapSettings(_Table):
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


class MailSettings(_Table):
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


class DaemonSettings(_Table):
    """The long-running service (`rituel run`)."""

    stop_grace_seconds: float = Field(default=20.0, gt=0)
    """On SIGTERM, how long sends in flight may take before they are interrupted and released;
    keep it below systemd's TimeoutStopSec."""


class Settings(_Table):
    """The whole configuration, with the path it was read from."""

    organisation: OrganisationSettings
    storage: StorageSettings = StorageSettings()
    planning: PlanningSettings = PlanningSettings()
    facilitators: list[FacilitatorSettings] = Field(min_length=1)
    admins: list[AdminSettings] = Field(default_factory=list)
    rituals: dict[Annotated[RitualKind, Named], RitualSettings] = Field(default_factory=dict)
    feeds: FeedSettings = FeedSettings()
    web: WebSettings = WebSettings()
    mail: MailSettings = MailSettings()
    daemon: DaemonSettings = DaemonSettings()
    base_dir: Path = Path()

    @model_validator(mode="before")
    @classmethod
    def _ritual_defaults(cls, data: Any) -> Any:
        """Every kind exists; a [rituals.KIND] table overrides that kind's defaults."""
        if not isinstance(data, dict):
            return data
        given = data.get("rituals") or {}
        if not isinstance(given, dict):
            return data
        merged: dict[str, Any] = {}
        for kind in RitualKind:
            table = given.get(kind.value, {})
            if not isinstance(table, dict):
                merged[kind.value] = table
                continue
            merged[kind.value] = {
                "title": kind.title("fr"),
                "title_en": kind.title("en"),
                **RITUAL_DEFAULTS[kind],
                **table,
            }
        for name in given:
            if name not in merged:
                merged[name] = given[name]
        return {**data, "rituals": merged}

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        ids = [f.id for f in self.facilitators]
        if len(set(ids)) != len(ids):
            raise ValueError("two facilitators share an id")
        for kind, ritual in self.rituals.items():
            if ritual.booking == "choose" and kind.scope is not Scope.BUYER:
                raise ValueError(
                    f'[rituals.{kind.value}] booking: "choose" is for a buyer\'s own meetings '
                    "(programming_review, internal_awareness, convention_renewal)"
                )
        return self

    # --- views for the core --------------------------------------------------------------

    def calendar_rules(self) -> CalendarRules:
        """The calendar constraints the planner applies."""
        org = self.organisation
        return CalendarRules(
            timezone=org.timezone,
            country=org.holidays.country,
            subdivision=org.holidays.subdivision or None,
            blackouts=tuple(Blackout(b.from_, b.to) for b in org.blackouts),
            working_weekdays=frozenset(org.working_days),
            working_start=org.working_hours.start,
            working_end=org.working_hours.end,
        )

    def ritual_rules(self) -> list[RitualRule]:
        """The planner's rules, one per kind, in a stable order."""
        return [self.rituals[kind].rule(kind) for kind in RitualKind]

    def capacities(self) -> list[Capacity]:
        """Each facilitator's limits, in the configured order."""
        return [Capacity(f.id, f.max_per_day, f.max_per_week) for f in self.facilitators]

    def facilitator(self, facilitator_id: str) -> FacilitatorSettings | None:
        """The facilitator with this id, if configured."""
        return next((f for f in self.facilitators if f.id == facilitator_id), None)

    def is_staff(self, email: str) -> bool:
        """True for an address of the guichet's own people (a facilitator, the sender)."""
        address = email.strip().lower()
        staff = {f.email.lower() for f in self.facilitators} | {self.mail.sender.lower()}
        return address in staff

    def resolve(self, relative: str) -> Path:
        """A path from the configuration, relative to the configuration file's folder."""
        path = Path(relative)
        return path if path.is_absolute() else self.base_dir / path

    @property
    def database_url(self) -> str:
        """The storage URL, with a relative SQLite path taken beside the configuration."""
        url = self.storage.url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix:
            return prefix + str(self.resolve(url.removeprefix(prefix)).resolve())
        return url


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


def describe_error(path: Path, exc: ValidationError, raw: dict[str, Any]) -> str:
    """One line for the first problem pydantic found: file, table, key and what is wrong."""
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"] if part != "from_"]
    loc = ["from" if part == "from_" else part for part in loc]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] in _STRICT_TYPES:
        message = _wrong_type(error["input"], _STRICT_TYPES[error["type"]])
    elif "input" in error and error["type"] not in ("value_error", "missing"):
        message = f"{error['input']!r}: {message}"
    if not loc:
        return f"{path}: {message}"
    if loc[0] == "rituals" and len(loc) >= 2 and loc[1] not in {k.value for k in RitualKind}:
        return f"{path}: [rituals] {loc[1]}: unknown ritual kind"
    table, key = _table_and_key(loc, raw)
    key = _as_written(key, table, raw)
    where = f"[{table}] " if table else ""
    return f"{path}: {where}{key}: {message}" if key else f"{path}: [{table}] {message}"


_STRICT_TYPES = {
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "text (in quotes)",
}


def _wrong_type(value: Any, expected: str) -> str:
    """`true is not a whole number`, with the value as it is written in TOML."""
    if isinstance(value, bool):
        written = "true" if value else "false"
    elif isinstance(value, str):
        written = json.dumps(value, ensure_ascii=False)
    else:
        written = repr(value)
    hint = " (write it without quotes)" if isinstance(value, str) else ""
    return f"{written} is not {expected}{hint}"


def _table_and_key(loc: list[str], raw: dict[str, Any]) -> tuple[str, str]:
    """Split a pydantic location into a TOML table name and the key inside it."""
    table: list[str] = []
    node: Any = raw
    for index, part in enumerate(loc):
        child = _child(node, part)
        is_last = index == len(loc) - 1
        if isinstance(child, dict) and not is_last:
            table.append(part)
            node = child
        elif isinstance(child, list) and not is_last and loc[index + 1].isdigit():
            item = _child(child, loc[index + 1])
            if isinstance(item, dict) and index + 1 < len(loc) - 1:
                table.append(f"{part}[{int(loc[index + 1]) + 1}]")
                node = item
                loc = loc[: index + 1] + loc[index + 2 :]
                return ".".join(table), ".".join(loc[index + 1 :])
            return ".".join(table), ".".join(loc[index:])
        else:
            return ".".join(table), ".".join(loc[index:])
    return ".".join(table), ""


def _child(node: Any, part: str) -> Any:
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    return None


def _as_written(key: str, table: str, raw: dict[str, Any]) -> str:
    """Name a key as the user wrote it: `time` rather than `times.0` when they used the single
    form."""
    head = key.split(".")[0]
    singular = {"times": "time", "weekdays": "weekday"}.get(head)
    if singular is None:
        return key
    node: Any = raw
    for part in table.split("."):
        node = _child(node, part) if node is not None else None
    return singular if isinstance(node, dict) and singular in node else key
