"""Answers from the invitees' own calendars, recorded through the same path as an RSVP link's,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import col

from scheduler.core.kinds import AnswerSource, OccurrenceStatus, PartStat
from scheduler.service.answer import rsvp
from scheduler.service.answer.answers import meeting_answers
from scheduler.service.answer.replies import process_mail
from scheduler.service.plan.occurrences import cancel_occurrence
from scheduler.service.publish.feeds import facilitator_feed, load_directory
from scheduler.store.db import session_scope
from scheduler.store.models import Answer, CounterProposal, Invitation
from tests.feed_factories import RITUALS, World, make_world, properties
from tests.reply_factories import UID, fixture_meeting, mail, reply_mail
from tests.service.conftest import Store

READ_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
"""When the mails are read: after every fixture's DTSTAMP, before the meeting."""


@pytest.fixture
def both(store: Store, tmp_path: Path) -> World:
    """A world on SQLite, then on PostgreSQL."""
    settings_, engine = store(RITUALS)
    return World(settings_, engine, tmp_path)


def answers_by_email(world: World) -> dict[str, tuple[str, str | None]]:
    shown = meeting_answers(world.engine, UID)
    return {i.email: (i.answer.value, i.source) for i in shown.invitees}


def test_an_outlook_decline_without_organizer_is_recorded_from_the_calendar(both: World) -> None:
    meeting = fixture_meeting(both)
    outcome = process_mail(
        both.settings, both.engine, mail("outlook_declined_without_organizer.eml"), READ_AT
    )
    assert outcome.processed
    assert outcome.describe() == f"applied: zoe.dupont@ville-a.example declined {UID}"
    [zoe] = [i for i in meeting_answers(both.engine, UID).invitees if i.email.startswith("zoe")]
    assert (zoe.answer, zoe.source) == (PartStat.DECLINED, "calendar")
    assert zoe.answered_at == datetime(2026, 11, 26, 9, 30, 12, tzinfo=UTC)
    stored = both.stored(UID)
    assert stored.changed_at == READ_AT, "the facilitator's feed shows it at the next export"
    assert stored.sequence == meeting.occurrence.sequence == 0


def test_the_facilitators_feed_shows_the_partstat_from_the_calendar(both: World) -> None:
    fixture_meeting(both)
    process_mail(both.settings, both.engine, mail("apple_accepted.eml"), READ_AT)
    with session_scope(both.engine) as session:
        directory = load_directory(session, both.settings, READ_AT)
    feed = facilitator_feed(both.settings, directory, "camille").render()
    [ines] = [line for line in properties(feed, "ATTENDEE") if "ines.moreau" in line]
    assert "PARTSTAT=ACCEPTED" in ines


@pytest.mark.parametrize(
    ("name", "email", "answer"),
    [
        ("outlook_accepted_without_method_parameter.eml", "zoe.dupont", "ACCEPTED"),
        ("gmail_tentative_with_comment.eml", "marc.leroy", "TENTATIVE"),
        ("apple_accepted.eml", "ines.moreau", "ACCEPTED"),
        ("thunderbird_declined_with_comment.eml", "paul.martin", "DECLINED"),
        ("exchange_resource_without_attendee.eml", "salle-conseil", "ACCEPTED"),
    ],
)
def test_every_clients_reply_is_applied(both: World, name: str, email: str, answer: str) -> None:
    fixture_meeting(both)
    outcome = process_mail(both.settings, both.engine, mail(name), READ_AT)
    assert (outcome.processed, outcome.applied) == (True, True)
    shown = answers_by_email(both)
    assert shown[f"{email}@ville-a.example"] == (answer, "calendar")
    others = {k: v for k, v in shown.items() if not k.startswith(email)}
    assert set(others.values()) == {("NEEDS-ACTION", None)}


def test_a_comment_is_kept_and_shown_with_the_answer(both: World) -> None:
    fixture_meeting(both)
    process_mail(both.settings, both.engine, mail("thunderbird_declined_with_comment.eml"), READ_AT)
    [paul] = [i for i in meeting_answers(both.engine, UID).invitees if i.email.startswith("paul")]
    assert paul.comment == "En congé cette semaine-là ; Zoé Dupont me représentera."


def test_a_resource_reply_without_attendee_from_someone_not_invited_is_left(both: World) -> None:
    fixture_meeting(both, invite=("zoe.dupont@ville-a.example",))
    outcome = process_mail(
        both.settings, both.engine, mail("exchange_resource_without_attendee.eml"), READ_AT
    )
    assert not outcome.processed
    assert outcome.describe() == (
        f"ignored: salle-conseil@ville-a.example (no ATTENDEE; From:) is not invited to {UID}"
    )


def test_replies_for_unknown_meetings_or_from_strangers_are_left_where_they_are(
    both: World,
) -> None:
    fixture_meeting(both)
    unknown = process_mail(
        both.settings, both.engine, mail("reply_for_an_unknown_meeting.eml"), READ_AT
    )
    stranger = process_mail(
        both.settings, both.engine, mail("reply_from_someone_not_invited.eml"), READ_AT
    )
    assert (unknown.processed, stranger.processed) == (False, False)
    assert unknown.describe().startswith("ignored: no meeting has UID 040000008200E000")
    assert stranger.describe() == f"ignored: curieux@ailleurs.example is not invited to {UID}"
    with session_scope(both.engine) as session:
        assert session.execute(select(Answer)).all() == []


def test_a_counter_is_kept_for_the_facilitator_and_changes_no_answer(both: World) -> None:
    fixture_meeting(both)
    counter = mail("outlook_counter_proposal.eml")
    outcome = process_mail(both.settings, both.engine, counter, READ_AT)
    assert outcome.processed
    assert "proposes another time" in outcome.describe()
    shown = meeting_answers(both.engine, UID)
    assert {i.answer for i in shown.invitees} == {PartStat.NEEDS_ACTION}
    [proposal] = shown.proposals
    assert proposal.email == "zoe.dupont@ville-a.example"
    assert proposal.start == datetime(2027, 9, 16, 12, 0, tzinfo=UTC)
    assert proposal.comment == "Le mardi ne me convient pas, le jeudi suivant serait possible."
    assert both.stored(UID).start == datetime(2027, 9, 14, 8, 0, tzinfo=UTC)
    again = process_mail(both.settings, both.engine, counter, READ_AT)
    assert (again.processed, again.applied) == (True, False)
    with session_scope(both.engine) as session:
        assert len(session.execute(select(CounterProposal)).all()) == 1


def test_reading_the_same_mail_twice_records_it_once(both: World) -> None:
    fixture_meeting(both)
    raw = mail("gmail_tentative_with_comment.eml")
    process_mail(both.settings, both.engine, raw, READ_AT)
    again = process_mail(both.settings, both.engine, raw, READ_AT + timedelta(hours=1))
    assert again.processed
    assert again.describe().endswith("already recorded")
    with session_scope(both.engine) as session:
        assert len(session.execute(select(Answer)).all()) == 1
    assert both.stored(UID).changed_at == READ_AT


def test_a_reply_naming_an_older_sequence_still_counts(both: World) -> None:
    fixture_meeting(both)
    with session_scope(both.engine) as session:
        row = both.stored(UID)
        row.sequence = 2
        session.add(row)
    raw = reply_mail("zoe.dupont@ville-a.example", "ACCEPTED", READ_AT - timedelta(days=1))
    assert process_mail(both.settings, both.engine, raw, READ_AT).applied
    assert answers_by_email(both)["zoe.dupont@ville-a.example"] == ("ACCEPTED", "calendar")


def test_a_late_reply_made_before_the_recorded_answer_changes_nothing(both: World) -> None:
    fixture_meeting(both)
    zoe = "zoe.dupont@ville-a.example"
    declined = reply_mail(zoe, "DECLINED", READ_AT - timedelta(hours=1))
    accepted_earlier = reply_mail(zoe, "ACCEPTED", READ_AT - timedelta(hours=5))
    process_mail(both.settings, both.engine, declined, READ_AT)
    late = process_mail(both.settings, both.engine, accepted_earlier, READ_AT + timedelta(hours=1))
    assert late.processed
    assert late.describe().endswith("but a later answer stands")
    assert answers_by_email(both)[zoe] == ("DECLINED", "calendar")


def test_a_web_answer_given_after_a_calendar_reply_stands_and_the_source_follows(
    both: World,
) -> None:
    meeting = fixture_meeting(both)
    zoe = "zoe.dupont@ville-a.example"
    process_mail(both.settings, both.engine, reply_mail(zoe, "DECLINED", READ_AT), READ_AT)
    with session_scope(both.engine) as session:
        invitation = session.execute(
            select(Invitation).where(
                col(Invitation.contact_id) == meeting.contacts[zoe],
            )
        ).scalar_one()
    token = rsvp.rsvp_token(both.settings, invitation.id or 0, meeting.occurrence.end)
    later = READ_AT + timedelta(hours=2)
    rsvp.answer(both.settings, both.engine, token, PartStat.ACCEPTED, later)
    assert answers_by_email(both)[zoe] == ("ACCEPTED", AnswerSource.WEB.value)
    stale = reply_mail(zoe, "TENTATIVE", READ_AT + timedelta(hours=1))
    process_mail(both.settings, both.engine, stale, READ_AT + timedelta(hours=3))
    assert answers_by_email(both)[zoe] == ("ACCEPTED", "web")


def test_an_answer_for_a_cancelled_meeting_is_recorded_and_changes_nothing(both: World) -> None:
    fixture_meeting(both)
    cancel_occurrence(both.engine, UID, READ_AT - timedelta(hours=1))
    changed = both.stored(UID).changed_at
    outcome = process_mail(
        both.settings, both.engine, mail("outlook_declined_without_organizer.eml"), READ_AT
    )
    assert outcome.processed
    assert outcome.describe().endswith("which is cancelled or over")
    assert both.stored(UID).status == OccurrenceStatus.CANCELLED
    assert both.stored(UID).changed_at == changed
    assert answers_by_email(both)["zoe.dupont@ville-a.example"] == ("NEEDS-ACTION", None)
    with session_scope(both.engine) as session:
        [answer] = session.execute(select(Answer)).scalars().all()
    assert (answer.partstat, answer.applied) == (PartStat.DECLINED, False)


def test_an_answer_after_the_meeting_changes_nothing(both: World) -> None:
    meeting = fixture_meeting(both)
    after = meeting.occurrence.end + timedelta(hours=1)
    outcome = process_mail(both.settings, both.engine, mail("apple_accepted.eml"), after)
    assert outcome.processed
    assert answers_by_email(both)["ines.moreau@ville-a.example"] == ("NEEDS-ACTION", None)


def test_a_dtstamp_in_the_future_counts_as_read_now(both: World) -> None:
    fixture_meeting(both)
    zoe = "zoe.dupont@ville-a.example"
    process_mail(
        both.settings,
        both.engine,
        reply_mail(zoe, "DECLINED", READ_AT + timedelta(days=300)),
        READ_AT,
    )
    later = READ_AT + timedelta(hours=1)
    process_mail(both.settings, both.engine, reply_mail(zoe, "ACCEPTED", later), later)
    assert answers_by_email(both)[zoe] == ("ACCEPTED", "calendar")


# --- out of order -------------------------------------------------------------------------------

ANSWER_WORDS = ("ACCEPTED", "TENTATIVE", "DECLINED")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> World:
    world = make_world(tmp_path_factory.mktemp("order"))
    fixture_meeting(world, invite=())
    return world


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    replies=st.lists(
        st.tuples(st.sampled_from(ANSWER_WORDS), st.integers(min_value=0, max_value=10_000)),
        min_size=1,
        max_size=6,
        unique_by=lambda reply: reply[1],
    ),
    data=st.data(),
)
def test_whatever_the_order_the_latest_dtstamp_wins(
    shared: World, replies: list[tuple[str, int]], data: st.DataObject
) -> None:
    world = shared
    meeting = world.stored(UID)
    email = f"p{id(replies)}-{len(replies)}-{data.draw(st.integers(0, 10**9))}@ville-a.example"
    contact = world.contact(None, email, "Someone")
    world.invite(meeting, contact)
    arrival = data.draw(st.permutations(replies))
    for index, (partstat, minutes) in enumerate(arrival):
        stamp = READ_AT - timedelta(days=10) + timedelta(minutes=minutes)
        process_mail(
            world.settings,
            world.engine,
            reply_mail(email, partstat, stamp),
            READ_AT + timedelta(seconds=index),
        )
    latest = max(replies, key=lambda reply: reply[1])[0]
    shown = {i.email: i.answer for i in meeting_answers(world.engine, UID).invitees}
    assert shown[email] == latest
