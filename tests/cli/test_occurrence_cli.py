"""`rituel occurrence edit UID …`: what is given changes, what is left out keeps its value."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.cli import main
from scheduler.core.kinds import RitualKind
from scheduler.errors import NotFoundError
from tests.world import World, at, make_world


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def edit(world: World, uid: str, *options: str) -> int:
    config = str(world.folder / "config.toml")
    return main(["occurrence", "edit", uid, *options, "--config", config, "--now", "2026-11-25"])


def test_an_edit_changes_what_is_given_and_keeps_the_rest(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    row = world.occurrence(RitualKind.AFTER_WORK, at("2027-03-18 18:00"), theme="Le sourcing")
    assert edit(world, row.uid, "--description", "Apportez vos marchés", "--place", "Salle B") == 0
    assert edit(world, row.uid, "--theme", "Les marchés réservés") == 0
    out, _ = capsys.readouterr()
    assert f"{row.uid} changed; SEQUENCE 2." in out
    stored = world.stored(row.uid)
    assert (stored.theme, stored.description, stored.location, stored.video_url) == (
        "Les marchés réservés",
        "Apportez vos marchés",
        "Salle B",
        None,
    )

    assert edit(world, row.uid, "--place", "") == 0
    stored = world.stored(row.uid)
    assert (stored.theme, stored.description, stored.location) == (
        "Les marchés réservés",
        "Apportez vos marchés",
        None,
    )


def test_editing_an_unknown_meeting_says_so_in_one_line(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert edit(world, "nowhere@test.example", "--theme", "x") == NotFoundError.exit_code
    _, err = capsys.readouterr()
    assert err == "rituel: no meeting with UID 'nowhere@test.example'\n"
