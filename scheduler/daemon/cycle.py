"""One whole cycle of the service: plan, enqueue, dispatch what is due, export the feeds.

The daemon runs its parts on their own rhythm; `rituel run --once` runs them all once, at the
instant `--now` gives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from scheduler.clock import Clock, fixed_clock
from scheduler.config import Settings
from scheduler.logs import get_logger
from scheduler.service.deliver.mailing import SendReport, send_due
from scheduler.service.plan.planning import PlanReport, plan_and_store
from scheduler.service.publish.feeds import ExportReport, export_feeds

log = get_logger("cycle")


@dataclass
class CycleReport:
    """What one cycle did."""

    plan: PlanReport | None = None
    feeds: ExportReport | None = None
    mail: SendReport | None = None


async def plan_step(settings: Settings, engine: Engine, now: datetime) -> PlanReport:
    """Plan and reconcile, off the event loop (it is database work)."""
    report = await asyncio.to_thread(plan_and_store, settings, engine, now)
    if report.skipped:
        log.info("plan skipped: another instance is planning")
        return report
    if report.refused is not None:
        log.error(
            "plan refused, nothing written: %s (`rituel plan --force` applies it)", report.refused
        )
        return report
    if report.reused:
        log.info(
            "plan %s → %s: nothing it reads changed since the last plan (%d meetings)",
            report.today,
            report.horizon_end,
            report.planned,
        )
        return report
    created = sum(c.created for c in report.counts.values())
    adjusted = sum(c.adjusted for c in report.counts.values())
    cancelled = sum(c.cancelled for c in report.counts.values())
    log.info(
        "plan %s → %s: %d meetings; created %d, adjusted %d, cancelled %d; unplaced %d",
        report.today,
        report.horizon_end,
        report.planned,
        created,
        adjusted,
        cancelled,
        len(report.unplaced),
    )
    for missing in report.missing_reviews:
        log.warning(
            "no programming review for %s until %s: %s",
            missing.buyer,
            report.horizon_end,
            missing.describe(report.horizon_end),
        )
    return report


async def export_step(settings: Settings, engine: Engine, now: datetime) -> ExportReport:
    """Write the feeds whose content changed, off the event loop."""
    report = await asyncio.to_thread(export_feeds, settings, engine, now)
    if report.written or report.removed:
        log.info(
            "feeds: %d written, %d unchanged, %d removed, %d events, in %s",
            len(report.written),
            report.unchanged,
            len(report.removed),
            report.events,
            report.folder,
        )
    return report


async def mail_step(
    settings: Settings,
    engine: Engine,
    clock: Clock,
    *,
    should_stop: Callable[[], bool] | None = None,
    occurrence_ids: Sequence[int] | None = None,
) -> SendReport:
    """Enqueue what the message policy wants by now (for every meeting, or only the
    `occurrence_ids` given), then send what is due (claiming no further batch once
    `should_stop()` is True)."""
    report = await send_due(
        settings, engine, clock, should_stop=should_stop, occurrence_ids=occurrence_ids
    )
    queued, sent = report.enqueued, report.dispatched
    if queued.added or queued.cancelled or sent.handled:
        log.info(
            "mail: enqueued %d (cancelled %d); sent %d, retried %d, failed %d, skipped %d",
            queued.added,
            queued.cancelled,
            sent.sent,
            sent.retried,
            sent.failed,
            sent.skipped,
        )
    if sent.stopped:
        log.error("mail: sending stopped: %s", sent.stopped)
    for error in sent.errors:
        log.warning("mail: %s", error)
    return report


async def run_cycle(settings: Settings, engine: Engine, now: datetime) -> CycleReport:
    """Every step once, in order, at `now`: plan, enqueue and send what is due, export."""
    report = CycleReport()
    report.plan = await plan_step(settings, engine, now)
    report.mail = await mail_step(settings, engine, fixed_clock(now))
    report.feeds = await export_step(settings, engine, now)
    return report


def describe(report: CycleReport) -> str:
    """One line for the operator about a whole cycle."""
    parts = []
    if report.plan is not None and report.plan.refused is not None:
        parts.append(f"plan refused: {report.plan.refused}")
    elif report.plan is not None:
        parts.append(f"{report.plan.planned} meetings planned ({report.plan.writes} changes)")
        if report.plan.missing_reviews:
            count = len(report.plan.missing_reviews)
            parts.append(
                f"{count} active buyer{'s' if count > 1 else ''} without a programming review "
                "(see rituel check)"
            )
    if report.mail is not None:
        sent = report.mail.dispatched
        parts.append(
            f"{report.mail.enqueued.added} mails enqueued, {sent.sent} sent, "
            f"{sent.retried} to retry, {sent.failed} failed, {sent.skipped} skipped"
        )
    if report.feeds is not None:
        parts.append(f"{len(report.feeds.written)} feeds written")
    return "cycle done: " + "; ".join(parts)
