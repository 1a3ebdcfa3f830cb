"""Enqueue against a real database: idempotent, in the transaction of a move or a cancellation,
pending reminders follow the meeting, and a meeting the planner cancels itself is told with a
reason in each reader's language."""

from __future__ import annotations

from datetime import timedelta
from email.message import Message

import pytest
from sqlalchemy import delete

from scheduler.clock import fixed_clock
from scheduler.core.kinds import OccurrenceStatus
from scheduler.core.messages import MessageKind, MessageState
from scheduler.mail.transport import MemoryTransport
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.enqueue import enqueue_due, on_occurrence_change
from scheduler.service.deliver.outbox import dispatch
from scheduler.service.plan.occurrences import cancel_occurrence, move_occurrence
from scheduler.service.plan.planning import plan_and_store
from scheduler.store.db import session_scope
from scheduler.store.models import Convention
from tests.mail.conftest import Store
from tests.world import MEETING, MeetingWorld, meeting_world

INVITE_TIME = MEETING - timedelta(days=46)  # programming reviews are invited 45 days ahead


@pytest.fixture
def world(store: Store) -> MeetingWorld:
    settings, engine = store("")
    world = meeting_world(settings, engine)
    world.change_occurrence(status=OccurrenceStatus.PLANNED)
    return world


def states(world: MeetingWorld, kind: MessageKind) -> list[str]:
    return [m.state for m in world.messages() if m.kind == kind]


async def send_all(world: MeetingWorld, at: object) -> MemoryTransport:
    transport = MemoryTransport()
    await dispatch(world.engine, transport, StoreComposer(world.settings), fixed_clock(at))  # type: ignore[arg-type]
    return transport


def test_nothing_is_written_before_its_time(world: MeetingWorld) -> None:
    report = enqueue_due(world.engine, world.settings, INVITE_TIME - timedelta(days=3))
    assert [m.kind for m in world.messages()] == [MessageKind.DIGEST, MessageKind.DIGEST]
    assert report.added == 2


def test_the_invitation_is_written_when_due_and_enqueuing_twice_adds_nothing(
    world: MeetingWorld,
) -> None:
    first = enqueue_due(world.engine, world.settings, INVITE_TIME + timedelta(days=1))
    second = enqueue_due(world.engine, world.settings, INVITE_TIME + timedelta(days=1))
    assert states(world, MessageKind.INVITE) == [MessageState.PENDING]
    assert first.added >= 1
    assert second.added == 0


async def test_a_moved_meeting_gets_an_update_and_its_reminders_follow(world: MeetingWorld) -> None:
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
    world: MeetingWorld,
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


def _cancels(message: Message) -> bool:
    return any(part.get_param("method") == "CANCEL" for part in message.walk())


def _plain_text(message: Message) -> str:
    [body] = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    payload = body.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(body.get_content_charset() or "utf-8")


async def test_a_meeting_the_planner_cancels_is_told_with_a_reason_in_each_readers_language(
    world: MeetingWorld,
) -> None:
    paul = world.contact(
        world.buyer_id, "paul.durand@ville-lisiere.example", "Paul Durand", locale="en"
    )
    world.invite(world.stored("0b7c1e2a-test@guichet.example"), paul)
    invited_at = INVITE_TIME + timedelta(days=1)
    enqueue_due(world.engine, world.settings, invited_at)
    await send_all(world, invited_at)
    week_before = MEETING - timedelta(days=7)
    with session_scope(world.engine) as session:  # the buyer's convention is gone
        session.execute(delete(Convention))
    plan_and_store(world.settings, world.engine, week_before, force=True)
    cancelled = world.stored("0b7c1e2a-test@guichet.example")
    assert (cancelled.status, cancelled.cancel_reason) == (
        OccurrenceStatus.CANCELLED,
        "no longer planned",
    )
    enqueue_due(world.engine, world.settings, week_before)
    sent = await send_all(world, week_before)
    texts = {
        recipients: _plain_text(message)
        for message, _, recipients in sent.sent
        if _cancels(message)
    }
    french = texts[("elise.martin@ville-lisiere.example",)]
    english = texts[("paul.durand@ville-lisiere.example",)]
    assert "est annulée." in french
    assert "Motif : rencontre retirée du programme" in french
    assert "is cancelled." in english
    assert "Reason: meeting withdrawn from the programme" in english
    assert "no longer planned" not in french + english


async def test_a_reason_given_by_hand_is_told_as_written(world: MeetingWorld) -> None:
    invited_at = INVITE_TIME + timedelta(days=1)
    enqueue_due(world.engine, world.settings, invited_at)
    await send_all(world, invited_at)
    cancel_occurrence(
        world.engine,
        "0b7c1e2a-test@guichet.example",
        invited_at,
        reason="Salle indisponible",
        in_transaction=on_occurrence_change(world.settings, invited_at),
    )
    sent = await send_all(world, invited_at)
    [text] = [_plain_text(m) for m, _, _ in sent.sent if _cancels(m)]
    assert "Motif : Salle indisponible" in text


def test_after_downtime_a_reminder_of_a_past_meeting_is_recorded_as_skipped(
    world: MeetingWorld,
) -> None:
    enqueue_due(world.engine, world.settings, MEETING + timedelta(hours=3))
    reminders = [m for m in world.messages() if m.kind == MessageKind.REMINDER]
    assert reminders
    assert {m.state for m in reminders} == {MessageState.SKIPPED}
