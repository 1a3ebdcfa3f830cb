"""`rituel report YEAR` in each format, read back as its reader would: the workbook with
openpyxl, the PDF's text with pdftotext and its pages as PNG images with pdftoppm, the HTML
page's French."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scheduler.cli import main
from scheduler.report import ReportFormat
from scheduler.service.publish.report import render_report, year_report
from tests.year_world import NOW, YearWorld

NNBSP, NBSP = "\u202f", "\u00a0"


def report_of(world: YearWorld):
    return year_report(world.settings, world.engine, 2027, NOW)


def written(world: YearWorld, fmt: str, capsys: pytest.CaptureFixture[str], *more: str) -> Path:
    out = world.folder / f"bilan{''.join(more)}.{fmt}"
    config = str(world.folder / "config.toml")
    status = main(
        [
            "report",
            "2027",
            "--format",
            fmt,
            "--out",
            str(out),
            "-c",
            config,
            "--now",
            NOW.isoformat(),
            *more,
        ]
    )
    assert status == 0
    assert f"written to {out}" in capsys.readouterr().out
    return out


# --- XLSX ----------------------------------------------------------------------------------------


def test_the_workbook_has_its_four_sheets(world: YearWorld, capsys) -> None:
    book = load_workbook(written(world, "xlsx", capsys))
    assert book.sheetnames == ["Synthèse", "Rencontres", "Acheteurs", "Résultats"]


def test_the_meetings_sheet_has_one_row_per_meeting_with_typed_cells(world: YearWorld) -> None:
    book = load_workbook_of(world)
    sheet = book["Rencontres"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Date",
        "Rituel",
        "Acheteur",
        "Statut",
        "Invités",
        "Acceptés",
        "Refusés",
        "Présents",
    )
    assert rows[1:] == [
        (
            datetime(2027, 3, 11, 9, 30),
            "Club des acheteurs socialement responsables",
            None,
            "tenue",
            4,
            2,
            1,
            2,
        ),
        (
            datetime(2027, 3, 18, 18, 0),
            "After-work achat socialement responsable",
            None,
            "annulée",
            2,
            1,
            0,
            None,
        ),
        (
            datetime(2027, 9, 14, 10, 0),
            "Rendez-vous annuel sur la programmation des achats",
            "Ville de Lisière",
            "tenue",
            2,
            2,
            0,
            2,
        ),
        (
            datetime(2027, 12, 16, 18, 0),
            "After-work achat socialement responsable",
            None,
            "annoncée",
            1,
            0,
            0,
            None,
        ),
    ]
    assert sheet["A2"].is_date


def test_the_summary_sheet_sets_the_year_beside_the_previous_one(world: YearWorld) -> None:
    sheet = load_workbook_of(world)["Synthèse"]
    values = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert sheet["B1"].value == "2027"
    assert sheet["C1"].value == "2026"
    assert values["Rencontres tenues"] == (2, 0)
    assert values["Rencontres annulées"] == (1, 0)
    assert values["Taux de présence"][0] == pytest.approx(4 / 6)
    assert values["Acheteurs publics mobilisés"] == (2, 0)
    assert values["Heures d'insertion réalisées"] == (4520.5, 3000.0)
    assert values["Participations financières (€)"] == (150000, 0)


def test_the_buyers_and_results_sheets(world: YearWorld) -> None:
    book = load_workbook_of(world)
    buyers = list(book["Acheteurs"].iter_rows(values_only=True))
    assert [row[0] for row in buyers[1:]] == [
        "Ville de Lisière",
        "Autres acheteurs partenaires (2)",
    ]
    ville = buyers[1]
    assert ville[1] == datetime(2027, 9, 14)
    assert ville[2:5] == ("oui", 2, 2)
    assert buyers[2][2:5] == ("0 sur 0", 1, 1)  # the Métropole's one meeting and one person
    results = list(book["Résultats"].iter_rows(values_only=True))
    assert results[1] == ("Ville de Lisière", 2027, 12, 4520.5, 37, 9)
    assert results[-1] == ("Total", 2027, 12, 4520.5, 37, 9)


def test_no_results_sheet_when_none_were_imported(world: YearWorld) -> None:
    report = year_report(world.settings, world.engine, 2025, NOW)
    book = load_workbook_bytes(render_report(report, ReportFormat.XLSX), world.folder)
    assert "Résultats" not in book.sheetnames


def load_workbook_of(world: YearWorld):
    return load_workbook_bytes(render_report(report_of(world), ReportFormat.XLSX), world.folder)


def load_workbook_bytes(content: bytes, folder: Path):
    path = folder / "read-back.xlsx"
    path.write_bytes(content)
    return load_workbook(path)


# --- confidentiality -------------------------------------------------------------------------


HIDDEN = ("Métropole de Lisière", "Hôpital discret", "metropole", "hopital")


def every_cell(path: Path) -> str:
    book = load_workbook(path)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def test_a_handout_names_only_the_buyers_that_made_their_commitment_public(
    world: YearWorld, capsys
) -> None:
    page = written(world, "html", capsys).read_text(encoding="utf-8")
    cells = every_cell(written(world, "xlsx", capsys))
    for text in (page, cells):
        assert "Ville de Lisière" in text
        assert not any(name in text for name in HIDDEN)
        assert "Autres acheteurs partenaires (2)" in text
    assert f"et 1{NBSP}autre acheteur partenaire" in page  # the Métropole took part
    assert "Autre acheteur partenaire" not in cells  # its meetings were all territory ones


def test_the_guichets_own_copy_names_every_buyer(world: YearWorld, capsys) -> None:
    page = written(world, "html", capsys, "--internal").read_text(encoding="utf-8")
    cells = every_cell(written(world, "xlsx", capsys, "--internal"))
    for text in (page, cells):
        assert "Métropole de Lisière" in text
        assert "Hôpital discret" in text
        assert "Autres acheteurs partenaires" not in text


# --- HTML ----------------------------------------------------------------------------------------


def test_the_html_report_writes_french_numbers_and_charts(world: YearWorld, capsys) -> None:
    page = written(world, "html", capsys).read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert "Bilan 2027 du partenariat avec les acheteurs publics" in page
    assert f"66,7{NBSP}%" in page  # attendance: 4 present of 6 invited to held meetings
    assert f"4{NNBSP}520,5" in page  # insertion hours
    assert f"150{NNBSP}000{NBSP}€" in page
    assert page.count("<svg") == 4
    assert "Document établi le mercredi 15 décembre 2027" in page


def test_the_html_report_escapes_what_the_directory_holds(world: YearWorld) -> None:
    page = render_report(report_of(world), ReportFormat.HTML).decode()
    assert "<script" not in page
    assert re.search(r"<td>Ville de Lisière</td>", page)


def test_charts_are_the_same_bytes_for_the_same_figures(world: YearWorld) -> None:
    report = report_of(world)
    assert render_report(report, ReportFormat.HTML) == render_report(report, ReportFormat.HTML)


# --- PDF -----------------------------------------------------------------------------------------


def test_the_pdf_reads_back_in_french_and_its_pages_render(
    world: YearWorld, capsys, poppler: None, weasyprint: None
) -> None:
    pdf = written(world, "pdf", capsys)
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Bilan 2027 du partenariat avec les acheteurs publics" in flat
    assert "2 rencontres tenues" in flat
    assert "Les résultats de la clause sociale" in flat
    assert "Ville de Lisière" in flat
    assert "janv." in flat  # the charts' text is text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"Page size:\s+595\.\d* x 841\.\d* pts \(A4\)", info.stdout)
    prefix = world.folder / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(prefix)], check=True)
    pages = sorted(world.folder.glob("page-*.png"))
    assert len(pages) >= 2
    assert all(page.read_bytes().startswith(b"\x89PNG") for page in pages)


def test_a_year_without_facts_still_gives_a_report(world: YearWorld) -> None:
    report = year_report(world.settings, world.engine, 2031, NOW)
    page = render_report(report, ReportFormat.HTML).decode()
    assert "Aucune invitation n'a été envoyée" in page
    assert "Aucun acheteur cette année." in page
    assert page.count("<svg") == 2  # no buyers chart, no results chart
    book = load_workbook_bytes(render_report(report, ReportFormat.XLSX), world.folder)
    assert book.sheetnames == ["Synthèse", "Rencontres", "Acheteurs"]
    assert book["Rencontres"].max_row == 1
