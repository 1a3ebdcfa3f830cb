"""RSVP and attendance pages over real HTTP: uvicorn on a free port, httpx as the browser."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlmodel import col

from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.service.access.signing import SECRET_ENV
from scheduler.service.answer import rsvp
from scheduler.service.answer.attendance import attendance_url
from scheduler.service.publish.feeds import export_feeds, issue_links
from scheduler.store.db import session_scope
from scheduler.store.models import Invitation, Occurrence
from scheduler.web import create_app
from tests.feed_factories import NOW, World, at, make_world, properties
from tests.web_server import serving

MEETING = "2027-09-14 10:00"


@dataclass
class Clock:
    """The instant the web app answers at; tests move it."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Guichet:
    """A world served over HTTP, with one invitee's links."""

    world: World
    clock: Clock
    client: httpx.Client
    occurrence: Occurrence
    links: dict[PartStat, str]

    def path(self, partstat: PartStat) -> str:
        """The path (and query) of the link for `partstat`."""
        return self.links[partstat].removeprefix(self.world.settings.feeds.base_url)

    @property
    def page(self) -> str:
        """The path of the answer page, without a chosen answer."""
        return self.path(PartStat.ACCEPTED).split("?")[0]

    def invitation(self) -> Invitation:
        """The invitation as stored now."""
        with session_scope(self.world.engine) as session:
            found = session.execute(select(Invitation)).scalar_one()
            assert isinstance(found, Invitation)
            return found


def invite(
    world: World,
    *,
    buyer_name: str = "Ville A",
    name: str = "Zoé Dupont",
    locale: str = "fr",
    start: str = MEETING,
) -> tuple[Occurrence, dict[PartStat, str]]:
    """A buyer's programming review with one invitee; the occurrence and the invitee's links."""
    buyer = world.buyer(f"buyer-{world._counter}", buyer_name)
    contact = world.contact(buyer, f"invitee{world._counter}@ville.example", name, locale=locale)
    row = world.occurrence(RitualKind.PROGRAMMING_REVIEW, at(start), buyer=buyer)
    world.invite(row, contact)
    with session_scope(world.engine) as session:
        assert row.id is not None
        links = rsvp.invitation_rsvp_links(session, world.settings, row.id, contact)
    assert links is not None
    return row, links


@pytest.fixture(autouse=True)
def _no_secret_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)


@contextmanager
def guichet_at(tmp_path: Path, **invitee: str) -> Iterator[Guichet]:
    world = make_world(tmp_path)
    row, links = invite(world, **invitee)
    clock = Clock()
    app = create_app(world.settings, world.engine, clock=clock)
    with serving(app) as base, httpx.Client(base_url=base) as client:
        yield Guichet(world, clock, client, row, links)


@pytest.fixture
def guichet(tmp_path: Path) -> Iterator[Guichet]:
    with guichet_at(tmp_path) as served:
        yield served


def assert_page_headers(answer: httpx.Response) -> None:
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


def assert_unchanged(guichet: Guichet) -> None:
    invitation = guichet.invitation()
    assert (invitation.partstat, invitation.responded_at) == (PartStat.NEEDS_ACTION, None)
    stored = guichet.world.stored(guichet.occurrence.uid)
    assert stored.changed_at == guichet.occurrence.changed_at


# --- GET shows, POST changes --------------------------------------------------------------------


def test_get_shows_the_meeting_in_french_and_changes_nothing(guichet: Guichet) -> None:
    for partstat in (PartStat.ACCEPTED, PartStat.TENTATIVE, PartStat.DECLINED):
        page = guichet.client.get(guichet.path(partstat))
        assert page.status_code == 200
        assert_page_headers(page)
        html = page.text
        assert '<html lang="fr">' in html
        assert "Rendez-vous annuel sur la programmation des achats — Ville A" in html
        assert "mardi 14 septembre 2027 à 10 h 00" in html
        assert "Dans vos locaux" in html  # said to the buyer (issue 9, item 18)
        assert "Bonjour Zoé Dupont" in html
        assert '<form method="post">' in html
        assert html.count('name="answer"') == 3
        word = {v: k for k, v in rsvp.ANSWERS.items()}[partstat]
        assert f'value="{word}" class="primary"' in html
    assert guichet.client.head(guichet.page).status_code == 200
    assert_unchanged(guichet)


def test_post_records_the_answer_and_thanks_in_french(guichet: Guichet) -> None:
    guichet.clock.now = NOW + timedelta(hours=2)
    thanks = guichet.client.post(guichet.path(PartStat.ACCEPTED), data={"answer": "accepted"})
    assert thanks.status_code == 200
    assert_page_headers(thanks)
    assert "Merci, Zoé Dupont. Votre réponse est enregistrée" in thanks.text
    assert "Je participerai</strong>" in thanks.text
    invitation = guichet.invitation()
    assert (invitation.partstat, invitation.responded_at) == (PartStat.ACCEPTED, guichet.clock.now)
    again = guichet.client.get(guichet.page)
    assert "Votre réponse actuelle : <strong>Je participerai</strong>" in again.text


def test_the_posted_answer_wins_over_the_links_query(guichet: Guichet) -> None:
    posted = guichet.client.post(guichet.path(PartStat.ACCEPTED), data={"answer": "declined"})
    assert posted.status_code == 200
    assert "Vous ne recevrez plus de rappel pour cette rencontre." in posted.text
    assert guichet.invitation().partstat == PartStat.DECLINED


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"answer": "maybe"},
        {"answer": "NEEDS-ACTION"},
        {"answer": ["accepted", "declined"]},
        {"answer": "accepted", "padding": "x" * 4000},
    ],
)
def test_a_post_without_one_valid_answer_asks_again_and_changes_nothing(
    guichet: Guichet, body: dict[str, object]
) -> None:
    answer = guichet.client.post(guichet.page, data=body)
    assert answer.status_code == 400
    assert "Choisissez l'une des réponses ci-dessous." in answer.text
    assert_unchanged(guichet)


def test_the_answer_reaches_the_facilitators_feed_with_the_same_sequence(
    guichet: Guichet,
) -> None:
    world = guichet.world
    (link,) = issue_links(world.settings, world.engine, NOW, who=["camille"]).links
    assert link.http is not None
    feed_path = link.http.removeprefix(world.settings.feeds.base_url)
    before = guichet.client.get(feed_path)
    guichet.clock.now = NOW + timedelta(days=1)
    guichet.client.post(guichet.page, data={"answer": "tentative"})
    export_feeds(world.settings, world.engine, guichet.clock.now)
    after = guichet.client.get(feed_path, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    (attendee,) = properties(after.content, "ATTENDEE")
    assert "PARTSTAT=TENTATIVE" in attendee
    assert properties(after.content, "SEQUENCE") == ["SEQUENCE:0"]
    assert properties(before.content, "SEQUENCE") == ["SEQUENCE:0"]
    assert properties(after.content, "DTSTAMP") == ["DTSTAMP:20261126T080000Z"]


# --- links that cannot answer -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/rsvp/" + "A" * 64,
        "/rsvp/not-a-token",
        "/rsvp/" + "A" * 64 + "?answer=declined",
    ],
)
def test_forged_tokens_get_404_on_get_and_post_and_change_nothing(
    guichet: Guichet, path: str
) -> None:
    shown = guichet.client.get(path)
    posted = guichet.client.post(path, data={"answer": "declined"})
    for answer in (shown, posted):
        assert answer.status_code == 404
        assert_page_headers(answer)
        assert "Lien introuvable" in answer.text
        assert "Ville A" not in answer.text
    tampered = guichet.page[:-3] + ("xyz" if not guichet.page.endswith("xyz") else "abc")
    assert guichet.client.post(tampered, data={"answer": "declined"}).status_code == 404
    assert_unchanged(guichet)


def test_an_answer_after_the_meeting_is_refused_politely_with_410(guichet: Guichet) -> None:
    guichet.clock.now = guichet.occurrence.end + timedelta(minutes=1)
    shown = guichet.client.get(guichet.path(PartStat.ACCEPTED))
    posted = guichet.client.post(guichet.page, data={"answer": "accepted"})
    for answer in (shown, posted):
        assert answer.status_code == 410
        assert_page_headers(answer)
        assert "Cette rencontre est terminée : il n'est plus possible d'y répondre" in (answer.text)
        assert "<form" not in answer.text
    assert_unchanged(guichet)


def test_the_link_of_a_past_meeting_gets_410_and_changes_nothing(guichet: Guichet) -> None:
    world = guichet.world
    past, links = invite(world, start="2026-10-06 10:00")
    path = links[PartStat.DECLINED].removeprefix(world.settings.feeds.base_url)
    assert guichet.client.get(path).status_code == 410
    assert guichet.client.post(path, data={"answer": "declined"}).status_code == 410
    with session_scope(world.engine) as session:
        answers = session.execute(select(col(Invitation.partstat))).scalars().all()
    assert set(answers) == {PartStat.NEEDS_ACTION}
    assert world.stored(past.uid).changed_at == past.changed_at


def test_right_and_wrong_tokens_go_through_the_same_lookup(
    guichet: Guichet, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real_find = rsvp._find

    def find(*args: object, **kwargs: object) -> object:
        found = real_find(*args, **kwargs)  # type: ignore[arg-type]
        seen.append(found is not None)
        return found

    monkeypatch.setattr(rsvp, "_find", find)
    guichet.client.get(guichet.page)
    guichet.client.get("/rsvp/" + "B" * 64)
    guichet.client.post(guichet.page, data={"answer": "accepted"})
    guichet.client.post("/rsvp/" + "B" * 64, data={"answer": "accepted"})
    assert seen == [True, False, True, False]


# --- languages and escaping ---------------------------------------------------------------------


def test_a_contact_writing_english_gets_english_pages(tmp_path: Path) -> None:
    with guichet_at(tmp_path, locale="en", name="Jane Doe") as guichet:
        page = guichet.client.get(guichet.path(PartStat.TENTATIVE))
        assert '<html lang="en">' in page.text
        assert "Tuesday 14 September 2027 at 10:00" in page.text
        assert "Hello Jane Doe" in page.text
        thanks = guichet.client.post(guichet.page, data={"answer": "tentative"})
        assert "Thank you, Jane Doe. Your answer is recorded" in thanks.text
        assert "I might attend</strong>" in thanks.text


def test_names_with_markup_are_escaped(tmp_path: Path) -> None:
    evil = "<script>alert('x')</script>"
    with guichet_at(tmp_path, buyer_name=f"Ville {evil}", name=f"Zoé {evil}") as guichet:
        for answer in (
            guichet.client.get(guichet.page),
            guichet.client.post(guichet.page, data={"answer": "accepted"}),
        ):
            assert answer.status_code == 200
            assert "<script" not in answer.text
            assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in answer.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=st.text(min_size=1, max_size=100))
def test_any_token_in_the_url_gets_404_never_an_error(guichet: Guichet, token: str) -> None:
    path = "/rsvp/" + quote(token, safe="")
    shown = guichet.client.get(path, follow_redirects=True)  # "x/" redirects to "x"
    posted = guichet.client.post(path, data={"answer": "declined"}, follow_redirects=True)
    assert (shown.status_code, posted.status_code) == (404, 404)


# --- the facilitator's attendance link ----------------------------------------------------------


@dataclass
class Club:
    """A buyer club over HTTP with three invitees (Zoé accepted, Ali silent, Ève declined)."""

    world: World
    clock: Clock
    client: httpx.Client
    occurrence: Occurrence
    path: str
    contacts: dict[str, int]

    def attended(self) -> dict[str, bool | None]:
        with session_scope(self.world.engine) as session:
            rows = session.execute(select(Invitation)).scalars().all()
        names = {contact_id: name for name, contact_id in self.contacts.items()}
        return {names[row.contact_id]: row.attended for row in rows}


@pytest.fixture
def club(tmp_path: Path) -> Iterator[Club]:
    world = make_world(tmp_path)
    buyer = world.buyer("ville-a", "Ville A")
    row = world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"))
    contacts = {}
    for name, partstat in (
        ("Zoé", PartStat.ACCEPTED),
        ("Ali", PartStat.NEEDS_ACTION),
        ("Ève", PartStat.DECLINED),
    ):
        contacts[name] = world.contact(buyer, f"{len(contacts)}@ville-a.example", name)
        world.invite(row, contacts[name], partstat)
    assert row.id is not None
    url = attendance_url(world.settings, row.id, row.end)
    clock = Clock(at("2027-03-11 12:00"))
    app = create_app(world.settings, world.engine, clock=clock)
    with serving(app) as base, httpx.Client(base_url=base) as client:
        path = url.removeprefix(world.settings.feeds.base_url)
        yield Club(world, clock, client, row, path, contacts)


def test_the_attendance_page_lists_the_invitees_and_changes_nothing(club: Club) -> None:
    page = club.client.get(club.path)
    assert page.status_code == 200
    assert_page_headers(page)
    assert "Club des acheteurs socialement responsables" in page.text
    assert page.text.count('type="checkbox" name="present"') == 3
    assert f'value="{club.contacts["Zoé"]}" checked' in page.text
    assert f'value="{club.contacts["Ali"]}">' in page.text
    assert "Ève &lt;2@ville-a.example&gt; (avait décliné)" in page.text
    assert set(club.attended().values()) == {None}


def test_posting_the_checked_invitees_records_attendance_and_holds_the_meeting(
    club: Club,
) -> None:
    posted = club.client.post(
        club.path, data={"present": [str(club.contacts["Zoé"]), str(club.contacts["Ève"])]}
    )
    assert posted.status_code == 200
    assert "Présences enregistrées : 2 présent(s), 1 absent(s)." in posted.text
    assert club.attended() == {"Zoé": True, "Ali": False, "Ève": True}
    assert club.world.stored(club.occurrence.uid).status == OccurrenceStatus.HELD
    nobody = club.client.post(club.path, data={})
    assert nobody.status_code == 200
    assert club.attended() == {"Zoé": False, "Ali": False, "Ève": False}


def test_an_attendance_form_that_is_not_ours_changes_nothing(club: Club) -> None:
    for body in ({"present": "9999"}, {"present": "abc"}, {"other": "1"}):
        answer = club.client.post(club.path, data=body)
        assert answer.status_code == 400
    assert set(club.attended().values()) == {None}


def test_before_the_meeting_the_page_waits_and_a_post_is_refused(club: Club) -> None:
    club.clock.now = at("2027-03-11 09:00")
    page = club.client.get(club.path)
    assert page.status_code == 200
    assert "n'a pas encore commencé" in page.text
    assert "disabled" in page.text
    posted = club.client.post(club.path, data={"present": str(club.contacts["Zoé"])})
    assert posted.status_code == 409
    assert set(club.attended().values()) == {None}


def test_attendance_links_are_forged_expired_or_of_another_purpose(club: Club) -> None:
    assert club.client.get("/attendance/" + "A" * 64).status_code == 404
    token = club.path.rsplit("/", 1)[1]
    assert club.client.get(f"/rsvp/{token}").status_code == 404
    with session_scope(club.world.engine) as session:
        invitation = session.execute(select(Invitation)).scalars().first()
        assert invitation is not None
        rsvp_token = rsvp.rsvp_token(club.world.settings, invitation.id or 0, club.occurrence.end)
    assert club.client.get(f"/attendance/{rsvp_token}").status_code == 404
    club.clock.now = club.occurrence.end + timedelta(days=31)
    late = club.client.post(club.path, data={"present": str(club.contacts["Zoé"])})
    assert late.status_code == 410
    assert "rituel attendance" in late.text
    assert set(club.attended().values()) == {None}
