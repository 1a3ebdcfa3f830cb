"""`python -m scheduler.cli`."""

from scheduler.cli import run

run()
