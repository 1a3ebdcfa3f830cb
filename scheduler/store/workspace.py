"""The workspace's read models: every question its pages ask of the database, by name.

Each function runs a bounded number of queries whatever the directory's size: a list is one
query for a page of rows (LIMIT/OFFSET) and one per column it adds, each over the page's ids
(`IN`), never a query per row. Rows come back as frozen values; the service layer words them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, PartStat, RitualKind
from scheduler.core.messages import MessageState
from scheduler.core.text import slugify
from scheduler.store.feed_tokens import SubscriberKind
from scheduler.store.models import (
    Contact,
    Convention,
    FeedToken,
    Invitation,
    Message,
    Occurrence,
    Organisation,
)

OPEN_STATUSES = (OccurrenceStatus.PLANNED, OccurrenceStatus.ANNOUNCED, OccurrenceStatus.MOVED)
"""Meetings not yet held nor cancelled."""


# --- values --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingRow:
    """One meeting, with its buyer when it concerns one."""

    id: int
    uid: str
    kind: RitualKind
    theme: str | None
    start: datetime
    end: datetime
    status: OccurrenceStatus
    sequence: int
    facilitator_id: str
    cancel_reason: str | None
    changed_at: datetime
    buyer_slug: str | None
    buyer_name: str | None


T = TypeVar("T")
Query = Select[*tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list, and how long the list is."""

    rows: tuple[T, ...]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one)."""
        return max(1, -(-self.total // self.size))


@dataclass(frozen=True, slots=True)
class Pending:
    """A meeting soon, and how many invitees have not answered it."""

    meeting: MeetingRow
    unanswered: int


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One invitee's answer to one meeting."""

    contact_id: int
    contact_name: str
    contact_email: str
    organisation_name: str | None
    partstat: PartStat
    responded_at: datetime | None
    attended: bool | None
    meeting: MeetingRow | None = None
    source: str | None = None
    """Where the shown answer came from (scheduler.core.kinds.AnswerSource)."""


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One outbox row, with the meeting it is about."""

    id: int
    kind: str
    recipient: str
    recipient_name: str
    contact_id: int | None
    state: MessageState
    due_at: datetime
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    sequence: int
    meeting_uid: str | None
    meeting_kind: RitualKind | None
    meeting_start: datetime | None
    buyer_name: str | None


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    """An organisation of the directory."""

    id: int
    slug: str
    name: str
    role: OrganisationRole
    kind: str
    territory: str
    facilitator_id: str | None
    programming_month: int | None


@dataclass(frozen=True, slots=True)
class ConventionRow:
    """A buyer's partnership convention."""

    id: int
    organisation_id: int
    signed_on: date | None
    start_date: date
    end_date: date
    status: str
    confidential: bool
    financial_participation_cents: int | None
    renewal_notice_days: int


@dataclass(frozen=True, slots=True)
class BuyerLine:
    """A line of the buyers' list."""

    organisation: OrganisationRow
    convention: ConventionRow | None
    last_held_review: datetime | None
    next_review: MeetingRow | None
    next_meeting: MeetingRow | None


@dataclass(frozen=True, slots=True)
class ContactRow:
    """A person of the directory (or of the guichet when `organisation_id` is None)."""

    id: int
    name: str
    email: str
    job: str
    locale: str
    kinds: str
    unsubscribed_kinds: str
    unsubscribed: bool
    organisation_id: int | None
    organisation_slug: str | None
    organisation_name: str | None
    organisation_role: OrganisationRole | None


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """A subscriber's private feed link: when the live one was issued, or when the last one was
    revoked (the link itself is never stored)."""

    issued_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class Reminder:
    """A buyer that needs something, with the date that explains why."""

    organisation: OrganisationRow
    when: date | datetime | None


def _with_total(
    session: Session, query: Query, limit: int, offset: int = 0
) -> tuple[list[tuple[Any, ...]], int]:
    """A page of `query`'s rows and how many rows the whole query has, in one statement (a
    window count); a second one only for a page past the end."""
    rows = session.execute(
        query.add_columns(func.count().over().label("rows_in_all")).limit(limit).offset(offset)
    ).all()
    if rows:
        return [tuple(row)[:-1] for row in rows], int(rows[0][-1])
    if offset == 0:
        return [], 0
    return [], int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


# --- meetings ------------------------------------------------------------------------------------

_Buyer: Any = aliased(Organisation)


def _meeting_query() -> Query:
    return select(
        col(Occurrence.id),
        col(Occurrence.uid),
        col(Occurrence.kind),
        col(Occurrence.theme),
        col(Occurrence.start),
        col(Occurrence.end),
        col(Occurrence.status),
        col(Occurrence.sequence),
        col(Occurrence.facilitator_id),
        col(Occurrence.cancel_reason),
        col(Occurrence.changed_at),
        _Buyer.slug,
        _Buyer.name,
    ).outerjoin(_Buyer, _Buyer.id == col(Occurrence.organisation_id))


def _meeting(row: Any) -> MeetingRow:
    return MeetingRow(
        id=row[0],
        uid=row[1],
        kind=RitualKind(row[2]),
        theme=row[3],
        start=row[4],
        end=row[5],
        status=OccurrenceStatus(row[6]),
        sequence=row[7],
        facilitator_id=row[8],
        cancel_reason=row[9],
        changed_at=row[10],
        buyer_slug=row[11],
        buyer_name=row[12],
    )


@dataclass(frozen=True, slots=True)
class MeetingFilter:
    """What the agenda narrows meetings to (None: any)."""

    kind: RitualKind | None = None
    buyer_id: int | None = None
    facilitator_id: str | None = None
    status: OccurrenceStatus | None = None

    def apply(self, query: Query) -> Query:
        """`query` narrowed to this filter."""
        if self.kind is not None:
            query = query.where(col(Occurrence.kind) == self.kind.value)
        if self.buyer_id is not None:
            query = query.where(col(Occurrence.organisation_id) == self.buyer_id)
        if self.facilitator_id is not None:
            query = query.where(col(Occurrence.facilitator_id) == self.facilitator_id)
        if self.status is not None:
            query = query.where(col(Occurrence.status) == self.status.value)
        return query


def meetings_between(
    session: Session,
    start: datetime,
    end: datetime,
    narrow: MeetingFilter = MeetingFilter(),
    *,
    limit: int | None = None,
    offset: int = 0,
    without_cancelled: bool = False,
) -> list[MeetingRow]:
    """Meetings starting in [start, end), in order."""
    query = narrow.apply(_meeting_query()).where(
        col(Occurrence.start) >= start, col(Occurrence.start) < end
    )
    if without_cancelled:
        query = query.where(col(Occurrence.status) != OccurrenceStatus.CANCELLED.value)
    query = query.order_by(col(Occurrence.start), col(Occurrence.id)).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [_meeting(row) for row in session.execute(query)]


def meetings_between_capped(
    session: Session,
    start: datetime,
    end: datetime,
    narrow: MeetingFilter,
    limit: int,
) -> tuple[list[MeetingRow], int]:
    """The first `limit` meetings starting in [start, end), in order, and how many there are."""
    query = narrow.apply(_meeting_query()).where(
        col(Occurrence.start) >= start, col(Occurrence.start) < end
    )
    rows, total = _with_total(
        session, query.order_by(col(Occurrence.start), col(Occurrence.id)), limit
    )
    return [_meeting(row) for row in rows], total


def meeting_by_uid(session: Session, uid: str) -> MeetingRow | None:
    """The meeting with this UID."""
    row = session.execute(_meeting_query().where(col(Occurrence.uid) == uid)).first()
    return _meeting(row) if row is not None else None


def meetings_by_id(session: Session, ids: Iterable[int]) -> dict[int, MeetingRow]:
    """The meetings with these ids."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = session.execute(_meeting_query().where(col(Occurrence.id).in_(wanted)))
    return {meeting.id: meeting for meeting in map(_meeting, rows)}


def unanswered_soon(
    session: Session, start: datetime, end: datetime, facilitator_id: str | None, limit: int
) -> tuple[list[Pending], int]:
    """Meetings starting in [start, end), not cancelled, with invitees who have not answered:
    the first `limit` in order, and how many there are."""
    base = (
        select(col(Invitation.occurrence_id), func.count().label("waiting"))
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .where(
            col(Invitation.partstat) == PartStat.NEEDS_ACTION.value,
            col(Occurrence.start) >= start,
            col(Occurrence.start) < end,
            col(Occurrence.status).in_([s.value for s in OPEN_STATUSES]),
        )
        .group_by(col(Invitation.occurrence_id))
    )
    if facilitator_id is not None:
        base = base.where(col(Occurrence.facilitator_id) == facilitator_id)
    rows, total = _with_total(session, base.order_by(func.min(col(Occurrence.start))), limit)
    counts: dict[int, int] = {row[0]: int(row[1]) for row in rows}
    meetings = meetings_by_id(session, counts)
    pending = [Pending(meetings[i], counts[i]) for i in counts if i in meetings]
    pending.sort(key=lambda p: (p.meeting.start, p.meeting.id))
    return pending, total


def answers_since(
    session: Session, since: datetime, facilitator_id: str | None, limit: int
) -> tuple[list[AnswerRow], int]:
    """Answers recorded after `since`, the latest first, and how many there are."""
    base = (
        select(
            col(Contact.id),
            col(Contact.name),
            col(Contact.email),
            col(Organisation.name),
            col(Invitation.partstat),
            col(Invitation.responded_at),
            col(Invitation.attended),
            col(Invitation.occurrence_id),
        )
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Contact.organisation_id))
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .where(col(Invitation.responded_at) > since)
    )
    if facilitator_id is not None:
        base = base.where(col(Occurrence.facilitator_id) == facilitator_id)
    # Two statements, each walking the index on responded_at, beat one window count that
    # would sort every answer since then.
    total = int(session.execute(select(func.count()).select_from(base.subquery())).scalar_one())
    rows = [
        tuple(row)
        for row in session.execute(
            base.order_by(col(Invitation.responded_at).desc(), col(Invitation.id)).limit(limit)
        )
    ]
    meetings = meetings_by_id(session, (row[7] for row in rows))
    return [_answer(row, meetings.get(row[7])) for row in rows], total


def _answer(row: Any, meeting: MeetingRow | None = None) -> AnswerRow:
    return AnswerRow(
        contact_id=row[0],
        contact_name=row[1],
        contact_email=row[2],
        organisation_name=row[3],
        partstat=PartStat(row[4]),
        responded_at=row[5],
        attended=row[6],
        meeting=meeting,
    )


def past_not_held(
    session: Session, now: datetime, facilitator_id: str | None, limit: int
) -> tuple[list[MeetingRow], int]:
    """Meetings that ended before `now` and are neither held nor cancelled: the latest first."""
    query = _meeting_query().where(
        col(Occurrence.start) <= now,  # what the index on start can narrow
        col(Occurrence.end) <= now,
        col(Occurrence.status).in_([s.value for s in OPEN_STATUSES]),
    )
    if facilitator_id is not None:
        query = query.where(col(Occurrence.facilitator_id) == facilitator_id)
    rows, total = _with_total(session, query.order_by(col(Occurrence.start).desc()), limit)
    return [_meeting(row) for row in rows], total


def invitees(
    session: Session, occurrence_id: int, *, limit: int, offset: int = 0
) -> tuple[list[AnswerRow], dict[PartStat, int]]:
    """A page of a meeting's invitees by name, and how many gave each answer."""
    rows = session.execute(
        select(
            col(Contact.id),
            col(Contact.name),
            col(Contact.email),
            col(Organisation.name),
            col(Invitation.partstat),
            col(Invitation.responded_at),
            col(Invitation.attended),
            col(Invitation.answer_source),
        )
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Contact.organisation_id))
        .where(col(Invitation.occurrence_id) == occurrence_id)
        .order_by(col(Contact.name), col(Contact.id))
        .limit(limit)
        .offset(offset)
    ).all()
    counts = {
        PartStat(partstat): int(count)
        for partstat, count in session.execute(
            select(col(Invitation.partstat), func.count())
            .where(col(Invitation.occurrence_id) == occurrence_id)
            .group_by(col(Invitation.partstat))
        )
    }
    return [replace(_answer(row), source=row[7]) for row in rows], counts


def attendance_counts(session: Session, occurrence_id: int) -> tuple[int, int]:
    """How many invitees were recorded present, and absent."""
    rows: dict[bool, int] = {
        bool(row[0]): int(row[1])
        for row in session.execute(
            select(col(Invitation.attended), func.count())
            .where(
                col(Invitation.occurrence_id) == occurrence_id,
                col(Invitation.attended).is_not(None),
            )
            .group_by(col(Invitation.attended))
        )
    }
    return int(rows.get(True, 0)), int(rows.get(False, 0))


# --- the outbox ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageFilter:
    """What the outbox narrows messages to (None: any)."""

    state: MessageState | None = None
    occurrence_id: int | None = None
    contact_id: int | None = None
    recipient: str | None = None

    def apply(self, query: Query) -> Query:
        """`query` narrowed to this filter."""
        if self.state is not None:
            query = query.where(col(Message.state) == self.state.value)
        if self.occurrence_id is not None:
            query = query.where(col(Message.occurrence_id) == self.occurrence_id)
        if self.contact_id is not None:
            query = query.where(col(Message.contact_id) == self.contact_id)
        if self.recipient is not None:
            query = query.where(func.lower(col(Message.recipient)) == self.recipient.lower())
        return query


def messages(
    session: Session, narrow: MessageFilter, *, limit: int, offset: int = 0
) -> Page[MessageRow]:
    """A page of outbox rows, the latest due first."""
    total = int(
        session.execute(narrow.apply(select(func.count()).select_from(Message))).scalar_one()
    )
    query = narrow.apply(
        select(
            col(Message.id),
            col(Message.kind),
            col(Message.recipient),
            col(Message.recipient_name),
            col(Message.contact_id),
            col(Message.state),
            col(Message.due_at),
            col(Message.sent_at),
            col(Message.attempts),
            col(Message.last_error),
            col(Message.sequence),
            col(Occurrence.uid),
            col(Occurrence.kind),
            col(Occurrence.start),
            _Buyer.name,
        )
        .outerjoin(Occurrence, col(Occurrence.id) == col(Message.occurrence_id))
        .outerjoin(_Buyer, _Buyer.id == col(Occurrence.organisation_id))
    )
    rows = session.execute(
        query.order_by(col(Message.due_at).desc(), col(Message.id).desc())
        .limit(limit)
        .offset(offset)
    )
    found = tuple(
        MessageRow(
            id=r[0],
            kind=str(r[1]),
            recipient=r[2],
            recipient_name=r[3],
            contact_id=r[4],
            state=MessageState(r[5]),
            due_at=r[6],
            sent_at=r[7],
            attempts=r[8],
            last_error=r[9],
            sequence=r[10],
            meeting_uid=r[11],
            meeting_kind=RitualKind(r[12]) if r[12] else None,
            meeting_start=r[13],
            buyer_name=r[14],
        )
        for r in rows
    )
    return Page(found, total, offset // limit + 1 if limit else 1, limit)


def message_counts(
    session: Session, narrow: MessageFilter = MessageFilter()
) -> dict[MessageState, int]:
    """How many messages are in each state."""
    query = narrow.apply(select(col(Message.state), func.count()).select_from(Message)).group_by(
        col(Message.state)
    )
    return {MessageState(state): int(count) for state, count in session.execute(query)}


# --- the directory -------------------------------------------------------------------------------


def _organisation(row: Organisation) -> OrganisationRow:
    assert row.id is not None
    return OrganisationRow(
        id=row.id,
        slug=row.slug,
        name=row.name,
        role=OrganisationRole(row.role),
        kind=row.kind,
        territory=row.territory,
        facilitator_id=row.facilitator_id,
        programming_month=row.programming_month,
    )


def _convention(row: Convention) -> ConventionRow:
    assert row.id is not None
    return ConventionRow(
        id=row.id,
        organisation_id=row.organisation_id,
        signed_on=row.signed_on,
        start_date=row.start_date,
        end_date=row.end_date,
        status=row.status,
        confidential=row.confidential,
        financial_participation_cents=row.financial_participation_cents,
        renewal_notice_days=row.renewal_notice_days,
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _organisation_search(query: Query, search: str) -> Query:
    """Organisations whose name holds `search` (any case), or whose slug holds it without
    accents ("lisiere" finds "Lisière")."""
    words = search.strip()
    if not words:
        return query
    conditions = [col(Organisation.name).ilike(_like(words), escape="\\")]
    folded = slugify(words)
    if folded:
        conditions.append(col(Organisation.slug).like(_like(folded), escape="\\"))
    return query.where(or_(*conditions))


def organisations(
    session: Session,
    *,
    role: OrganisationRole | None,
    search: str,
    facilitator_id: str | None = None,
    limit: int,
    offset: int = 0,
) -> Page[OrganisationRow]:
    """A page of organisations by name."""
    query = select(Organisation)
    if role is not None:
        query = query.where(col(Organisation.role) == role.value)
    if facilitator_id is not None:
        query = query.where(col(Organisation.facilitator_id) == facilitator_id)
    query = _organisation_search(query, search)
    rows, total = _with_total(
        session, query.order_by(col(Organisation.name), col(Organisation.id)), limit, offset
    )
    return Page(tuple(_organisation(row[0]) for row in rows), total, offset // limit + 1, limit)


def organisation_by_slug(session: Session, slug: str) -> OrganisationRow | None:
    """The organisation with this slug."""
    row = session.execute(
        select(Organisation).where(col(Organisation.slug) == slug)
    ).scalar_one_or_none()
    return _organisation(row) if row is not None else None


def contact_counts(session: Session, organisation_ids: Sequence[int]) -> dict[int, int]:
    """How many contacts each organisation has."""
    if not organisation_ids:
        return {}
    return {
        int(org): int(count)
        for org, count in session.execute(
            select(col(Contact.organisation_id), func.count())
            .where(col(Contact.organisation_id).in_(list(organisation_ids)))
            .group_by(col(Contact.organisation_id))
        )
    }


def buyer_lines(
    session: Session, buyers: Sequence[OrganisationRow], now: datetime
) -> list[BuyerLine]:
    """For a page of buyers: the latest convention, the last held review, the next planned
    review and the next meeting of each (four queries over the page)."""
    ids = [b.id for b in buyers]
    if not ids:
        return []
    latest: dict[int, ConventionRow] = {}
    for row in session.execute(
        select(Convention)
        .where(col(Convention.organisation_id).in_(ids))
        .order_by(col(Convention.start_date))
    ).scalars():
        latest[row.organisation_id] = _convention(row)
    review = RitualKind.PROGRAMMING_REVIEW.value
    held: dict[int, datetime] = {
        row[0]: row[1]
        for row in session.execute(
            select(col(Occurrence.organisation_id), func.max(col(Occurrence.start)))
            .where(
                col(Occurrence.organisation_id).in_(ids),
                col(Occurrence.kind) == review,
                col(Occurrence.status) == OccurrenceStatus.HELD.value,
            )
            .group_by(col(Occurrence.organisation_id))
        )
    }
    next_review = _first_ahead(session, ids, now, kind=review)
    next_meeting = _first_ahead(session, ids, now, kind=None)
    return [
        BuyerLine(
            organisation=buyer,
            convention=latest.get(buyer.id),
            last_held_review=held.get(buyer.id),
            next_review=next_review.get(buyer.id),
            next_meeting=next_meeting.get(buyer.id),
        )
        for buyer in buyers
    ]


def _first_ahead(
    session: Session, organisation_ids: list[int], now: datetime, kind: str | None
) -> dict[int, MeetingRow]:
    """Each organisation's first meeting from `now` on (of `kind`), not cancelled."""
    first = (
        select(col(Occurrence.organisation_id), func.min(col(Occurrence.start)).label("first"))
        .where(
            col(Occurrence.organisation_id).in_(organisation_ids),
            col(Occurrence.start) >= now,
            col(Occurrence.status).in_([s.value for s in OPEN_STATUSES]),
        )
        .group_by(col(Occurrence.organisation_id))
    )
    if kind is not None:
        first = first.where(col(Occurrence.kind) == kind)
    firsts = first.subquery()
    query = (
        _meeting_query()
        .add_columns(firsts.c.organisation_id)
        .join(
            firsts,
            and_(
                firsts.c.organisation_id == col(Occurrence.organisation_id),
                firsts.c.first == col(Occurrence.start),
            ),
        )
        .where(col(Occurrence.status).in_([s.value for s in OPEN_STATUSES]))
    )
    if kind is not None:
        query = query.where(col(Occurrence.kind) == kind)
    found: dict[int, MeetingRow] = {}
    for row in session.execute(query.order_by(col(Occurrence.id))):
        found.setdefault(int(row[13]), _meeting(row))
    return found


def conventions_of(session: Session, organisation_id: int) -> list[ConventionRow]:
    """A buyer's conventions, the latest first."""
    rows = session.execute(
        select(Convention)
        .where(col(Convention.organisation_id) == organisation_id)
        .order_by(col(Convention.start_date).desc())
    ).scalars()
    return [_convention(row) for row in rows]


def renewal_meetings(session: Session, organisation_id: int) -> list[MeetingRow]:
    """A buyer's convention renewal meetings, not cancelled."""
    rows = session.execute(
        _meeting_query()
        .where(
            col(Occurrence.organisation_id) == organisation_id,
            col(Occurrence.kind) == RitualKind.CONVENTION_RENEWAL.value,
            col(Occurrence.status) != OccurrenceStatus.CANCELLED.value,
        )
        .order_by(col(Occurrence.start))
    )
    return [_meeting(row) for row in rows]


def meetings_of_organisation(
    session: Session, organisation_id: int, now: datetime, *, ahead: bool, limit: int
) -> tuple[list[MeetingRow], int]:
    """The meetings of an organisation (its own, and those one of its contacts is invited to):
    the next ones in order, or the past ones latest first; and how many there are."""
    invited = (
        select(col(Invitation.occurrence_id))
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .where(col(Contact.organisation_id) == organisation_id)
    )
    concerns = or_(
        col(Occurrence.organisation_id) == organisation_id, col(Occurrence.id).in_(invited)
    )
    when = col(Occurrence.start) >= now if ahead else col(Occurrence.start) < now
    order = col(Occurrence.start) if ahead else col(Occurrence.start).desc()
    rows = session.execute(_meeting_query().where(concerns, when).order_by(order).limit(limit))
    total = session.execute(
        select(func.count()).select_from(Occurrence).where(concerns, when)
    ).scalar_one()
    return [_meeting(row) for row in rows], int(total)


def _contact_query() -> Query:
    return select(
        col(Contact.id),
        col(Contact.name),
        col(Contact.email),
        col(Contact.job),
        col(Contact.locale),
        col(Contact.kinds),
        col(Contact.unsubscribed_kinds),
        col(Contact.unsubscribed),
        col(Contact.organisation_id),
        col(Organisation.slug),
        col(Organisation.name),
        col(Organisation.role),
    ).outerjoin(Organisation, col(Organisation.id) == col(Contact.organisation_id))


def _contact(row: Any) -> ContactRow:
    return ContactRow(
        id=row[0],
        name=row[1],
        email=row[2],
        job=row[3],
        locale=row[4],
        kinds=row[5],
        unsubscribed_kinds=row[6],
        unsubscribed=row[7],
        organisation_id=row[8],
        organisation_slug=row[9],
        organisation_name=row[10],
        organisation_role=OrganisationRole(row[11]) if row[11] else None,
    )


def contacts_of(session: Session, organisation_id: int, limit: int = 200) -> list[ContactRow]:
    """An organisation's contacts by name."""
    rows = session.execute(
        _contact_query()
        .where(col(Contact.organisation_id) == organisation_id)
        .order_by(col(Contact.name), col(Contact.id))
        .limit(limit)
    )
    return [_contact(row) for row in rows]


def contacts(
    session: Session,
    *,
    search: str,
    unsubscribed_only: bool = False,
    limit: int,
    offset: int = 0,
) -> Page[ContactRow]:
    """A page of contacts by name; `search` looks in names, addresses and organisations."""
    query = _contact_query()
    words = search.strip()
    if words:
        pattern = _like(words)
        query = query.where(
            or_(
                col(Contact.name).ilike(pattern, escape="\\"),
                col(Contact.email).ilike(pattern, escape="\\"),
                col(Organisation.name).ilike(pattern, escape="\\"),
                col(Organisation.slug).like(_like(slugify(words) or words), escape="\\"),
            )
        )
    if unsubscribed_only:
        query = query.where(or_(col(Contact.unsubscribed), col(Contact.unsubscribed_kinds) != ""))
    rows, total = _with_total(
        session, query.order_by(col(Contact.name), col(Contact.id)), limit, offset
    )
    return Page(tuple(map(_contact, rows)), total, offset // limit + 1, limit)


def contact_by_id(session: Session, contact_id: int) -> ContactRow | None:
    """The contact with this id."""
    row = session.execute(_contact_query().where(col(Contact.id) == contact_id)).first()
    return _contact(row) if row is not None else None


def invitations_of_contact(
    session: Session, contact_id: int, limit: int
) -> tuple[list[AnswerRow], int]:
    """A contact's invitations, the latest meeting first, with each meeting."""
    rows = session.execute(
        select(
            col(Contact.id),
            col(Contact.name),
            col(Contact.email),
            col(Organisation.name),
            col(Invitation.partstat),
            col(Invitation.responded_at),
            col(Invitation.attended),
            col(Invitation.occurrence_id),
        )
        .join(Contact, col(Contact.id) == col(Invitation.contact_id))
        .outerjoin(Organisation, col(Organisation.id) == col(Contact.organisation_id))
        .join(Occurrence, col(Occurrence.id) == col(Invitation.occurrence_id))
        .where(col(Invitation.contact_id) == contact_id)
        .order_by(col(Occurrence.start).desc())
        .limit(limit)
    ).all()
    total = session.execute(
        select(func.count()).select_from(Invitation).where(col(Invitation.contact_id) == contact_id)
    ).scalar_one()
    meetings = meetings_by_id(session, (row[7] for row in rows))
    return [_answer(row, meetings.get(row[7])) for row in rows], int(total)


def feed_status(session: Session, kind: SubscriberKind, ref: str) -> FeedStatus:
    """Whether a subscriber has a live feed link (since when), or when the last was revoked."""
    rows = session.execute(
        select(col(FeedToken.created_at), col(FeedToken.revoked_at))
        .where(col(FeedToken.subscriber_kind) == kind.value, col(FeedToken.subscriber_ref) == ref)
        .order_by(col(FeedToken.id).desc())
        .limit(1)
    ).first()
    if rows is None:
        return FeedStatus(None, None)
    created, revoked = rows
    return FeedStatus(created if revoked is None else None, revoked)


# --- what needs the facilitator ------------------------------------------------------------------


def _active_buyers(today: date, facilitator_id: str | None) -> Query:
    """Buyers with a convention in force on `today` (uncorrelated subqueries: SQLite runs each
    once, not once per buyer)."""
    active = select(col(Convention.organisation_id)).where(
        col(Convention.status) == "active",
        col(Convention.start_date) <= today,
        col(Convention.end_date) >= today,
    )
    query = select(Organisation).where(
        col(Organisation.role) == OrganisationRole.BUYER, col(Organisation.id).in_(active)
    )
    if facilitator_id is not None:
        query = query.where(col(Organisation.facilitator_id) == facilitator_id)
    return query


def _reviewed(*conditions: Any) -> Query:
    """The buyers with a programming review matching `conditions`."""
    return select(col(Occurrence.organisation_id)).where(
        col(Occurrence.organisation_id).is_not(None),
        col(Occurrence.kind) == RitualKind.PROGRAMMING_REVIEW.value,
        *conditions,
    )


def _limited(session: Session, query: Query, limit: int) -> tuple[list[OrganisationRow], int]:
    """The first `limit` organisations by name, and how many there are (one statement)."""
    rows, total = _with_total(
        session, query.order_by(col(Organisation.name), col(Organisation.id)), limit
    )
    return [_organisation(row[0]) for row in rows], total


def buyers_without_held_review(
    session: Session, today: date, since: datetime, facilitator_id: str | None, limit: int
) -> tuple[list[OrganisationRow], int]:
    """Buyers with an active convention and no programming review held since `since`."""
    held = _reviewed(
        col(Occurrence.status) == OccurrenceStatus.HELD.value, col(Occurrence.start) >= since
    )
    query = _active_buyers(today, facilitator_id).where(col(Organisation.id).not_in(held))
    return _limited(session, query, limit)


def buyers_without_planned_review(
    session: Session, today: date, now: datetime, facilitator_id: str | None, limit: int
) -> tuple[list[OrganisationRow], int]:
    """Buyers with an active convention and no programming review ahead: the planner found no
    room for it in its window (or it was cancelled)."""
    ahead = _reviewed(
        col(Occurrence.status).in_([s.value for s in OPEN_STATUSES]), col(Occurrence.start) >= now
    )
    query = _active_buyers(today, facilitator_id).where(col(Organisation.id).not_in(ahead))
    return _limited(session, query, limit)


def conventions_ending(
    session: Session, today: date, until: date, facilitator_id: str | None, limit: int
) -> tuple[list[Reminder], int]:
    """Active conventions ending in [today, until] whose buyer has no renewal meeting (not
    cancelled) since the convention started."""
    renewal = exists().where(
        col(Occurrence.organisation_id) == col(Convention.organisation_id),
        col(Occurrence.kind) == RitualKind.CONVENTION_RENEWAL.value,
        col(Occurrence.status) != OccurrenceStatus.CANCELLED.value,
        col(Occurrence.start) >= col(Convention.start_date),
    )
    query = (
        select(Organisation, col(Convention.end_date))
        .join(Convention, col(Convention.organisation_id) == col(Organisation.id))
        .where(
            col(Convention.status) == "active",
            col(Convention.end_date) >= today,
            col(Convention.end_date) <= until,
            ~renewal,
        )
    )
    if facilitator_id is not None:
        query = query.where(col(Organisation.facilitator_id) == facilitator_id)
    rows, total = _with_total(
        session, query.order_by(col(Convention.end_date), col(Organisation.id)), limit
    )
    return [Reminder(_organisation(org), end) for org, end in rows], total
