"""`rituel attendance UID --present EMAIL…` as the facilitator runs it after a meeting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from scheduler.cli import main
from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.service.answer.attendance import attendance_of
from scheduler.service.plan.occurrences import cancel_occurrence
from scheduler.store.db import session_scope
from scheduler.store.models import Contact, Invitation, Occurrence
from tests.feed_factories import NOW, World, at, make_world

AFTER = "2027-03-11T14:00"
"""The afternoon after the buyer club below."""


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


@pytest.fixture
def club(world: World) -> Occurrence:
    """A buyer club with three invitees, one of whom declined."""
    buyer = world.buyer("ville-a", "Ville A")
    row = world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"))
    for email, name, partstat in (
        ("zoe@ville-a.example", "Zoé Dupont", PartStat.ACCEPTED),
        ("ali@ville-a.example", "Ali Martin", PartStat.NEEDS_ACTION),
        ("eve@ville-a.example", "Ève Durand", PartStat.DECLINED),
    ):
        world.invite(row, world.contact(buyer, email, name), partstat)
    world.contact(buyer, "not-invited@ville-a.example", "Pas Invité")
    return row


def run(world: World, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main([*args, "--config", str(world.folder / "config.toml")])
    out, err = capsys.readouterr()
    return status, out, err


def attended(world: World) -> dict[str, bool | None]:
    with session_scope(world.engine) as session:
        rows = session.execute(
            select(col(Contact.email), col(Invitation.attended)).join(
                Contact, col(Contact.id) == col(Invitation.contact_id)
            )
        ).all()
    return {row.email: row.attended for row in rows}


def test_the_named_are_present_the_others_absent_and_the_meeting_held(
    world: World, club: Occurrence, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        world,
        capsys,
        "attendance",
        club.uid,
        "--present",
        "zoe@ville-a.example",
        "Eve@Ville-A.example",
        "--now",
        AFTER,
    )
    assert (status, err) == (0, "")
    assert f"{club.uid} held: 2 present, 1 absent." in out
    assert attended(world) == {
        "zoe@ville-a.example": True,
        "eve@ville-a.example": True,
        "ali@ville-a.example": False,
    }
    stored = world.stored(club.uid)
    assert stored.status == OccurrenceStatus.HELD
    assert (stored.sequence, stored.changed_at) == (club.sequence, club.changed_at)


def test_repeated_and_comma_separated_addresses_and_json(
    world: World, club: Occurrence, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        world,
        capsys,
        "attendance",
        club.uid,
        "-p",
        "zoe@ville-a.example,ali@ville-a.example",
        "--present",
        "eve@ville-a.example",
        "--json",
        "--now",
        AFTER,
    )
    assert status == 0
    assert json.loads(out) == {
        "uid": club.uid,
        "status": "held",
        "present": ["ali@ville-a.example", "eve@ville-a.example", "zoe@ville-a.example"],
        "absent": [],
    }


def test_recording_again_replaces_the_previous_record(
    world: World, club: Occurrence, capsys: pytest.CaptureFixture[str]
) -> None:
    run(world, capsys, "attendance", club.uid, "--present", "ali@ville-a.example", "--now", AFTER)
    status, _, _ = run(
        world, capsys, "attendance", club.uid, "--present", "zoe@ville-a.example", "--now", AFTER
    )
    assert status == 0
    report = attendance_of(world.engine, club.uid)
    assert [i.email for i in report.present] == ["zoe@ville-a.example"]
    assert sorted(i.email for i in report.absent) == ["ali@ville-a.example", "eve@ville-a.example"]


def test_before_the_meeting_starts_it_is_refused_and_nothing_changes(
    world: World, club: Occurrence, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        world,
        capsys,
        "attendance",
        club.uid,
        "--present",
        "zoe@ville-a.example",
        "--now",
        "2027-03-11T09:00",
    )
    assert status == 2
    assert out == ""
    assert "has not started yet (it starts on Thursday 11 March 2027 at 09:30)" in err
    assert "Traceback" not in err
    assert set(attended(world).values()) == {None}
    assert world.stored(club.uid).status == OccurrenceStatus.ANNOUNCED


def test_an_address_that_was_not_invited_is_named_with_the_invitees(
    world: World, club: Occurrence, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(
        world,
        capsys,
        "attendance",
        club.uid,
        "--present",
        "zoe@ville-a.example",
        "not-invited@ville-a.example",
        "nobody@else.example",
        "--now",
        AFTER,
    )
    assert status == 2
    assert "not invited to" in err
    assert "nobody@else.example, not-invited@ville-a.example" in err
    assert "invitees: ali@ville-a.example, eve@ville-a.example, zoe@ville-a.example" in err
    assert set(attended(world).values()) == {None}


def test_an_unknown_uid_is_not_found(
    world: World, club: Occurrence, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(
        world, capsys, "attendance", "nope@test.example", "-p", "zoe@ville-a.example"
    )
    assert status == 3
    assert "no meeting with UID 'nope@test.example'" in err


def test_without_present_it_asks_who_came(
    world: World, club: Occurrence, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(world, capsys, "attendance", club.uid, "--now", AFTER)
    assert status == 2
    assert "say who came" in err


def test_a_cancelled_meeting_has_no_attendance(
    world: World, club: Occurrence, capsys: pytest.CaptureFixture[str]
) -> None:
    cancel_occurrence(world.engine, club.uid, NOW)
    status, _, err = run(
        world, capsys, "attendance", club.uid, "-p", "zoe@ville-a.example", "--now", AFTER
    )
    assert status == 2
    assert "is cancelled" in err
