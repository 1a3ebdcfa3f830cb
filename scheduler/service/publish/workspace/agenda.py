"""The workspace's agenda: a month of meetings, as a paged list and as a grid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.workspace.home import local_midnight
from scheduler.store import workspace as store
from scheduler.store.db import read_session
from scheduler.store.workspace import MeetingFilter, MeetingRow, OrganisationRow, Page

AGENDA_PAGE = 100
GRID_PER_DAY = 4


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
        settings = effective_settings(settings, session)
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
