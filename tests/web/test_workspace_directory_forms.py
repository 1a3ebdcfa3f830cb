"""Buyers, suppliers, partners and conventions created and edited from the workspace, over real
HTTP, in the demo at a fixed instant: the import's rules (a kind of the role, an identifier, a
configured facilitator, dates with the end after the start), every refusal shown in French
beside its field with nothing written; two facilitators saving the same organisation or
convention: the second is told « modifiée entre-temps » (409) and nothing of hers is written;
the journal on the buyer's page says who changed what; a POST without its CSRF token is
refused."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlmodel import col

from scheduler.store.db import read_session
from scheduler.store.models import Convention, JournalEntry, Organisation
from tests.web.test_workspace_actions import CSRF, base, browser_for, shown, world
from tests.world import NADIA, World

__all__ = ["base", "world"]  # the fixtures

FINGERPRINT = re.compile(r'name="fingerprint" value="([^"]*)"')
BUYER = {
    "role": "buyer",
    "name": "Ville de Brumaire",
    "slug": "",
    "article": "la",
    "kind": "commune",
    "territory": "Val de Lisière",
    "facilitator": "camille",
    "programming_month": "10",
}
CONVENTION = {
    "start": "2027-01-01",
    "end": "2029-12-31",
    "signed_on": "2026-12-15",
    "status": "active",
    "financial": "oui",
    "amount": "1 500",
    "confidential": "oui",
    "commitments": "Réserver deux marchés par an.\nOuvrir les achats aux SIAE.",
    "document_reference": "CONV-2027-014",
    "renewal": "tacit",
}


def count(world: World, table: type[Organisation] | type[Convention]) -> int:
    with read_session(world.engine) as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def organisation(world: World, slug: str) -> Organisation | None:
    with read_session(world.engine) as session:
        return session.execute(
            select(Organisation).where(col(Organisation.slug) == slug)
        ).scalar_one_or_none()


def test_a_buyer_is_created_with_the_imports_rules_and_each_refusal_beside_its_field(
    world: World, base: str
) -> None:
    camille = browser_for(world, base)
    page = camille.get("/organisations/nouvelle?role=buyer")
    assert page.status_code == 200
    assert "Nouvel acheteur" in shown(page)
    assert 'value="camille" selected' in page.text, "her own buyers by default"
    csrf = CSRF.findall(page.text)[-1]
    before = count(world, Organisation)

    assert camille.post("/organisations/nouvelle", data=BUYER).status_code == 403
    bad = camille.post(
        "/organisations/nouvelle",
        data={
            **BUYER,
            "csrf": csrf,
            "name": " ",
            "slug": "Pas Un Identifiant",
            "kind": "siae",
            "facilitator": "personne",
            "programming_month": "13",
            "article": "des",
        },
    )
    assert bad.status_code == 400
    text = shown(bad)
    for message in (
        "L'organisation n'est pas enregistrée : corrigez les champs signalés.",
        "Indiquez le nom de l'organisation (200 caractères au plus).",
        "L'identifiant s'écrit en minuscules, chiffres et tirets",
        "Choisissez le type d'organisation dans la liste.",
        "Choisissez le référent du guichet dans la liste.",
        "Choisissez le mois dans la liste.",
        "Choisissez l'article dans la liste.",
    ):
        assert message in text
    assert 'aria-describedby="erreur-kind"' in bad.text
    with read_session(world.engine) as session:
        taken = session.execute(select(col(Organisation.slug)).limit(1)).scalar_one()
    refused = camille.post("/organisations/nouvelle", data={**BUYER, "csrf": csrf, "slug": taken})
    assert refused.status_code == 400
    assert "Cet identifiant est déjà celui d'une autre organisation" in shown(refused)
    assert count(world, Organisation) == before  # nothing written

    done = camille.post("/organisations/nouvelle", data={**BUYER, "csrf": csrf})
    assert done.status_code == 303
    assert done.headers["location"] == "/acheteurs/ville-de-brumaire?fait=organisation-ajoutee"
    page_text = shown(camille.get(done.headers["location"]))
    assert "L'organisation est ajoutée." in page_text
    assert "organisation ajoutée" in page_text  # the journal
    made = organisation(world, "ville-de-brumaire")
    assert made is not None
    assert (made.role, made.kind, made.article, made.facilitator_id, made.programming_month) == (
        "buyer",
        "commune",
        "la",
        "camille",
        10,
    )


def test_a_supplier_needs_no_facilitator_and_its_page_is_the_organisations(
    world: World, base: str
) -> None:
    camille = browser_for(world, base)
    page = camille.get("/organisations/nouvelle?role=supplier")
    assert "Nouveau fournisseur" in shown(page)
    assert 'name="facilitator"' not in page.text
    done = camille.post(
        "/organisations/nouvelle",
        data={
            "csrf": CSRF.findall(page.text)[-1],
            "role": "supplier",
            "name": "Atelier du Canal",
            "slug": "atelier-du-canal",
            "kind": "SIAE",
        },
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/organisations/atelier-du-canal?fait=organisation-ajoutee"
    made = organisation(world, "atelier-du-canal")
    assert made is not None
    assert (made.role, made.kind, made.facilitator_id) == ("supplier", "siae", None)


def test_two_saves_of_the_same_organisation_the_second_is_refused_as_changed_meanwhile(
    world: World, base: str
) -> None:
    with read_session(world.engine) as session:
        buyer = session.execute(
            select(Organisation).where(col(Organisation.role) == "buyer").limit(1)
        ).scalar_one()
    camille = browser_for(world, base)
    nadia = browser_for(world, base, NADIA)
    path = f"/organisations/{buyer.slug}/modifier"
    first, second = camille.get(path), nadia.get(path)
    assert FINGERPRINT.findall(first.text) == FINGERPRINT.findall(second.text)

    def form(page_text: str, territory: str) -> dict[str, str]:
        return {
            "csrf": CSRF.findall(page_text)[-1],
            "fingerprint": FINGERPRINT.findall(page_text)[0],
            "name": buyer.name,
            "kind": buyer.kind,
            "territory": territory,
            "facilitator": buyer.facilitator_id or "camille",
            "role": "supplier",  # ignored: an organisation keeps its role
        }

    saved = camille.post(path, data=form(first.text, "Nord de la Lisière"))
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/acheteurs/{buyer.slug}?fait=organisation-modifiee"
    refused = nadia.post(path, data=form(second.text, "Sud de la Lisière"))
    assert refused.status_code == 409
    assert "Cette organisation a été modifiée entre-temps par quelqu'un d'autre" in shown(refused)
    assert 'value="Nord de la Lisière"' in refused.text  # as it stands now
    stored = organisation(world, buyer.slug)
    assert stored is not None
    assert (stored.territory, stored.role) == ("Nord de la Lisière", "buyer")
    with read_session(world.engine) as session:
        edits = (
            session.execute(
                select(JournalEntry).where(col(JournalEntry.action) == "organisation_edit")
            )
            .scalars()
            .all()
        )
    assert [(e.actor.split(".")[0], e.organisation_id) for e in edits] == [("camille", buyer.id)]
    assert camille.get("/organisations/nulle-part/modifier").status_code == 404


def test_a_convention_is_created_with_its_details_and_each_refusal_beside_its_field(
    world: World, base: str
) -> None:
    camille = browser_for(world, base)
    with read_session(world.engine) as session:
        buyer = session.execute(
            select(Organisation).where(col(Organisation.role) == "buyer").limit(1)
        ).scalar_one()
    path = f"/acheteurs/{buyer.slug}/conventions/nouvelle"
    page = camille.get(path)
    assert page.status_code == 200
    csrf = CSRF.findall(page.text)[-1]
    before = count(world, Convention)

    assert camille.post(path, data=CONVENTION).status_code == 403
    bad = camille.post(
        path,
        data={
            **CONVENTION,
            "csrf": csrf,
            "end": "2026-06-30",
            "amount": "beaucoup",
            "status": "signee",
            "renewal": "jamais",
            "signed_on": "hier",
        },
    )
    assert bad.status_code == 400
    text = shown(bad)
    for message in (
        "La convention n'est pas enregistrée : corrigez les champs signalés.",
        "Indiquez le dernier jour de la convention, après le premier.",
        "Avec une participation financière, indiquez son montant en euros",
        "Choisissez le statut dans la liste.",
        "Choisissez le renouvellement dans la liste.",
        "Indiquez la date de signature",
    ):
        assert message in text
    without = {k: v for k, v in CONVENTION.items() if k != "financial"}
    amount_alone = camille.post(path, data={**without, "csrf": csrf})
    assert amount_alone.status_code == 400
    assert 'aria-describedby="erreur-amount"' in amount_alone.text
    assert count(world, Convention) == before  # nothing written

    done = camille.post(path, data={**CONVENTION, "csrf": csrf})
    assert done.status_code == 303
    expected_at = f"/acheteurs/{buyer.slug}?fait=convention-ajoutee#conventions"
    assert done.headers["location"] == expected_at
    page_text = shown(camille.get(done.headers["location"].split("#")[0]))
    for expected in (
        "La convention est ajoutée.",
        "1 500,00 €",
        "reconduction tacite",
        "CONV-2027-014",
        "Réserver deux marchés par an.",
        "convention ajoutée",
    ):
        assert expected in page_text.replace("\u202f", " ")
    with read_session(world.engine) as session:
        made = session.execute(
            select(Convention)
            .where(col(Convention.organisation_id) == buyer.id)
            .where(col(Convention.document_reference) == "CONV-2027-014")
        ).scalar_one()
    assert (made.financial_participation_cents, made.confidential, made.renewal) == (
        150000,
        True,
        "tacit",
    )
    assert made.commitments == "Réserver deux marchés par an.\nOuvrir les achats aux SIAE."
    again = camille.post(path, data={**CONVENTION, "csrf": csrf})
    assert again.status_code == 400
    assert "Cet acheteur a déjà une convention qui commence ce jour-là." in shown(again)


def test_two_saves_of_the_same_convention_the_second_is_refused_as_changed_meanwhile(
    world: World, base: str
) -> None:
    with read_session(world.engine) as session:
        convention, slug = session.execute(
            select(Convention, col(Organisation.slug))
            .join(Organisation, col(Organisation.id) == col(Convention.organisation_id))
            .limit(1)
        ).one()
    camille = browser_for(world, base)
    nadia = browser_for(world, base, NADIA)
    path = f"/acheteurs/{slug}/conventions/{convention.id}/modifier"
    first, second = camille.get(path), nadia.get(path)
    assert first.status_code == 200

    def form(page_text: str, reference: str) -> dict[str, str]:
        return {
            "csrf": CSRF.findall(page_text)[-1],
            "fingerprint": FINGERPRINT.findall(page_text)[0],
            "start": convention.start_date.isoformat(),
            "end": convention.end_date.isoformat(),
            "status": str(convention.status),
            "confidential": "oui",
            "document_reference": reference,
        }

    assert camille.post(path, data=form(first.text, "DELIB-2026-88")).status_code == 303
    refused = nadia.post(path, data=form(second.text, "DELIB-2026-99"))
    assert refused.status_code == 409
    assert "Cette convention a été modifiée entre-temps par quelqu'un d'autre" in shown(refused)
    assert 'value="DELIB-2026-88"' in refused.text
    with read_session(world.engine) as session:
        stored = session.get(Convention, convention.id)
        assert stored is not None
        assert stored.document_reference == "DELIB-2026-88"
        edits = (
            session.execute(
                select(JournalEntry).where(col(JournalEntry.action) == "convention_edit")
            )
            .scalars()
            .all()
        )
    assert len(edits) == 1
    assert "DELIB-2026-88" in edits[0].after
    other = f"/acheteurs/{slug}/conventions/999999/modifier"
    assert camille.get(other).status_code == 404
