"""The daemon's four jobs on an APScheduler 3.x AsyncIOScheduler, with fixed ids.

The job store is in memory and rebuilt at start (`replace_existing`), so restarts never pile up
copies; no job is created per message. The scheduler's own timers run on the system clock; the
work itself reads the daemon's clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, tzinfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

EXPORT_SECONDS = 3600
"""The feeds are exported after every plan and every change; this is the slow safety net."""
JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": 300, "max_instances": 1}

Job = Callable[[], Awaitable[None]]


def safety_trigger(zone: tzinfo, seconds: float) -> IntervalTrigger:
    """The slow full pass, for what another instance changed."""
    return IntervalTrigger(seconds=seconds, timezone=zone)


def build_scheduler(
    zone: tzinfo,
    *,
    plan: Job,
    cycle: Job,
    safety: Job,
    safety_seconds: float,
    export: Job,
    track: Callable[[JobEvent], None],
) -> AsyncIOScheduler:
    """The scheduler with its jobs: the nightly plan (and one at start), the mail step (one
    date job, re-armed after each run), the safety tick and the hourly export."""
    scheduler = AsyncIOScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": AsyncIOExecutor()},
        job_defaults=JOB_DEFAULTS,
        timezone=zone,
    )
    scheduler.add_job(
        plan,
        CronTrigger(hour=2, minute=0, timezone=zone),
        id="plan",
        name="plan and reconcile",
        replace_existing=True,
        next_run_time=datetime.now(zone),
    )
    scheduler.add_job(
        cycle,
        DateTrigger(datetime.now(zone), timezone=zone),
        id="cycle",
        name="enqueue and dispatch what is due",
        replace_existing=True,
        misfire_grace_time=None,
    )
    scheduler.add_job(
        safety,
        safety_trigger(zone, safety_seconds),
        id="safety",
        name="full pass, for changes made elsewhere",
        replace_existing=True,
    )
    scheduler.add_job(
        export,
        IntervalTrigger(seconds=EXPORT_SECONDS, timezone=zone),
        id="export",
        name="export feeds",
        replace_existing=True,
    )
    scheduler.add_listener(
        track,
        EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MAX_INSTANCES,
    )
    return scheduler
