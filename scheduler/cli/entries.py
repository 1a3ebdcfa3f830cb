"""`rituel organisations add|edit` and `rituel conventions add|edit`: one buyer, supplier,
partner or convention at a time, through the same service functions as the workspace's forms
(scheduler.service.directory.organisation_entries, convention_entries), so the same rules apply
and the same journal is written. An edit changes only the options given."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

import typer

from scheduler.cli.app import Context, app, command, console
from scheduler.core.kinds import OrganisationRole
from scheduler.errors import NotFoundError
from scheduler.service.directory.convention_entries import (
    ConventionEntry,
    convention_entry,
    save_convention,
)
from scheduler.service.directory.organisation_entries import (
    OrganisationEntry,
    organisation_entry,
    save_organisation,
)

organisations_app = typer.Typer(
    name="organisations",
    help="Add or change one buyer, supplier or partner.",
    no_args_is_help=True,
)
conventions_app = typer.Typer(
    name="conventions", help="Add or change one convention of a buyer.", no_args_is_help=True
)
app.add_typer(organisations_app, name="organisations")
app.add_typer(conventions_app, name="conventions")

Text = Annotated[str | None, typer.Option(show_default=False)]
Slug = Annotated[str, typer.Argument(help="The buyer's identifier (slug).", show_default=False)]


@command(organisations_app, "add")
def organisation_add(
    *,
    role: Annotated[OrganisationRole, typer.Argument(help="buyer, supplier or partner.")],
    name: Annotated[str, typer.Argument(help="Its name.", show_default=False)],
    kind: Annotated[str, typer.Option(help="Its kind, as `rituel import` reads it.")],
    slug: Text = None,
    article: Text = None,
    territory: Text = None,
    facilitator: Text = None,
    month: Text = None,
    ctx: Context,
) -> None:
    """Add an organisation (its identifier made from its name unless --slug gives one)."""
    entry = OrganisationEntry(
        role=role,
        name=name,
        kind=kind,
        slug=slug or "",
        article=article or "",
        territory=territory or "",
        facilitator=facilitator or "",
        programming_month=month or "",
    )
    saved = save_organisation(
        ctx.engine, entry, ctx.now(), facilitators=[f.id for f in ctx.settings.facilitators]
    )
    console.print(f"{role} {saved} added.", highlight=False)


@command(organisations_app, "edit")
def organisation_edit(
    *,
    slug: Annotated[str, typer.Argument(help="Its identifier.", show_default=False)],
    name: Text = None,
    kind: Text = None,
    article: Text = None,
    territory: Text = None,
    facilitator: Text = None,
    month: Text = None,
    ctx: Context,
) -> None:
    """Change what is given of an organisation (its identifier and role stay)."""
    entry = organisation_entry(ctx.engine, slug)
    if entry is None:
        raise NotFoundError(f"no organisation with identifier {slug!r}")
    given: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "article": article,
        "territory": territory,
        "facilitator": facilitator,
        "programming_month": month,
    }
    changed = replace(entry, **{k: v for k, v in given.items() if v is not None})
    save_organisation(
        ctx.engine,
        changed,
        ctx.now(),
        facilitators=[f.id for f in ctx.settings.facilitators],
        slug=slug,
    )
    console.print(f"{entry.role} {slug} changed.", highlight=False)


@command(conventions_app, "add")
def convention_add(
    *,
    buyer: Slug,
    start: Annotated[str, typer.Option(help="Its first day (2027-03-15 or 15/03/2027).")],
    end: Annotated[str, typer.Option(help="Its last day.")],
    signed_on: Text = None,
    status: Annotated[str, typer.Option(help="active, draft, ended or cancelled.")] = "active",
    amount: Annotated[
        str | None,
        typer.Option(help="The buyer's financial participation in euros (none when left out)."),
    ] = None,
    confidential: Annotated[bool, typer.Option("--confidential/--not-confidential")] = True,
    commitments: Text = None,
    document: Annotated[
        str | None, typer.Option(help="The signed document's reference.", show_default=False)
    ] = None,
    renewal: Annotated[
        str | None, typer.Option(help="meeting, tacit or none.", show_default=False)
    ] = None,
    ctx: Context,
) -> None:
    """Add a convention to a buyer."""
    entry = ConventionEntry(
        start=start,
        end=end,
        signed_on=signed_on or "",
        status=status,
        financial=amount is not None,
        amount=amount or "",
        confidential=confidential,
        commitments=commitments or "",
        document_reference=document or "",
        renewal=renewal or "",
    )
    save_convention(ctx.engine, buyer, entry, ctx.now())
    console.print(f"convention of {buyer} from {start} added.", highlight=False)


@command(conventions_app, "edit")
def convention_edit(
    *,
    buyer: Slug,
    of: Annotated[str, typer.Argument(help="The first day of the convention to change.")],
    start: Text = None,
    end: Text = None,
    signed_on: Text = None,
    status: Text = None,
    amount: Annotated[
        str | None, typer.Option(help="The financial participation in euros.", show_default=False)
    ] = None,
    no_amount: Annotated[
        bool, typer.Option("--no-amount", help="No financial participation.")
    ] = False,
    confidential: Annotated[
        bool | None, typer.Option("--confidential/--not-confidential", show_default=False)
    ] = None,
    commitments: Text = None,
    document: Annotated[
        str | None, typer.Option(help="The signed document's reference.", show_default=False)
    ] = None,
    renewal: Text = None,
    ctx: Context,
) -> None:
    """Change what is given of a buyer's convention, named by its first day."""
    entry = convention_entry(ctx.engine, buyer, start=of)
    if entry is None or entry.convention_id is None:
        raise NotFoundError(f"{buyer} has no convention starting on {of}")
    given: dict[str, Any] = {
        "start": start,
        "end": end,
        "signed_on": signed_on,
        "status": status,
        "confidential": confidential,
        "commitments": commitments,
        "document_reference": document,
        "renewal": renewal,
    }
    if amount is not None:
        given |= {"financial": True, "amount": amount}
    elif no_amount:
        given |= {"financial": False, "amount": ""}
    changed = replace(entry, **{k: v for k, v in given.items() if v is not None})
    save_convention(ctx.engine, buyer, changed, ctx.now(), convention_id=entry.convention_id)
    console.print(f"convention of {buyer} from {of} changed.", highlight=False)
