"""The French of an imported file's problems (scheduler.imports.wording gives their English):
the same key, the same values, worded for a facilitator. A value is shown between « » as the
file holds it; a date the French way."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from scheduler.i18n import format_day

_OPEN, _CLOSE = "«\u00a0", "\u00a0»"
_RESAVE = "enregistrez-le de nouveau au format «\u00a0CSV UTF-8\u00a0»"

FRENCH: Mapping[str, str] = {
    "not_a_kind": (
        "{text} n'est pas un type d'organisation connu pour un {role} (l'un de\u00a0: {known})"
    ),
    "not_a_date": "{text} n'est pas une date (écrivez 15/03/2027 ou 2027-03-15)",
    "not_a_month": "{text} n'est pas un mois (de 1 à 12, ou un nom comme «\u00a0octobre\u00a0»)",
    "not_an_email": "{text} n'est pas une adresse électronique",
    "not_an_identifier": "{text} n'est pas un identifiant\u00a0: minuscules, chiffres et tirets",
    "not_an_identifier_try": (
        "{text} n'est pas un identifiant\u00a0: minuscules, chiffres et tirets (par exemple "
        "{suggestion})"
    ),
    "empty_identifier": "{name} ne donne pas d'identifiant\u00a0: ajoutez une colonne slug",
    "not_a_language": "{text} n'est pas une langue (fr ou en)",
    "not_a_ritual_kind": "{text} n'est pas un type de rencontre (l'un de\u00a0: {known})",
    "not_a_facilitator": "{text} n'est pas un référent du guichet (l'un de\u00a0: {known})",
    "no_facilitator": "{text} n'est pas un référent du guichet (aucun n'est configuré)",
    "too_long": "{length} caractères\u00a0; {limit} au plus",
    "not_an_amount": "{text} n'est pas un montant en euros (écrivez 1500 ou 1\u202f500,50)",
    "not_an_article": "{text} n'est pas un article (le, la, l', les, ou - pour aucun)",
    "missing_value": "valeur manquante",
    "missing_because": "valeur manquante (la colonne {because} est remplie)",
    "end_not_after_start": "le {end} n'est pas après le {start} (colonne {start_header})",
    "already_on_line": "{text} figure déjà à la ligne {first}",
    "required_column": "cette colonne obligatoire manque à la ligne d'en-tête",
    "same_column": "même colonne que {other}\u00a0: n'en gardez qu'une",
    "extra_cells": "{cells} cellules alors que l'en-tête a {columns} colonnes",
    "workbook": f"le fichier est un classeur (.xlsx ou .ods), pas du texte CSV\u00a0; {_RESAVE}",
    "binary": "le fichier est binaire, pas du texte CSV (a-t-il été enregistré en .xlsx\u00a0?)",
    "not_csv": "le fichier ne se lit pas comme un CSV ({error})",
    "empty_file": "le fichier est vide (une ligne d'en-tête est attendue)",
    "not_utf8": f"l'octet 0x{{byte}} (position {{offset}}) n'est pas de l'UTF-8\u00a0; {_RESAVE}",
    "not_utf8_despite_bom": (
        "l'octet 0x{byte} (position {offset}) n'est pas de l'UTF-8, bien que le fichier "
        f"commence par la marque d'ordre des octets de l'UTF-8\u00a0; {_RESAVE}"
    ),
    "mixed_encodings": (
        "l'octet 0x{byte} (position {offset}) n'est pas de l'UTF-8, alors que la ligne "
        f"{{utf8_line}} l'est\u00a0: le fichier mêle deux encodages\u00a0; {_RESAVE}"
    ),
    "not_utf8_nor_cp1252": (
        "l'octet 0x{byte} (position {offset}) n'est ni de l'UTF-8 ni du Windows-1252\u00a0; "
        + _RESAVE
    ),
    "not_utf16": f"les octets {{wrong}} (position {{offset}}) ne sont pas de l'UTF-16\u00a0; {_RESAVE}",
    "identifier_of_other_role": (
        "l'identifiant {slug} est déjà celui de {name} ({role})\u00a0: donnez à cette "
        "organisation son propre identifiant"
    ),
    "contact_of_other": "{email} est déjà un contact de {owner}",
    "contact_of_guichet": "{email} est déjà un contact de l'équipe du guichet",
    "several_organisations": (
        "{text} désigne plusieurs organisations ({slugs})\u00a0: indiquez l'identifiant"
    ),
    "unknown_organisation": ("{text} n'est pas une organisation connue (importez-la d'abord)"),
    "not_a_year": "{text} n'est pas une année (par exemple 2027)",
    "not_a_count": "{text} n'est pas un nombre entier (par exemple 12 ou 1\u202f234)",
    "not_hours": "{text} n'est pas un nombre d'heures (par exemple 4\u202f520 ou 4\u202f520,5)",
    "several_buyers": "{text} désigne plusieurs acheteurs ({slugs})\u00a0: indiquez l'identifiant",
    "not_a_buyer": "{text} n'est pas un acheteur mais un {role}",
    "unknown_buyer": "{text} n'est pas un acheteur connu (importez d'abord les acheteurs)",
}
"""Each key's French; a value named in QUOTED is put between « », a role is its French noun,
a date (`start`, `end`) is written out."""

QUOTED = frozenset(
    {"text", "suggestion", "name", "because", "start_header", "other", "slug", "email", "owner"}
)
"""The values quoted from the file (a cell, a header, a name)."""
ROLE_NOUNS = {"buyer": "acheteur", "supplier": "fournisseur", "partner": "partenaire"}


def french(key: str, params: Mapping[str, str]) -> str | None:
    """The French of `key` with its values; None for a key this table does not know."""
    template = FRENCH.get(key)
    if template is None:
        return None
    return template.format(**{name: _shown(name, value) for name, value in params.items()})


def _shown(name: str, value: str) -> str:
    """A value as the French reads it: quoted, a role's noun, or a date written out."""
    if name in QUOTED:
        return f"{_OPEN}{value}{_CLOSE}"
    if name == "role":
        return ROLE_NOUNS.get(value, value)
    if name in ("start", "end"):
        try:
            return format_day(date.fromisoformat(value), "fr")
        except ValueError:
            return value
    return value
