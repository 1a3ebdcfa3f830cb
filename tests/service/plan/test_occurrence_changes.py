"""Moving, cancelling and bringing back one meeting by hand: same UID, SEQUENCE + 1, iTIP
objects that clients accept."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from scheduler.calendar import Attendee, EventView, render_cancel, render_request
from scheduler.cli import main
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.placement import Rule
from scheduler.errors import InputError, NotFoundError, PlacementError
from scheduler.service.plan.occurrences import (
    cancel_occurrence,
    move_occurrence,
    restore_occurrence,
)
from scheduler.service.publish.event_views import Visibility, event_view
from scheduler.store.meetings import meeting_of
from scheduler.store.models import Occurrence
from tests.conftest import IcsCheck
from tests.ics_text import properties
from tests.world import NOW, World, at, make_world

ZOE = Attendee("Zoé Dupont", "zoe.dupont@ville.example")


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def invitation_of(world: World, row: Occurrence) -> bytes:
    """The REQUEST the mail side would send for `row` as stored now."""
    return render_request(view_of(world, row))


def view_of(world: World, row: Occurrence) -> EventView:
    return event_view(
        world.settings,
        meeting_of(row),
        locale="fr",
        visibility=Visibility.SCHEDULING,
        attendees=[ZOE],
    )


def test_moving_twice_raises_the_sequence_0_1_2_under_the_same_uid(
    world: World, ics_check: IcsCheck
) -> None:
    row = world.occurrence(RitualKind.STEERING_COMMITTEE, at("2027-06-08 14:00"))
    files = [world.folder / "invite.ics"]
    files[0].write_bytes(invitation_of(world, world.stored(row.uid)))
    for number, day in enumerate(("2027-06-15 14:00", "2027-06-22 10:00"), start=1):
        later = NOW + timedelta(hours=number)
        change = move_occurrence(world.engine, row.uid, at(day), later, settings=world.settings)
        assert change.sequence == number
        stored = world.stored(row.uid)
        assert (stored.uid, stored.sequence, stored.status) == (
            row.uid,
            number,
            OccurrenceStatus.MOVED,
        )
        assert stored.start == at(day)
        assert stored.end - stored.start == timedelta(hours=2)
        assert stored.changed_at == later
        path = world.folder / f"update-{number}.ics"
        path.write_bytes(invitation_of(world, stored))
        files.append(path)
    ics_check(*files)
    sequences = [properties(p.read_bytes(), "SEQUENCE")[0] for p in files]
    assert sequences == ["SEQUENCE:0", "SEQUENCE:1", "SEQUENCE:2"]
    uids = {properties(p.read_bytes(), "UID")[0] for p in files}
    assert uids == {f"UID:{row.uid}"}
    assert all(properties(p.read_bytes(), "METHOD") == ["METHOD:REQUEST"] for p in files)
    dtstamps = [properties(p.read_bytes(), "DTSTAMP")[0] for p in files]
    assert len(set(dtstamps)) == 3


def test_cancelling_sends_cancel_with_status_cancelled_and_sequence_plus_one(
    world: World, ics_check: IcsCheck
) -> None:
    row = world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"), sequence=1)
    change = cancel_occurrence(world.engine, row.uid, NOW, reason="  salle   indisponible ")
    assert change.sequence == 2
    stored = world.stored(row.uid)
    assert stored.status == OccurrenceStatus.CANCELLED
    assert stored.cancel_reason == "salle indisponible"
    assert stored.changed_at == NOW
    path = world.folder / "cancel.ics"
    path.write_bytes(render_cancel(view_of(world, stored)))
    ics_check(path)
    content = path.read_bytes()
    assert properties(content, "METHOD") == ["METHOD:CANCEL"]
    assert properties(content, "STATUS") == ["STATUS:CANCELLED"]
    assert properties(content, "SEQUENCE") == ["SEQUENCE:2"]
    assert properties(content, "UID") == [f"UID:{row.uid}"]
    assert properties(content, "ORGANIZER") == [
        'ORGANIZER;CN="Camille Roussel":mailto:camille@guichet.example'
    ]
    assert len(properties(content, "ATTENDEE")) == 1


def test_a_cancelled_meeting_can_be_neither_moved_nor_cancelled_again(world: World) -> None:
    row = world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"))
    cancel_occurrence(world.engine, row.uid, NOW)
    with pytest.raises(InputError, match="cancelled; it cannot be moved"):
        move_occurrence(world.engine, row.uid, at("2027-03-18 09:30"), NOW, settings=world.settings)
    with pytest.raises(InputError, match="cancelled; it cannot be cancelled"):
        cancel_occurrence(world.engine, row.uid, NOW)
    assert world.stored(row.uid).sequence == 1


def test_a_cancelled_meeting_comes_back_under_the_rules_of_a_move(world: World) -> None:
    row = world.occurrence(RitualKind.BUYER_CLUB, at("2027-04-29 09:30"))
    with pytest.raises(InputError, match="is not cancelled; move it instead"):
        restore_occurrence(
            world.engine, row.uid, at("2027-05-04 09:30"), NOW, settings=world.settings
        )
    with pytest.raises(InputError, match="already starts at"):
        move_occurrence(world.engine, row.uid, at("2027-04-29 09:30"), NOW, settings=world.settings)
    cancel_occurrence(world.engine, row.uid, NOW, reason="Salle prise")
    with pytest.raises(PlacementError) as refused:
        restore_occurrence(
            world.engine, row.uid, at("2027-05-06 10:00"), NOW, settings=world.settings
        )
    assert str(refused.value) == (
        f"{row.uid} not restored to 2027-05-06 10:00: Thursday 2027-05-06 is a public holiday "
        "(Ascension) (--force restores it anyway)"
    )
    with pytest.raises(InputError, match="in the past"):
        restore_occurrence(
            world.engine, row.uid, NOW - timedelta(hours=1), NOW, settings=world.settings
        )
    stored = world.stored(row.uid)
    assert (stored.status, stored.sequence, stored.cancel_reason) == (
        OccurrenceStatus.CANCELLED,
        1,
        "Salle prise",
    )
    change = restore_occurrence(
        world.engine, row.uid, at("2027-05-04 09:30"), NOW, settings=world.settings
    )
    assert change.sequence == 2
    assert change.broken == ()
    stored = world.stored(row.uid)
    assert (stored.status, stored.start, stored.cancel_reason) == (
        OccurrenceStatus.MOVED,
        at("2027-05-04 09:30"),
        None,
    )
    assert stored.end - stored.start == timedelta(hours=2)


def test_a_past_meeting_cannot_be_changed_nor_a_meeting_moved_into_the_past(
    world: World,
) -> None:
    past = world.occurrence(RitualKind.BUYER_CLUB, NOW - timedelta(days=3))
    with pytest.raises(InputError, match="cannot be moved"):
        move_occurrence(
            world.engine, past.uid, NOW + timedelta(days=3), NOW, settings=world.settings
        )
    with pytest.raises(InputError, match="cannot be cancelled"):
        cancel_occurrence(world.engine, past.uid, NOW)
    future = world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"))
    with pytest.raises(InputError, match="in the past"):
        move_occurrence(
            world.engine, future.uid, NOW - timedelta(hours=1), NOW, settings=world.settings
        )
    assert world.stored(future.uid).sequence == 0


def test_an_unknown_uid_is_not_found(world: World) -> None:
    with pytest.raises(NotFoundError, match="no meeting with UID"):
        move_occurrence(
            world.engine, "nope@test.example", at("2027-03-18 09:30"), NOW, settings=world.settings
        )
    with pytest.raises(NotFoundError):
        cancel_occurrence(world.engine, "nope@test.example", NOW)


def test_the_change_and_what_the_caller_adds_share_one_transaction(world: World) -> None:
    row = world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"))

    def enqueue_then_fail(_session: object, changed: Occurrence) -> None:
        assert changed.sequence == 1
        raise RuntimeError("outbox unavailable")

    with pytest.raises(RuntimeError):
        cancel_occurrence(world.engine, row.uid, NOW, in_transaction=enqueue_then_fail)
    stored = world.stored(row.uid)
    assert (stored.status, stored.sequence) == (OccurrenceStatus.ANNOUNCED, 0)


def test_the_commands_move_and_cancel_and_reexport_the_feeds(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    row = world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"))
    config = str(world.folder / "config.toml")
    now = "2026-11-25T09:00"
    status = main(
        [
            "occurrence",
            "move",
            row.uid,
            "--to",
            "2027-03-18T10:00",
            "--config",
            config,
            "--now",
            now,
        ]
    )
    out, _ = capsys.readouterr()
    assert status == 0
    assert "SEQUENCE 1" in out
    assert world.stored(row.uid).start == at("2027-03-18 10:00")
    public = (world.calendars / "territoire.ics").read_bytes()
    assert properties(public, "DTSTART") == ["DTSTART;TZID=Europe/Paris:20270318T100000"]

    status = main(
        ["occurrence", "cancel", row.uid, "--reason", "grève", "--config", config, "--now", now]
    )
    assert status == 0
    assert "SEQUENCE 2" in capsys.readouterr().out
    public = (world.calendars / "territoire.ics").read_bytes()
    assert properties(public, "STATUS") == ["STATUS:CANCELLED"]

    status = main(["occurrence", "cancel", row.uid, "--config", config, "--now", now])
    _, err = capsys.readouterr()
    assert status == 2
    assert err.strip() == f"rituel: {row.uid} is cancelled; it cannot be cancelled"
    status = main(["occurrence", "move", "x@y", "--to", "2027-03-18T10:00", "--config", config])
    assert status == 3
    assert "no meeting with UID" in capsys.readouterr().err
    status = main(["occurrence", "move", row.uid, "--to", "next week", "--config", config])
    assert status == 2
    assert "--to: 'next week' is not an ISO 8601" in capsys.readouterr().err


def test_a_move_onto_a_holiday_is_refused_with_the_reason_and_changes_nothing(
    world: World,
) -> None:
    row = world.occurrence(RitualKind.BUYER_CLUB, at("2027-04-29 09:30"))
    with pytest.raises(PlacementError) as refused:
        move_occurrence(world.engine, row.uid, at("2027-05-06 10:00"), NOW, settings=world.settings)
    assert [broken.rule for broken in refused.value.broken] == [Rule.HOLIDAY]
    assert str(refused.value) == (
        f"{row.uid} not moved to 2027-05-06 10:00: Thursday 2027-05-06 is a public holiday "
        "(Ascension) (--force moves it anyway)"
    )
    stored = world.stored(row.uid)
    assert (stored.start, stored.sequence, stored.status) == (
        at("2027-04-29 09:30"),
        0,
        OccurrenceStatus.ANNOUNCED,
    )


def test_a_move_over_the_facilitators_day_and_meetings_is_refused_unless_forced(
    world: World,
) -> None:
    row = world.occurrence(RitualKind.BUYER_CLUB, at("2027-04-29 09:30"))
    world.occurrence(RitualKind.AFTER_WORK, at("2027-05-11 09:00"))
    world.occurrence(RitualKind.STEERING_COMMITTEE, at("2027-05-11 14:00"))
    world.occurrence(
        RitualKind.B2B_MEETUP, at("2027-05-11 16:00"), status=OccurrenceStatus.CANCELLED
    )
    world.occurrence(RitualKind.B2B_MEETUP, at("2027-05-11 10:00"), facilitator="nadia")
    with pytest.raises(PlacementError) as refused:
        move_occurrence(world.engine, row.uid, at("2027-05-11 10:00"), NOW, settings=world.settings)
    assert [broken.rule for broken in refused.value.broken] == [Rule.DAY_CAPACITY, Rule.OVERLAP]
    assert world.stored(row.uid).sequence == 0

    change = move_occurrence(
        world.engine, row.uid, at("2027-05-11 10:00"), NOW, settings=world.settings, force=True
    )
    assert [broken.rule for broken in change.broken] == [Rule.DAY_CAPACITY, Rule.OVERLAP]
    stored = world.stored(row.uid)
    assert (stored.start, stored.sequence, stored.status) == (
        at("2027-05-11 10:00"),
        1,
        OccurrenceStatus.MOVED,
    )
    # Its own place no longer counts against it: moved on to a free day, it breaks no rule.
    again = move_occurrence(
        world.engine, row.uid, at("2027-05-12 10:00"), NOW, settings=world.settings
    )
    assert (again.broken, again.sequence) == ((), 2)


def test_the_move_command_refuses_a_closed_day_in_one_line_and_forces_it_on_demand(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    row = world.occurrence(RitualKind.BUYER_CLUB, at("2027-04-29 09:30"))
    config = str(world.folder / "config.toml")
    move = ["occurrence", "move", row.uid, "--config", config, "--now", "2026-11-25T09:00"]
    status = main([*move, "--to", "2027-08-12T10:00"])
    out, err = capsys.readouterr()
    assert (status, out) == (1, "")
    assert err == (
        f"rituel: {row.uid} not moved to 2027-08-12 10:00: Thursday 2027-08-12 is in a blackout "
        "period (08-01 to 08-31) (--force moves it anyway)\n"
    )
    assert world.stored(row.uid).sequence == 0

    status = main([*move, "--to", "2027-05-15T10:00", "--force"])
    out, err = capsys.readouterr()
    assert status == 0
    assert err == "warning: forced, though Saturday 2027-05-15 is a weekend day\n"
    assert "SEQUENCE 1" in out
    assert world.stored(row.uid).start == at("2027-05-15 10:00")
