"""Value types the planner reads and returns: frozen, comparable, free of I/O."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from scheduler.core.kinds import Cadence, OccurrenceStatus, OnConflict, ReviewGap, RitualKind

UID_NAMESPACE = uuid.UUID("6f0f6a4e-6a39-5c1b-9d2e-0c9b7c1e2a51")


@dataclass(frozen=True, slots=True)
class MonthDay:
    """A day of the year without a year, as blackouts are written ("08-01")."""

    month: int
    day: int


@dataclass(frozen=True, slots=True)
class Blackout:
    """A period, repeated every year, when no meeting is held; may wrap over New Year."""

    start: MonthDay
    end: MonthDay

    def contains(self, day: date) -> bool:
        """True when `day` falls inside the period, both ends included."""
        here = (day.month, day.day)
        first = (self.start.month, self.start.day)
        last = (self.end.month, self.end.day)
        if first <= last:
            return first <= here <= last
        return here >= first or here <= last


@dataclass(frozen=True, slots=True)
class CalendarRules:
    """Where and when meetings may happen for one guichet."""

    timezone: str = "Europe/Paris"
    country: str = "FR"
    subdivision: str | None = None
    blackouts: tuple[Blackout, ...] = ()
    working_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    working_start: time = time(9, 0)
    working_end: time = time(18, 30)


@dataclass(frozen=True, slots=True)
class Capacity:
    """How many meetings one facilitator may run a day and a week."""

    facilitator: str
    max_per_day: int = 2
    max_per_week: int = 6


@dataclass(frozen=True, slots=True)
class RitualRule:
    """How one kind of ritual is planned (from config.toml's [rituals.KIND])."""

    kind: RitualKind
    title: str
    enabled: bool = True
    cadence: Cadence = Cadence.YEARLY
    months: tuple[int, ...] = ()
    """Months a territory series meets in; empty means derived from the cadence."""
    weekdays: tuple[int, ...] = (1, 3)
    """Preferred weekdays, 0 = Monday; the planner never leaves them."""
    week_of_month: int = 2
    """The series meets on the first preferred weekday of this week of the month (1..4)."""
    times: tuple[time, ...] = (time(10, 0),)
    """Local start times, tried in order to avoid a facilitator's overlapping meetings."""
    duration: timedelta = timedelta(hours=2)
    on_conflict: OnConflict = OnConflict.SHIFT
    max_shift_days: int = 21
    themes: tuple[str, ...] = ()
    facilitator: str | None = None
    """Who runs a territory series; None means the first facilitator."""
    window_weeks: tuple[int, int] = (8, 3)
    """Per-buyer kinds: the weeks that bound the window (before programming month / after a
    convention starts / before a convention ends, by kind)."""


@dataclass(frozen=True, slots=True)
class ConventionTerm:
    """A buyer's partnership convention, as far as planning cares."""

    key: str
    start: date
    end: date
    active: bool = True


@dataclass(frozen=True, slots=True)
class BuyerProfile:
    """A buyer, as far as planning cares."""

    slug: str
    facilitator: str
    programming_month: int = 10
    conventions: tuple[ConventionTerm, ...] = ()


@dataclass(frozen=True, slots=True)
class PlannedOccurrence:
    """One dated meeting the plan says should exist."""

    key: str
    uid: str
    kind: RitualKind
    buyer: str | None
    facilitator: str
    start: datetime
    end: datetime
    theme: str | None = None
    status: OccurrenceStatus = OccurrenceStatus.PLANNED


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A meeting the plan wanted but could not fit in its window, and why."""

    key: str
    kind: RitualKind
    buyer: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class MissingReview:
    """A buyer with an active convention but no programming review between today and the
    horizon, and why: `window` is the review window the cause is about (the next one that could
    have held it), `until` the convention's end (CONVENTION_ENDS), `day` the review's day when it
    falls after the horizon, `detail` the planner's own words (NO_ROOM)."""

    buyer: str
    facilitator: str
    cause: ReviewGap
    window: tuple[date, date] | None = None
    until: date | None = None
    day: date | None = None
    detail: str = ""

    def describe(self, horizon_end: date) -> str:
        """The reason in the operator's words (English)."""
        first, last = self.window or (None, None)
        if self.cause is ReviewGap.NO_ROOM:
            return f"no slot in its window: {self.detail}"
        if self.cause is ReviewGap.CONVENTION_ENDS:
            return f"its convention ends on {self.until}, before its next window opens ({first})"
        if self.day is not None:
            return f"its next review is on {self.day}, after the horizon ({horizon_end})"
        return f"its next window ({first} to {last}) is after the horizon ({horizon_end})"


@dataclass(frozen=True, slots=True)
class Plan:
    """The planner's answer: what should exist, what could not be placed, and the active buyers
    left without a programming review."""

    occurrences: tuple[PlannedOccurrence, ...]
    unplaced: tuple[Unplaced, ...] = field(default=())
    missing_reviews: tuple[MissingReview, ...] = field(default=())


def occurrence_uid(key: str, domain: str) -> str:
    """The iCalendar UID of an occurrence: stable for its key, opaque to readers."""
    return f"{uuid.uuid5(UID_NAMESPACE, key)}@{domain}"
