"""The public pages in a real browser (headless Chromium): what a visitor sees, the links they
follow, and the embeddable variant shown in another site's frame while the plain page is not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from scheduler.service.publish.public import publish
from scheduler.web import create_app
from tests.factories import settings_in
from tests.web.browser import chromium
from tests.web_server import serving
from tests.year_world import PEOPLE, build_year

MARCH = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
EMBED = """
[web]
embed_origins = ["http://127.0.0.1:*"]
"""


async def host_page(_request: Request) -> HTMLResponse:
    """Another site's page framing both variants of /engagements."""
    return HTMLResponse(
        "<!doctype html><html><body><h1>Site d'un acheteur</h1>"
        '<iframe id="embedded" src="/engagements?integration=1" width="600" height="300"></iframe>'
        '<iframe id="plain" src="/engagements" width="600" height="300"></iframe>'
        "</body></html>"
    )


@pytest.fixture(scope="module")
def visit(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    folder = tmp_path_factory.mktemp("public")
    settings, engine = settings_in(folder, EMBED)
    build_year(settings, engine, folder)
    publish(engine, "ville-de-lisiere", MARCH, "Europe/Paris", "Nos chantiers insèrent.")
    app = create_app(
        settings, engine, clock=lambda: MARCH, extra_routes=[Route("/site-acheteur", host_page)]
    )
    try:
        with serving(app) as base, chromium() as driver:
            yield driver, base
    finally:
        engine.dispose()


def visible_text(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def test_a_visitor_reads_the_agenda_and_can_subscribe(visit, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver, base = visit
    driver.get(f"{base}/territoire")
    assert driver.title == "Agenda du territoire — Guichet de test"
    text = visible_text(driver)
    assert "jeudi 11 mars 2027, de 9 h 30 à 11 h 30" in text
    assert "Club des acheteurs socialement responsables" in text
    assert "Annulée" in text
    subscribe = driver.find_element(By.LINK_TEXT, "S'abonner")
    assert subscribe.get_attribute("href") == "webcal://127.0.0.1:8080/territoire.ics"
    https = driver.find_element(By.PARTIAL_LINK_TEXT, "adresse https")
    assert https.get_attribute("href") == "http://127.0.0.1:8080/territoire.ics"
    add = driver.find_elements(By.LINK_TEXT, "Ajouter à mon agenda")
    assert len(add) == 2
    assert all(a.is_displayed() for a in add)
    assert add[0].get_attribute("href").startswith(f"{base}/territoire/evenements/")
    assert not EMAIL.search(text.replace("territoire.ics", ""))
    assert not any(name in text for name, _ in PEOPLE.values())
    assert driver.get_screenshot_as_png().startswith(b"\x89PNG")


def test_a_visitor_sees_only_the_buyers_that_made_their_commitment_public(visit) -> None:
    driver, base = visit
    driver.get(f"{base}/engagements")
    text = visible_text(driver)
    assert "Les acheteurs engagés pour l'insertion" in text
    assert "Ville de Lisière" in text
    assert "Partenaire depuis janvier 2024" in text
    assert "Nos chantiers insèrent." in text
    assert "Métropole de Lisière" not in text
    assert "Hôpital discret" not in text
    assert not EMAIL.search(text)


def test_another_site_frames_the_embeddable_variant_but_not_the_page(visit) -> None:
    from selenium.webdriver.common.by import By

    driver, base = visit
    driver.get(f"{base}/site-acheteur")
    driver.switch_to.frame(driver.find_element(By.ID, "embedded"))
    embedded = visible_text(driver)
    driver.switch_to.default_content()
    driver.switch_to.frame(driver.find_element(By.ID, "plain"))
    plain = driver.execute_script("return document.body ? document.body.innerText : ''")
    driver.switch_to.default_content()
    assert "Ville de Lisière" in embedded
    assert "Agenda du territoire" not in embedded  # no site navigation in the embed
    assert "Ville de Lisière" not in plain
