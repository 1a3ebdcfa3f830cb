"""The report as one self-contained French HTML page (styles and SVG charts inline), laid out
for the screen and for A4 paper; the PDF is this page printed by WeasyPrint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from scheduler.core.figures import Answers, Tally
from scheduler.core.kinds import OrganisationRole, RitualKind
from scheduler.report import charts, french
from scheduler.report.content import YearReport

TEMPLATES = Path(__file__).resolve().parent / "templates"

_pages = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_pages.filters.update(
    number=french.number,
    percent=french.percent,
    euros=french.euros,
    day=french.day,
    short_day=french.short_day,
)


@dataclass(frozen=True)
class KindRow:
    """One ritual kind's line in the tables: this year and the last."""

    title: str
    meetings: Tally
    previous: Tally
    answers: Answers
    previous_answers: Answers


@dataclass(frozen=True)
class Charts:
    """The four charts, as inline SVG."""

    by_month: Markup
    attendance: Markup
    buyers: Markup
    results: Markup | None


def render_html(report: YearReport, progress: Callable[[str], None] | None = None) -> str:
    """The report's HTML page; `progress` is told each step."""
    return _pages.get_template("report.html").render(_context(report, progress))


def render_sections(report: YearReport) -> Markup:
    """The report's content without its page (no <html>, no styles), for the workspace's
    « Bilan » page: the same sections as the report, from the same template."""
    body = _pages.get_template("report_body.html").render(_context(report, None))
    return Markup(body)  # noqa: S704 (rendered by our own autoescaping template)


def _context(report: YearReport, progress: Callable[[str], None] | None) -> dict[str, object]:
    step = progress or (lambda _: None)
    step("charts")
    drawn = Charts(
        by_month=Markup(charts.meetings_by_month(report)),  # noqa: S704 (our own SVG)
        attendance=Markup(charts.attendance_by_ritual(report)),  # noqa: S704
        buyers=Markup(charts.buyers_participation(report)),  # noqa: S704
        results=Markup(charts.results_by_buyer(report))  # noqa: S704
        if report.current.has_results
        else None,
    )
    step("page")
    return {
        "report": report,
        "now": report.current,
        "before": report.previous,
        "kinds": kind_rows(report),
        "charts": drawn,
        "roles": [(french.ROLES[role], *report.taking_part(role)) for role in OrganisationRole],
        "convention": french.convention,
        "plural": french.plural,
        "made_on": report.made_at.date(),
    }


def kind_rows(report: YearReport) -> list[KindRow]:
    """A line per ritual kind met this year or last, in the handbook's order."""
    current, previous = report.current, report.previous
    return [
        KindRow(
            title=report.title(kind),
            meetings=current.by_kind.get(kind, Tally()),
            previous=previous.by_kind.get(kind, Tally()),
            answers=current.answers_by_kind.get(kind, Answers()),
            previous_answers=previous.answers_by_kind.get(kind, Answers()),
        )
        for kind in RitualKind
        if kind in current.by_kind or kind in previous.by_kind
    ]
