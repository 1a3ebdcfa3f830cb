"""A headless Chromium driven by Selenium, for tests of what a visitor sees.

Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver); the driver's
path is given, so Selenium Manager never runs nor downloads anything. Outside CI a missing
browser skips the test with the line that installs it; under CI it fails.

Shared by the workspace's journeys: the `browser` fixture (JavaScript off, a fresh profile),
`screenshot` and `text_of`; the demo served at a settable instant (`site`, `Site`, `Clock`),
`sign_in`, a `follow` that waits for the next page, `set_value` and `Select`.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from scheduler.service.access import signin
from scheduler.web import create_app
from tests.web_server import serving
from tests.world import CAMILLE, World, demo_world
from tests.world import DEMO_NOW as NOW

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = "apt-get install -y chromium chromium-driver"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
BY = "css selector"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--lang=fr-FR",
)


@contextmanager
def chromium() -> Iterator[object]:
    """A fresh headless Chromium (its own profile folder), closed afterwards."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required under CI: {INSTALL}")
        pytest.skip(f"no Chromium: {INSTALL}")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="rituel-chromium-") as profile:
        options = Options()
        options.binary_location = str(CHROMIUM)
        for flag in (*FLAGS, "--window-size=1000,1400", f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def _needs_chromium() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    message = f"{', '.join(missing)} missing: install Chromium with `{INSTALL}`"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI must run the browser tests)")
    pytest.skip(message)


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Headless Chromium with JavaScript off and a fresh profile."""
    _needs_chromium()
    monkeypatch.setenv("SE_OFFLINE", "true")
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, "--window-size=1280,900", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2}
    )
    try:
        driver = webdriver.Chrome(
            service=Service(executable_path=str(CHROMEDRIVER)), options=options
        )
    except WebDriverException:  # a driver that did not start in time on a busy machine: once more
        driver = webdriver.Chrome(
            service=Service(executable_path=str(CHROMEDRIVER)), options=options
        )
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: object, name: str) -> None:
    """The whole page as docs/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")  # type: ignore[attr-defined]
    driver.set_window_size(1280, max(700, min(int(height) + 40, 3000)))  # type: ignore[attr-defined]
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))  # type: ignore[attr-defined]
    driver.set_window_size(1280, 900)  # type: ignore[attr-defined]


def text_of(driver: object) -> str:
    body = driver.find_element("tag name", "body").text  # type: ignore[attr-defined]
    return " ".join(str(body).replace("\u00a0", " ").split())


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Site:
    world: World
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


def follow(driver: object, how: str, what: str) -> None:
    """Click and wait (up to a minute: a POST here writes, queues mails and exports the feeds,
    slow on a loaded machine) until the next page has loaded; tried again only while this page
    is still the one shown."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 60)
    for attempt in range(3):
        old = driver.find_element("tag name", "html")  # type: ignore[attr-defined]
        found = _present(driver, how, what)
        if not found:
            url = driver.current_url  # type: ignore[attr-defined]
            raise AssertionError(f"no {what!r} on {url}, which says: {text_of(driver)[:600]}")
        try:
            found[0].click()
            wait.until(expected_conditions.staleness_of(old))
            break
        except WebDriverException:
            try:
                old.is_enabled()  # still this page: the click did not land
            except StaleElementReferenceException:
                break  # the page changed while we waited
            if attempt == 2:
                raise
            time.sleep(0.3)
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def _present(driver: object, how: str, what: str, seconds: float = 10) -> list[object]:
    """The elements found by (`how`, `what`), waiting a little for a page still being shown."""
    deadline = time.monotonic() + seconds
    while True:
        found: list[object] = driver.find_elements(how, what)  # type: ignore[attr-defined]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def sign_in(driver: object, site: Site) -> None:
    issued = signin.mint_link(site.world.settings, site.world.engine, CAMILLE, site.clock())
    driver.get(issued.url.replace(site.world.settings.feeds.base_url, site.base))  # type: ignore[attr-defined]
    follow(driver, BY, "main form button")


def Select(element: object) -> object:
    from selenium.webdriver.support.ui import Select as Chosen

    return Chosen(element)


def set_value(driver: object, selector: str, value: str) -> None:
    """Fill a date, time or text field (date pickers differ by locale; the value does not)."""
    element = driver.find_element(BY, selector)  # type: ignore[attr-defined]
    driver.execute_script("arguments[0].value = arguments[1];", element, value)  # type: ignore[attr-defined]
