"""The rituals and the team edited in a real browser (Debian's Chromium, JavaScript off, the
fixtures of tests/web/browser.py): the buyers' club moved from March to April (the preview
lists the meetings moved, then the feed has them in April), a theme added to the after-works,
a colleague welcomed with one meeting a day and the plan keeping to it, a departure refused
with its reason, a disabling that needs its box ticked, and the pages in English for an
English reader. Each step is saved under docs/screenshots/."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from icalendar import Calendar
from sqlalchemy import select
from sqlmodel import col

from scheduler.service.access import signin
from scheduler.store import settings as stored_settings
from scheduler.store.db import read_session
from scheduler.store.models import Occurrence
from scheduler.web import create_app
from tests.conftest import IcsCheck
from tests.factories import add_buyer
from tests.web.browser import BY, Site, follow, screenshot, sign_in, text_of
from tests.web.browser import browser as browser  # the fixtures
from tests.web.browser import site as site
from tests.web_server import serving
from tests.world import DEMO_NOW as NOW
from tests.world import NADIA, World, demo_world

PARIS = ZoneInfo("Europe/Paris")
LEA = "lea.martin@guichet-lisiere.example"


def type_into(driver: object, selector: str, text: str) -> None:
    """Replace a field's text as a person would type it."""
    element = driver.find_element(BY, selector)  # type: ignore[attr-defined]
    element.clear()
    element.send_keys(text)


def tick(driver: object, selector: str, on: bool) -> None:
    box = driver.find_element(BY, selector)  # type: ignore[attr-defined]
    if box.is_selected() != on:
        box.click()


def club_dates(feed: bytes, *, cancelled: bool = False) -> list[date]:
    """The days of the buyers' clubs to come in a feed (those cancelled, when asked)."""
    days = []
    for event in Calendar.from_ical(feed).walk("VEVENT"):
        start = event.decoded("DTSTART")
        gone = str(event.get("STATUS")) == "CANCELLED"
        if "Club des acheteurs" in str(event.get("SUMMARY")) and start > NOW and gone == cancelled:
            days.append(start.astimezone(PARIS).date())
    return sorted(days)


def days_of(world: World, facilitator: str) -> Counter[date]:
    with read_session(world.engine) as session:
        rows = session.execute(
            select(Occurrence).where(col(Occurrence.facilitator_id) == facilitator)
        ).scalars()
        return Counter(
            o.start.astimezone(PARIS).date()
            for o in rows
            if o.status != "cancelled" and o.start > NOW
        )


def test_the_buyers_club_moves_from_march_to_april_and_the_feed_follows(
    browser: object, site: Site, ics_check: IcsCheck, tmp_path: Path
) -> None:
    driver = browser
    before = club_dates(httpx.get(f"{site.base}/territoire.ics").content)
    assert 3 in {day.month for day in before}
    sign_in(driver, site)
    follow(driver, "link text", "Rituels")
    follow(driver, "partial link text", "Club des acheteurs")
    tick(driver, "input[name=mois][value='3']", False)
    tick(driver, "input[name=mois][value='4']", True)
    follow(driver, BY, "form.settings button")
    text = text_of(driver)
    assert "Ce que cela change" in text
    assert "Rencontres déplacées" in text
    moves = driver.find_elements(BY, "ul.moves li")  # type: ignore[attr-defined]
    assert moves
    for line in moves:
        assert "mars" in line.text
        assert "avril" in line.text.split("→")[1]
    screenshot(driver, "rituel-apercu-club-avril")

    follow(driver, BY, "main form button")
    assert "Modification enregistrée et appliquée au calendrier" in text_of(driver)
    feed = httpx.get(f"{site.base}/territoire.ics").content
    after = club_dates(feed)
    assert 3 not in {day.month for day in after}
    assert 4 in {day.month for day in after}
    assert len(after) == len(before)
    assert {day.month for day in club_dates(feed, cancelled=True)} == {3}  # shown as cancelled
    saved = tmp_path / "territoire.ics"
    saved.write_bytes(feed)
    ics_check(saved)


def test_a_theme_is_added_to_the_after_works(browser: object, site: Site) -> None:
    driver = browser
    sign_in(driver, site)
    driver.get(f"{site.base}/rituels/after_work")  # type: ignore[attr-defined]
    themes = driver.find_element(BY, "#themes")  # type: ignore[attr-defined]
    themes.send_keys("\nLes clauses environnementales")
    follow(driver, BY, "form.settings button")
    text = text_of(driver)
    assert "Rencontres modifiées" in text  # same dates, their themes taken in the new turn
    assert "Rencontres déplacées" not in text
    retouched = [li.text for li in driver.find_elements(BY, "ul.retouches li")]  # type: ignore[attr-defined]
    assert any(
        "thème : Le sourcing inclusif → Les clauses environnementales" in t for t in retouched
    )
    screenshot(driver, "rituel-apercu-theme")
    follow(driver, BY, "main form button")
    text = text_of(driver)
    assert "Les clauses environnementales" in text  # the catalogue lists the themes
    with read_session(site.world.engine) as session:
        stored = stored_settings.values(session)["rituals.after_work"]
        themes_now = session.execute(
            select(Occurrence.theme).where(
                col(Occurrence.kind) == "after_work", col(Occurrence.start) > NOW
            )
        ).scalars()
        planned = set(themes_now)
    assert stored["themes"][-1] == "Les clauses environnementales"
    assert "Les clauses environnementales" in planned  # the plan takes it in turn
    screenshot(driver, "rituels-theme-ajoute")


def test_a_colleague_with_one_meeting_a_day_gets_one_a_day(browser: object, site: Site) -> None:
    driver = browser
    for number in range(8):  # buyers already given to her, fixing their plan in June
        add_buyer(
            site.world.engine, f"commune-{number}", facilitator="lea-martin", programming_month=6
        )
    sign_in(driver, site)
    follow(driver, "link text", "Équipe")
    follow(driver, "partial link text", "Accueillir une nouvelle personne")
    type_into(driver, "#nom", "Léa Martin")
    type_into(driver, "#courriel", LEA)
    type_into(driver, "#par_jour", "1")
    type_into(driver, "#par_semaine", "4")
    screenshot(driver, "equipe-nouvelle-personne")
    follow(driver, BY, "form.settings button")
    text = text_of(driver)
    assert "Rencontres ajoutées (16)" in text
    assert text.count("— Léa Martin :") == 16
    screenshot(driver, "equipe-apercu")
    assert days_of(site.world, "lea-martin") == Counter()  # nothing written yet

    follow(driver, BY, "main form button")
    text = text_of(driver)
    assert "Modification de l'équipe enregistrée" in text
    assert "Léa Martin" in text
    screenshot(driver, "equipe")
    days = days_of(site.world, "lea-martin")
    assert sum(days.values()) == 16
    assert set(days.values()) == {1}

    # the agenda lists her among the facilitators, and her April shows one meeting a day
    driver.get(f"{site.base}/agenda?mois=2027-04&animateur=lea-martin")  # type: ignore[attr-defined]
    options = driver.find_elements(BY, "#animateur option")  # type: ignore[attr-defined]
    assert "Léa Martin" in [option.text for option in options]
    april = [day for day in days if (day.year, day.month) == (2027, 4)]
    assert april
    for day in april:
        assert str(day.day) in text_of(driver)


def test_dangerous_changes_are_refused_or_wait_for_their_box(browser: object, site: Site) -> None:
    driver = browser
    sign_in(driver, site)
    follow(driver, "link text", "Équipe")
    follow(driver, BY, "a[href='/equipe/nadia']")
    follow(driver, "xpath", "//button[contains(., 'Voir ce que son départ change')]")
    text = text_of(driver)
    assert "Nadia Benali ne peut pas quitter l'équipe tant que des acheteurs lui sont" in text
    assert "confiez-les d'abord à quelqu'un d'autre" in text
    screenshot(driver, "equipe-depart-refuse")

    driver.get(f"{site.base}/rituels/after_work")  # type: ignore[attr-defined]
    tick(driver, "input[name=actif]", False)
    follow(driver, BY, "form.settings button")
    assert "Des rencontres déjà annoncées seront annulées" in text_of(driver)
    follow(driver, BY, "main form button[type=submit]")
    assert "Cochez la case de confirmation" in text_of(driver)
    screenshot(driver, "rituel-confirmation-demandee")
    with read_session(site.world.engine) as session:
        assert stored_settings.values(session) == {}  # nothing was written


def test_the_settings_pages_read_in_english_for_an_english_reader(
    browser: object, tmp_path: Path
) -> None:
    driver = browser
    world = demo_world(tmp_path, english=True)
    try:
        with serving(create_app(world.settings, world.engine, clock=lambda: NOW)) as base:
            issued = signin.mint_link(world.settings, world.engine, NADIA, NOW)
            driver.get(issued.url.replace(world.settings.feeds.base_url, base))  # type: ignore[attr-defined]
            follow(driver, BY, "main form button")
            follow(driver, "link text", "Team")
            text = text_of(driver)
            assert "Meetings a day, at most" in text
            assert "Welcome a new person to the team" in text
            follow(driver, "partial link text", "Welcome a new person")
            assert "Short identifier (optional)" in text_of(driver)
            follow(driver, "link text", "Rituals")
            follow(driver, BY, "a[href='/rituels/buyer_club']")
            text = text_of(driver)
            assert "See what this changes" in text
            assert "Rythme" not in text
            screenshot(driver, "equipe-en")
    finally:
        world.engine.dispose()
