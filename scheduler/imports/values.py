"""One spreadsheet cell → one value, or a ValueError whose message says what is wrong.

Each parser accepts what a French user types or Excel writes: `15/03/2027` beside `2027-03-15`,
`octobre` beside `10`, `Établissement public` beside `etablissement_public`. The messages are the
"what is wrong" part of an import problem, so they quote the cell and say what would do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from enum import StrEnum

from scheduler.core.kinds import RITUALS, OrganisationRole, RitualKind
from scheduler.core.text import is_email, slugify
from scheduler.imports.reading import column_key
from scheduler.imports.wording import Wrong

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_NUMBER = re.compile(r"\d{1,2}", re.ASCII)

FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_PREFIX_MIN = 3


class BuyerKind(StrEnum):
    """What sort of public buyer an organisation is."""

    COMMUNE = "commune"
    EPCI = "epci"
    DEPARTEMENT = "departement"
    REGION = "region"
    ETAT = "etat"
    ETABLISSEMENT_PUBLIC = "etablissement_public"
    BAILLEUR_SOCIAL = "bailleur_social"
    HOPITAL = "hopital"
    ACHETEUR_NATIONAL = "acheteur_national"
    AUTRE = "autre"


class SupplierKind(StrEnum):
    """What sort of inclusive supplier an organisation is."""

    SIAE = "siae"
    EA = "ea"
    ESAT = "esat"
    GEIQ = "geiq"
    ENTREPRISE = "entreprise"
    AUTRE = "autre"


class PartnerKind(StrEnum):
    """Which employment or insertion partner an organisation is."""

    FRANCE_TRAVAIL = "france_travail"
    PLIE = "plie"
    MISSION_LOCALE = "mission_locale"
    CAP_EMPLOI = "cap_emploi"
    DDETS = "ddets"
    AUTRE = "autre"


KINDS: Mapping[OrganisationRole, type[StrEnum]] = {
    OrganisationRole.BUYER: BuyerKind,
    OrganisationRole.SUPPLIER: SupplierKind,
    OrganisationRole.PARTNER: PartnerKind,
}

# Beside each code (and the code written with spaces and accents), what people also write.
_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    BuyerKind.COMMUNE: ("ville", "mairie", "municipalité", "municipality", "city", "town"),
    BuyerKind.EPCI: (
        "métropole",
        "communauté urbaine",
        "communauté d'agglomération",
        "communauté de communes",
        "agglomération",
        "intercommunalité",
    ),
    BuyerKind.DEPARTEMENT: ("conseil départemental", "department"),
    BuyerKind.REGION: ("conseil régional",),
    BuyerKind.ETAT: ("services de l'État", "service de l'État", "ministère", "state"),
    BuyerKind.ETABLISSEMENT_PUBLIC: ("EPIC", "EPA", "public body", "public establishment"),
    BuyerKind.BAILLEUR_SOCIAL: ("bailleur", "OPH", "ESH", "social landlord"),
    BuyerKind.HOPITAL: ("centre hospitalier", "CHU", "GHT", "hospital"),
    BuyerKind.ACHETEUR_NATIONAL: ("national", "national buyer", "centrale d'achat"),
    SupplierKind.SIAE: (
        "structure d'insertion par l'activité économique",
        "entreprise d'insertion",
        "EI",
        "ACI",
        "ETTI",
        "AI",
        "EITI",
    ),
    SupplierKind.EA: ("entreprise adaptée", "EATT"),
    SupplierKind.ESAT: ("établissement et service d'aide par le travail",),
    SupplierKind.GEIQ: ("groupement d'employeurs pour l'insertion et la qualification",),
    SupplierKind.ENTREPRISE: ("entreprise classique", "company", "business"),
    PartnerKind.FRANCE_TRAVAIL: ("Pôle emploi",),
    PartnerKind.PLIE: ("plan local pour l'insertion et l'emploi",),
    PartnerKind.DDETS: ("DDETS-PP", "DDETSPP", "DREETS"),
    "autre": ("other",),
}


def _vocabulary(kinds: Iterable[StrEnum]) -> dict[str, str]:
    """Every accepted spelling's key → the canonical code."""
    words: dict[str, str] = {}
    for kind in kinds:
        for spelling in (kind.value, *_SYNONYMS.get(kind.value, ())):
            words[column_key(spelling)] = kind.value
    return words


_KIND_WORDS = {role: _vocabulary(kinds) for role, kinds in KINDS.items()}
_ROLE_NOUNS = {
    OrganisationRole.BUYER: "buyer",
    OrganisationRole.SUPPLIER: "supplier",
    OrganisationRole.PARTNER: "partner",
}


def parse_kind(text: str, role: OrganisationRole) -> str:
    """'Établissement public' → 'etablissement_public'; 'Mission locale' → 'mission_locale'."""
    code = _KIND_WORDS[role].get(column_key(text))
    if code is None:
        known = ", ".join(kind.value for kind in KINDS[role])
        raise Wrong("not_a_kind", text=text, role=_ROLE_NOUNS[role], known=known)
    return code


def parse_date(text: str) -> date:
    """'2027-03-15' or '15/03/2027' → date(2027, 3, 15)."""
    if match := _ISO_DATE.fullmatch(text.strip()):
        year, month, day = match.groups()
    elif match := _FRENCH_DATE.fullmatch(text.strip()):
        day, month, year = match.groups()
    else:
        raise Wrong("not_a_date", text=text)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise Wrong("not_a_date", text=text) from None


def _month_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for month, (french, english) in enumerate(zip(FRENCH_MONTHS, ENGLISH_MONTHS, strict=True), 1):
        names[column_key(french)] = month
        names[column_key(english)] = month
    return names


_MONTH_NAMES = _month_names()


def parse_month(text: str) -> int:
    """'10', 'octobre', 'October' or a clear abbreviation such as 'oct' → 10."""
    stripped = text.strip()
    if _NUMBER.fullmatch(stripped) and 1 <= int(stripped) <= 12:
        return int(stripped)
    key = column_key(stripped)
    months = {number for name, number in _MONTH_NAMES.items() if name.startswith(key)}
    if key in _MONTH_NAMES or (len(key) >= _MONTH_PREFIX_MIN and len(months) == 1):
        return _MONTH_NAMES.get(key) or months.pop()
    raise Wrong("not_a_month", text=text)


def parse_email(text: str) -> str:
    """A plain address, lower-cased so that the same person is found whatever the case."""
    address = text.strip().removeprefix("mailto:")
    if not is_email(address):
        raise Wrong("not_an_email", text=text)
    return address.lower()


def parse_slug(text: str) -> str:
    """An identifier already in slug form ('ville-de-lisiere')."""
    if not text or slugify(text) != text:
        suggestion = slugify(text)
        if suggestion:
            raise Wrong("not_an_identifier_try", text=text, suggestion=suggestion)
        raise Wrong("not_an_identifier", text=text)
    return text


def slug_for(name: str) -> str:
    """The identifier made from an organisation's name."""
    slug = slugify(name)
    if not slug:
        raise Wrong("empty_identifier", name=name)
    return slug


_LOCALES = {
    "fr": ("fr", "fr-FR", "français", "francais", "french", "FR"),
    "en": ("en", "en-GB", "en-US", "anglais", "english", "EN"),
}
_LOCALE_WORDS = {column_key(word): code for code, words in _LOCALES.items() for word in words}


def parse_locale(text: str) -> str:
    """'fr', 'français', 'en', 'anglais'… → 'fr' or 'en'."""
    code = _LOCALE_WORDS.get(column_key(text))
    if code is None:
        raise Wrong("not_a_language", text=text)
    return code


EVERY_KIND_WORDS = frozenset({"all", "tous", "toutes", "tout"})
_RITUAL_WORDS = {
    column_key(spelling): kind
    for kind in RITUALS
    for spelling in (kind.value, kind.title("fr"), kind.title("en"))
}


def parse_ritual_kinds(text: str) -> tuple[RitualKind, ...]:
    """'after_work | buyer_club' → (BUYER_CLUB, AFTER_WORK), in the handbook's order.

    'tous' or 'all' gives the empty tuple, which means every kind of the person's role."""
    items = [item.strip() for item in re.split(r"[,|]", text) if item.strip()]
    if len(items) == 1 and column_key(items[0]) in EVERY_KIND_WORDS | {""}:
        return ()
    kinds: set[RitualKind] = set()
    for item in items:
        kind = _RITUAL_WORDS.get(column_key(item))
        if kind is None:
            known = ", ".join(k.value for k in RITUALS)
            raise Wrong("not_a_ritual_kind", text=item, known=known)
        kinds.add(kind)
    return tuple(kind for kind in RitualKind if kind in kinds)


def parse_facilitator(text: str, known: Collection[str]) -> str:
    """A configured facilitator's id, whatever its case."""
    wanted = text.strip().lower()
    if wanted not in known:
        if not known:
            raise Wrong("no_facilitator", text=text)
        raise Wrong("not_a_facilitator", text=text, known=", ".join(known))
    return wanted


def parse_text(text: str, limit: int) -> str:
    """Free text on one line, spaces tidied and control characters (ESC, BEL…) dropped, at most
    `limit` characters: names end up in calendars, mails and terminals."""
    tidy = " ".join("".join(c for c in text if c.isspace() or not _is_control(c)).split())
    if len(tidy) > limit:
        raise Wrong("too_long", length=len(tidy), limit=limit)
    return tidy


_AMOUNT = re.compile(r"(\d{1,9})(?:[.,](\d{1,2}))?", re.ASCII)


def parse_euros(text: str) -> int:
    """'1 500', '1500,50', '1 500 €' or '1500.5' → the amount in cents (150000, 150050…)."""
    bare = "".join(c for c in text if not c.isspace()).removesuffix("€").removesuffix("EUR")
    match = _AMOUNT.fullmatch(bare)
    if match is None:
        raise Wrong("not_an_amount", text=text)
    euros, cents = match.groups()
    return int(euros) * 100 + int((cents or "0").ljust(2, "0"))


def parse_long_text(text: str, limit: int) -> str:
    """Free text over several lines (a convention's commitments): control characters dropped
    but line breaks kept, trailing spaces trimmed, at most `limit` characters."""
    lines = [
        "".join(c for c in line if not _is_control(c)).rstrip()
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    tidy = "\n".join(lines).strip()
    if len(tidy) > limit:
        raise Wrong("too_long", length=len(tidy), limit=limit)
    return tidy


def _is_control(char: str) -> bool:
    """C0 and C1 control characters and DEL (Unicode category Cc)."""
    return unicodedata.category(char) == "Cc"
