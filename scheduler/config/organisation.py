"""The guichet and its people: `[organisation]`, `[[facilitators]]` and `[[admins]]`."""

from __future__ import annotations

import re
from datetime import time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import Field, ValidationInfo, field_validator, model_validator

from scheduler.config.types import DayOfYear, EmailAddress, Locale, Table, TimeOfDay, Weekday
from scheduler.core.french import FrenchName


class HolidaySettings(Table):
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


class BlackoutSettings(Table):
    """A period repeated every year when no meeting is planned."""

    from_: DayOfYear = Field(alias="from")
    to: DayOfYear


class WorkingHours(Table):
    """The office's opening hours: every ritual's meetings fit inside, from their start time
    to their end, unless the ritual is marked `after_hours` (an after-work)."""

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


class OrganisationSettings(Table):
    """The guichet itself."""

    name: str = "Guichet clause sociale"
    article: Literal["le", "la", "l'", "les", ""] | None = None
    """The article of `name` in French (« le Guichet … »); derived from the name when unset,
    "" for a name said bare."""
    short_name: str = ""
    """A shorter name for second mentions (« le Guichet »): the sign-off and the footer of
    mails; the full name when empty."""
    timezone: str = "Europe/Paris"
    locale: Locale = "fr"
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


class FacilitatorSettings(Table):
    """A person of the guichet who runs meetings."""

    id: str
    name: str
    email: EmailAddress
    max_per_day: int = Field(default=2, ge=1)
    max_per_week: int = Field(default=6, ge=1)
    locale: Locale = "fr"
    """The language of their workspace pages and sign-in mails."""

    @field_validator("id")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", value):
            raise ValueError(f"{value!r} is not an identifier (lower-case letters, digits, - or _)")
        return value


class AdminSettings(Table):
    """A person of the guichet who signs in to the workspace without running meetings."""

    name: str
    email: EmailAddress
    locale: Locale = "fr"
