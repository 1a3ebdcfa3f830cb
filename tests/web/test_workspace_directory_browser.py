"""More of the workspace in a real browser (Debian's Chromium, JavaScript off, as in
test_workspace_actions_browser): take one invitee off a meeting, create a contact from the
directory, and create a buyer then its convention. Each step is saved under docs/screenshots/."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import col

from scheduler.core.messages import MessageKind
from scheduler.store.db import read_session
from scheduler.store.models import Convention, Message, Organisation
from tests.web.browser import (
    BY,
    Select,
    Site,
    browser,
    follow,
    screenshot,
    set_value,
    sign_in,
    site,
    text_of,
)
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


def test_a_buyer_is_created_then_its_convention_refused_first_then_saved(
    browser: object, site: Site
) -> None:
    driver = browser
    sign_in(driver, site)
    driver.get(site.base + "/acheteurs")  # type: ignore[attr-defined]
    follow(driver, "link text", "Nouvel acheteur")
    driver.find_element(BY, "#name").send_keys("Ville de Brumaire")  # type: ignore[attr-defined]
    Select(driver.find_element(BY, "#article")).select_by_value("la")  # type: ignore[attr-defined]
    Select(driver.find_element(BY, "#kind")).select_by_value("commune")  # type: ignore[attr-defined]
    driver.find_element(BY, "#territory").send_keys("Val de Lisière")  # type: ignore[attr-defined]
    Select(driver.find_element(BY, "#programming_month")).select_by_value("10")  # type: ignore[attr-defined]
    screenshot(driver, "nouvel-acheteur")
    follow(driver, BY, "form[action='/organisations/nouvelle'] button")
    page = text_of(driver)
    assert "L'organisation est ajoutée." in page
    assert "Ville de Brumaire" in page
    assert "Camille Roussel" in page  # her own buyer
    assert "octobre" in page

    follow(driver, "link text", "Nouvelle convention")
    set_value(driver, "#start", "2027-01-01")
    set_value(driver, "#end", "2026-12-31")
    set_value(driver, "#signed_on", "2026-12-15")
    driver.find_element(BY, "#financial").click()  # type: ignore[attr-defined]
    driver.find_element(BY, "#commitments").send_keys(  # type: ignore[attr-defined]
        "Réserver deux marchés par an.\nOuvrir les achats aux SIAE."
    )
    driver.find_element(BY, "#document_reference").send_keys("CONV-2027-014")  # type: ignore[attr-defined]
    Select(driver.find_element(BY, "#renewal")).select_by_value("meeting")  # type: ignore[attr-defined]
    follow(driver, BY, "main form button")
    refused = text_of(driver)
    assert "Indiquez le dernier jour de la convention, après le premier." in refused
    assert "Avec une participation financière, indiquez son montant en euros" in refused
    screenshot(driver, "convention-refusee")
    with read_session(site.world.engine) as session:
        assert (
            session.execute(
                select(func.count())
                .select_from(Convention)
                .where(col(Convention.document_reference) == "CONV-2027-014")
            ).scalar_one()
            == 0
        )
    set_value(driver, "#end", "2029-12-31")
    driver.find_element(BY, "#amount").send_keys("12 000")  # type: ignore[attr-defined]
    screenshot(driver, "nouvelle-convention")
    follow(driver, BY, "main form button")
    page = text_of(driver)
    assert "La convention est ajoutée." in page
    assert "12 000,00 €" in page.replace("\u202f", " ")
    assert "à renouveler après un rendez-vous de renouvellement" in page
    assert "CONV-2027-014" in page
    assert "convention ajoutée" in page
    screenshot(driver, "convention-ajoutee")
    with read_session(site.world.engine) as session:
        buyer = session.execute(
            select(Organisation).where(col(Organisation.slug) == "ville-de-brumaire")
        ).scalar_one()
        convention = session.execute(
            select(Convention).where(col(Convention.organisation_id) == buyer.id)
        ).scalar_one()
    assert (buyer.role, buyer.facilitator_id) == ("buyer", "camille")
    assert (convention.start_date.isoformat(), convention.end_date.isoformat()) == (
        "2027-01-01",
        "2029-12-31",
    )
    assert convention.financial_participation_cents == 1_200_000
