"""The report's French: words for statuses and outcomes, numbers, rates and amounts as a French
reader writes them (« 1 234 », « 12,5 % », « 2 300 € », babel), dates through scheduler.i18n."""

from __future__ import annotations

from datetime import date

from babel.dates import get_month_names
from babel.numbers import format_currency, format_decimal, format_percent

from scheduler.core.figures import ConventionState, Outcome
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole
from scheduler.i18n import format_day

LOCALE = "fr_FR"
NBSP = "\u00a0"
NONE = "—"

STATUS = {
    OccurrenceStatus.PLANNED: "prévue",
    OccurrenceStatus.ANNOUNCED: "annoncée",
    OccurrenceStatus.MOVED: "déplacée",
    OccurrenceStatus.HELD: "tenue",
    OccurrenceStatus.CANCELLED: "annulée",
}
OUTCOME = {
    Outcome.HELD: "tenue",
    Outcome.CANCELLED: "annulée",
    Outcome.TO_COME: "à venir",
    Outcome.UNRECORDED: "présence non renseignée",
}
ROLES = {
    OrganisationRole.BUYER: "Acheteurs publics",
    OrganisationRole.SUPPLIER: "Fournisseurs inclusifs",
    OrganisationRole.PARTNER: "Partenaires de l'emploi",
}


def number(value: float) -> str:
    """« 1 234 », « 4 520,5 »."""
    return str(format_decimal(value, format="#,##0.#", locale=LOCALE))


def percent(rate: float | None) -> str:
    """« 62,5 % »; « — » when there is nothing to divide."""
    if rate is None:
        return NONE
    return str(format_percent(rate, format=f"#,##0.#{NBSP}%", locale=LOCALE))


def euros(cents: int) -> str:
    """« 2 300 € » (whole euros)."""
    return str(
        format_currency(
            round(cents / 100), "EUR", format=f"#,##0{NBSP}¤", locale=LOCALE, currency_digits=False
        )
    )


def day(value: date) -> str:
    """« mardi 14 septembre 2027 »."""
    return format_day(value, "fr")


def short_day(value: date) -> str:
    """« 14/09/2027 », for tables."""
    return value.strftime("%d/%m/%Y")


def months() -> list[str]:
    """« janv. », « févr. »… for chart axes."""
    names = get_month_names("abbreviated", locale="fr")
    return [str(names[month]) for month in range(1, 13)]


def convention(state: ConventionState, end: date | None, renewed_on: date | None) -> str:
    """Where a buyer's convention stands, in a few words."""
    if renewed_on is not None and end is not None:
        return f"renouvelée le {short_day(renewed_on)}, jusqu'au {short_day(end)}"
    if state is ConventionState.NONE or end is None:
        return "aucune convention"
    if state is ConventionState.ENDED:
        return f"terminée le {short_day(end)}"
    if state is ConventionState.ENDS_NEXT_YEAR:
        return f"à renouveler : se termine le {short_day(end)}"
    return f"en cours jusqu'au {short_day(end)}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 rencontre », « 3 rencontres » (French counts 0 and 1 as singular)."""
    word = singular if count < 2 else (plural_form or singular + "s")
    return f"{number(count)}{NBSP}{word}"
