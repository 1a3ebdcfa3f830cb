"""One cell → one value: what French users type, and what is refused with which words."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.core.kinds import OrganisationRole, RitualKind
from scheduler.imports.values import (
    ENGLISH_MONTHS,
    FRENCH_MONTHS,
    BuyerKind,
    PartnerKind,
    SupplierKind,
    parse_date,
    parse_email,
    parse_euros,
    parse_facilitator,
    parse_kind,
    parse_locale,
    parse_long_text,
    parse_month,
    parse_ritual_kinds,
    parse_slug,
    parse_text,
    slug_for,
)

BUYER_SPELLINGS = {
    "commune": BuyerKind.COMMUNE,
    "EPCI": BuyerKind.EPCI,
    "département": BuyerKind.DEPARTEMENT,
    "région": BuyerKind.REGION,
    "État": BuyerKind.ETAT,
    "établissement public": BuyerKind.ETABLISSEMENT_PUBLIC,
    "bailleur social": BuyerKind.BAILLEUR_SOCIAL,
    "hôpital": BuyerKind.HOPITAL,
    "acheteur national": BuyerKind.ACHETEUR_NATIONAL,
    "autre": BuyerKind.AUTRE,
    "Métropole": BuyerKind.EPCI,
    "Communauté d'agglomération": BuyerKind.EPCI,
    "Ville": BuyerKind.COMMUNE,
}
SUPPLIER_SPELLINGS = {
    "SIAE": SupplierKind.SIAE,
    "EA": SupplierKind.EA,
    "ESAT": SupplierKind.ESAT,
    "GEIQ": SupplierKind.GEIQ,
    "entreprise": SupplierKind.ENTREPRISE,
    "autre": SupplierKind.AUTRE,
    "Entreprise adaptée": SupplierKind.EA,
    "ACI": SupplierKind.SIAE,
}
PARTNER_SPELLINGS = {
    "France Travail": PartnerKind.FRANCE_TRAVAIL,
    "france_travail": PartnerKind.FRANCE_TRAVAIL,
    "Pôle emploi": PartnerKind.FRANCE_TRAVAIL,
    "PLIE": PartnerKind.PLIE,
    "Mission locale": PartnerKind.MISSION_LOCALE,
    "Cap emploi": PartnerKind.CAP_EMPLOI,
    "cap-emploi": PartnerKind.CAP_EMPLOI,
    "DDETS": PartnerKind.DDETS,
    "Autre": PartnerKind.AUTRE,
}


@pytest.mark.parametrize(
    ("role", "spellings"),
    [
        (OrganisationRole.BUYER, BUYER_SPELLINGS),
        (OrganisationRole.SUPPLIER, SUPPLIER_SPELLINGS),
        (OrganisationRole.PARTNER, PARTNER_SPELLINGS),
    ],
)
def test_natural_spellings_of_kinds_give_their_code(
    role: OrganisationRole, spellings: dict[str, str]
) -> None:
    assert {spelling: parse_kind(spelling, role) for spelling in spellings} == spellings


def test_an_unknown_kind_lists_the_codes() -> None:
    with pytest.raises(
        ValueError, match=r"'Martien' is not a kind of buyer \(one of: commune, epci"
    ):
        parse_kind("Martien", OrganisationRole.BUYER)


def test_a_partner_kind_is_not_a_buyer_kind() -> None:
    with pytest.raises(ValueError, match="kind of buyer"):
        parse_kind("Mission locale", OrganisationRole.BUYER)


def _strip_accent(char: str) -> str:
    bare = unicodedata.normalize("NFKD", char)
    return "".join(c for c in bare if not unicodedata.combining(c))


@st.composite
def respelled(draw: st.DrawFn, text: str) -> str:
    """`text` with random case, accents kept or dropped, and spaces doubled or turned to `_`."""
    out: list[str] = []
    for char in text:
        if char == " ":
            out.append(draw(st.sampled_from([" ", "  ", "_", "-", " _ "])))
            continue
        if draw(st.booleans()):
            char = _strip_accent(char)
        out.append(char.upper() if draw(st.booleans()) else char.lower())
    padding = st.sampled_from(["", " ", "  "])
    return draw(padding) + "".join(out) + draw(padding)


@given(data=st.data(), spelling=st.sampled_from(sorted(BUYER_SPELLINGS)))
def test_buyer_kinds_with_any_case_or_accents_give_the_same_code(
    data: st.DataObject, spelling: str
) -> None:
    written = data.draw(respelled(spelling))
    assert parse_kind(written, OrganisationRole.BUYER) == BUYER_SPELLINGS[spelling]


@given(data=st.data(), spelling=st.sampled_from(sorted(PARTNER_SPELLINGS)))
def test_partner_kinds_with_any_case_or_accents_give_the_same_code(
    data: st.DataObject, spelling: str
) -> None:
    written = data.draw(respelled(spelling))
    assert parse_kind(written, OrganisationRole.PARTNER) == PARTNER_SPELLINGS[spelling]


@given(st.dates(min_value=date(1000, 1, 1)))
def test_dates_round_trip_in_both_formats(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.day:02d}/{day.month:02d}/{day.year}") == day
    assert parse_date(f" {day.day}/{day.month}/{day.year} ") == day


@pytest.mark.parametrize("text", ["31/02/2027", "2027-13-01", "15.03.2027", "15/03/27", "demain"])
def test_what_is_not_a_date_says_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a date \(write 2027-03-15 or 15/03/2027\)"):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "month"),
    [("10", 10), ("03", 3), ("octobre", 10), ("October", 10), ("Février", 2), ("aout", 8)],
)
def test_programming_months_by_number_or_name(text: str, month: int) -> None:
    assert parse_month(text) == month


@pytest.mark.parametrize("text", ["0", "13", "jui", "ju", "brumaire", "²"])
def test_a_month_outside_1_to_12_or_unclear_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a month"):
        parse_month(text)


@given(st.integers(1, 12), st.booleans(), st.data())
def test_every_month_name_in_any_case_gives_its_number(
    month: int, french: bool, data: st.DataObject
) -> None:
    name = (FRENCH_MONTHS if french else ENGLISH_MONTHS)[month - 1]
    assert parse_month(data.draw(respelled(name))) == month


def test_email_addresses_are_lower_cased_and_checked() -> None:
    assert parse_email(" Anne.Dupont@Ville-Lisiere.EXAMPLE ") == "anne.dupont@ville-lisiere.example"
    with pytest.raises(ValueError, match="'anne@' is not an e-mail address"):
        parse_email("anne@")


@pytest.mark.parametrize(("text", "code"), [("fr", "fr"), ("EN", "en"), ("Anglais", "en")])
def test_locales(text: str, code: str) -> None:
    assert parse_locale(text) == code


def test_ritual_kinds_by_code_or_title_in_the_handbooks_order() -> None:
    kinds = parse_ritual_kinds(
        "After-work | buyer_club, Comité de pilotage du dispositif clause sociale"
    )
    assert kinds == (RitualKind.STEERING_COMMITTEE, RitualKind.BUYER_CLUB, RitualKind.AFTER_WORK)
    assert parse_ritual_kinds("tous") == ()
    with pytest.raises(ValueError, match="'apero' is not a ritual kind"):
        parse_ritual_kinds("after_work|apero")


def test_facilitators_must_be_configured() -> None:
    assert parse_facilitator("Camille", ["camille", "nadia"]) == "camille"
    with pytest.raises(
        ValueError, match=r"'bob' is not a configured facilitator \(camille, nadia\)"
    ):
        parse_facilitator("bob", ["camille", "nadia"])


def test_slugs_are_given_in_slug_form_or_made_from_the_name() -> None:
    assert parse_slug("ville-de-lisiere") == "ville-de-lisiere"
    with pytest.raises(ValueError, match="such as 'ville-de-lisiere'"):
        parse_slug("Ville de Lisière")
    assert slug_for("Ville de Lisière") == "ville-de-lisiere"
    with pytest.raises(ValueError, match="empty identifier"):
        slug_for("!!!")


def test_control_characters_are_dropped_from_names() -> None:
    assert parse_text("Ville\x1b[31m de\x07 Lisi\u0085ère\x7f\t(Nord)", 200) == (
        "Ville[31m de Lisi ère (Nord)"
    )


@given(st.text())
def test_free_text_is_one_line_without_control_characters(text: str) -> None:
    tidy = parse_text(text, 10_000)
    assert not any(unicodedata.category(c) == "Cc" for c in tidy)
    assert tidy == " ".join(tidy.split())


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1500", 150_000),
        ("1 500", 150_000),
        ("1\u202f500,50", 150_050),
        ("1 500 €", 150_000),
        ("12.5", 1_250),
        ("0,05", 5),
    ],
)
def test_an_amount_in_euros_as_the_french_write_it(text: str, cents: int) -> None:
    assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["", "beaucoup", "-5", "1,234", "1.2.3", "12,345"])
def test_what_is_not_an_amount_is_refused_with_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match="is not an amount in euros"):
        parse_euros(text)


@given(st.integers(min_value=0, max_value=999_999_999), st.integers(min_value=0, max_value=99))
def test_euros_and_cents_round_trip(euros: int, cents: int) -> None:
    assert parse_euros(f"{euros},{cents:02d}") == euros * 100 + cents


def test_long_text_keeps_its_lines_and_drops_control_characters() -> None:
    assert parse_long_text("Un.\r\nDeux\x1b  \n", 100) == "Un.\nDeux"
    with pytest.raises(ValueError, match="at most 3"):
        parse_long_text("quatre", 3)
