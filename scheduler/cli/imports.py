"""`rituel import buyers|suppliers|partners|contacts|results FILE [--dry-run]`: one command per
kind of file, all read, checked and reported the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from scheduler.cli.app import Context, DryRunOption, app, command, console
from scheduler.core.kinds import OrganisationRole
from scheduler.errors import InputError
from scheduler.service.directory import (
    ImportReport,
    import_contacts,
    import_organisations,
    import_results,
)

import_app = typer.Typer(
    name="import",
    help="Import the directory from CSV files saved from a spreadsheet (`;`, `,` or tabs; UTF-8, "
    "UTF-16 or Windows-1252; English or French headers). A file with any problem is rejected "
    "whole.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

FileArgument = Annotated[
    Path, typer.Argument(help="The CSV file.", show_default=False, dir_okay=False)
]

Importer = Callable[[Context, bytes, str, bool], ImportReport]
"""Stores a file's rows (or, on a dry run, only checks them): context, bytes, name, dry run."""


@dataclass(frozen=True)
class FileKind:
    """One kind of file `rituel import` reads."""

    name: str
    help: str
    store: Importer
    now: bool = False
    """Whether the command takes --now (it stamps what it stores)."""


def _organisations(role: OrganisationRole) -> Importer:
    def store(ctx: Context, data: bytes, file: str, dry_run: bool) -> ImportReport:
        facilitators = [facilitator.id for facilitator in ctx.effective_settings().facilitators]
        return import_organisations(
            ctx.engine, data, file=file, role=role, facilitators=facilitators, dry_run=dry_run
        )

    return store


FILE_KINDS = (
    FileKind(
        "buyers",
        "Buyers, with their convention, programming month, facilitator and one contact each.",
        _organisations(OrganisationRole.BUYER),
    ),
    FileKind(
        "suppliers",
        "Inclusive suppliers (SIAE, EA, ESAT, GEIQ…), with one contact each.",
        _organisations(OrganisationRole.SUPPLIER),
    ),
    FileKind(
        "partners",
        "Employment partners (France Travail, PLIE, mission locale…), with one contact each.",
        _organisations(OrganisationRole.PARTNER),
    ),
    FileKind(
        "contacts",
        "People of the imported organisations, or of the guichet (empty organisation).",
        lambda ctx, data, file, dry_run: import_contacts(
            ctx.engine, data, file=file, dry_run=dry_run
        ),
    ),
    FileKind(
        "results",
        "The scheme's results per buyer and year, from the guichet's monitoring tool.\n\n"
        "Columns: buyer, year, contracts with a social clause, insertion hours, participants,\n"
        "companies.",
        lambda ctx, data, file, dry_run: import_results(
            ctx.engine, data, file=file, now=ctx.now(), dry_run=dry_run
        ),
        now=True,
    ),
)


def _register(kind: FileKind) -> None:
    @command(import_app, kind.name, now=kind.now, help=kind.help)
    def import_file(file: FileArgument, ctx: Context, dry_run: DryRunOption = False) -> None:
        _print_report(kind.store(ctx, _read(file), str(file), dry_run))


for _kind in FILE_KINDS:
    _register(_kind)


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
