"""The ritual catalogue: one `[rituals.KIND]` table per kind of ritual, each key defaulting to
the handbook's rhythm for that kind (`RITUAL_DEFAULTS`), and the planner's view of it.

A ritual's meetings happen inside the guichet's working hours, from start to end, unless the
ritual is marked `after_hours` (the after-work, by default): `RitualSettings.outside_hours`
names the first one that does not fit, and loading refuses the configuration.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from scheduler.config.organisation import WorkingHours
from scheduler.config.types import Audience, Duration, Named, Table, TimeOfDay, Weekday
from scheduler.core.kinds import RITUALS, Cadence, OnConflict, RitualKind
from scheduler.core.values import RitualRule


def _buyers_only() -> list[Audience]:
    return ["buyer"]


class RitualSettings(Table):
    """One [rituals.KIND] table; every key defaults to the handbook's rhythm for the kind."""

    title: str
    title_en: str
    enabled: bool = True
    cadence: Annotated[Cadence, Named] = Cadence.YEARLY
    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(default_factory=list)
    weekdays: list[Weekday] = Field(default_factory=lambda: [1, 3])
    week_of_month: int = Field(default=2, ge=1, le=4)
    times: list[TimeOfDay] = Field(default_factory=lambda: [time(10, 0)], min_length=1)
    duration: Duration = timedelta(hours=2)
    on_conflict: Annotated[OnConflict, Named] = OnConflict.SHIFT
    max_shift_days: int = Field(default=21, ge=0, le=31)
    themes: list[str] = Field(default_factory=list)
    facilitator: str | None = None
    location: str = ""
    video_url: str = ""
    audience: list[Audience] = Field(default_factory=_buyers_only)
    after_hours: bool = False
    """Held out of the working hours (an after-work): its times are not held to them."""
    window_weeks: Annotated[tuple[int, int], Named] = (8, 3)
    invite_days_before: int = Field(default=30, ge=0)
    reminders_days_before: list[Annotated[int, Field(ge=0)]] = Field(default_factory=lambda: [7, 1])
    alarm_minutes_before: int | None = Field(default=None, ge=0)
    booking: Literal["choose", "impose"] = "impose"
    """Per-buyer kinds: "choose" sends the buyer dates to choose from (a proposal) at the
    invitation's lead time instead of the invitation; "impose" invites to the planner's date.
    The buyer's own meetings (programming review, internal awareness, convention renewal)
    default to "choose"; territory rituals always impose."""
    slots: int = Field(default=4, ge=3, le=5)
    """How many dates a proposal offers, the planner's default one included."""
    choice_deadline_days: int = Field(default=21, ge=1)
    """A proposal's deadline: this many days before its first date; then the default date
    is confirmed."""
    proposal_reminders_days: list[Annotated[int, Field(ge=0)]] = Field(
        default_factory=lambda: [7, 2]
    )
    """Reminders of an unanswered proposal, in days before its deadline."""

    @model_validator(mode="before")
    @classmethod
    def _single_forms(cls, data: Any) -> Any:
        """Accept `weekday = "thursday"` and `time = "18:00"` beside the list forms."""
        if isinstance(data, dict):
            data = dict(data)
            if "weekday" in data:
                data["weekdays"] = [data.pop("weekday")]
            if "time" in data:
                data["times"] = [data.pop("time")]
        return data

    def outside_hours(self, hours: WorkingHours) -> tuple[time, time] | None:
        """The first meeting (start, end) of this ritual that does not fit in `hours`; None
        when all fit, the ritual is held after hours, or it is disabled (it plans nothing)."""
        if self.after_hours or not self.enabled:
            return None
        opening = datetime.combine(date.min, hours.start)
        closing = datetime.combine(date.min, hours.end)
        for at in self.times:
            start = datetime.combine(date.min, at)
            end = start + self.duration
            if start < opening or end > closing:
                return at, end.time()
        return None

    def rule(self, kind: RitualKind) -> RitualRule:
        """The planner's view of this table."""
        return RitualRule(
            kind=kind,
            title=self.title,
            enabled=self.enabled,
            cadence=self.cadence,
            months=tuple(self.months),
            weekdays=tuple(self.weekdays),
            week_of_month=self.week_of_month,
            times=tuple(self.times),
            duration=self.duration,
            on_conflict=self.on_conflict,
            max_shift_days=self.max_shift_days,
            themes=tuple(self.themes),
            facilitator=self.facilitator,
            window_weeks=self.window_weeks,
        )


RITUAL_DEFAULTS: dict[RitualKind, dict[str, Any]] = {
    RitualKind.PROGRAMMING_REVIEW: {
        "cadence": "yearly",
        "times": ["10:00", "14:30"],
        "weekdays": ["tuesday", "wednesday", "thursday"],
        "window_weeks": (8, 3),
        "invite_days_before": 45,
        "audience": ["buyer", "guichet"],
        "booking": "choose",
    },
    RitualKind.STEERING_COMMITTEE: {
        "cadence": "yearly",
        "months": [6],
        "times": ["14:00"],
        "duration": "2h30",
        "audience": ["buyer", "partner", "guichet"],
    },
    RitualKind.BUYER_CLUB: {
        "cadence": "semiannual",
        "months": [3, 10],
        "times": ["09:30"],
        "audience": ["buyer", "guichet"],
    },
    RitualKind.AFTER_WORK: {
        "cadence": "bimonthly",
        "weekdays": ["thursday"],
        "week_of_month": 3,
        "times": ["18:00"],
        "after_hours": True,
        "invite_days_before": 21,
        "audience": ["buyer", "partner", "guichet"],
    },
    RitualKind.INTERNAL_AWARENESS: {
        "cadence": "per_convention",
        "times": ["10:00", "14:00"],
        "window_weeks": (3, 10),
        "duration": "1h30",
        "audience": ["buyer", "guichet"],
        "booking": "choose",
    },
    RitualKind.B2B_MEETUP: {
        "cadence": "semiannual",
        "months": [5, 11],
        "times": ["09:00"],
        "duration": "3h",
        "audience": ["buyer", "supplier", "guichet"],
    },
    RitualKind.ANNUAL_RESTITUTION: {
        "cadence": "yearly",
        "months": [2],
        "times": ["10:00"],
        "duration": "2h30",
        "audience": ["buyer", "supplier", "partner", "guichet"],
    },
    RitualKind.CONVENTION_RENEWAL: {
        "cadence": "per_convention",
        "times": ["10:00", "14:30"],
        "window_weeks": (16, 10),
        "duration": "1h30",
        "invite_days_before": 30,
        "audience": ["buyer", "guichet"],
        "booking": "choose",
    },
    RitualKind.OTHER: {
        "enabled": False,
        "cadence": "yearly",
        "times": ["10:00"],
        "invite_days_before": 21,
        "audience": ["guichet"],
    },
}
"""What each kind is unless its [rituals.KIND] table says otherwise; OTHER's are fixed (a
meeting added by hand has no ritual to set: it is invited when added, reminded like any)."""


def with_defaults(given: dict[str, Any]) -> dict[str, Any]:
    """Every kind's table: its defaults, overridden by the [rituals.KIND] table written (kept
    as written when it is not a table, and unknown kinds kept, for validation to refuse)."""
    if RitualKind.OTHER.value in given:
        raise ValueError(
            "[rituals.other]: a meeting of another kind is added by hand (the workspace's "
            "« Nouvelle rencontre »); it has no settings to write"
        )
    merged: dict[str, Any] = {
        RitualKind.OTHER.value: {
            "title": RitualKind.OTHER.title("fr"),
            "title_en": RitualKind.OTHER.title("en"),
            **RITUAL_DEFAULTS[RitualKind.OTHER],
        }
    }
    for kind in RITUALS:
        table = given.get(kind.value, {})
        if not isinstance(table, dict):
            merged[kind.value] = table
            continue
        merged[kind.value] = {
            "title": kind.title("fr"),
            "title_en": kind.title("en"),
            **RITUAL_DEFAULTS[kind],
            **table,
        }
    for name in given:
        if name not in merged:
            merged[name] = given[name]
    return merged
