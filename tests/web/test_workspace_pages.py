"""What a facilitator reads on each workspace page, over real HTTP, in the demo at a fixed
instant: French words for statuses and kinds, dates the French way, answers, history, the
failed mail's reason; English for a facilitator whose locale is `en`; and a number of queries
per page that does not grow with the directory."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select
from sqlmodel import col

from scheduler.cli import main
from scheduler.service.access import signin
from scheduler.store.db import read_session
from scheduler.store.models import Occurrence, Organisation
from scheduler.web import create_app
from tests.factories import add_buyer
from tests.web.workspace_world import BOUNCED, CAMILLE, NADIA, NOW, NOW_TEXT, DemoWorld, demo_world
from tests.web_server import serving

CSRF = re.compile(r'name="csrf" value="([^"]*)"')


def signed_in_browser(world: DemoWorld, base: str, address: str) -> httpx.Client:
    """A browser signed in as `address`."""
    browser = httpx.Client(base_url=base, follow_redirects=False, timeout=20)
    issued = signin.mint_link(world.settings, world.engine, address, NOW)
    path = issued.url.removeprefix(world.settings.feeds.base_url)
    page = browser.get(path)
    found = CSRF.search(page.text)
    assert found
    assert browser.post(path, data={"csrf": found[1]}).status_code == 303
    return browser


def shown(response: httpx.Response) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded, spaces folded."""
    assert response.status_code == 200, response.text[:500]
    text = re.sub(r"<[^>]+>", " ", response.text)
    return " ".join(html.unescape(text).replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoWorld]:
    made = demo_world(tmp_path_factory.mktemp("workspace-pages"), english=True)
    yield made
    made.engine.dispose()


@pytest.fixture(scope="module")
def base(world: DemoWorld) -> Iterator[str]:
    with serving(create_app(world.settings, world.engine, clock=lambda: NOW)) as url:
        yield url


@pytest.fixture(scope="module")
def camille(world: DemoWorld, base: str) -> Iterator[httpx.Client]:
    browser = signed_in_browser(world, base, CAMILLE)
    yield browser
    browser.close()


def a_meeting(world: DemoWorld, kind: str) -> Occurrence:
    with read_session(world.engine) as session:
        found = (
            session.execute(
                select(Occurrence)
                .where(col(Occurrence.kind) == kind, col(Occurrence.start) > NOW)
                .order_by(col(Occurrence.start))
            )
            .scalars()
            .first()
        )
        assert isinstance(found, Occurrence)
        return found


def test_home_says_what_needs_the_facilitator(camille: httpx.Client) -> None:
    mine = shown(camille.get("/"))
    assert "Bonjour Camille Roussel" in mine
    assert "Vous voyez vos rencontres et vos acheteurs." in mine
    everyone = shown(camille.get("/?vue=guichet"))
    assert "Cette semaine" in everyone
    assert "Club des acheteurs socialement responsables" in everyone
    assert "jeudi 11 mars 2027 à 9 h 30" in everyone
    assert "annoncée" in everyone
    assert "Invitations sans réponse (rencontres des 14 prochains jours)" in everyone
    assert "Réponses reçues depuis votre dernière visite" in everyone
    assert "ne participera pas" in everyone
    assert "participera peut-être" in everyone
    assert "Courriels en échec" in everyone
    assert BOUNCED in everyone
    assert "Acheteurs sans rendez-vous annuel tenu depuis 12 mois" in everyone
    for word in ("announced", "NEEDS-ACTION", "DECLINED", "buyer_club", "programming_review"):
        assert word not in everyone


def test_the_agenda_lists_a_month_in_french_with_a_grid(camille: httpx.Client) -> None:
    page = camille.get("/agenda?mois=2027-03")
    text = shown(page)
    assert "Agenda — mars 2027" in text
    assert "Calendrier du mois" in text
    assert "Liste du mois" in text
    assert "After-work achat socialement responsable" in text
    assert "jeudi 18 mars 2027" in text
    assert "18 h 00" in text
    assert "annoncée" in text
    assert page.text.count('class="grid"') == 1
    assert "lun." in text
    assert "dim." in text


def test_the_agenda_filters_by_kind_status_facilitator_and_buyer(camille: httpx.Client) -> None:
    everything = shown(camille.get("/agenda?mois=2027-03"))
    clubs = shown(camille.get("/agenda?mois=2027-03&type=buyer_club"))
    assert "Club des acheteurs socialement responsables" in clubs
    assert "jeudi 18 mars 2027" not in clubs
    assert "jeudi 18 mars 2027" in everything
    held = shown(camille.get("/agenda?mois=2027-03&statut=held"))
    assert "Aucune rencontre." in held
    nadia = shown(camille.get("/agenda?mois=2027-03&animateur=nadia"))
    assert "Nadia Benali" in nadia
    unknown = shown(camille.get("/agenda?mois=2027-03&acheteur=nulle-part"))
    assert "Aucun acheteur n'a cet identifiant." in unknown


def test_a_meeting_page_shows_its_life_invitees_and_mails(
    world: DemoWorld, camille: httpx.Client
) -> None:
    club = a_meeting(world, "buyer_club")
    text = shown(camille.get(f"/rencontres/{club.uid}"))
    assert "Club des acheteurs socialement responsables" in text
    assert "jeudi 11 mars 2027 à 9 h 30 – 11 h 30" in text
    assert "Maison de l'emploi de Lisière, 12 rue des Tisserands" in text
    assert "Historique" in text
    assert "prévue le lundi 8 mars 2027 à 9 h 00, par le planificateur" in text
    assert "annoncée le lundi 8 mars 2027 à 9 h 00, par l'envoi des invitations" in text
    assert "Hélène Marchetti" in text
    assert "ne participera pas" in text
    assert "sans réponse" in text
    assert "Courriels envoyés pour cette rencontre" in text
    assert "invitation" in text
    assert "envoyé" in text
    assert "Flux public du territoire" in text


def test_a_moved_meeting_shows_each_step_of_its_history(
    world: DemoWorld, camille: httpx.Client
) -> None:
    after_work = a_meeting(world, "after_work")
    config = str(world.folder / "config.toml")
    assert (
        main(
            [
                "occurrence",
                "move",
                after_work.uid,
                "--to",
                "2027-03-25T18:00",
                "--config",
                config,
                "--now",
                NOW_TEXT,
            ]
        )
        == 0
    )
    text = shown(camille.get(f"/rencontres/{after_work.uid}"))
    assert "déplacée le lundi 8 mars 2027 à 9 h 00, à la main — Séquence 1" in text
    assert "rencontre fixée au jeudi 25 mars 2027 à 18 h 00" in text
    assert "jeudi 25 mars 2027 à 18 h 00 – 20 h 00" in text


def test_an_unknown_meeting_is_a_polite_404(camille: httpx.Client) -> None:
    answer = camille.get("/rencontres/nothing@nowhere")
    assert answer.status_code == 404
    assert "Page introuvable" in answer.text


def test_the_buyers_list_shows_conventions_and_reviews(camille: httpx.Client) -> None:
    text = shown(camille.get("/acheteurs"))
    assert "Ville de Lisière" in text
    assert "en vigueur, du mardi 15 septembre 2026 au vendredi 14 septembre 2029" in text
    assert "Prochain rendez-vous annuel" in text
    assert "Dernier rendez-vous annuel tenu" in text
    found = shown(camille.get("/acheteurs?q=lisiere"))
    assert "Ville de Lisière" in found
    assert "Université de Lisière" in found
    assert "Office national des achats responsables" not in found


def test_a_buyer_page_shows_contacts_conventions_meetings_and_feed(
    world: DemoWorld, camille: httpx.Client
) -> None:
    text = shown(camille.get("/acheteurs/ville-de-lisiere"))
    assert "Hélène Marchetti" in text
    assert "Directrice de la commande publique" in text
    assert "rappel" in text
    assert "Conventions" in text
    assert "mardi 15 septembre 2026" in text
    assert "Référent Camille Roussel" in text
    assert "Mois de programmation octobre" in text
    assert "Rencontres à venir" in text
    assert "Lien du flux de calendrier jamais délivré" in text
    config = str(world.folder / "config.toml")
    assert main(["feeds", "rotate", "ville-de-lisiere", "--config", config, "--now", NOW_TEXT]) == 0
    issued = shown(camille.get("/acheteurs/ville-de-lisiere"))
    assert "Lien du flux de calendrier délivré le lundi 8 mars 2027" in issued


def test_organisations_and_contacts_are_searchable_and_say_who_is_unsubscribed(
    camille: httpx.Client,
) -> None:
    suppliers = shown(camille.get("/organisations?role=supplier"))
    assert "Les Jardins de la Lisière" in suppliers
    assert "fournisseur" in suppliers
    assert "Ville de Lisière" not in suppliers
    partner = shown(camille.get("/organisations/france-travail-lisiere"))
    assert "Sophie Lemaire" in partner
    assert "partenaire" in partner
    people = shown(camille.get("/contacts?q=marchetti"))
    assert "Hélène Marchetti" in people
    assert "Julien Aubert" not in people
    unsubscribed = shown(camille.get("/contacts?desinscrits=1"))
    assert "Hélène Marchetti" in unsubscribed
    assert "rappel" in unsubscribed
    assert "Julien Aubert" not in unsubscribed


def test_the_outbox_shows_failed_mail_with_its_reason(camille: httpx.Client) -> None:
    text = shown(camille.get("/courriels?etat=failed"))
    assert BOUNCED in text
    assert "en échec" in text
    everything = shown(camille.get("/courriels"))
    assert "envoyé" in everything
    assert "Page 1 sur" in everything


def test_a_facilitator_whose_locale_is_english_reads_english(world: DemoWorld, base: str) -> None:
    browser = signed_in_browser(world, base, NADIA)
    club = a_meeting(world, "buyer_club")
    pages = [
        "/",
        "/?vue=guichet",
        "/agenda?mois=2027-03",
        f"/rencontres/{club.uid}",
        "/acheteurs",
        "/acheteurs/ville-de-lisiere",
        "/organisations",
        "/organisations/france-travail-lisiere",
        "/contacts",
        "/contacts?desinscrits=1",
        "/courriels",
    ]
    texts = {path: shown(browser.get(path)) for path in pages}
    browser.close()
    assert "Hello Nadia Benali" in texts["/"]
    assert "Socially responsible buyers' club" in texts["/?vue=guichet"]
    assert "Thursday 11 March 2027 at 09:30" in texts["/?vue=guichet"]
    assert "announced" in texts["/agenda?mois=2027-03"]
    assert "Agenda — March 2027" in texts["/agenda?mois=2027-03"]
    for path, text in texts.items():
        for french in ("Accueil", "Rencontre", "annoncée", "Se déconnecter"):
            assert french not in text, f"{path} shows {french!r}"


# --- bounded queries -------------------------------------------------------------------------


def queries_per_page(world: DemoWorld, browser: httpx.Client, paths: list[str]) -> dict[str, int]:
    """How many SQL statements each page runs."""
    counted: list[str] = []

    def count(*args: Any) -> None:
        counted.append(str(args[2]))

    numbers = {}
    event.listen(world.engine, "before_cursor_execute", count)
    try:
        for path in paths:
            counted.clear()
            assert browser.get(path).status_code == 200
            numbers[path] = len(counted)
    finally:
        event.remove(world.engine, "before_cursor_execute", count)
    return numbers


def test_each_page_runs_as_many_queries_with_300_more_buyers(tmp_path: Path) -> None:
    world = demo_world(tmp_path)
    club = a_meeting(world, "buyer_club")
    paths = [
        "/?vue=guichet",
        "/agenda?mois=2027-05",
        f"/rencontres/{club.uid}",
        "/acheteurs",
        "/acheteurs/ville-de-lisiere",
        "/organisations",
        "/contacts",
        "/courriels",
    ]
    with serving(create_app(world.settings, world.engine, clock=lambda: NOW)) as url:
        browser = signed_in_browser(world, url, CAMILLE)
        browser.get("/")
        before = queries_per_page(world, browser, paths)
        for n in range(300):
            add_buyer(
                world.engine,
                f"commune-{n:03d}",
                convention=(date(2026, 1, 1), date(2029, 12, 31)),
                contact_email=f"achats@commune-{n:03d}.example",
            )
        config = str(world.folder / "config.toml")
        assert main(["plan", "--config", config, "--now", NOW_TEXT]) == 0
        with read_session(world.engine) as session:
            buyers = session.execute(select(Organisation)).scalars().all()
            assert len(buyers) > 300
        after = queries_per_page(world, browser, paths)
        browser.close()
    world.engine.dispose()
    assert after == before
    assert max(after.values()) <= 24
