"""The workspace's « Bilan » page over real HTTP, on the report's year of facts (2027 seen on
15 December 2027): the same figures as `rituel report`, beside 2026's, with the charts inline;
the handout names only the Ville (the one buyer that made its commitment public), the internal
version every buyer; each download is the rendered report, read back as its reader would; and
nothing without a session."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from scheduler.service.access import signin
from scheduler.service.publish.public import publish
from scheduler.service.publish.report import default_year
from scheduler.web import create_app
from tests.factories import add_buyer, settings_in
from tests.report.conftest import PANGO, POPPLER, require
from tests.web.test_workspace_pages import CSRF, queries_per_page, shown
from tests.web_server import serving
from tests.year_world import NOW, YearWorld, build_year

NNBSP = "\u202f"
CAMILLE = "camille@guichet.example"
HIDDEN = ("Métropole de Lisière", "Hôpital discret")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[YearWorld]:
    folder = tmp_path_factory.mktemp("bilan")
    settings, engine = settings_in(folder)
    try:
        made = build_year(settings, engine, folder)
        publish(engine, "ville-de-lisiere", NOW, "Europe/Paris", "Nos chantiers insèrent.")
        yield made
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def base(world: YearWorld) -> Iterator[str]:
    with serving(create_app(world.settings, world.engine, clock=lambda: NOW)) as url:
        yield url


def signed_in(world: YearWorld, base: str) -> httpx.Client:
    """A browser signed in as Camille at NOW."""
    browser = httpx.Client(base_url=base, follow_redirects=False, timeout=60)
    issued = signin.mint_link(world.settings, world.engine, CAMILLE, NOW)
    path = issued.url.removeprefix(world.settings.feeds.base_url)
    found = CSRF.search(browser.get(path).text)
    assert found
    assert browser.post(path, data={"csrf": found[1]}).status_code == 303
    return browser


@pytest.fixture(scope="module")
def camille(world: YearWorld, base: str) -> Iterator[httpx.Client]:
    browser = signed_in(world, base)
    yield browser
    browser.close()


def test_without_a_session_neither_the_page_nor_a_download_gives_any_figure(base: str) -> None:
    with httpx.Client(base_url=base, follow_redirects=False, timeout=20) as stranger:
        for path in (
            "/bilan",
            "/bilan?annee=2027&interne=1",
            "/bilan/bilan-2027.html",
            "/bilan/bilan-2027.pdf",
            "/bilan/bilan-2027-interne.xlsx",
        ):
            answer = stranger.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"] == "/connexion"
            assert "Lisière" not in answer.text
            assert not answer.headers.get("content-disposition")


def test_the_page_shows_the_years_figures_beside_the_last_years_with_inline_charts(
    camille: httpx.Client,
) -> None:
    answer = camille.get("/bilan")  # on 15 December 2027: this year's
    text = shown(answer)
    assert "Bilan de l'année 2027" in text
    assert "Bilan 2027 du partenariat avec les acheteurs publics" in text
    assert "comparé à l'année 2026" in text
    assert "2 rencontres tenues" in text
    assert "En 2027, 4 rencontres étaient inscrites au calendrier : 2 tenues, 1 annulée" in text
    assert "66,7 % taux de présence des invités" in text  # 4 present of 6 invited
    assert "4 520,5" in text  # the Ville's insertion hours, 3 000 in 2026
    assert f"4{NNBSP}520,5" in answer.text  # numbers the French way
    assert "150 000 €" in text  # the Ville's renewed convention
    assert (
        "Ville de Lisière tenu le 14/09/2027 2 2 renouvelée le 01/01/2027" in text
    )  # the Ville's programming review
    assert answer.text.count("<svg") == 4
    assert '<option value="2027" selected>' in answer.text
    assert '<a href="/bilan" aria-current="page">Bilan</a>' in answer.text


def test_the_page_names_only_public_buyers_unless_the_internal_version_is_asked_for(
    camille: httpx.Client,
) -> None:
    handout = shown(camille.get("/bilan?annee=2027"))
    assert "Ville de Lisière" in handout
    assert "Autres acheteurs partenaires (2)" in handout
    assert not any(name in handout for name in HIDDEN)
    assert "Version à diffuser" in handout
    assert 'href="/bilan/bilan-2027.pdf"' in camille.get("/bilan").text

    internal = camille.get("/bilan?annee=2027&interne=1")
    text = shown(internal)
    assert all(name in text for name in HIDDEN)
    assert "Autres acheteurs partenaires" not in text
    assert "réservée au guichet" in text
    assert 'href="/bilan/bilan-2027-interne.xlsx"' in internal.text


def test_a_chosen_year_and_a_year_that_cannot_be_reported_on(camille: httpx.Client) -> None:
    text = shown(camille.get("/bilan?annee=2026"))
    assert "Bilan 2026 du partenariat" in text
    assert "comparé à l'année 2025" in text
    for year in ("1999", "2029", "27", "deux"):
        assert camille.get(f"/bilan?annee={year}").status_code == 404
    for name in ("bilan-2027.doc", "bilan-1999.pdf", "rapport-2027.pdf", "bilan-2027-x.xlsx"):
        assert camille.get(f"/bilan/{name}").status_code == 404


def test_the_page_lets_the_charts_styles_in_and_no_script(camille: httpx.Client) -> None:
    policy = camille.get("/bilan").headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src" not in policy
    assert camille.get("/acheteurs").headers["content-security-policy"].count("unsafe") == 0


def download(camille: httpx.Client, name: str, media_type: str) -> bytes:
    answer = camille.get(f"/bilan/{name}")
    assert answer.status_code == 200, answer.text[:300]
    assert answer.headers["content-type"] == media_type
    assert answer.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert answer.headers["cache-control"] == "no-store"
    return answer.content


def cells(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_the_workbook_download_reads_back_with_the_years_figures(camille: httpx.Client) -> None:
    content = download(camille, "bilan-2027.xlsx", XLSX)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Synthèse", "Rencontres", "Acheteurs", "Résultats"]
    summary = {row[0]: row[1:3] for row in book["Synthèse"].iter_rows(values_only=True)}
    assert summary["Rencontres tenues"] == (2, 0)
    assert summary["Heures d'insertion réalisées"] == (4520.5, 3000.0)
    assert book["Rencontres"]["A1"].value == "Date"
    assert not any(name in cells(content) for name in HIDDEN)

    internal = cells(download(camille, "bilan-2027-interne.xlsx", XLSX))
    assert all(name in internal for name in HIDDEN)


def test_the_html_download_is_the_whole_report_page(camille: httpx.Client) -> None:
    page = download(camille, "bilan-2027.html", "text/html; charset=utf-8").decode("utf-8")
    assert page.startswith("<!doctype html>")
    assert '<html lang="fr">' in page
    assert "<style>" in page
    assert page.count("<svg") == 4
    assert "Ville de Lisière" in page
    assert not any(name in page for name in HIDDEN)


def test_the_pdf_download_reads_back_in_french(
    camille: httpx.Client, tmp_path: Path, world: YearWorld
) -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        require(False, PANGO)
    require(shutil.which("pdftotext") is not None, POPPLER)
    pdf = tmp_path / "bilan-2027-interne.pdf"
    pdf.write_bytes(download(camille, pdf.name, "application/pdf"))
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Bilan 2027 du partenariat avec les acheteurs publics" in flat
    assert "2 rencontres tenues" in flat
    assert all(name in flat for name in HIDDEN)


@pytest.mark.parametrize(
    ("today", "year"),
    [(date(2028, 1, 10), 2027), (date(2028, 2, 29), 2027), (date(2028, 3, 1), 2028)],
)
def test_the_page_opens_on_the_year_just_ended_until_march(today: date, year: int) -> None:
    assert default_year(today) == year


def test_the_page_and_a_download_run_as_many_queries_with_300_more_buyers(
    tmp_path: Path,
) -> None:
    settings, engine = settings_in(tmp_path)
    world = build_year(settings, engine, tmp_path)
    paths = ["/bilan", "/bilan?interne=1", "/bilan/bilan-2027.xlsx"]
    with serving(create_app(settings, engine, clock=lambda: NOW)) as url:
        browser = signed_in(world, url)
        browser.get("/")
        before = queries_per_page(world, browser, paths)  # type: ignore[arg-type]
        for n in range(300):
            add_buyer(engine, f"commune-{n:03d}", contact_email=f"achats@commune-{n:03d}.example")
        after = queries_per_page(world, browser, paths)  # type: ignore[arg-type]
        browser.close()
    engine.dispose()
    assert after == before
    assert max(after.values()) <= 12  # 9 today: the session, the year's facts, the public buyers
