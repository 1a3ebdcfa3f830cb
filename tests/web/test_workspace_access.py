"""Who gets into the workspace, over real HTTP (uvicorn on a free port, httpx as the browser):
no page and no data without a session; a sign-in link opens once, within 15 minutes; a forged
one opens nothing; every POST needs its CSRF token; a session ends at sign-out, when idle, and
at its absolute end; tokens are hashed at rest and never logged."""

from __future__ import annotations

import email
import hashlib
import html
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from scheduler.config import load_settings
from scheduler.service.access import signin
from scheduler.store.db import read_session
from scheduler.store.models import SignInLink, WorkspaceSession
from scheduler.web import create_app
from scheduler.web.workspace import ClientLimit
from tests.web.workspace_world import CAMILLE, NOW, DemoWorld, demo_world
from tests.web_server import serving

PAGES = [
    "/",
    "/agenda",
    "/agenda?mois=2027-03",
    "/acheteurs",
    "/acheteurs/ville-de-lisiere",
    "/organisations",
    "/organisations/france-travail-lisiere",
    "/contacts",
    "/contacts/1",
    "/courriels",
    "/courriels?etat=failed",
]
CSRF = re.compile(r'name="csrf" value="([^"]*)"')


@dataclass
class Clock:
    """The instant the app answers at; tests move it."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def world(tmp_path: Path) -> Iterator[DemoWorld]:
    made = demo_world(tmp_path)
    yield made
    made.engine.dispose()


@dataclass
class Site:
    """The demo served over HTTP at a clock the test moves."""

    world: DemoWorld
    clock: Clock
    base: str

    def browser(self) -> httpx.Client:
        """A fresh browser: its own cookies, no redirects followed."""
        return httpx.Client(base_url=self.base, follow_redirects=False, timeout=10)

    def mails(self) -> list[Path]:
        """The .eml files written so far, oldest first."""
        return sorted(self.world.outbox.glob("*.eml"))

    def new_mails(self, before: list[Path], expected: int = 1) -> list[Path]:
        """The mails written since `before`, once `expected` are there (they leave after the
        answer) or after a short wait."""
        deadline = time.monotonic() + 5
        while True:
            fresh = [m for m in self.mails() if m not in before]
            if len(fresh) >= expected or time.monotonic() > deadline:
                time.sleep(0.2)
                return [m for m in self.mails() if m not in before]
            time.sleep(0.02)

    def sign_in(self, browser: httpx.Client, address: str = CAMILLE) -> None:
        """Sign `browser` in through a link minted for `address`."""
        issued = signin.mint_link(self.world.settings, self.world.engine, address, self.clock())
        path = issued.url.removeprefix(self.world.settings.feeds.base_url)
        page = browser.get(path)
        assert page.status_code == 200
        answer = browser.post(path, data={"csrf": csrf_of(page)})
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == "/"


@pytest.fixture
def site(world: DemoWorld) -> Iterator[Site]:
    clock = Clock()
    app = create_app(world.settings, world.engine, clock=clock, sign_in_limit=ClientLimit(50))
    with serving(app) as base:
        yield Site(world, clock, base)


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, "the page has no CSRF field"
    return found[1]


def mail_text(path: Path) -> str:
    """The plain-text part of a mail file."""
    message: Message = email.message_from_bytes(path.read_bytes())
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"{path.name} has no text part")


def link_in(path: Path) -> str:
    found = re.search(r"https?://\S+/connexion/[A-Za-z0-9_-]+", mail_text(path))
    assert found, mail_text(path)
    return found[0]


# --- no page and no data without a session --------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_stranger_to_the_sign_in_page_and_shows_nothing(
    site: Site, path: str
) -> None:
    with site.browser() as browser:
        answer = browser.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion"
    assert "Lisière" not in answer.text
    assert answer.headers["cache-control"] == "no-store"


def test_a_meeting_page_is_not_shown_without_a_session(site: Site) -> None:
    with site.browser() as browser:
        signed = site.browser()
        site.sign_in(signed)
        uid = re.search(r'href="/rencontres/([^"]+)"', signed.get("/?vue=guichet").text)
        signed.close()
        assert uid
        answer = browser.get(f"/rencontres/{uid[1]}")
    assert answer.status_code == 303
    assert uid[1] not in answer.text


def test_a_forged_session_cookie_opens_nothing(site: Site) -> None:
    with site.browser() as browser:
        browser.cookies.set("rituel_session", "A" * 43)
        answer = browser.get("/")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion?fin=session"


def test_the_sign_in_page_is_what_the_root_leads_to(site: Site) -> None:
    with httpx.Client(base_url=site.base, follow_redirects=True) as browser:
        page = browser.get("/")
    assert page.status_code == 200
    assert str(page.url).endswith("/connexion")
    assert "Se connecter à l'espace du guichet" in html.unescape(page.text)
    assert '<label for="email">Adresse électronique</label>' in page.text


# --- the mailed link -------------------------------------------------------------------------


def ask_for_a_link(browser: httpx.Client, address: str) -> httpx.Response:
    form = browser.get("/connexion")
    return browser.post("/connexion", data={"csrf": csrf_of(form), "email": address})


def test_a_known_address_gets_a_mailed_link_that_signs_in(site: Site) -> None:
    before = site.mails()
    with site.browser() as browser:
        answer = ask_for_a_link(browser, CAMILLE.upper())
        assert answer.status_code == 200
        assert "Vérifiez votre messagerie" in answer.text
        (mail,) = site.new_mails(before)
        text = mail_text(mail)
        assert "Bonjour Camille Roussel," in text
        assert "valable 15 minutes" in text
        message = email.message_from_bytes(mail.read_bytes())
        assert CAMILLE in message["To"]
        link = link_in(mail).removeprefix(site.world.settings.feeds.base_url)
        page = browser.get(link)
        assert page.status_code == 200
        signed = browser.post(link, data={"csrf": csrf_of(page)})
        assert signed.status_code == 303
        home = browser.get("/")
    assert home.status_code == 200
    assert "Bonjour Camille Roussel" in home.text


def test_an_unknown_address_gets_the_same_answer_and_no_mail(site: Site) -> None:
    before = site.mails()
    with site.browser() as browser:
        known = ask_for_a_link(browser, CAMILLE)
    with site.browser() as browser:
        unknown = ask_for_a_link(browser, "intrus@example.org")
    assert unknown.status_code == known.status_code == 200
    assert unknown.text == known.text
    assert len(site.new_mails(before, expected=2)) == 1


def test_a_link_opens_only_once(site: Site) -> None:
    issued = signin.mint_link(site.world.settings, site.world.engine, CAMILLE, site.clock())
    path = issued.url.removeprefix(site.world.settings.feeds.base_url)
    with site.browser() as first, site.browser() as second:
        page = first.get(path)
        assert first.post(path, data={"csrf": csrf_of(page)}).status_code == 303
        again = second.get(path)
        assert again.status_code == 410
        assert "Lien déjà utilisé" in again.text
        replay = second.post(path, data={"csrf": csrf_of(second.get("/connexion"))})
        assert replay.status_code == 410
        assert "rituel_session" not in replay.headers.get("set-cookie", "")
        assert second.get("/").status_code == 303


def test_a_link_expires_after_15_minutes(site: Site) -> None:
    issued = signin.mint_link(site.world.settings, site.world.engine, CAMILLE, site.clock())
    path = issued.url.removeprefix(site.world.settings.feeds.base_url)
    with site.browser() as browser:
        page = browser.get(path)
        site.clock.now = NOW + timedelta(minutes=15)
        assert browser.get(path).status_code == 410
        late = browser.post(path, data={"csrf": csrf_of(page)})
        assert late.status_code == 410
        assert "Lien expiré" in late.text
        assert browser.get("/").status_code == 303


def test_a_forged_link_opens_nothing(site: Site) -> None:
    with site.browser() as browser:
        page = browser.get("/connexion/" + "x" * 43)
        assert page.status_code == 404
        assert "Lien introuvable" in page.text
        form = csrf_of(browser.get("/connexion"))
        answer = browser.post("/connexion/" + "x" * 43, data={"csrf": form})
        assert answer.status_code == 404
        assert browser.get("/").status_code == 303


# --- CSRF ------------------------------------------------------------------------------------


def test_asking_for_a_link_without_the_csrf_token_is_refused(site: Site) -> None:
    before = site.mails()
    with site.browser() as browser:
        browser.get("/connexion")
        answer = browser.post("/connexion", data={"email": CAMILLE})
        forged = browser.post("/connexion", data={"email": CAMILLE, "csrf": "0" * 64})
    assert answer.status_code == forged.status_code == 403
    assert site.new_mails(before, expected=1) == []


def test_opening_a_link_without_the_csrf_token_is_refused_and_leaves_it_valid(site: Site) -> None:
    issued = signin.mint_link(site.world.settings, site.world.engine, CAMILLE, site.clock())
    path = issued.url.removeprefix(site.world.settings.feeds.base_url)
    with site.browser() as browser:
        page = browser.get(path)
        assert browser.post(path, data={}).status_code == 403
        assert browser.post(path, data={"csrf": csrf_of(page)}).status_code == 303


def test_a_post_with_another_browsers_csrf_token_is_refused(site: Site) -> None:
    with site.browser() as attacker, site.browser() as victim:
        token = csrf_of(attacker.get("/connexion"))
        victim.get("/connexion")
        assert victim.post("/connexion", data={"csrf": token, "email": CAMILLE}).status_code == 403


def test_signing_out_needs_the_csrf_token(site: Site) -> None:
    with site.browser() as browser:
        site.sign_in(browser)
        assert browser.post("/deconnexion", data={}).status_code == 403
        assert browser.get("/").status_code == 200


def test_a_post_without_a_session_is_refused(site: Site) -> None:
    with site.browser() as browser:
        assert browser.post("/deconnexion", data={"csrf": "x"}).status_code == 403


# --- the session -----------------------------------------------------------------------------


def test_a_session_ends_at_sign_out(site: Site) -> None:
    with site.browser() as browser:
        site.sign_in(browser)
        cookie = browser.cookies["rituel_session"]
        home = browser.get("/")
        out = browser.post("/deconnexion", data={"csrf": csrf_of(home)})
        assert out.status_code == 303
        assert out.headers["location"] == "/connexion?fin=sortie"
    with site.browser() as thief:
        thief.cookies.set("rituel_session", cookie)
        assert thief.get("/").status_code == 303


def test_a_session_ends_after_12_hours_without_a_request(site: Site) -> None:
    with site.browser() as browser:
        site.sign_in(browser)
        site.clock.now = NOW + timedelta(hours=11, minutes=59)
        assert browser.get("/").status_code == 200
        site.clock.now += timedelta(hours=11, minutes=59)
        assert browser.get("/").status_code == 200
        site.clock.now += timedelta(hours=12)
        assert browser.get("/").status_code == 303


def test_a_session_ends_after_30_days_however_active(site: Site) -> None:
    with site.browser() as browser:
        site.sign_in(browser)
        for _ in range(59):
            site.clock.now += timedelta(hours=12) - timedelta(minutes=1)
            assert browser.get("/acheteurs").status_code == 200
        site.clock.now = NOW + timedelta(days=30)
        assert browser.get("/acheteurs").status_code == 303


def test_someone_removed_from_the_configuration_is_out(site: Site, tmp_path: Path) -> None:
    with site.browser() as browser:
        site.sign_in(browser)
        cookie = browser.cookies["rituel_session"]
    text = (site.world.folder / "config.toml").read_text(encoding="utf-8")
    smaller = tmp_path / "config.toml"
    smaller.write_text(
        text.replace(
            'email = "camille.roussel@guichet-lisiere.example"', 'email = "c@x.example"'
        ).replace('url = "sqlite:///rituel.db"', f'url = "{site.world.settings.database_url}"'),
        encoding="utf-8",
    )
    settings = load_settings(smaller)
    assert signin.current(settings, site.world.engine, cookie, site.clock()) is None
    assert signin.current(site.world.settings, site.world.engine, cookie, site.clock())


def test_the_session_cookie_is_http_only_and_same_site_lax(site: Site) -> None:
    issued = signin.mint_link(site.world.settings, site.world.engine, CAMILLE, site.clock())
    path = issued.url.removeprefix(site.world.settings.feeds.base_url)
    with site.browser() as browser:
        page = browser.get(path)
        answer = browser.post(path, data={"csrf": csrf_of(page)})
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("rituel_session=")
    )
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    assert "secure" not in attributes


def test_the_session_cookie_is_secure_behind_https(world: DemoWorld, tmp_path: Path) -> None:
    text = (world.folder / "config.toml").read_text(encoding="utf-8")
    https = tmp_path / "config.toml"
    https.write_text(
        text.replace(
            'base_url = "http://127.0.0.1:8080"', 'base_url = "https://guichet.example"'
        ).replace('url = "sqlite:///rituel.db"', f'url = "{world.settings.database_url}"'),
        encoding="utf-8",
    )
    settings = load_settings(https)
    issued = signin.mint_link(settings, world.engine, CAMILLE, NOW)
    path = issued.url.removeprefix("https://guichet.example")
    app = create_app(settings, world.engine, clock=lambda: NOW)
    with serving(app) as base, httpx.Client(base_url=base, follow_redirects=False) as browser:
        page = browser.get(path)
        form_cookie = page.headers["set-cookie"]
        browser.cookies.set("rituel_form", form_cookie.split(";")[0].split("=", 1)[1])
        answer = browser.post(path, data={"csrf": csrf_of(page)})
    assert answer.status_code == 303
    cookie = next(
        c for c in answer.headers.get_list("set-cookie") if c.startswith("rituel_session=")
    )
    assert "secure" in {part.strip().lower() for part in cookie.split(";")}
    assert "secure" in {part.strip().lower() for part in form_cookie.split(";")}


# --- limits ----------------------------------------------------------------------------------


def test_one_address_gets_at_most_five_links_an_hour(site: Site) -> None:
    address = "nadia.benali@guichet-lisiere.example"
    before = site.mails()
    with site.browser() as browser:
        answers = [ask_for_a_link(browser, address) for _ in range(7)]
    assert {a.status_code for a in answers} == {200}
    assert len({a.text for a in answers}) == 1
    assert len(site.new_mails(before, expected=7)) == signin.LINKS_PER_ADDRESS
    site.clock.now = NOW + timedelta(hours=1, seconds=1)
    with site.browser() as browser:
        ask_for_a_link(browser, address)
    assert len(site.new_mails(before, expected=7)) == signin.LINKS_PER_ADDRESS + 1


def test_one_client_is_slowed_down_after_too_many_requests(world: DemoWorld) -> None:
    app = create_app(world.settings, world.engine, clock=lambda: NOW, sign_in_limit=ClientLimit(3))
    with serving(app) as base, httpx.Client(base_url=base, follow_redirects=False) as browser:
        codes = [ask_for_a_link(browser, f"x{n}@example.org").status_code for n in range(5)]
    assert codes == [200, 200, 200, 429, 429]


# --- secrets ---------------------------------------------------------------------------------


def test_tokens_are_stored_hashed_and_never_logged(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    before = site.mails()
    with site.browser() as browser:
        ask_for_a_link(browser, CAMILLE)
        (mail,) = site.new_mails(before)
        link = link_in(mail)
        token = link.rsplit("/", 1)[1]
        path = link.removeprefix(site.world.settings.feeds.base_url)
        browser.post(path, data={"csrf": csrf_of(browser.get(path))})
        session_token = browser.cookies["rituel_session"]
    with read_session(site.world.engine) as session:
        stored = session.execute(
            select(SignInLink).where(
                SignInLink.token_hash == hashlib.sha256(token.encode()).hexdigest()
            )
        ).scalar_one()
        assert stored.used_at is not None
        assert session.execute(
            select(WorkspaceSession).where(
                WorkspaceSession.token_hash == hashlib.sha256(session_token.encode()).hexdigest()
            )
        ).scalar_one()
        dump = "\n".join(
            str(row)
            for table in ("sign_in_link", "workspace_session")
            for row in session.execute(text(f"SELECT * FROM {table}"))
        )
    assert token not in dump
    assert session_token not in dump
    ours = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = "\n".join(record.getMessage() for record in ours)
    assert token not in logged
    assert session_token not in logged


# --- headers ---------------------------------------------------------------------------------


def test_pages_send_the_token_pages_security_headers(site: Site) -> None:
    with site.browser() as browser:
        site.sign_in(browser)
        for path in ["/connexion", "/", "/agenda", "/courriels"]:
            answer = browser.get(path, follow_redirects=True)
            headers = answer.headers
            assert headers["cache-control"] == "no-store"
            assert headers["x-frame-options"] == "DENY"
            assert headers["referrer-policy"] == "no-referrer"
            assert headers["x-content-type-options"] == "nosniff"
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
            assert "script-src" not in headers["content-security-policy"]
        css = browser.get("/espace.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
