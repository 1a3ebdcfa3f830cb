"""`rituel run`: the daemon, or one whole cycle with --once."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from scheduler.cli.app import ConfigOption, NowOption, app, console, open_context
from scheduler.config import config_path
from scheduler.daemon import Daemon
from scheduler.daemon.cycle import describe
from scheduler.logs import setup_logging


@app.command()
def run(
    config: ConfigOption = None,
    now: NowOption = None,
    once: Annotated[
        bool, typer.Option("--once", help="Run one whole cycle (plan, send, publish) and exit.")
    ] = False,
    log_json: Annotated[bool, typer.Option("--log-json", help="Log JSON lines.")] = False,
    no_web: Annotated[bool, typer.Option("--no-web", help="Do not serve HTTP.")] = False,
) -> None:
    """Run the service: plan, invite, remind and publish until stopped (SIGTERM/SIGINT)."""
    setup_logging(json_lines=log_json)
    ctx = open_context(config, now)
    daemon = Daemon(config_path(config), clock=ctx.clock, serve_web=not no_web)
    if once:
        report = asyncio.run(daemon.run_once())
        console.print(describe(report))
        return
    asyncio.run(daemon.run_forever())
