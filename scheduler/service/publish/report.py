"""The year report (`rituel report YEAR`): read the facts of the year and the one before, compute
their figures (pure, scheduler.core.figures), render them (scheduler.report) and write the file.

Each step tells `progress` its name, so the command line can show a bar when it is slow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.core.figures import year_figures
from scheduler.core.kinds import RitualKind
from scheduler.report import ReportFormat, YearReport
from scheduler.report.html import render_html
from scheduler.report.pdf import render_pdf
from scheduler.report.xlsx import render_xlsx
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.event_views import ritual_title
from scheduler.service.publish.feeds import write_if_changed
from scheduler.store.db import read_session
from scheduler.store.year_facts import public_buyers, year_facts

Progress = Callable[[str], None]
STEPS = {ReportFormat.HTML: 4, ReportFormat.PDF: 5, ReportFormat.XLSX: 3}
"""How many times each format calls `progress`."""


def _silent(_step: str) -> None:
    return None


def year_report(
    settings: Settings,
    engine: Engine,
    year: int,
    now: datetime,
    progress: Progress = _silent,
    *,
    every_buyer: bool = False,
) -> YearReport:
    """The figures of `year` and of the year before, as known at `now`. The report names only
    the buyers that made their commitment public that year, unless `every_buyer` (the guichet's
    own copy)."""
    zone = ZoneInfo(settings.organisation.timezone)
    progress("reading the facts")
    with read_session(engine) as session:
        settings = effective_settings(settings, session)
        facts = year_facts(
            session,
            datetime(year - 1, 1, 1, tzinfo=zone),
            datetime(year + 1, 1, 1, tzinfo=zone),
        )
        named = (
            None if every_buyer else public_buyers(session, date(year, 1, 1), date(year, 12, 31))
        )
    progress("computing the figures")
    timezone = settings.organisation.timezone
    return YearReport(
        guichet=settings.organisation.name,
        current=year_figures(facts, year, now, timezone),
        previous=year_figures(facts, year - 1, now, timezone),
        titles={kind: ritual_title(settings, kind, "fr") for kind in RitualKind},
        timezone=timezone,
        made_at=now.astimezone(zone),
        named=named,
    )


def render_report(report: YearReport, fmt: ReportFormat, progress: Progress = _silent) -> bytes:
    """The report's bytes in `fmt`."""
    if fmt is ReportFormat.XLSX:
        progress("writing the workbook")
        return render_xlsx(report)
    html = render_html(report, progress)
    if fmt is ReportFormat.HTML:
        return html.encode("utf-8")
    progress("printing the PDF")
    return render_pdf(html)


def default_path(year: int, fmt: ReportFormat) -> Path:
    """Where a report goes when no --out is given: bilan-2027.pdf."""
    return Path(f"bilan-{year}.{fmt.value}")


def write_report(
    settings: Settings,
    engine: Engine,
    year: int,
    now: datetime,
    fmt: ReportFormat,
    out: Path,
    progress: Progress = _silent,
    *,
    every_buyer: bool = False,
) -> Path:
    """Compute and render the report of `year`, and write it to `out` (atomically)."""
    report = year_report(settings, engine, year, now, progress, every_buyer=every_buyer)
    content = render_report(report, fmt, progress)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(out, content)
    return out


def default_year(today: date) -> int:
    """The year a facilitator most likely wants to look at on `today`: until the end of
    February the year just ended (the restitution meeting is held early in the year), from
    March the current one."""
    return today.year - 1 if today.month < 3 else today.year


def file_name(year: int, fmt: ReportFormat, *, internal: bool) -> str:
    """The downloaded file's name: bilan-2027.pdf, or bilan-2027-interne.pdf for the guichet's
    own copy, so that a copy naming every buyer says so wherever it is saved."""
    return f"bilan-{year}{'-interne' if internal else ''}.{fmt.value}"
