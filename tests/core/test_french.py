"""The French grammar helper on FRENCH.md's table and on every name of the demo directory."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.core.french import (
    NAME_FILTERS,
    Article,
    FrenchName,
    derive_article,
    elides,
    named,
    parse_article,
    speak_of_buyer,
)

DEMO = Path(__file__).resolve().parents[2] / "demo"

# name → (le, de, à), as FRENCH.md and the demo's organisations need them.
EXPECTED = {
    "Guichet clause sociale de la Métropole de Lisière": (
        "le Guichet clause sociale de la Métropole de Lisière",
        "du Guichet clause sociale de la Métropole de Lisière",
        "au Guichet clause sociale de la Métropole de Lisière",
    ),
    "Ville de Lisière": ("la Ville de Lisière", "de la Ville de Lisière", "à la Ville de Lisière"),
    "Métropole de Lisière": (
        "la Métropole de Lisière",
        "de la Métropole de Lisière",
        "à la Métropole de Lisière",
    ),
    "Département de la Haute-Lisière": (
        "le Département de la Haute-Lisière",
        "du Département de la Haute-Lisière",
        "au Département de la Haute-Lisière",
    ),
    "Région Rivages-et-Lisière": (
        "la Région Rivages-et-Lisière",
        "de la Région Rivages-et-Lisière",
        "à la Région Rivages-et-Lisière",
    ),
    "Lisière Habitat": ("Lisière Habitat", "de Lisière Habitat", "à Lisière Habitat"),
    "Centre hospitalier de Lisière": (
        "le Centre hospitalier de Lisière",
        "du Centre hospitalier de Lisière",
        "au Centre hospitalier de Lisière",
    ),
    "Syndicat des eaux de la Lisière": (
        "le Syndicat des eaux de la Lisière",
        "du Syndicat des eaux de la Lisière",
        "au Syndicat des eaux de la Lisière",
    ),
    "Office national des achats responsables": (
        "l'Office national des achats responsables",
        "de l'Office national des achats responsables",
        "à l'Office national des achats responsables",
    ),
    "Ville de Saint-Aubin-sur-Lisière": (
        "la Ville de Saint-Aubin-sur-Lisière",
        "de la Ville de Saint-Aubin-sur-Lisière",
        "à la Ville de Saint-Aubin-sur-Lisière",
    ),
    "Communauté de communes du Val de Lisière": (
        "la Communauté de communes du Val de Lisière",
        "de la Communauté de communes du Val de Lisière",
        "à la Communauté de communes du Val de Lisière",
    ),
    "Préfecture de la Haute-Lisière": (
        "la Préfecture de la Haute-Lisière",
        "de la Préfecture de la Haute-Lisière",
        "à la Préfecture de la Haute-Lisière",
    ),
    "Université de Lisière": (
        "l'Université de Lisière",
        "de l'Université de Lisière",
        "à l'Université de Lisière",
    ),
    "France Travail Lisière": (
        "France Travail Lisière",
        "de France Travail Lisière",
        "à France Travail Lisière",
    ),
    "PLIE de la Métropole de Lisière": (
        "le PLIE de la Métropole de Lisière",
        "du PLIE de la Métropole de Lisière",
        "au PLIE de la Métropole de Lisière",
    ),
    "Mission locale de Lisière": (
        "la Mission locale de Lisière",
        "de la Mission locale de Lisière",
        "à la Mission locale de Lisière",
    ),
    "Cap emploi Haute-Lisière": (
        "Cap emploi Haute-Lisière",
        "de Cap emploi Haute-Lisière",
        "à Cap emploi Haute-Lisière",
    ),
    "DDETS de la Haute-Lisière": (
        "la DDETS de la Haute-Lisière",
        "de la DDETS de la Haute-Lisière",
        "à la DDETS de la Haute-Lisière",
    ),
    "Les Jardins de la Lisière": (
        "Les Jardins de la Lisière",
        "des Jardins de la Lisière",
        "aux Jardins de la Lisière",
    ),
    "Lisière Intérim Insertion": (
        "Lisière Intérim Insertion",
        "de Lisière Intérim Insertion",
        "à Lisière Intérim Insertion",
    ),
    "Atelier Horizon": ("l'Atelier Horizon", "de l'Atelier Horizon", "à l'Atelier Horizon"),
    "ESAT Les Tilleuls": (
        "l'ESAT Les Tilleuls",
        "de l'ESAT Les Tilleuls",
        "à l'ESAT Les Tilleuls",
    ),
    "GEIQ BTP Lisière": ("le GEIQ BTP Lisière", "du GEIQ BTP Lisière", "au GEIQ BTP Lisière"),
    "UGAP": ("l'UGAP", "de l'UGAP", "à l'UGAP"),
    "RESAH": ("le RESAH", "du RESAH", "au RESAH"),
    "ADEME": ("l'ADEME", "de l'ADEME", "à l'ADEME"),
    "Hôpital Nord": ("l'Hôpital Nord", "de l'Hôpital Nord", "à l'Hôpital Nord"),
    "Emmaüs Lisière": ("Emmaüs Lisière", "d'Emmaüs Lisière", "à Emmaüs Lisière"),
    "Le Relais": ("Le Relais", "du Relais", "au Relais"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_name_takes_its_article_and_contracts_it(name: str) -> None:
    french = FrenchName(name)
    assert (french.le, french.de, french.a) == EXPECTED[name]


def test_every_demo_organisation_is_in_the_table() -> None:
    names = set()
    for sheet in ("buyers", "partners", "suppliers"):
        with (DEMO / f"{sheet}.csv").open(encoding="utf-8") as file:
            names |= {row["nom"] for row in csv.DictReader(file, delimiter=";")}
    assert names <= set(EXPECTED), names - set(EXPECTED)


def test_the_capitalised_form_starts_a_sentence() -> None:
    assert (
        FrenchName("Guichet clause sociale de Lisière").Le == "Le Guichet clause sociale de Lisière"
    )
    assert FrenchName("Office national").Le == "L'Office national"
    assert FrenchName("Lisière Habitat").Le == "Lisière Habitat"


def test_the_directorys_article_wins_over_the_guess_and_still_elides() -> None:
    assert FrenchName("CRESS Lisière", "la").de == "de la CRESS Lisière"
    assert FrenchName("Atelier Horizon", "").le == "Atelier Horizon"
    assert FrenchName("Université de Lisière", "la").le == "l'Université de Lisière"
    assert FrenchName("Hospices civils", "les").a == "aux Hospices civils"


def test_a_french_name_is_the_bare_name_as_text() -> None:
    name = FrenchName("Ville de Lisière")
    assert name == "Ville de Lisière"
    assert f"{name}" == "Ville de Lisière"


@pytest.mark.parametrize(
    ("cell", "article"),
    [("", None), ("la", "la"), ("Le", "le"), ("l'", "l'"), ("L’", "l'"), ("les", "les"), ("-", "")],
)
def test_a_directory_cell_gives_an_article(cell: str, article: str | None) -> None:
    assert parse_article(cell) == article


def test_anything_else_is_not_an_article() -> None:
    with pytest.raises(ValueError, match="not an article"):
        parse_article("the")


@given(st.text(min_size=1, max_size=40))
def test_every_name_gets_a_known_article_and_keeps_its_text(name: str) -> None:
    french = FrenchName(name)
    assert derive_article(name) in ("le", "la", "l'", "les", "")
    assert french.le.endswith(name)
    assert french.de.endswith(name) or french.de.endswith(name.split(" ", 1)[-1])


def test_a_configured_text_about_the_buyer_speaks_to_the_buyer_or_of_it() -> None:
    place = "Dans les locaux de l'acheteur"
    title = "Sensibilisation des services internes de l'acheteur"
    assert speak_of_buyer(place, "Ville de Lisière", yours=True) == "Dans vos locaux"
    assert speak_of_buyer(place, "Ville de Lisière", yours=False) == (
        "Dans les locaux de la Ville de Lisière"
    )
    assert speak_of_buyer(title, "Département de la Haute-Lisière", yours=True) == (
        "Sensibilisation de vos services internes"
    )
    assert speak_of_buyer(title, "Département de la Haute-Lisière", yours=False) == (
        "Sensibilisation des services internes du Département de la Haute-Lisière"
    )
    assert speak_of_buyer(place, None, yours=True) == place


# The first and last words of each line of the lexicon and of the feminine acronyms, with the
# article a reader expects before them.
LEXICON_EDGES = {
    "Agence de l'eau Lisière": ("l'Agence de l'eau Lisière", "de l'Agence de l'eau Lisière"),
    "Banque alimentaire de Lisière": (
        "la Banque alimentaire de Lisière",
        "de la Banque alimentaire de Lisière",
    ),
    "Bailleur social de Lisière": (
        "le Bailleur social de Lisière",
        "du Bailleur social de Lisière",
    ),
    "CIAS du Val": ("le CIAS du Val", "du CIAS du Val"),
    "Office de tourisme": ("l'Office de tourisme", "de l'Office de tourisme"),
    "Entreprise adaptée du Val": (
        "l'Entreprise adaptée du Val",
        "de l'Entreprise adaptée du Val",
    ),
    "Hospices civils de Lisière": (
        "les Hospices civils de Lisière",
        "des Hospices civils de Lisière",
    ),
    "Restos du cœur de Lisière": ("les Restos du cœur de Lisière", "des Restos du cœur de Lisière"),
    "CAF de la Haute-Lisière": ("la CAF de la Haute-Lisière", "de la CAF de la Haute-Lisière"),
    "RATP": ("la RATP", "de la RATP"),
    "SNCF Réseau": ("la SNCF Réseau", "de la SNCF Réseau"),
    "SIAE du Val": ("la SIAE du Val", "de la SIAE du Val"),
    "Caisse des dépôts": ("la Caisse des dépôts", "de la Caisse des dépôts"),
    "Compagnie des transports": ("la Compagnie des transports", "de la Compagnie des transports"),
    "Gip Lisière emploi": ("le Gip Lisière emploi", "du Gip Lisière emploi"),
    "CH de Lisière": ("le CH de Lisière", "du CH de Lisière"),
    "Habitat du Val": ("l'Habitat du Val", "de l'Habitat du Val"),
    "Hôtel de ville": ("l'Hôtel de ville", "de l'Hôtel de ville"),
    "Haute école de Lisière": ("Haute école de Lisière", "de Haute école de Lisière"),
}


@pytest.mark.parametrize("name", sorted(LEXICON_EDGES))
def test_the_lexicon_knows_each_first_word(name: str) -> None:
    french = FrenchName(name)
    assert (french.le, french.de) == LEXICON_EDGES[name]


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("La Poste", ("La Poste", "de La Poste", "à La Poste")),
        ("L'Oréal", ("L'Oréal", "de L'Oréal", "à L'Oréal")),
        ("L’Éveil", ("L’Éveil", "de L’Éveil", "à L’Éveil")),
        ("le Relais du Val", ("le Relais du Val", "du Relais du Val", "au Relais du Val")),
        (
            "Les Ateliers du Val",
            ("Les Ateliers du Val", "des Ateliers du Val", "aux Ateliers du Val"),
        ),
    ],
)
def test_a_name_with_its_own_article_contracts_it(name: str, forms: tuple[str, ...]) -> None:
    french = FrenchName(name)
    assert french.article == ""
    assert (french.le, french.de, french.a) == forms


def test_a_word_that_only_starts_like_an_article_is_not_one() -> None:
    assert FrenchName("Lens Habitat").de == "de Lens Habitat"
    assert FrenchName("Lesage Insertion").a == "à Lesage Insertion"
    assert FrenchName("Las Vegas").de == "de Las Vegas"


@pytest.mark.parametrize(
    ("name", "article", "forms"),
    [
        (
            "Atelier Horizon",
            "le",
            ("l'Atelier Horizon", "de l'Atelier Horizon", "à l'Atelier Horizon"),
        ),
        (
            "Hospices civils",
            "les",
            ("les Hospices civils", "des Hospices civils", "aux Hospices civils"),
        ),
        ("CRESS Lisière", "la", ("la CRESS Lisière", "de la CRESS Lisière", "à la CRESS Lisière")),
        ("Pôle emploi", "le", ("le Pôle emploi", "du Pôle emploi", "au Pôle emploi")),
        ("Haras national", "le", ("le Haras national", "du Haras national", "au Haras national")),
    ],
)
def test_the_directorys_article_in_every_form(
    name: str, article: Article, forms: tuple[str, ...]
) -> None:
    french = FrenchName(name, article)
    assert (french.le, french.de, french.a) == forms


def test_the_capitalised_form_of_a_plural() -> None:
    assert FrenchName("Hospices civils").Le == "Les Hospices civils"
    assert FrenchName("Ville de Lisière").Le == "La Ville de Lisière"


def test_a_name_starting_with_neither_a_letter_nor_a_digit_is_said_bare() -> None:
    assert derive_article("") == ""
    assert derive_article("- Lisière") == ""
    assert FrenchName("'Ohana").de == "de 'Ohana"
    assert FrenchName("Été solidaire").de == "d'Été solidaire"


def test_a_one_letter_capital_or_a_code_with_digits_is_no_acronym() -> None:
    assert derive_article("A Lisière") == ""
    assert derive_article("C2R Lisière") == ""
    assert derive_article("Caf Lisière") == ""


def test_the_directorys_l_without_its_apostrophe() -> None:
    assert parse_article("l") == "l'"
    assert parse_article(" LES ") == "les"
    with pytest.raises(ValueError, match="'x' is not an article"):
        parse_article("x")


def test_a_french_name_given_again_keeps_its_article() -> None:
    bare = FrenchName("Atelier Horizon", "")
    assert named(bare) is bare
    assert named(bare).le == "Atelier Horizon"
    assert named(bare, "l'").le == "l'Atelier Horizon"
    assert named("Atelier Horizon").le == "l'Atelier Horizon"


def test_the_template_filters_say_each_form() -> None:
    forms = {key: NAME_FILTERS[key]("Département de la Haute-Lisière") for key in NAME_FILTERS}
    assert forms == {
        "le": "le Département de la Haute-Lisière",
        "Le": "Le Département de la Haute-Lisière",
        "de": "du Département de la Haute-Lisière",
        "a": "au Département de la Haute-Lisière",
    }


def test_any_text_about_the_buyer_names_it() -> None:
    ville = "Ville de Lisière"
    assert speak_of_buyer("Accueil par l'acheteur", ville, yours=False) == (
        "Accueil par la Ville de Lisière"
    )
    assert speak_of_buyer("Accueil par l'acheteur", ville, yours=True) == "Accueil par vos services"
    assert speak_of_buyer("Visite de l'acheteur", ville, yours=False) == (
        "Visite de la Ville de Lisière"
    )
    assert speak_of_buyer("Visite de l'acheteur", ville, yours=True) == "Visite de vos services"
    assert (
        speak_of_buyer("Les locaux de l'acheteur", ville, yours=True)
        == "Les locaux de vos services"
    )
    assert speak_of_buyer("Dans les grands locaux neufs de l'acheteur", ville, yours=False) == (
        "Dans les grands locaux neufs de la Ville de Lisière"
    )
    assert speak_of_buyer("Dans les grands locaux neufs de l'acheteur", ville, yours=True) == (
        "Dans vos grands locaux neufs"
    )
    assert speak_of_buyer("Réunion au guichet", ville, yours=True) == "Réunion au guichet"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Office", True),
        ("Université", True),
        ("Émaux de Lisière", True),
        ("Hôpital Nord", True),  # a mute h the lexicon knows
        ("Hospices civils", True),
        ("HABITAT du Val", True),
        ("Haute-Lisière", False),  # an aspirated h
        ("Haras national", False),
        ("Jardins de la Lisière", False),
        ("Ville de Lisière", False),
        ("", False),
    ],
)
def test_de_and_le_elide_before_a_vowel_or_a_mute_h(word: str, expected: bool) -> None:
    assert elides(word) is expected


def test_a_mute_h_elides_whatever_the_directory_says() -> None:
    assert FrenchName("Hôpital Nord", "le").de == "de l'Hôpital Nord"
    assert FrenchName("Hôtel de ville", "").de == "d'Hôtel de ville"
    assert FrenchName("Haute école de Lisière", "la").de == "de la Haute école de Lisière"


@pytest.mark.parametrize(
    ("name", "article"),
    [
        ("Agence de l'eau Lisière", "l'"),  # la Agence → l'Agence
        ("UGAP", "l'"),
        ("ADEME", "l'"),
        ("RESAH", "le"),
        ("DDETS de la Haute-Lisière", "la"),
        ("Ville de Lisière", "la"),
        ("Centre hospitalier", "le"),
        ("Jardins de la Lisière", "les"),
        ("Le Relais", ""),
        ("Lisière Habitat", ""),
    ],
)
def test_the_derived_article_is_already_elided(name: str, article: str) -> None:
    assert derive_article(name) == article


def test_a_name_given_with_no_article_is_said_bare() -> None:
    assert named("Atelier Horizon", "").le == "Atelier Horizon"
    assert named("Atelier Horizon", "le").de == "de l'Atelier Horizon"


def test_of_the_buyer_contracts_with_a_masculine_name() -> None:
    departement = "Département de la Haute-Lisière"
    assert speak_of_buyer("Visite de l'acheteur", departement, yours=False) == (
        "Visite du Département de la Haute-Lisière"
    )
