"""The messages of a proposal: sent at once, reminded before its deadline while nobody answered,
never twice in a row; and the daemon's next instant."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.core.messages import MessageKind
from scheduler.core.proposals import (
    ProposalFacts,
    choice_deadline,
    next_instant,
    proposal_messages,
    reminder_dues,
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


# --- several readers, every boundary ---------------------------------------------------------

MARC = Reader("Marc.Leroy@Ville.example", "Marc Leroy", locale="en", contact_id=9)
TWO = ProposalFacts(3, 14, OPENED, DEADLINE, is_open=True, readers=(ELISE, MARC))
SEVEN_DAYS_BEFORE = datetime(2027, 8, 17, 9, 0, tzinfo=PARIS)
TWO_DAYS_BEFORE = datetime(2027, 8, 22, 9, 0, tzinfo=PARIS)


def test_every_reader_gets_the_proposal_and_the_reminder_in_their_own_words() -> None:
    intents = proposal_messages(TWO, (7, 2), NINE, PARIS, SEVEN_DAYS_BEFORE)
    assert [(i.key, i.due_at, i.offset_days) for i in intents] == [
        ("prop:3/proposal/sent/elise@ville.example", OPENED, None),
        ("prop:3/proposal/sent/marc.leroy@ville.example", OPENED, None),
        ("prop:3/proposal/7d/elise@ville.example", SEVEN_DAYS_BEFORE, 7),
        ("prop:3/proposal/7d/marc.leroy@ville.example", SEVEN_DAYS_BEFORE, 7),
    ]
    elise = (ELISE.email, "Élise Martin", "fr", 7)
    marc = (MARC.email, "Marc Leroy", "en", 9)
    assert [(i.recipient, i.recipient_name, i.locale, i.contact_id) for i in intents] == [
        elise,
        marc,
        elise,
        marc,
    ]
    assert {(i.kind, i.occurrence_id) for i in intents} == {(MessageKind.PROPOSAL, 14)}


def test_a_reminder_goes_at_its_instant_not_a_second_before() -> None:
    just_before = SEVEN_DAYS_BEFORE - timedelta(seconds=1)
    assert [offset for _, offset in messages(just_before)] == [None]
    assert [offset for _, offset in messages(SEVEN_DAYS_BEFORE)] == [None, 7]
    assert [offset for _, offset in messages(TWO_DAYS_BEFORE - timedelta(seconds=1))] == [None, 7]
    assert [offset for _, offset in messages(TWO_DAYS_BEFORE)] == [None, 2]


def test_the_latest_reminder_is_the_one_closest_to_the_deadline_whatever_the_order() -> None:
    for days in ((7, 2), (2, 7), (2, 7, 7, 2)):
        [_, reminder] = proposal_messages(FACTS, days, NINE, PARIS, DEADLINE)
        assert (reminder.offset_days, reminder.due_at) == (2, TWO_DAYS_BEFORE)


def test_reminders_fall_at_the_send_time_days_before_the_deadline() -> None:
    assert reminder_dues(FACTS, (7, 2), time(8, 30), PARIS) == {
        7: datetime(2027, 8, 17, 8, 30, tzinfo=PARIS),
        2: datetime(2027, 8, 22, 8, 30, tzinfo=PARIS),
    }


def test_no_reminder_at_the_opening_or_before_nor_at_the_deadline() -> None:
    opened_at_the_reminder = ProposalFacts(
        1, 12, SEVEN_DAYS_BEFORE, DEADLINE, is_open=True, readers=(ELISE,)
    )
    assert reminder_dues(opened_at_the_reminder, (9, 7, 2), NINE, PARIS) == {2: TWO_DAYS_BEFORE}
    just_after = replace(opened_at_the_reminder, opened_at=SEVEN_DAYS_BEFORE - timedelta(seconds=1))
    assert reminder_dues(just_after, (7, 2), NINE, PARIS) == {
        7: SEVEN_DAYS_BEFORE,
        2: TWO_DAYS_BEFORE,
    }
    assert reminder_dues(FACTS, (0,), NINE, PARIS) == {}
    at_the_deadline = proposal_messages(FACTS, (0,), NINE, PARIS, DEADLINE)
    assert [intent.offset_days for intent in at_the_deadline] == [None]


def test_the_daemon_wakes_for_the_earliest_instant_of_the_open_proposals() -> None:
    closed = replace(FACTS, proposal_id=2, is_open=False, deadline=DEADLINE - timedelta(days=20))
    answered = replace(FACTS, proposal_id=4, answered=True, deadline=DEADLINE + timedelta(days=1))
    later = replace(FACTS, proposal_id=5, deadline=DEADLINE + timedelta(days=3))
    assert next_instant([closed, later], (7, 2), NINE, PARIS, OPENED) == datetime(
        2027, 8, 20, 9, 0, tzinfo=PARIS
    )
    assert next_instant([closed, answered], (7, 2), NINE, PARIS, OPENED) == answered.deadline
    assert next_instant([later, FACTS], (7, 2), NINE, PARIS, OPENED) == SEVEN_DAYS_BEFORE


def test_the_daemon_looks_strictly_after_now() -> None:
    assert next_instant([FACTS], (7, 2), NINE, PARIS, SEVEN_DAYS_BEFORE) == TWO_DAYS_BEFORE
    assert next_instant([FACTS], (7, 2), NINE, PARIS, TWO_DAYS_BEFORE) == DEADLINE
    assert next_instant([FACTS], (7, 2), NINE, PARIS, DEADLINE) is None
    assert next_instant([FACTS], (), NINE, PARIS, OPENED) == DEADLINE


def test_the_deadline_is_counted_in_days_of_the_guichets_own_calendar() -> None:
    auckland = ZoneInfo("Pacific/Auckland")
    first = datetime(2027, 9, 14, 8, 0, tzinfo=auckland)  # still 13 September in Paris and UTC
    assert choice_deadline(first, 21, NINE, auckland) == datetime(
        2027, 8, 24, 9, 0, tzinfo=auckland
    )
    assert choice_deadline(first.astimezone(UTC), 21, NINE, auckland) == datetime(
        2027, 8, 24, 9, 0, tzinfo=auckland
    )
