"""The messages of a proposal: sent at once, reminded before its deadline while nobody answered,
never twice in a row; and the daemon's next instant."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from scheduler.core.messages import MessageKind
from scheduler.core.proposals import (
    ProposalFacts,
    choice_deadline,
    next_instant,
    proposal_messages,
)
from scheduler.core.readers import Reader

PARIS = ZoneInfo("Europe/Paris")
NINE = time(9, 0)
ELISE = Reader("elise@ville.example", "Élise Martin", contact_id=7)
OPENED = datetime(2027, 7, 26, 7, 0, tzinfo=UTC)
DEADLINE = datetime(2027, 8, 24, 9, 0, tzinfo=PARIS)
FACTS = ProposalFacts(1, 12, OPENED, DEADLINE, is_open=True, readers=(ELISE,))


def messages(now: datetime, facts: ProposalFacts = FACTS) -> list[tuple[str, int | None]]:
    return [
        (intent.key, intent.offset_days)
        for intent in proposal_messages(facts, (7, 2), NINE, PARIS, now)
    ]


def test_the_deadline_is_three_weeks_before_the_first_date_at_send_time() -> None:
    first = datetime(2027, 9, 14, 10, 0, tzinfo=PARIS)
    assert choice_deadline(first, 21, NINE, PARIS) == datetime(2027, 8, 24, 9, 0, tzinfo=PARIS)


def test_the_proposal_goes_at_once_to_every_reader() -> None:
    [intent] = proposal_messages(FACTS, (7, 2), NINE, PARIS, OPENED)
    assert intent.kind is MessageKind.PROPOSAL
    assert (intent.recipient, intent.due_at, intent.offset_days) == (ELISE.email, OPENED, None)
    assert intent.key == "prop:1/proposal/sent/elise@ville.example"


def test_only_the_latest_reminder_due_goes() -> None:
    assert messages(datetime(2027, 8, 17, 9, 0, tzinfo=PARIS))[1:] == [
        ("prop:1/proposal/7d/elise@ville.example", 7)
    ]
    assert messages(datetime(2027, 8, 23, 9, 0, tzinfo=PARIS))[1:] == [
        ("prop:1/proposal/2d/elise@ville.example", 2)
    ]


def test_no_reminder_once_the_buyer_answered_nor_once_closed() -> None:
    later = datetime(2027, 8, 23, 9, 0, tzinfo=PARIS)
    answered = ProposalFacts(1, 12, OPENED, DEADLINE, is_open=True, answered=True, readers=(ELISE,))
    assert [offset for _, offset in messages(later, answered)] == [None]
    closed = ProposalFacts(1, 12, OPENED, DEADLINE, is_open=False, readers=(ELISE,))
    assert messages(later, closed) == []


def test_the_daemon_wakes_for_the_next_reminder_then_the_deadline() -> None:
    assert next_instant([FACTS], (7, 2), NINE, PARIS, OPENED) == datetime(
        2027, 8, 17, 9, 0, tzinfo=PARIS
    )
    after_reminders = datetime(2027, 8, 22, 10, 0, tzinfo=PARIS)
    assert next_instant([FACTS], (7,), NINE, PARIS, after_reminders) == DEADLINE
    assert next_instant([], (7,), NINE, PARIS, OPENED) is None
