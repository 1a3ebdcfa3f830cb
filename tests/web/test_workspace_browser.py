"""The workspace in a real browser: Debian's Chromium driven by Selenium through Debian's
chromedriver (nothing is downloaded: the driver's path is given and Selenium Manager is kept
offline), with JavaScript switched off, since no page needs it.

The facilitator signs in through the link mailed as an .eml file, then walks home → agenda → a
meeting → its buyer, reading what she relies on; each page is saved under docs/screenshots/
(shown in the README). Without Chromium the tests skip and say what to install, except under
CI, where they fail.
"""

from __future__ import annotations

import email
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.web import create_app
from tests.web.browser import browser as browser  # the fixture
from tests.web.browser import follow, screenshot, text_of
from tests.web_server import serving
from tests.world import BOUNCED, CAMILLE, World, demo_world
from tests.world import DEMO_NOW as NOW


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[World, str]]:
    """The demo at a fixed instant, served with its configured (file) mail transport."""
    (tmp_path / "demo").mkdir()
    world = demo_world(tmp_path / "demo")
    with serving(create_app(world.settings, world.engine, clock=lambda: NOW)) as base:
        yield world, base
    world.engine.dispose()


def mailed_link(world: World, before: set[Path]) -> str:
    """The sign-in link in the mail that arrived after `before`."""
    deadline = time.monotonic() + 10
    while True:
        fresh = sorted(set(world.outbox.glob("*.eml")) - before)
        if fresh or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert len(fresh) == 1, f"expected one sign-in mail, found {len(fresh)}"
    message = email.message_from_bytes(fresh[0].read_bytes())
    assert message["To"].endswith(f"<{CAMILLE}>")
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found = re.search(r"https?://\S+(/connexion/[A-Za-z0-9_-]+)", payload.decode("utf-8"))
            assert found
            return found[1]
    raise AssertionError("the sign-in mail has no text part")


def test_a_facilitator_signs_in_by_mail_and_walks_home_agenda_meeting_buyer(
    browser: object, site: tuple[World, str]
) -> None:
    world, base = site
    driver = browser
    by = "css selector"

    driver.get(base + "/")  # type: ignore[attr-defined]
    assert driver.current_url == base + "/connexion"  # type: ignore[attr-defined]
    assert driver.title.startswith("Connexion")  # type: ignore[attr-defined]
    field = driver.find_element(by, "input#email")  # type: ignore[attr-defined]
    label = driver.find_element(by, "label[for=email]")  # type: ignore[attr-defined]
    assert label.text == "Adresse électronique"
    screenshot(driver, "connexion")
    before = set(world.outbox.glob("*.eml"))
    field.send_keys(CAMILLE)
    follow(driver, by, "form button[type=submit]")
    assert "Vérifiez votre messagerie" in text_of(driver)

    driver.get(base + mailed_link(world, before))  # type: ignore[attr-defined]
    assert "Ce lien ouvre votre session." in text_of(driver)
    follow(driver, by, "main form button")
    assert driver.current_url == base + "/"  # type: ignore[attr-defined]
    home = text_of(driver)
    assert "Bonjour Camille Roussel" in home
    follow(driver, "link text", "Voir tout le guichet")
    home = text_of(driver)
    assert "Cette semaine" in home
    assert "mardi 9 mars 2027 à 10 h 00" in home
    assert "Ville de Saint-Aubin-sur-Lisière" in home
    assert "Invitations sans réponse (rencontres des 14 prochains jours)" in home
    assert BOUNCED in home
    screenshot(driver, "accueil")

    follow(driver, "link text", "Agenda")
    agenda = text_of(driver)
    assert "Agenda — mars 2027" in agenda
    assert "annoncée" in agenda
    assert driver.find_elements(by, "table.grid a.chip")  # type: ignore[attr-defined]
    screenshot(driver, "agenda")

    follow(
        driver,
        "xpath",
        "//table[not(contains(@class,'grid'))]"
        "//tr[td[contains(., 'Ville de Saint-Aubin-sur-Lisière')]]"
        "//a[starts-with(@href, '/rencontres/')]",
    )
    meeting = text_of(driver)
    title = "Rendez-vous annuel sur la programmation des achats — Ville de Saint-Aubin-sur-Lisière"
    assert title in meeting
    assert "mardi 9 mars 2027 à 10 h 00 – 12 h 00" in meeting
    assert "Dans les locaux de l'acheteur" in meeting
    assert "prévue le lundi 8 mars 2027 à 9 h 00, par le planificateur" in meeting
    assert "Nathalie Roux" in meeting
    assert "participera" in meeting
    assert "en échec" in meeting
    screenshot(driver, "rencontre")

    follow(driver, "link text", "Ville de Saint-Aubin-sur-Lisière")
    buyer = text_of(driver)
    assert driver.current_url.endswith("/acheteurs/ville-de-saint-aubin-sur-lisiere")  # type: ignore[attr-defined]
    assert "Nathalie Roux" in buyer
    assert "Conventions" in buyer
    assert "Rencontres à venir" in buyer
    assert "Lien du flux de calendrier jamais délivré" in buyer
    screenshot(driver, "acheteur")

    for path, name in [
        ("/acheteurs", "acheteurs"),
        ("/contacts", "contacts"),
        ("/organisations", "organisations"),
        ("/courriels?etat=failed", "courriels"),
    ]:
        driver.get(base + path)  # type: ignore[attr-defined]
        page = text_of(driver)
        where = driver.current_url  # type: ignore[attr-defined]
        assert "Page introuvable" not in page
        assert "Connecté en tant que Camille Roussel" in page, f"{where}: {page[:400]}"
        screenshot(driver, name)

    follow(driver, by, "form.signout button")
    assert "Vous êtes déconnecté." in text_of(driver)
    driver.get(base + "/acheteurs")  # type: ignore[attr-defined]
    assert driver.current_url.startswith(base + "/connexion")  # type: ignore[attr-defined]
