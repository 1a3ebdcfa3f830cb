"""French public holidays written down by hand, independently of the `holidays` package the
calendar rules use: tables for 2025–2028 copied from the official calendars, and the rule they
follow (fixed days, and Easter's movable feasts computed by dateutil) for properties over many
years. The rule is checked against the tables in tests/core/test_calendar_rules.py.
"""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.easter import easter

NATIONAL = {
    2025: {
        date(2025, 1, 1): "Jour de l'an",
        date(2025, 4, 21): "Lundi de Pâques",
        date(2025, 5, 1): "Fête du Travail",
        date(2025, 5, 8): "Fête de la Victoire",
        date(2025, 5, 29): "Ascension",
        date(2025, 6, 9): "Lundi de Pentecôte",
        date(2025, 7, 14): "Fête nationale",
        date(2025, 8, 15): "Assomption",
        date(2025, 11, 1): "Toussaint",
        date(2025, 11, 11): "Armistice",
        date(2025, 12, 25): "Noël",
    },
    2026: {
        date(2026, 1, 1): "Jour de l'an",
        date(2026, 4, 6): "Lundi de Pâques",
        date(2026, 5, 1): "Fête du Travail",
        date(2026, 5, 8): "Fête de la Victoire",
        date(2026, 5, 14): "Ascension",
        date(2026, 5, 25): "Lundi de Pentecôte",
        date(2026, 7, 14): "Fête nationale",
        date(2026, 8, 15): "Assomption",
        date(2026, 11, 1): "Toussaint",
        date(2026, 11, 11): "Armistice",
        date(2026, 12, 25): "Noël",
    },
    2027: {
        date(2027, 1, 1): "Jour de l'an",
        date(2027, 3, 29): "Lundi de Pâques",
        date(2027, 5, 1): "Fête du Travail",
        date(2027, 5, 6): "Ascension",
        date(2027, 5, 8): "Fête de la Victoire",
        date(2027, 5, 17): "Lundi de Pentecôte",
        date(2027, 7, 14): "Fête nationale",
        date(2027, 8, 15): "Assomption",
        date(2027, 11, 1): "Toussaint",
        date(2027, 11, 11): "Armistice",
        date(2027, 12, 25): "Noël",
    },
    2028: {
        date(2028, 1, 1): "Jour de l'an",
        date(2028, 4, 17): "Lundi de Pâques",
        date(2028, 5, 1): "Fête du Travail",
        date(2028, 5, 8): "Fête de la Victoire",
        date(2028, 5, 25): "Ascension",
        date(2028, 6, 5): "Lundi de Pentecôte",
        date(2028, 7, 14): "Fête nationale",
        date(2028, 8, 15): "Assomption",
        date(2028, 11, 1): "Toussaint",
        date(2028, 11, 11): "Armistice",
        date(2028, 12, 25): "Noël",
    },
}
"""Metropolitan France: eleven days a year."""

ALSACE_MOSELLE = {
    2025: {date(2025, 4, 18): "Vendredi saint", date(2025, 12, 26): "Saint-Étienne"},
    2026: {date(2026, 4, 3): "Vendredi saint", date(2026, 12, 26): "Saint-Étienne"},
    2027: {date(2027, 3, 26): "Vendredi saint", date(2027, 12, 26): "Saint-Étienne"},
    2028: {date(2028, 4, 14): "Vendredi saint", date(2028, 12, 26): "Saint-Étienne"},
}
"""Added in Moselle ("57") and in Alsace ("6AE", Bas-Rhin and Haut-Rhin)."""

REUNION = {year: {date(year, 12, 20): "Abolition de l'esclavage"} for year in NATIONAL}
"""Added in La Réunion ("974"): the abolition of slavery, 20 December."""

TABLES = {None: {}, "57": ALSACE_MOSELLE, "6AE": ALSACE_MOSELLE, "974": REUNION}
"""Each subdivision's additions to the national days."""


def table(subdivision: str | None, year: int) -> dict[date, str]:
    """The hand-written holidays of one year (2025–2028) in `subdivision`."""
    return {**NATIONAL[year], **TABLES[subdivision].get(year, {})}


def by_rule(subdivision: str | None, year: int) -> set[date]:
    """The holidays of any year in metropolitan France, Alsace or Moselle, by their rule."""
    sunday = easter(year)
    days = {
        date(year, 1, 1),
        sunday + timedelta(days=1),
        date(year, 5, 1),
        date(year, 5, 8),
        sunday + timedelta(days=39),
        sunday + timedelta(days=50),
        date(year, 7, 14),
        date(year, 8, 15),
        date(year, 11, 1),
        date(year, 11, 11),
        date(year, 12, 25),
    }
    if subdivision in ("57", "6AE"):
        days |= {sunday - timedelta(days=2), date(year, 12, 26)}
    return days
