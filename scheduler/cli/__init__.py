"""The operator's command line: `rituel …`. Errors of the user's making become one line on
stderr and an exit status, never a traceback."""

from __future__ import annotations

import sys

import click

from scheduler.cli.app import app, close_engines, err_console
from scheduler.errors import InputError, RituelError

# Each module below registers its commands on `app`.
from scheduler.cli import planning as planning  # isort: skip
from scheduler.cli import feeds as feeds  # isort: skip
from scheduler.cli import occurrence as occurrence  # isort: skip
from scheduler.cli import imports as imports  # isort: skip
from scheduler.cli import directory as directory  # isort: skip
from scheduler.cli import service as service  # isort: skip
from scheduler.cli import attendance as attendance  # isort: skip
from scheduler.cli import outbox as outbox  # isort: skip
from scheduler.cli import replies as replies  # isort: skip
from scheduler.cli import report as report  # isort: skip
from scheduler.cli import web as web  # isort: skip
from scheduler.cli import config as config  # isort: skip
from scheduler.cli import entries as entries  # isort: skip


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        # Outside standalone mode, click returns a command's `typer.Exit` status instead of
        # raising it.
        status = app(args=argv, standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        err_console.print("rituel: interrupted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except RituelError as exc:
        err_console.print(f"rituel: {exc}", markup=False, highlight=False, soft_wrap=True)
        if isinstance(exc, InputError):
            for problem in exc.problems:
                err_console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        return exc.exit_code
    finally:
        close_engines()
    return status if isinstance(status, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
