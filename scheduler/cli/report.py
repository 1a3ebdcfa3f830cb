"""`rituel report YEAR`, `rituel import results FILE` and `rituel buyers publish|unpublish SLUG`:
the annual restitution and what buyers let the public see."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from scheduler.cli.app import (
    ConfigOption,
    DryRunOption,
    NowOption,
    app,
    console,
    err_console,
    open_context,
)
from scheduler.cli.directory import FileArgument, _print_report, _read, buyers_app, import_app
from scheduler.report import ReportFormat
from scheduler.service.directory.results import import_results
from scheduler.service.publish.public import publish, unpublish

SHOW_AFTER_SECONDS = 1.0


@app.command("report")
def report(
    year: Annotated[int, typer.Argument(help="The calendar year, such as 2027.", min=2000)],
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="html, pdf or xlsx.")
    ] = ReportFormat.HTML,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write it (default: bilan-YEAR.FORMAT).",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    internal: Annotated[
        bool,
        typer.Option(
            "--internal",
            help="Name every buyer (the guichet's own copy); by default only the buyers that "
            "made their commitment public are named, the others summed on one line.",
        ),
    ] = False,
    config: ConfigOption = None,
    now: NowOption = None,
) -> None:
    """The year's report for the annual restitution (HTML, A4 PDF or XLSX)."""
    # Imported here: matplotlib, WeasyPrint and openpyxl take seconds to load, which every
    # other command would pay.
    from scheduler.service.publish.report import STEPS, default_path, write_report

    ctx = open_context(config, now)
    path = out or default_path(year, fmt)
    with DelayedProgress(f"report {year}", total=STEPS[fmt]) as step:
        written = write_report(
            ctx.settings, ctx.engine, year, ctx.now(), fmt, path, step, every_buyer=internal
        )
    console.print(f"Report {year} ({fmt.value}) written to {written}", markup=False)


class DelayedProgress:
    """A progress bar on stderr that appears only when the work lasts more than a second, and
    only on a terminal; calling it with a step's name advances it."""

    def __init__(
        self,
        title: str,
        total: int,
        delay: float = SHOW_AFTER_SECONDS,
        console: Console = err_console,
    ) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._task: TaskID = self._progress.add_task(title, total=total)
        self._timer = threading.Timer(delay, self._progress.start)
        self._timer.daemon = True

    def __enter__(self) -> DelayedProgress:
        self._timer.start()
        return self

    def __call__(self, step: str) -> None:
        self._progress.update(self._task, description=step, advance=1)

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        self._timer.join()
        self._progress.stop()

    @property
    def shown(self) -> bool:
        """Whether the bar was started (the work outlasted the delay)."""
        return self._timer.finished.is_set() and self._progress.live.is_started


@import_app.command("results")
def import_results_command(
    file: FileArgument,
    config: ConfigOption = None,
    now: NowOption = None,
    dry_run: DryRunOption = False,
) -> None:
    """The scheme's results per buyer and year, from the guichet's monitoring tool.

    Columns: buyer, year, contracts with a social clause, insertion hours, participants,
    companies."""
    ctx = open_context(config, now)
    found = import_results(ctx.engine, _read(file), file=str(file), now=ctx.now(), dry_run=dry_run)
    _print_report(found)


@buyers_app.command("publish")
def publish_command(
    slug: Annotated[str, typer.Argument(help="The buyer's slug.")],
    text: Annotated[
        str | None,
        typer.Option(
            "--text",
            help="A short text shown beside its name (400 characters at most).",
            show_default=False,
        ),
    ] = None,
    config: ConfigOption = None,
    now: NowOption = None,
) -> None:
    """Show the buyer's commitment on the public page /engagements (its current convention)."""
    ctx = open_context(config, now)
    shown = publish(ctx.engine, slug, ctx.now(), ctx.settings.organisation.timezone, text)
    console.print(f"{shown.name}: commitment public since {shown.since}", markup=False)


@buyers_app.command("unpublish")
def unpublish_command(
    slug: Annotated[str, typer.Argument(help="The buyer's slug.")],
    config: ConfigOption = None,
) -> None:
    """Take the buyer off /engagements (every convention of it goes back to confidential)."""
    ctx = open_context(config)
    name = unpublish(ctx.engine, slug)
    console.print(f"{name}: commitment no longer public", markup=False)
