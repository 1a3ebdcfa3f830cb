"""`rituel replies import FILE.eml…`: the invitees' calendar replies, from saved mails.

`import` runs saved mails through the same code as the daemon's mailbox reader and prints one
line per file: `applied: …` or `ignored: …` and why. It exits 0 unless a file cannot be read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scheduler.cli.app import ConfigOption, NowOption, app, console, err_console, open_context
from scheduler.errors import InputError
from scheduler.service.answer.replies import import_file
from scheduler.service.publish.feeds import export_feeds

replies_app = typer.Typer(
    name="replies",
    help="Answers from the invitees' own calendars (iTIP REPLY mails).",
    no_args_is_help=True,
)
app.add_typer(replies_app, name="replies")


@replies_app.command("import")
def import_(
    files: Annotated[
        list[Path], typer.Argument(help="Saved mails (.eml), as the mailbox received them.")
    ],
    config: ConfigOption = None,
    now: NowOption = None,
) -> None:
    """Record the answers (and proposals) carried by saved reply mails."""
    ctx = open_context(config, now)
    unreadable = []
    applied = False
    for path in files:
        try:
            outcome = import_file(ctx.settings, ctx.engine, path, ctx.now())
        except InputError as exc:
            err_console.print(f"rituel: {exc}", markup=False, highlight=False)
            unreadable.append(str(path))
            continue
        applied = applied or outcome.applied
        console.print(f"{path}: {outcome.describe()}", markup=False, highlight=False)
    if applied:
        export_feeds(ctx.settings, ctx.engine, ctx.now())
    if unreadable:
        raise typer.Exit(InputError.exit_code)
