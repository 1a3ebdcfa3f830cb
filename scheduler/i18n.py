"""Dates the way each reader writes them: "mardi 14 septembre 2027 à 10 h 00" in French,
"Tuesday 14 September 2027 at 10:00" in English. Every date written for a person goes through
here, so French's « 1er » for the first day of a month (« jeudi 1er avril 2027 ») is written
once."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

LOCALES = ("fr", "en")
_WHEN = {"fr": "EEEE {d} MMMM y 'à' H 'h' mm", "en": "EEEE {d} MMMM y 'at' HH:mm"}
_DAY = {"fr": "EEEE {d} MMMM y", "en": "EEEE {d} MMMM y"}
_SHORT_DAY = {"fr": "{d} MMMM y", "en": "{d} MMMM y"}
_TIME = {"fr": "H 'h' mm", "en": "HH:mm"}


def supported(locale: str) -> str:
    """The locale itself when we write in it, else French."""
    return locale if locale in LOCALES else "fr"


def format_when(moment: datetime, locale: str = "fr", timezone: str = "Europe/Paris") -> str:
    """A day and a time of day, in `timezone`, as a reader of `locale` writes them."""
    loc = supported(locale)
    local = moment.astimezone(ZoneInfo(timezone))
    return format_datetime(local, _with_day(_WHEN[loc], local.day, loc), locale=loc)


def format_day(day: date, locale: str = "fr") -> str:
    """A day: "mardi 14 septembre 2027"."""
    loc = supported(locale)
    return format_date(day, _with_day(_DAY[loc], day.day, loc), locale=loc)


def format_short_day(
    value: date | datetime, locale: str = "fr", timezone: str = "Europe/Paris"
) -> str:
    """A day without its weekday, for subjects: "1er avril 2027" / "1 April 2027" (a moment is
    taken on its day in `timezone`)."""
    loc = supported(locale)
    day = value.astimezone(ZoneInfo(timezone)).date() if isinstance(value, datetime) else value
    return format_date(day, _with_day(_SHORT_DAY[loc], day.day, loc), locale=loc)


def format_time(moment: datetime, locale: str = "fr", timezone: str = "Europe/Paris") -> str:
    """A time of day: "10 h 00" / "10:00"."""
    loc = supported(locale)
    return format_datetime(moment.astimezone(ZoneInfo(timezone)), _TIME[loc], locale=loc)


def _with_day(pattern: str, day: int, locale: str) -> str:
    """`pattern` with its day of the month: « 1er » for the first in French, else the number."""
    number = "'1er'" if locale == "fr" and day == 1 else "d"
    return pattern.replace("{d}", number)
