"""The « Bilan » page in Chromium (the workspace's harness: Debian's Chromium and chromedriver,
JavaScript off): a facilitator signs in, opens Bilan from the navigation and reads the year's
figures, with the charts drawn in their colours (the page's policy lets matplotlib's inline
styles in); the page is saved as docs/screenshots/bilan.png for the README."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scheduler.service.access import signin
from scheduler.service.publish.public import publish
from scheduler.web import create_app
from tests.factories import settings_in
from tests.web.browser import browser as browser  # the fixture
from tests.web.browser import follow, screenshot, text_of
from tests.web_server import serving
from tests.world import YEAR_NOW as NOW
from tests.world import World, year_world

CAMILLE = "camille@guichet.example"
HELD = "rgb(47, 111, 94)"  # charts.HELD, #2f6f5e


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[World, str]]:
    """The report's year of facts, the Ville's commitment public, served at 15 December 2027."""
    settings, engine = settings_in(tmp_path)
    world = year_world(settings, engine, tmp_path)
    publish(engine, "ville-de-lisiere", NOW, "Europe/Paris", "Nos chantiers insèrent.")
    with serving(create_app(settings, engine, clock=lambda: NOW)) as base:
        yield world, base
    engine.dispose()


def test_a_facilitator_opens_the_bilan_page_and_reads_the_year(
    browser: object,
    site: tuple[World, str],
) -> None:
    world, base = site
    driver = browser
    link = signin.mint_link(world.settings, world.engine, CAMILLE, NOW)
    driver.get(base + link.url.removeprefix(world.settings.feeds.base_url))  # type: ignore[attr-defined]
    follow(driver, "css selector", "main form button")
    assert "Bonjour Camille Roussel" in text_of(driver)

    follow(driver, "link text", "Bilan")
    assert driver.current_url == base + "/bilan"  # type: ignore[attr-defined]
    page = text_of(driver)
    assert "Bilan de l'année 2027" in page
    assert "2 rencontres tenues" in page
    assert "66,7 % taux de présence des invités" in page
    assert "Ville de Lisière" in page
    assert "Métropole de Lisière" not in page
    assert len(driver.find_elements("css selector", ".bilan figure.chart svg")) == 4  # type: ignore[attr-defined]
    fill = driver.execute_script(  # type: ignore[attr-defined]
        "const bar = document.querySelector('figure.chart svg path[style*=\"#2f6f5e\"]');"
        "return bar && getComputedStyle(bar).fill;"
    )
    assert fill == HELD
    downloads = driver.find_elements("css selector", "nav.downloads a.download")  # type: ignore[attr-defined]
    assert [d.get_attribute("href").removeprefix(base) for d in downloads] == [
        "/bilan/bilan-2027.html",
        "/bilan/bilan-2027.pdf",
        "/bilan/bilan-2027.xlsx",
    ]
    screenshot(driver, "bilan")
