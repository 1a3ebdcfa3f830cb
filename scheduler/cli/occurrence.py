"""`rituel occurrence move UID --to DATETIME`, `rituel occurrence cancel UID [--reason TEXT]` and
`rituel occurrence show UID [--json]` (the invitees, their answers and attendance),
`rituel occurrence restore UID --to DATETIME` and `rituel occurrence edit UID [--theme …]`.

Both keep the UID, raise the SEQUENCE and stamp the change, and in the same transaction write
the update (or cancellation) mails to everyone already invited into the outbox, moving or
cancelling their pending reminders; then they re-export the feeds. The mails go out with the
next dispatch (the daemon's tick, or `rituel outbox send`).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import col, select

from scheduler.cli.app import (
    ConfigOption,
    JsonOption,
    NowOption,
    app,
    console,
    err_console,
    open_context,
)
from scheduler.clock import parse_instant
from scheduler.errors import NotFoundError
from scheduler.i18n import format_when
from scheduler.service.answer.answers import meeting_answers
from scheduler.service.deliver.enqueue import on_occurrence_change
from scheduler.service.plan.occurrences import (
    Details,
    cancel_occurrence,
    edit_occurrence,
    move_occurrence,
    restore_occurrence,
)
from scheduler.service.publish.feeds import export_feeds
from scheduler.store import journal
from scheduler.store.db import read_session
from scheduler.store.models import Occurrence

occurrence_app = typer.Typer(
    name="occurrence",
    help="Show, move or cancel one meeting by hand.",
    no_args_is_help=True,
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


@occurrence_app.command("restore")
def restore(
    uid: UidArgument,
    to: Annotated[
        str,
        typer.Option(
            "--to", help="The new start (ISO 8601; naive times are local).", show_default=False
        ),
    ],
    config: ConfigOption = None,
    now: NowOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Restore it even where a planning rule forbids.")
    ] = False,
) -> None:
    """Bring a cancelled meeting back at a new date (same UID, SEQUENCE + 1, status moved)."""
    ctx = open_context(config, now)
    start = parse_instant(to, ctx.settings.organisation.timezone, "--to")
    at = ctx.now()
    change = restore_occurrence(
        ctx.engine,
        uid,
        start,
        at,
        settings=ctx.settings,
        force=force,
        in_transaction=on_occurrence_change(ctx.settings, at),
    )
    export_feeds(ctx.settings, ctx.engine, ctx.now())
    for broken in change.broken:
        err_console.print(f"warning: forced, though {broken}", markup=False, highlight=False)
    zone = ctx.settings.organisation.timezone
    console.print(
        f"{change.uid} restored to {format_when(change.start, 'en', zone)}; "
        f"SEQUENCE {change.sequence}.",
        highlight=False,
    )
    _print_next_step()


@occurrence_app.command("edit")
def edit(
    uid: UidArgument,
    theme: Annotated[str | None, typer.Option("--theme", help="The theme; '' clears it.")] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="A note for this meeting; '' clears it.")
    ] = None,
    place: Annotated[
        str | None,
        typer.Option("--place", help="This meeting's place; '' gives back the ritual's."),
    ] = None,
    video: Annotated[
        str | None,
        typer.Option("--video", help="This meeting's video link; '' gives back the ritual's."),
    ] = None,
    config: ConfigOption = None,
    now: NowOption = None,
) -> None:
    """Set the theme, description, place or video link of one meeting (SEQUENCE + 1; an update
    to those invited). Options left out keep their value."""
    ctx = open_context(config, now)
    with read_session(ctx.engine) as session:
        row = session.exec(select(Occurrence).where(col(Occurrence.uid) == uid.strip())).first()
    if row is None:
        raise NotFoundError(f"no meeting with UID {uid!r}")

    def pick(given: str | None, present: str | None) -> str | None:
        return present if given is None else (given.strip() or None)

    details = Details(
        theme=pick(theme, row.theme),
        description=pick(description, row.description),
        location=pick(place, row.location),
        video_url=pick(video, row.video_url),
    )
    at = ctx.now()
    change = edit_occurrence(
        ctx.engine,
        uid,
        details,
        at,
        in_transaction=on_occurrence_change(ctx.settings, at),
        actor=journal.CLI,
    )
    export_feeds(ctx.settings, ctx.engine, ctx.now())
    console.print(f"{change.uid} changed; SEQUENCE {change.sequence}.", highlight=False)
    _print_next_step()


def _print_next_step() -> None:
    console.print(
        "Feeds re-exported; the mails to those already invited are in the outbox and go out "
        "with the next dispatch.",
        highlight=False,
    )


_ANSWER_WORDS = {
    "needs-action": "no answer yet",
    "accepted": "accepted",
    "tentative": "tentative",
    "declined": "declined",
}


@occurrence_app.command("show")
def show(uid: UidArgument, config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """A meeting with its invitees: their answer, where it came from and when, attendance."""
    ctx = open_context(config)
    meeting = meeting_answers(ctx.engine, uid)
    if as_json:
        typer.echo(json.dumps(meeting.as_json(), ensure_ascii=False, indent=2))
        return
    zone = ctx.settings.organisation.timezone
    console.print(
        f"{meeting.uid}: {meeting.kind}, {format_when(meeting.start, 'en', zone)}; "
        f"{meeting.status.value}, SEQUENCE {meeting.sequence}; "
        f"facilitator {meeting.facilitator_id}",
        highlight=False,
    )
    table = Table("invitee", "answer", "from", "when", "attended", "comment")
    for invitee in meeting.invitees:
        table.add_row(
            f"{invitee.name} <{invitee.email}>",
            _ANSWER_WORDS[invitee.answer.value.lower()],
            invitee.source or "",
            format_when(invitee.answered_at, "en", zone) if invitee.answered_at else "",
            {None: "", True: "present", False: "absent"}[invitee.attended],
            invitee.comment or "",
        )
    console.print(table)
    for proposal in meeting.proposals:
        when = (
            format_when(proposal.start, "en", zone) if proposal.start is not None else "(no time)"
        )
        note = f": {proposal.comment}" if proposal.comment else ""
        console.print(f"{proposal.email} proposes {when}{note}", markup=False, highlight=False)
