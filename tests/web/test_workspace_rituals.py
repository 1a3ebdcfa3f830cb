"""« Rituels »: a ritual's form, the preview of what the planner would do, then its
confirmation; refusals beside the field; nothing changes without the CSRF token."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from scheduler.store.db import read_session
from scheduler.store.models import JournalEntry, Occurrence
from scheduler.web import create_app
from tests.web.test_workspace_actions import browser_for, shown
from tests.web_server import serving
from tests.world import DEMO_NOW as NOW
from tests.world import NADIA, World, demo_world

PARIS = ZoneInfo("Europe/Paris")
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    made = demo_world(tmp_path)
    yield made
    made.engine.dispose()


@pytest.fixture
def base(world: World) -> Iterator[str]:
    with serving(create_app(world.settings, world.engine, clock=lambda: NOW)) as url:
        yield url


def club_months(world: World) -> set[int]:
    with read_session(world.engine) as session:
        return {
            o.start.astimezone(PARIS).month
            for o in session.execute(
                select(Occurrence).where(col(Occurrence.kind) == "buyer_club")
            ).scalars()
            if o.status != "cancelled" and o.start > NOW
        }


def form_fields(page: httpx.Response) -> list[tuple[str, str]]:
    """The form's fields as a browser would send them (checked boxes, selected options)."""
    text = page.text
    fields = [(m[0], m[1]) for m in HIDDEN.findall(text)]
    for name, value in re.findall(
        r'<input type="(?:checkbox|radio)" name="([^"]+)" value="([^"]*)" checked>', text
    ):
        fields.append((name, value))
    for name, value in re.findall(
        r'<input type="(?:text|number|url|email)" (?:min="\d+" max="\d+" )?id="[^"]+" '
        r'name="([^"]+)" value="([^"]*)"',
        text,
    ):
        fields.append((name, value))
    for name, body in re.findall(
        r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', text, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        fields.append((name, chosen[1] if chosen else ""))
    for name, body in re.findall(
        r'<textarea id="[^"]+" name="([^"]+)"[^>]*>(.*?)</textarea>', text, re.S
    ):
        fields.append((name, body))
    return [(name, html.unescape(value)) for name, value in fields]


def as_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def test_moving_the_buyers_club_to_april_is_previewed_then_applied(world: World, base: str) -> None:
    browser = browser_for(world, base)
    assert "Rituels" in shown(browser.get("/"))
    catalogue = browser.get("/rituels")
    assert catalogue.status_code == 200
    assert "Club des acheteurs" in shown(catalogue)
    page = browser.get("/rituels/buyer_club")
    fields = [(n, v) for n, v in form_fields(page) if not (n == "mois" and v == "3")]
    fields.append(("mois", "4"))
    before = club_months(world)
    assert 3 in before

    preview = browser.post("/rituels/buyer_club", data=as_data(fields))
    assert preview.status_code == 200, shown(preview)[:500]
    text = shown(preview)
    assert "Rencontres déplacées" in text
    assert "mars" in text
    assert "avril" in text
    assert club_months(world) == before  # nothing written yet

    confirm = form_fields(preview)
    done = browser.post("/rituels/buyer_club/appliquer", data=as_data(confirm))
    assert done.status_code == 303, shown(done)[:600]
    assert club_months(world) == (before - {3}) | {4}
    assert "Modification enregistrée" in shown(browser.get(done.headers["location"]))
    with read_session(world.engine) as session:
        entry = session.execute(select(JournalEntry)).scalars().all()[-1]
    assert entry.action == "ritual_settings"


def test_times_outside_the_opening_hours_are_refused_beside_the_field(
    world: World, base: str
) -> None:
    browser = browser_for(world, base, NADIA)
    page = browser.get("/rituels/buyer_club")
    fields = [(n, v) for n, v in form_fields(page) if n != "heures"] + [("heures", "20:00")]
    refused = browser.post("/rituels/buyer_club", data=as_data(fields))
    assert refused.status_code == 400
    assert 'id="erreur-heures"' in refused.text
    assert "sortent des heures d'ouverture" in shown(refused)
    no_token = [(n, v) for n, v in fields if n != "csrf"]
    assert browser.post("/rituels/buyer_club/appliquer", data=as_data(no_token)).status_code == 403
