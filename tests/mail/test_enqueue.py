"""Enqueue against a real database: idempotent, in the transaction of a move or a cancellation,
and pending reminders follow the meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.clock import fixed_clock
from scheduler.core.kinds import OccurrenceStatus
from scheduler.core.messages import MessageKind, MessageState
from scheduler.mail.transport import MemoryTransport
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.enqueue import enqueue_due, on_occurrence_change
from scheduler.service.deliver.outbox import dispatch
from scheduler.service.plan.occurrences import cancel_occurrence, move_occurrence
from tests.mail.conftest import Store
from tests.mail.outbox_world import MEETING, World, make_world

INVITE_TIME = MEETING - timedelta(days=46)  # programming reviews are invited 45 days ahead


@pytest.fixture
def world(store: Store) -> World:
    settings, engine = store("")
    world = make_world(settings, engine)
    world.change_occurrence(status=OccurrenceStatus.PLANNED)
    return world


def states(world: World, kind: MessageKind) -> list[str]:
    return [m.state for m in world.messages() if m.kind == kind]


async def send_all(world: World, at: object) -> MemoryTransport:
    transport = MemoryTransport()
    await dispatch(world.engine, transport, StoreComposer(world.settings), fixed_clock(at))  # type: ignore[arg-type]
    return transport


def test_nothing_is_written_before_its_time(world: World) -> None:
    report = enqueue_due(world.engine, world.settings, INVITE_TIME - timedelta(days=3))
    assert [m.kind for m in world.messages()] == [MessageKind.DIGEST, MessageKind.DIGEST]
    assert report.added == 2


def test_the_invitation_is_written_when_due_and_enqueuing_twice_adds_nothing(world: World) -> None:
    first = enqueue_due(world.engine, world.settings, INVITE_TIME + timedelta(days=1))
    second = enqueue_due(world.engine, world.settings, INVITE_TIME + timedelta(days=1))
    assert states(world, MessageKind.INVITE) == [MessageState.PENDING]
    assert first.added >= 1
    assert second.added == 0


async def test_a_moved_meeting_gets_an_update_and_its_reminders_follow(world: World) -> None:
    invited_at = INVITE_TIME + timedelta(days=1)
    enqueue_due(world.engine, world.settings, invited_at)
    await send_all(world, invited_at)
    week_before = MEETING - timedelta(days=7)
    enqueue_due(world.engine, world.settings, week_before)
    [reminder] = [m for m in world.messages() if m.kind == MessageKind.REMINDER]
    assert reminder.state == MessageState.PENDING

    moved_at = week_before + timedelta(hours=1)
    new_start = MEETING + timedelta(days=14)
    move_occurrence(
        world.engine,
        "0b7c1e2a-test@guichet.example",
        new_start,
        moved_at,
        settings=world.settings,
        in_transaction=on_occurrence_change(world.settings, moved_at),
    )

    by_key = {m.idempotency_key: m for m in world.messages()}
    assert by_key[reminder.idempotency_key].state == MessageState.CANCELLED
    [update] = [m for m in by_key.values() if m.kind == MessageKind.UPDATE]
    assert update.state == MessageState.PENDING
    assert update.sequence == 1

    enqueue_due(world.engine, world.settings, new_start - timedelta(days=7))
    new_reminders = [
        m
        for m in world.messages()
        if m.kind == MessageKind.REMINDER and m.state == MessageState.PENDING
    ]
    assert [r.sequence for r in new_reminders] == [1]
    assert new_reminders[0].due_at.date() == (new_start - timedelta(days=7)).date()


async def test_a_cancelled_meeting_sends_a_cancel_and_drops_pending_reminders(
    world: World,
) -> None:
    invited_at = INVITE_TIME + timedelta(days=1)
    enqueue_due(world.engine, world.settings, invited_at)
    await send_all(world, invited_at)
    week_before = MEETING - timedelta(days=7)
    enqueue_due(world.engine, world.settings, week_before)

    cancel_occurrence(
        world.engine,
        "0b7c1e2a-test@guichet.example",
        week_before,
        reason="Salle indisponible",
        in_transaction=on_occurrence_change(world.settings, week_before),
    )

    assert states(world, MessageKind.REMINDER) == [MessageState.CANCELLED]
    assert states(world, MessageKind.CANCEL) == [MessageState.PENDING]
    sent = await send_all(world, week_before)
    [(_message, _, recipients)] = [s for s in sent.sent if "CANCEL" in s[0].as_string()]
    assert recipients == ("elise.martin@ville-lisiere.example",)


def test_after_downtime_a_reminder_of_a_past_meeting_is_recorded_as_skipped(
    world: World,
) -> None:
    enqueue_due(world.engine, world.settings, MEETING + timedelta(hours=3))
    reminders = [m for m in world.messages() if m.kind == MessageKind.REMINDER]
    assert reminders
    assert {m.state for m in reminders} == {MessageState.SKIPPED}
