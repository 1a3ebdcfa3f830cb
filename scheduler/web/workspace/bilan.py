"""The « Bilan » page: the year report of scheduler.report inside the workspace (the same
sections, from the same template, with the charts as inline SVG), a year selector, and the
report's downloads in HTML, PDF and XLSX.

Like `rituel report`, the page and its downloads name only the buyers that made their
commitment public, unless the facilitator asks for the internal version (`interne=1`, the
CLI's `--internal`), whose files are named bilan-YEAR-interne.* so that they say what they are.

matplotlib, WeasyPrint and openpyxl load on the first report asked for, not when the web
server starts.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import TYPE_CHECKING

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.report.content import ReportFormat
from scheduler.service.access.signin import SignedIn
from scheduler.service.publish.workspace import local_today
from scheduler.web.workspace.pages import Pages
from scheduler.web.workspace.render import HEADERS

if TYPE_CHECKING:
    from scheduler.report.content import YearReport

FIRST_YEAR = 2000
"""The first year a report can be asked for (as `rituel report`)."""
SHOWN_YEARS = 10
"""How many years the selector offers, the current one first."""
DOWNLOAD = re.compile(r"bilan-([0-9]{4})(-interne)?\.(html|pdf|xlsx)")
MEDIA_TYPES = {
    ReportFormat.HTML: "text/html; charset=utf-8",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PAGE_HEADERS = {
    **HEADERS,
    # matplotlib's SVG carries its colours in style attributes, which `style-src 'self'` would
    # drop: this page alone allows inline styles (never scripts: default-src stays 'none').
    "Content-Security-Policy": HEADERS["Content-Security-Policy"].replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'"
    ),
    "Cache-Control": "no-store",
}
FILE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    # a downloaded HTML report opened from this address runs nothing and reaches nothing
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}


class BilanPages(Pages):
    """The « Bilan » page and its downloads, behind the same session check as every page."""

    def routes(self) -> list[Route]:
        """The page's route and the downloads' route."""
        handlers: dict[str, Callable[[Request, SignedIn], Awaitable[Response]]] = {
            "/bilan": self.bilan,
            "/bilan/{name}": self.download,
        }
        return [
            Route(path, self._guarded(handler), methods=["GET"])
            for path, handler in handlers.items()
        ]

    def _today(self) -> date:
        return local_today(self.settings, self.gate.clock())

    async def bilan(self, request: Request, who: SignedIn) -> Response:
        """The year's figures beside the previous year's, with the charts and the downloads."""
        from scheduler.report.html import render_sections
        from scheduler.service.publish import report as reports

        today = self._today()
        asked = request.query_params.get("annee")
        year = _year(asked, today) if asked else reports.default_year(today)
        if year is None:
            return self._missing(who)
        internal = request.query_params.get("interne") == "1"
        report = await run_in_threadpool(self._report, year, internal=internal)
        sections: Markup = await run_in_threadpool(render_sections, report)
        newest = today.year
        years = list(range(newest, max(FIRST_YEAR, newest - SHOWN_YEARS + 1) - 1, -1))
        if year not in years:
            years.insert(0 if year > newest else len(years), year)
        response = self._page(
            who,
            "bilan.html",
            year=year,
            years=years,
            internal=internal,
            sections=sections,
            downloads=[
                (fmt, reports.file_name(year, fmt, internal=internal)) for fmt in ReportFormat
            ],
            section="bilan",
        )
        response.headers.update(PAGE_HEADERS)
        return response

    async def download(self, request: Request, who: SignedIn) -> Response:
        """bilan-2027.pdf (or -interne): the rendered report, as a file to save."""
        from scheduler.service.publish import report as reports

        found = DOWNLOAD.fullmatch(request.path_params["name"])
        year = _year(found[1], self._today()) if found else None
        if found is None or year is None:
            return self._missing(who)
        internal, fmt = found[2] is not None, ReportFormat(found[3])
        report = await run_in_threadpool(self._report, year, internal=internal)
        content = await run_in_threadpool(reports.render_report, report, fmt)
        name = reports.file_name(year, fmt, internal=internal)
        return Response(
            content,
            media_type=MEDIA_TYPES[fmt],
            headers={**FILE_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'},
        )

    def _report(self, year: int, *, internal: bool) -> YearReport:
        from scheduler.service.publish import report as reports

        return reports.year_report(
            self.settings, self.engine, year, self.gate.clock(), every_buyer=internal
        )


def _year(text: str, today: date) -> int | None:
    """The year asked for, when it is one a report can be made of (2000 to next year)."""
    if not (text.isdigit() and len(text) == 4):
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= today.year + 1 else None


__all__ = ["BilanPages"]
