"""The message policy, as a specification: who gets which message, when, and what is skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.messages import MessageKind
from scheduler.core.policy import (
    ConventionFacts,
    Invitee,
    MeetingFacts,
    MessageIntent,
    MessageRules,
    Reader,
    due_messages,
    meeting_messages,
    renewal_notices,
    weekly_digest,
)

RULES = MessageRules(
    invite_days_before={RitualKind.AFTER_WORK: 21, RitualKind.PROGRAMMING_REVIEW: 45},
    reminders_days_before={RitualKind.AFTER_WORK: (7, 1)},
)
START = datetime(2027, 9, 16, 16, 0, tzinfo=UTC)  # Thursday 18:00 in Paris
ELISE = Reader("elise@ville.example", "Élise Martin", contact_id=1)
OMAR = Reader("omar@ville.example", "Omar Haddad", "en", contact_id=2)


def after_work(
    *invitees: Invitee,
    status: OccurrenceStatus = OccurrenceStatus.ANNOUNCED,
    sequence: int = 0,
    start: datetime = START,
    changed_at: datetime = START - timedelta(days=40),
) -> MeetingFacts:
    return MeetingFacts(
        occurrence_id=7,
        kind=RitualKind.AFTER_WORK,
        start=start,
        status=status,
        sequence=sequence,
        changed_at=changed_at,
        invitees=invitees or (Invitee(ELISE), Invitee(OMAR)),
    )


def of(kind: MessageKind, intents: list[MessageIntent]) -> list[MessageIntent]:
    return [i for i in intents if i.kind is kind]


def paris(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Paris"))


def test_an_after_work_invitation_goes_21_days_before_at_nine() -> None:
    intents = meeting_messages(after_work(), RULES, START - timedelta(days=30))
    invites = of(MessageKind.INVITE, intents)
    assert [i.recipient for i in invites] == [ELISE.email, OMAR.email]
    assert {i.due_at for i in invites} == {paris(2027, 8, 26, 9)}
    assert {i.skip_reason for i in invites} == {None}
    assert invites[1].locale == "en"


def test_the_lead_time_is_per_kind() -> None:
    review = MeetingFacts(
        1,
        RitualKind.PROGRAMMING_REVIEW,
        START,
        OccurrenceStatus.PLANNED,
        0,
        START,
        (Invitee(ELISE),),
    )
    [invite] = of(MessageKind.INVITE, meeting_messages(review, RULES, START - timedelta(days=60)))
    assert invite.due_at == paris(2027, 8, 2, 9)


def test_reminders_go_7_and_1_days_before() -> None:
    reminders = of(
        MessageKind.REMINDER, meeting_messages(after_work(), RULES, START - timedelta(30))
    )
    assert sorted({(r.offset_days, r.due_at) for r in reminders}) == [
        (1, paris(2027, 9, 15, 9)),
        (7, paris(2027, 9, 9, 9)),
    ]


def test_no_reminder_to_a_decliner() -> None:
    meeting = after_work(Invitee(ELISE, PartStat.DECLINED), Invitee(OMAR, PartStat.ACCEPTED))
    reminders = of(MessageKind.REMINDER, meeting_messages(meeting, RULES, START - timedelta(3)))
    assert {r.recipient for r in reminders} == {OMAR.email}


def test_nothing_of_a_kind_someone_unsubscribed_from() -> None:
    quiet = Reader(ELISE.email, contact_id=1, unsubscribed_from=frozenset({MessageKind.REMINDER}))
    intents = meeting_messages(after_work(Invitee(quiet)), RULES, START - timedelta(3))
    assert of(MessageKind.REMINDER, intents) == []
    assert len(of(MessageKind.INVITE, intents)) == 1


def test_a_reminder_whose_meeting_has_passed_is_skipped_never_sent_late() -> None:
    intents = meeting_messages(after_work(), RULES, START + timedelta(hours=3))
    reminders = of(MessageKind.REMINDER, intents)
    assert reminders
    assert {r.skip_reason for r in reminders} == {"the meeting had started"}


def test_after_downtime_only_the_latest_due_reminder_goes() -> None:
    now = paris(2027, 9, 15, 20)  # both the 7-day and the 1-day reminders are due
    reminders = of(MessageKind.REMINDER, meeting_messages(after_work(), RULES, now))
    by_offset = {r.offset_days: r.skip_reason for r in reminders}
    assert by_offset == {7: "overtaken by the 1-day reminder", 1: None}


def test_an_invitation_still_ahead_is_sent_after_downtime() -> None:
    now = START - timedelta(days=2)
    invites = of(MessageKind.INVITE, meeting_messages(after_work(), RULES, now))
    assert all(i.due_at <= now and i.skip_reason is None for i in invites)


def test_a_moved_meeting_sends_an_update_to_those_invited_and_moves_its_reminders() -> None:
    moved_at = START - timedelta(days=10)
    later = START + timedelta(days=7)
    meeting = after_work(
        Invitee(ELISE, invited=True),
        Invitee(OMAR),
        status=OccurrenceStatus.MOVED,
        sequence=1,
        start=later,
        changed_at=moved_at,
    )
    intents = meeting_messages(meeting, RULES, moved_at)
    [update] = of(MessageKind.UPDATE, intents)
    assert update.recipient == ELISE.email
    assert update.due_at == moved_at
    assert "/s1/" in update.key
    reminders = of(MessageKind.REMINDER, intents)
    assert {r.sequence for r in reminders} == {1}
    assert min(r.due_at for r in reminders) == paris(2027, 9, 16, 9)


def test_each_move_gives_its_own_update() -> None:
    first = meeting_messages(
        after_work(Invitee(ELISE, invited=True), status=OccurrenceStatus.MOVED, sequence=1),
        RULES,
        START - timedelta(10),
    )
    second = meeting_messages(
        after_work(Invitee(ELISE, invited=True), status=OccurrenceStatus.MOVED, sequence=2),
        RULES,
        START - timedelta(10),
    )
    assert of(MessageKind.UPDATE, first)[0].key != of(MessageKind.UPDATE, second)[0].key


def test_no_update_to_whom_the_invitation_already_carried_the_new_date() -> None:
    moved_at = START - timedelta(days=30)
    meeting = after_work(
        Invitee(ELISE, invited=True, current=True),
        Invitee(OMAR, PartStat.DECLINED, invited=True),
        status=OccurrenceStatus.MOVED,
        sequence=1,
        changed_at=moved_at,
    )
    [update] = of(MessageKind.UPDATE, meeting_messages(meeting, RULES, START - timedelta(days=3)))
    assert update.recipient == OMAR.email  # a decliner hears the new date too


def test_a_cancelled_meeting_sends_a_cancel_to_those_invited_only() -> None:
    cancelled_at = START - timedelta(days=5)
    meeting = after_work(
        Invitee(ELISE, invited=True),
        Invitee(OMAR),
        status=OccurrenceStatus.CANCELLED,
        sequence=1,
        changed_at=cancelled_at,
    )
    intents = meeting_messages(meeting, RULES, cancelled_at)
    assert [i.kind for i in intents] == [MessageKind.CANCEL]
    assert intents[0].recipient == ELISE.email
    assert intents[0].due_at == cancelled_at


def test_keys_are_stable_so_enqueuing_twice_adds_nothing() -> None:
    now = START - timedelta(days=30)
    assert meeting_messages(after_work(), RULES, now) == meeting_messages(after_work(), RULES, now)


def test_renewal_notices_go_120_and_60_days_before_the_end() -> None:
    convention = ConventionFacts(3, date(2027, 12, 31), True, (ELISE,))
    notices = renewal_notices(convention, RULES, datetime(2027, 6, 1, tzinfo=UTC))
    assert sorted((n.offset_days, n.due_at) for n in notices) == [
        (60, paris(2027, 11, 1, 9)),
        (120, paris(2027, 9, 2, 9)),
    ]
    assert {n.convention_id for n in notices} == {3}


def test_no_notice_for_an_inactive_convention() -> None:
    convention = ConventionFacts(3, date(2027, 12, 31), False, (ELISE,))
    assert renewal_notices(convention, RULES, datetime(2027, 6, 1, tzinfo=UTC)) == []


def test_the_digest_is_due_monday_at_eight_local() -> None:
    camille = Reader("camille@guichet.example", "Camille", facilitator_id="camille")
    [digest] = weekly_digest(camille, RULES, paris(2027, 9, 15, 12))  # a Wednesday
    assert digest.due_at == paris(2027, 9, 13, 8)
    assert digest.key.endswith("2027-W37/camille@guichet.example")
    assert digest.skip_reason == "sent more than a day late"
    [on_time] = weekly_digest(camille, RULES, paris(2027, 9, 13, 8, 5))
    assert on_time.skip_reason is None
    [before] = weekly_digest(camille, RULES, paris(2027, 9, 13, 7, 55))
    assert before.due_at == paris(2027, 9, 6, 8)


def test_due_messages_gathers_every_source() -> None:
    camille = Reader("camille@guichet.example", facilitator_id="camille")
    now = START - timedelta(days=30)
    intents = due_messages(
        [after_work()],
        [ConventionFacts(3, date(2027, 12, 31), True, (camille,))],
        [camille],
        RULES,
        now,
    )
    kinds = {i.kind for i in intents}
    assert kinds == {
        MessageKind.INVITE,
        MessageKind.REMINDER,
        MessageKind.RENEWAL_NOTICE,
        MessageKind.DIGEST,
    }
    assert len({i.key for i in intents}) == len(intents)
