"""Importing the directory into a real database: all or nothing, idempotent, dry runs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from scheduler.core.kinds import OrganisationRole
from scheduler.errors import InputError
from scheduler.service.directory.directory import (
    CONTACTS,
    CONVENTIONS,
    ORGANISATIONS,
    ImportReport,
    assign_facilitators,
    import_contacts,
    import_organisations,
    list_buyers,
)
from scheduler.store.models import Contact, Convention, Organisation
from tests.imports.conftest import DEMO, csv_file

FACILITATORS = ("camille", "nadia")
HEADER = (
    "nom;type;territoire;contact;email;fonction;début convention;fin convention;"
    "mois programmation;référent"
)
VILLE = (
    "Ville de Lisière;Commune;Lisière;Hélène Marchetti;helene@ville.example;Acheteuse;"
    "15/03/2027;14/03/2030;octobre;nadia"
)
METROPOLE = "Métropole de Lisière;EPCI;;;;;;;;"


def import_buyers(engine: Engine, data: bytes, *, dry_run: bool = False) -> ImportReport:
    return import_organisations(
        engine,
        data,
        file="buyers.csv",
        role=OrganisationRole.BUYER,
        facilitators=FACILITATORS,
        dry_run=dry_run,
    )


def counts(report: ImportReport) -> dict[str, tuple[int, int, int]]:
    """table → (created, updated, unchanged)."""
    return {
        table: (count.created, count.updated, count.unchanged)
        for table, count in report.counts.items()
    }


def snapshot(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every stored row of the directory's tables."""
    with Session(engine) as session:
        return {
            model.__name__: sorted(
                (row.model_dump(warnings=False) for row in session.exec(select(model))), key=repr
            )
            for model in (Organisation, Convention, Contact)
        }


def organisation(engine: Engine, slug: str) -> Organisation:
    with Session(engine) as session:
        return session.exec(select(Organisation).where(Organisation.slug == slug)).one()


def test_a_buyer_row_creates_its_organisation_convention_and_contact(engine: Engine) -> None:
    report = import_buyers(engine, csv_file(HEADER, VILLE, METROPOLE))
    assert counts(report) == {
        ORGANISATIONS: (2, 0, 0),
        CONVENTIONS: (1, 0, 0),
        CONTACTS: (1, 0, 0),
    }
    ville = organisation(engine, "ville-de-lisiere")
    assert (ville.name, ville.role, ville.kind, ville.territory) == (
        "Ville de Lisière",
        OrganisationRole.BUYER,
        "commune",
        "Lisière",
    )
    assert (ville.facilitator_id, ville.programming_month) == ("nadia", 10)
    with Session(engine) as session:
        convention = session.exec(select(Convention)).one()
        contact = session.exec(select(Contact)).one()
    assert (convention.organisation_id, convention.start_date, convention.end_date) == (
        ville.id,
        date(2027, 3, 15),
        date(2030, 3, 14),
    )
    assert convention.status == "active"
    assert (contact.organisation_id, contact.name, contact.email, contact.job, contact.locale) == (
        ville.id,
        "Hélène Marchetti",
        "helene@ville.example",
        "Acheteuse",
        "fr",
    )


def test_importing_the_same_file_twice_changes_nothing(engine: Engine) -> None:
    data = (DEMO / "buyers.csv").read_bytes()
    import_buyers(engine, data)
    before = snapshot(engine)
    report = import_buyers(engine, data)
    assert not report.changed
    assert counts(report) == {
        ORGANISATIONS: (0, 0, 12),
        CONVENTIONS: (0, 0, 11),
        CONTACTS: (0, 0, 12),
    }
    assert report.assigned == {}
    assert snapshot(engine) == before


def test_a_dry_run_reports_the_same_changes_and_writes_nothing(engine: Engine) -> None:
    data = (DEMO / "buyers.csv").read_bytes()
    empty = snapshot(engine)
    dry = import_buyers(engine, data, dry_run=True)
    assert snapshot(engine) == empty
    real = import_buyers(engine, data)
    assert dry.dry_run
    assert counts(dry) == counts(real)
    assert dry.assigned == real.assigned


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("Ville B;Commune;;A;pas-un-mail;;;;;", "buyers.csv:3: email: 'pas-un-mail' is not"),
        ("Ville B;Martien;;;;;;;;", "buyers.csv:3: type: 'Martien' is not a kind of buyer"),
        ("Ville B;Commune;;;;;30/02/2027;2028-01-01;;", "buyers.csv:3: début convention: '30/02"),
        ("Ville B;Commune;;;;;2028-01-01;2027-01-01;;", "buyers.csv:3: fin convention: 2027-01-01"),
        ("Ville B;Commune;;;;;;;13;", "buyers.csv:3: mois programmation: '13' is not a month"),
        ("Ville B;Commune;;;;;;;;zoe", "buyers.csv:3: référent: 'zoe' is not a configured"),
        ("ville de lisiere;Commune;;;;;;;;", "buyers.csv:3: nom: 'ville de lisiere' is already"),
        ("Ville B;Commune;;B;HELENE@ville.example;;;;;", "buyers.csv:3: email: 'HELENE@ville"),
        (";Commune;;;;;;;;", "buyers.csv:3: nom: missing value"),
    ],
)
def test_a_bad_row_rejects_the_whole_file_and_leaves_the_database_unchanged(
    engine: Engine, line: str, problem: str
) -> None:
    import_buyers(engine, csv_file(HEADER, METROPOLE))
    before = snapshot(engine)
    with pytest.raises(InputError) as raised:
        import_buyers(engine, csv_file(HEADER, VILLE, line, "Ville C;Commune;;;;;;;;"))
    assert raised.value.args[0] == "buyers.csv: 1 problem; nothing was imported"
    assert len(raised.value.problems) == 1
    assert raised.value.problems[0].startswith(problem)
    assert snapshot(engine) == before


def test_a_missing_column_rejects_the_file(engine: Engine) -> None:
    with pytest.raises(InputError) as raised:
        import_buyers(engine, csv_file("nom;territoire", "Ville;Lisière"))
    assert raised.value.problems == [
        "buyers.csv:1: kind: required column is missing from the header line"
    ]
    assert snapshot(engine)["Organisation"] == []


def test_a_windows_1252_file_with_semicolons_accents_and_french_dates(engine: Engine) -> None:
    data = csv_file(
        HEADER,
        "Hôpital de Lisière;hôpital;Lisière;Zoé Lefèvre;zoe@ch.example;Cheffe des achats;"
        "15/03/2027;14/03/2029;février;",
        encoding="cp1252",
    )
    assert data.decode("cp1252").startswith("nom;type")
    import_buyers(engine, data)
    hospital = organisation(engine, "hopital-de-lisiere")
    assert (hospital.name, hospital.kind, hospital.programming_month) == (
        "Hôpital de Lisière",
        "hopital",
        2,
    )
    with Session(engine) as session:
        assert session.exec(select(Convention.start_date, Convention.end_date)).one() == (
            date(2027, 3, 15),
            date(2029, 3, 14),
        )
        assert session.exec(select(Contact.name, Contact.job)).one() == (
            "Zoé Lefèvre",
            "Cheffe des achats",
        )


def test_a_utf8_file_with_a_byte_order_mark(engine: Engine) -> None:
    report = import_buyers(engine, b"\xef\xbb\xbf" + csv_file(HEADER, VILLE))
    assert counts(report)[ORGANISATIONS] == (1, 0, 0)
    assert organisation(engine, "ville-de-lisiere").name == "Ville de Lisière"


def test_english_headers_with_commas(engine: Engine) -> None:
    data = csv_file(
        "Name,Kind,Territory,Contact_Name,Contact_Email,Contact_Role,Convention_Start,"
        "Convention_End,Programming_Month",
        "Lisière Housing,Bailleur social,Lisière,Ann Smith,ann@housing.example,Buyer,"
        "2026-10-01,2029-09-30,October",
        delimiter=",",
    )
    import_buyers(engine, data)
    housing = organisation(engine, "lisiere-housing")
    assert (housing.kind, housing.programming_month) == ("bailleur_social", 10)


def test_a_changed_row_updates_and_an_empty_cell_erases_nothing(engine: Engine) -> None:
    import_buyers(engine, csv_file(HEADER, VILLE))
    changed = VILLE.replace("14/03/2030", "31/12/2030").replace("Acheteuse", "Directrice")
    report = import_buyers(engine, csv_file(HEADER, changed.replace("Lisière;Hélène", ";Hélène")))
    assert counts(report) == {
        ORGANISATIONS: (0, 0, 1),
        CONVENTIONS: (0, 1, 0),
        CONTACTS: (0, 1, 0),
    }
    assert organisation(engine, "ville-de-lisiere").territory == "Lisière"


def test_a_new_convention_start_adds_a_convention(engine: Engine) -> None:
    import_buyers(engine, csv_file(HEADER, VILLE))
    renewed = VILLE.replace("15/03/2027;14/03/2030", "15/03/2030;14/03/2033")
    report = import_buyers(engine, csv_file(HEADER, renewed))
    assert counts(report)[CONVENTIONS] == (1, 0, 0)


def test_buyers_go_to_the_least_busy_facilitator_ties_by_configuration_order(
    engine: Engine,
) -> None:
    lines = [f"Ville {letter};Commune;;;;;;;;" for letter in "ABC"]
    report = import_buyers(engine, csv_file(HEADER, VILLE, *lines))
    assert report.assigned == {"ville-a": "camille", "ville-b": "camille", "ville-c": "nadia"}
    again = import_buyers(engine, csv_file(HEADER, "Ville D;Commune;;;;;;;;"))
    assert again.assigned == {"ville-d": "camille"}


def test_assign_facilitators_counts_the_chosen_ones_first() -> None:
    wanted = [("a", None), ("b", "camille"), ("c", None), ("d", None)]
    assert assign_facilitators(wanted, {"nadia": 1}, ["camille", "nadia", "zoe"]) == {
        "a": "zoe",
        "b": "camille",
        "c": "camille",
        "d": "nadia",
    }
    assert assign_facilitators([("a", None)], {}, []) == {"a": None}


def test_a_slug_of_another_role_is_refused(engine: Engine) -> None:
    import_buyers(engine, csv_file(HEADER, VILLE))
    with pytest.raises(InputError) as raised:
        import_organisations(
            engine,
            csv_file("nom;type", "Ville de Lisière;SIAE"),
            file="s.csv",
            role=OrganisationRole.SUPPLIER,
        )
    assert raised.value.problems == [
        "s.csv:2: nom: the identifier 'ville-de-lisiere' is already the buyer 'Ville de Lisière'; "
        "give this one its own slug"
    ]


def test_a_contact_of_another_organisation_is_refused(engine: Engine) -> None:
    import_buyers(engine, csv_file(HEADER, VILLE))
    other = "Ville B;Commune;;Hélène M;helene@ville.example;;;;;"
    with pytest.raises(InputError) as raised:
        import_buyers(engine, csv_file(HEADER, other))
    assert raised.value.problems == [
        "buyers.csv:2: email: 'helene@ville.example' is already a contact of 'Ville de Lisière'"
    ]


def test_a_row_without_slug_finds_its_organisation_by_name(engine: Engine) -> None:
    import_buyers(engine, csv_file(HEADER + ";slug", VILLE + ";lisiere"))
    report = import_buyers(engine, csv_file(HEADER, VILLE))
    assert counts(report)[ORGANISATIONS] == (0, 0, 1)


# --- contacts -----------------------------------------------------------------------------

CONTACTS_HEADER = "nom;email;organisation;fonction;langue;rituels"


def import_people(engine: Engine, *lines: str, dry_run: bool = False) -> ImportReport:
    return import_contacts(
        engine, csv_file(CONTACTS_HEADER, *lines), file="contacts.csv", dry_run=dry_run
    )


def test_contacts_name_their_organisation_by_slug_or_name_or_none(engine: Engine) -> None:
    import_buyers(engine, csv_file(HEADER, VILLE, METROPOLE))
    report = import_people(
        engine,
        "Claire Fontaine;claire@guichet.example;;Directrice;;",
        "Grace Miller;grace@metro.example;Métropole de Lisière;Buyer;en;buyer_club|after_work",
        "Paul Roux;paul@ville.example;ville-de-lisiere;;;tous",
    )
    assert counts(report) == {CONTACTS: (3, 0, 0)}
    metropole = organisation(engine, "metropole-de-lisiere")
    ville = organisation(engine, "ville-de-lisiere")
    with Session(engine) as session:
        stored = {c.email: c for c in session.exec(select(Contact))}
    assert stored["claire@guichet.example"].organisation_id is None
    grace = stored["grace@metro.example"]
    assert (grace.organisation_id, grace.locale, grace.kinds) == (
        metropole.id,
        "en",
        "buyer_club,after_work",
    )
    assert (stored["paul@ville.example"].organisation_id, stored["paul@ville.example"].kinds) == (
        ville.id,
        "",
    )
    again = import_people(
        engine,
        "Claire Fontaine;claire@guichet.example;;Directrice;;",
        "Grace Miller;grace@metro.example;metropole-de-lisiere;Buyer;EN;after_work,buyer_club",
        "Paul Roux;paul@ville.example;Ville de Lisière;;;",
    )
    assert counts(again) == {CONTACTS: (0, 0, 3)}


def test_an_unknown_organisation_rejects_the_contacts_file_with_every_problem(
    engine: Engine,
) -> None:
    import_buyers(engine, csv_file(HEADER, VILLE))
    before = snapshot(engine)
    with pytest.raises(InputError) as raised:
        import_people(
            engine,
            "A;a@x.example;Ville de Lisière;;;",
            "B;b@x.example;Mairie de Nulle-Part;;;",
            "C;c@x.example;;;klingon;",
        )
    assert raised.value.args[0] == "contacts.csv: 2 problems; nothing was imported"
    assert raised.value.problems == [
        "contacts.csv:3: organisation: 'Mairie de Nulle-Part' is not a known organisation "
        "(import it first)",
        "contacts.csv:4: langue: 'klingon' is not a language (fr or en)",
    ]
    assert snapshot(engine) == before


def test_a_name_shared_by_two_organisations_asks_for_the_slug(engine: Engine) -> None:
    import_buyers(engine, csv_file(HEADER, "AFPA;Établissement public;;;;;;;;"))
    import_organisations(
        engine,
        csv_file("nom;type;slug", "AFPA;autre;afpa-partenaire"),
        file="p.csv",
        role=OrganisationRole.PARTNER,
    )
    with pytest.raises(InputError) as raised:
        import_people(engine, "A;a@x.example;afpa;;;", "B;b@x.example;Afpa ;;;")
    assert raised.value.problems == [
        "contacts.csv:3: organisation: 'Afpa' names several organisations "
        "(afpa, afpa-partenaire); give the slug"
    ]


def test_a_contacts_dry_run_writes_nothing(engine: Engine) -> None:
    before = snapshot(engine)
    report = import_people(engine, "A;a@x.example;;;;", dry_run=True)
    assert counts(report) == {CONTACTS: (1, 0, 0)}
    assert snapshot(engine) == before


def test_the_whole_demo_directory_imports(engine: Engine) -> None:
    for name, role in (
        ("buyers", OrganisationRole.BUYER),
        ("partners", OrganisationRole.PARTNER),
        ("suppliers", OrganisationRole.SUPPLIER),
    ):
        import_organisations(
            engine,
            (DEMO / f"{name}.csv").read_bytes(),
            file=f"{name}.csv",
            role=role,
            facilitators=FACILITATORS,
        )
    report = import_contacts(engine, (DEMO / "contacts.csv").read_bytes(), file="contacts.csv")
    assert report.counts[CONTACTS].created == 7
    with Session(engine) as session:
        kinds = {(o.role, o.kind) for o in session.exec(select(Organisation))}
        emails = [c.email for c in session.exec(select(Contact))]
    assert {kind for role, kind in kinds if role == OrganisationRole.PARTNER} == {
        "france_travail",
        "plie",
        "mission_locale",
        "cap_emploi",
        "ddets",
    }
    assert {kind for role, kind in kinds if role == OrganisationRole.SUPPLIER} >= {
        "siae",
        "ea",
        "esat",
        "geiq",
    }
    assert all(email.endswith(".example") for email in emails)


def test_list_buyers_shows_the_latest_convention_and_the_default_month(engine: Engine) -> None:
    import_buyers(engine, csv_file(HEADER, VILLE, METROPOLE))
    renewed = VILLE.replace("15/03/2027;14/03/2030", "15/03/2030;14/03/2033")
    import_buyers(engine, csv_file(HEADER, renewed))
    ville, metropole = (
        next(b for b in list_buyers(engine, 11) if b.slug == slug)
        for slug in ("ville-de-lisiere", "metropole-de-lisiere")
    )
    assert (ville.convention_start, ville.convention_end, ville.contacts) == (
        date(2030, 3, 15),
        date(2033, 3, 14),
        1,
    )
    assert (ville.programming_month, ville.programming_month_is_default) == (10, False)
    assert (metropole.programming_month, metropole.programming_month_is_default) == (11, True)
    assert metropole.convention_start is None
    assert [b.name for b in list_buyers(engine, 11)] == ["Métropole de Lisière", "Ville de Lisière"]
