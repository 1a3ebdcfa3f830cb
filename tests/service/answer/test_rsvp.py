"""RSVP links and answers: signed tokens, who may still answer, and what the facilitator sees."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import col

from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import MessageIntent, message_key
from scheduler.errors import ConfigError, InputError
from scheduler.service.access.signing import SECRET_ENV, SECRET_FILE, Signer, load_secret
from scheduler.service.answer import rsvp
from scheduler.service.answer.rsvp import RsvpState
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.enqueue import enqueue_due
from scheduler.service.deliver.outbox import Composed, Verdict, enqueue
from scheduler.service.plan.occurrences import cancel_occurrence, move_occurrence
from scheduler.service.publish.feeds import contact_feed, facilitator_feed, load_directory
from scheduler.store.db import session_scope
from scheduler.store.models import Invitation, Message, Occurrence
from tests.feed_factories import NOW, RITUALS, World, at, make_world, properties
from tests.service.conftest import Store

MEETING = "2027-09-14 10:00"


@pytest.fixture(autouse=True)
def _no_secret_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


@pytest.fixture
def both(store: Store, tmp_path: Path) -> World:
    """A world on SQLite, then on PostgreSQL."""
    settings, engine = store(RITUALS)
    return World(settings, engine, tmp_path)


def invited(
    world: World,
    *,
    name: str = "Zoé Dupont",
    email: str = "zoe@ville-a.example",
    locale: str = "fr",
    start: str = MEETING,
) -> tuple[Occurrence, int, str]:
    """A buyer's programming review with one invited contact: the occurrence, the invitation id
    and the invitation's RSVP token."""
    buyer = world.buyer(email.split("@")[1], "Ville A")
    contact = world.contact(buyer, email, name, locale=locale)
    row = world.occurrence(RitualKind.PROGRAMMING_REVIEW, at(start), buyer=buyer)
    world.invite(row, contact)
    invitation_id = invitation_of(world, row, contact).id
    assert invitation_id is not None
    return row, invitation_id, rsvp.rsvp_token(world.settings, invitation_id, row.end)


def invitation_of(world: World, row: Occurrence, contact_id: int) -> Invitation:
    with session_scope(world.engine) as session:
        found = session.execute(
            select(Invitation).where(
                col(Invitation.occurrence_id) == row.id, col(Invitation.contact_id) == contact_id
            )
        ).scalar_one()
        assert isinstance(found, Invitation)
        return found


def only_invitation(world: World) -> Invitation:
    with session_scope(world.engine) as session:
        found = session.execute(select(Invitation)).scalar_one()
        assert isinstance(found, Invitation)
        return found


# --- tokens and the secret ----------------------------------------------------------------------


def test_a_token_is_64_url_safe_characters_opened_only_by_its_signer_and_purpose() -> None:
    secret = b"s" * 32
    token = Signer(secret, "rsvp").seal(42, at(MEETING))
    assert len(token) == 64
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    sealed = Signer(secret, "rsvp").open(token)
    assert sealed is not None
    assert (sealed.id, sealed.expires) == (42, at(MEETING))
    assert Signer(secret, "attendance").open(token) is None
    assert Signer(b"t" * 32, "rsvp").open(token) is None


def test_changing_any_character_of_a_token_makes_it_worthless() -> None:
    signer = Signer(b"s" * 32, "rsvp")
    token = signer.seal(7, at(MEETING))
    for index, char in enumerate(token):
        other = "A" if char != "A" else "B"
        assert signer.open(token[:index] + other + token[index + 1 :]) is None
    assert signer.open(token[:-1]) is None
    assert signer.open(token + "A") is None
    assert signer.open(token + "=") is None


@given(st.text(max_size=200))
def test_arbitrary_strings_never_open_a_token(text: str) -> None:
    assert Signer(b"s" * 32, "rsvp").open(text) is None


def test_without_the_environment_variable_a_secret_is_made_once_with_mode_0600(
    world: World,
) -> None:
    path = world.settings.resolve(SECRET_FILE)
    assert not path.exists()
    first = load_secret(world.settings)
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert load_secret(world.settings) == first
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(SECRET_FILE)] == [
        SECRET_FILE
    ]


def test_the_environment_variable_wins_and_a_short_one_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, "x" * 40)
    assert load_secret(world.settings) == b"x" * 40
    assert not world.settings.resolve(SECRET_FILE).exists()
    monkeypatch.setenv(SECRET_ENV, "short")
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load_secret(world.settings)


def test_links_signed_under_another_secret_open_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, invitation_id, token = invited(world)
    monkeypatch.setenv(SECRET_ENV, "y" * 40)
    assert rsvp.look_up(world.settings, world.engine, token, NOW).state is RsvpState.UNKNOWN
    fresh = rsvp.rsvp_token(world.settings, invitation_id, at(MEETING) + timedelta(hours=2))
    assert rsvp.look_up(world.settings, world.engine, fresh, NOW).state is RsvpState.OPEN


# --- links for the mail templates ---------------------------------------------------------------


def test_links_are_one_per_answer_under_the_feeds_base_url(world: World) -> None:
    row, invitation_id, token = invited(world)
    links = rsvp.rsvp_links(world.settings, invitation_id, row.end)
    base = f"http://127.0.0.1:8080/rsvp/{token}"
    assert links == {
        PartStat.ACCEPTED: f"{base}?answer=accepted",
        PartStat.TENTATIVE: f"{base}?answer=tentative",
        PartStat.DECLINED: f"{base}?answer=declined",
    }
    assert rsvp.rsvp_page_url(world.settings, invitation_id, row.end) == base
    assert row.id is not None
    with session_scope(world.engine) as session:
        contact_id = only_invitation(world).contact_id
        assert rsvp.invitation_rsvp_links(session, world.settings, row.id, contact_id) == links
        assert rsvp.invitation_rsvp_links(session, world.settings, row.id, contact_id + 99) is None
        assert rsvp.invitation_rsvp_url(session, world.settings, row.id, contact_id) == base
        assert rsvp.invitation_rsvp_url(session, world.settings, row.id + 99, contact_id) is None


# --- looking and answering ----------------------------------------------------------------------


def test_looking_shows_the_meeting_in_french_and_changes_nothing(world: World) -> None:
    row, _, token = invited(world)
    view = rsvp.look_up(world.settings, world.engine, token, NOW)
    assert view.state is RsvpState.OPEN
    assert view.when == "mardi 14 septembre 2027 à 10 h 00"
    assert view.until == "12 h 00"
    assert view.title == "Rendez-vous annuel sur la programmation des achats — Ville A"
    assert view.place == "Dans vos locaux"  # said to the buyer's own contact
    assert view.contact_name == "Zoé Dupont"
    assert view.partstat is PartStat.NEEDS_ACTION
    invitation = only_invitation(world)
    assert (invitation.partstat, invitation.responded_at) == (PartStat.NEEDS_ACTION, None)
    assert world.stored(row.uid).changed_at == row.changed_at


def test_a_contact_writing_english_sees_english(world: World) -> None:
    _, _, token = invited(world, locale="en")
    view = rsvp.look_up(world.settings, world.engine, token, NOW)
    assert view.locale == "en"
    assert view.when == "Tuesday 14 September 2027 at 10:00"
    assert view.title == "Annual procurement-programming review — Ville A"


def test_an_answer_records_partstat_and_stamps_the_meeting_but_keeps_its_sequence(
    both: World,
) -> None:
    row, _, token = invited(both)
    later = NOW + timedelta(hours=3)
    view = rsvp.answer(both.settings, both.engine, token, PartStat.ACCEPTED, later)
    assert (view.state, view.partstat, view.changed) == (RsvpState.OPEN, PartStat.ACCEPTED, True)
    invitation = only_invitation(both)
    assert (invitation.partstat, invitation.responded_at) == (PartStat.ACCEPTED, later)
    stored = both.stored(row.uid)
    assert stored.changed_at == later
    assert stored.sequence == row.sequence == 0
    assert stored.status == row.status


def test_changing_ones_mind_keeps_the_last_answer_and_the_same_answer_twice_writes_nothing(
    both: World,
) -> None:
    row, _, token = invited(both)
    rsvp.answer(both.settings, both.engine, token, PartStat.ACCEPTED, NOW)
    second = NOW + timedelta(days=1)
    view = rsvp.answer(both.settings, both.engine, token, PartStat.DECLINED, second)
    assert view.changed
    third = NOW + timedelta(days=2)
    again = rsvp.answer(both.settings, both.engine, token, PartStat.DECLINED, third)
    assert (again.partstat, again.changed) == (PartStat.DECLINED, False)
    invitation = only_invitation(both)
    assert (invitation.partstat, invitation.responded_at) == (PartStat.DECLINED, second)
    assert both.stored(row.uid).changed_at == second


def test_an_answer_after_the_meeting_is_refused_and_changes_nothing(both: World) -> None:
    row, _, token = invited(both)
    for moment in (row.end, row.end + timedelta(days=30)):
        view = rsvp.answer(both.settings, both.engine, token, PartStat.ACCEPTED, moment)
        assert view.state is RsvpState.ENDED
        assert view.state.http_status == 410
        assert view.title  # the page still says which meeting it was
    during = rsvp.look_up(both.settings, both.engine, token, row.start + timedelta(minutes=30))
    assert during.state is RsvpState.OPEN
    assert only_invitation(both).partstat == PartStat.NEEDS_ACTION
    assert both.stored(row.uid).changed_at == row.changed_at


def test_a_held_or_cancelled_meeting_takes_no_answer(world: World) -> None:
    row, _, token = invited(world)
    cancel_occurrence(world.engine, row.uid, NOW)
    view = rsvp.answer(world.settings, world.engine, token, PartStat.ACCEPTED, NOW)
    assert (view.state, view.state.http_status) == (RsvpState.CANCELLED, 410)
    other, _, held_token = invited(world, email="ali@ville-b.example", start="2027-09-15 10:00")
    with session_scope(world.engine) as session:
        stored = session.get(Occurrence, other.id)
        assert stored is not None
        stored.status = OccurrenceStatus.HELD
    view = rsvp.answer(world.settings, world.engine, held_token, PartStat.ACCEPTED, NOW)
    assert view.state is RsvpState.ENDED
    with session_scope(world.engine) as session:
        answers = session.execute(select(col(Invitation.partstat))).scalars().all()
    assert set(answers) == {PartStat.NEEDS_ACTION}


def test_the_link_of_a_meeting_moved_later_expires_at_the_old_end(world: World) -> None:
    row, invitation_id, old = invited(world)
    move_occurrence(world.engine, row.uid, at("2027-09-21 10:00"), NOW, settings=world.settings)
    between = row.end + timedelta(days=1)
    assert rsvp.look_up(world.settings, world.engine, old, NOW).state is RsvpState.OPEN
    assert rsvp.look_up(world.settings, world.engine, old, between).state is RsvpState.EXPIRED
    fresh = rsvp.rsvp_token(world.settings, invitation_id, world.stored(row.uid).end)
    view = rsvp.answer(world.settings, world.engine, fresh, PartStat.TENTATIVE, between)
    assert (view.state, view.partstat) == (RsvpState.OPEN, PartStat.TENTATIVE)


def test_forged_and_unknown_tokens_open_nothing_and_change_nothing(both: World) -> None:
    row, invitation_id, token = invited(both)
    forged = [
        "",
        "nope",
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        rsvp.rsvp_token(both.settings, invitation_id + 1000, row.end),
        Signer(b"z" * 32, "rsvp").seal(invitation_id, row.end),
        Signer(load_secret(both.settings), "attendance").seal(invitation_id, row.end),
    ]
    for wrong in forged:
        view = rsvp.answer(both.settings, both.engine, wrong, PartStat.DECLINED, NOW)
        assert view.state is RsvpState.UNKNOWN
        assert view.state.http_status == 404
        assert (view.title, view.contact_name) == ("", "")
    assert only_invitation(both).partstat == PartStat.NEEDS_ACTION
    assert both.stored(row.uid).changed_at == row.changed_at


def test_only_the_three_answers_can_be_recorded(world: World) -> None:
    _, _, token = invited(world)
    with pytest.raises(InputError):
        rsvp.answer(world.settings, world.engine, token, PartStat.NEEDS_ACTION, NOW)
    assert rsvp.parse_answer("Declined ") is PartStat.DECLINED
    assert rsvp.parse_answer("NEEDS-ACTION") is None
    assert rsvp.parse_answer(None) is None


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    token=st.one_of(
        st.text(max_size=120),
        st.from_regex(r"[A-Za-z0-9_-]{64}", fullmatch=True),
        st.binary(max_size=80).map(lambda raw: raw.hex()),
    )
)
def test_any_token_string_is_unknown_or_valid_and_never_crashes(world: World, token: str) -> None:
    view = rsvp.look_up(world.settings, world.engine, token, NOW)
    assert view.state in set(RsvpState)
    assert view.state is RsvpState.UNKNOWN


# --- what the facilitator sees ------------------------------------------------------------------


def test_the_answer_shows_in_the_facilitators_feed_with_the_same_sequence(both: World) -> None:
    row, _, token = invited(both)
    later = NOW + timedelta(hours=1)
    before = feed_of(both, "camille")
    (attendee,) = attendee_lines(before)
    assert "PARTSTAT=NEEDS-ACTION" in attendee
    rsvp.answer(both.settings, both.engine, token, PartStat.ACCEPTED, later)
    after = feed_of(both, "camille")
    (attendee,) = attendee_lines(after)
    assert "PARTSTAT=ACCEPTED" in attendee
    assert "mailto:zoe@ville-a.example" in attendee
    assert properties(after, "SEQUENCE") == properties(before, "SEQUENCE") == ["SEQUENCE:0"]
    assert properties(after, "DTSTAMP") == ["DTSTAMP:20261125T090000Z"]
    assert properties(before, "DTSTAMP") != properties(after, "DTSTAMP")
    assert row.uid in after.decode()


def test_a_decline_takes_the_meeting_out_of_the_contacts_own_feed(world: World) -> None:
    _, _, token = invited(world)
    contact_id = only_invitation(world).contact_id
    assert feed_of_contact(world, contact_id).count(b"BEGIN:VEVENT") == 1
    rsvp.answer(world.settings, world.engine, token, PartStat.DECLINED, NOW)
    assert feed_of_contact(world, contact_id).count(b"BEGIN:VEVENT") == 0


def feed_of(world: World, facilitator: str) -> bytes:
    with session_scope(world.engine) as session:
        directory = load_directory(session, world.settings, NOW)
    return facilitator_feed(world.settings, directory, facilitator).render()


def feed_of_contact(world: World, contact_id: int) -> bytes:
    with session_scope(world.engine) as session:
        directory = load_directory(session, world.settings, NOW)
    return contact_feed(world.settings, directory, contact_id).render()


def attendee_lines(ics: bytes) -> list[str]:
    return properties(ics, "ATTENDEE")


def test_a_decline_stops_that_persons_reminders(world: World) -> None:
    row, _, token = invited(world)
    assert row.id is not None
    email = "zoe@ville-a.example"
    reminder = MessageIntent(
        kind=MessageKind.REMINDER,
        key=message_key(MessageKind.REMINDER, f"occ:{row.id}", email, "s0-7d"),
        recipient=email,
        due_at=row.start - timedelta(days=7),
        occurrence_id=row.id,
        contact_id=only_invitation(world).contact_id,
        offset_days=7,
    )
    with session_scope(world.engine) as session:
        enqueue(session, [reminder], NOW, "guichet.example")
    composer = StoreComposer(world.settings)

    def at_send_time() -> Composed | Verdict:
        with session_scope(world.engine) as session:
            message = session.execute(select(Message)).scalar_one()
            return composer.compose(session, message, reminder.due_at)

    assert isinstance(at_send_time(), Composed)
    rsvp.answer(world.settings, world.engine, token, PartStat.DECLINED, NOW)
    assert at_send_time() == Verdict(MessageState.SKIPPED, "declined")


def test_a_decline_cancels_the_pending_reminder_and_the_next_tick_writes_none(both: World) -> None:
    row, _, token = invited(both)
    other = both.contact(row.organisation_id, "ali@ville-a.example", "Ali Martin")
    both.invite(row, other)
    tick = at("2027-09-07 09:30")
    enqueue_due(both.engine, both.settings, tick)
    assert pending_reminders(both) == ["ali@ville-a.example", "zoe@ville-a.example"]
    rsvp.answer(both.settings, both.engine, token, PartStat.DECLINED, tick + timedelta(minutes=5))
    enqueue_due(both.engine, both.settings, tick + timedelta(minutes=10))
    assert pending_reminders(both) == ["ali@ville-a.example"]
    enqueue_due(both.engine, both.settings, at("2027-09-13 09:30"))
    assert pending_reminders(both) == ["ali@ville-a.example", "ali@ville-a.example"]


def pending_reminders(world: World) -> list[str]:
    with session_scope(world.engine) as session:
        return sorted(
            session.execute(
                select(col(Message.recipient)).where(
                    col(Message.kind) == MessageKind.REMINDER,
                    col(Message.state) == MessageState.PENDING,
                )
            ).scalars()
        )
