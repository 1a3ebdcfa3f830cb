"""Two layers of settings: config.toml gives the starting values of the ritual catalogue and of
the facilitators; the workspace stores what a facilitator changed (as TOML tables, in the
database); the effective settings are the file's, overlaid by the stored values, validated by
the very same models (`RitualSettings`, `FacilitatorSettings`) and the same cross-checks.

Stored values, by name:
- `rituals.KIND`: the keys of that table that differ from the file, as written in TOML
  (`{"months": [4, 10]}`); a key set to None is removed (a ritual with no facilitator named);
- `facilitators`: the whole list of `[[facilitators]]` tables, replacing the file's.

A problem is a `SettingsProblem` (table, key, a code and an English sentence); the workspace
says it in French from its code (scheduler.web.workspace.words.settings).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from pydantic import ValidationError

from scheduler.config.organisation import FacilitatorSettings
from scheduler.config.rituals import RitualSettings
from scheduler.config.settings import Settings
from scheduler.config.types import WEEKDAYS
from scheduler.core.kinds import RITUALS, RitualKind, Scope
from scheduler.errors import ConfigError

FACILITATORS = "facilitators"


def ritual_name(kind: RitualKind) -> str:
    """The stored name (and TOML table) of a kind's settings: `rituals.buyer_club`."""
    return f"rituals.{kind.value}"


@dataclass(frozen=True, slots=True)
class SettingsProblem:
    """Why a set of values is refused: where (table, key), a code, and the English reason."""

    table: str
    key: str
    code: str
    message: str
    context: tuple[tuple[str, str], ...] = ()
    """The problem's values (such as a bound), for the French sentence."""

    def __str__(self) -> str:
        return f"[{self.table}] {self.key}: {self.message}" if self.key else self.message


class SettingsRefused(ConfigError):
    """Values the models or the cross-checks refuse; `problems` says which and why."""

    def __init__(self, problems: list[SettingsProblem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# --- TOML forms --------------------------------------------------------------------------


def written_duration(value: timedelta) -> str:
    """A duration as config.toml writes it: '2h', '1h30', '45min'."""
    minutes = int(value.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours}h{rest:02d}"
    return f"{hours}h" if hours else f"{rest}min"


def written_time(value: time) -> str:
    """'09:30'."""
    return f"{value:%H:%M}"


def ritual_table(ritual: RitualSettings) -> dict[str, Any]:
    """A ritual's settings as its `[rituals.KIND]` table (every key; None ones left out)."""
    table: dict[str, Any] = {
        "title": ritual.title,
        "title_en": ritual.title_en,
        "enabled": ritual.enabled,
        "cadence": ritual.cadence.value,
        "months": list(ritual.months),
        "weekdays": [WEEKDAYS[day] for day in ritual.weekdays],
        "week_of_month": ritual.week_of_month,
        "times": [written_time(at) for at in ritual.times],
        "duration": written_duration(ritual.duration),
        "on_conflict": ritual.on_conflict.value,
        "max_shift_days": ritual.max_shift_days,
        "themes": list(ritual.themes),
        "facilitator": ritual.facilitator,
        "location": ritual.location,
        "video_url": ritual.video_url,
        "audience": list(ritual.audience),
        "after_hours": ritual.after_hours,
        "window_weeks": list(ritual.window_weeks),
        "invite_days_before": ritual.invite_days_before,
        "reminders_days_before": list(ritual.reminders_days_before),
        "alarm_minutes_before": ritual.alarm_minutes_before,
        "booking": ritual.booking,
        "slots": ritual.slots,
        "choice_deadline_days": ritual.choice_deadline_days,
        "proposal_reminders_days": list(ritual.proposal_reminders_days),
    }
    return {key: value for key, value in table.items() if value is not None}


def facilitator_table(person: FacilitatorSettings) -> dict[str, Any]:
    """A facilitator as a `[[facilitators]]` table."""
    return {
        "id": person.id,
        "name": person.name,
        "email": person.email,
        "max_per_day": person.max_per_day,
        "max_per_week": person.max_per_week,
        "locale": person.locale,
    }


def differences(base: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of `wanted` that differ from `base` (None for a key `wanted` drops): what is
    stored for a ritual, so the file's later changes to other keys still apply."""
    changed = {key: value for key, value in wanted.items() if base.get(key) != value}
    changed.update({key: None for key in base if key not in wanted})
    return changed


# --- the overlay -------------------------------------------------------------------------


def overlay(settings: Settings, stored: Mapping[str, Any]) -> Settings:
    """The effective settings: `settings` (the file's) with the `stored` values on top, checked
    as the file is. Raises SettingsRefused naming each problem."""
    problems: list[SettingsProblem] = []
    rituals = dict(settings.rituals)
    for kind in RITUALS:
        changed = stored.get(ritual_name(kind))
        if not changed:
            continue
        table = {**ritual_table(settings.rituals[kind]), **changed}
        table = {key: value for key, value in table.items() if value is not None}
        try:
            rituals[kind] = RitualSettings.model_validate(table)
        except ValidationError as exc:
            problems.extend(_problems(ritual_name(kind), exc))
    facilitators = list(settings.facilitators)
    if FACILITATORS in stored:
        facilitators = []
        for index, table in enumerate(stored[FACILITATORS] or []):
            try:
                facilitators.append(FacilitatorSettings.model_validate(table))
            except ValidationError as exc:
                problems.extend(_problems(f"facilitators[{index + 1}]", exc))
    if problems:
        raise SettingsRefused(problems)
    effective = settings.model_copy(update={"rituals": rituals, "facilitators": facilitators})
    problems = cross_checks(effective)
    if problems:
        raise SettingsRefused(problems)
    return effective


def cross_checks(settings: Settings) -> list[SettingsProblem]:
    """What loading checks across tables, for settings built from the workspace's values: a
    facilitator at least, ids unique, a ritual's facilitator known, its times within working
    hours, "choose" only for a buyer's own meetings."""
    problems: list[SettingsProblem] = []
    if not settings.facilitators:
        problems.append(
            SettingsProblem(FACILITATORS, "", "no_facilitator", "at least one facilitator")
        )
    ids = [person.id for person in settings.facilitators]
    for index, person in enumerate(settings.facilitators):
        if person.id in ids[:index]:
            problems.append(
                SettingsProblem(
                    f"facilitators[{index + 1}]",
                    "id",
                    "duplicate_id",
                    f"{person.id!r} is already another facilitator's id",
                )
            )
    hours = settings.organisation.working_hours
    for kind in RITUALS:
        ritual = settings.rituals[kind]
        table = ritual_name(kind)
        if ritual.facilitator is not None and ritual.facilitator not in ids:
            problems.append(
                SettingsProblem(
                    table,
                    "facilitator",
                    "unknown_facilitator",
                    f"{ritual.facilitator!r} is not one of the [[facilitators]]",
                )
            )
        outside = ritual.outside_hours(hours)
        if outside is not None:
            start, end = outside
            problems.append(
                SettingsProblem(
                    table,
                    "times",
                    "outside_hours",
                    f"{start:%H:%M} to {end:%H:%M} is outside [organisation] working_hours "
                    f"({hours.start:%H:%M} to {hours.end:%H:%M})",
                    (
                        ("debut", f"{start:%H:%M}"),
                        ("fin", f"{end:%H:%M}"),
                        ("ouverture", f"{hours.start:%H:%M}"),
                        ("fermeture", f"{hours.end:%H:%M}"),
                    ),
                )
            )
        if ritual.booking == "choose" and kind.scope is not Scope.BUYER:
            problems.append(
                SettingsProblem(
                    table, "booking", "choose_scope", '"choose" is for a buyer\'s own meetings'
                )
            )
    return problems


def _problems(table: str, exc: ValidationError) -> list[SettingsProblem]:
    """One problem per pydantic error, at the key it names."""
    found = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        message = str(error["msg"]).removeprefix("Value error, ")
        context = tuple((str(k), str(v)) for k, v in (error.get("ctx") or {}).items())
        found.append(SettingsProblem(table, loc[0] if loc else "", error["type"], message, context))
    return found
