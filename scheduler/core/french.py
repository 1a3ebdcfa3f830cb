"""French grammar for the names readers see: an organisation's name takes its article, and the
article contracts with « de » and « à » (FRENCH.md).

- « le Département de la Haute-Lisière », « du Département … », « au Département … »;
- « la Ville de Lisière », « de la Ville … », « à la Ville … »;
- « l'Office national des achats », « de l'Office … », « à l'Office … »;
- « Les Jardins de la Lisière », « des Jardins … », « aux Jardins … »;
- « Lisière Habitat », « de Lisière Habitat », « à Lisière Habitat » (a brand, said bare).

The directory may give the article (`le`, `la`, `l'`, `les`, or `-` for none); otherwise it is
derived from the first word: a common noun of the lexicon below gives its gender (and whether
it elides, « l'Hôpital »); an acronym takes « l' » before a vowel and « le » otherwise, unless it
is one of the feminine ones (« la DDETS »); a name that starts with its own article keeps it;
any other name (a brand, « Lisière Habitat ») is said bare. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

Article = Literal["le", "la", "l'", "les", ""]
ARTICLES: tuple[Article, ...] = ("le", "la", "l'", "les", "")
NO_ARTICLE = "-"
"""How a directory says « this name takes no article » (an empty cell means « derive it »)."""

_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüœæ")


def _words(text: str) -> list[str]:
    """The words of a lexicon line."""
    return text.split()


# First words of organisation names: their article (elided forms for vowels and mute h).
_LEXICON: dict[str, Article] = {
    **dict.fromkeys(
        _words(
            "agence caisse centrale chambre collectivité commune communauté conférence "
            "coopérative cour délégation direction fédération fondation maison mairie "
            "métropole mission plateforme préfecture région régie société structure ville "
            "compagnie banque manufacture"
        ),
        "la",
    ),
    **dict.fromkeys(
        _words(
            "bailleur bureau cabinet centre chantier club collège comité commissariat conseil "
            "département foyer groupe groupement guichet lycée ministère musée parc pôle port "
            "rectorat réseau secrétariat service site syndicat territoire théâtre tribunal "
            "gip sdis ccas cias"
        ),
        "le",
    ),
    **dict.fromkeys(
        _words(
            "office université école académie administration assemblée atelier autorité "
            "espace établissement hôpital hôtel institut intercommunalité observatoire "
            "opérateur organisme union unité agglomération habitat entente association "
            "entreprise"
        ),
        "l'",
    ),
    **dict.fromkeys(_words("hospices services ateliers jardins restos"), "les"),
}

_FEMININE_ACRONYMS = frozenset(
    _words(
        "caf carsat cci cma cpam ddets ddetspp ddt ddtm dgfip draaf dreal dreets direccte msa ratp"
    )
    + _words("sncf siae")
)
_OWN_ARTICLE = re.compile(r"(?i)(le|la|les) (?=\S)|(l)['’](?=\S)")
_FIRST_WORD = re.compile(r"[^\s'’-]+")


def elides(word: str) -> bool:
    """True when « le »/« la »/« de » elide before `word`: a vowel, or a mute h the lexicon
    knows (« l'Hôpital », but « la Haute-Lisière »)."""
    match = _FIRST_WORD.match(word.strip())
    if match is None:
        return False
    first = match.group()
    if first[0].lower() in _VOWELS:
        return True
    return first[0].lower() == "h" and _LEXICON.get(first.lower()) in ("l'", "les")


def derive_article(name: str) -> Article:
    """The article French puts before `name`, guessed from its first word ("" when the name is
    said bare or already starts with its own article)."""
    if _OWN_ARTICLE.match(name):
        return ""
    match = _FIRST_WORD.match(name.strip())
    if match is None:
        return ""
    word = match.group()
    if len(word) >= 2 and word.isalpha() and word.isupper():
        if word.lower() in _FEMININE_ACRONYMS:
            return "l'" if elides(word) else "la"
        return "l'" if elides(word) else "le"
    article = _LEXICON.get(word.lower(), "")
    if article in ("le", "la") and elides(word):
        return "l'"
    return article


def parse_article(text: str) -> Article | None:
    """A directory's article cell: 'la', 'Le', "l'", 'les', '-' (none); None when empty
    (derive it). Raises ValueError for anything else."""
    value = text.strip().lower().replace("’", "'")
    if not value:
        return None
    if value == NO_ARTICLE:
        return ""
    if value == "l":
        value = "l'"
    for article in ARTICLES:
        if article and value == article:
            return article
    raise ValueError(f"{text!r} is not an article (le, la, l', les, or - for none)")


class FrenchName(str):
    """An organisation's name (it *is* the bare name as a string) that knows its article."""

    article: Article

    def __new__(cls, name: str, article: Article | None = None) -> FrenchName:
        """`name` with `article` (derived from the name when None)."""
        self = super().__new__(cls, name)
        chosen = derive_article(name) if article is None else article
        if chosen in ("le", "la") and elides(name):
            chosen = "l'"
        self.article = chosen
        return self

    @property
    def le(self) -> str:
        """« le Département de la Haute-Lisière », « l'Office … », « Lisière Habitat »."""
        if self.article == "l'":
            return f"l'{self}"
        return f"{self.article} {self}" if self.article else str(self)

    @property
    def Le(self) -> str:
        """The `le` form at the start of a sentence: « Le Guichet … », « L'Office … »."""
        text = self.le
        return text[:1].upper() + text[1:]

    @property
    def de(self) -> str:
        """« du Département », « de la Ville », « de l'Office », « des Jardins », « d'Emmaüs »."""
        return self._contracted("de")

    @property
    def a(self) -> str:
        """« au Département », « à la Ville », « à l'Office », « aux Jardins »."""
        return self._contracted("à")

    def _contracted(self, preposition: Literal["de", "à"]) -> str:
        own = _OWN_ARTICLE.match(self)
        if not self.article and own is not None:
            word = (own.group(1) or own.group(2) or "").lower()
            rest = self[own.end() :]
            if word == "le":
                return f"{'du' if preposition == 'de' else 'au'} {rest}"
            if word == "les":
                return f"{'des' if preposition == 'de' else 'aux'} {rest}"
            return f"{preposition} {self}"
        forms = {
            "le": {"de": "du ", "à": "au "},
            "la": {"de": "de la ", "à": "à la "},
            "l'": {"de": "de l'", "à": "à l'"},
            "les": {"de": "des ", "à": "aux "},
        }
        if self.article:
            return forms[self.article][preposition] + self
        if preposition == "de" and elides(self):
            return f"d'{self}"
        return f"{preposition} {self}"


def named(name: str, article: Article | None = None) -> FrenchName:
    """`name` as a FrenchName (kept as is when it is one already and no article is given)."""
    if isinstance(name, FrenchName) and article is None:
        return name
    return FrenchName(name, article)


NAME_FILTERS: dict[str, Callable[[str], str]] = {
    "le": lambda name: named(name).le,
    "Le": lambda name: named(name).Le,
    "de": lambda name: named(name).de,
    "a": lambda name: named(name).a,
}
"""Names with their article as template filters, for mails and pages: `{{ buyer | le }}`."""

_OF_THE_BUYER = re.compile(r"\b(les|des) ((?:\w+ ){0,2}?\w+) de l'acheteur\b")


def speak_of_buyer(text: str, buyer: str | None, *, yours: bool) -> str:
    """A configured text that speaks of « l'acheteur » (« Dans les locaux de l'acheteur »,
    « Sensibilisation des services internes de l'acheteur »), said of the meeting's buyer:
    « vos locaux » / « de vos services internes » to the buyer's own people, « les locaux de la
    Ville de Lisière » to anyone else. Unchanged without a buyer."""
    if buyer is None or "acheteur" not in text:
        return text
    name = named(buyer)

    def possessive(match: re.Match[str]) -> str:
        if yours:
            return ("vos " if match.group(1) == "les" else "de vos ") + match.group(2)
        return f"{match.group(1)} {match.group(2)} {name.de}"

    text = _OF_THE_BUYER.sub(possessive, text)
    text = text.replace("de l'acheteur", "de vos services" if yours else name.de)
    return text.replace("l'acheteur", "vos services" if yours else name.le)
