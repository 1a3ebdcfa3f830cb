"""Dates the way each reader writes them: "mardi 14 septembre 2027 à 10 h 00" in French,
"Tuesday 14 September 2027 at 10:00" in English."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

LOCALES = ("fr", "en")
_WHEN = {"fr": "EEEE d MMMM y 'à' H 'h' mm", "en": "EEEE d MMMM y 'at' HH:mm"}
_DAY = {"fr": "EEEE d MMMM y", "en": "EEEE d MMMM y"}
_TIME = {"fr": "H 'h' mm", "en": "HH:mm"}


def supported(locale: str) -> str:
    """The locale itself when we write in it, else French."""
    return locale if locale in LOCALES else "fr"


def format_when(moment: datetime, locale: str = "fr", timezone: str = "Europe/Paris") -> str:
    """A day and a time of day, in `timezone`, as a reader of `locale` writes them."""
    loc = supported(locale)
    return format_datetime(moment.astimezone(ZoneInfo(timezone)), _WHEN[loc], locale=loc)


def format_day(day: date, locale: str = "fr") -> str:
    """A day: "mardi 14 septembre 2027"."""
    loc = supported(locale)
    return format_date(day, _DAY[loc], locale=loc)


def format_time(moment: datetime, locale: str = "fr", timezone: str = "Europe/Paris") -> str:
    """A time of day: "10 h 00" / "10:00"."""
    loc = supported(locale)
    return format_datetime(moment.astimezone(ZoneInfo(timezone)), _TIME[loc], locale=loc)
