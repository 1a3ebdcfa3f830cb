"""The messages of a proposal (the dates a buyer may choose its meeting from), pure.

- the proposal goes to the buyer's contacts as soon as it is opened;
- reminders `reminder_days` before its deadline, at the morning send time, while it is open
  and nobody answered (a "none of these suits us" message is an answer); of those already due
  only the latest goes;
- at the deadline nobody chose: the default date is confirmed (the service does it) and the
  usual invitation follows;
- when the facilitator sends new dates after a "none suits us" (a new offer), the proposal and
  its reminders go again, keyed by the offer, from the instant the new dates were offered.

`next_instant` gives the daemon the next moment something is due for open proposals;
`proposal_verdict` says, at send time, whether a proposal mail still goes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import MessageIntent, Verdict, message_key
from scheduler.core.readers import Reader


@dataclass(frozen=True, slots=True)
class ProposalFacts:
    """One stored proposal, as the policy sees it."""

    proposal_id: int
    occurrence_id: int
    opened_at: datetime
    deadline: datetime
    is_open: bool
    answered: bool = False
    readers: tuple[Reader, ...] = ()
    offer: int = 0
    """How many times new dates replaced refused ones: each offer is mailed afresh."""


def choice_deadline(first_slot: datetime, days: int, send_time: time, zone: ZoneInfo) -> datetime:
    """`days` before the first date offered, at the morning send time."""
    day = first_slot.astimezone(zone).date() - timedelta(days=days)
    return datetime.combine(day, send_time, zone)


def reminder_dues(
    facts: ProposalFacts, reminder_days: Iterable[int], send_time: time, zone: ZoneInfo
) -> dict[int, datetime]:
    """When each reminder is due, by its offset before the deadline (after the opening only)."""
    dues = {}
    for offset in reminder_days:
        due = choice_deadline(facts.deadline, offset, send_time, zone)
        if facts.opened_at < due < facts.deadline:
            dues[offset] = due
    return dues


def proposal_messages(
    facts: ProposalFacts,
    reminder_days: Iterable[int],
    send_time: time,
    zone: ZoneInfo,
    now: datetime,
) -> list[MessageIntent]:
    """The proposal to each reader, and the reminders due by `now` while nobody answered."""
    if not facts.is_open:
        return []
    intents = [_intent(facts, reader, facts.opened_at, "sent") for reader in facts.readers]
    if facts.answered:
        return intents
    dues = {
        offset: due
        for offset, due in reminder_dues(facts, reminder_days, send_time, zone).items()
        if due <= now
    }
    if dues:
        latest = min(dues)
        intents += [
            _intent(facts, reader, dues[latest], f"{latest}d", offset=latest)
            for reader in facts.readers
        ]
    return intents


def next_instant(
    proposals: Iterable[ProposalFacts],
    reminder_days: Iterable[int],
    send_time: time,
    zone: ZoneInfo,
    now: datetime,
) -> datetime | None:
    """The next deadline or reminder of the open proposals after `now`, for the daemon."""
    days = tuple(reminder_days)
    instants = []
    for facts in proposals:
        if not facts.is_open:
            continue
        instants.append(facts.deadline)
        if not facts.answered:
            instants += reminder_dues(facts, days, send_time, zone).values()
    ahead = [instant for instant in instants if instant > now]
    return min(ahead, default=None)


def proposal_verdict(
    facts: ProposalFacts | None, reminder: bool, reader: Reader | None, now: datetime
) -> Verdict | None:
    """Why a proposal mail (a `reminder` or the first one) about the proposal of `facts`, to
    `reader`, must not go at `now`; None when it goes."""
    if facts is None or not facts.is_open:
        return Verdict(MessageState.CANCELLED, "the date is decided (the proposal is closed)")
    if facts.deadline <= now:
        return Verdict(MessageState.SKIPPED, "the choice deadline has passed")
    if reminder and facts.answered:
        return Verdict(MessageState.SKIPPED, "the buyer answered that no date suits them")
    if reader is None or reader.unsubscribed_all:
        return Verdict(MessageState.CANCELLED, "the reader is gone or stopped every mail")
    return None


def _intent(
    facts: ProposalFacts, reader: Reader, due: datetime, detail: str, offset: int | None = None
) -> MessageIntent:
    return MessageIntent(
        kind=MessageKind.PROPOSAL,
        key=message_key(MessageKind.PROPOSAL, _subject(facts), reader.email, detail),
        recipient=reader.email,
        due_at=due,
        recipient_name=reader.name,
        locale=reader.locale,
        occurrence_id=facts.occurrence_id,
        contact_id=reader.contact_id,
        offset_days=offset,
    )


def _subject(facts: ProposalFacts) -> str:
    """What a proposal's keys are about: the proposal, and its offer after the first."""
    if facts.offer:
        return f"prop:{facts.proposal_id}:offer{facts.offer}"
    return f"prop:{facts.proposal_id}"
