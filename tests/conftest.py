"""Shared test helpers: every iCalendar object a test builds goes through `ics_check`.

`ics_check(*paths)` runs `../shared/tools/ics-check` (four independent parsers: ical.js, ical,
icalendar, libical) on the files, and always parses them with the Python parsers as well. When
the tool is absent the external leg is skipped, unless the environment variable `CI` is set, in
which case the test fails: CI must run it.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

ICS_CHECK = Path(__file__).resolve().parents[2] / "shared/tools/ics-check"

IcsCheck = Callable[..., None]


def parse_with_python(path: Path) -> None:
    """Parse `path` with icalendar (and validate it) and with allenporter's strict `ical`."""
    import icalendar
    from ical.calendar_stream import IcsCalendarStream

    text = path.read_text(encoding="utf-8")
    calendar = icalendar.Calendar.from_ical(text)
    problems = [f"{c.name}: {e}" for c in calendar.walk() for e in getattr(c, "errors", [])]
    assert not problems, f"{path.name}: icalendar parse errors: {problems}"
    assert not calendar.get_missing_tzids(), f"{path.name}: TZID without VTIMEZONE"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        IcsCalendarStream.calendar_from_ics(text)


def run_ics_check(*paths: Path) -> None:
    """Run the shared four-parser tool on `paths`; skip (or fail under CI) when it is absent."""
    if not ICS_CHECK.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{ICS_CHECK} is missing and CI is set: the four-parser check must run")
        pytest.skip(f"{ICS_CHECK} is absent")
    result = subprocess.run(
        [str(ICS_CHECK), *map(str, paths)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"ics-check failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture
def ics_check() -> IcsCheck:
    """Check iCalendar files with the Python parsers, then with the shared four-parser tool."""

    def check(*paths: Path) -> None:
        for path in paths:
            parse_with_python(path)
        run_ics_check(*paths)

    return check
