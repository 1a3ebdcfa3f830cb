"""What a reader may stop (issue 9, item 14): any message kind or every message about a
territory ritual; never the meetings of their own convention (the per-buyer rituals)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scheduler.core.kinds import PER_BUYER_KINDS, OccurrenceStatus, RitualKind
from scheduler.core.meeting import Invitee, Meeting
from scheduler.core.messages import MessageKind
from scheduler.core.policy import (
    MessageRules,
    meeting_messages,
)
from scheduler.core.readers import Reader, stoppable
from tests.core.meetings import stored_meeting

START = datetime(2027, 9, 16, 8, 0, tzinfo=UTC)
NOW = START - timedelta(days=60)
WEEK_BEFORE = START - timedelta(days=7)
EVERY_KIND = frozenset({MessageKind.INVITE, MessageKind.REMINDER, MessageKind.UPDATE})


def meeting(kind: RitualKind, reader: Reader, *, sequence: int = 0) -> Meeting:
    return stored_meeting(
        occurrence_id=7,
        kind=kind,
        start=START,
        status=OccurrenceStatus.MOVED if sequence else OccurrenceStatus.ANNOUNCED,
        sequence=sequence,
        changed_at=WEEK_BEFORE,
        invitees=(Invitee(reader, invited=True),),
    )


def kinds_sent(kind: RitualKind, reader: Reader, *, sequence: int = 0) -> set[MessageKind]:
    return {i.kind for i in meeting_messages(meeting(kind, reader, sequence=sequence), RULES, NOW)}


RULES = MessageRules()


@pytest.mark.parametrize("ritual", sorted(PER_BUYER_KINDS))
def test_the_meetings_of_the_buyers_own_convention_cannot_be_stopped(ritual: RitualKind) -> None:
    reader = Reader(
        "elise@ville.example",
        contact_id=1,
        unsubscribed_from=EVERY_KIND,
        unsubscribed_rituals=frozenset({ritual}),
    )
    assert not stoppable(ritual)
    assert kinds_sent(ritual, reader, sequence=1) == {
        MessageKind.INVITE,
        MessageKind.UPDATE,
        MessageKind.REMINDER,
    }


def test_a_reader_who_stopped_every_mail_gets_nothing_even_about_their_convention() -> None:
    reader = Reader("elise@ville.example", contact_id=1, unsubscribed_all=True)
    assert kinds_sent(RitualKind.PROGRAMMING_REVIEW, reader) == set()


def test_a_territory_ritual_can_be_stopped_by_ritual_kind() -> None:
    reader = Reader(
        "elise@ville.example",
        contact_id=1,
        unsubscribed_rituals=frozenset({RitualKind.AFTER_WORK}),
    )
    assert stoppable(RitualKind.AFTER_WORK)
    assert kinds_sent(RitualKind.AFTER_WORK, reader, sequence=1) == set()
    assert MessageKind.INVITE in kinds_sent(RitualKind.BUYER_CLUB, reader)


def test_a_territory_ritual_can_be_stopped_by_message_kind() -> None:
    reader = Reader(
        "elise@ville.example", contact_id=1, unsubscribed_from=frozenset({MessageKind.REMINDER})
    )
    assert kinds_sent(RitualKind.BUYER_CLUB, reader) == {MessageKind.INVITE}
    assert MessageKind.REMINDER in kinds_sent(RitualKind.PROGRAMMING_REVIEW, reader)


def cancelled(kind: RitualKind, reader: Reader) -> Meeting:
    return stored_meeting(
        occurrence_id=7,
        kind=kind,
        start=START,
        status=OccurrenceStatus.CANCELLED,
        sequence=2,
        changed_at=WEEK_BEFORE,
        invitees=(Invitee(reader, invited=True),),
    )


def test_a_cancellation_follows_what_the_reader_may_stop() -> None:
    no_cancellations = Reader(
        "elise@ville.example", contact_id=1, unsubscribed_from=frozenset({MessageKind.CANCEL})
    )
    review = meeting_messages(
        cancelled(RitualKind.PROGRAMMING_REVIEW, no_cancellations), RULES, NOW
    )
    assert [i.kind for i in review] == [MessageKind.CANCEL]  # their own convention's meeting
    club = meeting_messages(cancelled(RitualKind.BUYER_CLUB, no_cancellations), RULES, NOW)
    assert club == []
    no_after_work = Reader(
        "elise@ville.example",
        contact_id=1,
        unsubscribed_rituals=frozenset({RitualKind.AFTER_WORK}),
    )
    assert meeting_messages(cancelled(RitualKind.AFTER_WORK, no_after_work), RULES, NOW) == []
    club = meeting_messages(cancelled(RitualKind.BUYER_CLUB, no_after_work), RULES, NOW)
    assert [i.kind for i in club] == [MessageKind.CANCEL]
