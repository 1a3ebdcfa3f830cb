"""A headless Chromium driven by Selenium, for tests of what a visitor sees.

Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver); the driver's
path is given, so Selenium Manager never runs nor downloads anything. Outside CI a missing
browser skips the test with the line that installs it; under CI it fails.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL = "apt-get install -y chromium chromium-driver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1000,1400",
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
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            yield driver
        finally:
            driver.quit()
