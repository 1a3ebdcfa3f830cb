"""The long-running service: an APScheduler 3.x AsyncIOScheduler and the web app in one event
loop.

The database is the truth: the job store is in memory and rebuilt at start with fixed job ids
(`replace_existing`), so restarts never pile up copies; no job is created per message.
SIGTERM/SIGINT stop taking work and let the current step finish within a grace period; SIGHUP
reloads config.toml, keeping the old settings when the new file is invalid.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import uvicorn
from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from scheduler.clock import Clock
from scheduler.config import Settings, load_settings
from scheduler.errors import ConfigError
from scheduler.logs import get_logger
from scheduler.service.cycle import CycleReport, export_step, mail_step, plan_step, run_cycle
from scheduler.service.instance import InstanceLock
from scheduler.store.db import open_database

log = get_logger("daemon")

CYCLE_SECONDS = 30
EXPORT_SECONDS = 300
GRACE_SECONDS = 20.0
JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": 300, "max_instances": 1}


class Daemon:
    """rituel running on its own: plans, sends and publishes until told to stop."""

    def __init__(self, config_path: Path, *, clock: Clock, serve_web: bool = True) -> None:
        self.config_path = config_path
        self.clock = clock
        self.serve_web = serve_web
        self.settings: Settings = load_settings(config_path)
        self.engine: Engine = open_database(self.settings.database_url)
        self._stop = asyncio.Event()
        self._busy = asyncio.Lock()
        self.scheduler: AsyncIOScheduler | None = None
        self._web: uvicorn.Server | None = None

    # --- one-shot ---------------------------------------------------------------------------

    async def run_once(self) -> CycleReport:
        """One whole cycle at the clock's instant (for `rituel run --once` and cron)."""
        with InstanceLock(self.settings.database_url):
            return await run_cycle(self.settings, self.engine, self.clock())

    # --- forever ----------------------------------------------------------------------------

    async def run_forever(self) -> None:
        """Run the scheduler (and the web app) until SIGTERM or SIGINT."""
        with InstanceLock(self.settings.database_url):
            self._install_signal_handlers()
            self.scheduler = self._build_scheduler()
            self.scheduler.start()
            log.info("started: jobs %s", ", ".join(sorted(self.job_ids())))
            web = asyncio.create_task(self._serve()) if self.serve_web else None
            await self._stop.wait()
            log.info(
                "stopping: no new work; waiting up to %.0f s for the current step", GRACE_SECONDS
            )
            self.scheduler.shutdown(wait=False)
            try:
                async with asyncio.timeout(GRACE_SECONDS):
                    async with self._busy:
                        pass
            except TimeoutError:
                log.warning("grace period over; leases left in flight will be claimed again")
            if web is not None:
                if self._web is not None:
                    self._web.should_exit = True
                await asyncio.gather(web, return_exceptions=True)
            self.engine.dispose()
            log.info("stopped")

    def stop(self) -> None:
        """Ask the daemon to stop (what SIGTERM and SIGINT do)."""
        self._stop.set()

    def reload(self) -> None:
        """Re-read config.toml; an invalid file is refused and the running settings kept."""
        try:
            settings = load_settings(self.config_path)
        except ConfigError as exc:
            log.error("reload refused, keeping the running configuration: %s", exc)
            return
        if settings.database_url != self.settings.database_url:
            log.error("reload refused: the storage URL cannot change while running")
            return
        self.settings = settings
        log.info("configuration reloaded from %s", self.config_path)
        self._kick("plan")

    def job_ids(self) -> list[str]:
        """The ids of the scheduled jobs."""
        return [job.id for job in self.scheduler.get_jobs()] if self.scheduler else []

    def _build_scheduler(self) -> AsyncIOScheduler:
        zone = ZoneInfo(self.settings.organisation.timezone)
        scheduler = AsyncIOScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": AsyncIOExecutor()},
            job_defaults=JOB_DEFAULTS,
            timezone=zone,
        )
        # The scheduler's own timers run on the system clock; the work itself reads self.clock.
        scheduler.add_job(
            self._plan,
            CronTrigger(hour=2, minute=0, timezone=zone),
            id="plan",
            name="plan and reconcile",
            replace_existing=True,
            next_run_time=datetime.now(zone),
        )
        scheduler.add_job(
            self._cycle,
            IntervalTrigger(seconds=CYCLE_SECONDS, timezone=zone),
            id="cycle",
            name="enqueue and dispatch",
            replace_existing=True,
        )
        scheduler.add_job(
            self._export,
            IntervalTrigger(seconds=EXPORT_SECONDS, timezone=zone),
            id="export",
            name="export feeds",
            replace_existing=True,
        )
        return scheduler

    def _kick(self, job_id: str) -> None:
        """Run a job now instead of waiting for its next turn."""
        if self.scheduler is not None and self.scheduler.get_job(job_id) is not None:
            zone = ZoneInfo(self.settings.organisation.timezone)
            self.scheduler.modify_job(job_id, next_run_time=datetime.now(zone))

    async def _plan(self) -> None:
        if self._stop.is_set():
            return
        async with self._busy:
            await plan_step(self.settings, self.engine, self.clock())
        self._kick("cycle")
        self._kick("export")

    async def _export(self) -> None:
        if self._stop.is_set():
            return
        async with self._busy:
            await export_step(self.settings, self.engine, self.clock())

    async def _cycle(self) -> None:
        if self._stop.is_set():
            return
        async with self._busy:
            report = await mail_step(self.settings, self.engine, self.clock)
        if report.enqueued.added or report.dispatched.handled:
            self._kick("export")

    async def _serve(self) -> None:
        """The web app (feeds, RSVP, health) on uvicorn, in this event loop."""
        from scheduler.web import create_app

        class _Server(uvicorn.Server):
            """uvicorn without its own signal handlers: the daemon owns SIGTERM and SIGINT."""

            def capture_signals(self) -> contextlib.nullcontext[None]:  # type: ignore[override]
                return contextlib.nullcontext()

        config = uvicorn.Config(
            create_app(self.settings, self.engine, clock=self.clock),
            host=self.settings.web.host,
            port=self.settings.web.port,
            log_level="warning",
            lifespan="off",
        )
        self._web = _Server(config)
        log.info("serving on http://%s:%d", self.settings.web.host, self.settings.web.port)
        await self._web.serve()

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, self.stop)
        loop.add_signal_handler(signal.SIGINT, self.stop)
        loop.add_signal_handler(signal.SIGHUP, self.reload)
