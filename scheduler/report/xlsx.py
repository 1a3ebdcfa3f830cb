"""The report as an Excel workbook, for the facilitator who reworks it: numbers are numbers,
dates are dates, statuses and ritual kinds are French words.

    Synthèse     the year's key figures beside the previous year's
    Rencontres   one row per meeting of the year: Date, Rituel, Acheteur, Statut, Invités,
                 Acceptés, Refusés, Présents
    Acheteurs    one row per buyer
    Résultats    the scheme's results per buyer, when some were imported for the year
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.core.figures import YearFigures
from scheduler.core.kinds import OrganisationRole
from scheduler.report import french
from scheduler.report.content import YearReport

MEETING_HEADERS = (
    "Date",
    "Rituel",
    "Acheteur",
    "Statut",
    "Invités",
    "Acceptés",
    "Refusés",
    "Présents",
)
DATE_TIME = "dd/mm/yyyy hh:mm"
DATE = "dd/mm/yyyy"
PERCENT = "0.0 %"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="2F6F5E")
FIXED_TIME = datetime(2000, 1, 1)
"""Stamped as the workbook's creation and change dates, so the same figures give the same
file."""

Cell = str | int | float | datetime | None


def render_xlsx(report: YearReport) -> bytes:
    """The workbook's bytes."""
    workbook = Workbook()
    workbook.properties.creator = report.guichet
    workbook.properties.title = f"Bilan {report.year}"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    summary = workbook.active
    assert summary is not None
    summary.title = "Synthèse"
    _summary(summary, report)
    _meetings(workbook.create_sheet("Rencontres"), report)
    _buyers(workbook.create_sheet("Acheteurs"), report)
    if report.current.has_results:
        _results(workbook.create_sheet("Résultats"), report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary(sheet: Worksheet, report: YearReport) -> None:
    now, before = report.current, report.previous
    _header(sheet, ("Indicateur", str(report.year), str(before.year)))
    rows: list[tuple[str, Cell, Cell, str | None]] = [
        ("Rencontres au calendrier", now.meetings.total, before.meetings.total, None),
        ("Rencontres tenues", now.meetings.held, before.meetings.held, None),
        ("Rencontres annulées", now.meetings.cancelled, before.meetings.cancelled, None),
        ("Rencontres à venir", now.meetings.to_come, before.meetings.to_come, None),
        (
            "Rencontres dont la présence n'est pas renseignée",
            now.meetings.unrecorded,
            before.meetings.unrecorded,
            None,
        ),
        ("Invitations", now.answers.invited, before.answers.invited, None),
        ("Taux de réponse", now.answers.answer_rate, before.answers.answer_rate, PERCENT),
        (
            "Taux d'acceptation",
            now.answers.acceptance_rate,
            before.answers.acceptance_rate,
            PERCENT,
        ),
        ("Taux de présence", now.answers.attendance_rate, before.answers.attendance_rate, PERCENT),
        ("Personnes présentes", now.answers.people_present, before.answers.people_present, None),
    ]
    for role in OrganisationRole:
        rows.append(
            (
                f"{french.ROLES[role]} mobilisés",
                len(now.taking_part[role]),
                len(before.taking_part[role]),
                None,
            )
        )
    rows += [
        ("Conventions en vigueur", now.conventions.active, before.conventions.active, None),
        ("Premières conventions", now.conventions.new, before.conventions.new, None),
        ("Conventions renouvelées", now.conventions.renewed, before.conventions.renewed, None),
        (
            "Conventions arrivant à échéance l'année suivante",
            now.conventions.ending_next_year,
            before.conventions.ending_next_year,
            None,
        ),
        (
            "Participations financières (€)",
            now.conventions.financial_participation_cents / 100,
            before.conventions.financial_participation_cents / 100,
            "#,##0",
        ),
    ]
    if now.has_results or before.has_results:
        rows += _result_rows(now, before)
    for label, current, previous, number_format in rows:
        sheet.append([label, current, previous])
        if number_format:
            for cell in sheet[sheet.max_row][1:]:
                cell.number_format = number_format
    _widths(sheet, (52, 12, 12))


def _result_rows(now: YearFigures, before: YearFigures) -> list[tuple[str, Cell, Cell, str | None]]:
    def total(figures: YearFigures, value: float) -> Cell:
        return value if figures.has_results else None

    return [
        (
            "Marchés avec clause sociale",
            total(now, now.results.contracts),
            total(before, before.results.contracts),
            None,
        ),
        (
            "Heures d'insertion réalisées",
            total(now, now.results.insertion_hours),
            total(before, before.results.insertion_hours),
            "#,##0.0",
        ),
        (
            "Participants",
            total(now, now.results.participants),
            total(before, before.results.participants),
            None,
        ),
        (
            "Entreprises",
            total(now, now.results.companies),
            total(before, before.results.companies),
            None,
        ),
    ]


def _meetings(sheet: Worksheet, report: YearReport) -> None:
    zone = ZoneInfo(report.timezone)
    _header(sheet, MEETING_HEADERS)
    for line in report.current.lines:
        sheet.append(
            [
                line.start.astimezone(zone).replace(tzinfo=None),
                report.title(line.kind),
                report.buyer_of(line),
                french.STATUS[line.status],
                line.invited,
                line.accepted,
                line.declined,
                line.present,
            ]
        )
        sheet.cell(sheet.max_row, 1).number_format = DATE_TIME
    _widths(sheet, (17, 48, 32, 11, 9, 10, 9, 10))
    sheet.auto_filter.ref = sheet.dimensions


def _buyers(sheet: Worksheet, report: YearReport) -> None:
    _header(
        sheet,
        (
            "Acheteur",
            "Rendez-vous annuel",
            "Rendez-vous tenu",
            "Rencontres suivies",
            "Personnes présentes",
            "Convention",
            "Fin de convention",
            "Renouvelée le",
            "Participation financière (€)",
        ),
    )
    for buyer in report.buyers:
        sheet.append(
            [
                buyer.name,
                buyer.review_day,
                "oui" if buyer.review_held else "non",
                buyer.meetings_attended,
                buyer.people_present,
                french.convention(buyer.convention, buyer.convention_end, buyer.renewed_on),
                buyer.convention_end,
                buyer.renewed_on,
                buyer.financial_participation_cents / 100
                if buyer.financial_participation_cents is not None
                else None,
            ]
        )
        for column in (2, 7, 8):
            sheet.cell(sheet.max_row, column).number_format = DATE
    others = report.others
    if others is not None:
        sheet.append(
            [
                others.label,
                None,
                f"{others.reviews_held} sur {others.reviews}",
                others.meetings_attended,
                others.people_present,
                "non publiée",
            ]
        )
    _widths(sheet, (34, 14, 12, 12, 12, 44, 14, 14, 16))


def _results(sheet: Worksheet, report: YearReport) -> None:
    _header(
        sheet,
        (
            "Acheteur",
            "Année",
            "Marchés avec clause sociale",
            "Heures d'insertion",
            "Participants",
            "Entreprises",
        ),
    )
    for buyer in report.buyers:
        if buyer.result is not None:
            result = buyer.result
            sheet.append(
                [
                    buyer.name,
                    result.year,
                    result.contracts,
                    result.insertion_hours,
                    result.participants,
                    result.companies,
                ]
            )
    others = report.others
    if others is not None and others.results.buyers:
        hidden = others.results
        sheet.append(
            [
                f"Autres acheteurs partenaires ({hidden.buyers})",
                report.year,
                hidden.contracts,
                hidden.insertion_hours,
                hidden.participants,
                hidden.companies,
            ]
        )
    totals = report.current.results
    sheet.append(
        [
            "Total",
            report.year,
            totals.contracts,
            totals.insertion_hours,
            totals.participants,
            totals.companies,
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    _widths(sheet, (34, 8, 16, 16, 12, 12))


def _header(sheet: Worksheet, headers: Sequence[str]) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "A2"


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
