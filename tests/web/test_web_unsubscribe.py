"""Unsubscribe pages over real HTTP (uvicorn, httpx as the browser or the mail client), on
SQLite and PostgreSQL: GET asks and changes nothing, POST (the page's form or an RFC 8058
one-click POST) stops that kind of message for that contact, once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from scheduler.clock import fixed_clock
from scheduler.core.kinds import RitualKind
from scheduler.core.messages import MessageKind
from scheduler.core.policy import MessageIntent
from scheduler.store.db import session_scope
from scheduler.store.models import Contact, Convention
from scheduler.web import create_app
from tests.service.conftest import Store, store  # noqa: F401 (the fixture)
from tests.web.test_web_rsvp import assert_page_headers
from tests.web_server import serving
from tests.world import CONTACT, MEETING, MeetingWorld, meeting_world
from tests.world import MEETING_NOW as NOW

TITLE = "Club des acheteurs socialement responsables"
FACILITATOR = "camille@guichet.example"


@dataclass
class Site:
    """An outbox with an invitation, a reminder, a renewal notice and a digest, served."""

    world: MeetingWorld
    client: httpx.Client

    def token(self, kind: MessageKind) -> str:
        [row] = [m for m in self.world.messages() if m.kind == kind]
        return row.unsubscribe_token

    def contact(self) -> Contact:
        with session_scope(self.world.engine) as session:
            return session.exec(select(Contact).where(Contact.email == CONTACT)).one()

    def set_locale(self, locale: str) -> None:
        with session_scope(self.world.engine) as session:
            contact = session.exec(select(Contact).where(Contact.email == CONTACT)).one()
            contact.locale = locale
            session.add(contact)


@pytest.fixture
def site(store: Store) -> Iterator[Site]:  # noqa: F811 (the fixture imported above)
    world = meeting_world(*store(""), kind=RitualKind.BUYER_CLUB)
    with session_scope(world.engine) as session:
        convention = session.exec(select(Convention)).one()
        convention_id = convention.id
    world.enqueue(
        world.intent(MessageKind.INVITE),
        world.intent(
            MessageKind.REMINDER, due_at=MEETING - timedelta(days=1), offset_days=1, sequence=0
        ),
        MessageIntent(
            kind=MessageKind.RENEWAL_NOTICE,
            key=f"conv:{convention_id}/renewal_notice/120d/{CONTACT}",
            recipient=CONTACT,
            due_at=NOW,
            convention_id=convention_id,
            contact_id=world.contact_id,
            offset_days=120,
        ),
        MessageIntent(
            kind=MessageKind.DIGEST,
            key=f"fac:camille/digest/2027-W35/{FACILITATOR}",
            recipient=FACILITATOR,
            due_at=NOW,
            facilitator_id="camille",
        ),
    )
    app = create_app(world.settings, world.engine, clock=fixed_clock(NOW))
    with serving(app) as base, httpx.Client(base_url=base) as client:
        yield Site(world, client)


def test_get_names_the_kind_and_the_meeting_in_french_and_changes_nothing(site: Site) -> None:
    page = site.client.get(f"/unsubscribe/{site.token(MessageKind.REMINDER)}")
    assert page.status_code == 200
    assert_page_headers(page)
    html = page.text
    assert '<html lang="fr">' in html
    assert "<h1>Ne plus recevoir les rappels ?</h1>" in html
    assert f"Ce lien vient d&#39;un rappel pour « {TITLE} »" in html
    assert "le mardi 14 septembre 2027 à 10 h 00" in html
    assert "Bonjour Élise Martin" in html
    assert '<form method="post">' in html
    assert '<input type="hidden" name="List-Unsubscribe" value="One-Click">' in html
    assert site.client.head(f"/unsubscribe/{site.token(MessageKind.REMINDER)}").status_code == 200
    contact = site.contact()
    assert (contact.unsubscribed_kinds, contact.unsubscribed) == ("", False)


def test_the_form_post_stops_that_kind_once(site: Site) -> None:
    path = f"/unsubscribe/{site.token(MessageKind.REMINDER)}"
    done = site.client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert_page_headers(done)
    assert "C'est noté, Élise Martin : vous ne recevrez plus les rappels" in done.text
    assert '<form method="post">' not in done.text
    assert site.contact().unsubscribed_kinds == "reminder"

    again = site.client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert "Vous aviez déjà demandé à ne plus recevoir les rappels" in again.text
    assert site.contact().unsubscribed_kinds == "reminder"
    shown = site.client.get(path)
    assert "Vous aviez déjà demandé" in shown.text
    assert '<form method="post">' not in shown.text


@pytest.mark.parametrize("style", ["urlencoded", "multipart", "empty"])
def test_a_one_click_post_from_a_mail_client(site: Site, style: str) -> None:
    path = f"/unsubscribe/{site.token(MessageKind.INVITE)}"
    if style == "urlencoded":
        answer = site.client.post(
            path,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    elif style == "multipart":
        answer = site.client.post(path, files={"List-Unsubscribe": (None, "One-Click")})
    else:
        answer = site.client.post(path)
    assert answer.status_code == 200
    site.client.post(f"/unsubscribe/{site.token(MessageKind.REMINDER)}")
    assert site.contact().unsubscribed_kinds == "invite,reminder"


def test_an_english_contact_gets_english_pages(site: Site) -> None:
    site.set_locale("en")
    path = f"/unsubscribe/{site.token(MessageKind.REMINDER)}"
    page = site.client.get(path)
    assert '<html lang="en">' in page.text
    assert "<h1>Stop receiving reminders?</h1>" in page.text
    title = "Socially responsible buyers&#39; club"
    assert f"This link comes from a reminder for “{title}”" in page.text
    assert "Tuesday 14 September 2027 at 10:00" in page.text
    done = site.client.post(path)
    assert "Done, Élise Martin: you will no longer receive reminders" in done.text


def test_a_renewal_notice_names_the_buyer(site: Site) -> None:
    path = f"/unsubscribe/{site.token(MessageKind.RENEWAL_NOTICE)}"
    page = site.client.get(path)
    assert "<h1>Ne plus recevoir les avis de renouvellement de convention ?</h1>" in page.text
    assert "d&#39;un avis de renouvellement de convention au sujet de la Ville De Lisiere" in (
        page.text
    )
    site.client.post(path)
    assert site.contact().unsubscribed_kinds == "renewal_notice"


def test_a_facilitators_digest_cannot_be_stopped_here(site: Site) -> None:
    path = f"/unsubscribe/{site.token(MessageKind.DIGEST)}"
    page = site.client.get(path)
    assert page.status_code == 200
    assert "Message de l'équipe du guichet" in page.text
    assert '<form method="post">' not in page.text
    refused = site.client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert refused.status_code == 409
    assert "Rien n'a été changé." in refused.text
    assert site.contact().unsubscribed_kinds == ""


@pytest.mark.parametrize("token", ["unknown-token", "x" * 65, "%00", "' OR 1=1 --", "préférence"])
def test_an_unknown_token_is_not_found_and_changes_nothing(site: Site, token: str) -> None:
    for method in ("GET", "POST"):
        answer = site.client.request(method, f"/unsubscribe/{token}")
        assert answer.status_code == 404
        assert_page_headers(answer)
        assert "<h1>Lien introuvable</h1>" in answer.text
    contact = site.contact()
    assert (contact.unsubscribed_kinds, contact.unsubscribed) == ("", False)


def test_a_contact_who_stopped_everything_is_told_so(site: Site) -> None:
    with session_scope(site.world.engine) as session:
        contact = session.exec(select(Contact).where(Contact.email == CONTACT)).one()
        contact.unsubscribed = True
        session.add(contact)
    path = f"/unsubscribe/{site.token(MessageKind.INVITE)}"
    assert "Vous aviez déjà demandé" in site.client.get(path).text
    assert "Vous aviez déjà demandé" in site.client.post(path).text
    assert site.contact().unsubscribed_kinds == ""


def test_a_territory_mail_offers_to_stop_its_ritual_kind_too(site: Site) -> None:
    path = f"/unsubscribe/{site.token(MessageKind.REMINDER)}"
    page = site.client.get(path).text
    assert "quelle que soit la rencontre" not in page
    assert "Les messages sur les rendez-vous de votre convention" in page
    assert '<input type="hidden" name="scope" value="ritual">' in page
    done = site.client.post(path, data={"List-Unsubscribe": "One-Click", "scope": "ritual"})
    assert done.status_code == 200
    assert (
        "vous ne recevrez plus aucun message sur « Club des acheteurs socialement responsables »"
        in done.text
    )
    contact = site.contact()
    assert (contact.unsubscribed_rituals, contact.unsubscribed_kinds) == ("buyer_club", "")
    again = site.client.post(path, data={"scope": "ritual"})
    assert "Vous aviez déjà demandé à ne plus recevoir de messages sur" in again.text
    assert site.contact().unsubscribed_rituals == "buyer_club"


@pytest.fixture
def own_site(store: Store) -> Iterator[Site]:  # noqa: F811 (the fixture imported above)
    """An invitation to the buyer's own programming review, served."""
    world = meeting_world(*store(""))
    world.enqueue(world.intent(MessageKind.INVITE))
    app = create_app(world.settings, world.engine, clock=fixed_clock(NOW))
    with serving(app) as base, httpx.Client(base_url=base) as client:
        yield Site(world, client)


def test_a_meeting_of_the_buyers_own_convention_cannot_be_stopped(own_site: Site) -> None:
    path = f"/unsubscribe/{own_site.token(MessageKind.INVITE)}"
    page = own_site.client.get(path)
    assert page.status_code == 200
    assert "<h1>Un rendez-vous de votre convention</h1>" in page.text
    assert "ne peuvent pas être désactivés" in page.text
    assert "avec le Guichet de test" in page.text
    assert '<form method="post">' not in page.text
    for body in ({"List-Unsubscribe": "One-Click"}, {"scope": "ritual"}):
        refused = own_site.client.post(path, data=body)
        assert refused.status_code == 409
        assert "Rien n'a été changé." in refused.text
    contact = own_site.contact()
    assert (contact.unsubscribed_kinds, contact.unsubscribed_rituals) == ("", "")
