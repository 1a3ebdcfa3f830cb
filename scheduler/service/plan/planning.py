"""Plan and reconcile: turn the configuration and the directory into stored occurrences."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.kinds import OccurrenceStatus, RitualKind
from scheduler.core.meeting import AUTO_CANCEL_REASON
from scheduler.core.planner import plan_rituals
from scheduler.core.reconcile import Changes, StoredOccurrence, fixed_from_stored, reconcile
from scheduler.core.values import (
    BuyerProfile,
    MissingReview,
    Plan,
    PlannedOccurrence,
    Unplaced,
)
from scheduler.service import wake
from scheduler.service.plan import reuse
from scheduler.service.plan.buyers import load_buyer_profiles
from scheduler.service.plan.effective import effective_settings
from scheduler.service.plan.oneoff import ONE_OFF
from scheduler.service.plan.proposals import holds
from scheduler.store import directory, history, occurrences, revision, rituals
from scheduler.store.db import read_session, session_scope
from scheduler.store.locks import LockKey, try_transaction_lock

WRITE_BATCH = 2_000

Progress = Callable[[str, int, int], None]
"""Called as (phase, done, total) while long work goes on."""


@dataclass(frozen=True)
class KindCounts:
    """How many occurrences of one kind a plan created, adjusted and cancelled."""

    created: int = 0
    adjusted: int = 0
    cancelled: int = 0


@dataclass(frozen=True)
class PlanReport:
    """What `rituel plan` did (or would do, in a dry run)."""

    today: date
    horizon_end: date
    planned: int
    counts: dict[RitualKind, KindCounts]
    unplaced: tuple[Unplaced, ...] = field(default=())
    missing_reviews: tuple[MissingReview, ...] = field(default=())
    """Buyers with an active convention and no programming review up to the horizon."""
    dry_run: bool = False
    skipped: bool = False
    """Another instance was planning (PostgreSQL advisory lock): this one did nothing."""
    reused: bool = False
    """Nothing the plan reads changed since the last plan written: its outcome is given back,
    nothing planned nor written (scheduler.service.plan.reuse)."""
    refused: str | None = None
    """Why nothing was written: the plan would cancel too many meetings at once (see
    `mass_cancellation`); `force` writes it all the same."""

    @property
    def writes(self) -> int:
        """Rows created, adjusted or cancelled."""
        return sum(c.created + c.adjusted + c.cancelled for c in self.counts.values())


def horizon(settings: Settings, now: datetime) -> tuple[date, date]:
    """Today in the guichet's time zone, and the last day the plan covers."""
    today = now.astimezone(ZoneInfo(settings.organisation.timezone)).date()
    return today, today + relativedelta(months=settings.planning.horizon_months)


def plan_and_store(
    settings: Settings,
    engine: Engine,
    now: datetime,
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> PlanReport:
    """Plan every enabled ritual up to the horizon and reconcile the store with the plan; skip
    (and say so) while another instance on the same PostgreSQL database is planning. A plan
    that would cancel more than half of the planned meetings at once is refused (nothing
    written, the reason in `refused`) unless `force`. A dry run only reads. When nothing the
    plan reads changed since the last plan written, that plan's outcome is given back
    (`reused`) without planning."""
    today, horizon_end = horizon(settings, now)
    with read_session(engine) if dry_run else session_scope(engine) as session:
        if not dry_run and not try_transaction_lock(session.connection(), LockKey.PLANNING):
            return PlanReport(today, horizon_end, planned=0, counts={}, skipped=True)
        settings = effective_settings(settings, session, strict=True)
        changes_before = reuse.counter(session)
        outcome = reuse.reused(session, reuse.fingerprint(session, settings, now, changes_before))
        if outcome is not None:
            return PlanReport(
                today=today,
                horizon_end=horizon_end,
                planned=outcome.planned,
                counts={},
                unplaced=outcome.unplaced,
                missing_reviews=outcome.missing_reviews,
                dry_run=dry_run,
                reused=True,
            )
        plan, stored, changes = reconcile_in(session, settings, now)
        refused = None if force else mass_cancellation(changes, stored)
        if not dry_run and refused is None:
            with revision.plan_writes(session):
                write_changes(session, changes, now, progress)
            reuse.record(session, reuse.fingerprint(session, settings, now, changes_before), plan)
            wake.on_commit(session, "plan")
        else:
            session.rollback()
    return PlanReport(
        today=today,
        horizon_end=horizon_end,
        planned=len(plan.occurrences),
        counts=_counts(changes),
        unplaced=plan.unplaced,
        missing_reviews=plan.missing_reviews,
        dry_run=dry_run,
        refused=refused,
    )


def plan_is_current(settings: Settings, engine: Engine, now: datetime) -> bool:
    """True when nothing a plan at `now` reads changed since the last plan written: planning
    again would give its outcome back (the daemon's start-up check)."""
    with read_session(engine) as session:
        settings = effective_settings(settings, session)
        changes_before = reuse.counter(session)
        inputs = reuse.fingerprint(session, settings, now, changes_before)
        return reuse.reused(session, inputs) is not None


def reconcile_in(
    session: Session, settings: Settings, now: datetime
) -> tuple[Plan, dict[str, StoredOccurrence], Changes]:
    """The plan of `settings` on the store's facts at `now`, the stored meetings it was
    reconciled with, and the changes that would bring the store in line (read only)."""
    today, horizon_end = horizon(settings, now)
    buyers = load_buyer_profiles(session, settings)
    stored, cancelled_by_hand = load_stored(session, now)
    past = load_past_keys(session, now)
    held, proposed = holds(session, settings.organisation.uid_domain)
    plan = compute_plan(
        settings, buyers, stored, today, horizon_end, now, past, held=held, proposed=proposed
    )
    changes = _keep_cancelled_by_hand(reconcile(plan, stored, now), cancelled_by_hand)
    return plan, stored, changes


def mass_cancellation(changes: Changes, stored: dict[str, StoredOccurrence]) -> str | None:
    """Why applying `changes` at once is too much to do unasked: it cancels more than half of
    the meetings still planned (from now on, not cancelled) — what a truncated or mistyped
    configuration does, never a routine plan. None when it is not."""
    planned = sum(s.status is not OccurrenceStatus.CANCELLED for s in stored.values())
    cancelled = len(changes.cancel)
    if cancelled == 0 or cancelled * 2 <= planned:
        return None
    return f"it would cancel {cancelled} of the {planned} planned meetings at once (more than half)"


def missing_reviews(
    settings: Settings, session: Session, now: datetime
) -> tuple[MissingReview, ...]:
    """The buyers `rituel plan` would leave without a programming review, and why: the same
    plan, computed and not written (for `rituel check` and the digest); the last plan's when
    nothing it reads changed since."""
    settings = effective_settings(settings, session, strict=True)
    changes_before = reuse.counter(session)
    outcome = reuse.reused(session, reuse.fingerprint(session, settings, now, changes_before))
    if outcome is not None:
        return outcome.missing_reviews
    today, horizon_end = horizon(settings, now)
    buyers = load_buyer_profiles(session, settings)
    stored, _ = load_stored(session, now)
    past = load_past_keys(session, now)
    held, proposed = holds(session, settings.organisation.uid_domain)
    plan = compute_plan(
        settings, buyers, stored, today, horizon_end, now, past, held=held, proposed=proposed
    )
    return plan.missing_reviews


def compute_plan(
    settings: Settings,
    buyers: Sequence[BuyerProfile],
    stored: dict[str, StoredOccurrence],
    today: date,
    horizon_end: date,
    now: datetime,
    past: Collection[str] = (),
    *,
    held: Sequence[PlannedOccurrence] = (),
    proposed: Collection[str] = (),
) -> Plan:
    """Run the pure planner on the configuration, the buyers, what is already fixed and the
    keys of the meetings that already started; `held` are the dates open proposals offer and
    `proposed` the keys of their meetings, kept at their default date while the buyer
    chooses (scheduler.service.plan.proposals)."""
    fixed = fixed_from_stored(stored, now)
    kept = {occurrence.key for occurrence in fixed}
    waiting = fixed_from_stored(
        {
            key: replace(stored[key], status=OccurrenceStatus.ANNOUNCED)
            for key in proposed
            if key in stored and key not in kept
        },
        now,
    )
    waiting = tuple(replace(occurrence, status=OccurrenceStatus.PLANNED) for occurrence in waiting)
    return plan_rituals(
        settings.ritual_rules(),
        settings.calendar_rules(),
        settings.capacities(),
        buyers,
        today=today,
        horizon_end=horizon_end,
        fixed=(*fixed, *waiting),
        past=past,
        uid_domain=settings.organisation.uid_domain,
        held=held,
    )


def load_past_keys(session: Session, now: datetime) -> frozenset[str]:
    """The keys of the per-buyer meetings that started before `now`, whatever became of them:
    their cycle is spent, and a key is never stored twice."""
    return occurrences.past_buyer_keys(session, now)


def load_stored(session: Session, now: datetime) -> tuple[dict[str, StoredOccurrence], set[str]]:
    """Occurrences from `now` on, by key (those added by hand left out: the planner leaves
    them alone); and the keys of those cancelled by hand, which no plan brings back."""
    stored: dict[str, StoredOccurrence] = {}
    cancelled_by_hand: set[str] = set()
    for occurrence, reason in occurrences.stored_from(session, now, leave_out_prefix=ONE_OFF):
        if occurrence.status is OccurrenceStatus.CANCELLED and reason != AUTO_CANCEL_REASON:
            cancelled_by_hand.add(occurrence.key)
        stored[occurrence.key] = occurrence
    return stored, cancelled_by_hand


def _keep_cancelled_by_hand(changes: Changes, cancelled_by_hand: set[str]) -> Changes:
    """A meeting the operator cancelled stays cancelled, whatever the plan says."""
    restore = tuple(pair for pair in changes.restore if pair[0].key not in cancelled_by_hand)
    return replace(changes, restore=restore)


def write_changes(
    session: Session,
    changes: Changes,
    now: datetime,
    progress: Progress | None = None,
) -> None:
    """Apply a reconciliation to the store, in the caller's transaction."""
    total = len(changes.create) + len(changes.adjust) + len(changes.cancel) + len(changes.restore)
    done = 0
    ritual_ids = _ensure_rituals(session, changes.create)
    org_ids = directory.organisation_ids(session)
    fresh = [_new_row(planned, ritual_ids, org_ids, now) for planned in changes.create]
    for start in range(0, len(fresh), WRITE_BATCH):
        batch = fresh[start : start + WRITE_BATCH]
        occurrences.insert_many(session, batch)
        history.record_keys(session, [row["key"] for row in batch], now, history.Source.PLAN)
        done += len(batch)
        if progress:
            progress("writing", done, total)
    for stored, planned in changes.restore:
        _revive(session, stored, planned, now)
    for stored, planned in changes.adjust:
        _change(session, stored, now, **_placement(planned))
    for stored in changes.cancel:
        _change(
            session,
            stored,
            now,
            status=OccurrenceStatus.CANCELLED,
            cancel_reason=AUTO_CANCEL_REASON,
        )
    if progress:
        progress("writing", total, total)


def _revive(
    session: Session, stored: StoredOccurrence, planned: PlannedOccurrence, now: datetime
) -> None:
    """A meeting the plan had dropped comes back: same row and UID, a higher SEQUENCE."""
    _change(
        session,
        stored,
        now,
        status=OccurrenceStatus.PLANNED,
        cancel_reason=None,
        **_placement(planned),
    )


def _placement(planned: PlannedOccurrence) -> dict[str, Any]:
    """The columns the planner decides."""
    return {
        "start": planned.start,
        "end": planned.end,
        "facilitator_id": planned.facilitator,
        "theme": planned.theme,
    }


def _change(session: Session, stored: StoredOccurrence, now: datetime, **values: Any) -> None:
    """Change a stored occurrence as subscribers will see it: SEQUENCE + 1, stamped `now`."""
    occurrences.change_by_key(session, stored.key, stored.sequence + 1, now, **values)
    history.record_keys(session, [stored.key], now, history.Source.PLAN)


def ritual_key(kind: RitualKind, buyer: str | None) -> str:
    """The key of the series an occurrence belongs to."""
    return f"{kind.value}:{buyer or 'territory'}"


def _ensure_rituals(session: Session, planned: Iterable[PlannedOccurrence]) -> dict[str, int]:
    """The id of every series the new occurrences belong to, creating missing series."""
    wanted = {ritual_key(p.kind, p.buyer): (p.kind, p.buyer) for p in planned}
    existing = rituals.ids_by_key(session)
    missing = [key for key in wanted if key not in existing]
    if missing:
        org_ids = directory.organisation_ids(session)
        rituals.insert_many(
            session,
            [
                {
                    "key": key,
                    "kind": wanted[key][0].value,
                    "organisation_id": org_ids.get(wanted[key][1] or ""),
                    "enabled": True,
                }
                for key in missing
            ],
        )
        existing = rituals.ids_by_key(session)
    return existing


def _new_row(
    planned: PlannedOccurrence,
    ritual_ids: dict[str, int],
    org_ids: dict[str, int],
    now: datetime,
) -> dict[str, Any]:
    return {
        "ritual_id": ritual_ids[ritual_key(planned.kind, planned.buyer)],
        "key": planned.key,
        "uid": planned.uid,
        "kind": planned.kind.value,
        "organisation_id": org_ids.get(planned.buyer) if planned.buyer else None,
        "facilitator_id": planned.facilitator,
        "theme": planned.theme,
        "start": planned.start,
        "end": planned.end,
        "status": OccurrenceStatus.PLANNED,
        "sequence": 0,
        "changed_at": now,
    }


def _counts(changes: Changes) -> dict[RitualKind, KindCounts]:
    return {kind: KindCounts(*row) for kind, row in changes.counts_by_kind().items()}
