"""The dispatch's shortcuts write exactly what the slow paths would: the wire bytes of a built
message are the `email` generator's, a message put together part by part is the one the
`email.mime` classes build, and an iTIP object spliced from its cached frame is the whole
rendering's."""

from __future__ import annotations

import binascii
from dataclasses import replace
from email import encoders, message_from_bytes, policy
from email.message import EmailMessage, Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText

import pytest

from scheduler.calendar import render
from scheduler.calendar.views import Attendee, EventView, Role
from scheduler.core.kinds import OccurrenceStatus, PartStat
from scheduler.core.messages import MessageKind
from scheduler.mail import mime
from scheduler.mail.mime import WIRE, CalendarPart, build_message, wire_bytes
from tests.mail.conftest import event_view, itip, mail_context
from tests.mail.test_mail_messages import TEMPLATES, envelope

ATTENDEES = [
    (Attendee("Acheteur n°1 Écoute " * 5, "buyer1@ville-lisiere.example"),),
    (Attendee("A", "a@b.example"),),
    *[(Attendee("x" * size, f"{'y' * size}@ville-lisiere.example"),) for size in range(0, 160, 7)],
    *[
        (Attendee("é" * size + "x€𝄞" * size, "z@ville-lisiere.example"),)
        for size in range(1, 60, 3)
    ],
    (Attendee("Back\\slash ^caret, ; : name " * 4, "buyer2@ville-lisiere.example"),),
    (
        Attendee('Zoé "la" \r\nBcc: x', "zoe@ville-lisiere.example", PartStat.ACCEPTED, Role.CHAIR),
        Attendee("", "e@ville-lisiere.example", role=Role.OPTIONAL),
    ),
]


@pytest.mark.parametrize("kind", list(MessageKind))
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_wire_bytes_are_the_generators(kind: MessageKind, locale: str) -> None:
    rendered = TEMPLATES.render(kind.value, locale, mail_context(kind.value))
    method = kind.itip_method
    calendar = CalendarPart(method, itip(method)) if method else None
    message = build_message(envelope(), rendered.subject, rendered.text, rendered.html, calendar)
    assert wire_bytes(message) == message.as_bytes(policy=WIRE)


def built_by_email_mime(
    envelope: mime.Envelope, subject: str, text: str, html: str, calendar: CalendarPart | None
) -> Message:
    """The message as the `email.mime` classes build it (how build_message was written)."""

    def text_part(body: str, subtype: str) -> Message:
        part = MIMENonMultipart("text", subtype, charset="utf-8")
        part["Content-Transfer-Encoding"] = "quoted-printable"
        part.set_payload(binascii.b2a_qp(body.encode("utf-8"), istext=True).decode("ascii"))
        del part["MIME-Version"]
        return part

    alternative = MIMEMultipart("alternative", boundary=mime._boundary())
    alternative.attach(text_part(text, "plain"))
    alternative.attach(text_part(html, "html"))
    message: Message = alternative
    if calendar is not None:
        part = MIMEBase("text", "calendar", charset="UTF-8")
        part.set_param("method", calendar.method, requote=False)
        part.set_payload(calendar.ics)
        encoders.encode_base64(part)
        del part["MIME-Version"]
        alternative.attach(part)
        del alternative["MIME-Version"]
        message = MIMEMultipart("mixed", boundary=mime._boundary())
        message.attach(alternative)
        attachment = MIMEApplication(calendar.ics, "ics", name=mime.ATTACHMENT_NAME)
        attachment.add_header("Content-Disposition", "attachment", filename=mime.ATTACHMENT_NAME)
        del attachment["MIME-Version"]
        message.attach(attachment)
    mime._set_headers(message, envelope, subject)
    return message


@pytest.mark.parametrize("kind", list(MessageKind))
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_parts_are_those_email_mime_builds(
    kind: MessageKind, locale: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = TEMPLATES.render(kind.value, locale, mail_context(kind.value))
    method = kind.itip_method
    calendar = CalendarPart(method, itip(method)) if method else None
    written = []
    same = envelope()
    for build in (build_message, built_by_email_mime):
        boundaries = iter(f"=_rituel_{n:016x}" for n in range(10))
        monkeypatch.setattr(mime, "_boundary", lambda b=boundaries: next(b))
        message = build(same, rendered.subject, rendered.text, rendered.html, calendar)
        written.append((message.as_bytes(policy=WIRE), wire_bytes(message)))
    assert written[0] == written[1]


def test_unusual_messages_go_through_the_generator() -> None:
    with_preamble = MIMEMultipart()
    with_preamble.preamble = "before"
    with_preamble.attach(MIMEText("x\ny\r\n"))
    for message in (with_preamble, MIMEText("héllo", "plain", "utf-8"), MIMEMultipart()):
        assert wire_bytes(message) == message.as_bytes(policy=WIRE)


def whole(method: render.Method, event: EventView) -> bytes:
    """The iTIP object rendered in one piece, as before frames were cached."""
    calendar = render._calendar()
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.value)
    use = render._Use.CANCEL if method is render.Method.CANCEL else render._Use.REQUEST
    return b"".join(
        (
            render._open(calendar),
            *render._timezone_blocks([event]),
            render._vevent(event, use).to_ical(),
            render.END_CALENDAR,
        )
    )


@pytest.mark.parametrize("attendees", ATTENDEES)
@pytest.mark.parametrize("status", list(OccurrenceStatus))
@pytest.mark.parametrize("timezone", ["Europe/Paris", "UTC"])
def test_spliced_itip_is_the_whole_rendering(
    attendees: tuple[Attendee, ...], status: OccurrenceStatus, timezone: str
) -> None:
    view = replace(event_view(status=status), attendees=attendees, timezone=timezone)
    for alarm in (None, 30):
        event = replace(view, alarm_minutes=alarm)
        render._itip_frame.cache_clear()
        assert render.render_request(event) == whole(render.Method.REQUEST, event)
        assert render.render_cancel(event) == whole(render.Method.CANCEL, event)
        # The same meeting for other attendees is spliced from the frames cached above.
        others = replace(event, attendees=(*ATTENDEES[1], *attendees))
        hits = render._itip_frame.cache_info().hits
        assert render.render_request(others) == whole(render.Method.REQUEST, others)
        assert render.render_cancel(others) == whole(render.Method.CANCEL, others)
        assert render._itip_frame.cache_info().hits == hits + 2


@pytest.mark.parametrize(
    "text",
    ["", "x", "trailing space \nand tab\t\n.\n..\nFrom here\n", "é" * 200 + "\n= =3D\n", "a" * 300],
)
def test_text_parts_read_back_exactly(text: str) -> None:
    """Quoted-printable bodies (binascii's encoder) decode to the text rendered."""
    message = build_message(envelope(), "Sujet", text, f"<p>{text}</p>")
    parsed = message_from_bytes(wire_bytes(message), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    plain, html = (part for part in parsed.walk() if part.get_content_maintype() == "text")
    assert plain["Content-Transfer-Encoding"] == "quoted-printable"
    assert plain.get_content().replace("\r\n", "\n") == text
    assert html.get_content().replace("\r\n", "\n") == f"<p>{text}</p>"
    assert all(len(line) <= 78 for line in wire_bytes(message).split(b"\r\n"))
    assert wire_bytes(message).isascii()
