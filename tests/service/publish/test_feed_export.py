"""Feeds built from the store: who sees what, and the files `rituel feeds export` writes."""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.errors import ExportError
from scheduler.service.publish.feeds import (
    Feed,
    buyer_feed,
    contact_feed,
    export_feeds,
    facilitator_feed,
    issue_links,
    load_directory,
    public_feed,
    revoke,
    rotate,
)
from scheduler.store.db import session_scope
from scheduler.store.feed_tokens import PUBLIC_FILE, SubscriberKind
from tests.conftest import IcsCheck
from tests.feed_factories import NOW, World, at, make_world, properties, unfolded

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


@dataclass
class DemoBuyer:
    """A buyer of the demo territory, with what belongs to it alone."""

    id: int
    slug: str
    name: str
    contact_ids: list[int]
    secrets: list[str]
    """Strings that must never appear in another buyer's feed: its name, its contacts' names
    and addresses, the UIDs of its own meetings."""


DEMO_BUYERS = [
    ("metropole-de-lisiere", "Métropole de Lisière", "camille"),
    ("ville-de-lisiere", "Ville de Lisière", "camille"),
    ("departement-de-la-haute-lisiere", "Département de la Haute-Lisière", "nadia"),
    ("lisiere-habitat", "Lisière Habitat", "nadia"),
    ("centre-hospitalier-de-lisiere", "Centre hospitalier de Lisière", "camille"),
    ("office-national-des-achats-responsables", "Office national des achats responsables", "nadia"),
]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def demo_territory(world: World) -> list[DemoBuyer]:
    """Six buyers, each with its own meetings and two contacts invited to them and to the
    territory's meetings; a partner and a guichet colleague invited too."""
    territory = [
        world.occurrence(RitualKind.STEERING_COMMITTEE, at("2027-06-08 14:00")),
        world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"), facilitator="nadia"),
        world.occurrence(
            RitualKind.AFTER_WORK,
            at("2027-01-21 18:00"),
            facilitator="nadia",
            theme="Le sourcing inclusif",
        ),
        world.occurrence(RitualKind.B2B_MEETUP, at("2027-05-11 09:00"), hours=3),
        world.occurrence(RitualKind.ANNUAL_RESTITUTION, at("2027-02-11 10:00")),
    ]
    partner = world.partner("france-travail-lisiere", "France Travail Lisière")
    partner_contact = world.contact(partner, "agnes.morel@francetravail.example", "Agnès Morel")
    colleague = world.contact(None, "lea.martin@guichet.example", "Léa Martin")
    for occurrence in territory:
        world.invite(occurrence, partner_contact)
    buyers = []
    for index, (slug, name, facilitator) in enumerate(DEMO_BUYERS):
        buyer_id = world.buyer(slug, name, facilitator=facilitator)
        first = world.contact(buyer_id, f"acheteur.{index}@{slug}.example", f"Prénom{index} Achat")
        second = world.contact(
            buyer_id, f"direction.{index}@{slug}.example", f"Prénom{index} Direction", locale="en"
        )
        own = [
            world.occurrence(
                RitualKind.PROGRAMMING_REVIEW,
                at(f"2027-09-{7 + index:02d} 10:00"),
                buyer=buyer_id,
                facilitator=facilitator,
            ),
            world.occurrence(
                RitualKind.INTERNAL_AWARENESS,
                at(f"2027-04-{6 + index:02d} 14:00"),
                buyer=buyer_id,
                facilitator=facilitator,
                hours=1.5,
            ),
        ]
        for occurrence in own:
            world.invite(occurrence, first, PartStat.ACCEPTED)
            world.invite(occurrence, second)
            world.invite(occurrence, colleague)
        for occurrence in territory:
            world.invite(occurrence, first)
        secrets = [
            name,
            f"acheteur.{index}@{slug}.example",
            f"direction.{index}@{slug}.example",
            f"Prénom{index} Achat",
            f"Prénom{index} Direction",
            *(occurrence.uid for occurrence in own),
        ]
        buyers.append(DemoBuyer(buyer_id, slug, name, [first, second], secrets))
    return buyers


def feeds_of(world: World) -> tuple[dict[int, Feed], dict[int, Feed], Feed]:
    with session_scope(world.engine) as session:
        directory = load_directory(session, world.settings, NOW)
    buyers = {
        org.id: buyer_feed(world.settings, directory, org.id)
        for org in directory.organisations.values()
        if org.role == "buyer"
    }
    contacts = {c: contact_feed(world.settings, directory, c) for c in directory.contacts}
    return buyers, contacts, public_feed(world.settings, directory)


def test_for_every_pair_of_buyers_a_feed_holds_nothing_of_the_other(world: World) -> None:
    buyers = demo_territory(world)
    buyer_feeds, contact_feeds, _ = feeds_of(world)
    for mine, theirs in itertools.permutations(buyers, 2):
        texts = [unfolded(buyer_feeds[mine.id].render())]
        texts += [unfolded(contact_feeds[c].render()) for c in mine.contact_ids]
        for text in texts:
            leaked = [secret for secret in theirs.secrets if secret in text]
            assert not leaked, f"{mine.slug}'s feeds show {theirs.slug}'s {leaked}"
    for buyer in buyers:
        text = unfolded(buyer_feeds[buyer.id].render())
        assert buyer.name in text
        assert "ATTENDEE" not in text
        assert "ORGANIZER" not in text
        assert "mailto:" not in text


def test_a_buyer_feed_has_its_own_meetings_and_the_territory_ones_for_buyers(
    world: World,
) -> None:
    buyers = demo_territory(world)
    buyer_feeds, _, _ = feeds_of(world)
    categories = [
        line.split(":", 1)[1]
        for line in properties(buyer_feeds[buyers[0].id].render(), "CATEGORIES")
    ]
    # CATEGORIES carry the ritual's French title, never its code (issue 9, item 18)
    assert sorted(categories) == sorted(
        world.settings.rituals[kind].title.replace(",", "\\,")
        for kind in (
            RitualKind.STEERING_COMMITTEE,
            RitualKind.BUYER_CLUB,
            RitualKind.AFTER_WORK,
            RitualKind.B2B_MEETUP,
            RitualKind.ANNUAL_RESTITUTION,
            RitualKind.PROGRAMMING_REVIEW,
            RitualKind.INTERNAL_AWARENESS,
        )
    )
    assert "Rendez-vous annuel sur la programmation des achats" in categories


def test_a_territory_ritual_not_meant_for_buyers_shows_only_where_a_contact_is_invited(
    tmp_path: Path,
) -> None:
    world = make_world(tmp_path, '\n[rituals.b2b_meetup]\naudience = ["supplier", "guichet"]\n')
    invited = world.buyer("ville-a", "Ville A")
    other = world.buyer("ville-b", "Ville B")
    meetup = world.occurrence(RitualKind.B2B_MEETUP, at("2027-05-11 09:00"))
    world.invite(meetup, world.contact(invited, "achat@ville-a.example", "Achat A"))
    with session_scope(world.engine) as session:
        directory = load_directory(session, world.settings, NOW)
    assert meetup.uid in buyer_feed(world.settings, directory, invited).render().decode()
    assert meetup.uid not in buyer_feed(world.settings, directory, other).render().decode()


def test_the_public_feed_has_territory_meetings_and_nothing_personal(
    world: World, ics_check: IcsCheck
) -> None:
    buyers = demo_territory(world)
    _, _, public = feeds_of(world)
    content = public.render()
    path = world.folder / "public.ics"
    path.write_bytes(content)
    ics_check(path)
    text = unfolded(content)
    assert len(public.events) == 5
    assert "ATTENDEE" not in text
    assert "ORGANIZER" not in text
    assert "mailto:" not in text
    assert "visio.guichet.example" not in text
    for line in text.split("\r\n"):
        if not line.startswith("UID:"):
            assert not EMAIL.search(line), f"an e-mail address in the public feed: {line}"
    for buyer in buyers:
        assert buyer.name not in text


def test_a_facilitator_feed_has_what_they_run_with_attendees_and_answers(
    world: World,
) -> None:
    demo_territory(world)
    with session_scope(world.engine) as session:
        directory = load_directory(session, world.settings, NOW)
    feed = facilitator_feed(world.settings, directory, "camille")
    content = feed.render()
    assert {e.organizer.email for e in feed.events if e.organizer} == {"camille@guichet.example"}
    assert len(feed.events) == 3 + 3 * 2  # 3 territory meetings, 3 buyers x 2 meetings
    attendees = properties(content, "ATTENDEE")
    assert any(
        "PARTSTAT=ACCEPTED" in line and "acheteur.0@metropole-de-lisiere.example" in line
        for line in attendees
    )
    assert not any("RSVP=TRUE" in line for line in attendees)


def test_a_contact_feed_has_their_invitations_in_their_language_but_not_declined_ones(
    world: World,
) -> None:
    buyer = world.buyer("ville-a", "Ville A")
    english = world.contact(buyer, "boss@ville-a.example", "Big Boss", locale="en")
    review = world.occurrence(RitualKind.PROGRAMMING_REVIEW, at("2027-09-07 10:00"), buyer=buyer)
    club = world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"))
    skipped = world.occurrence(RitualKind.STEERING_COMMITTEE, at("2027-06-08 14:00"))
    world.invite(review, english, PartStat.ACCEPTED)
    world.invite(club, english)
    world.invite(skipped, english, PartStat.DECLINED)
    with session_scope(world.engine) as session:
        directory = load_directory(session, world.settings, NOW)
    content = contact_feed(world.settings, directory, english).render()
    assert properties(content, "SUMMARY") == [
        "SUMMARY:Socially responsible buyers' club",
        "SUMMARY:Annual procurement-programming review — Ville A",
    ]
    assert "On Thursday 11 March 2027, from 09:30 to 11:30." in unfolded(content)
    assert skipped.uid not in content.decode()


def test_a_cancelled_meeting_stays_thirty_days_then_goes(world: World) -> None:
    buyer = world.buyer("ville-a", "Ville A")
    world.occurrence(
        RitualKind.PROGRAMMING_REVIEW,
        at("2027-09-07 10:00"),
        buyer=buyer,
        status=OccurrenceStatus.CANCELLED,
        sequence=1,
        changed_at=NOW - timedelta(days=29),
        cancel_reason="travaux dans la salle",
    )
    world.occurrence(
        RitualKind.STEERING_COMMITTEE,
        at("2027-06-08 14:00"),
        status=OccurrenceStatus.CANCELLED,
        sequence=1,
        changed_at=NOW - timedelta(days=10),
        cancel_reason="travaux dans la salle",
    )
    world.occurrence(
        RitualKind.BUYER_CLUB,
        at("2027-03-11 09:30"),
        status=OccurrenceStatus.CANCELLED,
        sequence=1,
        changed_at=NOW - timedelta(days=31),
    )
    with session_scope(world.engine) as session:
        directory = load_directory(session, world.settings, NOW)
    mine = buyer_feed(world.settings, directory, buyer).render()
    assert properties(mine, "STATUS") == ["STATUS:CANCELLED", "STATUS:CANCELLED"]
    assert properties(mine, "SUMMARY")[0].startswith("SUMMARY:Annulé : Comité de pilotage")
    assert "Motif : travaux dans la salle" in unfolded(mine)
    assert "Club des acheteurs" not in unfolded(mine)
    public = unfolded(public_feed(world.settings, directory).render())
    assert "STATUS:CANCELLED" in public
    assert "travaux" not in public


def test_past_meetings_stay_a_year(world: World) -> None:
    world.occurrence(RitualKind.BUYER_CLUB, NOW - timedelta(days=300))
    world.occurrence(RitualKind.BUYER_CLUB, NOW - timedelta(days=400))
    with session_scope(world.engine) as session:
        directory = load_directory(session, world.settings, NOW)
    assert len(public_feed(world.settings, directory).events) == 1


def test_export_writes_every_feed_once_and_only_rewrites_what_changed(
    world: World, ics_check: IcsCheck
) -> None:
    buyers = demo_territory(world)
    issue_links(world.settings, world.engine, NOW)
    first = export_feeds(world.settings, world.engine, NOW)
    files = sorted(world.calendars.rglob("*.ics"))
    assert (world.calendars / PUBLIC_FILE).exists()
    assert len(files) == 1 + len(buyers) + 2 + len(buyers) * 2 + 2  # facilitators, contacts
    assert first.written == ()  # issue_links already exported
    ics_check(*files)
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}

    again = export_feeds(world.settings, world.engine, NOW)
    assert again.written == ()
    assert again.unchanged == len(files)
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files} == before

    world.occurrence(RitualKind.PROGRAMMING_REVIEW, at("2027-10-05 10:00"), buyer=buyers[0].id)
    changed = export_feeds(world.settings, world.engine, NOW)
    # the buyer's feed and its facilitator's; the public feed did not change
    assert len(changed.written) == 2
    assert PUBLIC_FILE not in changed.written
    assert not [p for p in world.calendars.rglob("*") if p.name.startswith(".")]


def test_private_files_are_named_by_hash_and_readable_by_the_owner_only(world: World) -> None:
    world.buyer("ville-a", "Ville A")
    (link,) = issue_links(world.settings, world.engine, NOW, who=["ville-a"]).links
    assert link.http is not None
    token = link.http.rsplit("/", 1)[1].removesuffix(".ics")
    (path,) = (world.calendars / "private").iterdir()
    assert token not in path.name
    assert re.fullmatch(r"[0-9a-f]{32}\.ics", path.name)
    assert path.stat().st_mode & 0o077 == 0
    assert (world.calendars / PUBLIC_FILE).stat().st_mode & 0o044 == 0o044


def test_rotation_and_revocation_remove_the_old_file(world: World) -> None:
    world.buyer("ville-a", "Ville A")
    issue_links(world.settings, world.engine, NOW, who=["ville-a"])
    (old,) = (world.calendars / "private").iterdir()
    rotate(world.settings, world.engine, "ville-a", NOW)
    (new,) = (world.calendars / "private").iterdir()
    assert new.name != old.name
    assert revoke(world.settings, world.engine, "buyer:ville-a", NOW) is not None
    assert list((world.calendars / "private").iterdir()) == []
    assert revoke(world.settings, world.engine, "ville-a", NOW) is None


def test_links_are_minted_once_and_shown_only_then(world: World) -> None:
    world.buyer("ville-a", "Ville A")
    world.contact(None, "lea.martin@guichet.example", "Léa Martin")
    links = issue_links(world.settings, world.engine, NOW).links
    assert [(link.label, link.minted) for link in links] == [
        ("buyer ville-a", True),
        ("facilitator camille", True),
        ("facilitator nadia", True),
        ("contact lea.martin@guichet.example", True),
    ]
    http, webcal = links[0].http, links[0].webcal
    assert http is not None
    assert webcal is not None
    assert http.startswith("http://127.0.0.1:8080/feeds/")
    assert webcal == "webcal://" + http.removeprefix("http://")
    again = issue_links(world.settings, world.engine, NOW, kinds=[SubscriberKind.BUYER]).links
    assert [(link.label, link.minted, link.http) for link in again] == [
        ("buyer ville-a", False, None)
    ]


def test_files_are_replaced_atomically(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"))
    export_feeds(world.settings, world.engine, NOW)
    public = world.calendars / PUBLIC_FILE
    before = public.read_bytes()
    world.occurrence(RitualKind.BUYER_CLUB, at("2027-10-14 09:30"))

    def crash(_src: object, _dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(ExportError, match="disk full"):
        export_feeds(world.settings, world.engine, NOW)
    assert public.read_bytes() == before
    assert [p.name for p in world.calendars.iterdir() if p.name.startswith(".")] == []
