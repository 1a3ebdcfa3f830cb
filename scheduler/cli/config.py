"""`rituel config show|export`: the settings a facilitator may change in the workspace
(the rituals and the team), as the next plan reads them — config.toml's values overlaid by the
workspace's."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer

from scheduler.cli.app import Context, JsonOption, app, command, console
from scheduler.config.export import toml_value
from scheduler.service.plan.settings_view import exported, settings_lines

config_app = typer.Typer(
    name="config",
    help="The rituals and the team as the planner reads them (config.toml + the workspace).",
    no_args_is_help=True,
)
app.add_typer(config_app)


@command(config_app, "show", now=False)
def show(ctx: Context, as_json: JsonOption = False) -> None:
    """Print the effective settings of the rituals and the team, and where each comes from."""
    path = ctx.config_path
    written: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    lines = settings_lines(ctx.settings, ctx.engine, written)
    if as_json:
        console.print_json(
            json.dumps(
                [
                    {
                        "table": line.table,
                        "key": line.key,
                        "value": line.value,
                        "source": line.source.where,
                        "changed_at": line.source.changed_at.isoformat()
                        if line.source.changed_at
                        else None,
                        "changed_by": line.source.changed_by,
                    }
                    for line in lines
                ],
                ensure_ascii=False,
            )
        )
        return
    table = None
    for line in lines:
        if line.table != table:
            table = line.table
            header = "[[facilitators]]" if table.startswith("facilitators") else f"[{table}]"
            console.print(f"\n{header}", markup=False)
        source = line.source.where
        if line.source.changed_at is not None:
            source += f", {line.source.changed_at:%Y-%m-%d %H:%M} UTC by {line.source.changed_by}"
        console.print(f"{line.key} = {toml_value(line.value)}  # {source}", markup=False)


@command(config_app, "export")
def export(
    ctx: Context,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (default: stdout).")
    ] = None,
) -> None:
    """Write the effective rituals and team as config.toml tables."""
    text = exported(ctx.settings, ctx.engine)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"written {output}", markup=False)
