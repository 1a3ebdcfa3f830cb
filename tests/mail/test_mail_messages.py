"""Every mail kind, in French and English, sent through a real SMTP server and parsed back:
the MIME shape clients expect, the iTIP method, the unsubscribe link, safe headers."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from scheduler.core.kinds import OccurrenceStatus
from scheduler.core.messages import MessageKind
from scheduler.errors import DeliveryError
from scheduler.mail.mime import (
    CalendarPart,
    Envelope,
    Mailbox,
    build_message,
    encoded_words,
    header_text,
    wire_bytes,
)
from scheduler.mail.templates import MailTemplates, TemplateError
from scheduler.mail.transport import SmtpTransport
from tests.conftest import IcsCheck
from tests.mail.conftest import (
    FACILITATOR,
    GUICHET,
    INVITEE,
    SENDER,
    SmtpServer,
    event_view,
    itip,
    mail_context,
)

TEMPLATES = MailTemplates(timezone="Europe/Paris")
ALL_KINDS = [(kind, locale) for kind in MessageKind for locale in ("fr", "en")]


def envelope(recipient_name: str = "Élise Martin", **overrides: object) -> Envelope:
    values: dict[str, object] = {
        "sender": Mailbox(GUICHET, SENDER),
        "recipient": Mailbox(recipient_name, INVITEE),
        "message_id": make_msgid(domain="guichet-lisiere.example"),
        "date": event_view().dtstamp,
        "reply_to": Mailbox(FACILITATOR.name, FACILITATOR.email),
        "unsubscribe_url": "https://rituel.example/unsubscribe/tok",
        **overrides,
    }
    return Envelope(**values)  # type: ignore[arg-type]


def compose(kind: MessageKind, locale: str, ritual_kind: str | None = None) -> EmailMessage:
    context = mail_context(kind.value)
    rendered = TEMPLATES.render(kind.value, locale, context, ritual_kind=ritual_kind)
    calendar = None
    if kind.itip_method is not None:
        view = event_view(
            sequence=1 if kind is not MessageKind.INVITE else 0,
            status=OccurrenceStatus.CANCELLED
            if kind is MessageKind.CANCEL
            else OccurrenceStatus.ANNOUNCED,
        )
        calendar = CalendarPart(kind.itip_method, itip(kind.itip_method, view))
    return build_message(
        envelope(unsubscribe_url=context["unsubscribe_url"], locale=locale),
        rendered.subject,
        rendered.text,
        rendered.html,
        calendar,
    )


def parse(data: bytes) -> EmailMessage:
    message = message_from_bytes(data, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def shape(message: EmailMessage) -> list[str]:
    """The MIME tree as content types, depth-first."""
    return [part.get_content_type() for part in message.walk()]


@pytest.mark.parametrize(("kind", "locale"), ALL_KINDS)
async def test_every_kind_arrives_with_the_shape_clients_expect(
    smtp_server: SmtpServer, kind: MessageKind, locale: str
) -> None:
    sent = compose(kind, locale)
    transport = SmtpTransport(
        smtp_server.settings(),
        environ=smtp_server.environ,
        tls_context=smtp_server.tls.client_context(),
    )
    async with transport:
        await transport.send(sent, SENDER, [INVITEE])

    received = smtp_server.sink.received[0].parsed()
    assert received["Message-ID"] == sent["Message-ID"]
    assert received["Reply-To"].addresses[0].addr_spec == FACILITATOR.email
    assert received["Content-Language"] == locale
    unsubscribe = mail_context(kind.value)["unsubscribe_url"]
    assert received["List-Unsubscribe"].strip() == f"<{unsubscribe}>"
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = received.get_body(("plain",)), received.get_body(("html",))
    assert text is not None
    assert html is not None
    assert unsubscribe in text.get_content()
    assert f'href="{unsubscribe}"' in html.get_content()
    if kind.carries_invitation:
        assert shape(received) == [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "text/calendar",
            "application/ics",
        ]
    else:
        assert shape(received) == ["multipart/alternative", "text/plain", "text/html"]


@pytest.mark.parametrize("kind", [MessageKind.INVITE, MessageKind.UPDATE, MessageKind.CANCEL])
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_the_calendar_part_is_inline_and_its_method_matches_the_ics(
    kind: MessageKind, locale: str
) -> None:
    message = parse(compose(kind, locale).as_bytes())
    calendar = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    attachment = next(p for p in message.walk() if p.get_content_type() == "application/ics")

    method = calendar.get_param("method")
    ics = calendar.get_payload(decode=True)
    assert isinstance(ics, bytes)
    assert method == kind.itip_method
    assert f"\r\nMETHOD:{method}\r\n".encode() in ics
    assert calendar.get_content_charset() == "utf-8"
    assert calendar["Content-Disposition"] is None
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == ics


def test_the_calendar_parts_pass_ics_check(tmp_path: Path, ics_check: IcsCheck) -> None:
    files = []
    for kind in (MessageKind.INVITE, MessageKind.UPDATE, MessageKind.CANCEL):
        message = parse(compose(kind, "fr").as_bytes())
        calendar = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        payload = calendar.get_payload(decode=True)
        assert isinstance(payload, bytes)
        path = tmp_path / f"{kind.value}.ics"
        path.write_bytes(payload)
        files.append(path)
    ics_check(*files)


def test_french_dates_are_written_the_french_way() -> None:
    message = parse(compose(MessageKind.INVITE, "fr").as_bytes())
    text = message.get_body(("plain",))
    assert text is not None
    assert message["Subject"].startswith("Invitation : rencontre du 14 septembre 2027 — ")
    assert "mardi 14 septembre 2027 à 10 h 00 (jusqu'à 12 h 00)" in text.get_content()


def test_english_dates_are_written_the_english_way() -> None:
    message = parse(compose(MessageKind.REMINDER, "en").as_bytes())
    assert message["Subject"].startswith("Reminder: meeting on 14 September 2027 (in 7 days) — ")


def test_a_ritual_kind_overrides_its_templates() -> None:
    plain = TEMPLATES.render("invite", "fr", mail_context("invite"))
    after_work = TEMPLATES.render("invite", "fr", mail_context("invite"), ritual_kind="after_work")
    other = TEMPLATES.render("invite", "fr", mail_context("invite"), ritual_kind="buyer_club")
    assert "Un moment convivial" in after_work.text
    assert "Un moment convivial" in after_work.html
    assert "Un moment convivial" not in plain.text
    assert other == plain
    assert after_work.subject == plain.subject


def test_html_is_autoescaped_and_text_is_not() -> None:
    context = mail_context("invite", theme="<script>alert(1)</script> & co")
    rendered = TEMPLATES.render("invite", "en", context)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in rendered.html
    assert "<script>alert(1)</script> & co" in rendered.text


def test_a_missing_value_is_an_error_not_an_empty_string() -> None:
    context = mail_context("reminder")
    del context["days_left"]
    with pytest.raises(TemplateError, match="days_left"):
        TEMPLATES.render("reminder", "fr", context)


def test_an_unknown_locale_falls_back_to_french() -> None:
    rendered = TEMPLATES.render("reminder", "de", mail_context("reminder"))
    assert rendered.subject.startswith("Rappel")


def test_subjects_are_one_line() -> None:
    for kind, locale in ALL_KINDS:
        subject = TEMPLATES.render(kind.value, locale, mail_context(kind.value)).subject
        assert "\n" not in subject
        assert subject == subject.strip()


@pytest.mark.parametrize(
    "name",
    [
        "Eve\r\nBcc: victim@example.org",
        "Eve\nSubject: pwned",
        "Eve\r\n\r\n<html>body injection",
    ],
)
def test_a_name_cannot_inject_headers(name: str) -> None:
    message = build_message(envelope(name), "Essai", "Bonjour", "<p>Bonjour</p>")
    received = parse(message.as_bytes())
    assert received["Bcc"] is None
    assert received["Subject"] == "Essai"
    [address] = received["To"].addresses
    assert address.addr_spec == INVITEE
    assert "\n" not in address.display_name
    assert address.display_name.startswith("Eve ")


def test_a_subject_cannot_inject_headers() -> None:
    message = build_message(envelope(), "Essai\r\nBcc: victim@example.org", "x", "<p>x</p>")
    received = parse(message.as_bytes())
    assert received["Bcc"] is None
    assert received["Subject"] == "Essai Bcc: victim@example.org"


def test_non_ascii_names_are_encoded_and_read_back() -> None:
    message = build_message(envelope("Hélène Œuvray-Müller"), "Réunion", "x", "<p>x</p>")
    raw = message.as_bytes()
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    assert header_block.isascii()
    assert parse(raw)["To"].addresses[0].display_name == "Hélène Œuvray-Müller"
    assert parse(raw)["Subject"] == "Réunion"


@pytest.mark.parametrize(
    "address", ["eve@example.org\r\nBcc: victim@example.org", "not an address", "a@b"]
)
def test_a_bad_address_is_a_permanent_delivery_error(address: str) -> None:
    bad = envelope(recipient=Mailbox("Eve", address))
    with pytest.raises(DeliveryError) as caught:
        build_message(bad, "Essai", "x", "<p>x</p>")
    assert caught.value.temporary is False


def test_the_message_id_is_the_one_given() -> None:
    message = build_message(
        envelope(message_id="<outbox.42@guichet-lisiere.example>"), "s", "t", "h"
    )
    assert message["Message-ID"] == "<outbox.42@guichet-lisiere.example>"


@pytest.mark.parametrize(("kind", "locale"), ALL_KINDS)
def test_header_lines_are_folded_within_78_characters(kind: MessageKind, locale: str) -> None:
    head = wire_bytes(compose(kind, locale)).split(b"\r\n\r\n", 1)[0]
    assert head.isascii()
    assert max(len(line) for line in head.split(b"\r\n")) <= 78


def test_the_method_parameter_is_written_as_gmail_writes_it() -> None:
    raw = compose(MessageKind.CANCEL, "en").as_bytes()
    assert b'Content-Type: text/calendar; charset="UTF-8"; method=CANCEL' in raw


@pytest.mark.parametrize(
    "text",
    [
        "Réunion",
        "Œuvre solidaire " * 12,
        "😀 Émoji et accents à la fin : ç, é, è, à, ù, ï " * 3,
        "x" * 200,
    ],
)
def test_encoded_words_are_short_and_read_back_exactly(text: str) -> None:
    value = encoded_words(text)
    assert all(len(word.strip()) <= 75 for word in value.split("\n"))
    parsed = parse(f"Subject: {value}\n\nx".encode())
    assert parsed["Subject"] == text


def test_a_long_ascii_subject_is_folded_at_spaces_and_read_back() -> None:
    text = " ".join(["Rendez-vous"] * 20)
    first, *more = f"Subject: {header_text('Subject', text)}".split("\n")
    assert len(first) <= 78
    assert all(len(line) <= 78 and line.startswith(" ") for line in more)
    value = header_text("Subject", text)
    assert parse(f"Subject: {value}\n\nx".encode())["Subject"] == text


def test_a_long_non_ascii_name_keeps_its_address() -> None:
    name = "Marie-Hélène de la Fontaine-Œuvray, directrice de la commande publique"
    message = build_message(envelope(name), "Essai", "x", "<p>x</p>")
    [address] = parse(wire_bytes(message))["To"].addresses
    # Python's address parser keeps the folding space between encoded words that RFC 2047
    # readers drop; the words themselves are cut before spaces, so nothing else changes.
    assert " ".join(address.display_name.split()) == name
    assert address.addr_spec == INVITEE
