"""A contact created and edited from the workspace, over real HTTP, in the demo at a fixed
instant: the import's rules (an address, a language, ritual kinds, an organisation that
exists), every refusal shown in French beside its field with nothing written; two facilitators
saving the same contact: the second is told « modifié entre-temps » (409) and nothing of hers is
written; the journal says who changed what; a POST without its CSRF token is refused."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlmodel import col

from scheduler.store.db import read_session
from scheduler.store.models import Contact, JournalEntry, Organisation
from tests.web.test_workspace_actions import CSRF, base, browser_for, shown, world
from tests.world import NADIA, World

__all__ = ["base", "world"]  # the fixtures

FINGERPRINT = re.compile(r'name="fingerprint" value="([^"]*)"')
NEW = {
    "name": "Inès Carvalho",
    "email": "Ines.Carvalho@ville-lisiere.example",
    "organisation": "",
    "job": "Acheteuse",
    "locale": "fr",
    "kinds": ["after_work", "buyer_club"],
    "unsubscribed_kinds": ["reminder"],
}


def a_buyer(world: World) -> Organisation:
    with read_session(world.engine) as session:
        found = (
            session.execute(
                select(Organisation)
                .where(col(Organisation.role) == "buyer")
                .order_by(col(Organisation.id))
            )
            .scalars()
            .first()
        )
        assert found is not None
        return found


def contacts(world: World) -> int:
    with read_session(world.engine) as session:
        return int(session.execute(select(func.count()).select_from(Contact)).scalar_one())


def test_a_contact_is_created_with_the_imports_rules_and_each_refusal_beside_its_field(
    world: World, base: str
) -> None:
    camille = browser_for(world, base)
    page = camille.get("/contacts/nouveau")
    assert page.status_code == 200
    csrf = CSRF.findall(page.text)[-1]
    buyer = a_buyer(world)
    before = contacts(world)

    assert camille.post("/contacts/nouveau", data=NEW).status_code == 403
    bad = camille.post(
        "/contacts/nouveau",
        data={
            **NEW,
            "csrf": csrf,
            "email": "pas-une-adresse",
            "organisation": "nulle-part",
            "locale": "de",
            "kinds": ["after_work", "bal_masque"],
            "name": " ",
        },
    )
    assert bad.status_code == 400
    text = shown(bad)
    for message in (
        "Le contact n'est pas enregistré : corrigez les champs signalés.",
        "Indiquez le nom de la personne (200 caractères au plus).",
        "Indiquez une adresse électronique valide.",
        "Aucune organisation n'a cet identifiant.",
        "Choisissez le français ou l'anglais.",
        "Choisissez les types de rencontre dans la liste.",
    ):
        assert message in text
    assert 'aria-describedby="erreur-email"' in bad.text
    with read_session(world.engine) as session:
        someone = session.execute(select(col(Contact.email)).limit(1)).scalar_one()
    taken = camille.post("/contacts/nouveau", data={**NEW, "csrf": csrf, "email": someone.upper()})
    assert taken.status_code == 400
    assert "Cette adresse est déjà celle d'une autre personne de l'annuaire." in shown(taken)
    assert contacts(world) == before  # nothing written

    done = camille.post("/contacts/nouveau", data={**NEW, "csrf": csrf, "organisation": buyer.slug})
    assert done.status_code == 303
    location = done.headers["location"]
    assert location.endswith("?fait=ajoute")
    page = shown(camille.get(location))
    assert "Le contact est ajouté." in page
    assert buyer.name in page
    with read_session(world.engine) as session:
        made = session.execute(
            select(Contact).where(col(Contact.email) == "ines.carvalho@ville-lisiere.example")
        ).scalar_one()
        assert (made.organisation_id, made.job, made.kinds, made.unsubscribed_kinds) == (
            buyer.id,
            "Acheteuse",
            "buyer_club,after_work",
            "reminder",
        )
        entry = session.execute(
            select(JournalEntry).where(col(JournalEntry.action) == "contact_create")
        ).scalar_one()
        assert entry.organisation_id == buyer.id
    assert "contact ajouté" in shown(camille.get(f"/acheteurs/{buyer.slug}"))


def test_two_saves_of_the_same_contact_the_second_is_refused_as_changed_meanwhile(
    world: World, base: str
) -> None:
    with read_session(world.engine) as session:
        person = session.execute(select(Contact).order_by(col(Contact.id))).scalars().first()
        assert person is not None
    camille = browser_for(world, base)
    nadia = browser_for(world, base, NADIA)
    path = f"/contacts/{person.id}/modifier"
    first, second = camille.get(path), nadia.get(path)
    assert FINGERPRINT.findall(first.text) == FINGERPRINT.findall(second.text)

    def form(page_text: str, job: str) -> dict[str, object]:
        return {
            "csrf": CSRF.findall(page_text)[-1],
            "fingerprint": FINGERPRINT.findall(page_text)[0],
            "name": person.name,
            "email": person.email,
            "organisation": re.findall(r'name="organisation" value="([^"]*)"', page_text)[0],
            "job": job,
            "locale": person.locale,
        }

    saved = camille.post(path, data=form(first.text, "Directrice de la commande publique"))
    assert saved.status_code == 303
    refused = nadia.post(path, data=form(second.text, "Juriste"))
    assert refused.status_code == 409
    assert "Ce contact a été modifié entre-temps par quelqu'un d'autre" in shown(refused)
    assert 'value="Directrice de la commande publique"' in refused.text  # as it stands now
    with read_session(world.engine) as session:
        stored = session.get(Contact, person.id)
        assert stored is not None
        assert stored.job == "Directrice de la commande publique"
        edits = (
            session.execute(select(JournalEntry).where(col(JournalEntry.action) == "contact_edit"))
            .scalars()
            .all()
        )
    assert len(edits) == 1
    assert "Directrice de la commande publique" in edits[0].after
    assert edits[0].actor.startswith("camille")
    assert camille.get("/contacts/999999/modifier").status_code == 404
