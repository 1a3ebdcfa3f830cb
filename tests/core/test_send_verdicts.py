"""At send time, the policy says again whether a message still goes: a mail is rendered when it
leaves, from the meeting, the proposal or the convention as they stand then."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.meeting import Meeting
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import ConventionFacts, Verdict, meeting_verdict, renewal_verdict
from scheduler.core.proposals import ProposalFacts, proposal_verdict
from scheduler.core.readers import Reader
from tests.core.meetings import stored_meeting

START = datetime(2027, 9, 16, 16, 0, tzinfo=UTC)
NOW = START - timedelta(days=7)
ELISE = Reader("elise@ville.example", "Élise Martin", contact_id=1, organisation_id=3)
MEETING = stored_meeting(7, RitualKind.AFTER_WORK, START, OccurrenceStatus.ANNOUNCED, 1, NOW)
CANCELLED = replace(MEETING, status=OccurrenceStatus.CANCELLED, sequence=2)


def verdict(
    kind: MessageKind,
    *,
    sequence: int = 1,
    meeting: Meeting = MEETING,
    reader: Reader | None = ELISE,
    partstat: PartStat | None = PartStat.NEEDS_ACTION,
    now: datetime = NOW,
) -> Verdict | None:
    return meeting_verdict(kind, sequence, meeting, reader, partstat, now)


@pytest.mark.parametrize("kind", [MessageKind.INVITE, MessageKind.UPDATE, MessageKind.REMINDER])
def test_a_message_about_a_meeting_as_it_stands_goes(kind: MessageKind) -> None:
    assert verdict(kind) is None


def test_a_cancellation_goes_only_while_the_meeting_is_cancelled() -> None:
    assert verdict(MessageKind.CANCEL, sequence=2, meeting=CANCELLED) is None
    assert verdict(MessageKind.CANCEL) == Verdict(
        MessageState.CANCELLED, "the meeting is no longer cancelled"
    )


@pytest.mark.parametrize("kind", [MessageKind.INVITE, MessageKind.UPDATE, MessageKind.REMINDER])
def test_nothing_but_the_cancellation_goes_about_a_cancelled_meeting(kind: MessageKind) -> None:
    assert verdict(kind, meeting=CANCELLED) == Verdict(
        MessageState.CANCELLED, "the meeting was cancelled"
    )


def test_nothing_goes_once_the_meeting_has_started() -> None:
    started = Verdict(MessageState.SKIPPED, "the meeting has already started")
    assert verdict(MessageKind.INVITE, now=START) == started
    assert verdict(MessageKind.CANCEL, sequence=2, meeting=CANCELLED, now=START) == started
    assert verdict(MessageKind.INVITE, now=START - timedelta(seconds=1)) is None


def test_a_reminder_of_another_date_and_an_outdated_update_are_cancelled() -> None:
    assert verdict(MessageKind.REMINDER, sequence=0) == Verdict(
        MessageState.CANCELLED, "the meeting moved since"
    )
    assert verdict(MessageKind.REMINDER, sequence=2) == Verdict(
        MessageState.CANCELLED, "the meeting moved since"
    )
    assert verdict(MessageKind.UPDATE, sequence=0) == Verdict(
        MessageState.CANCELLED, "a later update supersedes it"
    )
    assert verdict(MessageKind.UPDATE, sequence=2) is None


def test_a_reader_who_stopped_the_kind_since_is_skipped() -> None:
    quiet = replace(ELISE, unsubscribed_from=frozenset({MessageKind.REMINDER}))
    assert verdict(MessageKind.REMINDER, reader=quiet) == Verdict(
        MessageState.SKIPPED, "unsubscribed from reminder"
    )
    assert verdict(MessageKind.INVITE, reader=quiet) is None
    assert verdict(MessageKind.REMINDER, reader=None) is None


def test_a_reader_who_stopped_the_ritual_hears_nothing_more_of_it_but_of_their_own_convention() -> (
    None
):
    """Stopping the after-works stops their mails; a buyer's own review (part of its
    convention) cannot be stopped by kind."""
    no_after_works = replace(ELISE, unsubscribed_rituals=frozenset({RitualKind.AFTER_WORK}))
    assert verdict(MessageKind.REMINDER, reader=no_after_works) == Verdict(
        MessageState.SKIPPED, "unsubscribed from reminder"
    )
    review = replace(MEETING, kind=RitualKind.PROGRAMMING_REVIEW)
    no_reminders = replace(ELISE, unsubscribed_from=frozenset({MessageKind.REMINDER}))
    assert verdict(MessageKind.REMINDER, meeting=review, reader=no_reminders) is None


def test_a_decliner_gets_no_reminder_but_still_hears_of_changes() -> None:
    declined = PartStat.DECLINED
    assert verdict(MessageKind.REMINDER, partstat=declined) == Verdict(
        MessageState.SKIPPED, "declined"
    )
    assert verdict(MessageKind.UPDATE, partstat=declined) is None


# --- renewal notices ---------------------------------------------------------------------------


CONVENTION = ConventionFacts(4, date(2027, 12, 31), True)


def test_a_renewal_notice_goes_to_the_buyer_while_the_convention_runs() -> None:
    assert renewal_verdict(CONVENTION, True, date(2027, 12, 31)) is None
    assert renewal_verdict(CONVENTION, True, date(2028, 1, 1)) == Verdict(
        MessageState.SKIPPED, "the convention has ended"
    )


def test_no_renewal_notice_about_an_inactive_convention_nor_to_the_guichet() -> None:
    gone = Verdict(MessageState.CANCELLED, "the convention is no longer active")
    assert renewal_verdict(None, True, date(2027, 9, 1)) == gone
    assert renewal_verdict(replace(CONVENTION, active=False), True, date(2027, 9, 1)) == gone
    assert renewal_verdict(CONVENTION, False, date(2027, 9, 1)) == Verdict(
        MessageState.CANCELLED, "renewal notices go to the buyer's contacts"
    )


# --- proposals ---------------------------------------------------------------------------------


PROPOSAL = ProposalFacts(5, 7, NOW - timedelta(days=10), NOW + timedelta(days=3), True)


def test_a_proposal_goes_while_it_is_open_and_before_its_deadline() -> None:
    assert proposal_verdict(PROPOSAL, False, ELISE, NOW) is None
    assert proposal_verdict(PROPOSAL, True, ELISE, NOW) is None
    assert proposal_verdict(PROPOSAL, False, ELISE, PROPOSAL.deadline) == Verdict(
        MessageState.SKIPPED, "the choice deadline has passed"
    )


def test_a_closed_proposal_sends_nothing() -> None:
    closed = Verdict(MessageState.CANCELLED, "the date is decided (the proposal is closed)")
    assert proposal_verdict(None, False, ELISE, NOW) == closed
    assert proposal_verdict(replace(PROPOSAL, is_open=False), False, ELISE, NOW) == closed


def test_once_the_buyer_answered_that_no_date_suits_no_reminder_goes() -> None:
    answered = replace(PROPOSAL, answered=True)
    assert proposal_verdict(answered, True, ELISE, NOW) == Verdict(
        MessageState.SKIPPED, "the buyer answered that no date suits them"
    )
    assert proposal_verdict(answered, False, ELISE, NOW) is None


def test_a_proposal_goes_to_nobody_gone_or_who_stopped_every_mail() -> None:
    gone = Verdict(MessageState.CANCELLED, "the reader is gone or stopped every mail")
    assert proposal_verdict(PROPOSAL, False, None, NOW) == gone
    assert proposal_verdict(PROPOSAL, False, replace(ELISE, unsubscribed_all=True), NOW) == gone


def test_someone_removed_from_the_meeting_gets_their_cancel_only() -> None:
    removed = Verdict(MessageState.CANCELLED, "the invitee was removed from the meeting")
    for kind in (MessageKind.INVITE, MessageKind.UPDATE, MessageKind.REMINDER):
        assert meeting_verdict(kind, 1, MEETING, ELISE, None, NOW, removed=True) == removed
    assert meeting_verdict(MessageKind.CANCEL, 1, MEETING, ELISE, None, NOW, removed=True) is None
    assert meeting_verdict(MessageKind.CANCEL, 2, CANCELLED, ELISE, None, NOW, removed=True) is None
