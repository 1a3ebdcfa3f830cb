"""The message policy, as a specification: who gets which message, when, and what is skipped."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.meeting import Invitee, Meeting
from scheduler.core.messages import MessageKind
from scheduler.core.policy import (
    ConventionFacts,
    MessageIntent,
    MessageRules,
    due_messages,
    meeting_messages,
    message_key,
    renewal_notices,
    weekly_digest,
)
from scheduler.core.readers import Reader
from tests.core.meetings import stored_meeting

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
) -> Meeting:
    return stored_meeting(
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
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Paris"))


def test_an_after_work_invitation_goes_21_days_before_at_nine() -> None:
    intents = meeting_messages(after_work(), RULES, START - timedelta(days=30))
    invites = of(MessageKind.INVITE, intents)
    assert [i.recipient for i in invites] == [ELISE.email, OMAR.email]
    assert {i.due_at for i in invites} == {paris(2027, 8, 26, 9)}
    assert {i.skip_reason for i in invites} == {None}
    assert invites[1].locale == "en"


def test_the_lead_time_is_per_kind() -> None:
    review = stored_meeting(
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


def test_each_key_names_the_meeting_the_kind_the_version_and_the_reader() -> None:
    moved_at = START - timedelta(days=10)
    meeting = after_work(
        Invitee(ELISE, invited=True),
        Invitee(OMAR),
        status=OccurrenceStatus.MOVED,
        sequence=2,
        changed_at=moved_at,
    )
    assert sorted(i.key for i in meeting_messages(meeting, RULES, moved_at)) == [
        "occ:7/invite/elise@ville.example",
        "occ:7/invite/omar@ville.example",
        "occ:7/reminder/s2-1d/elise@ville.example",
        "occ:7/reminder/s2-1d/omar@ville.example",
        "occ:7/reminder/s2-7d/elise@ville.example",
        "occ:7/reminder/s2-7d/omar@ville.example",
        "occ:7/update/s2/elise@ville.example",
    ]


def test_enqueuing_again_later_adds_nothing_and_another_reader_adds_theirs() -> None:
    def keys(meeting: Meeting, now: datetime) -> set[str]:
        return {i.key for i in meeting_messages(meeting, RULES, now)}

    alone = after_work(Invitee(ELISE))
    first = keys(alone, START - timedelta(days=30))
    assert keys(alone, START - timedelta(days=2)) == first
    assert keys(alone, START + timedelta(hours=1)) == first  # recorded as skipped, same rows
    with_omar = keys(after_work(Invitee(ELISE), Invitee(OMAR)), START - timedelta(days=30))
    assert with_omar - first == {
        "occ:7/invite/omar@ville.example",
        "occ:7/reminder/s0-7d/omar@ville.example",
        "occ:7/reminder/s0-1d/omar@ville.example",
    }


def test_cancel_restore_cancel_gives_a_second_cancellation() -> None:
    def cancellation(sequence: int) -> str:
        meeting = after_work(
            Invitee(ELISE, invited=True), status=OccurrenceStatus.CANCELLED, sequence=sequence
        )
        [cancel] = meeting_messages(meeting, RULES, START - timedelta(days=5))
        return cancel.key

    assert cancellation(1) == "occ:7/cancel/s1/elise@ville.example"
    assert cancellation(3) == "occ:7/cancel/s3/elise@ville.example"


def test_a_message_key_without_detail_has_no_empty_part() -> None:
    assert message_key(MessageKind.INVITE, "occ:12", "Elise@Ville.example") == (
        "occ:12/invite/elise@ville.example"
    )
    assert message_key(MessageKind.REMINDER, "occ:12", "elise@ville.example", "s1-7d") == (
        "occ:12/reminder/s1-7d/elise@ville.example"
    )


def test_the_key_folds_the_address_case_the_message_keeps_it() -> None:
    lea = Reader("Lea.Roux@Ville.Example", "Léa Roux", contact_id=3)
    [invite] = of(
        MessageKind.INVITE, meeting_messages(after_work(Invitee(lea)), RULES, START - timedelta(30))
    )
    assert invite.key == "occ:7/invite/lea.roux@ville.example"
    assert invite.recipient == "Lea.Roux@Ville.Example"


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


# --- boundaries: `now` before, on and after the meeting's start --------------------------------

MINUTE = timedelta(minutes=1)
STARTED = "the meeting had started"


@pytest.mark.parametrize(
    ("now", "skip"), [(START - MINUTE, None), (START, STARTED), (START + MINUTE, STARTED)]
)
def test_invitations_and_reminders_stop_when_the_meeting_starts(
    now: datetime, skip: str | None
) -> None:
    intents = meeting_messages(after_work(), RULES, now)
    invites = of(MessageKind.INVITE, intents)
    assert [(i.recipient, i.skip_reason) for i in invites] == [
        (ELISE.email, skip),
        (OMAR.email, skip),
    ]
    last_reminders = [r for r in of(MessageKind.REMINDER, intents) if r.offset_days == 1]
    assert [(r.recipient, r.skip_reason) for r in last_reminders] == [
        (ELISE.email, skip),
        (OMAR.email, skip),
    ]


@pytest.mark.parametrize(
    ("now", "skip"), [(START - MINUTE, None), (START, STARTED), (START + MINUTE, STARTED)]
)
def test_an_update_is_sent_until_the_meeting_starts(now: datetime, skip: str | None) -> None:
    meeting = after_work(
        Invitee(ELISE, invited=True),
        Invitee(OMAR, invited=True),
        status=OccurrenceStatus.MOVED,
        sequence=1,
        changed_at=START - timedelta(days=2),
    )
    updates = of(MessageKind.UPDATE, meeting_messages(meeting, RULES, now))
    assert [(u.recipient, u.skip_reason) for u in updates] == [
        (ELISE.email, skip),
        (OMAR.email, skip),
    ]


@pytest.mark.parametrize(
    ("now", "skip"), [(START - MINUTE, None), (START, STARTED), (START + MINUTE, STARTED)]
)
def test_a_cancellation_is_sent_until_the_meeting_would_have_started(
    now: datetime, skip: str | None
) -> None:
    meeting = after_work(
        Invitee(ELISE, invited=True),
        Invitee(OMAR, PartStat.DECLINED, invited=True),
        status=OccurrenceStatus.CANCELLED,
        sequence=2,
        changed_at=START - timedelta(days=1),
    )
    cancels = meeting_messages(meeting, RULES, now)
    assert [(c.kind, c.recipient, c.skip_reason) for c in cancels] == [
        (MessageKind.CANCEL, ELISE.email, skip),
        (MessageKind.CANCEL, OMAR.email, skip),  # a decliner hears of the cancellation too
    ]
    assert {(c.due_at, c.sequence, c.occurrence_id) for c in cancels} == {
        (START - timedelta(days=1), 2, 7)
    }


def test_a_held_meeting_sends_nothing_more() -> None:
    meeting = after_work(
        Invitee(ELISE, invited=True), status=OccurrenceStatus.HELD, sequence=1, start=START
    )
    assert meeting_messages(meeting, RULES, START - timedelta(days=3)) == []


# --- lead times: each reminder on, before and after its due time --------------------------------

SEVEN_DAYS = paris(2027, 9, 9, 9)
ONE_DAY = paris(2027, 9, 15, 9)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (SEVEN_DAYS - MINUTE, {7: None, 1: None}),
        (SEVEN_DAYS, {7: None, 1: None}),
        (ONE_DAY - MINUTE, {7: None, 1: None}),
        (ONE_DAY, {7: "overtaken by the 1-day reminder", 1: None}),
        (ONE_DAY + MINUTE, {7: "overtaken by the 1-day reminder", 1: None}),
    ],
)
def test_a_reminder_is_overtaken_only_once_the_next_one_is_due(
    now: datetime, expected: dict[int, str | None]
) -> None:
    reminders = of(MessageKind.REMINDER, meeting_messages(after_work(), RULES, now))
    assert {(r.recipient, r.offset_days, r.skip_reason) for r in reminders} == {
        (reader.email, offset, skip)
        for reader in (ELISE, OMAR)
        for offset, skip in expected.items()
    }
    assert {(r.offset_days, r.due_at) for r in reminders} == {(7, SEVEN_DAYS), (1, ONE_DAY)}


def test_a_reminder_carries_who_and_what_it_is_about() -> None:
    meeting = after_work(Invitee(OMAR, PartStat.TENTATIVE), sequence=1)
    [week, day] = of(MessageKind.REMINDER, meeting_messages(meeting, RULES, START - timedelta(30)))
    assert (week.offset_days, day.offset_days) == (7, 1)
    assert day.key == "occ:7/reminder/s1-1d/omar@ville.example"
    assert (day.recipient_name, day.locale, day.contact_id) == ("Omar Haddad", "en", 2)
    assert (day.occurrence_id, day.sequence, day.convention_id) == (7, 1, None)


def test_a_reminder_at_or_beyond_the_invitation_lead_time_is_not_sent() -> None:
    rules = MessageRules(
        invite_days_before={RitualKind.AFTER_WORK: 21},
        reminders_days_before={RitualKind.AFTER_WORK: (30, 21, 7, 7)},
    )
    reminders = of(
        MessageKind.REMINDER, meeting_messages(after_work(), rules, START - timedelta(40))
    )
    assert {r.offset_days for r in reminders} == {7}
    assert len(reminders) == 2


def test_unconfigured_kinds_invite_30_days_ahead_and_remind_7_and_1_days_ahead() -> None:
    committee = stored_meeting(
        9,
        RitualKind.STEERING_COMMITTEE,
        START,
        OccurrenceStatus.ANNOUNCED,
        0,
        START,
        (Invitee(ELISE),),
    )
    intents = meeting_messages(committee, MessageRules(), START - timedelta(days=40))
    [invite] = of(MessageKind.INVITE, intents)
    assert invite.due_at == paris(2027, 8, 17, 9)
    assert sorted(r.offset_days for r in of(MessageKind.REMINDER, intents)) == [1, 7]


def test_a_message_due_on_the_meetings_day_goes_no_later_than_its_start() -> None:
    rules = MessageRules(
        invite_days_before={RitualKind.AFTER_WORK: 0},
        reminders_days_before={RitualKind.AFTER_WORK: (0,)},
    )
    breakfast = paris(2027, 9, 16, 8, 0)  # before the 09:00 send time
    intents = meeting_messages(after_work(start=breakfast), rules, breakfast - timedelta(days=1))
    [invite, *_] = of(MessageKind.INVITE, intents)
    assert invite.due_at == breakfast
    rules = MessageRules(
        invite_days_before={RitualKind.AFTER_WORK: 2},
        reminders_days_before={RitualKind.AFTER_WORK: (0,)},
    )
    reminders = of(
        MessageKind.REMINDER, meeting_messages(after_work(start=breakfast), rules, breakfast)
    )
    assert {r.due_at for r in reminders} == {breakfast}


def test_days_are_counted_on_the_local_calendar_at_the_configured_send_time() -> None:
    just_after_midnight = datetime(2027, 9, 16, 22, 30, tzinfo=UTC)  # 17 September in Paris
    rules = MessageRules(
        invite_days_before={RitualKind.AFTER_WORK: 21},
        reminders_days_before={RitualKind.AFTER_WORK: (1,)},
        send_time=time(7, 30),
    )
    intents = meeting_messages(after_work(start=just_after_midnight), rules, START - timedelta(40))
    assert {i.due_at for i in of(MessageKind.INVITE, intents)} == {paris(2027, 8, 27, 7, 30)}
    assert {r.due_at for r in of(MessageKind.REMINDER, intents)} == {paris(2027, 9, 16, 7, 30)}
    reunion = MessageRules(
        invite_days_before={RitualKind.AFTER_WORK: 21}, timezone="Indian/Reunion"
    )
    [invite, *_] = of(
        MessageKind.INVITE, meeting_messages(after_work(), reunion, START - timedelta(40))
    )
    assert invite.due_at == datetime(2027, 8, 26, 9, 0, tzinfo=ZoneInfo("Indian/Reunion"))


# --- who gets what: answers, unsubscriptions, several invitees -----------------------------------

MEETING_KINDS = [MessageKind.INVITE, MessageKind.UPDATE, MessageKind.REMINDER, MessageKind.CANCEL]


@pytest.mark.parametrize("kind", MEETING_KINDS)
def test_an_unsubscribed_reader_misses_that_kind_only_and_the_next_reader_gets_it(
    kind: MessageKind,
) -> None:
    quiet = dataclasses.replace(ELISE, unsubscribed_from=frozenset({kind}))
    status = OccurrenceStatus.CANCELLED if kind is MessageKind.CANCEL else OccurrenceStatus.MOVED
    meeting = after_work(
        Invitee(quiet, invited=True),
        Invitee(OMAR, invited=True),
        status=status,
        sequence=1,
        changed_at=START - timedelta(days=10),
    )
    intents = meeting_messages(meeting, RULES, START - timedelta(days=10))
    assert {i.recipient for i in of(kind, intents)} == {OMAR.email}
    for other in {i.kind for i in intents} - {kind}:
        assert {i.recipient for i in of(other, intents)} == {ELISE.email, OMAR.email}


def test_a_decliner_gets_no_invitation_nor_reminder_but_the_others_do() -> None:
    meeting = after_work(
        Invitee(ELISE, PartStat.DECLINED),
        Invitee(OMAR, PartStat.ACCEPTED),
        Invitee(Reader("lea@ville.example"), PartStat.TENTATIVE),
    )
    intents = meeting_messages(meeting, RULES, START - timedelta(days=30))
    for kind in (MessageKind.INVITE, MessageKind.REMINDER):
        assert {i.recipient for i in of(kind, intents)} == {OMAR.email, "lea@ville.example"}


def test_an_update_goes_to_every_invitee_told_of_an_older_version_only() -> None:
    lea = Reader("lea@ville.example")
    meeting = after_work(
        Invitee(ELISE, invited=True, current=True),
        Invitee(OMAR, invited=True),
        Invitee(lea),
        Invitee(Reader("yanis@ville.example"), invited=True),
        status=OccurrenceStatus.ANNOUNCED,
        sequence=1,
        changed_at=START - timedelta(days=4),
    )
    updates = of(MessageKind.UPDATE, meeting_messages(meeting, RULES, START - timedelta(days=4)))
    assert [u.recipient for u in updates] == [OMAR.email, "yanis@ville.example"]
    assert {(u.due_at, u.sequence) for u in updates} == {(START - timedelta(days=4), 1)}


@pytest.mark.parametrize(
    ("status", "sequence"),
    [
        (OccurrenceStatus.ANNOUNCED, 0),
        (OccurrenceStatus.MOVED, 0),
        (OccurrenceStatus.PLANNED, 1),
    ],
)
def test_no_update_for_a_first_version_or_a_meeting_never_announced(
    status: OccurrenceStatus, sequence: int
) -> None:
    meeting = after_work(Invitee(ELISE, invited=True), status=status, sequence=sequence)
    assert of(MessageKind.UPDATE, meeting_messages(meeting, RULES, START - timedelta(5))) == []


def test_a_cancellation_goes_to_those_invited_only_each_of_them() -> None:
    meeting = after_work(
        Invitee(ELISE),
        Invitee(OMAR, invited=True),
        Invitee(Reader("lea@ville.example"), invited=True),
        status=OccurrenceStatus.CANCELLED,
        sequence=1,
    )
    cancels = meeting_messages(meeting, RULES, START - timedelta(days=5))
    assert [c.recipient for c in cancels] == [OMAR.email, "lea@ville.example"]


# --- renewal notices ----------------------------------------------------------------------------

END = date(2027, 12, 31)
DUE_120 = paris(2027, 9, 2, 9)
DUE_60 = paris(2027, 11, 1, 9)
OVERTAKEN = "overtaken by the 60-day notice"
ENDED = "the convention had ended"


def convention(*readers: Reader) -> ConventionFacts:
    return ConventionFacts(3, END, True, readers or (ELISE, OMAR))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (DUE_120 - MINUTE, {120: None, 60: None}),
        (DUE_120, {120: None, 60: None}),
        (DUE_60 - MINUTE, {120: None, 60: None}),
        (DUE_60, {120: OVERTAKEN, 60: None}),
        (paris(2027, 12, 31, 23, 59), {120: OVERTAKEN, 60: None}),  # the convention's last day
        (paris(2028, 1, 1, 0, 0), {120: ENDED, 60: ENDED}),
        (datetime(2027, 12, 31, 23, 30, tzinfo=UTC), {120: ENDED, 60: ENDED}),  # 00:30 in Paris
    ],
)
def test_renewal_notices_on_before_and_after_each_due_date_and_the_end(
    now: datetime, expected: dict[int, str | None]
) -> None:
    notices = renewal_notices(convention(), RULES, now)
    assert {(n.recipient, n.offset_days, n.skip_reason) for n in notices} == {
        (reader.email, offset, skip)
        for reader in (ELISE, OMAR)
        for offset, skip in expected.items()
    }
    assert len(notices) == 4


def test_every_reader_of_a_convention_gets_each_notice_under_their_own_key() -> None:
    lea = Reader("Lea@Ville.example", "Léa", "en", facilitator_id="lea")
    notices = renewal_notices(convention(ELISE, lea), RULES, DUE_120 - timedelta(days=1))
    assert sorted(n.key for n in notices) == [
        "conv:3/renewal_notice/120d/elise@ville.example",
        "conv:3/renewal_notice/120d/lea@ville.example",
        "conv:3/renewal_notice/60d/elise@ville.example",
        "conv:3/renewal_notice/60d/lea@ville.example",
    ]
    by_reader = {(n.recipient, n.offset_days): n for n in notices}
    elise, theirs = by_reader[ELISE.email, 60], by_reader["Lea@Ville.example", 120]
    assert (elise.recipient_name, elise.locale, elise.contact_id) == ("Élise Martin", "fr", 1)
    assert (theirs.recipient_name, theirs.locale, theirs.facilitator_id) == ("Léa", "en", "lea")
    assert (elise.due_at, theirs.due_at) == (DUE_60, DUE_120)
    assert [n.due_at for n in notices] == sorted(n.due_at for n in notices)  # in order of due
    assert {(n.kind, n.convention_id, n.occurrence_id) for n in notices} == {
        (MessageKind.RENEWAL_NOTICE, 3, None)
    }


def test_a_reader_unsubscribed_from_notices_is_skipped_and_the_next_one_is_not() -> None:
    quiet = dataclasses.replace(ELISE, unsubscribed_from=frozenset({MessageKind.RENEWAL_NOTICE}))
    notices = renewal_notices(convention(quiet, OMAR), RULES, DUE_60)
    assert {n.recipient for n in notices} == {OMAR.email}
    assert len(notices) == 2


def test_notice_offsets_and_send_time_are_configurable() -> None:
    rules = MessageRules(renewal_notice_days=(30, 90, 30), send_time=time(10, 15))
    notices = renewal_notices(convention(ELISE), rules, paris(2027, 12, 1, 12))
    assert {(n.offset_days, n.due_at, n.skip_reason) for n in notices} == {
        (90, paris(2027, 10, 2, 10, 15), "overtaken by the 30-day notice"),
        (30, paris(2027, 12, 1, 10, 15), None),
    }


# --- the weekly digest --------------------------------------------------------------------------

CAMILLE = Reader("camille@guichet.example", "Camille Roussel", "en", facilitator_id="camille")


@pytest.mark.parametrize("weekday", range(7))
def test_the_digest_goes_on_the_configured_weekday_whichever_it_is(weekday: int) -> None:
    rules = MessageRules(digest_weekday=weekday, digest_time=time(17, 30))
    due = paris(2027, 9, 13 + weekday, 17, 30)
    for now in (due, due + timedelta(days=1), due + timedelta(days=6, hours=23)):
        [digest] = weekly_digest(CAMILLE, rules, now)
        assert digest.due_at == due
        assert digest.key == "fac:camille/digest/2027-W37/camille@guichet.example"
    [early] = weekly_digest(CAMILLE, rules, due - MINUTE)
    assert early.due_at == due - timedelta(weeks=1)
    assert early.key == "fac:camille/digest/2027-W36/camille@guichet.example"


def test_the_digest_week_turns_at_local_midnight() -> None:
    rules = MessageRules(digest_time=time(0, 15))
    monday_night = datetime(2027, 9, 12, 22, 30, tzinfo=UTC)  # Monday 00:30 in Paris
    [digest] = weekly_digest(CAMILLE, rules, monday_night)
    assert digest.due_at == paris(2027, 9, 13, 0, 15)
    assert digest.key.endswith("/2027-W37/camille@guichet.example")


def test_a_digest_is_skipped_only_when_more_than_a_day_late() -> None:
    due = paris(2027, 9, 13, 8)
    for now, skip in (
        (due, None),
        (due + timedelta(days=1), None),
        (due + timedelta(days=1) + MINUTE, "sent more than a day late"),
    ):
        [digest] = weekly_digest(CAMILLE, RULES, now)
        assert (digest.due_at, digest.skip_reason) == (due, skip)


def test_the_digest_carries_its_reader() -> None:
    [digest] = weekly_digest(CAMILLE, RULES, paris(2027, 9, 13, 9))
    assert digest.kind is MessageKind.DIGEST
    assert (digest.recipient, digest.recipient_name, digest.locale) == (
        CAMILLE.email,
        "Camille Roussel",
        "en",
    )
    assert (digest.facilitator_id, digest.occurrence_id, digest.convention_id) == (
        "camille",
        None,
        None,
    )


def test_no_digest_for_a_facilitator_who_unsubscribed_from_it() -> None:
    quiet = dataclasses.replace(CAMILLE, unsubscribed_from=frozenset({MessageKind.DIGEST}))
    assert weekly_digest(quiet, RULES, paris(2027, 9, 13, 9)) == []


def test_due_messages_covers_every_meeting_convention_and_facilitator() -> None:
    dominique = Reader("dominique@guichet.example", facilitator_id="dominique")
    other_meeting = dataclasses.replace(after_work(Invitee(OMAR)), occurrence_id=8)
    intents = due_messages(
        [after_work(Invitee(ELISE)), other_meeting],
        [convention(ELISE), ConventionFacts(4, END, True, (OMAR,))],
        [CAMILLE, dominique],
        RULES,
        START - timedelta(days=30),
    )
    assert {(i.kind, i.occurrence_id or i.convention_id or i.facilitator_id) for i in intents} == {
        (MessageKind.INVITE, 7),
        (MessageKind.INVITE, 8),
        (MessageKind.REMINDER, 7),
        (MessageKind.REMINDER, 8),
        (MessageKind.RENEWAL_NOTICE, 3),
        (MessageKind.RENEWAL_NOTICE, 4),
        (MessageKind.DIGEST, "camille"),
        (MessageKind.DIGEST, "dominique"),
    }


def test_a_meeting_booked_by_the_buyer_is_announced_when_booked_or_at_lead_time() -> None:
    lead_time = paris(2027, 8, 26, 9)  # 21 days before, at nine
    for booked_at, due in (
        (START - timedelta(days=40), START - timedelta(days=40)),
        (lead_time - MINUTE, lead_time - MINUTE),
        (lead_time + MINUTE, lead_time),
        (START - timedelta(days=10), lead_time),
    ):
        meeting = dataclasses.replace(after_work(), booked_at=booked_at)
        invites = of(MessageKind.INVITE, meeting_messages(meeting, RULES, booked_at))
        assert [(i.recipient, i.due_at) for i in invites] == [(ELISE.email, due), (OMAR.email, due)]
