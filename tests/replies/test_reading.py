"""Reading replies from the mails real calendar clients send: pure, no database."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.replies import MailReading, ReplyKind, read_mail
from scheduler.replies.reading import partstat_of_subject
from tests.reply_factories import MAILS, ORDINARY, UID


def reading(name: str) -> MailReading:
    message = email.message_from_bytes((MAILS / name).read_bytes(), policy=email.policy.default)
    return read_mail(message, "Europe/Paris")


@pytest.mark.parametrize(
    ("name", "attendee", "partstat", "dtstamp", "comment"),
    [
        (
            "outlook_declined_without_organizer.eml",
            "zoe.dupont@ville-a.example",
            "DECLINED",
            datetime(2026, 11, 26, 9, 30, 12, tzinfo=UTC),
            None,
        ),
        (
            "outlook_accepted_without_method_parameter.eml",
            "zoe.dupont@ville-a.example",
            "ACCEPTED",
            datetime(2026, 11, 26, 8, 15, tzinfo=UTC),
            None,
        ),
        (
            "gmail_tentative_with_comment.eml",
            "marc.leroy@ville-a.example",
            "TENTATIVE",
            datetime(2026, 11, 27, 14, 15, 16, tzinfo=UTC),
            "Je confirme la semaine prochaine, selon le conseil municipal.",
        ),
        (
            "apple_accepted.eml",
            "ines.moreau@ville-a.example",
            "ACCEPTED",
            datetime(2026, 11, 28, 10, 11, 12, tzinfo=UTC),
            None,
        ),
        (
            "thunderbird_declined_with_comment.eml",
            "paul.martin@ville-a.example",
            "DECLINED",
            datetime(2026, 11, 28, 16, 30, tzinfo=UTC),
            "En congé cette semaine-là ; Zoé Dupont me représentera.",
        ),
    ],
)
def test_each_clients_reply_reads_as_one_answer(
    name: str, attendee: str, partstat: str, dtstamp: datetime, comment: str | None
) -> None:
    found = reading(name)
    assert found.problem is None
    assert len(found.replies) == 1, "an inline part and its .ics copy are one reply"
    reply = found.replies[0]
    assert (reply.kind, reply.uid, reply.attendee, reply.partstat) == (
        ReplyKind.REPLY,
        UID,
        attendee,
        partstat,
    )
    assert (reply.dtstamp, reply.sequence, reply.comment) == (dtstamp, 0, comment)


def test_outlook_without_organizer_and_in_base64_is_read_and_its_address_lowered() -> None:
    raw = (MAILS / "outlook_declined_without_organizer.eml").read_text()
    assert "ORGANIZER" not in raw
    assert "Content-Transfer-Encoding: base64" in raw
    found = reading("outlook_declined_without_organizer.eml")
    assert found.sender == "zoe.dupont@ville-a.example"
    assert found.subject.startswith("Refusé")


def test_a_calendar_without_method_parameter_is_judged_by_its_method_inside() -> None:
    raw = (MAILS / "outlook_accepted_without_method_parameter.eml").read_text()
    assert "method=" not in raw.lower()
    assert reading("outlook_accepted_without_method_parameter.eml").replies[0].kind == "REPLY"


def test_an_exchange_resource_reply_has_no_attendee_its_answer_is_in_its_subject() -> None:
    found = reading("exchange_resource_without_attendee.eml")
    assert [(r.attendee, r.partstat) for r in found.replies] == [(None, "ACCEPTED")]
    assert found.sender == "salle-conseil@ville-a.example"


def test_an_outlook_counter_proposes_a_time_in_windows_zone_read_as_paris() -> None:
    (counter,) = reading("outlook_counter_proposal.eml").replies
    assert counter.kind is ReplyKind.COUNTER
    # Thursday 16 September 2027, 14:00 to 16:00 in "Romance Standard Time" (Paris, summer).
    assert counter.proposed_start == datetime(2027, 9, 16, 12, 0, tzinfo=UTC)
    assert counter.proposed_end == datetime(2027, 9, 16, 14, 0, tzinfo=UTC)
    assert counter.comment == "Le mardi ne me convient pas, le jeudi suivant serait possible."


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("ordinary_newsletter.eml", "no calendar part"),
        ("ordinary_mail_with_a_pdf.eml", "no calendar part"),
        ("ordinary_invitation_to_the_facilitator.eml", "METHOD:REQUEST is not a reply"),
    ],
)
def test_ordinary_mail_holds_no_reply(name: str, problem: str) -> None:
    assert name in ORDINARY
    found = reading(name)
    assert (found.replies, found.problem) == ((), problem)


def test_a_reply_listing_several_attendees_is_the_senders() -> None:
    message = email.message_from_string(
        "From: Zoe <zoe@ville-a.example>\r\nContent-Type: text/calendar; method=REPLY\r\n\r\n"
        "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
        "DTSTAMP:20261126T093012Z\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:other@ville-a.example\r\n"
        "ATTENDEE;PARTSTAT=DECLINED:MAILTO:ZOE@ville-a.example\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        policy=email.policy.default,
    )
    (reply,) = read_mail(message).replies
    assert (reply.attendee, reply.partstat) == ("zoe@ville-a.example", "DECLINED")


def test_an_unreadable_calendar_is_a_problem_not_an_error() -> None:
    message = email.message_from_string(
        "From: x@y.example\r\nContent-Type: text/calendar\r\n\r\nBEGIN:VCALENDAR\r\nnonsense",
        policy=email.policy.default,
    )
    found = read_mail(message)
    assert found.replies == ()
    assert found.problem is not None


@given(st.binary(max_size=2000))
def test_any_bytes_read_without_error(raw: bytes) -> None:
    found = read_mail(email.message_from_bytes(raw, policy=email.policy.default))
    assert found.replies == () or all(r.uid for r in found.replies)


@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)),
        max_size=400,
    )
)
def test_any_calendar_text_reads_without_error(body: str) -> None:
    message = email.message.EmailMessage()
    message["From"] = "zoe@ville-a.example"
    message.set_content(
        "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n" + body + "\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n",
        subtype="calendar",
    )
    read_mail(message)


@pytest.mark.parametrize(
    ("subject", "partstat"),
    [
        ("Accepté : Club des acheteurs", "ACCEPTED"),
        ("Accepted: Club des acheteurs", "ACCEPTED"),
        ("Provisoire : Club des acheteurs", "TENTATIVE"),
        ("Accepté provisoirement : Club", "TENTATIVE"),
        ("Tentative: Club des acheteurs", "TENTATIVE"),
        ("Refusé : Club des acheteurs", "DECLINED"),
        ("Declined: Club des acheteurs", "DECLINED"),
        ("RE: Club des acheteurs", None),
        ("Accepté", None),
    ],
)
def test_outlooks_subject_states_the_answer(subject: str, partstat: str | None) -> None:
    assert partstat_of_subject(subject) == partstat


def test_a_windows_zone_name_without_vtimezone_is_still_understood() -> None:
    message = email.message_from_string(
        "From: zoe@ville-a.example\r\nContent-Type: text/calendar\r\n\r\n"
        "BEGIN:VCALENDAR\r\nMETHOD:COUNTER\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
        "DTSTAMP:20261127T101500Z\r\n"
        "DTSTART;TZID=Romance Standard Time:20270916T140000\r\n"
        "DTEND;TZID=Romance Standard Time:20270916T160000\r\n"
        "ATTENDEE;PARTSTAT=TENTATIVE:mailto:zoe@ville-a.example\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        policy=email.policy.default,
    )
    (counter,) = read_mail(message).replies
    assert counter.proposed_start == datetime(2027, 9, 16, 12, 0, tzinfo=UTC)
    assert counter.proposed_end == datetime(2027, 9, 16, 14, 0, tzinfo=UTC)


def test_a_floating_proposal_is_taken_in_the_guichets_zone() -> None:
    message = email.message_from_string(
        "From: zoe@ville-a.example\r\nContent-Type: text/calendar; method=COUNTER\r\n\r\n"
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u1\r\nDTSTAMP:20261127T101500Z\r\n"
        "DTSTART:20270916T140000\r\n"
        "ATTENDEE;PARTSTAT=TENTATIVE:mailto:zoe@ville-a.example\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        policy=email.policy.default,
    )
    (counter,) = read_mail(message, "Europe/Paris").replies
    assert counter.kind is ReplyKind.COUNTER, "no METHOD inside: the Content-Type's stands in"
    assert counter.proposed_start == datetime(2027, 9, 16, 12, 0, tzinfo=UTC)


def test_a_refresh_is_not_a_reply_and_is_left_for_the_facilitator() -> None:
    message = email.message_from_string(
        "From: zoe@ville-a.example\r\nContent-Type: text/calendar; method=REFRESH\r\n\r\n"
        "BEGIN:VCALENDAR\r\nMETHOD:REFRESH\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
        "DTSTAMP:20261127T101500Z\r\nATTENDEE:mailto:zoe@ville-a.example\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        policy=email.policy.default,
    )
    found = read_mail(message)
    assert (found.replies, found.problem) == ((), "METHOD:REFRESH is not a reply")
