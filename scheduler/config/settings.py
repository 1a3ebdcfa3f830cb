"""The whole configuration (`Settings`) and its smaller tables: `[storage]`, `[planning]`,
`[feeds]`, `[web]`, `[daemon]`; and the views the core reads from it (calendar rules, ritual
rules, capacities)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from scheduler.config.mail import MailSettings
from scheduler.config.organisation import (
    AdminSettings,
    FacilitatorSettings,
    OrganisationSettings,
)
from scheduler.config.rituals import RitualSettings, with_defaults
from scheduler.config.types import Named, Table
from scheduler.core.kinds import RITUALS, RitualKind, Scope
from scheduler.core.values import Blackout, CalendarRules, Capacity, RitualRule

STORAGE_DRIVERS = ("sqlite", "postgresql+psycopg")


class StorageSettings(Table):
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


class PlanningSettings(Table):
    """How far ahead the planner looks."""

    horizon_months: int = Field(default=18, ge=1, le=120)


class FeedSettings(Table):
    """Calendar feeds: where they are written and how they are linked."""

    dir: str = "calendars"
    base_url: str = "http://127.0.0.1:8080"
    keep_cancelled_days: int = Field(default=30, ge=0)


class WebSettings(Table):
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


class DaemonSettings(Table):
    """The long-running service (`rituel run`)."""

    stop_grace_seconds: float = Field(default=20.0, gt=0)
    """On SIGTERM, how long sends in flight may take before they are interrupted and released;
    keep it below systemd's TimeoutStopSec."""


class Settings(Table):
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
        return {**data, "rituals": with_defaults(given)}

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
        return [self.rituals[kind].rule(kind) for kind in RITUALS]

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
