"""The workspace's home page: this week's and next week's meetings, and what to act on; and what
every page shares (capped lists, the guichet's day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.core.messages import MessageState
from scheduler.store import workspace as store
from scheduler.store.db import read_session
from scheduler.store.workspace import (
    AnswerRow,
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


def capped(found: tuple[list[T], int]) -> Capped[T]:
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
            this_week=capped(this_week),
            next_week=capped(next_week),
            unanswered=capped(
                store.unanswered_soon(
                    session,
                    now,
                    now + timedelta(days=UNANSWERED_DAYS),
                    facilitator_id,
                    HOME_LIMIT,
                )
            ),
            answers_since=answers_from,
            answers=capped(store.answers_since(session, answers_from, facilitator_id, HOME_LIMIT)),
            failed=store.messages(
                session, MessageFilter(state=MessageState.FAILED), limit=HOME_LIMIT
            ),
            no_held_review=capped(
                store.buyers_without_held_review(
                    session,
                    today,
                    now - relativedelta(months=REVIEW_MONTHS),
                    facilitator_id,
                    HOME_LIMIT,
                )
            ),
            no_planned_review=capped(
                store.buyers_without_planned_review(session, today, now, facilitator_id, HOME_LIMIT)
            ),
            conventions_ending=capped(
                store.conventions_ending(
                    session,
                    today,
                    today + relativedelta(months=RENEWAL_MONTHS),
                    facilitator_id,
                    HOME_LIMIT,
                )
            ),
            past_not_held=capped(store.past_not_held(session, now, facilitator_id, HOME_LIMIT)),
        )
