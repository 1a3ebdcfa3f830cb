"""The `ics_check` fixture decides before a test's body runs: without the four-parser tool the
whole test is skipped (failed under CI), so no assertion after a check is ever dropped."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_without_the_tool_a_test_is_skipped_before_its_body(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RITUEL_ICS_CHECK", str(tmp_path / "absent"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="absent"):
        request.getfixturevalue("ics_check")


def test_without_the_tool_under_ci_a_test_fails_before_its_body(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RITUEL_ICS_CHECK", str(tmp_path / "absent"))
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        request.getfixturevalue("ics_check")


def test_the_tool_runs_on_the_files_and_a_failure_fails_the_test(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tool = tmp_path / "ics-check"
    tool.write_text('#!/bin/sh\necho "checked $*"\nexit 3\n', encoding="utf-8")
    tool.chmod(0o755)
    calendar = tmp_path / "empty.ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("RITUEL_ICS_CHECK", str(tool))
    check = request.getfixturevalue("ics_check")
    with pytest.raises(AssertionError, match=f"checked {calendar}"):
        check(calendar)
