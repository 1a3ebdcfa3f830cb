"""`rituel buyers list`: the public buyers, their facilitator and convention."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from scheduler.cli.app import Context, JsonOption, app, command, console, err_console
from scheduler.service.directory import BuyerSummary, list_buyers

buyers_app = typer.Typer(name="buyers", help="The public buyers.", no_args_is_help=True)
app.add_typer(buyers_app, name="buyers")


@command(buyers_app, "list", now=False)
def buyers_list(ctx: Context, as_json: JsonOption = False) -> None:
    """Every buyer with its kind, facilitator, programming month and current convention; plain
    tab-separated rows when the output is not a terminal (or --json)."""
    buyers = list_buyers(ctx.engine, ctx.settings.organisation.default_programming_month)
    if as_json:
        typer.echo(json.dumps([_as_json(b) for b in buyers], ensure_ascii=False, indent=2))
        return
    rows = [_buyer_row(buyer) for buyer in buyers]
    notes = console
    if console.is_terminal:
        table = Table("name", "kind", "facilitator", "month")
        table.add_column("slug", no_wrap=True)
        table.add_column("convention", no_wrap=True)
        table.add_column("contacts", justify="right")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    else:
        # Piped or redirected: plain tab-separated rows, so that no column is squeezed to
        # nothing; the notes go to stderr, out of the rows' way.
        for row in [list(BUYER_COLUMNS), *rows]:
            typer.echo("\t".join(cell.replace("\t", " ") for cell in row))
        notes = err_console
    notes.print(f"{len(buyers)} buyer{'s' if len(buyers) != 1 else ''}")
    if any(buyer.programming_month_is_default for buyer in buyers):
        notes.print("* the configuration's default programming month")


BUYER_COLUMNS = ("name", "kind", "facilitator", "month", "slug", "convention", "contacts")


def _buyer_row(buyer: BuyerSummary) -> list[str]:
    """The cells of `BUYER_COLUMNS`; a month marked * is the configuration's default."""
    month = f"{buyer.programming_month}{'*' if buyer.programming_month_is_default else ''}"
    convention = (
        f"{buyer.convention_start} → {buyer.convention_end}" if buyer.convention_start else "—"
    )
    return [
        buyer.name,
        buyer.kind or "—",
        buyer.facilitator or "—",
        month,
        buyer.slug,
        convention,
        str(buyer.contacts),
    ]


def _as_json(buyer: BuyerSummary) -> dict[str, Any]:
    return {
        "slug": buyer.slug,
        "name": buyer.name,
        "kind": buyer.kind,
        "territory": buyer.territory,
        "facilitator": buyer.facilitator,
        "programming_month": buyer.programming_month,
        "programming_month_is_default": buyer.programming_month_is_default,
        "convention_start": buyer.convention_start.isoformat() if buyer.convention_start else None,
        "convention_end": buyer.convention_end.isoformat() if buyer.convention_end else None,
        "contacts": buyer.contacts,
    }
