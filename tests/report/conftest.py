"""Report tests: a year of facts in a SQLite database (the Ville made its commitment public,
the Métropole and the Hôpital did not), and the system tools that read a PDF back
(poppler's pdftotext and pdftoppm) and print one (WeasyPrint's Pango). Outside CI a missing tool
skips the test with the line that installs it; under CI (`CI` set) it fails the test."""

from __future__ import annotations

import os
import shutil

import pytest

from scheduler.service.publish.public import publish
from tests.factories import settings_in
from tests.year_world import NOW, YearWorld, build_year

POPPLER = "apt-get install -y poppler-utils"
PANGO = "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"


def require(ready: bool, install: str) -> None:
    """Skip (or, under CI, fail) unless `ready`, saying what to install."""
    if ready:
        return
    message = f"missing system package: {install}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run this test)")
    pytest.skip(message)


@pytest.fixture
def poppler() -> None:
    """pdftotext and pdftoppm are on the PATH."""
    require(bool(shutil.which("pdftotext") and shutil.which("pdftoppm")), POPPLER)


@pytest.fixture
def weasyprint() -> None:
    """WeasyPrint loads (its Pango libraries are installed)."""
    try:
        import weasyprint  # noqa: F401
    except OSError:
        require(False, PANGO)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> YearWorld:
    folder = tmp_path_factory.mktemp("year")
    settings, engine = settings_in(folder)
    try:
        world = build_year(settings, engine, folder)
        publish(engine, "ville-de-lisiere", NOW, "Europe/Paris", "Nos chantiers insèrent.")
        yield world
    finally:
        engine.dispose()
