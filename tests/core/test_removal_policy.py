"""An invitee taken off one meeting, as the message policy sees it: one CANCEL to them alone if
their invitation went, nothing else ever again; the other invitees hear nothing of it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.meeting import Invitee
from scheduler.core.messages import MessageKind
from scheduler.core.policy import meeting_messages, message_key
from tests.core.test_message_policy import ELISE, OMAR, RULES, START, after_work, of

REMOVED_AT = START - timedelta(days=10)
NOW = REMOVED_AT + timedelta(minutes=1)


def test_a_removed_invitee_whose_invitation_went_gets_one_cancel_and_nothing_else() -> None:
    meeting = after_work(
        Invitee(ELISE, invited=True, current=True, removed_at=REMOVED_AT),
        Invitee(OMAR, invited=True, current=True),
    )
    intents = meeting_messages(meeting, RULES, NOW)
    to_elise = [i for i in intents if i.recipient == ELISE.email]
    assert [(i.kind, i.key, i.due_at) for i in to_elise] == [
        (
            MessageKind.CANCEL,
            message_key(MessageKind.CANCEL, "occ:7", ELISE.email, "removed"),
            REMOVED_AT,
        )
    ]
    assert to_elise[0].sequence == meeting.sequence  # the meeting's version does not change
    assert not of(MessageKind.CANCEL, [i for i in intents if i.recipient == OMAR.email])
    assert of(MessageKind.REMINDER, intents)  # Omar's reminders still stand


def test_someone_removed_before_their_invitation_went_is_sent_nothing() -> None:
    meeting = after_work(Invitee(ELISE, removed_at=REMOVED_AT), Invitee(OMAR))
    intents = meeting_messages(meeting, RULES, START - timedelta(days=30))
    assert {i.recipient for i in intents} == {OMAR.email}


def test_cancelling_the_meeting_later_sends_the_removed_no_second_cancel() -> None:
    meeting = after_work(
        Invitee(ELISE, invited=True, removed_at=REMOVED_AT),
        Invitee(OMAR, invited=True),
        status=OccurrenceStatus.CANCELLED,
        sequence=1,
    )
    cancels = of(MessageKind.CANCEL, meeting_messages(meeting, RULES, NOW))
    assert sorted((c.recipient, c.key.split("/")[2]) for c in cancels) == [
        (ELISE.email, "removed"),
        (OMAR.email, "s1"),
    ]


def test_a_held_meeting_wants_no_removal_cancel() -> None:
    meeting = after_work(
        Invitee(ELISE, invited=True, removed_at=REMOVED_AT), status=OccurrenceStatus.HELD
    )
    assert meeting_messages(meeting, RULES, NOW) == []


def test_a_removal_cancel_written_once_the_meeting_has_started_is_skipped() -> None:
    """Removed before the start, the CANCEL goes; the policy looking again from the start on
    (after downtime, say) writes it skipped, never sent late."""
    meeting = after_work(Invitee(ELISE, invited=True, removed_at=REMOVED_AT), Invitee(OMAR))
    for now, reason in [
        (START - timedelta(minutes=1), None),
        (START, "the meeting had started"),
        (START + timedelta(hours=1), "the meeting had started"),
    ]:
        [cancel] = of(MessageKind.CANCEL, meeting_messages(meeting, RULES, now))
        assert (cancel.recipient, cancel.skip_reason) == (ELISE.email, reason), now


def test_a_removed_invitee_who_stopped_cancellations_is_sent_none() -> None:
    """Someone who stopped cancellation mails, or every mail about after-works, gets none on
    removal from an after-work; stopping another kind of mail does not stop it."""
    no_cancels = replace(ELISE, unsubscribed_from=frozenset({MessageKind.CANCEL}))
    no_reminders = replace(ELISE, unsubscribed_from=frozenset({MessageKind.REMINDER}))
    no_after_works = replace(ELISE, unsubscribed_rituals=frozenset({RitualKind.AFTER_WORK}))
    for reader, expected in [
        (no_cancels, []),
        (no_after_works, []),
        (no_reminders, [ELISE.email]),
    ]:
        meeting = after_work(Invitee(reader, invited=True, removed_at=REMOVED_AT))
        cancels = of(MessageKind.CANCEL, meeting_messages(meeting, RULES, NOW))
        assert [c.recipient for c in cancels] == expected
