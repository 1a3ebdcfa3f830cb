"""More of the workspace in a real browser (Debian's Chromium, JavaScript off, as in
test_workspace_actions_browser): take one invitee off a meeting, and create a contact from the
directory. Each step is saved under docs/screenshots/."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import col

from scheduler.core.messages import MessageKind
from scheduler.store.db import read_session
from scheduler.store.models import Message
from tests.web.browser import BY, Site, browser, follow, screenshot, sign_in, site, text_of
from tests.web.test_workspace_actions import invited_meeting
from tests.web.test_workspace_remove_invitee import invitee_told

__all__ = ["browser", "site"]  # the fixtures


def test_an_invitee_is_taken_off_a_meeting_and_only_they_get_a_cancellation(
    browser: object, site: Site
) -> None:
    driver = browser
    meeting = invited_meeting(site.world)
    leaving = invitee_told(site.world, meeting)
    with read_session(site.world.engine) as session:
        before = session.execute(select(func.count()).select_from(Message)).scalar_one()
    sign_in(driver, site)
    driver.get(f"{site.base}/rencontres/{meeting.uid}")  # type: ignore[attr-defined]
    assert leaving.name in text_of(driver)
    screenshot(driver, "retirer-invite")
    follow(driver, BY, f"form[action$=retirer] input[name=contact][value='{leaving.id}'] ~ button")
    page = text_of(driver)
    assert "La personne est retirée de la rencontre : l'annulation part à elle seule." in page
    invitees = page.split("Invités")[1].split("Courriels envoyés")[0]
    assert leaving.name not in invitees
    assert "personne retirée de la rencontre" in page
    screenshot(driver, "invite-retire")
    with read_session(site.world.engine) as session:
        new = session.execute(
            select(col(Message.kind), col(Message.recipient)).where(col(Message.id) > before)
        ).all()
    assert [tuple(row) for row in new] == [(MessageKind.CANCEL, leaving.email)]


def test_a_contact_is_created_refused_first_then_saved(browser: object, site: Site) -> None:
    driver = browser
    sign_in(driver, site)
    driver.get(site.base + "/contacts")  # type: ignore[attr-defined]
    follow(driver, "link text", "Nouveau contact")
    driver.find_element(BY, "#name").send_keys("Inès Carvalho")  # type: ignore[attr-defined]
    driver.find_element(BY, "#email").send_keys("ines.carvalho@ville-lisiere.example")  # type: ignore[attr-defined]
    driver.find_element(BY, "#organisation").send_keys("nulle-part")  # type: ignore[attr-defined]
    driver.find_element(BY, "#job").send_keys("Acheteuse")  # type: ignore[attr-defined]
    driver.find_element(BY, "#kind-after_work").click()  # type: ignore[attr-defined]
    driver.find_element(BY, "#stop-reminder").click()  # type: ignore[attr-defined]
    follow(driver, BY, "form[action='/contacts/nouveau'] button")
    refused = text_of(driver)
    assert "Aucune organisation n'a cet identifiant." in refused
    screenshot(driver, "contact-refuse")
    box = driver.find_element(BY, "#organisation")  # type: ignore[attr-defined]
    box.clear()
    box.send_keys("ville-de-lisiere")
    screenshot(driver, "nouveau-contact")
    follow(driver, BY, "form[action='/contacts/nouveau'] button")
    page = text_of(driver)
    assert "Le contact est ajouté." in page
    assert "Inès Carvalho" in page
    assert "Ville de Lisière" in page
    assert "Ne reçoit plus" in page
    assert "rappel" in page.lower()
    screenshot(driver, "contact-ajoute")
