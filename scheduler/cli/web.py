"""`rituel web link EMAIL`: a sign-in link to the facilitator's workspace, printed on the
terminal (the first sign-in, or a server without mail)."""

from __future__ import annotations

from typing import Annotated

import typer

from scheduler.cli.app import ConfigOption, NowOption, app, console, open_context
from scheduler.i18n import format_when
from scheduler.service.access.signin import LINK_MINUTES, mint_link

web_app = typer.Typer(
    name="web",
    help="The facilitator's workspace: sign-in links.",
    no_args_is_help=True,
)
app.add_typer(web_app, name="web")


@web_app.command("link")
def link_command(
    email: Annotated[
        str,
        typer.Argument(
            help="The address of a [[facilitators]] or [[admins]] entry.", show_default=False
        ),
    ],
    config: ConfigOption = None,
    now: NowOption = None,
) -> None:
    """Print a one-time sign-in link for EMAIL, valid 15 minutes."""
    ctx = open_context(config, now)
    issued = mint_link(ctx.settings, ctx.engine, email, ctx.now())
    until = format_when(issued.expires_at, "en", ctx.settings.organisation.timezone)
    console.print(
        f"Sign-in link for {issued.person.name} (valid {LINK_MINUTES} minutes, once, "
        f"until {until}):",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    console.print(issued.url, highlight=False, markup=False, soft_wrap=True)
