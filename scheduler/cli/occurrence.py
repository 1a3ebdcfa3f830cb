"""`rituel occurrence move UID --to DATETIME` and `rituel occurrence cancel UID [--reason TEXT]`.

Both keep the UID, raise the SEQUENCE and stamp the change, and in the same transaction write
the update (or cancellation) mails to everyone already invited into the outbox, moving or
cancelling their pending reminders; then they re-export the feeds. The mails go out with the
next dispatch (the daemon's tick, or `rituel outbox send`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from scheduler.cli.app import ConfigOption, NowOption, app, console, err_console, open_context
from scheduler.clock import parse_instant
from scheduler.i18n import format_when
from scheduler.service.enqueue import on_occurrence_change
from scheduler.service.feeds import export_feeds
from scheduler.service.occurrences import cancel_occurrence, move_occurrence

occurrence_app = typer.Typer(
    name="occurrence", help="Move or cancel one meeting by hand.", no_args_is_help=True
)
app.add_typer(occurrence_app, name="occurrence")

UidArgument = Annotated[str, typer.Argument(help="The meeting's UID (see `rituel agenda`).")]


@occurrence_app.command("move")
def move(
    uid: UidArgument,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="The new start (ISO 8601, e.g. 2027-03-18T10:00; naive times are local).",
            show_default=False,
        ),
    ],
    config: ConfigOption = None,
    now: NowOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Move it even onto a closed day (weekend, holiday, blackout) or over the "
            "facilitator's capacity or another of their meetings; the broken rules are listed.",
        ),
    ] = False,
) -> None:
    """Move a meeting (same UID, SEQUENCE + 1); it keeps its length. A move that breaks a
    planning rule is refused with the reason, unless --force."""
    ctx = open_context(config, now)
    start = parse_instant(to, ctx.settings.organisation.timezone, "--to")
    at = ctx.now()
    change = move_occurrence(
        ctx.engine,
        uid,
        start,
        at,
        settings=ctx.settings,
        force=force,
        in_transaction=on_occurrence_change(ctx.settings, at),
    )
    export_feeds(ctx.settings, ctx.engine, ctx.now())
    zone = ctx.settings.organisation.timezone
    for broken in change.broken:
        err_console.print(f"warning: forced, though {broken}", markup=False, highlight=False)
    console.print(
        f"{change.uid} moved from {format_when(change.previous_start, 'en', zone)} "
        f"to {format_when(change.start, 'en', zone)}; SEQUENCE {change.sequence}.",
        highlight=False,
    )
    _print_next_step()


@occurrence_app.command("cancel")
def cancel(
    uid: UidArgument,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why, shown to the meeting's private subscribers."),
    ] = None,
    config: ConfigOption = None,
    now: NowOption = None,
) -> None:
    """Cancel a meeting (same UID, SEQUENCE + 1, STATUS:CANCELLED)."""
    ctx = open_context(config, now)
    at = ctx.now()
    change = cancel_occurrence(
        ctx.engine, uid, at, reason=reason, in_transaction=on_occurrence_change(ctx.settings, at)
    )
    export_feeds(ctx.settings, ctx.engine, ctx.now())
    console.print(f"{change.uid} cancelled; SEQUENCE {change.sequence}.", highlight=False)
    _print_next_step()


def _print_next_step() -> None:
    console.print(
        "Feeds re-exported; the mails to those already invited are in the outbox and go out "
        "with the next dispatch.",
        highlight=False,
    )
