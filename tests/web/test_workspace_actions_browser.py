"""The workspace's actions in a real browser (Debian's Chromium, JavaScript off, as in
test_workspace_browser): move a meeting onto a public holiday (warned, then confirmed), cancel
it then restore it at a new date, record attendance with two walk-ins. Each step is saved under
docs/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from scheduler.core.kinds import OccurrenceStatus
from scheduler.service import signin
from scheduler.web import create_app
from tests.web.test_workspace_actions import invited_meeting, reread
from tests.web.test_workspace_browser import browser, follow, screenshot, text_of
from tests.web.workspace_world import CAMILLE, NOW, DemoWorld, demo_world
from tests.web_server import serving

__all__ = ["browser"]  # the fixture, shared with the walk through the pages

BY = "css selector"


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Site:
    world: DemoWorld
    base: str
    clock: Clock


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    (tmp_path / "demo").mkdir()
    world = demo_world(tmp_path / "demo")
    clock = Clock()
    with serving(create_app(world.settings, world.engine, clock=clock)) as base:
        yield Site(world, base, clock)
    world.engine.dispose()


def sign_in(driver: object, site: Site) -> None:
    issued = signin.mint_link(site.world.settings, site.world.engine, CAMILLE, site.clock())
    driver.get(issued.url.replace(site.world.settings.feeds.base_url, site.base))  # type: ignore[attr-defined]
    follow(driver, BY, "main form button")


def set_value(driver: object, selector: str, value: str) -> None:
    """Fill a date, time or text field (date pickers differ by locale; the value does not)."""
    element = driver.find_element(BY, selector)  # type: ignore[attr-defined]
    driver.execute_script("arguments[0].value = arguments[1];", element, value)  # type: ignore[attr-defined]


def test_move_onto_a_holiday_is_warned_then_confirmed_then_cancel_and_restore(
    browser: object, site: Site
) -> None:
    driver = browser
    meeting = invited_meeting(site.world)
    sign_in(driver, site)
    driver.get(f"{site.base}/rencontres/{meeting.uid}")  # type: ignore[attr-defined]
    follow(driver, "link text", "Déplacer, modifier ou annuler")
    set_value(driver, "form[action$=deplacer] input[name=date]", "2027-07-14")
    set_value(driver, "form[action$=deplacer] input[name=heure]", "10:00")
    follow(driver, BY, "form[action$=deplacer] button")
    warned = text_of(driver)
    assert "À cette date, la rencontre tomberait sur :" in warned
    assert "un jour férié" in warned
    screenshot(driver, "deplacer-jour-ferie")
    assert reread(site.world, meeting.uid).sequence == meeting.sequence

    follow(driver, "xpath", "//button[normalize-space()='Déplacer quand même']")
    moved = text_of(driver)
    assert "La rencontre est déplacée" in moved
    assert "mercredi 14 juillet 2027 à 10 h 00" in moved
    assert "déplacée malgré les règles du calendrier" in moved
    screenshot(driver, "rencontre-deplacee")

    follow(driver, "link text", "Déplacer, modifier ou annuler")
    set_value(driver, "input[name=motif]", "Salle indisponible")
    follow(driver, BY, "form[action$=annuler] button")
    assert "La rencontre est annulée" in text_of(driver)
    assert reread(site.world, meeting.uid).status == OccurrenceStatus.CANCELLED

    follow(driver, "link text", "Rétablir à une nouvelle date")
    set_value(driver, "form[action$=retablir] input[name=date]", "2027-07-15")
    set_value(driver, "form[action$=retablir] input[name=heure]", "14:00")
    screenshot(driver, "retablir")
    follow(driver, BY, "form[action$=retablir] button")
    restored = text_of(driver)
    assert "La rencontre est rétablie" in restored
    assert "jeudi 15 juillet 2027 à 14 h 00" in restored
    assert "Salle indisponible" in restored  # in the journal
    back = reread(site.world, meeting.uid)
    assert back.status == OccurrenceStatus.MOVED
    assert back.sequence == meeting.sequence + 3


def test_attendance_with_two_walk_ins(browser: object, site: Site) -> None:
    driver = browser
    meeting = invited_meeting(site.world)
    site.clock.now = meeting.end + timedelta(hours=1)
    sign_in(driver, site)
    driver.get(f"{site.base}/rencontres/{meeting.uid}")  # type: ignore[attr-defined]
    follow(driver, "link text", "Noter les présences")
    boxes = driver.find_elements(BY, "input[name=present]")  # type: ignore[attr-defined]
    assert boxes
    boxes[0].click()
    driver.find_element(BY, "#nom_0").send_keys("Jeanne Petit")  # type: ignore[attr-defined]
    driver.find_element(BY, "#organisation_0").send_keys("Mairie de Lisière")  # type: ignore[attr-defined]
    driver.find_element(BY, "#nom_1").send_keys("Karim Saïdi")  # type: ignore[attr-defined]
    driver.find_element(BY, "#courriel_1").send_keys("karim.saidi@example.org")  # type: ignore[attr-defined]
    screenshot(driver, "presences")
    follow(driver, "xpath", "//button[normalize-space()='Enregistrer les présences']")
    page = text_of(driver)
    assert "Les présences sont enregistrées : la rencontre est tenue." in page
    assert "Venues sans invitation (2)" in page
    assert "Jeanne Petit (Mairie de Lisière)" in page
    assert "Karim Saïdi — karim.saidi@example.org" in page
    assert "tenue" in page
    screenshot(driver, "rencontre-tenue")
    assert reread(site.world, meeting.uid).status == OccurrenceStatus.HELD
