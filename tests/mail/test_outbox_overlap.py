"""Dispatch hands each row to the transport as soon as it is rendered: a row that cannot be
rendered stops the batch without losing the sends already under way."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlmodel import Session, select

from scheduler.clock import fixed_clock
from scheduler.core.messages import MessageState
from scheduler.mail.mime import wire_bytes
from scheduler.mail.transport import MemoryTransport
from scheduler.service.answer.rsvp import rsvp_page_url
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.outbox import Composed, Verdict, dispatch
from scheduler.store.db import session_scope
from scheduler.store.models import Invitation, Message, Occurrence
from tests.mail.outbox_world import NOW, World, make_world
from tests.service.conftest import Store


@pytest.fixture
def world(store: Store) -> World:
    return make_world(*store(""))


class BreaksOnSecond:
    """A composer whose second row raises a bug (not a delivery error)."""

    def __init__(self, inner: StoreComposer) -> None:
        self.inner = inner
        self.calls = 0

    def prepare(self, session: Session, messages: Sequence[Message]) -> None:
        self.inner.prepare(session, messages)

    def compose(self, session: Session, message: Message, now: datetime) -> Composed | Verdict:
        self.calls += 1
        if self.calls == 2:
            raise RuntimeError("template bug")
        return self.inner.compose(session, message, now)


async def test_a_rendering_bug_records_what_went_out_and_keeps_the_rest_claimed(
    world: World,
) -> None:
    world.enqueue(*(world.intent(recipient=f"reader{n}@ville.example") for n in range(3)))
    transport = MemoryTransport()
    composer = BreaksOnSecond(StoreComposer(world.settings))

    with pytest.raises(RuntimeError, match="template bug"):
        await dispatch(world.engine, transport, composer, fixed_clock(NOW))

    first, second, third = world.messages()
    assert [recipients for _, _, recipients in transport.sent] == [(first.recipient,)]
    assert first.state == MessageState.SENT
    assert first.lease_owner is None
    assert second.state == third.state == MessageState.SENDING  # sent again once the lease ends
    assert second.attempts == third.attempts == 1


async def test_every_row_of_a_batch_goes_out_once(world: World) -> None:
    world.enqueue(*(world.intent(recipient=f"reader{n}@ville.example") for n in range(7)))
    transport = MemoryTransport()
    report = await dispatch(
        world.engine, transport, StoreComposer(world.settings), fixed_clock(NOW), chunk=3
    )
    assert report.sent == 7
    assert sorted(r for _, _, (r,) in transport.sent) == sorted(
        m.recipient for m in world.messages()
    )
    assert {m.state for m in world.messages()} == {MessageState.SENT}


async def test_the_rsvp_link_is_rsvp_page_url(world: World) -> None:
    """The composer seals RSVP links with one signer per pass: the same link as rsvp_page_url."""
    world.enqueue(world.intent())
    transport = MemoryTransport()
    await dispatch(world.engine, transport, StoreComposer(world.settings), fixed_clock(NOW))
    [(sent, _, _)] = transport.sent
    with session_scope(world.engine) as session:
        occurrence = session.get(Occurrence, world.occurrence_id)
        invitation = session.exec(
            select(Invitation).where(Invitation.occurrence_id == world.occurrence_id)
        ).one()
        assert occurrence is not None
        assert invitation.id is not None
        expected = rsvp_page_url(world.settings, invitation.id, occurrence.end)
    parsed = message_from_bytes(wire_bytes(sent), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    text = parsed.get_body(("plain",))
    assert text is not None
    assert expected in text.get_content()
