"""The value types config.toml is written in: times of day, durations, weekdays, days of the
year, e-mail addresses; and the strict base every table derives from.

Each type accepts the forms a person writes (`"9h30"`, `"1h30"`, `"jeudi"`, `"08-01"`) and
refuses anything else with a message that says what to write.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Strict

from scheduler.core.text import is_email
from scheduler.core.values import MonthDay

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


def check_email(value: str) -> str:
    """A plain e-mail address, or a clear refusal."""
    if not is_email(value):
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


Audience = Literal["buyer", "supplier", "partner", "guichet"]
Locale = Literal["fr", "en"]

EmailAddress = Annotated[str, AfterValidator(check_email)]
TimeOfDay = Annotated[time, BeforeValidator(parse_time_of_day)]
Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
Weekday = Annotated[int, BeforeValidator(parse_weekday)]
DayOfYear = Annotated[MonthDay, BeforeValidator(parse_month_day)]

Named = Strict(False)
"""For enums named by their value in TOML (`cadence = "yearly"`), and tuples written as TOML
arrays: the values inside stay strict."""


class Table(BaseModel):
    """A TOML table: unknown keys refused, values frozen, types strict (`"18"` is no number)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, arbitrary_types_allowed=True, strict=True
    )
