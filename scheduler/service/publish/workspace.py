"""What each page of the facilitator's workspace shows, read from the store in one read-only
transaction per page. Pages word these values (scheduler.web.workspace); every list is paged or
capped, and each page runs a fixed number of queries whatever the directory's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from scheduler.config import Settings
from scheduler.core.kinds import OrganisationRole, PartStat
from scheduler.core.messages import MessageState
from scheduler.store import journal
from scheduler.store import workspace as store
from scheduler.store.db import read_session
from scheduler.store.feed_tokens import SubscriberKind
from scheduler.store.history import Step, steps_of
from scheduler.store.models import Occurrence, WalkIn
from scheduler.store.workspace import (
    AnswerRow,
    BuyerLine,
    ContactRow,
    ConventionRow,
    FeedStatus,
    MeetingFilter,
    MeetingRow,
    MessageFilter,
    MessageRow,
    OrganisationRow,
    Page,
    Pending,
    Reminder,
)

HOME_LIMIT = 10
"""Items shown per list on the home page (each says how many there are in all)."""
WEEK_LIMIT = 50
PAGE_SIZE = 50
AGENDA_PAGE = 100
GRID_PER_DAY = 4
ANSWERS_FALLBACK = timedelta(days=7)
"""Without an earlier visit, "answers since your last visit" covers this long."""
UNANSWERED_DAYS = 14
REVIEW_MONTHS = 12
RENEWAL_MONTHS = 6


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Capped(Generic[T]):
    """The first items of a list, and how many there are in all."""

    items: tuple[T, ...]
    total: int

    @property
    def more(self) -> int:
        """How many are not shown."""
        return max(0, self.total - len(self.items))


def _capped(found: tuple[list[T], int]) -> Capped[T]:
    return Capped(tuple(found[0]), found[1])


@dataclass(frozen=True, slots=True)
class HomeView:
    """The home page: this week's and next week's meetings, and what to act on."""

    everyone: bool
    week_start: date
    this_week: Capped[MeetingRow]
    next_week: Capped[MeetingRow]
    unanswered: Capped[Pending]
    answers_since: datetime
    answers: Capped[AnswerRow]
    failed: Page[MessageRow]
    no_held_review: Capped[OrganisationRow]
    no_planned_review: Capped[OrganisationRow]
    conventions_ending: Capped[Reminder]
    past_not_held: Capped[MeetingRow]


def local_today(settings: Settings, now: datetime) -> date:
    """Today in the guichet's time zone."""
    return now.astimezone(ZoneInfo(settings.organisation.timezone)).date()


def local_midnight(settings: Settings, day: date) -> datetime:
    """The instant `day` starts in the guichet's time zone."""
    return datetime.combine(day, time(0), ZoneInfo(settings.organisation.timezone))


def home(
    settings: Settings,
    engine: Engine,
    now: datetime,
    *,
    facilitator_id: str | None,
    since: datetime | None,
) -> HomeView:
    """What needs `facilitator_id` (None: the whole guichet) at `now`."""
    today = local_today(settings, now)
    monday = today - timedelta(days=today.weekday())
    week = local_midnight(settings, monday)
    following = local_midnight(settings, monday + timedelta(days=7))
    after = local_midnight(settings, monday + timedelta(days=14))
    narrow = MeetingFilter(facilitator_id=facilitator_id)
    answers_from = since or now - ANSWERS_FALLBACK
    with read_session(engine) as session:
        this_week = store.meetings_between_capped(session, week, following, narrow, WEEK_LIMIT)
        next_week = store.meetings_between_capped(session, following, after, narrow, WEEK_LIMIT)
        return HomeView(
            everyone=facilitator_id is None,
            week_start=monday,
            this_week=_capped(this_week),
            next_week=_capped(next_week),
            unanswered=_capped(
                store.unanswered_soon(
                    session,
                    now,
                    now + timedelta(days=UNANSWERED_DAYS),
                    facilitator_id,
                    HOME_LIMIT,
                )
            ),
            answers_since=answers_from,
            answers=_capped(store.answers_since(session, answers_from, facilitator_id, HOME_LIMIT)),
            failed=store.messages(
                session, MessageFilter(state=MessageState.FAILED), limit=HOME_LIMIT
            ),
            no_held_review=_capped(
                store.buyers_without_held_review(
                    session,
                    today,
                    now - relativedelta(months=REVIEW_MONTHS),
                    facilitator_id,
                    HOME_LIMIT,
                )
            ),
            no_planned_review=_capped(
                store.buyers_without_planned_review(session, today, now, facilitator_id, HOME_LIMIT)
            ),
            conventions_ending=_capped(
                store.conventions_ending(
                    session,
                    today,
                    today + relativedelta(months=RENEWAL_MONTHS),
                    facilitator_id,
                    HOME_LIMIT,
                )
            ),
            past_not_held=_capped(store.past_not_held(session, now, facilitator_id, HOME_LIMIT)),
        )


# --- agenda --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GridDay:
    """One day of the month grid."""

    day: date
    in_month: bool
    meetings: tuple[MeetingRow, ...]
    more: int


@dataclass(frozen=True, slots=True)
class AgendaView:
    """A month of meetings: a page of the list, and the grid."""

    month: date
    narrow: MeetingFilter
    buyer: OrganisationRow | None
    listed: Page[MeetingRow]
    weeks: tuple[tuple[GridDay, ...], ...]
    unknown_buyer: bool = False


def month_of(text: str | None, today: date) -> date:
    """The first day of the month written 'YYYY-MM', else of `today`'s month."""
    try:
        year, month = (text or "").split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        return today.replace(day=1)


def agenda(
    settings: Settings,
    engine: Engine,
    month: date,
    narrow: MeetingFilter,
    *,
    buyer_slug: str | None,
    page: int,
) -> AgendaView:
    """The meetings of `month` matching `narrow` (and the buyer `buyer_slug`)."""
    first = month.replace(day=1)
    following = first + relativedelta(months=1)
    with read_session(engine) as session:
        buyer = store.organisation_by_slug(session, buyer_slug) if buyer_slug else None
        if buyer_slug and buyer is None:
            empty: Page[MeetingRow] = Page((), 0, 1, AGENDA_PAGE)
            return AgendaView(first, narrow, None, empty, _grid(first, []), unknown_buyer=True)
        if buyer is not None:
            narrow = MeetingFilter(narrow.kind, buyer.id, narrow.facilitator_id, narrow.status)
        meetings = store.meetings_between(
            session, local_midnight(settings, first), local_midnight(settings, following), narrow
        )
    page = max(1, min(page, max(1, -(-len(meetings) // AGENDA_PAGE))))
    shown = meetings[(page - 1) * AGENDA_PAGE : page * AGENDA_PAGE]
    listed = Page(tuple(shown), len(meetings), page, AGENDA_PAGE)
    return AgendaView(first, narrow, buyer, listed, _grid(first, meetings, settings))


def _grid(
    first: date, meetings: list[MeetingRow], settings: Settings | None = None
) -> tuple[tuple[GridDay, ...], ...]:
    """The weeks (Monday to Sunday) covering the month of `first`."""
    zone = ZoneInfo(settings.organisation.timezone if settings else "Europe/Paris")
    by_day: dict[date, list[MeetingRow]] = {}
    for meeting in meetings:
        by_day.setdefault(meeting.start.astimezone(zone).date(), []).append(meeting)
    day = first - timedelta(days=first.weekday())
    following = first + relativedelta(months=1)
    weeks = []
    while day < following:
        week = []
        for _ in range(7):
            found = by_day.get(day, [])
            week.append(
                GridDay(
                    day,
                    day.month == first.month,
                    tuple(found[:GRID_PER_DAY]),
                    max(0, len(found) - GRID_PER_DAY),
                )
            )
            day += timedelta(days=1)
        weeks.append(tuple(week))
    return tuple(weeks)


# --- a meeting -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A meeting's page."""

    meeting: MeetingRow
    steps: tuple[Step, ...]
    invitees: Page[AnswerRow]
    answers: dict[PartStat, int]
    present: int
    absent: int
    messages: Page[MessageRow]
    message_counts: dict[MessageState, int]
    place: str
    video_url: str
    description: str | None = None
    own_place: str | None = None
    """The meeting's own place and video link, None when it keeps its ritual's."""
    own_video_url: str | None = None
    journal: tuple[journal.Entry, ...] = ()
    walk_ins: tuple[WalkIn, ...] = ()
    headcount: int | None = None


def meeting(
    settings: Settings, engine: Engine, uid: str, *, page: int, mail_page: int
) -> MeetingView | None:
    """The meeting `uid`, with a page of its invitees and of its mails."""
    with read_session(engine) as session:
        found = store.meeting_by_uid(session, uid)
        if found is None:
            return None
        page, mail_page = max(1, page), max(1, mail_page)
        rows, answers = store.invitees(
            session, found.id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        present, absent = store.attendance_counts(session, found.id)
        narrow = MessageFilter(occurrence_id=found.id)
        mails = store.messages(session, narrow, limit=PAGE_SIZE, offset=(mail_page - 1) * PAGE_SIZE)
        counts = store.message_counts(session, narrow)
        steps = tuple(steps_of(session, found.id))
        details = session.execute(
            select(
                col(Occurrence.description),
                col(Occurrence.location),
                col(Occurrence.video_url),
                col(Occurrence.headcount),
            ).where(col(Occurrence.id) == found.id)
        ).one()
        walkers = tuple(
            session.execute(
                select(WalkIn).where(col(WalkIn.occurrence_id) == found.id).order_by(col(WalkIn.id))
            ).scalars()
        )
        changes = tuple(journal.entries(session, occurrence_id=found.id))
    ritual = settings.rituals[found.kind]
    return MeetingView(
        meeting=found,
        steps=steps,
        invitees=Page(tuple(rows), sum(answers.values()), page, PAGE_SIZE),
        answers=answers,
        present=present,
        absent=absent,
        messages=mails,
        message_counts=counts,
        place=ritual.location if details.location is None else details.location,
        video_url=ritual.video_url if details.video_url is None else details.video_url,
        description=details.description,
        own_place=details.location,
        own_video_url=details.video_url,
        journal=changes,
        walk_ins=walkers,
        headcount=details.headcount,
    )


# --- the directory -------------------------------------------------------------------------------


def buyers(
    settings: Settings, engine: Engine, now: datetime, *, search: str, page: int
) -> Page[BuyerLine]:
    """A page of buyers by name, each with its convention, reviews and next meeting."""
    page = max(1, page)
    with read_session(engine) as session:
        found = store.organisations(
            session,
            role=OrganisationRole.BUYER,
            search=search,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        lines = store.buyer_lines(session, found.rows, now)
    return Page(tuple(lines), found.total, page, PAGE_SIZE)


@dataclass(frozen=True, slots=True)
class OrganisationView:
    """An organisation's page (a buyer's has conventions and a feed)."""

    organisation: OrganisationRow
    contacts: tuple[ContactRow, ...]
    conventions: tuple[ConventionRow, ...]
    renewals: tuple[MeetingRow, ...]
    ahead: Capped[MeetingRow]
    past: Capped[MeetingRow]
    feed: FeedStatus | None
    contact_feeds: dict[int, FeedStatus] = field(default_factory=dict)
    journal: tuple[journal.Entry, ...] = ()


def organisation(
    settings: Settings, engine: Engine, slug: str, now: datetime
) -> OrganisationView | None:
    """The organisation `slug`, its contacts, its meetings (and a buyer's conventions)."""
    with read_session(engine) as session:
        found = store.organisation_by_slug(session, slug)
        if found is None:
            return None
        is_buyer = found.role is OrganisationRole.BUYER
        return OrganisationView(
            organisation=found,
            contacts=tuple(store.contacts_of(session, found.id)),
            conventions=tuple(store.conventions_of(session, found.id)) if is_buyer else (),
            renewals=tuple(store.renewal_meetings(session, found.id)) if is_buyer else (),
            ahead=_capped(
                store.meetings_of_organisation(session, found.id, now, ahead=True, limit=20)
            ),
            past=_capped(
                store.meetings_of_organisation(session, found.id, now, ahead=False, limit=20)
            ),
            feed=store.feed_status(session, SubscriberKind.BUYER, str(found.id))
            if is_buyer
            else None,
            journal=tuple(journal.entries(session, organisation_id=found.id, limit=30)),
        )


def organisations(
    engine: Engine, *, role: OrganisationRole | None, search: str, page: int
) -> tuple[Page[OrganisationRow], dict[int, int]]:
    """A page of organisations by name, and how many contacts each has."""
    page = max(1, page)
    with read_session(engine) as session:
        found = store.organisations(
            session, role=role, search=search, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        counts = store.contact_counts(session, [o.id for o in found.rows])
    return found, counts


def contacts(engine: Engine, *, search: str, unsubscribed: bool, page: int) -> Page[ContactRow]:
    """A page of contacts by name."""
    page = max(1, page)
    with read_session(engine) as session:
        return store.contacts(
            session,
            search=search,
            unsubscribed_only=unsubscribed,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact's page."""

    contact: ContactRow
    invitations: Capped[AnswerRow]
    messages: Page[MessageRow]
    feed: FeedStatus


def contact(engine: Engine, contact_id: int) -> ContactView | None:
    """The contact `contact_id`, their invitations and the mails sent to them."""
    with read_session(engine) as session:
        found = store.contact_by_id(session, contact_id)
        if found is None:
            return None
        return ContactView(
            contact=found,
            invitations=_capped(store.invitations_of_contact(session, contact_id, 50)),
            messages=store.messages(session, MessageFilter(contact_id=contact_id), limit=20),
            feed=store.feed_status(session, SubscriberKind.CONTACT, str(contact_id)),
        )


# --- the outbox ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutboxView:
    """A page of the outbox and how many mails are in each state."""

    narrow: MessageFilter
    messages: Page[MessageRow]
    counts: dict[MessageState, int]
    meeting: MeetingRow | None


def outbox(
    engine: Engine,
    *,
    state: MessageState | None,
    meeting_uid: str | None,
    recipient: str | None,
    page: int,
) -> OutboxView:
    """A page of mails, the latest due first, narrowed by state, meeting and recipient."""
    page = max(1, page)
    with read_session(engine) as session:
        found = store.meeting_by_uid(session, meeting_uid) if meeting_uid else None
        narrow = MessageFilter(
            state=state,
            occurrence_id=found.id if found else (-1 if meeting_uid else None),
            recipient=recipient or None,
        )
        rows = store.messages(session, narrow, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        counts = store.message_counts(
            session, MessageFilter(None, narrow.occurrence_id, None, narrow.recipient)
        )
    return OutboxView(narrow, rows, counts, found)
