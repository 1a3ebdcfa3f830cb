"""`rituel report`'s progress bar: it appears only when the work lasts more than a second."""

from __future__ import annotations

import io
import time

from rich.console import Console

from scheduler.cli.report import DelayedProgress


def terminal() -> tuple[Console, io.StringIO]:
    screen = io.StringIO()
    return Console(file=screen, force_terminal=True, width=80), screen


def test_quick_work_shows_no_bar() -> None:
    console, screen = terminal()
    with DelayedProgress("report 2027", total=3, console=console) as step:
        step("reading the facts")
        step("computing the figures")
        step("writing the workbook")
    assert not step.shown
    assert screen.getvalue() == ""


def test_slow_work_shows_the_bar_with_its_step() -> None:
    console, screen = terminal()
    with DelayedProgress("report 2027", total=2, delay=0.05, console=console) as step:
        step("printing the PDF")
        time.sleep(0.4)
        assert step.shown
    assert "printing the PDF" in screen.getvalue()


def test_no_bar_when_the_output_is_no_terminal() -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=False)
    with DelayedProgress("report 2027", total=1, delay=0.01, console=console) as step:
        time.sleep(0.1)
        step("charts")
    assert screen.getvalue() == ""
