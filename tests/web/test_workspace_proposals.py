"""The dates offered to a buyer, on the meeting's page of the workspace, over real HTTP, in the
demo at a fixed instant (Lisière Habitat chooses the date of its programming review): the page
shows the dates in French, the deadline, and the buyer's choice or « aucune ne convient »
message; the facilitator then sends new dates (a POST with the session's CSRF token) — new
dates none on a refused day, a proposal mail that says they are new dates (« Nouvelles dates »,
in French and English) with a fresh link, the old link only saying the dates were replaced — and
the refusals: no CSRF token, nothing to answer, a meeting booked meanwhile, a booking racing the
new dates."""

from __future__ import annotations

import re
import threading
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message as Email

import httpx
from sqlalchemy import select
from sqlmodel import col

from scheduler.cli import main
from scheduler.core.messages import MessageKind, MessageState
from scheduler.i18n import format_when
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.outbox import Composed
from scheduler.service.plan import proposals
from scheduler.store.db import read_session, session_scope
from scheduler.store.models import (
    Contact,
    JournalEntry,
    Message,
    Occurrence,
    Proposal,
    ProposalSlot,
    RefusedSlot,
)
from tests.web.browser import Site, site
from tests.web.test_web_booking import link_of, radio_values
from tests.web.test_workspace_actions import CSRF, browser_for, shown
from tests.world import CAMILLE

__all__ = ["site"]  # the fixture

BUYER = "lisiere-habitat"
MESSAGE = "Nous sommes en commission d'appel d'offres ces semaines-là."


def review(site: Site) -> tuple[Occurrence, Proposal]:
    """The demo's programming review whose buyer chooses the date, and its proposal."""
    with read_session(site.world.engine) as session:
        row = session.execute(
            select(Occurrence, Proposal)
            .join(Proposal, col(Proposal.occurrence_id) == col(Occurrence.id))
            .where(col(Occurrence.key).startswith(f"programming_review:{BUYER}:"))
        ).one()
        return row[0], row[1]


def offered(site: Site) -> list[datetime]:
    _, proposal = review(site)
    with read_session(site.world.engine) as session:
        return sorted(
            session.execute(
                select(col(ProposalSlot.start)).where(col(ProposalSlot.proposal_id) == proposal.id)
            ).scalars()
        )


def proposal_mails(site: Site) -> list[Message]:
    with read_session(site.world.engine) as session:
        return list(
            session.execute(
                select(Message)
                .where(col(Message.kind) == MessageKind.PROPOSAL)
                .order_by(col(Message.id))
            ).scalars()
        )


def compose(site: Site, message: Message) -> Email:
    with session_scope(site.world.engine) as session:
        composed = StoreComposer(site.world.settings).compose(session, message, site.clock.now)
    assert isinstance(composed, Composed), composed
    return composed.email  # type: ignore[return-value]


def buyer_link(site: Site) -> str:
    """The path of the buyer's link in the latest proposal mail."""
    url = link_of(compose(site, proposal_mails(site)[-1]))
    return url.removeprefix(site.world.settings.feeds.base_url.rstrip("/"))


def when(site: Site, moment: datetime) -> str:
    return format_when(moment, "fr", site.world.settings.organisation.timezone)


def none_suits(site: Site, link: str) -> None:
    with httpx.Client(base_url=site.base) as buyer:
        answer = buyer.post(link, data={"slot": "none", "message": MESSAGE})
    assert answer.status_code == 200


def send_new_dates(browser: httpx.Client, uid: str, *, csrf: bool = True) -> httpx.Response:
    page = browser.get(f"/rencontres/{uid}")
    data = {"csrf": CSRF.findall(page.text)[0]} if csrf else {}
    return browser.post(f"/rencontres/{uid}/nouvelles-dates", data=data)


def test_the_meeting_page_shows_the_dates_offered_in_french_and_the_deadline(site: Site) -> None:
    meeting, proposal = review(site)
    browser = browser_for(site.world, site.base)
    page = browser.get(f"/rencontres/{meeting.uid}")
    assert page.status_code == 200
    text = shown(page)
    assert "Dates proposées à l'acheteur" in text
    assert f"jusqu'au {when(site, proposal.deadline)}" in text
    dates = offered(site)
    assert len(dates) == site.world.settings.rituals["programming_review"].slots  # type: ignore[index]
    for start in dates:
        assert when(site, start) in text
    assert re.search(r"(mardi|mercredi|jeudi) \d{1,2}(er)? (avril|mai) 2027 à \d\d h \d\d", text)
    assert f"{when(site, meeting.start)} (date par défaut)" in text
    assert "Proposer de nouvelles dates" not in text  # nothing to answer yet


def test_new_dates_after_none_suits_replace_the_old_link(site: Site) -> None:
    meeting, _ = review(site)
    old_link = buyer_link(site)
    old_dates = offered(site)
    none_suits(site, old_link)
    browser = browser_for(site.world, site.base)
    text = shown(browser.get(f"/rencontres/{meeting.uid}"))
    assert "Aucune de ces dates ne convient à l'acheteur." in text
    assert f"« {MESSAGE} »" in text
    assert "Proposer de nouvelles dates" in text
    mails_before = len(proposal_mails(site))

    refused = send_new_dates(browser, meeting.uid, csrf=False)
    assert refused.status_code == 403
    assert offered(site) == old_dates

    sent = send_new_dates(browser, meeting.uid)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/rencontres/{meeting.uid}?fait=nouvelles_dates"
    new_dates = offered(site)
    refused_days = {d.date() for d in old_dates}
    assert len(new_dates) >= 3
    assert not refused_days & {d.date() for d in new_dates}
    after, proposal = review(site)
    assert after.start in new_dates  # the new default is the meeting's date
    assert proposal.deadline > site.clock.now
    assert (proposal.offer, proposal.none_suits_at) == (1, None)

    page = shown(browser.get(sent.headers["location"]))
    assert "De nouvelles dates sont proposées à l'acheteur" in page
    assert "Dates refusées auparavant" in page
    assert all(when(site, d) in page for d in new_dates)
    assert "nouvelles dates proposées à l'acheteur" in page  # the journal
    assert f"« {MESSAGE} »" not in page.split("Journal des modifications")[0]

    mails = proposal_mails(site)
    fresh = mails[mails_before:]
    assert fresh
    assert all(m.state == MessageState.PENDING and m.due_at <= site.clock.now for m in fresh)
    new_link = buyer_link(site)
    assert new_link != old_link
    with httpx.Client(base_url=site.base) as buyer:
        old = buyer.get(old_link)
        assert old.status_code == 410
        assert "Ces dates ont été remplacées par de nouvelles" in old.text
        booking = buyer.post(old_link, data={"slot": new_dates[0].isoformat()})
        assert booking.status_code == 410
        assert review(site)[1].state == proposals.OPEN
        page = buyer.get(new_link)
        assert page.status_code == 200
        assert [datetime.fromisoformat(v) for v in radio_values(page.text)[:-1]] == new_dates
    with read_session(site.world.engine) as session:
        kept = session.execute(select(col(RefusedSlot.start))).scalars().all()
        entry = session.execute(
            select(JournalEntry).where(col(JournalEntry.action) == "new_slots")
        ).scalar_one()
    assert sorted(kept) == old_dates
    assert entry.actor == CAMILLE


def text_of(mail: Email) -> str:
    [body] = [p for p in mail.walk() if p.get_content_type() == "text/plain"]
    payload = body.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(body.get_content_charset() or "utf-8")


def subject_of(mail: Email) -> str:
    return str(make_header(decode_header(mail["Subject"])))


def test_the_mail_of_new_dates_says_they_are_new_dates_in_french_and_english(
    site: Site,
) -> None:
    meeting, _ = review(site)
    first = compose(site, proposal_mails(site)[-1])
    assert subject_of(first).startswith("Choisissez la date de notre rendez-vous annuel — ")
    assert "nouvelles dates" not in text_of(first).lower()
    none_suits(site, buyer_link(site))
    mails_before = len(proposal_mails(site))
    assert send_new_dates(browser_for(site.world, site.base), meeting.uid).status_code == 303
    new_dates = offered(site)
    [message] = proposal_mails(site)[mails_before:]  # Lisière Habitat's one contact
    assert message.locale == "fr"
    mail = compose(site, message)
    subject, text = subject_of(mail), text_of(mail)
    assert subject == (
        "Nouvelles dates : choisissez la date de notre rendez-vous annuel — Lisière Habitat"
    )
    assert "Aucune des dates proposées jusqu'ici ne vous convenait : le Guichet" in text
    assert "vous propose de nouvelles dates pour la rencontre" in text
    assert "Nouvelles dates proposées :" in text
    assert all(f"- {when(site, d)}" in text for d in new_dates)
    assert "Ce lien remplace celui de notre précédent message" in text
    html_part = next(p for p in mail.walk() if p.get_content_type() == "text/html")
    assert "<strong>nouvelles dates</strong>" in html_part.get_payload(decode=True).decode()  # type: ignore[union-attr]

    message.locale = "en"  # the same mail to a reader of English
    mail = compose(site, message)
    subject, text = subject_of(mail), text_of(mail)
    assert subject == "New dates: choose the date of our annual meeting — Lisière Habitat"
    assert "None of the dates offered so far suited you: " in text
    assert "offers you new dates for the meeting" in text
    assert "New dates offered:" in text
    zone = site.world.settings.organisation.timezone
    assert all(f"- {format_when(d, 'en', zone)}" in text for d in new_dates)
    assert "This link replaces the one in our previous message" in text


def test_no_new_dates_while_the_buyer_has_not_refused(site: Site) -> None:
    meeting, _ = review(site)
    browser = browser_for(site.world, site.base)
    mails = len(proposal_mails(site))
    answer = send_new_dates(browser, meeting.uid)
    assert answer.status_code == 409
    assert "L'acheteur n'a pas dit qu'aucune date ne lui convenait : rien n'a été envoyé." in (
        shown(answer)
    )
    assert len(proposal_mails(site)) == mails
    assert review(site)[1].offer == 0


def test_no_new_dates_once_the_buyer_booked_meanwhile(site: Site) -> None:
    meeting, _ = review(site)
    link = buyer_link(site)
    none_suits(site, link)
    browser = browser_for(site.world, site.base)
    page = browser.get(f"/rencontres/{meeting.uid}")  # the facilitator reads the refusal…
    chosen = offered(site)[-1]
    with httpx.Client(base_url=site.base) as buyer:  # …while the buyer books after all
        assert buyer.post(link, data={"slot": chosen.isoformat()}).status_code == 200
    mails = len(proposal_mails(site))
    answer = browser.post(
        f"/rencontres/{meeting.uid}/nouvelles-dates", data={"csrf": CSRF.findall(page.text)[0]}
    )
    assert answer.status_code == 409
    text = shown(answer)
    assert "La date de cette rencontre est déjà fixée : aucune nouvelle date n'est proposée." in (
        text
    )
    assert f"{when(site, chosen)} — date choisie" in text
    after, proposal = review(site)
    assert (after.start, proposal.state, proposal.offer) == (chosen, proposals.BOOKED, 0)
    assert len(proposal_mails(site)) == mails


def test_a_booking_racing_new_dates_one_of_them_wins_whole(site: Site) -> None:
    meeting, _ = review(site)
    link = buyer_link(site)
    none_suits(site, link)
    browser = browser_for(site.world, site.base)
    page = browser.get(f"/rencontres/{meeting.uid}")
    token = CSRF.findall(page.text)[0]
    chosen = offered(site)[-1]
    start = threading.Barrier(2)
    results: dict[str, int] = {}

    def book() -> None:
        with httpx.Client(base_url=site.base, timeout=60) as buyer:
            start.wait()
            results["booking"] = buyer.post(link, data={"slot": chosen.isoformat()}).status_code

    def renew() -> None:
        start.wait()
        results["new dates"] = browser.post(
            f"/rencontres/{meeting.uid}/nouvelles-dates", data={"csrf": token}
        ).status_code

    threads = [threading.Thread(target=book), threading.Thread(target=renew)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    after, proposal = review(site)
    if results["booking"] == 200:
        assert results["new dates"] == 409
        assert (proposal.state, proposal.offer, after.start) == (proposals.BOOKED, 0, chosen)
    else:
        assert (results["booking"], results["new dates"]) == (410, 303)
        assert (proposal.state, proposal.offer) == (proposals.OPEN, 1)
        assert chosen not in offered(site)


def test_the_cli_sends_new_dates_through_the_same_service(site: Site) -> None:
    meeting, _ = review(site)
    config = str(site.world.folder / "config.toml")
    now = ["--now", "2027-03-08T10:00"]
    assert main(["occurrence", "propose", meeting.uid, "--config", config, *now]) == 2
    none_suits(site, buyer_link(site))
    assert main(["occurrence", "propose", meeting.uid, "--config", config, *now]) == 0
    assert review(site)[1].offer == 1
    with read_session(site.world.engine) as session:
        emails = set(
            session.execute(
                select(col(Contact.email))
                .join(Message, col(Message.contact_id) == col(Contact.id))
                .where(col(Message.kind) == MessageKind.PROPOSAL)
                .where(col(Message.state) == MessageState.PENDING)
            ).scalars()
        )
    assert emails
    assert not any(email.endswith("@guichet-lisiere.example") for email in emails)
