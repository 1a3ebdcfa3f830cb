"""`rituel import buyers|suppliers|partners|contacts FILE` and `rituel buyers list`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from scheduler.cli.app import (
    ConfigOption,
    DryRunOption,
    JsonOption,
    app,
    console,
    err_console,
    open_context,
)
from scheduler.core.kinds import OrganisationRole
from scheduler.errors import InputError
from scheduler.service.directory.directory import (
    BuyerSummary,
    ImportReport,
    import_contacts,
    import_organisations,
    list_buyers,
)

import_app = typer.Typer(
    name="import",
    help="Import the directory from CSV files saved from a spreadsheet (`;`, `,` or tabs; UTF-8, "
    "UTF-16 or Windows-1252; English or French headers). A file with any problem is rejected "
    "whole.",
    no_args_is_help=True,
)
buyers_app = typer.Typer(name="buyers", help="The public buyers.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(buyers_app, name="buyers")

FileArgument = Annotated[
    Path, typer.Argument(help="The CSV file.", show_default=False, dir_okay=False)
]


@import_app.command("buyers")
def import_buyers(
    file: FileArgument, config: ConfigOption = None, dry_run: DryRunOption = False
) -> None:
    """Buyers, with their convention, programming month, facilitator and one contact each."""
    _import_organisations(file, OrganisationRole.BUYER, config, dry_run)


@import_app.command("suppliers")
def import_suppliers(
    file: FileArgument, config: ConfigOption = None, dry_run: DryRunOption = False
) -> None:
    """Inclusive suppliers (SIAE, EA, ESAT, GEIQ…), with one contact each."""
    _import_organisations(file, OrganisationRole.SUPPLIER, config, dry_run)


@import_app.command("partners")
def import_partners(
    file: FileArgument, config: ConfigOption = None, dry_run: DryRunOption = False
) -> None:
    """Employment partners (France Travail, PLIE, mission locale…), with one contact each."""
    _import_organisations(file, OrganisationRole.PARTNER, config, dry_run)


@import_app.command("contacts")
def import_contacts_command(
    file: FileArgument, config: ConfigOption = None, dry_run: DryRunOption = False
) -> None:
    """People of the imported organisations, or of the guichet (empty organisation)."""
    ctx = open_context(config)
    report = import_contacts(ctx.engine, _read(file), file=str(file), dry_run=dry_run)
    _print_report(report)


def _import_organisations(
    file: Path, role: OrganisationRole, config: Path | None, dry_run: bool
) -> None:
    ctx = open_context(config)
    report = import_organisations(
        ctx.engine,
        _read(file),
        file=str(file),
        role=role,
        facilitators=[f.id for f in ctx.settings.facilitators],
        dry_run=dry_run,
    )
    _print_report(report)


def _read(file: Path) -> bytes:
    """The file's bytes; a missing or unreadable file is the user's input error."""
    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except OSError as exc:
        raise InputError(f"{file}: cannot be read ({exc.strerror})") from None


def _print_report(report: ImportReport) -> None:
    rows = f"{report.rows} row{'s' if report.rows != 1 else ''}"
    outcome = "dry run, nothing written" if report.dry_run else "imported"
    console.print(f"{report.file}: {rows}, {outcome}", markup=False, highlight=False)
    table = Table("table", "created", "updated", "unchanged")
    for name, count in report.counts.items():
        table.add_row(name, str(count.created), str(count.updated), str(count.unchanged))
    console.print(table)
    for slug, facilitator in report.assigned.items():
        console.print(f"  {slug} → facilitator {facilitator}", markup=False, highlight=False)
    if report.ignored_columns:
        ignored = ", ".join(repr(column) for column in report.ignored_columns)
        console.print(f"Ignored columns: {ignored}", markup=False, highlight=False)


@buyers_app.command("list")
def buyers_list(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Every buyer with its kind, facilitator, programming month and current convention; plain
    tab-separated rows when the output is not a terminal (or --json)."""
    ctx = open_context(config)
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
