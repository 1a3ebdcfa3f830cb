"""`rituel feeds export|links|rotate|revoke` as the operator runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scheduler.cli import main
from scheduler.core.kinds import RitualKind
from tests.world import World, at, make_world

NOW = "2026-11-25T09:00"
LINK = re.compile(r"(?:https?|webcal)://\S+/feeds/[A-Za-z0-9_-]{43}\.ics")


@pytest.fixture
def world(tmp_path: Path) -> World:
    world = make_world(tmp_path)
    buyer = world.buyer("ville-a", "Ville A")
    world.contact(buyer, "achat@ville-a.example", "Achat A")
    world.occurrence(RitualKind.PROGRAMMING_REVIEW, at("2027-09-07 10:00"), buyer=buyer)
    return world


def run(world: World, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main([*args, "--config", str(world.folder / "config.toml")])
    out, err = capsys.readouterr()
    return status, out, err


def test_links_mints_and_prints_each_link_once_in_both_forms(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(world, capsys, "feeds", "links", "--now", NOW)
    assert status == 0
    assert "public territory feed\n  http://127.0.0.1:8080/territoire.ics\n" in out
    assert "  webcal://127.0.0.1:8080/territoire.ics\n" in out
    links = LINK.findall(out)
    assert len(links) == 2 * 4  # a buyer, two facilitators, a contact
    http = [link for link in links if link.startswith("http://")]
    webcal = [link for link in links if link.startswith("webcal://")]
    assert [link.split("://")[1] for link in http] == [link.split("://")[1] for link in webcal]
    assert "4 new link(s)" in out
    assert len(list((world.calendars / "private").iterdir())) == 4

    status, out, _ = run(world, capsys, "feeds", "links", "--now", NOW)
    assert status == 0
    assert LINK.findall(out) == []
    assert "buyer ville-a: link issued on 2026-11-25" in out


def test_links_as_json(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(world, capsys, "feeds", "links", "ville-a", "--json", "--now", NOW)
    assert status == 0
    payload = json.loads(out)
    assert payload["public"]["webcal"] == "webcal://127.0.0.1:8080/territoire.ics"
    (subscriber,) = payload["subscribers"]
    assert subscriber["subscriber"] == "buyer ville-a"
    assert subscriber["minted"] is True
    assert LINK.fullmatch(subscriber["http"])


def test_rotate_prints_a_new_link_and_unknown_names_fail_cleanly(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    run(world, capsys, "feeds", "links", "--now", NOW)
    status, out, _ = run(world, capsys, "feeds", "rotate", "achat@ville-a.example", "--now", NOW)
    assert status == 0
    assert out.startswith("contact achat@ville-a.example (new)\n")
    assert len(LINK.findall(out)) == 2
    status, _, err = run(world, capsys, "feeds", "rotate", "ville-z")
    assert status == 3
    assert err.strip() == "rituel: 'ville-z' is no buyer slug, facilitator id or contact address"
    status, out, _ = run(world, capsys, "feeds", "revoke", "camille", "--now", NOW)
    assert status == 0
    assert "revoked" in out


def test_export_reports_written_then_unchanged(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(world, capsys, "feeds", "export", "--now", NOW)
    assert status == 0
    assert "1 written, 0 unchanged" in out
    status, out, _ = run(world, capsys, "feeds", "export", "--now", NOW)
    assert "0 written, 1 unchanged" in out


def test_plain_http_outside_this_machine_is_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = make_world(tmp_path)
    config = world.folder / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            '[feeds]\ndir = "calendars"',
            '[feeds]\ndir = "calendars"\nbase_url = "http://rituel.example"',
        ),
        encoding="utf-8",
    )
    status, out, err = run(world, capsys, "feeds", "links", "--now", NOW)
    assert status == 0
    assert "webcal://rituel.example/feeds/" in out
    assert "plain http outside this machine" in err


def test_links_minted_before_a_failed_export_are_printed_and_the_failure_is_one_line(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.calendars.write_text("not a folder\n", encoding="utf-8")
    status, out, err = run(world, capsys, "feeds", "links", "--kind", "buyer", "--now", NOW)
    assert status == 1
    assert len(LINK.findall(out)) == 2  # the buyer's, in both forms: its token is kept
    assert "1 new link(s)" in out
    (line,) = err.strip().splitlines()
    assert line.startswith(f"rituel: cannot write the feeds: {world.calendars}")
    assert "rituel feeds export" in line

    world.calendars.unlink()
    status, _, _ = run(world, capsys, "feeds", "export", "--now", NOW)
    assert status == 0
    assert len(list((world.calendars / "private").iterdir())) == 1  # the link now opens


def test_links_as_json_are_printed_before_a_failed_export(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.calendars.write_text("not a folder\n", encoding="utf-8")
    status, out, err = run(world, capsys, "feeds", "links", "ville-a", "--json", "--now", NOW)
    assert status == 1
    (subscriber,) = json.loads(out)["subscribers"]
    assert LINK.fullmatch(subscriber["http"])
    assert err.startswith("rituel: cannot write the feeds: ")


def test_export_into_a_regular_file_is_a_one_line_error(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.calendars.write_text("not a folder\n", encoding="utf-8")
    status, _, err = run(world, capsys, "feeds", "export", "--now", NOW)
    assert status == 1
    assert err.startswith(f"rituel: cannot write the feeds: {world.calendars}")
    assert len(err.strip().splitlines()) == 1
