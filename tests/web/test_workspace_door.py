"""The workspace's door without a server: the sign-in pages, the session check, the CSRF rules,
the cookies and the per-client limit, the app called in process (httpx's ASGI transport, a
migrated SQLite database, a recording mail transport, a clock the test holds). Fast enough for
`make mutation`, which kills scheduler/web/workspace/auth.py's mutants with it;
test_workspace_access.py tells the same story over real HTTP on the demo territory."""

from __future__ import annotations

import html
import logging
import re
import shutil
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from starlette.applications import Starlette

from scheduler.clock import parse_instant
from scheduler.config import Settings, load_settings
from scheduler.errors import DeliveryError
from scheduler.mail.transport import SendResult
from scheduler.service.access import signin
from scheduler.store.db import make_engine, open_database
from scheduler.web import create_app
from scheduler.web.workspace import ClientLimit
from scheduler.web.workspace.auth import MAX_CLIENTS
from tests.factories import BASE_CONFIG

NOW = parse_instant("2027-03-08T09:00")
CAMILLE = "camille@guichet.example"
NADIA = "nadia@guichet.example"
CSRF = re.compile(r'name="csrf" value="([^"]*)"')
HOME_GREETING = "Bonjour Camille Roussel"


# --- the world -------------------------------------------------------------------------------


@dataclass
class Clock:
    """The instant the app answers at; tests move it."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Mailbox:
    """Every message the app's transports were given, how many transports it asked for and how
    many it closed; `fail` makes every send raise it."""

    fail: Exception | None = None
    sent: list[tuple[Message, str, tuple[str, ...]]] = field(default_factory=list)
    opened: int = 0
    closed: int = 0

    def __call__(self) -> Batch:
        self.opened += 1
        return Batch(self)


@dataclass
class Batch:
    """One transport the app asked for (a `Transport`), recording into its mailbox."""

    mailbox: Mailbox

    async def send(
        self, message: Message, envelope_from: str, recipients: Sequence[str]
    ) -> SendResult:
        if self.mailbox.fail is not None:
            raise self.mailbox.fail
        self.mailbox.sent.append((message, envelope_from, tuple(recipients)))
        return SendResult(tuple(recipients))

    async def close(self) -> None:
        self.mailbox.closed += 1


def config_text(
    database: Path,
    *,
    base_url: str = "http://127.0.0.1:8080",
    guichet: str = "fr",
    nadia: bool = True,
    extra: str = "",
) -> str:
    """The factories' configuration, Nadia reading English (or gone), the guichet in `guichet`."""
    text = (
        BASE_CONFIG.replace("{url}", f"sqlite:///{database}")
        .replace(
            'uid_domain = "test.example"', f'uid_domain = "test.example"\nlocale = "{guichet}"'
        )
        .replace('email = "nadia@guichet.example"', f'email = "{NADIA}"\nlocale = "en"')
        .replace('dir = "calendars"', f'dir = "calendars"\nbase_url = "{base_url}"')
    )
    if not nadia:
        text = text.replace('id = "nadia"\nname = "Nadia Benali"', 'id = "nadia"\nname = "Zoé"')
        text = text.replace(f'email = "{NADIA}"', 'email = "zoe@guichet.example"')
    return text + extra


def settings_for(folder: Path, **options: Any) -> Settings:
    folder.mkdir(exist_ok=True)
    path = folder / "config.toml"
    path.write_text(config_text(folder / "rituel.db", **options), encoding="utf-8")
    return load_settings(path)


@dataclass
class Door:
    """The app over a fresh database, its clock, its mailbox and its per-client limit."""

    settings: Settings
    engine: Engine
    clock: Clock
    mailbox: Mailbox
    app: Starlette

    def browser(self, client: str = "203.0.113.7") -> httpx.AsyncClient:
        """A fresh browser at address `client`: its own cookies, no redirects followed."""
        transport = httpx.ASGITransport(app=self.app, client=(client, 50000))
        scheme = self.settings.feeds.base_url.split(":", 1)[0].lower()
        return httpx.AsyncClient(transport=transport, base_url=f"{scheme}://testserver")

    def link(self, address: str = CAMILLE, settings: Settings | None = None) -> str:
        """The path of a fresh sign-in link for `address`."""
        issued = signin.mint_link(settings or self.settings, self.engine, address, self.clock())
        return "/connexion/" + issued.url.rsplit("/", 1)[1]

    async def sign_in(self, browser: httpx.AsyncClient, address: str = CAMILLE) -> None:
        """Sign `browser` in through a link minted for `address`."""
        path = self.link(address)
        page = await browser.get(path)
        answer = await browser.post(path, data={"csrf": csrf_of(page)})
        assert answer.status_code == 303, answer.text


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the latest schema, migrated once and copied for each test."""
    path = tmp_path_factory.mktemp("schema") / "rituel.db"
    open_database(f"sqlite:///{path}").dispose()
    return path


@contextmanager
def make_door(
    folder: Path, schema: Path, *, limit: ClientLimit | None = None, **options: Any
) -> Iterator[Door]:
    """A door over a copy of the `schema` database in `folder` (options: see `config_text`)."""
    settings = settings_for(folder, **options)
    shutil.copyfile(schema, folder / "rituel.db")
    engine = make_engine(settings.database_url)
    clock, mailbox = Clock(), Mailbox()
    app = create_app(
        settings, engine, clock=clock, transport=mailbox, sign_in_limit=limit or ClientLimit(50)
    )
    try:
        yield Door(settings, engine, clock, mailbox, app)
    finally:
        engine.dispose()


@pytest.fixture
def door(tmp_path: Path, schema: Path) -> Iterator[Door]:
    with make_door(tmp_path, schema) as made:
        yield made


@pytest.fixture
async def browser(door: Door) -> AsyncIterator[httpx.AsyncClient]:
    async with door.browser() as client:
        yield client


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, f"the page has no CSRF field: {page.status_code} {page.text[:200]}"
    return found[1]


def set_cookies(answer: httpx.Response) -> dict[str, set[str]]:
    """Each Set-Cookie of an answer by cookie name: `name=value`, and its attributes in lower
    case."""
    cookies = {}
    for header in answer.headers.get_list("set-cookie"):
        parts = [part.strip() for part in header.split(";")]
        name = parts[0].split("=", 1)[0]
        cookies[name] = {parts[0], *(part.lower() for part in parts[1:])}
    return cookies


def plain_text(message: Message) -> str:
    """The plain-text part of a mail."""
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError("the mail has no text part")


def text_of(page: httpx.Response) -> str:
    return html.unescape(page.text)


# --- the per-client limit --------------------------------------------------------------------


@dataclass
class Seconds:
    """A monotonic clock the test sets."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_gets_its_requests_then_waits_until_the_oldest_is_a_window_old() -> None:
    seconds = Seconds()
    limit = ClientLimit(3, 60.0, monotonic=seconds)
    for moment in (1000.0, 1001.0, 1002.0):
        seconds.now = moment
        assert limit.allow("203.0.113.7")
    seconds.now = 1059.999
    assert not limit.allow("203.0.113.7")
    seconds.now = 1060.0  # the first request is now exactly a window old: it no longer counts
    assert limit.allow("203.0.113.7")
    assert not limit.allow("203.0.113.7")
    seconds.now = 1061.0
    assert limit.allow("203.0.113.7")


def test_clients_are_counted_apart() -> None:
    seconds = Seconds()
    limit = ClientLimit(2, 60.0, monotonic=seconds)
    assert limit.allow("203.0.113.7")
    assert limit.allow("203.0.113.7")
    assert not limit.allow("203.0.113.7")
    assert limit.allow("198.51.100.4")
    assert limit.allow("198.51.100.4")
    assert not limit.allow("198.51.100.4")


def test_refused_requests_do_not_prolong_the_wait() -> None:
    seconds = Seconds()
    limit = ClientLimit(2, 60.0, monotonic=seconds)
    assert limit.allow("203.0.113.7")
    assert limit.allow("203.0.113.7")
    for moment in range(1001, 1060):
        seconds.now = float(moment)
        assert not limit.allow("203.0.113.7")
    seconds.now = 1060.0
    assert limit.allow("203.0.113.7")


def test_the_default_limit_is_twenty_requests_a_quarter_of_an_hour() -> None:
    seconds = Seconds()
    limit = ClientLimit(monotonic=seconds)
    assert all(limit.allow("203.0.113.7") for _ in range(20))
    assert not limit.allow("203.0.113.7")
    seconds.now += 899.0
    assert not limit.allow("203.0.113.7")
    seconds.now += 1.0
    assert limit.allow("203.0.113.7")


def test_a_flood_of_clients_is_forgotten_once_idle_but_a_busy_client_is_not() -> None:
    seconds = Seconds()
    limit = ClientLimit(2, 60.0, monotonic=seconds)
    assert limit.allow("busy")
    assert limit.allow("busy")
    for number in range(MAX_CLIENTS):
        assert limit.allow(f"10.0.{number // 256}.{number % 256}")
    seconds.now += 59.0  # the busy client's hits are still in their window
    assert limit.allow("one more")
    assert not limit.allow("busy")
    seconds.now += 1.0  # a window after the flood: everyone but the last client is idle
    assert limit.allow("yet another")
    assert len(limit._hits) <= 3, "idle clients are forgotten once there are too many"
    assert limit.allow("busy")


# --- no page without a session ---------------------------------------------------------------


async def test_a_stranger_is_sent_to_the_sign_in_page_and_given_no_cookie(
    browser: httpx.AsyncClient,
) -> None:
    answer = await browser.get("/")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion"
    assert answer.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert "set-cookie" not in answer.headers


async def test_a_dead_session_is_sent_to_sign_in_again_and_its_cookie_cleared(
    browser: httpx.AsyncClient,
) -> None:
    browser.cookies.set("rituel_session", "A" * 43)
    answer = await browser.get("/agenda")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion?fin=session"
    assert answer.headers["cache-control"] == "no-store"
    cleared = set_cookies(answer)["rituel_session"]
    assert {"max-age=0", "path=/", "httponly", "samesite=lax"} <= cleared
    assert "secure" not in cleared
    page = await browser.get("/connexion?fin=session")
    assert "Votre session a pris fin" in text_of(page)


async def test_a_post_without_a_session_is_refused_in_the_guichets_language(
    browser: httpx.AsyncClient,
) -> None:
    for path in ("/courriels/reessayer", "/deconnexion"):
        answer = await browser.post(path, data={"csrf": "x"})
        assert answer.status_code == 403
        assert "Requête refusée" in text_of(answer)
        assert "set-cookie" not in answer.headers


# --- the sign-in page ------------------------------------------------------------------------


async def test_the_sign_in_page_gives_a_signed_out_browser_its_form_cookie_once(
    browser: httpx.AsyncClient,
) -> None:
    page = await browser.get("/connexion")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "Se connecter à l'espace du guichet" in text_of(page)
    assert "Vous êtes déconnecté" not in text_of(page)
    assert "Votre session a pris fin" not in text_of(page)
    cookie = set_cookies(page)["rituel_form"]
    assert {"max-age=3600", "path=/connexion", "httponly", "samesite=lax"} <= cookie
    assert "secure" not in cookie
    secret = browser.cookies["rituel_form"]
    assert len(secret) >= 32
    assert csrf_of(page) == signin.csrf_token(secret)
    again = await browser.get("/connexion")
    assert "set-cookie" not in again.headers
    assert csrf_of(again) == csrf_of(page)


async def test_a_form_cookie_too_short_to_be_ours_is_replaced(door: Door) -> None:
    async with door.browser() as browser:
        for short in ("", "x" * 31):
            page = await browser.get("/connexion", headers={"cookie": f"rituel_form={short}"})
            fresh = set_cookies(page)["rituel_form"]
            [secret] = [part.split("=", 1)[1] for part in fresh if part.startswith("rituel_form=")]
            assert len(secret) >= 32
            assert csrf_of(page) == signin.csrf_token(secret)
            browser.cookies.clear()
        kept = await browser.get("/connexion", headers={"cookie": "rituel_form=" + "y" * 32})
        assert "set-cookie" not in kept.headers
        assert csrf_of(kept) == signin.csrf_token("y" * 32)


async def test_the_sign_in_page_says_why_one_is_back(browser: httpx.AsyncClient) -> None:
    out = text_of(await browser.get("/connexion?fin=sortie"))
    assert "Vous êtes déconnecté." in out
    assert "Votre session a pris fin" not in out
    ended = text_of(await browser.get("/connexion?fin=session"))
    assert "Votre session a pris fin" in ended
    assert "Vous êtes déconnecté" not in ended
    other = text_of(await browser.get("/connexion?fin=autre"))
    assert "Vous êtes déconnecté" not in other
    assert "Votre session a pris fin" not in other


async def test_someone_signed_in_asking_for_the_sign_in_page_goes_home(
    door: Door, browser: httpx.AsyncClient
) -> None:
    await door.sign_in(browser)
    answer = await browser.get("/connexion")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    assert answer.headers["cache-control"] == "no-store"


async def test_pages_before_sign_in_speak_the_guichets_language(
    tmp_path: Path, schema: Path
) -> None:
    with make_door(tmp_path, schema, guichet="en", limit=ClientLimit(1)) as door:
        async with door.browser() as browser:
            page = await browser.get("/connexion")
            assert "Sign in to the guichet's workspace" in text_of(page)
            for path in ("/deconnexion", "/courriels/reessayer", "/connexion", door.link()):
                refused = await browser.post(path, data={})
                assert refused.status_code == 403, path
                assert "Request refused" in text_of(refused), path
            sent = await browser.post(
                "/connexion", data={"csrf": csrf_of(page), "email": "x@example.org"}
            )
            assert "Check your mailbox" in text_of(sent)
            busy = await browser.post(
                "/connexion", data={"csrf": csrf_of(page), "email": "x@example.org"}
            )
            assert busy.status_code == 429
            assert "Too many sign-in requests came from this computer." in text_of(busy)
            forged = "/connexion/" + "x" * 43
            assert "Link not found" in text_of(await browser.get(forged))
            assert "Link not found" in text_of(
                await browser.post(forged, data={"csrf": csrf_of(page)})
            )


# --- asking for a link -----------------------------------------------------------------------


async def ask(browser: httpx.AsyncClient, address: str) -> httpx.Response:
    form = await browser.get("/connexion")
    return await browser.post("/connexion", data={"csrf": csrf_of(form), "email": address})


async def test_a_known_address_is_mailed_a_link_that_signs_in(
    door: Door, browser: httpx.AsyncClient
) -> None:
    answer = await ask(browser, CAMILLE)
    assert answer.status_code == 200
    assert "Vérifiez votre messagerie" in text_of(answer)
    assert answer.headers["cache-control"] == "no-store"
    [(message, sender, recipients)] = door.mailbox.sent
    assert (sender, recipients) == ("rituel@guichet.example", (CAMILLE,))
    assert message["To"].endswith(f"<{CAMILLE}>")
    assert door.mailbox.closed == door.mailbox.opened == 1
    link = re.search(r"http://127\.0\.0\.1:8080(/connexion/[A-Za-z0-9_-]+)", plain_text(message))
    assert link
    page = await browser.get(link[1])
    assert page.status_code == 200
    signed = await browser.post(link[1], data={"csrf": csrf_of(page)})
    assert signed.status_code == 303
    assert HOME_GREETING in text_of(await browser.get("/"))


async def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    door: Door, browser: httpx.AsyncClient
) -> None:
    known = await ask(browser, CAMILLE)
    unknown = await ask(browser, "intrus@example.org")
    assert unknown.status_code == known.status_code == 200
    assert unknown.text == known.text
    assert len(door.mailbox.sent) == 1
    assert set_cookies(unknown) == set_cookies(known) == {}


async def test_an_address_is_read_up_to_254_characters(
    door: Door, browser: httpx.AsyncClient
) -> None:
    padded = CAMILLE + " " * (254 - len(CAMILLE))
    await ask(browser, padded + "@intrus.example")
    assert [recipients for _, _, recipients in door.mailbox.sent] == [(CAMILLE,)]
    await ask(browser, padded[:-1] + "x")
    assert len(door.mailbox.sent) == 1


async def test_a_link_that_cannot_be_mailed_is_logged_without_itself(
    door: Door, browser: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    for failure in (DeliveryError("mailbox unavailable", temporary=False), OSError("no route")):
        door.mailbox.fail = failure
        with caplog.at_level(logging.WARNING, logger="scheduler.web.workspace.auth"):
            answer = await ask(browser, CAMILLE)
        assert answer.status_code == 200
        assert caplog.records[-1].getMessage() == f"sign-in mail to {CAMILLE} not sent: {failure}"
        assert "/connexion/" not in caplog.text
    assert door.mailbox.closed == door.mailbox.opened == 2


async def test_a_form_without_an_address_gets_the_same_answer_and_no_mail(
    door: Door, browser: httpx.AsyncClient
) -> None:
    form = await browser.get("/connexion")
    answer = await browser.post("/connexion", data={"csrf": csrf_of(form)})
    assert answer.status_code == 200
    assert "Vérifiez votre messagerie" in text_of(answer)
    assert door.mailbox.sent == []


async def test_clients_the_server_cannot_name_share_one_count(tmp_path: Path, schema: Path) -> None:
    with make_door(tmp_path, schema, limit=ClientLimit(1)) as door:
        for expected in (200, 429):
            transport = httpx.ASGITransport(app=door.app, client=None)  # type: ignore[arg-type]
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as one:
                assert (await ask(one, CAMILLE)).status_code == expected


async def test_asking_without_the_form_cookies_token_is_refused(
    door: Door, browser: httpx.AsyncClient
) -> None:
    await browser.get("/connexion")
    for data in ({"email": CAMILLE}, {"email": CAMILLE, "csrf": "0" * 64}):
        answer = await browser.post("/connexion", data=data)
        assert answer.status_code == 403
        assert "Requête refusée" in text_of(answer)
    async with door.browser() as other:
        token = csrf_of(await other.get("/connexion"))
    answer = await browser.post("/connexion", data={"email": CAMILLE, "csrf": token})
    assert answer.status_code == 403
    assert door.mailbox.sent == []


async def test_a_form_too_big_to_be_ours_is_refused(door: Door, browser: httpx.AsyncClient) -> None:
    page = await browser.get("/connexion")
    fields = {"csrf": csrf_of(page), "email": CAMILLE} | {f"f{n}": "x" for n in range(20)}
    assert (await browser.post("/connexion", data=fields)).status_code == 403
    assert door.mailbox.sent == []


async def test_a_client_over_its_limit_is_told_to_wait_and_nothing_is_mailed(
    tmp_path: Path, schema: Path
) -> None:
    with make_door(tmp_path, schema, limit=ClientLimit(2)) as door:
        async with door.browser("203.0.113.7") as first, door.browser("198.51.100.4") as second:
            assert (await ask(first, "intrus@example.org")).status_code == 200
            assert (await ask(first, "intrus@example.org")).status_code == 200
            busy = await ask(first, CAMILLE)
            assert busy.status_code == 429
            assert "Trop de demandes de connexion sont venues de ce poste." in text_of(busy)
            assert 'name="csrf"' not in busy.text
            assert door.mailbox.sent == []
            assert (await ask(second, CAMILLE)).status_code == 200
            assert len(door.mailbox.sent) == 1


async def test_a_refused_form_does_not_count_against_the_client(
    tmp_path: Path, schema: Path
) -> None:
    with make_door(tmp_path, schema, limit=ClientLimit(1)) as door:
        async with door.browser() as browser:
            await browser.get("/connexion")
            assert (await browser.post("/connexion", data={"email": CAMILLE})).status_code == 403
            assert (await ask(browser, CAMILLE)).status_code == 200


# --- opening a link --------------------------------------------------------------------------


async def test_a_link_page_signs_in_only_through_its_button(
    door: Door, browser: httpx.AsyncClient
) -> None:
    path = door.link()
    page = await browser.get(path)
    assert page.status_code == 200
    assert "Ouvrir l'espace du guichet" in text_of(page)
    assert "rituel_session" not in browser.cookies
    assert (await browser.get("/")).status_code == 303
    answer = await browser.post(path, data={"csrf": csrf_of(page)})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"
    assert answer.headers["cache-control"] == "no-store"
    cookies = set_cookies(answer)
    session = cookies["rituel_session"]
    assert {"path=/", "httponly", "samesite=lax", f"max-age={30 * 86400}"} <= session
    assert "secure" not in session
    assert {"max-age=0", "path=/connexion", "httponly", "samesite=lax"} <= cookies["rituel_form"]
    home = await browser.get("/")
    assert home.status_code == 200
    assert HOME_GREETING in text_of(home)


async def test_a_session_lasts_the_configured_number_of_days(tmp_path: Path, schema: Path) -> None:
    with make_door(tmp_path, schema, extra="\n[web]\nsession_max_days = 1.5\n") as door:
        async with door.browser() as browser:
            path = door.link()
            page = await browser.get(path)
            answer = await browser.post(path, data={"csrf": csrf_of(page)})
            assert "max-age=129600" in set_cookies(answer)["rituel_session"]


@pytest.mark.parametrize(
    ("age", "status", "title"),
    [
        (timedelta(minutes=14, seconds=59), 200, "Ouvrir l'espace du guichet"),
        (timedelta(minutes=15), 410, "Lien expiré"),
    ],
)
async def test_a_link_opens_for_15_minutes(
    door: Door, browser: httpx.AsyncClient, age: timedelta, status: int, title: str
) -> None:
    path = door.link()
    door.clock.now = NOW + age
    page = await browser.get(path)
    assert page.status_code == status
    assert title in text_of(page)


async def test_a_used_a_lapsed_and_a_forged_link_say_so(
    door: Door, browser: httpx.AsyncClient
) -> None:
    used = door.link()
    await browser.post(used, data={"csrf": csrf_of(await browser.get(used))})
    lapsed = door.link()
    async with door.browser() as other:
        form = csrf_of(await other.get("/connexion"))
        door.clock.now = NOW + timedelta(minutes=20)
        for path, status, title in (
            (used, 410, "Lien déjà utilisé"),
            (lapsed, 410, "Lien expiré"),
            ("/connexion/" + "x" * 43, 404, "Lien introuvable"),
        ):
            page = await other.get(path)
            assert (page.status_code, title in text_of(page)) == (status, True), path
            answer = await other.post(path, data={"csrf": form})
            assert (answer.status_code, title in text_of(answer)) == (status, True), path
            assert "rituel_session" not in set_cookies(answer)
            assert 'name="csrf"' not in answer.text


async def test_a_link_of_someone_no_longer_in_the_configuration_opens_nothing(
    tmp_path: Path, schema: Path
) -> None:
    before = settings_for(tmp_path / "before")
    with make_door(tmp_path, schema, nadia=False) as door:
        async with door.browser() as browser:
            path = door.link(NADIA, settings=before)
            page = await browser.get(path)
            assert page.status_code == 200
            answer = await browser.post(path, data={"csrf": csrf_of(page)})
            assert answer.status_code == 404
            assert "Lien introuvable" in text_of(answer)
            assert "rituel_session" not in set_cookies(answer)


async def test_opening_a_link_without_the_token_is_refused_and_leaves_it_valid(
    door: Door, browser: httpx.AsyncClient
) -> None:
    path = door.link()
    page = await browser.get(path)
    for data in ({}, {"csrf": "0" * 64}):
        refused = await browser.post(path, data=data)
        assert refused.status_code == 403
        assert "Requête refusée" in text_of(refused)
    assert (await browser.post(path, data={"csrf": csrf_of(page)})).status_code == 303


# --- the session -----------------------------------------------------------------------------


async def test_signing_out_ends_the_session_and_clears_its_cookie(
    door: Door, browser: httpx.AsyncClient
) -> None:
    await door.sign_in(browser)
    cookie = browser.cookies["rituel_session"]
    home = await browser.get("/")
    out = await browser.post("/deconnexion", data={"csrf": csrf_of(home)})
    assert out.status_code == 303
    assert out.headers["location"] == "/connexion?fin=sortie"
    assert out.headers["cache-control"] == "no-store"
    assert {"max-age=0", "path=/", "httponly", "samesite=lax"} <= set_cookies(out)["rituel_session"]
    async with door.browser() as thief:
        thief.cookies.set("rituel_session", cookie)
        assert (await thief.get("/")).status_code == 303


async def test_signing_out_needs_the_sessions_token(door: Door, browser: httpx.AsyncClient) -> None:
    await door.sign_in(browser)
    async with door.browser() as other:
        await door.sign_in(other)
        foreign = csrf_of(await other.get("/"))
    for data in ({}, {"csrf": ""}, {"csrf": foreign}):
        refused = await browser.post("/deconnexion", data=data)
        assert refused.status_code == 403
        assert "Requête refusée" in text_of(refused)
    assert (await browser.get("/")).status_code == 200


async def test_a_refusal_after_sign_in_speaks_the_persons_language(
    door: Door, browser: httpx.AsyncClient
) -> None:
    await door.sign_in(browser, NADIA)
    refused = await browser.post("/deconnexion", data={"csrf": "x"})
    assert refused.status_code == 403
    assert "Request refused" in text_of(refused)


async def test_a_signed_in_form_of_up_to_64_fields_is_read(
    door: Door, browser: httpx.AsyncClient
) -> None:
    await door.sign_in(browser)
    token = csrf_of(await browser.get("/"))
    flood = {"csrf": token} | {f"f{n}": "x" for n in range(64)}
    assert (await browser.post("/deconnexion", data=flood)).status_code == 403
    wide = {"csrf": token} | {f"f{n}": "x" for n in range(63)}
    assert (await browser.post("/deconnexion", data=wide)).status_code == 303


async def test_a_session_ends_when_idle_for_12_hours(
    door: Door, browser: httpx.AsyncClient
) -> None:
    await door.sign_in(browser)
    door.clock.now = NOW + timedelta(hours=11, minutes=59)
    assert (await browser.get("/")).status_code == 200
    door.clock.now += timedelta(hours=12)
    answer = await browser.get("/")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/connexion?fin=session"


# --- behind https ----------------------------------------------------------------------------


@pytest.mark.parametrize("base_url", ["https://guichet.example", "HTTPS://Guichet.example"])
async def test_every_cookie_is_secure_behind_https(
    tmp_path: Path, schema: Path, base_url: str
) -> None:
    with make_door(tmp_path, schema, base_url=base_url) as door:
        async with door.browser() as browser:
            page = await browser.get("/connexion")
            assert "secure" in set_cookies(page)["rituel_form"]
            path = door.link()
            link_page = await browser.get(path)
            answer = await browser.post(path, data={"csrf": csrf_of(link_page)})
            assert answer.status_code == 303
            cookies = set_cookies(answer)
            assert "secure" in cookies["rituel_session"]
            assert "secure" in cookies["rituel_form"]
            home = await browser.get("/")
            out = await browser.post("/deconnexion", data={"csrf": csrf_of(home)})
            assert "secure" in set_cookies(out)["rituel_session"]
            browser.cookies.set("rituel_session", "A" * 43)
            dead = await browser.get("/")
            assert "secure" in set_cookies(dead)["rituel_session"]
