"""A whole file → typed rows, or every problem as `FILE:LINE: column: what is wrong`."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.core.kinds import OrganisationRole, RitualKind
from scheduler.imports.rows import (
    ContactRow,
    ConventionDates,
    OrganisationContact,
    OrganisationRow,
    parse_contacts,
    parse_organisations,
)
from tests.imports.conftest import csv_file

FACILITATORS = ("camille", "nadia")
HEADER = (
    "nom;type;territoire;contact;email;fonction;début convention;fin convention;"
    "mois programmation;référent"
)
VILLE = (
    "Ville de Lisière;Commune;Lisière;Hélène Marchetti;helene@ville.example;Acheteuse;"
    "15/09/2026;14/09/2029;octobre;camille"
)
METROPOLE = "Métropole de Lisière;EPCI;;;;;2024-01-01;2027-12-31;9;"


def buyers(*lines: str) -> list[str]:
    """Problems of a buyers file made of HEADER and `lines`, described as `b.csv:LINE: …`."""
    parsed = parse_organisations(csv_file(HEADER, *lines), OrganisationRole.BUYER, FACILITATORS)
    return [problem.describe("b.csv") for problem in parsed.problems]


def test_a_good_buyers_file_gives_typed_rows() -> None:
    parsed = parse_organisations(
        csv_file(HEADER, VILLE, METROPOLE), OrganisationRole.BUYER, FACILITATORS
    )
    assert parsed.problems == ()
    assert parsed.rows == (
        OrganisationRow(
            line=2,
            role=OrganisationRole.BUYER,
            name="Ville de Lisière",
            slug="ville-de-lisiere",
            kind="commune",
            territory="Lisière",
            facilitator="camille",
            programming_month=10,
            convention=ConventionDates(date(2026, 9, 15), date(2029, 9, 14)),
            contact=OrganisationContact("Hélène Marchetti", "helene@ville.example", "Acheteuse"),
        ),
        OrganisationRow(
            line=3,
            role=OrganisationRole.BUYER,
            name="Métropole de Lisière",
            slug="metropole-de-lisiere",
            kind="epci",
            programming_month=9,
            convention=ConventionDates(date(2024, 1, 1), date(2027, 12, 31)),
        ),
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            "Ville;Commune;;A;pas-un-mail;;;;;",
            "b.csv:2: email: 'pas-un-mail' is not an e-mail address",
        ),
        (
            "Ville;Martien;;;;;;;;",
            "b.csv:2: type: 'Martien' is not a kind of buyer (one of: commune, epci, departement, "
            "region, etat, etablissement_public, bailleur_social, hopital, acheteur_national, "
            "autre)",
        ),
        (
            "Ville;Commune;;;;;31/02/2027;01/01/2030;;",
            "b.csv:2: début convention: '31/02/2027' is not a date "
            "(write 2027-03-15 or 15/03/2027)",
        ),
        (
            "Ville;Commune;;;;;15/03/2027;14/03/2027;;",
            "b.csv:2: fin convention: 2027-03-14 is not after début convention 2027-03-15",
        ),
        (
            "Ville;Commune;;;;;15/03/2027;;;",
            "b.csv:2: fin convention: missing value (début convention is given)",
        ),
        (
            "Ville;Commune;;;;;;;13;",
            "b.csv:2: mois programmation: '13' is not a month (1 to 12, or a name such as "
            "'octobre')",
        ),
        (
            "Ville;Commune;;;;;;;;bob",
            "b.csv:2: référent: 'bob' is not a configured facilitator (camille, nadia)",
        ),
        (";Commune;;;;;;;;", "b.csv:2: nom: missing value"),
        ("Ville;;;;;;;;;", "b.csv:2: type: missing value"),
        (
            "Ville;Commune;;;anne@ville.example;;;;;",
            "b.csv:2: contact: missing value (email is given)",
        ),
        ("Ville;Commune;;Anne;;;;;;", "b.csv:2: email: missing value (contact is given)"),
        ("!!!;Commune;;;;;;;;", "b.csv:2: nom: '!!!' gives an empty identifier; add a slug column"),
    ],
)
def test_each_bad_cell_is_named_with_its_line_and_column(line: str, problem: str) -> None:
    assert buyers(line) == [problem]


def test_every_problem_of_the_file_is_listed_in_line_then_column_order() -> None:
    assert buyers(VILLE, "Ville B;Martien;;;;;;;0;bob", METROPOLE, "C;commune;;;x@;;;;;") == [
        "b.csv:3: type: 'Martien' is not a kind of buyer (one of: commune, epci, departement, "
        "region, etat, etablissement_public, bailleur_social, hopital, acheteur_national, autre)",
        "b.csv:3: mois programmation: '0' is not a month (1 to 12, or a name such as 'octobre')",
        "b.csv:3: référent: 'bob' is not a configured facilitator (camille, nadia)",
        "b.csv:5: contact: missing value (email is given)",
        "b.csv:5: email: 'x@' is not an e-mail address",
    ]


def test_duplicates_inside_the_file_are_reported_on_the_later_line() -> None:
    assert buyers(
        VILLE,
        "VILLE DE LISIERE;Commune;;;;;;;;",
        "Ville-de-Lisière;Commune;;;;;;;;",
        "Autre ville;Commune;;Anne;HELENE@ville.example;;;;;",
    ) == [
        "b.csv:3: nom: 'VILLE DE LISIERE' is already on line 2",
        "b.csv:4: slug: 'ville-de-lisiere' is already on line 2",
        "b.csv:5: email: 'HELENE@ville.example' is already on line 2",
    ]


def test_a_missing_required_column_is_reported_on_the_header_line() -> None:
    parsed = parse_organisations(
        csv_file("nom;territoire", "Ville;Lisière"), OrganisationRole.BUYER
    )
    assert [p.describe("b.csv") for p in parsed.problems] == [
        "b.csv:1: kind: required column is missing from the header line"
    ]


def test_a_file_with_problems_keeps_its_good_rows_only_for_further_checks() -> None:
    parsed = parse_organisations(
        csv_file(HEADER, VILLE, "Ville B;Martien;;;;;;;;"), OrganisationRole.BUYER, FACILITATORS
    )
    assert [row.line for row in parsed.rows] == [2]
    assert len(parsed.problems) == 1


def test_english_headers_with_commas_and_an_explicit_slug() -> None:
    data = csv_file(
        "Name,Kind,Territory,Contact name,Contact email,Contact role,Convention start,"
        "Convention end,Programming month,Facilitator,Slug",
        "City of Lisière,Municipality,Lisière,Anne Smith,anne@city.example,Buyer,2027-03-15,"
        "15/03/2030,March,nadia,lisiere",
        delimiter=",",
    )
    parsed = parse_organisations(data, OrganisationRole.BUYER, FACILITATORS)
    assert parsed.problems == ()
    (row,) = parsed.rows
    assert (row.slug, row.slug_given, row.kind, row.programming_month, row.facilitator) == (
        "lisiere",
        True,
        "commune",
        3,
        "nadia",
    )


def test_a_suppliers_file_ignores_buyer_columns_and_names_them() -> None:
    data = csv_file("nom;type;début convention", "Atelier Horizon;Entreprise adaptée;01/01/2027")
    parsed = parse_organisations(data, OrganisationRole.SUPPLIER)
    assert parsed.ignored_columns == ("début convention",)
    assert parsed.rows[0].kind == "ea"
    assert parsed.rows[0].convention is None


def test_a_contacts_file_gives_typed_rows() -> None:
    data = csv_file(
        "nom;email;organisation;fonction;langue;rituels",
        "Claire Fontaine;claire@guichet.example;;Directrice;;",
        "Grace Miller;Grace@Horizon.example;atelier-horizon;Sales;en;b2b_meetup|annual_restitution",
    )
    parsed = parse_contacts(data)
    assert parsed.problems == ()
    assert parsed.rows == (
        ContactRow(2, "Claire Fontaine", "claire@guichet.example", "", "Directrice", None, None),
        ContactRow(
            3,
            "Grace Miller",
            "grace@horizon.example",
            "atelier-horizon",
            "Sales",
            "en",
            (RitualKind.B2B_MEETUP, RitualKind.ANNUAL_RESTITUTION),
        ),
    )


def test_bad_contacts_are_all_reported() -> None:
    data = csv_file(
        "nom;email;organisation;langue;rituels",
        "A;a@x.example;;de;",
        ";b@x.example;;;apero",
        "C;A@X.example;;;",
    )
    assert [p.describe("c.csv") for p in parse_contacts(data).problems] == [
        "c.csv:2: langue: 'de' is not a language (fr or en)",
        "c.csv:3: nom: missing value",
        "c.csv:3: rituels: 'apero' is not a ritual kind (one of: programming_review, "
        "steering_committee, buyer_club, after_work, internal_awareness, b2b_meetup, "
        "annual_restitution, convention_renewal)",
        "c.csv:4: email: 'A@X.example' is already on line 2",
    ]


PROBLEM = re.compile(r"f\.csv:\d+: \S")


@given(st.text())
def test_arbitrary_text_gives_rows_or_well_formed_problems(text: str) -> None:
    for role in OrganisationRole:
        parsed = parse_organisations(text.encode("utf-8"), role, FACILITATORS)
        assert all(PROBLEM.match(p.describe("f.csv")) for p in parsed.problems)
        assert all(p.line >= 1 for p in parsed.problems)
    assert all(PROBLEM.match(p.describe("f.csv")) for p in parse_contacts(text.encode()).problems)


@given(st.binary())
def test_arbitrary_bytes_never_crash_the_parser(data: bytes) -> None:
    parsed = parse_contacts(data)
    assert parsed.problems or all(row.email for row in parsed.rows)


@given(
    st.lists(
        st.lists(st.text(alphabet=st.characters(exclude_categories=["Cs"])), max_size=11),
        max_size=6,
    )
)
def test_arbitrary_cells_under_a_real_header_give_rows_or_problems(cells: list[list[str]]) -> None:
    lines = [";".join('"' + c.replace('"', '""') + '"' for c in row) for row in cells]
    data = (HEADER + "\n" + "\n".join(lines)).encode("utf-8")
    parsed = parse_organisations(data, OrganisationRole.BUYER, FACILITATORS)
    assert parsed.problems or len(parsed.rows) == sum(
        1 for row in cells if any(c.strip() for c in row)
    )
