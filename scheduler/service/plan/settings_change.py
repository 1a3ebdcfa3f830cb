"""Changing the rituals and the team from the workspace (or the CLI): first a preview of what
the planner would do with the new values — computed by the same pure planner, on the current
facts, nothing written — then, on confirmation, the values stored, the change journaled and the
plan applied, in one transaction.

Safety:
- the confirmation carries the preview's digest; applying recomputes the plan and refuses when
  it is no longer the previewed one (another change came in between): what is applied is
  exactly what was shown;
- refused outright, with the reason: values the models refuse; removing a facilitator who still
  runs meetings to come or follows buyers (reassign them first);
- applied only with an explicit confirmation: a change that cancels more than half of a
  ritual's meetings (or of all of them), or disables a ritual with announced meetings (their
  CANCEL mails go);
- an announced meeting never moves (reconciliation leaves it where it is).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.config.overlay import (
    FACILITATORS,
    SettingsProblem,
    SettingsRefused,
    differences,
    facilitator_table,
    overlay,
    ritual_name,
    ritual_table,
)
from scheduler.core.kinds import RITUALS, OccurrenceStatus, RitualKind
from scheduler.core.reconcile import Changes, StoredOccurrence
from scheduler.core.values import Unplaced
from scheduler.service import wake
from scheduler.service.plan.effective import effective_settings
from scheduler.service.plan.planning import reconcile_in, write_changes
from scheduler.store import directory, journal
from scheduler.store import settings as stored_settings
from scheduler.store.db import read_session, session_scope
from scheduler.store.locks import LockKey, transaction_lock

SETTINGS_ACTIONS = ("ritual_settings", "team_settings")
"""The journal's actions of a settings change."""

Action = Literal["create", "move", "cancel", "restore"]


@dataclass(frozen=True)
class SettingsChange:
    """New values: a ritual's whole `[rituals.KIND]` table (TOML form), and/or the whole list
    of `[[facilitators]]` tables."""

    rituals: Mapping[RitualKind, Mapping[str, Any]] = field(default_factory=dict)
    facilitators: Sequence[Mapping[str, Any]] | None = None

    @property
    def action(self) -> str:
        """The journal's action."""
        return SETTINGS_ACTIONS[1] if self.facilitators is not None else SETTINGS_ACTIONS[0]


@dataclass(frozen=True, slots=True)
class MeetingChange:
    """One meeting the change creates, moves, cancels or brings back."""

    action: Action
    key: str
    kind: RitualKind
    buyer: str | None
    start: datetime
    end: datetime
    facilitator: str
    theme: str | None
    before_start: datetime | None = None
    """Where a moved meeting was."""
    before_facilitator: str | None = None
    before_theme: str | None = None
    before_key: str | None = None
    """A meeting moved to another month gets another key: the key of the one it replaces."""
    announced: bool = False
    """A cancelled meeting people were told about."""
    cancel_mails: int = 0
    """The CANCEL mails its cancellation sends (its invitations, once it was announced)."""


@dataclass(frozen=True, slots=True)
class Risk:
    """A consequence that needs an explicit confirmation: a code and its values."""

    code: Literal["many_cancelled", "mass_cancellation", "disabled_announced"]
    kind: RitualKind | None = None
    count: int = 0
    total: int = 0


@dataclass(frozen=True)
class Preview:
    """What applying a change would do to the meetings, and what must be confirmed."""

    meetings: tuple[MeetingChange, ...]
    risks: tuple[Risk, ...]
    unplaced: tuple[Unplaced, ...]
    digest: str
    """Identifies this plan: applying refuses when the recomputed plan is another."""
    buyers: Mapping[str, str] = field(default_factory=dict)
    """The buyers' names by slug, for the reader."""

    def of(self, action: Action) -> list[MeetingChange]:
        """The meetings of one action, in time order."""
        return [meeting for meeting in self.meetings if meeting.action == action]

    @property
    def moved(self) -> list[MeetingChange]:
        """The meetings that change date or time."""
        return [m for m in self.of("move") if m.before_start != m.start]

    @property
    def retouched(self) -> list[MeetingChange]:
        """The meetings that keep their date and change their theme or their facilitator."""
        return [m for m in self.of("move") if m.before_start == m.start]

    @property
    def kinds(self) -> list[RitualKind]:
        """The kinds of the meetings changed, in the catalogue's order."""
        found = {meeting.kind for meeting in self.meetings}
        return [kind for kind in RitualKind if kind in found]


@dataclass(frozen=True)
class Applied:
    """What applying did: the preview it applied, or why nothing was written."""

    preview: Preview | None = None
    stale: bool = False
    """The plan is no longer the previewed one: preview again."""
    unconfirmed: tuple[Risk, ...] = ()
    """Risks the caller did not confirm: nothing was written."""

    @property
    def done(self) -> bool:
        """True when the values were stored and the plan applied."""
        return self.preview is not None and not self.stale and not self.unconfirmed


class ChangeRefused(SettingsRefused):
    """A change refused before any preview (a model's rule, or a safety rule)."""


def proposed_values(
    settings: Settings, current: Mapping[str, Any], change: SettingsChange
) -> dict[str, Any]:
    """The stored values after `change`: each ritual's keys that differ from the file's, the
    facilitators when they differ from the file's (None: the file's apply again)."""
    values = dict(current)
    for kind, table in change.rituals.items():
        values[ritual_name(kind)] = differences(ritual_table(settings.rituals[kind]), table)
    if change.facilitators is not None:
        wanted = [dict(table) for table in change.facilitators]
        same = wanted == [facilitator_table(f) for f in settings.facilitators]
        values[FACILITATORS] = None if same else wanted
    return {name: value for name, value in values.items() if value not in (None, {})}


def preview_change(
    settings: Settings, engine: Engine, now: datetime, change: SettingsChange
) -> Preview:
    """What the planner would do with `change`, on the current facts (nothing written).
    Raises ChangeRefused when the values are refused."""
    with read_session(engine) as session:
        return _preview(session, settings, now, change)[0]


def apply_change(
    settings: Settings,
    engine: Engine,
    now: datetime,
    change: SettingsChange,
    *,
    digest: str,
    actor: str,
    confirmed: bool = False,
) -> Applied:
    """Store `change`, journal it and apply its plan, when the plan is still the one previewed
    under `digest` and its risks are `confirmed`; otherwise write nothing and say why."""
    with session_scope(engine) as session:
        transaction_lock(session.connection(), LockKey.PLANNING)
        preview, values, changes = _preview(session, settings, now, change)
        if preview.digest != digest:
            session.rollback()
            return Applied(preview=preview, stale=True)
        if preview.risks and not confirmed:
            session.rollback()
            return Applied(preview=preview, unconfirmed=preview.risks)
        current = stored_settings.values(session)
        was = effective_settings(settings, session)
        names = sorted(
            name for name in {*current, *values} if current.get(name) != values.get(name)
        )
        for name in names:
            stored_settings.put(session, name, values.get(name), now, actor)
        before, after = _journal_fields(was, overlay(settings, values))
        journal.write(session, now, actor, change.action, before=before, after=after)
        write_changes(session, changes, now)
        wake.on_commit(session, "settings")
    return Applied(preview=preview)


def _preview(
    session: Session, settings: Settings, now: datetime, change: SettingsChange
) -> tuple[Preview, dict[str, Any], Changes]:
    current = stored_settings.values(session)
    values = proposed_values(settings, current, change)
    problems: list[SettingsProblem] = []
    if change.facilitators is not None:
        problems += _departures(session, settings, current, change, now)
    try:
        proposed = overlay(settings, values)
    except SettingsRefused as refused:
        raise ChangeRefused(problems + refused.problems) from None
    if change.facilitators is not None:
        problems += _team_problems(proposed)
    if problems:
        raise ChangeRefused(problems)
    plan, stored, changes = reconcile_in(session, proposed, now)
    mails = stored_settings.invitations_by_key(
        session, [s.key for s in changes.cancel if s.status is not OccurrenceStatus.PLANNED]
    )
    meetings = _meetings(changes, mails)
    risks = _risks(meetings, stored, change)
    digest = hashlib.sha256(
        json.dumps([[repr(m) for m in meetings], values], sort_keys=True, default=str).encode()
    ).hexdigest()[:32]
    buyers = directory.names_by_slug(session, {m.buyer for m in meetings if m.buyer})
    return Preview(meetings, risks, plan.unplaced, digest, buyers), values, changes


def _departures(
    session: Session,
    settings: Settings,
    current: Mapping[str, Any],
    change: SettingsChange,
    now: datetime,
) -> list[SettingsProblem]:
    """A facilitator leaves the team only once nothing is left to them: no buyer followed, no
    meeting to come that people were told about."""
    before = {person.id for person in settings.facilitators}
    effective_before = {p.id for p in effective_settings(settings, session).facilitators}
    kept = {str(table.get("id")) for table in change.facilitators or ()}
    problems = []
    for gone in sorted((before | effective_before) - kept):
        buyers, announced = stored_settings.left_to(session, gone, now)
        if buyers or announced:
            problems.append(
                SettingsProblem(
                    FACILITATORS,
                    gone,
                    "still_in_charge",
                    f"{gone!r} still follows {buyers} buyers and runs {announced} announced "
                    "meetings to come: reassign them first",
                    (("acheteurs", str(buyers)), ("rencontres", str(announced))),
                )
            )
    return problems


def _team_problems(proposed: Settings) -> list[SettingsProblem]:
    """Two people never share an address (it is how they sign in), and nobody takes more
    meetings a day than a week."""
    problems = []
    seen: set[str] = set()
    for index, person in enumerate(proposed.facilitators):
        table = f"facilitators[{index + 1}]"
        if person.email.lower() in seen:
            problems.append(
                SettingsProblem(
                    table, "email", "duplicate_email", f"{person.email} is already on the team"
                )
            )
        seen.add(person.email.lower())
        if person.max_per_day > person.max_per_week:
            problems.append(
                SettingsProblem(
                    table, "max_per_day", "day_over_week", "more meetings a day than a week"
                )
            )
    return problems


def _meetings(changes: Changes, mails: Mapping[str, int]) -> tuple[MeetingChange, ...]:
    found: list[MeetingChange] = []
    for planned in changes.create:
        found.append(
            MeetingChange(
                "create",
                planned.key,
                planned.kind,
                planned.buyer,
                planned.start,
                planned.end,
                planned.facilitator,
                planned.theme,
            )
        )
    for action, pairs in (("restore", changes.restore), ("move", changes.adjust)):
        for stored, planned in pairs:
            found.append(
                MeetingChange(
                    action,  # type: ignore[arg-type]
                    planned.key,
                    planned.kind,
                    planned.buyer,
                    planned.start,
                    planned.end,
                    planned.facilitator,
                    planned.theme,
                    before_start=stored.start,
                    before_facilitator=stored.facilitator,
                    before_theme=stored.theme,
                )
            )
    for stored in changes.cancel:
        announced = stored.status is not OccurrenceStatus.PLANNED
        found.append(
            MeetingChange(
                "cancel",
                stored.key,
                stored.kind,
                stored.buyer,
                stored.start,
                stored.end,
                stored.facilitator,
                stored.theme,
                announced=announced,
                cancel_mails=mails.get(stored.key, 0) if announced else 0,
            )
        )
    found = _paired(found)
    found.sort(key=lambda m: (m.start, m.key, m.action))
    return tuple(found)


def _paired(found: list[MeetingChange]) -> list[MeetingChange]:
    """A planned (never announced) meeting cancelled and one of the same series created the
    same year are one meeting moved, for the reader and for the safety rules: the buyers'
    club moved from March to April cancels the March one and creates the April one."""
    series: dict[tuple[RitualKind, str | None, int], list[MeetingChange]] = {}
    for meeting in found:
        if meeting.action == "cancel" and not meeting.announced:
            series.setdefault((meeting.kind, meeting.buyer, meeting.start.year), []).append(meeting)
    paired: set[str] = set()
    moved: list[MeetingChange] = []
    for meeting in found:
        if meeting.action != "create":
            continue
        candidates = series.get((meeting.kind, meeting.buyer, meeting.start.year), [])
        if not candidates:
            continue
        old = candidates.pop(0)
        paired.update((old.key, meeting.key))
        moved.append(
            replace(
                meeting,
                action="move",
                before_start=old.start,
                before_facilitator=old.facilitator,
                before_theme=old.theme,
                before_key=old.key,
            )
        )
    return [m for m in found if m.key not in paired or m.action == "move"] + moved


def _risks(
    meetings: Sequence[MeetingChange],
    stored: Mapping[str, StoredOccurrence],
    change: SettingsChange,
) -> tuple[Risk, ...]:
    risks: list[Risk] = []
    cancels = [meeting for meeting in meetings if meeting.action == "cancel"]
    planned = sum(s.status is not OccurrenceStatus.CANCELLED for s in stored.values())
    if cancels and len(cancels) * 2 > planned:
        risks.append(Risk("mass_cancellation", count=len(cancels), total=planned))
    for kind in RITUALS:
        alive = [
            s
            for s in stored.values()
            if s.kind is kind and s.status is not OccurrenceStatus.CANCELLED
        ]
        cancelled = [m for m in cancels if m.kind is kind]
        if cancelled and len(cancelled) * 2 > len(alive):
            risks.append(Risk("many_cancelled", kind, len(cancelled), len(alive)))
    for kind, table in change.rituals.items():
        announced = [
            s
            for s in stored.values()
            if s.kind is kind and s.status in (OccurrenceStatus.ANNOUNCED, OccurrenceStatus.MOVED)
        ]
        if table.get("enabled") is False and announced:
            risks.append(Risk("disabled_announced", kind, len(announced)))
    return tuple(risks)


def _journal_fields(before: Settings, after: Settings) -> tuple[dict[str, str], dict[str, str]]:
    """The values that changed, key by key (`buyer_club.months`, `facilitators.lea`)."""
    old: dict[str, str] = {}
    new: dict[str, str] = {}

    def note(name: str, was: Any, now: Any) -> None:
        if was != now:
            old[name] = _compact(was)
            new[name] = _compact(now)

    for kind in RITUALS:
        was, now = ritual_table(before.rituals[kind]), ritual_table(after.rituals[kind])
        for key in sorted({*was, *now}):
            note(f"{kind.value}.{key}", was.get(key), now.get(key))
    was_team = {f.id: facilitator_table(f) for f in before.facilitators}
    now_team = {f.id: facilitator_table(f) for f in after.facilitators}
    for person in sorted({*was_team, *now_team}):
        note(f"facilitators.{person}", was_team.get(person), now_team.get(person))
    return old, new


def _compact(value: Any) -> str:
    """A value for the journal (none: empty)."""
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
