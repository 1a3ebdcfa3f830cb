"""The buyer chooses the date of its meeting: the proposal mail, the `/rdv/` page over real
HTTP (uvicorn, httpx), booking, the deadline, two bookings racing for the last place, and a
booking racing the facilitator's new dates, on SQLite and PostgreSQL (under CI, PostgreSQL is
required: tests.databases fails instead of skipping)."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import decode_header, make_header
from email.message import Message as Message_
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select
from sqlmodel import col

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.messages import MessageKind, MessageState
from scheduler.service.access.signing import SECRET_ENV
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.enqueue import enqueue_due, on_occurrence_change
from scheduler.service.deliver.outbox import Composed
from scheduler.service.plan import proposals
from scheduler.service.plan.occurrences import move_occurrence
from scheduler.service.plan.planning import plan_and_store
from scheduler.store.db import session_scope
from scheduler.store.models import Invitation, Message, Occurrence, Proposal, ProposalSlot
from scheduler.web import create_app
from tests.databases import database_url
from tests.factories import add_buyer, settings_in
from tests.web.test_workspace_actions import CSRF, browser_for
from tests.web_server import serving
from tests.world import World

CHOOSE = """
[rituals.programming_review]
booking = "choose"
slots = 4
"""


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Guichet:
    settings: Settings
    engine: object
    clock: Clock
    client: httpx.Client

    def outbox(self, kind: MessageKind) -> list[Message]:
        with session_scope(self.engine) as session:  # type: ignore[arg-type]
            return list(
                session.execute(
                    select(Message).where(col(Message.kind) == kind).order_by(col(Message.id))
                ).scalars()
            )

    def compose(self, message: Message) -> Message_:
        with session_scope(self.engine) as session:  # type: ignore[arg-type]
            composed = StoreComposer(self.settings).compose(session, message, self.clock.now)
        assert isinstance(composed, Composed), composed
        return composed.email  # type: ignore[return-value]

    def review(self, slug: str) -> Occurrence:
        """The buyer's first programming review from the clock's instant on (the one whose
        proposal is due), found again by id once a proposal exists."""
        with session_scope(self.engine) as session:  # type: ignore[arg-type]
            rows = session.execute(
                select(Occurrence)
                .where(col(Occurrence.key).startswith(f"programming_review:{slug}:"))
                .order_by(col(Occurrence.start))
            ).scalars()
            with_proposal = [r for r in rows if proposals.proposal_of(session, r.id or 0)]
            if with_proposal:
                return with_proposal[0]
            return (
                session.execute(
                    select(Occurrence)
                    .where(col(Occurrence.key).startswith(f"programming_review:{slug}:"))
                    .where(col(Occurrence.start) > self.clock.now)
                    .order_by(col(Occurrence.start))
                )
                .scalars()
                .first()
            )  # type: ignore[return-value]

    def proposal(self, occurrence_id: int) -> Proposal:
        with session_scope(self.engine) as session:  # type: ignore[arg-type]
            found = proposals.proposal_of(session, occurrence_id)
            assert found is not None
            return found


@pytest.fixture(autouse=True)
def _no_secret_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def guichet(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Guichet]:
    for url in database_url(request.param, tmp_path):
        settings, engine = settings_in(tmp_path, CHOOSE, url=url)
        clock = Clock(datetime.fromisoformat("2026-11-02T08:00:00+00:00"))
        app = create_app(settings, engine, clock=clock)
        with serving(app) as base, httpx.Client(base_url=base) as client:
            yield Guichet(settings, engine, clock, client)
        engine.dispose()


def proposal_due(guichet: Guichet, slug: str, email: str) -> Occurrence:
    """A buyer whose programming review is planned; the clock moved to its proposal's time and
    the outbox filled."""
    add_buyer(guichet.engine, slug, programming_month=3, contact_email=email)  # type: ignore[arg-type]
    plan_and_store(guichet.settings, guichet.engine, guichet.clock.now)  # type: ignore[arg-type]
    review = guichet.review(slug)
    guichet.clock.now = review.start - timedelta(days=45)
    enqueue_due(guichet.engine, guichet.settings, guichet.clock.now)  # type: ignore[arg-type]
    return review


def link_of(mail: Message_) -> str:
    [body] = [p for p in mail.walk() if p.get_content_type() == "text/plain"]
    payload = body.get_payload(decode=True)
    assert isinstance(payload, bytes)
    text = payload.decode(body.get_content_charset() or "utf-8")
    lines = [line for line in text.splitlines() if "/rdv/" in line]
    assert len(lines) == 1
    assert re.fullmatch(r"https?://\S+/rdv/[A-Za-z0-9_-]{64}", lines[0])  # on its own line
    return lines[0]


def path_of(guichet: Guichet, url: str) -> str:
    return url.removeprefix(guichet.settings.feeds.base_url.rstrip("/"))


def radio_values(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="slot" value="([^"]+)"', page)


def test_the_proposal_mail_links_to_the_page_that_lists_the_slots(guichet: Guichet) -> None:
    review = proposal_due(guichet, "ville-a", "elise@ville-a.example")
    [message] = guichet.outbox(MessageKind.PROPOSAL)
    assert message.recipient == "elise@ville-a.example"
    assert not guichet.outbox(MessageKind.INVITE)
    mail = guichet.compose(message)
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject.startswith("Choisissez la date de notre rendez-vous annuel")
    url = link_of(mail)
    page = guichet.client.get(path_of(guichet, url))
    assert page.status_code == 200
    values = radio_values(page.text)
    assert values[-1] == "none"
    starts = [datetime.fromisoformat(v) for v in values[:-1]]
    assert 3 <= len(starts) <= 4
    assert all(s.utcoffset() is not None for s in starts)
    assert review.start in starts
    assert re.search(
        r"(lundi|mardi|mercredi|jeudi|vendredi) \d{1,2}(er)? \w+ 2027 à \d\d h \d\d", page.text
    )
    assert guichet.review("ville-a").status == OccurrenceStatus.PLANNED  # GET changed nothing


def test_booking_a_slot_moves_the_meeting_and_sends_its_request(
    guichet: Guichet, ics_check: Callable[..., None], tmp_path: Path
) -> None:
    review = proposal_due(guichet, "ville-a", "elise@ville-a.example")
    url = link_of(guichet.compose(guichet.outbox(MessageKind.PROPOSAL)[0]))
    page = guichet.client.get(path_of(guichet, url))
    chosen = next(
        v for v in radio_values(page.text)[:-1] if datetime.fromisoformat(v) != review.start
    )
    booked = guichet.client.post(path_of(guichet, url), data={"slot": chosen})
    assert booked.status_code == 200
    assert "La rencontre aura lieu le" in booked.text
    stored = guichet.review("ville-a")
    assert stored.uid == review.uid
    assert stored.start == datetime.fromisoformat(chosen)
    assert stored.status == OccurrenceStatus.ANNOUNCED
    assert guichet.proposal(review.id or 0).state == proposals.BOOKED
    [invite] = guichet.outbox(MessageKind.INVITE)
    assert invite.due_at <= guichet.clock.now
    mail = guichet.compose(invite)
    [part] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    ics = part.get_payload(decode=True)
    assert isinstance(ics, bytes)
    path = tmp_path / "request.ics"
    path.write_bytes(ics)
    ics_check(path)
    local = datetime.fromisoformat(chosen)
    assert f"DTSTART;TZID=Europe/Paris:{local:%Y%m%dT%H%M%S}" in ics.decode()
    again = guichet.client.get(path_of(guichet, url))
    assert again.status_code == 410  # decided: the link shows the date, books nothing more


def test_a_forged_or_expired_link_changes_nothing(guichet: Guichet) -> None:
    review = proposal_due(guichet, "ville-a", "elise@ville-a.example")
    url = link_of(guichet.compose(guichet.outbox(MessageKind.PROPOSAL)[0]))
    token = url.rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    value = review.start.isoformat()
    assert guichet.client.get(f"/rdv/{forged}").status_code == 404
    assert guichet.client.post(f"/rdv/{forged}", data={"slot": value}).status_code == 404
    proposal = guichet.proposal(review.id or 0)
    guichet.clock.now = proposal.deadline + timedelta(minutes=1)
    assert guichet.client.get(path_of(guichet, url)).status_code == 410
    assert guichet.client.post(path_of(guichet, url), data={"slot": value}).status_code == 410
    assert guichet.proposal(review.id or 0).state == proposals.OPEN
    assert guichet.review("ville-a").start == review.start
    assert not guichet.outbox(MessageKind.INVITE)


def test_the_deadline_confirms_the_default_slot(guichet: Guichet) -> None:
    review = proposal_due(guichet, "ville-a", "elise@ville-a.example")
    proposal = guichet.proposal(review.id or 0)
    guichet.clock.now = proposal.deadline
    enqueue_due(guichet.engine, guichet.settings, guichet.clock.now)  # type: ignore[arg-type]
    assert guichet.proposal(review.id or 0).state == proposals.CONFIRMED
    stored = guichet.review("ville-a")
    assert (stored.start, stored.status) == (review.start, OccurrenceStatus.ANNOUNCED)
    [invite] = guichet.outbox(MessageKind.INVITE)
    assert invite.recipient == "elise@ville-a.example"


def test_none_suits_records_the_message_and_keeps_the_proposal_open(guichet: Guichet) -> None:
    review = proposal_due(guichet, "ville-a", "elise@ville-a.example")
    url = link_of(guichet.compose(guichet.outbox(MessageKind.PROPOSAL)[0]))
    answer = guichet.client.post(
        path_of(guichet, url), data={"slot": "none", "message": "Plutôt en février"}
    )
    assert answer.status_code == 200
    proposal = guichet.proposal(review.id or 0)
    assert (proposal.state, proposal.none_suits_message) == (proposals.OPEN, "Plutôt en février")
    assert guichet.review("ville-a").start == review.start


def test_two_bookings_for_the_last_place_exactly_one_wins(guichet: Guichet) -> None:
    review_a = proposal_due(guichet, "ville-a", "elise@ville-a.example")
    url_a = link_of(guichet.compose(guichet.outbox(MessageKind.PROPOSAL)[0]))
    value = next(
        v
        for v in radio_values(guichet.client.get(path_of(guichet, url_a)).text)[:-1]
        if datetime.fromisoformat(v) != review_a.start
    )
    slot_start = datetime.fromisoformat(value)
    # A second buyer's proposal offering the very same date (as after a capacity change).
    add_buyer(guichet.engine, "ville-b", programming_month=3, contact_email="paul@ville-b.example")  # type: ignore[arg-type]
    review_b = _review_with_proposal(guichet, "ville-b", slot_start, review_a)
    url_b = proposals.proposal_url(
        guichet.settings, review_b[1], review_b[2], guichet.proposal(review_a.id or 0).deadline
    )
    barrier = threading.Barrier(2)
    answers: dict[str, httpx.Response] = {}

    def post(name: str, url: str) -> None:
        with httpx.Client(base_url=str(guichet.client.base_url)) as client:
            barrier.wait()
            answers[name] = client.post(path_of(guichet, url), data={"slot": value})

    threads = [threading.Thread(target=post, args=p) for p in (("a", url_a), ("b", url_b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200, 409]
    loser = next(answer for answer in answers.values() if answer.status_code == 409)
    assert "ce créneau vient d'être pris" in loser.text
    assert value not in radio_values(loser.text)
    assert radio_values(loser.text)  # the page offers the rest
    with session_scope(guichet.engine) as session:  # type: ignore[arg-type]
        at_slot = (
            session.execute(select(Occurrence).where(col(Occurrence.start) == slot_start))
            .scalars()
            .all()
        )
    assert len(at_slot) == 1


def test_a_booking_racing_new_dates_on_the_same_proposal_one_of_them_wins_whole(
    guichet: Guichet,
) -> None:
    """The buyer books a date of the first offer at the very instant the facilitator, who read
    its « aucune ne convient », sends new dates: either the booking is made and the new dates are
    refused (the date is decided), or the new dates go out and the booking by the old link is
    refused (its dates were replaced); never both, and the facilitator is never over capacity."""
    review = proposal_due(guichet, "ville-a", "elise@ville-a.example")
    path = path_of(guichet, link_of(guichet.compose(guichet.outbox(MessageKind.PROPOSAL)[0])))
    first_offer = radio_values(guichet.client.get(path).text)[:-1]
    chosen = first_offer[-1]
    answered = guichet.client.post(path, data={"slot": "none", "message": "Pas ces semaines-là"})
    assert answered.status_code == 200
    world = World.on(guichet.settings, guichet.engine)  # type: ignore[arg-type]
    browser = browser_for(
        world, str(guichet.client.base_url), "camille@guichet.example", guichet.clock.now
    )
    page = browser.get(f"/rencontres/{review.uid}")
    assert page.status_code == 200
    token = CSRF.findall(page.text)[0]
    mails_before = len(guichet.outbox(MessageKind.PROPOSAL))
    barrier = threading.Barrier(2)
    answers: dict[str, httpx.Response] = {}

    def book() -> None:
        with httpx.Client(base_url=str(guichet.client.base_url), timeout=60) as buyer:
            barrier.wait()
            answers["booking"] = buyer.post(path, data={"slot": chosen})

    def renew() -> None:
        barrier.wait()
        answers["new dates"] = browser.post(
            f"/rencontres/{review.uid}/nouvelles-dates", data={"csrf": token}
        )

    threads = [threading.Thread(target=book), threading.Thread(target=renew)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    browser.close()
    booking, renewal = answers["booking"], answers["new dates"]
    stored = guichet.review("ville-a")
    proposal = guichet.proposal(review.id or 0)
    with session_scope(guichet.engine) as session:  # type: ignore[arg-type]
        offered = [slot.start for slot in proposals.slots_of(session, proposal.id or 0)]
    invites = [m for m in guichet.outbox(MessageKind.INVITE) if m.occurrence_id == review.id]
    new_mails = guichet.outbox(MessageKind.PROPOSAL)[mails_before:]
    assert (booking.status_code, renewal.status_code) in {(200, 409), (410, 303)}
    if booking.status_code == 200:  # the booking came first
        assert "La rencontre aura lieu le" in booking.text
        assert "La date de cette rencontre est déjà fixée" in renewal.text
        assert (proposal.state, proposal.offer) == (proposals.BOOKED, 0)
        assert stored.start == datetime.fromisoformat(chosen)
        assert stored.status == OccurrenceStatus.ANNOUNCED
        assert invites
        assert not new_mails  # no new dates were mailed
    else:  # the new dates came first: the old link books nothing
        assert "Ces dates ont été remplacées par de nouvelles" in booking.text
        assert (proposal.state, proposal.offer) == (proposals.OPEN, 1)
        assert proposal.none_suits_at is None
        assert stored.start in offered
        assert datetime.fromisoformat(chosen) not in offered
        assert not {datetime.fromisoformat(v).date() for v in first_offer} & {
            s.date() for s in offered
        }
        assert stored.status == OccurrenceStatus.PLANNED
        assert not invites
        assert [(m.recipient, m.state) for m in new_mails] == [
            ("elise@ville-a.example", MessageState.PENDING)
        ]  # the new dates, to the buyer's contact
    _assert_within_capacity(guichet, "camille")


def _assert_within_capacity(guichet: Guichet, facilitator: str) -> None:
    """No day and no week holds more of the facilitator's meetings than their capacity."""
    capacity = proposals.capacity_of(guichet.settings, facilitator)
    zone = ZoneInfo(guichet.settings.organisation.timezone)
    with session_scope(guichet.engine) as session:  # type: ignore[arg-type]
        starts = list(
            session.execute(
                select(col(Occurrence.start))
                .where(col(Occurrence.facilitator_id) == facilitator)
                .where(col(Occurrence.status) != OccurrenceStatus.CANCELLED)
            ).scalars()
        )
    days = Counter(start.astimezone(zone).date() for start in starts)
    weeks = Counter(start.astimezone(zone).isocalendar()[:2] for start in starts)
    assert max(days.values()) <= capacity.max_per_day
    assert max(weeks.values()) <= capacity.max_per_week


def _review_with_proposal(
    guichet: Guichet, slug: str, slot_start: datetime, like: Occurrence
) -> tuple[Occurrence, int, int]:
    """Buyer `slug`'s review with an open proposal offering `slot_start` among its dates."""
    from scheduler.store.models import Contact, Organisation

    deadline = guichet.proposal(like.id or 0).deadline
    with session_scope(guichet.engine) as session:  # type: ignore[arg-type]
        org = session.execute(
            select(Organisation).where(col(Organisation.slug) == slug)
        ).scalar_one()
        contact = session.execute(
            select(Contact).where(col(Contact.organisation_id) == org.id)
        ).scalar_one()
        default = like.start + timedelta(hours=4, minutes=30)
        row = Occurrence(
            ritual_id=like.ritual_id,
            key=f"programming_review:{slug}:test",
            uid=f"review-{slug}@test.example",
            kind=RitualKind.PROGRAMMING_REVIEW.value,
            organisation_id=org.id,
            facilitator_id=like.facilitator_id,
            start=default,
            end=default + (like.end - like.start),
            changed_at=guichet.clock.now,
        )
        session.add(row)
        session.flush()
        proposal = Proposal(
            occurrence_id=row.id or 0, deadline=deadline, created_at=guichet.clock.now
        )
        session.add(proposal)
        session.flush()
        for start, is_default in ((default, True), (slot_start, False)):
            session.add(
                ProposalSlot(
                    proposal_id=proposal.id or 0,
                    start=start,
                    end=start + (like.end - like.start),
                    is_default=is_default,
                )
            )
        return row, proposal.id or 0, contact.id or 0


def test_invitations_wait_for_the_buyers_choice(guichet: Guichet) -> None:
    review = proposal_due(guichet, "ville-a", "elise@ville-a.example")
    with session_scope(guichet.engine) as session:  # type: ignore[arg-type]
        assert not session.execute(
            select(Invitation).where(col(Invitation.occurrence_id) == review.id)
        ).first()


def feeds(guichet: Guichet, buyer_slug: str) -> tuple[bytes, bytes]:
    """The facilitator's (camille) and the buyer's feeds, rendered now."""
    from scheduler.service.publish.feeds import buyer_feed, facilitator_feed, load_snapshot
    from scheduler.store.models import Organisation

    with session_scope(guichet.engine) as session:  # type: ignore[arg-type]
        buyer = session.execute(
            select(Organisation).where(col(Organisation.slug) == buyer_slug)
        ).scalar_one()
        snapshot = load_snapshot(session, guichet.settings, guichet.clock.now)
        return (
            facilitator_feed(guichet.settings, snapshot, "camille").render(),
            buyer_feed(guichet.settings, snapshot, buyer.id or 0).render(),
        )


def test_open_proposals_are_tentative_holds_for_the_facilitator_and_hidden_from_the_buyer(
    guichet: Guichet, ics_check: Callable[..., None], tmp_path: Path
) -> None:
    review = proposal_due(guichet, "ville-a", "elise@ville-a.example")
    facilitator, buyer = feeds(guichet, "ville-a")
    assert review.uid not in buyer.decode()
    text = facilitator.decode().replace("\r\n ", "")
    with session_scope(guichet.engine) as session:  # type: ignore[arg-type]
        offered = proposals.slots_of(session, guichet.proposal(review.id or 0).id or 0)
    for slot in offered:
        local = slot.start.astimezone(ZoneInfo("Europe/Paris"))
        assert f"DTSTART;TZID=Europe/Paris:{local:%Y%m%dT%H%M%S}" in text
    assert text.count("STATUS:TENTATIVE") >= len(offered)
    path = tmp_path / "facilitator.ics"
    path.write_bytes(facilitator)
    ics_check(path)
    url = link_of(guichet.compose(guichet.outbox(MessageKind.PROPOSAL)[0]))
    guichet.client.post(path_of(guichet, url), data={"slot": review.start.isoformat()})
    facilitator, buyer = feeds(guichet, "ville-a")
    assert review.uid in buyer.decode()
    assert "Date proposée" not in facilitator.decode().replace("\r\n ", "")


def test_reminders_of_an_unanswered_proposal_and_the_daemons_next_instant(
    guichet: Guichet,
) -> None:
    review = proposal_due(guichet, "ville-a", "elise@ville-a.example")
    deadline = guichet.proposal(review.id or 0).deadline
    first_reminder = datetime.combine(
        deadline.astimezone(ZoneInfo("Europe/Paris")).date() - timedelta(days=7),
        datetime.min.time().replace(hour=9),
        ZoneInfo("Europe/Paris"),
    )
    with session_scope(guichet.engine) as session:  # type: ignore[arg-type]
        assert (
            proposals.next_proposal_instant(session, guichet.settings, guichet.clock.now)
            == first_reminder
        )
    guichet.clock.now = first_reminder
    enqueue_due(guichet.engine, guichet.settings, guichet.clock.now)  # type: ignore[arg-type]
    sent, reminder = guichet.outbox(MessageKind.PROPOSAL)
    assert (sent.offset_days, reminder.offset_days) == (None, 7)
    subject = str(make_header(decode_header(guichet.compose(reminder)["Subject"])))
    assert subject.startswith("Rappel : choisissez la date de notre rendez-vous annuel avant le ")


def test_none_suits_shows_in_the_facilitators_digest(guichet: Guichet) -> None:
    proposal_due(guichet, "ville-a", "elise@ville-a.example")
    url = link_of(guichet.compose(guichet.outbox(MessageKind.PROPOSAL)[0]))
    guichet.client.post(path_of(guichet, url), data={"slot": "none", "message": "Plutôt en mars"})
    guichet.clock.now += timedelta(days=7)
    enqueue_due(guichet.engine, guichet.settings, guichet.clock.now)  # type: ignore[arg-type]
    digest = next(m for m in guichet.outbox(MessageKind.DIGEST) if m.facilitator_id == "camille")
    mail = guichet.compose(digest)
    [body] = [p for p in mail.walk() if p.get_content_type() == "text/plain"]
    payload = body.get_payload(decode=True)
    assert isinstance(payload, bytes)
    text = payload.decode("utf-8")
    assert "aucune des dates proposées ne convient" in text
    assert "Plutôt en mars" in text
    assert "Contact ville-a a écrit le" in text


def test_too_late_for_a_proposal_the_default_date_is_invited(guichet: Guichet) -> None:
    add_buyer(guichet.engine, "ville-a", programming_month=3, contact_email="elise@ville-a.example")  # type: ignore[arg-type]
    plan_and_store(guichet.settings, guichet.engine, guichet.clock.now)  # type: ignore[arg-type]
    review = guichet.review("ville-a")
    guichet.clock.now = review.start - timedelta(days=20)  # after downtime: no week to answer
    enqueue_due(guichet.engine, guichet.settings, guichet.clock.now)  # type: ignore[arg-type]
    assert not guichet.outbox(MessageKind.PROPOSAL)
    [invite] = guichet.outbox(MessageKind.INVITE)
    assert invite.recipient == "elise@ville-a.example"
    with session_scope(guichet.engine) as session:  # type: ignore[arg-type]
        assert proposals.proposal_of(session, review.id or 0) is None


def test_a_meeting_invited_without_a_proposal_never_gets_one_later(guichet: Guichet) -> None:
    """Invited at its default date (too late for a proposal), then moved by hand months later:
    its date was imposed, so its invitees are told the new date and the buyer gets no
    proposal."""
    add_buyer(guichet.engine, "ville-a", programming_month=3, contact_email="elise@ville-a.example")  # type: ignore[arg-type]
    plan_and_store(guichet.settings, guichet.engine, guichet.clock.now)  # type: ignore[arg-type]
    review = guichet.review("ville-a")
    guichet.clock.now = review.start - timedelta(days=20)
    enqueue_due(guichet.engine, guichet.settings, guichet.clock.now)  # type: ignore[arg-type]
    assert len(guichet.outbox(MessageKind.INVITE)) == 1
    later = review.start + timedelta(days=63)  # nine weeks later: room enough for a proposal
    while later.weekday() != review.start.weekday():
        later += timedelta(days=1)
    move_occurrence(
        guichet.engine,  # type: ignore[arg-type]
        review.uid,
        later,
        guichet.clock.now,  # type: ignore[arg-type]
        settings=guichet.settings,  # type: ignore[arg-type]
        force=True,
        in_transaction=on_occurrence_change(guichet.settings, guichet.clock.now),  # type: ignore[arg-type]
    )
    enqueue_due(guichet.engine, guichet.settings, guichet.clock.now)  # type: ignore[arg-type]
    assert not guichet.outbox(MessageKind.PROPOSAL)
    told = guichet.outbox(MessageKind.INVITE) + guichet.outbox(MessageKind.UPDATE)
    assert {m.recipient for m in told} == {"elise@ville-a.example"}  # told of the new date
    with session_scope(guichet.engine) as session:  # type: ignore[arg-type]
        assert proposals.proposal_of(session, review.id or 0) is None
