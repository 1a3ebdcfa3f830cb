"""« Équipe »: the facilitators listed, a newcomer welcomed and a capacity changed through a
preview of the plan then a confirmation; a departure that would leave buyers and announced
meetings without anyone refused with its reason; the journal; the page in English."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from scheduler.service.access import signin
from scheduler.store import settings as stored_settings
from scheduler.store.db import read_session
from scheduler.store.models import JournalEntry, Occurrence
from scheduler.web import create_app
from tests.factories import add_buyer
from tests.web.test_workspace_actions import browser_for, shown
from tests.web.test_workspace_rituals import as_data, form_fields
from tests.web_server import serving
from tests.world import DEMO_NOW as NOW
from tests.world import World, demo_world

PARIS = ZoneInfo("Europe/Paris")
LEA = "lea.martin@guichet-lisiere.example"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = demo_world(tmp_path)
    yield made
    made.engine.dispose()


@pytest.fixture
def base(world: World) -> Iterator[str]:
    with serving(create_app(world.settings, world.engine, clock=lambda: NOW)) as url:
        yield url


def first_form(page: httpx.Response) -> list[tuple[str, str]]:
    """The fields of the page's first form (the person's details, not the departure)."""
    start = page.text.index('<form method="post" action="/equipe/')
    cut = page.text[start : page.text.index("</form>", start)]
    return form_fields(httpx.Response(200, text=cut))


def replaced(fields: list[tuple[str, str]], **values: str) -> dict[str, list[str]]:
    kept = [(n, v) for n, v in fields if n not in values]
    return as_data(kept + list(values.items()))


def days_of(world: World, facilitator: str) -> Counter[object]:
    with read_session(world.engine) as session:
        rows = session.execute(
            select(Occurrence).where(col(Occurrence.facilitator_id) == facilitator)
        ).scalars()
        return Counter(
            o.start.astimezone(PARIS).date()
            for o in rows
            if o.status != "cancelled" and o.start > NOW
        )


def test_a_newcomer_is_previewed_then_welcomed_and_may_sign_in(world: World, base: str) -> None:
    browser = browser_for(world, base)
    home = browser.get("/")
    assert '<a href="/equipe">Équipe</a>' in home.text
    team = shown(browser.get("/equipe"))
    assert "Camille Roussel" in team
    assert "Nadia Benali" in team
    assert "Rencontres par jour, au plus" in team

    blank = browser.get("/equipe/nouvelle")
    assert blank.status_code == 200
    assert "Nouvelle personne" in shown(blank)
    data = replaced(
        first_form(blank),
        nom="Léa Martin",
        courriel=LEA,
        par_jour="1",
        par_semaine="4",
        langue="en",
    )
    preview = browser.post("/equipe/nouvelle", data=data)
    assert preview.status_code == 200, shown(preview)[:600]
    assert "Ce que cela change" in shown(preview)
    with read_session(world.engine) as session:
        assert "facilitators" not in stored_settings.values(session)  # a preview writes nothing

    done = browser.post("/equipe/nouvelle/appliquer", data=as_data(form_fields(preview)))
    assert done.status_code == 303, shown(done)[:600]
    listed = shown(browser.get(done.headers["location"]))
    assert "Modification de l'équipe enregistrée" in listed
    assert "Léa Martin" in listed
    assert "Léa Martin (lea.martin@guichet-lisiere.example) : 1 par jour, 4 par semaine" in listed
    with read_session(world.engine) as session:
        entry = session.execute(select(JournalEntry)).scalars().all()[-1]
    assert (entry.action, entry.actor) == (
        "team_settings",
        "camille.roussel@guichet-lisiere.example",
    )
    assert "facilitators.lea-martin" in entry.after

    issued = signin.mint_link(world.settings, world.engine, LEA, NOW)
    assert issued.person.facilitator_id == "lea-martin"


def test_a_newcomer_with_one_meeting_a_day_gets_one_a_day(world: World, base: str) -> None:
    for number in range(8):  # buyers already given to her, fixing their plan in June
        add_buyer(world.engine, f"commune-{number}", facilitator="lea-martin", programming_month=6)
    browser = browser_for(world, base)
    blank = browser.get("/equipe/nouvelle")
    data = replaced(
        first_form(blank), nom="Léa Martin", courriel=LEA, par_jour="1", par_semaine="4"
    )
    preview = browser.post("/equipe/nouvelle", data=data)
    assert preview.status_code == 200, shown(preview)[:600]
    text = shown(preview)
    assert "Rencontres ajoutées (16)" in text  # their reviews of 2027 and 2028
    assert text.count("— Léa Martin :") == 16
    assert "— Commune 3 — Léa Martin :" in text  # buyers by their names, never their slugs
    assert "commune-3" not in text
    assert days_of(world, "lea-martin") == Counter()  # nothing written yet

    done = browser.post("/equipe/nouvelle/appliquer", data=as_data(form_fields(preview)))
    assert done.status_code == 303, shown(done)[:600]
    days = days_of(world, "lea-martin")
    assert sum(days.values()) == 16
    assert set(days.values()) == {1}
    weeks = Counter(day.isocalendar()[:2] for day in days)  # type: ignore[attr-defined]
    assert max(weeks.values()) <= 4


def test_a_departure_that_would_leave_buyers_alone_is_refused_with_its_reason(
    world: World, base: str
) -> None:
    browser = browser_for(world, base)
    page = browser.get("/equipe/nadia")
    csrf = dict(first_form(page))["csrf"]
    refused = browser.post("/equipe/nadia", data={"csrf": csrf, "retirer": "oui"})
    assert refused.status_code == 400
    text = shown(refused)
    assert "Nadia Benali ne peut pas quitter l'équipe tant que des acheteurs lui sont" in text
    assert 'id="erreur-retirer"' in refused.text
    forced = browser.post("/equipe/nadia/appliquer", data={"csrf": csrf, "retirer": "oui"})
    assert forced.status_code == 400
    with read_session(world.engine) as session:
        assert stored_settings.values(session) == {}
    assert browser.post("/equipe/nadia", data={"retirer": "oui"}).status_code == 403


def test_an_address_already_on_the_team_is_refused_beside_the_field(
    world: World, base: str
) -> None:
    browser = browser_for(world, base)
    blank = browser.get("/equipe/nouvelle")
    data = replaced(
        first_form(blank), nom="Autre Camille", courriel="camille.roussel@guichet-lisiere.example"
    )
    refused = browser.post("/equipe/nouvelle", data=data)
    assert refused.status_code == 400
    assert "déjà celle d'une autre personne de l'équipe" in shown(refused)
    missing = browser.post("/equipe/nouvelle", data=replaced(first_form(blank), nom=""))
    assert missing.status_code == 400
    assert "Indiquez le nom." in shown(missing)
    assert browser.get("/equipe/personne").status_code == 404


def test_the_team_pages_read_in_english_for_an_english_reader(tmp_path: Path) -> None:
    world = demo_world(tmp_path, english=True)
    try:
        with serving(create_app(world.settings, world.engine, clock=lambda: NOW)) as url:
            browser = browser_for(world, url, "nadia.benali@guichet-lisiere.example")
            team = shown(browser.get("/equipe"))
            assert "Team" in team
            assert "Meetings a day, at most" in team
            assert "Welcome a new person to the team" in team
            form = shown(browser.get("/equipe/camille"))
            assert "Remove from the team" in form
            assert "Équipe" not in form.replace("Équipe du guichet", "")
            rituals = shown(browser.get("/rituels"))
            assert "Latest changes" in rituals or "Rhythm" in rituals or "every" in rituals
    finally:
        world.engine.dispose()
