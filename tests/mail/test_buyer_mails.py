"""What a buyer reads, composed from the store as the outbox sends it: the real delay of a late
reminder, the RSVP link of an update, a renewal notice that knows the renewal meeting, links on
their own line, names with their article, « 1er », French words only, the date first in the
subject (issue 9, items 11 to 19)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from scheduler.clock import fixed_clock
from scheduler.config import OrganisationSettings
from scheduler.core.french import FrenchName
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.messages import MessageKind
from scheduler.core.policy import MessageIntent, message_key
from scheduler.mail.retry import RetryPolicy
from scheduler.mail.templates import MailTemplates
from scheduler.mail.transport import MemoryTransport
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.enqueue import enqueue_messages
from scheduler.service.deliver.outbox import dispatch
from scheduler.service.publish.event_views import Audience, event_view, meeting_of
from scheduler.store.db import session_scope
from scheduler.store.models import Contact, Convention, Invitation, Message, Occurrence, Ritual
from tests.mail.conftest import FACILITATOR, Store, mail_context
from tests.mail.outbox_world import CONTACT, MEETING, NOW, World, make_world

PARIS = ZoneInfo("Europe/Paris")
BUYER = "Département de la Haute-Lisière"
PLACE = "Dans les locaux de l'acheteur"
URL = re.compile(r"https?://\S+")


@pytest.fixture
def world(store: Store) -> World:
    extra = f'\n[rituals.programming_review]\nlocation = "{PLACE}"\n'
    world = make_world(*store(extra))
    with session_scope(world.engine) as session:
        contact = session.get(Contact, world.contact_id)
        assert contact is not None
        organisation = contact.organisation_id
        from scheduler.store.models import Organisation

        buyer = session.get(Organisation, organisation)
        assert buyer is not None
        buyer.name = BUYER
        session.add(buyer)
    return world


@dataclass(frozen=True)
class Mail:
    """One sent mail: its subject, its two bodies and its List-Unsubscribe header."""

    subject: str
    text: str
    html: str
    list_unsubscribe: str | None = None


async def send(world: World, intent: MessageIntent, at: datetime) -> Mail:
    """`intent` enqueued and sent at `at`, as the buyer's contact receives it."""
    world.enqueue(intent, now=at)
    transport = MemoryTransport()
    await dispatch(
        world.engine,
        transport,
        StoreComposer(world.settings),
        fixed_clock(at),
        retry=RetryPolicy(max_attempts=2, first_delay=timedelta(minutes=2)),
        rng=random.Random(4),
    )
    [(sent, _, _)] = transport.sent
    message = message_from_bytes(sent.as_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None
    assert html is not None
    return Mail(
        message["Subject"],
        text.get_content().replace("\r\n", "\n"),
        html.get_content().replace("\r\n", "\n"),
        message["List-Unsubscribe"],
    )


def reminder(world: World, offset: int, due: datetime) -> MessageIntent:
    return world.intent(MessageKind.REMINDER, offset_days=offset, due_at=due)


# --- 11. a late reminder says the real delay ----------------------------------------------------


async def test_a_reminder_sent_late_states_the_real_date_and_delay(world: World) -> None:
    three_days_before = datetime(2027, 9, 11, 9, 0, tzinfo=PARIS)
    mail = await send(world, reminder(world, 7, three_days_before), three_days_before)
    assert "dans 7 jours" not in mail.text + mail.subject + mail.html
    assert "a lieu dans 3 jours, le mardi 14 septembre 2027 à 10 h 00." in mail.text
    assert "dans 3 jours, le mardi 14 septembre 2027 à 10 h 00" in mail.html
    assert mail.subject.startswith("Rappel : rencontre du 14 septembre 2027 (dans 3 jours) — ")


async def test_a_reminder_the_day_before_says_tomorrow_with_the_date(world: World) -> None:
    eve = datetime(2027, 9, 13, 9, 0, tzinfo=PARIS)
    mail = await send(world, reminder(world, 1, eve), eve)
    assert "a lieu demain, mardi 14 septembre 2027 à 10 h 00." in mail.text


async def test_an_english_reminder_sent_late_says_the_real_delay(world: World) -> None:
    with session_scope(world.engine) as session:
        contact = session.get(Contact, world.contact_id)
        assert contact is not None
        contact.locale = "en"
        session.add(contact)
    late = datetime(2027, 9, 12, 9, 0, tzinfo=PARIS)
    intent = replace(reminder(world, 7, late), locale="en")
    mail = await send(world, intent, late)
    assert "in 7 days" not in mail.text
    assert "takes place in 2 days, on Tuesday 14 September 2027 at 10:00." in mail.text


# --- 12. an update carries the RSVP link --------------------------------------------------------


async def test_an_update_carries_the_rsvp_link_on_its_own_line(world: World) -> None:
    world.change_occurrence(sequence=1, status=OccurrenceStatus.MOVED)
    mail = await send(world, world.intent(MessageKind.UPDATE, sequence=1), NOW)
    base = world.settings.feeds.base_url
    assert "Merci de nous confirmer votre présence à cette nouvelle date" in mail.text
    assert re.search(rf"^{re.escape(base)}/rsvp/[A-Za-z0-9_.-]+$", mail.text, re.M)
    assert f'href="{base}/rsvp/' in mail.html


# --- 13. the renewal notice knows the renewal meeting, and goes to the buyer only ---------------


def renewal_world(world: World, *, announced: bool) -> int:
    """The buyer's convention ending on 31 December 2027 and its renewal meeting on 12 October;
    the contact invited to it when `announced`. Returns the convention's id."""
    with session_scope(world.engine) as session:
        convention = session.exec(select(Convention)).one()
        convention.end_date = date(2027, 12, 31)
        session.add(convention)
        ritual = Ritual(
            key="convention_renewal:buyer",
            kind=RitualKind.CONVENTION_RENEWAL.value,
            organisation_id=convention.organisation_id,
        )
        session.add(ritual)
        session.flush()
        assert ritual.id is not None
        start = datetime(2027, 10, 12, 14, 30, tzinfo=PARIS)
        meeting = Occurrence(
            ritual_id=ritual.id,
            key="convention_renewal:buyer:2027",
            uid="renewal-test@guichet.example",
            kind=RitualKind.CONVENTION_RENEWAL.value,
            organisation_id=convention.organisation_id,
            facilitator_id="camille",
            start=start,
            end=start + timedelta(hours=2),
            status=OccurrenceStatus.ANNOUNCED if announced else OccurrenceStatus.PLANNED,
            changed_at=NOW - timedelta(days=1),
        )
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        if announced:
            session.add(Invitation(occurrence_id=meeting.id, contact_id=world.contact_id))
        assert convention.id is not None
        return convention.id


def notice(world: World, convention_id: int, due: datetime) -> MessageIntent:
    return MessageIntent(
        kind=MessageKind.RENEWAL_NOTICE,
        key=message_key(MessageKind.RENEWAL_NOTICE, f"conv:{convention_id}", CONTACT, "120d"),
        recipient=CONTACT,
        recipient_name="Élise Martin",
        due_at=due,
        convention_id=convention_id,
        contact_id=world.contact_id,
        offset_days=120,
    )


async def test_the_renewal_notice_says_the_renewal_meeting_is_planned(world: World) -> None:
    convention = renewal_world(world, announced=True)
    at = datetime(2027, 9, 2, 9, 0, tzinfo=PARIS)
    mail = await send(world, notice(world, convention, at), at)
    assert "reste à votre disposition pour fixer un rendez-vous" not in mail.text
    assert (
        "Une rencontre consacrée à ce renouvellement est prévue le mardi 12 octobre 2027 à "
        "14 h 30 ; l'invitation vous est adressée par un message séparé." in mail.text
    )
    assert "mardi 12 octobre 2027 à 14 h 30" in mail.html


async def test_a_renewal_meeting_not_yet_announced_is_said_to_come(world: World) -> None:
    convention = renewal_world(world, announced=False)
    at = datetime(2027, 9, 2, 9, 0, tzinfo=PARIS)
    mail = await send(world, notice(world, convention, at), at)
    assert "vous en recevrez l'invitation par un message séparé" in mail.text


async def test_without_a_renewal_meeting_the_facilitator_is_offered(world: World) -> None:
    with session_scope(world.engine) as session:
        convention = session.exec(select(Convention)).one()
        convention.end_date = date(2027, 12, 31)
        session.add(convention)
        assert convention.id is not None
        convention_id = convention.id
    at = datetime(2027, 9, 2, 9, 0, tzinfo=PARIS)
    mail = await send(world, notice(world, convention_id, at), at)
    assert "reste à votre disposition pour fixer un rendez-vous" in mail.text


def test_no_renewal_notice_goes_to_the_guichets_own_people(world: World) -> None:
    with session_scope(world.engine) as session:
        convention = session.exec(select(Convention)).one()
        convention.end_date = date(2027, 12, 31)
        session.add(convention)
        # the facilitator is also listed among the buyer's contacts, by mistake
        session.add(
            Contact(
                organisation_id=convention.organisation_id,
                name="Camille Roussel",
                email="camille@guichet.example",
            )
        )
    at = datetime(2027, 9, 2, 9, 5, tzinfo=PARIS)
    with session_scope(world.engine) as session:
        enqueue_messages(session, world.settings, at)
    with session_scope(world.engine) as session:
        notices = session.exec(
            select(Message).where(Message.kind == MessageKind.RENEWAL_NOTICE)
        ).all()
    assert {n.recipient for n in notices} == {CONTACT}


async def test_a_notice_queued_for_the_facilitator_is_not_sent(world: World) -> None:
    convention = renewal_world(world, announced=False)
    at = datetime(2027, 9, 2, 9, 0, tzinfo=PARIS)
    staff = "camille@guichet.example"
    queued = replace(
        notice(world, convention, at),
        key=message_key(MessageKind.RENEWAL_NOTICE, f"conv:{convention}", staff, "120d"),
        recipient=staff,
        contact_id=None,
        facilitator_id="camille",
    )
    world.enqueue(queued, now=at)
    transport = MemoryTransport()
    await dispatch(
        world.engine,
        transport,
        StoreComposer(world.settings),
        fixed_clock(at),
        retry=RetryPolicy(max_attempts=2, first_delay=timedelta(minutes=2)),
        rng=random.Random(4),
    )
    assert transport.sent == []
    [row] = world.messages()
    assert (row.state, row.last_error) == (
        "cancelled",
        "renewal notices go to the buyer's contacts",
    )


# --- 14. the meetings of the buyer's own convention are not unsubscribable ----------------------


async def test_a_mail_about_the_buyers_own_meeting_offers_no_unsubscribe(world: World) -> None:
    with session_scope(world.engine) as session:
        contact = session.get(Contact, world.contact_id)
        assert contact is not None
        contact.unsubscribed_kinds = "invite"  # stopped from a territory meeting's mail
        session.add(contact)
    mail = await send(world, world.intent(), NOW)
    assert mail.list_unsubscribe is None
    assert "Ne plus recevoir" not in mail.text
    assert "Ce rendez-vous fait partie de votre convention de partenariat" in mail.text


# --- 15. links on their own line -----------------------------------------------------------------


@pytest.mark.parametrize("kind", [MessageKind.INVITE, MessageKind.REMINDER])
async def test_every_link_of_the_text_part_stands_on_its_own_line(
    world: World, kind: MessageKind
) -> None:
    intent = world.intent(kind, offset_days=7 if kind is MessageKind.REMINDER else None)
    mail = await send(world, intent, NOW)
    links = [line for line in mail.text.splitlines() if URL.search(line)]
    assert any("/rsvp/" in line for line in links)
    assert all(URL.fullmatch(line) for line in links), links


# --- 16. names with their article, said once ------------------------------------------------------


async def test_an_invitation_names_the_guichet_and_speaks_to_the_buyer(world: World) -> None:
    mail = await send(world, world.intent(), NOW)
    assert (
        "Le Guichet de test a le plaisir de vous inviter à la rencontre « Rendez-vous annuel "
        "sur la programmation des achats » avec vos services." in mail.text
    )
    first_paragraph = mail.text.split("\n\n")[1]
    assert BUYER not in first_paragraph
    assert "Lieu : Dans vos locaux" in mail.text


async def test_the_renewal_notice_says_between_the_guichet_and_the_departement(
    world: World,
) -> None:
    convention = renewal_world(world, announced=True)
    at = datetime(2027, 9, 2, 9, 0, tzinfo=PARIS)
    mail = await send(world, notice(world, convention, at), at)
    assert (
        f"La convention de partenariat entre le Guichet de test et le {BUYER}, entrée en "
        "vigueur le jeudi 1er janvier 2026, prend fin le vendredi 31 décembre 2027, "
        "dans 120 jours." in mail.text
    )


async def test_the_directorys_article_is_used(world: World) -> None:
    from scheduler.store.models import Organisation

    with session_scope(world.engine) as session:
        buyer = session.get(Organisation, world.buyer_id)
        assert buyer is not None
        buyer.name = "CRESS Haute-Lisière"
        buyer.article = "la"
        session.add(buyer)
    convention = renewal_world(world, announced=False)
    at = datetime(2027, 9, 2, 9, 0, tzinfo=PARIS)
    mail = await send(world, notice(world, convention, at), at)
    assert "entre le Guichet de test et la CRESS Haute-Lisière" in mail.text


# --- 17. « 1er » --------------------------------------------------------------------------------


async def test_the_first_of_the_month_is_written_1er_in_mails_and_feeds(world: World) -> None:
    first = datetime(2027, 10, 1, 8, 0, tzinfo=UTC)  # vendredi 1er octobre, 10 h 00 à Paris
    world.change_occurrence(start=first, end=first + timedelta(hours=2))
    mail = await send(world, world.intent(), NOW)
    assert "vendredi 1er octobre 2027 à 10 h 00" in mail.text
    assert "vendredi 1er octobre 2027 à 10 h 00" in mail.html
    assert mail.subject.startswith("Invitation : rencontre du 1er octobre 2027 — ")
    with session_scope(world.engine) as session:
        occurrence = session.get(Occurrence, world.occurrence_id)
        assert occurrence is not None
        view = event_view(
            world.settings, meeting_of(occurrence, BUYER), locale="fr", audience=Audience.PRIVATE
        )
    assert view.description.startswith("Le vendredi 1er octobre 2027, de 10 h 00 à 12 h 00.")


# --- 19. the date before the long names ---------------------------------------------------------


async def test_subjects_put_the_date_before_the_long_names(world: World) -> None:
    mail = await send(world, world.intent(), NOW)
    assert mail.subject == (
        "Invitation : rencontre du 14 septembre 2027 — Rendez-vous annuel sur la programmation "
        f"des achats — {BUYER}"
    )
    assert MEETING.astimezone(PARIS).day == 14


# --- the templates themselves, for every kind ----------------------------------------------------

TEMPLATES = MailTemplates(timezone="Europe/Paris")


@pytest.mark.parametrize(
    ("kind", "start"),
    [
        ("invite", "Invitation : rencontre du 14 septembre 2027 — "),
        ("reminder", "Rappel : rencontre du 14 septembre 2027 (dans 7 jours) — "),
        ("update", "Changement : rencontre désormais le 14 septembre 2027 — "),
        ("cancel", "Annulation : rencontre du 14 septembre 2027 — "),
        ("renewal_notice", "Convention de partenariat : fin le 31 décembre 2027 — "),
    ],
)
def test_every_french_subject_starts_with_its_date(kind: str, start: str) -> None:
    assert TEMPLATES.render(kind, "fr", mail_context(kind)).subject.startswith(start)


@pytest.mark.parametrize("kind", ["invite", "reminder", "update", "cancel"])
def test_a_meeting_with_a_buyer_is_said_with_its_article(kind: str) -> None:
    context = mail_context(kind)
    context["meeting"] = replace(
        context["meeting"], buyer=FrenchName(BUYER), ritual="Rendez-vous annuel", theme=None
    )
    rendered = TEMPLATES.render(kind, "fr", context)
    assert f"« Rendez-vous annuel » avec le {BUYER}" in rendered.text
    assert f"avec le {BUYER}" in rendered.html
    said_to_the_buyer = replace(context["meeting"], yours=True)
    rendered = TEMPLATES.render(kind, "fr", {**context, "meeting": said_to_the_buyer})
    assert "« Rendez-vous annuel » avec vos services" in rendered.text
    assert BUYER not in rendered.text.split("\n\n")[1]


def test_the_configured_article_and_short_name_are_used() -> None:
    organisation = OrganisationSettings(
        name="Agence d'insertion de Lisière", article="l'", short_name="Agence d'insertion"
    )
    context = {
        **mail_context("invite"),
        "guichet": organisation.french_name,
        "guichet_short": organisation.french_short_name,
    }
    rendered = TEMPLATES.render("invite", "fr", context)
    assert "L'Agence d'insertion de Lisière a le plaisir de vous inviter" in rendered.text
    assert rendered.text.split("Bien cordialement,\n")[1].startswith(
        f"{FACILITATOR.name}\nAgence d'insertion\n"
    )
    test = TEMPLATES.render("test", "fr", context)
    assert test.subject == "Message d'essai de l'Agence d'insertion"
