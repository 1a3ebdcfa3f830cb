"""« Autre rencontre »: a one-off meeting of no ritual, over real HTTP in the demo at a fixed
instant. It is called by the title typed for it — in the agenda, its page, its invitation's
subject and its event's SUMMARY — is invited and published like any meeting, and the planner
never touches it; without a title it is refused beside the field and nothing is written. It is
not a ritual: the « Rituels » page does not list it, a contact cannot follow it, and
config.toml cannot describe it."""

from __future__ import annotations

import email
import email.header
import html
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scheduler.cli import main
from scheduler.config import load_settings
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.errors import ConfigError
from scheduler.imports.rows import parse_contacts
from scheduler.service.access import signin
from scheduler.web import create_app
from tests.conftest import IcsCheck
from tests.web_server import serving
from tests.world import CAMILLE, World, demo_world
from tests.world import DEMO_NOW as NOW
from tests.world import DEMO_NOW_TEXT as NOW_TEXT

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
TITLE = "Visite du chantier d'insertion de la Régie des Coteaux"
INVITEE = "nathalie.roux@saint-aubin-lisiere.example"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[World, httpx.Client]]:
    world = demo_world(tmp_path)
    with (
        serving(create_app(world.settings, world.engine, clock=lambda: NOW)) as base,
        httpx.Client(base_url=base, follow_redirects=False, timeout=20) as browser,
    ):
        issued = signin.mint_link(world.settings, world.engine, CAMILLE, NOW)
        path = issued.url.removeprefix(world.settings.feeds.base_url)
        page = browser.get(path)
        assert browser.post(path, data={"csrf": CSRF.findall(page.text)[0]}).status_code == 303
        yield world, browser
    world.engine.dispose()


def text(response: httpx.Response) -> str:
    shown = re.sub(r"<[^>]+>", " ", response.text)
    return " ".join(html.unescape(shown).replace("\u00a0", " ").split())


def post_new(browser: httpx.Client, **fields: str) -> httpx.Response:
    page = browser.get("/rencontres/nouvelle")
    assert page.status_code == 200, page.text[:300]
    data = {
        "csrf": CSRF.findall(page.text)[-1],
        "type": "other",
        "date": "2027-03-24",
        "heure": "14:00",
        "duree": "90",
        "lieu": "Régie des Coteaux, 4 rue des Vignes",
        "invites": INVITEE,
        **fields,
    }
    return browser.post("/rencontres/nouvelle", data=data)


def calendar_part(path: Path) -> tuple[email.message.Message, bytes]:
    message = email.message_from_bytes(path.read_bytes())
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return message, payload
    return message, b""


def unfolded(payload: bytes) -> str:
    return payload.decode("utf-8").replace("\r\n ", "").replace("\r\n", "\n")


def test_another_meeting_is_called_by_its_title_invited_published_and_left_alone_by_the_planner(
    site: tuple[World, httpx.Client], ics_check: IcsCheck, tmp_path: Path
) -> None:
    world, browser = site
    form = browser.get("/rencontres/nouvelle")
    assert '<option value="other">Autre rencontre</option>' in form.text
    assert "Obligatoire pour une autre rencontre : c'est son titre." in text(form)

    made = post_new(browser, theme=TITLE)
    assert made.status_code == 303, text(made)[:400]
    uid = made.headers["location"].split("/rencontres/")[1].split("?")[0]
    page = text(browser.get(made.headers["location"]))
    assert TITLE in page
    assert "mercredi 24 mars 2027 à 14 h 00 – 15 h 30" in page
    assert "Autre rencontre — " not in page  # the title is the typed one, not the kind's

    agenda = text(browser.get("/agenda?mois=2027-03&type=other"))
    listed = agenda.split("Liste du mois", 1)[1]  # the list, after the filters and the grid
    assert listed.startswith(" (1 rencontre)")
    assert f"mercredi 24 mars 2027 14 h 00 {TITLE} Territoire" in listed

    config = str(world.folder / "config.toml")
    before = set(world.outbox.glob("*.eml"))
    assert main(["outbox", "send", "--config", config, "--now", NOW_TEXT]) == 0
    sent = [calendar_part(p) for p in set(world.outbox.glob("*.eml")) - before]
    mine = [(m, payload) for m, payload in sent if uid.encode() in payload]
    assert len(mine) == 1, "one invitation, to the one invitee"
    message, payload = mine[0]
    assert INVITEE in message["To"]
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert TITLE in subject
    assert f"SUMMARY:{TITLE}\n" in unfolded(payload)
    invitation = tmp_path / "invitation.ics"
    invitation.write_bytes(payload)

    feeds = [
        p
        for p in (world.folder / world.settings.feeds.dir).rglob("*.ics")
        if uid in p.read_text("utf-8")
    ]
    assert feeds, "the meeting is in its facilitator's and the territory's feeds"
    assert all(f"SUMMARY:{TITLE}\n" in unfolded(p.read_bytes()) for p in feeds)
    ics_check(invitation, *feeds)

    assert main(["run", "--once", "--no-web", "--config", config, "--now", NOW_TEXT]) == 0
    after = text(browser.get(f"/rencontres/{uid}"))
    assert TITLE in after
    assert OccurrenceStatus.CANCELLED.label("fr") not in after.split("Journal")[0]


def test_another_meeting_without_a_title_is_refused_beside_the_field_and_nothing_is_written(
    site: tuple[World, httpx.Client],
) -> None:
    _, browser = site
    agenda = browser.get("/agenda?mois=2027-03").text
    refused = post_new(browser, theme="   ")
    assert refused.status_code == 400
    assert 'id="erreur-theme"' in refused.text
    assert "Donnez un titre à cette rencontre." in text(refused)
    assert browser.get("/agenda?mois=2027-03").text == agenda


def test_another_meeting_is_no_ritual_to_edit_or_to_follow(
    site: tuple[World, httpx.Client], tmp_path: Path
) -> None:
    world, browser = site
    rituals = browser.get("/rituels")
    assert rituals.status_code == 200
    assert "Club des acheteurs" in text(rituals)
    assert "Autre rencontre" not in text(rituals)
    assert browser.get("/rituels/other").status_code == 404
    contact = browser.get("/contacts/nouveau")
    if contact.status_code == 200:
        assert 'value="other"' not in contact.text

    read = parse_contacts(
        b"nom;email;organisation;fonction;langue;rituels\n"
        b"Jeanne Petit;jeanne.petit@example.org;;Acheteuse;fr;other\n"
    )
    assert not read.rows
    assert [(p.line, p.column) for p in read.problems] == [(2, "rituels")]
    assert RitualKind.OTHER not in {rule.kind for rule in world.settings.ritual_rules()}


def test_config_toml_cannot_describe_another_meeting(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[organisation]\nname = "Guichet"\n'
        '[[facilitators]]\nid = "camille"\nname = "Camille"\nemail = "camille@guichet.example"\n'
        '[rituals.other]\ntimes = ["10:00"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as refused:
        load_settings(config)
    assert "[rituals.other]" in str(refused.value)
    assert "added by hand" in str(refused.value)
