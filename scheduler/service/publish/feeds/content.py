"""What each calendar feed shows, built from one snapshot of the store (the four kinds of feed:
scheduler.service.publish.feeds)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlmodel import Session

from scheduler.calendar import Attendee, EventView, FeedInfo, render_feed
from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat
from scheduler.core.meeting import Meeting
from scheduler.errors import NotFoundError
from scheduler.service.publish.event_views import Visibility, event_view
from scheduler.store.feed_tokens import Subscriber, SubscriberKind
from scheduler.store.feeds import FeedContact, FeedOrganisation, feed_rows
from scheduler.store.meetings import meeting_of

PAST_DAYS = 365


@dataclass(frozen=True, slots=True)
class FeedMeeting:
    """One occurrence a feed may show: its row id, whose it is, and the meeting."""

    id: int
    organisation_id: int | None
    meeting: Meeting


@dataclass
class FeedSnapshot:
    """Everything feeds are built from, read in one transaction, and the views built so far."""

    meetings: list[FeedMeeting]
    organisations: dict[int, FeedOrganisation]
    contacts: dict[int, FeedContact]
    invitations: dict[int, list[tuple[int, PartStat]]]
    """Occurrence id → (contact id, answer), by contact id."""
    views: dict[tuple[int, str, Visibility], EventView] = field(default_factory=dict)
    """Views built so far in this export, shared by every feed."""
    proposed: dict[int, list[tuple[int, datetime, datetime]]] = field(default_factory=dict)
    """Occurrence id → the other dates its open proposal offers (proposal id, start, end):
    the buyer's feed shows nothing of it until a date is booked, the facilitator's shows every
    date as a TENTATIVE hold."""


def load_snapshot(session: Session, settings: Settings, now: datetime) -> FeedSnapshot:
    """The occurrences feeds may show at `now` (past ones a year, cancelled ones
    `feeds.keep_cancelled_days`), with organisations, contacts and invitations."""
    rows = feed_rows(
        session,
        since=now - timedelta(days=PAST_DAYS),
        cancelled_since=now - timedelta(days=settings.feeds.keep_cancelled_days),
    )
    meetings = []
    for row in rows.meetings:
        buyer = (
            rows.organisations.get(row.organisation_id) if row.organisation_id is not None else None
        )
        meeting = meeting_of(row, buyer.name if buyer else None)
        meetings.append(FeedMeeting(row.id, row.organisation_id, meeting))
    return FeedSnapshot(
        meetings, rows.organisations, rows.contacts, rows.invitations, proposed=rows.proposed
    )


@dataclass(frozen=True)
class Feed:
    """A calendar ready to render: its header and its events."""

    info: FeedInfo
    events: tuple[EventView, ...]

    def render(self) -> bytes:
        """The feed's bytes; the same while nothing in it changes."""
        return render_feed(self.info, self.events)


def public_feed(settings: Settings, snapshot: FeedSnapshot) -> Feed:
    """The territory's feed anyone may read: territory rituals, nothing personal."""
    locale = settings.organisation.locale
    events = [
        _view(settings, snapshot, listed, locale, Visibility.PUBLIC)
        for listed in snapshot.meetings
        if listed.organisation_id is None
    ]
    return _feed(settings, settings.organisation.name, events)


def buyer_feed(settings: Settings, snapshot: FeedSnapshot, organisation_id: int) -> Feed:
    """A buyer's feed: its own rituals and the territory rituals meant for buyers."""
    buyer = snapshot.organisations.get(organisation_id)
    if buyer is None or buyer.role is not OrganisationRole.BUYER:
        raise NotFoundError(f"no buyer with id {organisation_id}")
    invited = _invited_organisations(snapshot)
    locale = settings.organisation.locale
    events = [
        _view(settings, snapshot, listed, locale, Visibility.PRIVATE)
        for listed in snapshot.meetings
        if (listed.organisation_id == organisation_id and listed.id not in snapshot.proposed)
        or (
            listed.organisation_id is None
            and (
                "buyer" in settings.rituals[listed.meeting.kind].audience
                or organisation_id in invited.get(listed.id, ())
            )
        )
    ]
    return _feed(settings, _private_name(buyer.name, locale), events)


def facilitator_feed(settings: Settings, snapshot: FeedSnapshot, facilitator_id: str) -> Feed:
    """A facilitator's feed: every meeting they run, with the attendees and their answers."""
    facilitator = settings.facilitator(facilitator_id)
    if facilitator is None:
        raise NotFoundError(f"no facilitator {facilitator_id!r} in the configuration")
    events = [
        _view(settings, snapshot, listed, settings.organisation.locale, Visibility.SCHEDULING)
        for listed in snapshot.meetings
        if listed.meeting.facilitator_id == facilitator_id
    ]
    events += _holds(settings, snapshot, facilitator_id)
    return _feed(settings, _private_name(facilitator.name, settings.organisation.locale), events)


def _holds(settings: Settings, snapshot: FeedSnapshot, facilitator_id: str) -> list[EventView]:
    """The other dates of the facilitator's open proposals, as TENTATIVE events (the meeting
    itself stands at its default date, TENTATIVE too until a date is decided)."""
    locale = settings.organisation.locale
    holds = []
    for listed in snapshot.meetings:
        if listed.meeting.facilitator_id != facilitator_id:
            continue
        for proposal_id, start, end in snapshot.proposed.get(listed.id, ()):
            view = _view(settings, snapshot, listed, locale, Visibility.SCHEDULING)
            label = "Date proposée" if locale == "fr" else "Date offered"
            holds.append(
                replace(
                    view,
                    uid=f"proposal-{proposal_id}-{int(start.timestamp())}@"
                    f"{settings.organisation.uid_domain}",
                    start=start,
                    end=end,
                    status=OccurrenceStatus.PLANNED,
                    summary=f"{label} : {view.summary}"
                    if locale == "fr"
                    else f"{label}: {view.summary}",
                    attendees=(),
                    alarm_minutes=None,
                )
            )
    return holds


def contact_feed(settings: Settings, snapshot: FeedSnapshot, contact_id: int) -> Feed:
    """A contact's feed: the meetings they are invited to and have not declined, never another
    organisation's."""
    person = snapshot.contacts.get(contact_id)
    if person is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    events = [
        _view(settings, snapshot, listed, person.locale, Visibility.PRIVATE)
        for listed in snapshot.meetings
        if _answer(snapshot, listed.id, contact_id) not in (None, PartStat.DECLINED)
        and (
            person.organisation_id is None
            or listed.organisation_id in (None, person.organisation_id)
        )
    ]
    return _feed(settings, _private_name(person.name, person.locale), events)


def feed_for(settings: Settings, snapshot: FeedSnapshot, subscriber: Subscriber) -> Feed | None:
    """The private feed of `subscriber`, or None when it no longer exists."""
    try:
        if subscriber.kind is SubscriberKind.BUYER:
            return buyer_feed(settings, snapshot, int(subscriber.ref))
        if subscriber.kind is SubscriberKind.FACILITATOR:
            return facilitator_feed(settings, snapshot, subscriber.ref)
        return contact_feed(settings, snapshot, int(subscriber.ref))
    except (NotFoundError, ValueError):
        return None


def _feed(settings: Settings, name: str, events: Sequence[EventView]) -> Feed:
    info = FeedInfo(
        name=name, timezone=settings.organisation.timezone, description=settings.organisation.name
    )
    return Feed(info, tuple(events))


def _private_name(whose: str, locale: str) -> str:
    """A private feed's display name: short, since calendar lists cut long names."""
    return f"{'Clause sociale' if locale == 'fr' else 'Social clause'} — {whose}"


def _view(
    settings: Settings,
    snapshot: FeedSnapshot,
    listed: FeedMeeting,
    locale: str,
    audience: Visibility,
) -> EventView:
    """One view per occurrence, locale and audience in an export, shared by every feed."""
    key = (listed.id, locale, audience)
    view = snapshot.views.get(key)
    if view is None:
        attendees = _attendees(snapshot, listed.id) if audience is Visibility.SCHEDULING else ()
        view = event_view(
            settings, listed.meeting, locale=locale, visibility=audience, attendees=attendees
        )
        snapshot.views[key] = view
    return view


def _attendees(snapshot: FeedSnapshot, occurrence_id: int) -> list[Attendee]:
    found = []
    for contact_id, partstat in snapshot.invitations.get(occurrence_id, ()):
        person = snapshot.contacts.get(contact_id)
        if person is not None:
            found.append(Attendee(person.name, person.email, partstat))
    return sorted(found, key=lambda a: a.email.lower())


def _answer(snapshot: FeedSnapshot, occurrence_id: int, contact_id: int) -> PartStat | None:
    for invited, partstat in snapshot.invitations.get(occurrence_id, ()):
        if invited == contact_id:
            return partstat
    return None


def _invited_organisations(snapshot: FeedSnapshot) -> dict[int, set[int]]:
    """Occurrence id → the organisations one of whose contacts is invited."""
    invited: dict[int, set[int]] = {}
    for occurrence_id, answers in snapshot.invitations.items():
        for contact_id, _ in answers:
            person = snapshot.contacts.get(contact_id)
            if person is not None and person.organisation_id is not None:
                invited.setdefault(occurrence_id, set()).add(person.organisation_id)
    return invited
