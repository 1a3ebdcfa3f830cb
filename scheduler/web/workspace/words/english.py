"""Every template text's English, gathered from the page areas' modules. A text is given once:
the same French text in two modules is an error here, when the workspace loads."""

from __future__ import annotations

from scheduler.web.workspace.words import (
    bilan,
    common,
    directory,
    home,
    meetings,
    outbox,
    settings,
    signin,
)


def _gathered(*areas: dict[str, str]) -> dict[str, str]:
    """One mapping of the areas' texts, refusing a text given twice."""
    english: dict[str, str] = {}
    for area in areas:
        twice = english.keys() & area.keys()
        if twice:
            raise ValueError(f"texts given twice in scheduler.web.workspace.words: {sorted(twice)}")
        english.update(area)
    return english


ENGLISH = _gathered(
    common.ENGLISH,
    signin.ENGLISH,
    home.ENGLISH,
    meetings.ENGLISH,
    directory.ENGLISH,
    outbox.ENGLISH,
    bilan.ENGLISH,
    settings.ENGLISH,
)
