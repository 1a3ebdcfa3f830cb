"""A contact's and a facilitator's private feed link from the workspace, over real HTTP, in the
demo at a fixed instant, through the same `rotate` and `revoke` as `rituel feeds`: the link is
shown once and opens at once, a new one closes the old, a revoked one no longer opens; a
facilitator acts on their own link only, an admin on anyone's; every change is in the journal,
never the link; a POST without its CSRF token is refused."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select
from sqlmodel import col

from scheduler.cli import main
from scheduler.store.db import read_session
from scheduler.store.models import Contact, JournalEntry, Organisation
from tests.web.test_workspace_actions import CSRF, base, browser_for, shown, world
from tests.world import ADMIN, NADIA, World
from tests.world import DEMO_NOW_TEXT as NOW_TEXT

__all__ = ["base", "world"]  # the fixtures

LINK = re.compile(r"<code>(http[^<]+)</code>")


def minted_path(world: World, response: httpx.Response) -> str:
    """The feed's path in the page that shows the link this once."""
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("no-store")
    found = LINK.search(response.text)
    assert found
    return found[1].removeprefix(world.settings.feeds.base_url)


def a_buyers_contact(world: World) -> tuple[Contact, Organisation]:
    with read_session(world.engine) as session:
        contact, organisation = session.execute(
            select(Contact, Organisation)
            .join(Organisation, col(Organisation.id) == col(Contact.organisation_id))
            .where(col(Organisation.role) == "buyer")
            .order_by(col(Contact.id))
            .limit(1)
        ).one()
    return contact, organisation


def test_a_contacts_link_is_shown_once_a_new_one_closes_the_old_then_it_is_revoked(
    world: World, base: str
) -> None:
    contact, organisation = a_buyers_contact(world)
    camille = browser_for(world, base)
    page = camille.get(f"/contacts/{contact.id}")
    assert "Créer le lien du flux" in shown(page)
    csrf = CSRF.findall(page.text)[-1]
    action = f"/contacts/{contact.id}/flux"
    assert camille.post(action, data={"action": "creer"}).status_code == 403
    assert (
        camille.post("/contacts/999999/flux", data={"csrf": csrf, "action": "creer"}).status_code
        == 404
    )

    first = camille.post(action, data={"csrf": csrf, "action": "creer"})
    old = minted_path(world, first)
    assert contact.name in shown(first)
    assert "Retour à la page du contact" in shown(first)
    with httpx.Client(base_url=base, timeout=20) as calendar:
        feed = calendar.get(old)
        assert feed.status_code == 200
        assert feed.text.startswith("BEGIN:VCALENDAR")
        again = shown(camille.get(f"/contacts/{contact.id}"))
        assert old not in again  # shown once
        assert "Renouveler le lien du flux" in again

        new = minted_path(world, camille.post(action, data={"csrf": csrf, "action": "creer"}))
        assert new != old
        assert calendar.get(old).status_code == 404
        assert calendar.get(new).status_code == 200

        revoked = camille.post(action, data={"csrf": csrf, "action": "revoquer"})
        assert revoked.status_code == 303
        assert revoked.headers["location"] == f"/contacts/{contact.id}?fait=flux-revoque"
        assert "Le lien du flux est révoqué" in shown(camille.get(revoked.headers["location"]))
        assert calendar.get(new).status_code == 404

    journal = shown(camille.get(f"/acheteurs/{organisation.slug}"))
    assert "lien du flux créé" in journal
    assert f"contact : {contact.email}" in journal
    assert "lien du flux révoqué" in journal
    with read_session(world.engine) as session:
        entries = session.execute(
            select(JournalEntry).where(col(JournalEntry.action).like("feed_%"))
        ).scalars()
        texts = [(e.action, e.organisation_id, e.after) for e in entries]
    assert [t[:2] for t in texts] == [
        ("feed_rotate", organisation.id),
        ("feed_rotate", organisation.id),
        ("feed_revoke", organisation.id),
    ]
    assert all(old not in t[2] and new not in t[2] for t in texts)  # never the link


def test_a_facilitator_makes_her_own_link_not_a_colleagues_and_an_admin_makes_anyones(
    world: World, base: str
) -> None:
    camille = browser_for(world, base)
    nadia = browser_for(world, base, NADIA)
    admin = browser_for(world, base, ADMIN)
    assert "Flux de calendrier des animateurs" in shown(camille.get("/"))
    page = camille.get("/flux")
    assert page.status_code == 200
    assert page.text.count('action="/flux/animateurs/') == 1, "only her own row has forms"
    assert 'action="/flux/animateurs/camille"' in page.text
    csrf = CSRF.findall(page.text)[-1]

    own = minted_path(
        world, camille.post("/flux/animateurs/camille", data={"csrf": csrf, "action": "creer"})
    )
    nadia_csrf = CSRF.findall(nadia.get("/flux").text)[-1]
    refused = nadia.post(
        "/flux/animateurs/camille", data={"csrf": nadia_csrf, "action": "revoquer"}
    )
    assert refused.status_code == 403
    assert (
        camille.post(
            "/flux/animateurs/personne", data={"csrf": csrf, "action": "creer"}
        ).status_code
        == 404
    )
    with httpx.Client(base_url=base, timeout=20) as calendar:
        assert calendar.get(own).status_code == 200, "Nadia's refusal changed nothing"
        listed = shown(camille.get("/flux"))
        assert "délivré le" in listed
        assert own not in listed

        admin_page = admin.get("/flux")
        assert admin_page.text.count('action="/flux/animateurs/') >= 3  # every row, and a revoke
        admin_csrf = CSRF.findall(admin_page.text)[-1]
        nadias = minted_path(
            world,
            admin.post("/flux/animateurs/nadia", data={"csrf": admin_csrf, "action": "creer"}),
        )
        assert calendar.get(nadias).status_code == 200

        # The CLI's rotate and the workspace's are one: it closes the link the page handed out.
        config = str(world.folder / "config.toml")
        assert (
            main(["feeds", "rotate", "facilitator:camille", "--config", config, "--now", NOW_TEXT])
            == 0
        )
        assert calendar.get(own).status_code == 404
