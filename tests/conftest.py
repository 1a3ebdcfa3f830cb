"""Shared test helpers: every iCalendar object a test builds goes through `ics_check`.

`ics_check(*paths)` runs `../shared/tools/ics-check` (or `$RITUEL_ICS_CHECK`; four independent
parsers: ical.js, ical, icalendar, libical) on the files, and always parses them with the Python
parsers as well. When
the tool is absent, a test asking for the fixture is skipped as a whole before its body runs (so
no assertion after a check is silently dropped), unless the environment variable `CI` is set, in
which case it fails: CI must run it.

Hypothesis: the profile named by `HYPOTHESIS_PROFILE` is loaded; "mutation" (used by
`make mutation`) is derandomized with ten examples a property (tests that set their own count
take the smaller), no shrinking and no example database, so a mutant is killed or not the same
way on every run, and a surviving mutant costs seconds, not minutes.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

ICS_CHECK = Path(__file__).resolve().parents[2] / "shared/tools/ics-check"

IcsCheck = Callable[..., None]

settings.register_profile(
    "mutation",
    derandomize=True,
    max_examples=10,
    database=None,
    deadline=None,
    print_blob=False,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # a failure is a kill: no shrinking
    suppress_health_check=[HealthCheck.too_slow],
)
if "HYPOTHESIS_PROFILE" in os.environ:
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


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


def ics_check_tool() -> Path:
    """The four-parser tool: `RITUEL_ICS_CHECK` when set, else the shared one."""
    return Path(os.environ.get("RITUEL_ICS_CHECK", ICS_CHECK))


def require_ics_check() -> Path:
    """The four-parser tool; skips the calling test (fails it under CI) when it is absent.
    Called while fixtures are set up, so a test body never starts without it."""
    tool = ics_check_tool()
    if not tool.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is missing and CI is set: the four-parser check must run")
        pytest.skip(f"{tool} is absent")
    return tool


def run_ics_check(tool: Path, *paths: Path) -> None:
    """Run the four-parser `tool` on `paths`."""
    result = subprocess.run(
        [str(tool), *map(str, paths)], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"ics-check failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture
def ics_check() -> IcsCheck:
    """Check iCalendar files with the Python parsers, then with the shared four-parser tool;
    the test is skipped (failed under CI) before it starts when the tool is absent."""
    tool = require_ics_check()

    def check(*paths: Path) -> None:
        for path in paths:
            parse_with_python(path)
        run_ics_check(tool, *paths)

    return check
