"""The questions the use cases ask the store by name (scheduler.store.occurrences, directory,
proposals, links, walk_ins, feeds, db), on SQLite always and PostgreSQL where one runs: the
same answers on both, and the locking lookups (FOR UPDATE on PostgreSQL) valid on both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat
from scheduler.store import directory, feeds, links, occurrences, proposals, walk_ins
from scheduler.store.db import open_database, ping, schema_revisions, session_scope
from scheduler.store.models import (
    Contact,
    Invitation,
    Occurrence,
    Organisation,
    Proposal,
    ProposalSlot,
    Ritual,
    WalkIn,
)
from tests.databases import database_url

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated database of each kind."""
    for url in database_url(request.param, tmp_path):
        engine = open_database(url)
        try:
            yield engine
        finally:
            engine.dispose()


@dataclass(frozen=True)
class Ids:
    """What `seed` stored."""

    buyer: int
    contact: int
    review: int
    """A buyer's meeting in 20 days, with an open proposal of two more dates."""
    after_work: int
    """A territory meeting in 10 days, the contact invited."""
    invitation: int


def seed(engine: Engine) -> Ids:
    """A buyer with one contact, two meetings of camille's, an invitation and a proposal."""
    with session_scope(engine) as session:
        buyer = Organisation(slug="ville-a", name="Ville A", role=OrganisationRole.BUYER)
        session.add(buyer)
        session.add(Organisation(slug="insertion", name="Insertion", role="supplier"))
        session.flush()
        assert buyer.id is not None
        contact = Contact(organisation_id=buyer.id, name="Léa", email="Lea.Martin@ville-a.example")
        ritual = Ritual(key="after_work:territory", kind="after_work")
        series = Ritual(key="programming_review:ville-a", kind="programming_review")
        session.add_all([contact, ritual, series])
        session.flush()
        assert contact.id is not None
        assert ritual.id is not None
        assert series.id is not None
        after_work = meeting(ritual.id, "after_work:2027-03", NOW + 10 * DAY)
        review = meeting(series.id, "programming_review:ville-a:2027", NOW + 20 * DAY)
        review.organisation_id = buyer.id
        session.add_all([after_work, review])
        session.flush()
        assert after_work.id is not None
        assert review.id is not None
        invitation = Invitation(occurrence_id=after_work.id, contact_id=contact.id)
        proposal = Proposal(occurrence_id=review.id, deadline=NOW + 12 * DAY, created_at=NOW)
        session.add_all([invitation, proposal])
        session.flush()
        assert invitation.id is not None
        assert proposal.id is not None
        for days, is_default in ((20, True), (22, False), (27, False)):
            start = NOW + days * DAY
            session.add(
                ProposalSlot(
                    proposal_id=proposal.id,
                    start=start,
                    end=start + timedelta(hours=2),
                    is_default=is_default,
                )
            )
        return Ids(buyer.id, contact.id, review.id, after_work.id, invitation.id)


def meeting(ritual_id: int, key: str, start: datetime) -> Occurrence:
    return Occurrence(
        ritual_id=ritual_id,
        key=key,
        uid=f"{key}@test.example",
        kind=key.split(":")[0],
        facilitator_id="camille",
        start=start,
        end=start + timedelta(hours=2),
        status=OccurrenceStatus.PLANNED,
        changed_at=NOW,
    )


def test_a_meeting_is_found_by_its_uid_locked_or_not(engine: Engine) -> None:
    ids = seed(engine)
    with session_scope(engine) as session:
        found = occurrences.by_uid(session, "  after_work:2027-03@test.example ", lock=True)
        assert found is not None
        assert found.id == ids.after_work
        assert occurrences.by_uid(session, "nobody@test.example") is None
        assert occurrences.by_id(session, ids.review) is not None
        assert occurrences.by_id(session, 0) is None


def test_the_planner_reads_stored_meetings_without_those_added_by_hand(engine: Engine) -> None:
    ids = seed(engine)
    with session_scope(engine) as session:
        ritual = Ritual(key="oneoff:after_work:territory", kind="after_work", enabled=False)
        session.add(ritual)
        session.flush()
        assert ritual.id is not None
        session.add(meeting(ritual.id, "oneoff:1234", NOW + 5 * DAY))
        cancelled = occurrences.by_id(session, ids.after_work)
        assert cancelled is not None
        cancelled.status, cancelled.cancel_reason = OccurrenceStatus.CANCELLED, "weather"
    with session_scope(engine) as session:
        stored = {
            o.key: (o.buyer, o.status, reason)
            for o, reason in occurrences.stored_from(session, NOW, leave_out_prefix="oneoff:")
        }
    assert stored == {
        "after_work:2027-03": (None, OccurrenceStatus.CANCELLED, "weather"),
        "programming_review:ville-a:2027": ("ville-a", OccurrenceStatus.PLANNED, None),
    }


def test_a_facilitators_meetings_are_those_not_cancelled_in_the_span(engine: Engine) -> None:
    ids = seed(engine)
    with session_scope(engine) as session:
        around = occurrences.overlapping(
            session, "camille", NOW, NOW + 30 * DAY, besides=ids.review
        )
        assert [o.id for o in around] == [ids.after_work]
        spans = occurrences.starting_between(session, "camille", NOW + 15 * DAY, NOW + 20 * DAY)
        assert [s.id for s in spans] == [ids.review]
        assert occurrences.upcoming_count(session, NOW + 15 * DAY) == 1


def test_contacts_are_found_by_address_whatever_its_case(engine: Engine) -> None:
    seed(engine)
    with session_scope(engine) as session:
        found = directory.contacts_by_email(session, ["lea.martin@ville-a.example", "x@y.z"])
        assert list(found) == ["lea.martin@ville-a.example"]
        assert directory.contact_by_email(session, "lea.martin@ville-a.example") is None
        assert directory.contact_by_email(session, "Lea.Martin@ville-a.example") is not None


def test_the_directory_names_buyers_and_their_profiles(engine: Engine) -> None:
    ids = seed(engine)
    with session_scope(engine) as session:
        assert [b.slug for b in directory.buyers(session)] == ["ville-a"]
        assert directory.organisation_id(session, "ville-a") == ids.buyer
        assert directory.organisation_by_slug(session, "insertion", OrganisationRole.BUYER) is None
        assert directory.organisation_by_id(session, None) is None
        assert directory.contact_counts(session) == {ids.buyer: 1}
        [profile] = directory.buyer_profiles(session, default_facilitator="dom", default_month=9)
    assert (profile.slug, profile.facilitator, profile.programming_month) == ("ville-a", "dom", 9)


def test_open_proposals_offer_their_dates_in_order(engine: Engine) -> None:
    ids = seed(engine)
    with session_scope(engine) as session:
        every = proposals.offered_dates(session)
        others = proposals.offered_dates(
            session,
            facilitator_id="camille",
            between=(NOW + 21 * DAY, NOW + 27 * DAY),
            defaults=False,
        )
        none = proposals.offered_dates(session, besides=ids.review)
        assert proposals.with_open_proposal(session) == {ids.review}
    assert [(o.start - NOW).days for o in every] == [20, 22, 27]
    assert [o.is_default for o in every] == [True, False, False]
    assert [(o.start - NOW).days for o in others] == [22, 27]
    assert none == []


def test_a_link_opens_its_invitation_locked_on_every_engine(engine: Engine) -> None:
    ids = seed(engine)
    with session_scope(engine) as session:
        found = links.invitation(session, ids.invitation, lock=True)
        assert found is not None
        invitation, occurrence, contact = found
        assert (invitation.id, occurrence.id, contact.id) == (
            ids.invitation,
            ids.after_work,
            ids.contact,
        )
        assert links.invitation(session, 0, lock=True) is None
        proposal = proposals.proposal_of(session, ids.review)
        assert proposal is not None
        assert proposal.id is not None
        assert links.proposal(session, proposal.id, ids.contact, lock=True) is not None
        assert links.proposal(session, proposal.id, ids.contact + 1, lock=False) is None
        assert links.contact(session, ids.contact, lock=True) is not None


def test_walk_ins_are_forgotten_when_recorded_again(engine: Engine) -> None:
    ids = seed(engine)
    with session_scope(engine) as session:
        for name in ("Anne", "Bruno"):
            session.add(WalkIn(occurrence_id=ids.after_work, name=name, recorded_at=NOW))
    with session_scope(engine) as session:
        assert [w.name for w in walk_ins.recorded(session, ids.after_work)] == ["Anne", "Bruno"]
        assert walk_ins.forget(session, ids.after_work) == 2
    with session_scope(engine) as session:
        assert walk_ins.recorded(session, ids.after_work) == []


def test_the_feed_snapshot_holds_what_feeds_may_show(engine: Engine) -> None:
    ids = seed(engine)
    with session_scope(engine) as session:
        rows = feeds.feed_rows(session, since=NOW, cancelled_since=NOW - 30 * DAY)
        later = feeds.feed_rows(session, since=NOW + 15 * DAY, cancelled_since=NOW)
    assert [row.id for row in rows.meetings] == [ids.after_work, ids.review]
    assert rows.invitations == {ids.after_work: [(ids.contact, PartStat.NEEDS_ACTION)]}
    assert [(start - NOW).days for _, start, _ in rows.proposed[ids.review]] == [22, 27]
    assert rows.contacts[ids.contact].email == "Lea.Martin@ville-a.example"
    assert [row.id for row in later.meetings] == [ids.review]


def test_the_database_answers_and_is_at_the_latest_migration(engine: Engine) -> None:
    assert ping(engine) == "ok"
    current, head = schema_revisions(engine)
    assert current == head is not None
