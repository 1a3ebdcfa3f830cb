"""Reconciliation: what to create, adjust, restore and cancel so the store matches a plan.

Rules, by stored occurrence (matched to the plan by key):

- it started before `now`: never touched, and never created again (unless cancelled);
- it is announced, moved or held (`status.is_fixed`): never adjusted; the planner gives it back
  unchanged while it is still wanted;
- it is planned and the plan moved it (start, end, facilitator or theme): adjusted silently;
- it was cancelled and the plan wants it again: restored with the plan's values;
- it is not cancelled or held and its key left the plan (rule disabled, buyer gone, convention
  ended, or no room found any more): cancelled.

Planned occurrences that start before `now` are ignored: a meeting is never created in the past.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.values import Plan, PlannedOccurrence


@dataclass(frozen=True, slots=True)
class StoredOccurrence:
    """An occurrence as the store knows it."""

    key: str
    uid: str
    kind: RitualKind
    buyer: str | None
    facilitator: str
    start: datetime
    end: datetime
    theme: str | None
    status: OccurrenceStatus
    sequence: int = 0


@dataclass(frozen=True, slots=True)
class Changes:
    """What the store must do to match the plan."""

    create: tuple[PlannedOccurrence, ...] = ()
    adjust: tuple[tuple[StoredOccurrence, PlannedOccurrence], ...] = ()
    cancel: tuple[StoredOccurrence, ...] = ()
    restore: tuple[tuple[StoredOccurrence, PlannedOccurrence], ...] = ()
    """Cancelled occurrences the plan wants again (keys are unique in the store)."""

    def counts_by_kind(self) -> dict[RitualKind, tuple[int, int, int]]:
        """(created, adjusted, cancelled) per kind; restored ones count as created."""
        counts: dict[RitualKind, list[int]] = {}
        created = [*self.create, *(planned for _, planned in self.restore)]
        for column, kinds in enumerate(
            (
                [occurrence.kind for occurrence in created],
                [stored.kind for stored, _ in self.adjust],
                [stored.kind for stored in self.cancel],
            )
        ):
            for kind in kinds:
                counts.setdefault(kind, [0, 0, 0])[column] += 1
        return {kind: (row[0], row[1], row[2]) for kind, row in sorted(counts.items())}


def reconcile(plan: Plan, stored: Mapping[str, StoredOccurrence], now: datetime) -> Changes:
    """The changes that bring the stored occurrences in line with `plan`, as seen at `now`."""
    create: list[PlannedOccurrence] = []
    adjust: list[tuple[StoredOccurrence, PlannedOccurrence]] = []
    restore: list[tuple[StoredOccurrence, PlannedOccurrence]] = []
    for planned in plan.occurrences:
        existing = stored.get(planned.key)
        if planned.start < now:
            continue
        if existing is None:
            create.append(planned)
        elif existing.status is OccurrenceStatus.CANCELLED:
            restore.append((existing, planned))
        elif existing.start < now:
            continue
        elif existing.status is OccurrenceStatus.PLANNED and _differs(existing, planned):
            adjust.append((existing, planned))
    wanted = {planned.key for planned in plan.occurrences}
    cancel = [
        occurrence
        for occurrence in stored.values()
        if occurrence.key not in wanted
        and occurrence.start >= now
        and occurrence.status not in (OccurrenceStatus.CANCELLED, OccurrenceStatus.HELD)
    ]
    cancel.sort(key=lambda occurrence: (occurrence.start, occurrence.key))
    return Changes(
        create=tuple(create), adjust=tuple(adjust), cancel=tuple(cancel), restore=tuple(restore)
    )


def fixed_from_stored(
    stored: Mapping[str, StoredOccurrence], now: datetime
) -> tuple[PlannedOccurrence, ...]:
    """The planner's `fixed` input: stored occurrences people were told about, still to come."""
    fixed = [
        PlannedOccurrence(
            key=occurrence.key,
            uid=occurrence.uid,
            kind=occurrence.kind,
            buyer=occurrence.buyer,
            facilitator=occurrence.facilitator,
            start=occurrence.start,
            end=occurrence.end,
            theme=occurrence.theme,
            status=occurrence.status,
        )
        for occurrence in stored.values()
        if occurrence.status.is_fixed and occurrence.start >= now
    ]
    return tuple(sorted(fixed, key=lambda occurrence: (occurrence.start, occurrence.key)))


def _differs(stored: StoredOccurrence, planned: PlannedOccurrence) -> bool:
    """True when the plan moved a stored occurrence or changed who runs it or its theme."""
    return (stored.start, stored.end, stored.facilitator, stored.theme) != (
        planned.start,
        planned.end,
        planned.facilitator,
        planned.theme,
    )
