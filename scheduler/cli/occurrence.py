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

from scheduler.cli.app import Context, JsonOption, app, command, console, err_console
from scheduler.clock import parse_instant
from scheduler.i18n import format_when
from scheduler.service.answer.answers import meeting_answers
from scheduler.service.deliver.enqueue import on_occurrence_change
from scheduler.service.plan import (
    Details,
    cancel_occurrence,
    current_details,
    edit_occurrence,
    move_occurrence,
    restore_occurrence,
)
from scheduler.service.plan.offers import send_new_slots
from scheduler.service.publish.feeds import export_feeds

occurrence_app = typer.Typer(
    name="occurrence",
    help="Show, move or cancel one meeting by hand.",
    no_args_is_help=True,
)
app.add_typer(occurrence_app, name="occurrence")

UidArgument = Annotated[str, typer.Argument(help="The meeting's UID (see `rituel agenda`).")]


@command(occurrence_app, "move")
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
    ctx: Context,
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


@command(occurrence_app, "cancel")
def cancel(
    *,
    uid: UidArgument,
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Why, shown to the meeting's private subscribers."),
    ] = None,
    ctx: Context,
) -> None:
    """Cancel a meeting (same UID, SEQUENCE + 1, STATUS:CANCELLED)."""
    at = ctx.now()
    change = cancel_occurrence(
        ctx.engine, uid, at, reason=reason, in_transaction=on_occurrence_change(ctx.settings, at)
    )
    export_feeds(ctx.settings, ctx.engine, ctx.now())
    console.print(f"{change.uid} cancelled; SEQUENCE {change.sequence}.", highlight=False)
    _print_next_step()


@command(occurrence_app, "restore")
def restore(
    uid: UidArgument,
    to: Annotated[
        str,
        typer.Option(
            "--to", help="The new start (ISO 8601; naive times are local).", show_default=False
        ),
    ],
    ctx: Context,
    force: Annotated[
        bool, typer.Option("--force", help="Restore it even where a planning rule forbids.")
    ] = False,
) -> None:
    """Bring a cancelled meeting back at a new date (same UID, SEQUENCE + 1, status moved)."""
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


@command(occurrence_app, "edit")
def edit(
    *,
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
    ctx: Context,
) -> None:
    """Set the theme, description, place or video link of one meeting (SEQUENCE + 1; an update
    to those invited). Options left out keep their value."""
    present = current_details(ctx.engine, uid)

    def pick(given: str | None, stored: str | None) -> str | None:
        return stored if given is None else (given.strip() or None)

    details = Details(
        theme=pick(theme, present.theme),
        description=pick(description, present.description),
        location=pick(place, present.location),
        video_url=pick(video, present.video_url),
    )
    at = ctx.now()
    change = edit_occurrence(
        ctx.engine,
        uid,
        details,
        at,
        in_transaction=on_occurrence_change(ctx.settings, at),
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


@command(occurrence_app, "show", now=False)
def show(uid: UidArgument, ctx: Context, as_json: JsonOption = False) -> None:
    """A meeting with its invitees: their answer, where it came from and when, attendance."""
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


@command(occurrence_app, "propose")
def propose(uid: UidArgument, ctx: Context) -> None:
    """Offer the buyer new dates for a meeting none of whose dates suited them (as the
    workspace's « Proposer de nouvelles dates »): a new proposal mail with a fresh link."""
    offer = send_new_slots(ctx.settings, ctx.engine, uid, ctx.now())
    export_feeds(ctx.settings, ctx.engine, ctx.now())
    zone = ctx.settings.organisation.timezone
    dates = "; ".join(format_when(slot.start, "en", zone) for slot in offer.slots)
    console.print(
        f"{offer.uid}: new dates offered ({dates}); choice deadline "
        f"{format_when(offer.deadline, 'en', zone)}; {offer.mails} proposal mail(s) queued.",
        highlight=False,
    )
