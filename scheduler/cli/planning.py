"""`rituel plan`, `rituel agenda` and `rituel check`."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from scheduler.cli.app import (
    Context,
    DryRunOption,
    JsonOption,
    app,
    command,
    console,
    err_console,
)
from scheduler.config import Settings
from scheduler.core.kinds import RitualKind
from scheduler.daemon.health import run_checks
from scheduler.errors import InputError
from scheduler.i18n import format_time, format_when
from scheduler.service.plan.planning import PlanReport, plan_and_store
from scheduler.service.publish.agenda import agenda as load_agenda
from scheduler.service.publish.feeds import export_feeds


@command(app)
def plan(
    ctx: Context,
    dry_run: DryRunOption = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Write the plan even if it cancels more than half of the meetings."
        ),
    ] = False,
) -> None:
    """Plan every ritual up to the horizon and store it (created / adjusted / cancelled)."""
    settings, start = ctx.settings, ctx.now()  # a configuration error stops here, bar unshown
    with _ProgressBar() as (bar, task):

        def report_progress(phase: str, done: int, total: int) -> None:
            bar.update(task, description=phase, completed=done, total=max(total, 1))

        report = plan_and_store(
            settings,
            ctx.engine,
            start,
            dry_run=dry_run,
            force=force,
            progress=report_progress,
        )
        exported = None
        if not dry_run and report.refused is None:
            bar.update(task, description="exporting feeds", completed=0, total=None)
            exported = export_feeds(settings, ctx.engine, ctx.now())
    _print_plan_report(report)
    if exported is not None:
        console.print(
            f"Feeds in {exported.folder}: {len(exported.written)} written, "
            f"{exported.unchanged} unchanged"
        )
    if report.refused is not None:
        _say_error(
            f"rituel: plan {'would be ' if dry_run else ''}refused, nothing written: "
            f"{report.refused}; check the configuration, or run `rituel plan --force` "
            "if that is meant"
        )
        if not dry_run:
            raise typer.Exit(1)


def _say_error(text: str) -> None:
    err_console.print(text, markup=False, highlight=False, soft_wrap=True)


class _ProgressBar:
    """A progress bar on stderr, shown only while work goes on and only on a terminal."""

    def __enter__(self) -> tuple[Progress, TaskID]:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        )
        self._progress.__enter__()
        return self._progress, self._progress.add_task("planning", total=None)

    def __exit__(self, *exc: object) -> None:
        self._progress.__exit__(None, None, None)


def _print_plan_report(report: PlanReport) -> None:
    unwritten = report.dry_run or report.refused is not None
    verb = "would be" if unwritten else ""
    console.print(
        f"Plan from {report.today} to {report.horizon_end}: {report.planned} meetings"
        + (" (dry run, nothing written)" if report.dry_run else "")
        + (" (refused, nothing written)" if report.refused and not report.dry_run else "")
    )
    if report.reused:
        console.print("Nothing to change. (Nothing it reads changed since the last plan.)")
    elif not report.counts:
        console.print("Nothing to change.")
    else:
        table = Table("kind", f"created {verb}".strip(), "adjusted", "cancelled")
        for kind, counts in report.counts.items():
            table.add_row(
                kind.value, str(counts.created), str(counts.adjusted), str(counts.cancelled)
            )
        console.print(table)
    if report.unplaced:
        console.print(f"[yellow]{len(report.unplaced)} meetings could not be placed:[/]")
        for item in report.unplaced[:20]:
            console.print(f"  {item.key}: {item.reason}", markup=False)
        if len(report.unplaced) > 20:
            console.print(f"  … and {len(report.unplaced) - 20} more")
    if report.missing_reviews:
        count = len(report.missing_reviews)
        console.print(
            f"[yellow]{count} active buyer{'s' if count > 1 else ''} without a programming review "
            f"until {report.horizon_end}:[/]"
        )
        for missing in report.missing_reviews:
            console.print(
                f"  {missing.buyer}: {missing.describe(report.horizon_end)}", markup=False
            )


@command(app)
def agenda(
    ctx: Context,
    buyer: Annotated[str | None, typer.Option(help="Only this buyer (slug).")] = None,
    kind: Annotated[RitualKind | None, typer.Option(help="Only this ritual kind.")] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="First day (YYYY-MM-DD); default today.")
    ] = None,
    to: Annotated[
        str | None, typer.Option(help="Last day (YYYY-MM-DD); default the horizon.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List the planned meetings, with French dates."""
    start, end = _date_range(ctx, from_, to)
    entries = load_agenda(ctx.settings, ctx.engine, start=start, end=end, buyer=buyer, kind=kind)
    if as_json:
        typer.echo(json.dumps([e.as_json() for e in entries], ensure_ascii=False, indent=2))
        return
    table = Table("rituel", "acheteur", "animé par", "statut")
    table.add_column("quand", no_wrap=True)
    table.add_column("fin", no_wrap=True)
    zone = ctx.settings.organisation.timezone
    team = ctx.effective_settings()
    for entry in entries:
        table.add_row(
            entry.title,
            entry.buyer_name or "territoire",
            _facilitator_name(team, entry.facilitator),
            entry.status.label("fr"),
            format_when(entry.start, "fr", zone),
            format_time(entry.end, "fr", zone),
        )
    console.print(table)
    console.print(f"{len(entries)} rencontre{'s' if len(entries) > 1 else ''}")


def _facilitator_name(settings: Settings, facilitator_id: str) -> str:
    """The facilitator's name, as the French table shows it (the id when not configured)."""
    facilitator = settings.facilitator(facilitator_id)
    return facilitator.name if facilitator is not None else facilitator_id


def _date_range(ctx: Context, first: str | None, last: str | None) -> tuple[datetime, datetime]:
    zone = ZoneInfo(ctx.settings.organisation.timezone)
    start_day = _parse_day("--from", first) if first else ctx.now().astimezone(zone).date()
    if last:
        end_day = _parse_day("--to", last)
    else:
        from scheduler.service.plan.planning import horizon

        end_day = horizon(ctx.settings, ctx.now())[1]
    if end_day < start_day:
        raise InputError(f"--to {end_day} comes before --from {start_day}")
    start = datetime.combine(start_day, time(0), zone)
    end = datetime.combine(end_day + timedelta(days=1), time(0), zone)
    return start, end


def _parse_day(option: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None


@command(app)
def check(ctx: Context) -> None:
    """Check the configuration and the database; exit 1 when something is wrong."""
    results = run_checks(ctx.settings, ctx.engine, ctx.now())
    table = Table("check", "result", "detail")
    for result in results:
        mark = {"ok": "[green]ok[/]", "warning": "[yellow]warning[/]", "error": "[red]error[/]"}
        table.add_row(result.name, mark[result.level], escape(result.detail))
    console.print(table)
    if any(r.level == "error" for r in results):
        raise typer.Exit(1)
