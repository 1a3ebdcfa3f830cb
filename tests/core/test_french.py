"""The French grammar helper on FRENCH.md's table and on every name of the demo directory."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.core.french import FrenchName, derive_article, parse_article, speak_of_buyer

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
