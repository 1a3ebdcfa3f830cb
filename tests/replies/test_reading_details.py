"""The reply matcher's details, each on a small hand-made mail: the mail's own facts, which
attendee replied, what is read of a VEVENT, which parts are calendars and in what charset, and
why a mail holds no reply. Pure and fast: `make mutation` kills reading.py's mutants with it."""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.replies import MailReading, ReplyKind, read_mail
from tests.reply_factories import MAILS

PARIS = ZoneInfo("Europe/Paris")
ZOE = "From: =?utf-8?q?Zo=C3=A9?= Dupont <Zoe.Dupont@Ville-A.example>\r\n"


def event(*lines: str) -> str:
    return "BEGIN:VEVENT\r\n" + "".join(f"{line}\r\n" for line in lines) + "END:VEVENT\r\n"


def calendar(*events: str, method: str | None = "REPLY", component: str = "") -> str:
    head = f"METHOD:{method}\r\n" if method else ""
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + head
        + "".join(events)
        + component
        + "END:VCALENDAR\r\n"
    )


def read(
    body: bytes | str,
    *,
    headers: str = ZOE,
    content_type: str = "text/calendar; charset=utf-8",
    timezone: str = "Europe/Paris",
) -> MailReading:
    """A one-part mail with `headers`, its part of `content_type`."""
    raw = body.encode() if isinstance(body, str) else body
    head = f"{headers}Content-Type: {content_type}\r\n\r\n".encode()
    message = email.message_from_bytes(head + raw, policy=email.policy.default)
    return read_mail(message, timezone)


ACCEPTED = event(
    "UID:u1",
    "DTSTAMP:20261126T093012Z",
    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:zoe.dupont@ville-a.example",
)


# --- the mail's own facts --------------------------------------------------------------------


def fixture(name: str) -> MailReading:
    message = email.message_from_bytes((MAILS / name).read_bytes(), policy=email.policy.default)
    return read_mail(message, "Europe/Paris")


def test_a_replys_mail_facts_are_kept_beside_its_replies() -> None:
    found = fixture("gmail_tentative_with_comment.eml")
    assert found.replies
    assert found.message_id == "<calendar-7d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6@google.com>"
    assert found.date == datetime(2026, 11, 27, 14, 15, 16, tzinfo=UTC)
    assert found.subject.startswith("Invitation acceptée provisoirement : Rendez-vous annuel")
    assert "  " not in found.subject


def test_a_mail_without_reply_keeps_its_facts_beside_its_problem() -> None:
    found = read(
        "hello",
        headers=ZOE
        + "Message-ID:  <m1@ville-a.example> \r\nDate: Mon, 7 Dec 2026 10:00:00 +0100\r\n"
        "Subject: Une   question\r\n\t sur la réunion\r\n",
        content_type="text/plain",
    )
    assert (found.problem, found.replies) == ("no calendar part", ())
    assert found.message_id == "<m1@ville-a.example>"
    assert found.sender == "zoe.dupont@ville-a.example"
    assert found.date == datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    assert found.subject == "Une question sur la réunion"


@pytest.mark.parametrize(
    ("header", "date"),
    [
        ("Date: Mon, 7 Dec 2026 10:00:00 -0000\r\n", datetime(2026, 12, 7, 10, 0, tzinfo=UTC)),
        ("Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n", datetime(2026, 12, 7, 10, 0, tzinfo=UTC)),
        ("Date: lundi prochain\r\n", None),
        ("", None),
    ],
)
def test_a_date_without_a_zone_is_utc_and_an_unreadable_one_is_none(
    header: str, date: datetime | None
) -> None:
    found = read(calendar(ACCEPTED), headers=ZOE + header)
    assert found.date == date
    assert found.date is None or found.date.utcoffset() is not None


def test_missing_headers_read_as_nothing() -> None:
    found = read(calendar(ACCEPTED), headers="")
    assert (found.message_id, found.sender, found.date, found.subject) == (None, None, None, "")
    assert [reply.attendee for reply in found.replies] == ["zoe.dupont@ville-a.example"]


@pytest.fixture
def server_in_auckland(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone far from UTC and from Paris, for the test's length."""
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("server_in_auckland")
def test_dates_and_stamps_are_utc_whatever_the_servers_zone() -> None:
    found = read(calendar(ACCEPTED), headers=ZOE + "Date: Mon, 7 Dec 2026 10:00:00 -0000\r\n")
    assert found.date == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    found = read(calendar(ACCEPTED), headers=ZOE + "Date: Mon, 7 Dec 2026 10:00:00 +0100\r\n")
    [reply] = found.replies
    for instant in (found.date, reply.dtstamp):
        assert instant is not None
        assert instant.utcoffset() == timedelta(0)
    assert (found.date, reply.dtstamp) == (
        datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
        datetime(2026, 11, 26, 9, 30, 12, tzinfo=UTC),
    )


@pytest.mark.parametrize("message_id", ["<>", "<zoe@[ville-a>"])
def test_a_message_id_the_mail_library_cannot_parse_reads_as_none(message_id: str) -> None:
    found = read(calendar(ACCEPTED), headers=ZOE + f"Message-ID: {message_id}\r\n")
    assert found.message_id is None
    assert [reply.partstat for reply in found.replies] == ["ACCEPTED"]


def test_a_sender_the_mail_library_cannot_parse_reads_as_no_sender() -> None:
    found = read(calendar(ACCEPTED), headers="From: Zoé <zoe@[ville-a\r\n")
    assert found.sender is None
    assert [reply.partstat for reply in found.replies] == ["ACCEPTED"]


# --- who replied -----------------------------------------------------------------------------


def attendees(
    *lines: str, headers: str = ZOE, subject: str = ""
) -> list[tuple[str | None, str | None]]:
    found = read(
        calendar(event("UID:u1", "DTSTAMP:20261126T093012Z", *lines)),
        headers=headers + (f"Subject: {subject}\r\n" if subject else ""),
    )
    return [(reply.attendee, reply.partstat) for reply in found.replies]


def test_an_attendee_without_partstat_has_no_answer() -> None:
    assert attendees("ATTENDEE:mailto:zoe.dupont@ville-a.example") == [
        ("zoe.dupont@ville-a.example", None)
    ]


def test_an_attendee_that_is_no_address_counts_as_none_and_the_subject_answers() -> None:
    found = attendees(
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:salle-du-conseil",
        headers="From: Salle du conseil <salle-du-conseil>\r\n",
        subject="Refusé : Club des acheteurs",
    )
    assert found == [(None, "DECLINED")]


def test_a_reply_sent_from_another_mailbox_is_still_the_attendees() -> None:
    # An assistant answering from her own address for Zoé: the VEVENT says who replied.
    assert attendees(
        "ATTENDEE;PARTSTAT=DECLINED:mailto:zoe.dupont@ville-a.example",
        headers="From: Assistante <assistante@ville-a.example>\r\n",
    ) == [("zoe.dupont@ville-a.example", "DECLINED")]


def test_several_attendees_none_of_them_the_sender_each_answer() -> None:
    assert attendees(
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:marc.leroy@ville-a.example",
        "ATTENDEE;PARTSTAT=DECLINED:mailto:ines.moreau@ville-a.example",
        headers="From: Secrétariat <secretariat@ville-a.example>\r\n",
    ) == [("marc.leroy@ville-a.example", "ACCEPTED"), ("ines.moreau@ville-a.example", "DECLINED")]


def test_among_several_attendees_the_sender_is_the_replier_even_without_partstat() -> None:
    assert attendees(
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:marc.leroy@ville-a.example",
        "ATTENDEE:mailto:zoe.dupont@ville-a.example",
    ) == [("zoe.dupont@ville-a.example", None)]


# --- what is read of a VEVENT ----------------------------------------------------------------


def test_several_comments_are_kept_one_a_line_without_the_empty_ones() -> None:
    found = read(
        calendar(
            event(
                "UID:u1",
                "DTSTAMP:20261126T093012Z",
                "ATTENDEE;PARTSTAT=DECLINED:mailto:zoe.dupont@ville-a.example",
                "COMMENT:En congé cette semaine-là.",
                "COMMENT:",
                "COMMENT:Marc Leroy me représentera.",
            )
        )
    )
    assert found.replies[0].comment == "En congé cette semaine-là.\nMarc Leroy me représentera."


def test_a_reply_proposes_no_time_even_when_it_repeats_the_meetings() -> None:
    for name in ("gmail_tentative_with_comment.eml", "thunderbird_declined_with_comment.eml"):
        assert "DTSTART" in (MAILS / name).read_text()
        [reply] = fixture(name).replies
        assert (reply.kind, reply.proposed_start, reply.proposed_end) == (
            ReplyKind.REPLY,
            None,
            None,
        )


def test_a_counter_for_a_whole_day_proposes_its_midnight_in_the_guichets_zone() -> None:
    found = read(
        calendar(
            event(
                "UID:u1",
                "DTSTAMP:20261127T101500Z",
                "DTSTART;VALUE=DATE:20270916",
                "DTEND;VALUE=DATE:20270917",
                "ATTENDEE;PARTSTAT=TENTATIVE:mailto:zoe.dupont@ville-a.example",
            ),
            method="COUNTER",
        )
    )
    [counter] = found.replies
    assert counter.proposed_start == datetime(2027, 9, 16, tzinfo=PARIS)
    assert counter.proposed_end == datetime(2027, 9, 17, tzinfo=PARIS)
    assert counter.proposed_start.utcoffset() is not None


def test_floating_times_are_utc_for_the_stamp_and_the_guichets_for_a_proposal() -> None:
    found = read(
        calendar(
            event(
                "UID:u1",
                "DTSTAMP:20261127T101500",
                "DTSTART:20270916T140000",
                "DTEND:20270916T160000",
                "ATTENDEE;PARTSTAT=TENTATIVE:mailto:zoe.dupont@ville-a.example",
            ),
            method="COUNTER",
        ),
        timezone="Europe/Paris",
    )
    [counter] = found.replies
    assert counter.dtstamp == datetime(2026, 11, 27, 10, 15, tzinfo=UTC)
    assert counter.proposed_start == datetime(2027, 9, 16, 12, 0, tzinfo=UTC)
    assert counter.proposed_end == datetime(2027, 9, 16, 14, 0, tzinfo=UTC)


def test_a_vevent_without_uid_does_not_hide_the_next_one() -> None:
    found = read(
        calendar(
            event(
                "DTSTAMP:20261126T093012Z", "ATTENDEE;PARTSTAT=DECLINED:mailto:zoe@ville-a.example"
            ),
            ACCEPTED,
        )
    )
    assert [(reply.uid, reply.partstat) for reply in found.replies] == [("u1", "ACCEPTED")]


# --- why a mail holds no reply ---------------------------------------------------------------


def test_a_reply_without_any_uid_says_so() -> None:
    found = read(
        calendar(event("DTSTAMP:20261126T093012Z", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:z@v.example"))
    )
    assert (found.replies, found.problem) == ((), "METHOD:REPLY without any VEVENT that has a UID")


def test_a_reply_about_a_task_is_no_answer_to_a_meeting() -> None:
    task = (
        "BEGIN:VTODO\r\nUID:t1\r\nDTSTAMP:20261126T093012Z\r\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:zoe.dupont@ville-a.example\r\nEND:VTODO\r\n"
    )
    found = read(calendar(component=task))
    assert (found.replies, found.problem) == ((), "METHOD:REPLY without any VEVENT that has a UID")


def test_a_calendar_without_any_method_is_not_a_reply() -> None:
    found = read(calendar(ACCEPTED, method=None))
    assert (found.replies, found.problem) == ((), "METHOD:(none) is not a reply")


def test_an_unreadable_calendar_says_it_is_unreadable() -> None:
    found = read("BEGIN:VCALENDAR\r\nnonsense")
    assert found.replies == ()
    assert found.problem is not None
    assert found.problem.startswith("unreadable calendar: ")


# --- which parts are calendars ---------------------------------------------------------------


def multipart(*parts: tuple[str, bytes]) -> MailReading:
    """A multipart/mixed mail from Zoé with these (headers, body) parts."""
    raw = ZOE.encode() + b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
    for headers, body in parts:
        raw += b"--b\r\n" + headers.encode() + b"\r\n" + body + b"\r\n"
    message = email.message_from_bytes(raw + b"--b--\r\n", policy=email.policy.default)
    return read_mail(message, "Europe/Paris")


def test_a_reply_after_a_calendar_that_is_none_is_read() -> None:
    request = calendar(event("UID:u0", "DTSTAMP:20261126T093012Z"), method="REQUEST")
    found = multipart(
        ("Content-Type: text/calendar; method=REQUEST\r\n", request.encode()),
        ("Content-Type: text/calendar; method=REPLY\r\n", calendar(ACCEPTED).encode()),
    )
    assert [(reply.uid, reply.partstat) for reply in found.replies] == [("u1", "ACCEPTED")]


def test_the_first_parts_problem_is_told_when_no_part_holds_a_reply() -> None:
    found = multipart(
        ("Content-Type: text/calendar\r\n", calendar(ACCEPTED, method="REFRESH").encode()),
        ("Content-Type: text/calendar\r\n", calendar(ACCEPTED, method="REQUEST").encode()),
    )
    assert (found.replies, found.problem) == ((), "METHOD:REFRESH is not a reply")


@pytest.mark.parametrize("name", ["Invitation.ICS", "reponse.ics"])
def test_an_ics_attachment_of_any_type_is_read(name: str) -> None:
    found = multipart(
        ("Content-Type: text/plain\r\n", b"Voir la piece jointe."),
        (
            "Content-Type: application/octet-stream\r\n"
            f'Content-Disposition: attachment; filename="{name}"\r\n',
            calendar(ACCEPTED).encode(),
        ),
    )
    assert [reply.partstat for reply in found.replies] == ["ACCEPTED"]


def test_a_file_name_that_cannot_be_decoded_is_no_file_name() -> None:
    undecodable = "Content-Disposition: attachment; filename*=idna''r%C3%A9ponse.ics\r\n"
    found = multipart(
        ("Content-Type: application/octet-stream\r\n" + undecodable, calendar(ACCEPTED).encode()),
        (
            "Content-Type: text/calendar; method=REPLY\r\n" + undecodable,
            calendar(ACCEPTED).encode(),
        ),
    )
    assert [reply.partstat for reply in found.replies] == ["ACCEPTED"]
    alone = multipart(
        ("Content-Type: application/octet-stream\r\n" + undecodable, calendar(ACCEPTED).encode())
    )
    assert (alone.replies, alone.problem) == ((), "no calendar part")


def test_an_attachment_of_another_name_is_not_a_calendar() -> None:
    found = multipart(
        (
            "Content-Type: application/octet-stream\r\n"
            'Content-Disposition: attachment; filename="reponse.ics.txt"\r\n',
            calendar(ACCEPTED).encode(),
        ),
    )
    assert (found.replies, found.problem) == ((), "no calendar part")


# --- charsets --------------------------------------------------------------------------------


def comment_in(charset: str, comment: bytes) -> str | None:
    body = calendar(
        event(
            "UID:u1",
            "DTSTAMP:20261126T093012Z",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:zoe.dupont@ville-a.example",
            "COMMENT:%",
        )
    ).encode()
    found = read(body.replace(b"%", comment), content_type=f"text/calendar; charset={charset}")
    [reply] = found.replies
    return reply.comment


def test_a_calendar_in_a_western_charset_keeps_its_accents() -> None:
    assert comment_in("windows-1252", "Empêchée, désolée".encode("cp1252")) == "Empêchée, désolée"


def test_bytes_a_declared_charset_cannot_read_are_replaced_not_guessed() -> None:
    assert comment_in("us-ascii", "Désolée".encode()) == "D\ufffd\ufffdsol\ufffd\ufffde"


def test_an_unknown_charset_is_read_as_utf8_its_stray_bytes_replaced() -> None:
    assert comment_in("x-inconnu", "Désolée".encode() + b"\xff") == "Désolée\ufffd"
