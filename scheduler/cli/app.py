"""The `rituel` command's root: the Typer app, the shared options and the command context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from scheduler.clock import Clock, fixed_clock, parse_instant, system_clock
from scheduler.config import Settings, config_path, load_settings
from scheduler.store.db import open_database

app = typer.Typer(
    name="rituel",
    help="Plans the rituals of a guichet clause sociale with its buyers, invites and reminds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Configuration file (default: $RITUEL_CONFIG, else ./config.toml).",
        show_default=False,
    ),
]
NowOption = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="Act as if it were this instant (ISO 8601; naive times are local).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
]


@dataclass
class Context:
    """What a command works with: settings, the database and the clock."""

    settings: Settings
    clock: Clock = field(default=system_clock)

    @cached_property
    def engine(self) -> Engine:
        """The migrated database, opened on first use and closed when the command ends."""
        engine = open_database(self.settings.database_url)
        _open_engines.append(engine)
        return engine

    def now(self) -> datetime:
        """The instant the command acts at."""
        return self.clock()


_open_engines: list[Engine] = []


def close_engines() -> None:
    """Close the databases the command opened (their pooled connections included)."""
    while _open_engines:
        _open_engines.pop().dispose()


def open_context(config: Path | None, now: str | None = None) -> Context:
    """Load the configuration and set the clock from --now."""
    settings = load_settings(config_path(config))
    clock = system_clock
    if now is not None:
        clock = fixed_clock(parse_instant(now, settings.organisation.timezone))
    return Context(settings=settings, clock=clock)
