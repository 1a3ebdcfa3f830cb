"""The report's charts, drawn with matplotlib (object API, no pyplot, so no global state and no
display) and written as SVG with a fixed hash salt and no date, so the same figures give the
same bytes. Labels are French; text stays text (DejaVu Sans), so the PDF can be searched and
read back."""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from scheduler.core.figures import YearFigures
from scheduler.core.kinds import RitualKind
from scheduler.report.content import YearReport
from scheduler.report.french import months, number, percent

HELD = "#2f6f5e"
UNRECORDED = "#e3b448"
TO_COME = "#a9cfc1"
CANCELLED = "#c4564f"
PREVIOUS = "#4a4a4a"
INK = "#222222"
GRID = "#d9d9d9"
WIDTH_INCHES = 6.8


def meetings_by_month(report: YearReport) -> str:
    """Stacked bars of the year's meetings by month and outcome, with last year's held ones."""
    figure, axes = _figure(2.9)
    if not report.current.meetings.total and not report.previous.meetings.held:
        return _empty(figure, axes, "Aucune rencontre cette année")
    current = report.current.by_month
    x = list(range(12))
    bottom = [0] * 12
    for label, colour, values in (
        ("tenues", HELD, [t.held for t in current]),
        ("présence non renseignée", UNRECORDED, [t.unrecorded for t in current]),
        ("à venir", TO_COME, [t.to_come for t in current]),
        ("annulées", CANCELLED, [t.cancelled for t in current]),
    ):
        if any(values):
            axes.bar(x, values, bottom=bottom, color=colour, width=0.7, label=label, zorder=2)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    previous = [t.held for t in report.previous.by_month]
    if any(previous):
        axes.plot(
            x,
            [count or float("nan") for count in previous],  # no mark where none was held
            linestyle="none",
            marker="_",
            markersize=16,
            markeredgewidth=2.2,
            color=PREVIOUS,
            label=f"tenues en {report.previous.year}",
            zorder=3,
        )
    axes.set_xticks(x, months())
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max([*bottom, *previous, 1]) + 0.5)
    _style(axes)
    axes.legend(frameon=False, fontsize=8, ncols=3, loc="upper left", bbox_to_anchor=(0, 1.18))
    return _svg(figure)


def attendance_by_ritual(report: YearReport) -> str:
    """Horizontal bars of the attendance rate by ritual kind, this year and last year."""
    kinds = [
        kind
        for kind in report.current.answers_by_kind
        if report.current.answers_by_kind[kind].invited_to_held
        or _rate(report.previous, kind) is not None
    ]
    figure, axes = _figure(0.6 + 0.55 * max(len(kinds), 1))
    if not kinds:
        return _empty(figure, axes, "Aucune rencontre tenue cette année")
    y = list(range(len(kinds)))
    this_year = [_rate(report.current, kind) or 0.0 for kind in kinds]
    last_year = [_rate(report.previous, kind) or 0.0 for kind in kinds]
    axes.barh([i + 0.18 for i in y], this_year, height=0.36, color=HELD, label=str(report.year))
    axes.barh(
        [i - 0.18 for i in y],
        last_year,
        height=0.36,
        color="#b8b8b8",
        label=str(report.previous.year),
    )
    for i, rate in zip(y, this_year, strict=True):
        axes.text(rate + 0.01, i + 0.18, percent(rate), va="center", fontsize=7.5, color=INK)
    axes.set_yticks(y, [_wrap(report.title(kind)) for kind in kinds])
    axes.invert_yaxis()
    axes.set_xlim(0, 1.12)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v)))
    _style(axes, horizontal=True)
    axes.legend(frameon=False, fontsize=8, ncols=2, loc="lower right", bbox_to_anchor=(1, 1))
    return _svg(figure)


def buyers_participation(report: YearReport) -> str:
    """Horizontal bars: the held meetings each named buyer's people came to, and the others'
    average."""
    bars = [(buyer.name, float(buyer.meetings_attended)) for buyer in report.buyers]
    others = report.others
    if others is not None:
        bars.append((f"{others.label}, en moyenne", others.meetings_attended / others.count))
    return _bars(
        bars, HELD, "rencontres tenues auxquelles l'acheteur a participé", "Aucun acheteur"
    )


def results_by_buyer(report: YearReport) -> str:
    """Horizontal bars: the insertion hours carried out for each named buyer, and for the
    others together."""
    bars = [
        (buyer.name, buyer.result.insertion_hours)
        for buyer in report.buyers
        if buyer.result is not None
    ]
    others = report.others
    if others is not None and others.results.buyers:
        bars.append(
            (
                f"Autres acheteurs partenaires ({others.results.buyers}), ensemble",
                others.results.insertion_hours,
            )
        )
    return _bars(bars, "#3d6fa8", "heures d'insertion réalisées", "Aucun résultat importé")


def _bars(bars: list[tuple[str, float]], colour: str, axis: str, empty: str) -> str:
    figure, axes = _figure(0.6 + 0.34 * max(len(bars), 1))
    if not bars:
        return _empty(figure, axes, empty)
    y = list(range(len(bars)))
    values = [value for _, value in bars]
    axes.barh(y, values, height=0.6, color=colour, zorder=2)
    top = max([*values, 1.0])
    for i, value in zip(y, values, strict=True):
        shown = number(round(value, 1)) if value < 10 else number(round(value))
        axes.text(value + top * 0.01, i, shown, va="center", fontsize=7.5, color=INK)
    axes.set_yticks(y, [label for label, _ in bars])
    axes.invert_yaxis()
    axes.set_xlim(0, top * 1.18)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(round(v))))
    axes.set_xlabel(axis, fontsize=8)
    _style(axes, horizontal=True)
    return _svg(figure)


def _rate(figures: YearFigures, kind: RitualKind) -> float | None:
    answers = figures.answers_by_kind.get(kind)
    return answers.attendance_rate if answers is not None else None


def _figure(height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH_INCHES, height), layout="constrained")
    axes = figure.add_subplot()
    return figure, axes


def _style(axes: Axes, *, horizontal: bool = False) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.spines["left"].set_color(GRID)
    axes.spines["bottom"].set_color(GRID)
    axes.tick_params(labelsize=8, colors=INK, length=0)
    axes.grid(axis="x" if horizontal else "y", color=GRID, linewidth=0.6, zorder=0)
    axes.set_axisbelow(True)


def _empty(figure: Figure, axes: Axes, message: str) -> str:
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", fontsize=9, color=INK)
    return _svg(figure)


def _wrap(title: str, width: int = 34) -> str:
    """A long ritual title on two lines."""
    words: Sequence[str] = title.split()
    lines = [""]
    for word in words:
        if lines[-1] and len(lines[-1]) + 1 + len(word) > width:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return "\n".join(lines)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with rc_context({"svg.hashsalt": "rituel", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, transparent=True)
    text = buffer.getvalue()
    return text[text.index("<svg") :]
