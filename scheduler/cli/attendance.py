"""`rituel attendance UID --present EMAIL…`: after a meeting, record who came.

The addresses may follow one `--present` (`--present a@x.fr b@y.fr`), repeat it, or be separated
by commas; every other invitee is recorded absent and the meeting becomes HELD.
"""

from __future__ import annotations

import json
import re
from typing import Annotated

import typer

from scheduler.cli.app import ConfigOption, JsonOption, NowOption, app, console, open_context
from scheduler.errors import InputError
from scheduler.service.answer.attendance import AttendanceReport, record_attendance


@app.command("attendance")
def attendance(
    uid: Annotated[str, typer.Argument(help="The meeting's UID (see `rituel agenda`).")],
    present: Annotated[
        list[str] | None,
        typer.Option(
            "--present",
            "-p",
            help="The address of someone who came; more may follow.",
            show_default=False,
        ),
    ] = None,
    more: Annotated[
        list[str] | None,
        typer.Argument(metavar="EMAIL", help="More addresses after --present.", hidden=True),
    ] = None,
    config: ConfigOption = None,
    now: NowOption = None,
    as_json: JsonOption = False,
) -> None:
    """After a meeting, mark who came (the other invitees absent); the meeting becomes held."""
    if not present:
        raise InputError("say who came: rituel attendance UID --present EMAIL…")
    emails = [email for value in [*present, *(more or [])] for email in _split(value)]
    ctx = open_context(config, now)
    report = record_attendance(ctx.settings, ctx.engine, uid, emails, ctx.now())
    if as_json:
        typer.echo(json.dumps(_as_json(report), ensure_ascii=False, indent=2))
        return
    console.print(
        f"{report.uid} held: {len(report.present)} present, {len(report.absent)} absent.",
        highlight=False,
    )
    for label, invitees in (("present", report.present), ("absent", report.absent)):
        for invitee in invitees:
            console.print(f"  {label:8} {invitee.email}  {invitee.name}", highlight=False)


def _split(value: str) -> list[str]:
    return [part for part in re.split(r"[,;\s]+", value) if part]


def _as_json(report: AttendanceReport) -> dict[str, object]:
    return {
        "uid": report.uid,
        "status": report.status.value,
        "present": [i.email for i in report.present],
        "absent": [i.email for i in report.absent],
    }
