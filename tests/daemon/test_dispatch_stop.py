"""What dispatch does when the daemon stops: it claims no further batch once asked to stop, and
a cancelled batch records the sends that finished and puts the others back in `pending`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from email.message import Message as MailMessage
from pathlib import Path

from scheduler.clock import fixed_clock
from scheduler.core.messages import MessageState
from scheduler.mail.transport import SendResult
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.outbox import DispatchReport, dispatch
from tests.factories import settings_in
from tests.mail.outbox_world import NOW, World, make_world

RECIPIENTS = [f"invite{n}@ville-lisiere.example" for n in range(4)]


class HangingTransport:
    """Accepts the first `quick` messages at once; the others hang until cancelled."""

    def __init__(self, quick: int) -> None:
        self.quick = quick
        self.started = 0
        self.accepted: list[str] = []
        self.cancelled = 0

    async def send(
        self, message: MailMessage, envelope_from: str, recipients: Sequence[str]
    ) -> SendResult:
        self.started += 1
        if self.started > self.quick:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                self.cancelled += 1
                raise
        self.accepted.extend(recipients)
        return SendResult(tuple(recipients))

    async def close(self) -> None:
        pass


def world_with_four_invitations(tmp_path: Path) -> World:
    world = make_world(*settings_in(tmp_path))
    world.enqueue(*(world.intent(recipient=r) for r in RECIPIENTS))
    return world


async def start_dispatch(
    world: World, transport: HangingTransport, **options: object
) -> asyncio.Task[DispatchReport]:
    task = asyncio.ensure_future(
        dispatch(
            world.engine,
            transport,
            StoreComposer(world.settings),
            fixed_clock(NOW),
            **options,  # type: ignore[arg-type]
        )
    )
    for _ in range(200):
        if transport.started >= 4:
            break
        await asyncio.sleep(0.01)
    return task


async def test_a_cancelled_batch_records_what_went_and_releases_the_rest(tmp_path: Path) -> None:
    world = world_with_four_invitations(tmp_path)
    transport = HangingTransport(quick=1)
    task = await start_dispatch(world, transport)
    assert {row.state for row in world.messages()} == {MessageState.SENDING}
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    else:
        raise AssertionError("the dispatch should end cancelled")
    assert transport.cancelled == 3
    rows = {row.recipient: row for row in world.messages()}
    [went] = transport.accepted
    assert rows[went].state == MessageState.SENT
    for recipient, row in rows.items():
        if recipient != went:
            assert row.state == MessageState.PENDING, row
            assert (row.lease_owner, row.lease_expires_at, row.attempts) == (None, None, 0)


async def test_no_batch_is_claimed_once_asked_to_stop(tmp_path: Path) -> None:
    world = world_with_four_invitations(tmp_path)
    transport = HangingTransport(quick=4)
    calls = 0

    def should_stop() -> bool:
        nonlocal calls
        calls += 1
        return calls > 1  # the first batch goes, then the daemon is stopping

    report = await dispatch(
        world.engine,
        transport,
        StoreComposer(world.settings),
        fixed_clock(NOW),
        chunk=2,
        should_stop=should_stop,
    )
    assert report.sent == 2
    states = sorted(row.state for row in world.messages())
    assert states == [MessageState.PENDING] * 2 + [MessageState.SENT] * 2
