"""Text rules shared by configuration and imports: addresses, folding for comparison, slugs."""

from __future__ import annotations

import pytest

from scheduler.core.text import fold, is_email, slugify


@pytest.mark.parametrize(
    "address",
    [
        "camille.roussel@guichet.example",
        "o'neil+rituel@ville-lisiere.example",
        "A@B.C",
        "x@mairie.lisiere-sur-mer.fr",
    ],
)
def test_plain_addresses_are_accepted(address: str) -> None:
    assert is_email(address)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "camille",
        "camille@guichet",
        "@guichet.example",
        "camille@",
        "Camille Roussel <camille@guichet.example>",
        "camille@guichet.example\r\nBcc: x@y.example",
        " camille@guichet.example",
        "camille@guichet.example.",
        "camille@@guichet.example",
    ],
)
def test_anything_else_is_refused(text: str) -> None:
    assert not is_email(text)


def test_an_address_may_have_up_to_254_characters() -> None:
    domain = "@guichet.example"
    assert is_email("a" * (254 - len(domain)) + domain)
    assert not is_email("a" * (255 - len(domain)) + domain)


def test_fold_drops_accents_case_and_extra_spaces() -> None:
    assert fold("Établissement  Public") == "etablissement public"
    assert fold("  Lisière-sur-Mer\t\nÇA ") == "lisiere-sur-mer ca"
    assert fold("Œuvre") == "œuvre"  # a ligature is no accent
    assert fold("") == ""


def test_slugify_keeps_letters_and_digits_joined_by_single_hyphens() -> None:
    assert slugify("Ville de Lisière-sur-Mer") == "ville-de-lisiere-sur-mer"
    assert slugify("  -- Centre Hospitalier n°3 (CHU) -- ") == "centre-hospitalier-n-3-chu"
    assert slugify("Département 57") == "departement-57"
    assert slugify("!!!") == ""


def test_a_slug_has_at_most_80_characters() -> None:
    assert slugify("a" * 100) == "a" * 80
    assert slugify("-" + "b" * 80) == "b" * 80
