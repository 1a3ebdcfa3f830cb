"""The `rituel` command's root: the Typer app, the shared options and the command context."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from scheduler.clock import Clock, fixed_clock, parse_instant, system_clock
from scheduler.config import Settings, config_path, load_settings
from scheduler.service.plan.effective import effective
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
    """What a command works with: settings, the database and the clock, each loaded on first
    use (a command checks its own arguments before the configuration is read)."""

    config: Path | None = None
    """--config as given."""
    now_text: str | None = None
    """--now as given; None: the system clock."""

    @cached_property
    def config_path(self) -> Path:
        """The configuration file: --config, else $RITUEL_CONFIG, else ./config.toml."""
        return config_path(self.config)

    @cached_property
    def settings(self) -> Settings:
        """The configuration, validated."""
        return load_settings(self.config_path)

    @cached_property
    def clock(self) -> Clock:
        """The system clock, or one fixed at --now."""
        if self.now_text is None:
            return system_clock
        return fixed_clock(parse_instant(self.now_text, self.settings.organisation.timezone))

    @cached_property
    def engine(self) -> Engine:
        """The migrated database, opened on first use and closed when the command ends."""
        engine = open_database(self.settings.database_url)
        _open_engines.append(engine)
        return engine

    def now(self) -> datetime:
        """The instant the command acts at."""
        return self.clock()

    def effective_settings(self) -> Settings:
        """The settings in force: config.toml's rituals and team overlaid by the workspace's,
        read from the database now."""
        return effective(self.settings, self.engine)


_open_engines: list[Engine] = []


def close_engines() -> None:
    """Close the databases the command opened (their pooled connections included)."""
    while _open_engines:
        _open_engines.pop().dispose()


Command = Callable[..., Any]


def command(
    group: typer.Typer, name: str | None = None, *, now: bool = True, help: str | None = None
) -> Callable[[Command], Command]:
    """Register a command on `group` (the `rituel` app or one of its groups). Its `ctx: Context`
    parameter stands for the options every command shares, --config and (unless `now` is
    False) --now, which take its place in the command's --help."""

    def register(function: Command) -> Command:
        signature = inspect.signature(function, eval_str=True)
        if "ctx" not in signature.parameters:
            raise TypeError(f"{function.__name__} has no ctx: Context parameter")
        shared = [_CONFIG, _NOW] if now else [_CONFIG]
        parameters = [
            replaced.replace(kind=inspect.Parameter.KEYWORD_ONLY)
            for parameter in signature.parameters.values()
            for replaced in (shared if parameter.name == "ctx" else [parameter])
        ]

        @functools.wraps(function)
        def with_context(config: Path | None = None, now: str | None = None, **given: Any) -> Any:
            return function(ctx=Context(config, now), **given)

        with_context.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
        with_context.__annotations__ = {p.name: p.annotation for p in parameters}
        group.command(name, help=help)(with_context)
        return function

    return register


_CONFIG = inspect.Parameter(
    "config", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=ConfigOption
)
_NOW = inspect.Parameter("now", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=NowOption)
