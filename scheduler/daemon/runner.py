"""The long-running service: an APScheduler 3.x AsyncIOScheduler and the web app in one event
loop.

The database is the truth: the job store is in memory and rebuilt at start with fixed job ids
(`replace_existing`), so restarts never pile up copies; no job is created per message.
SIGTERM/SIGINT stop taking work: the current step may finish within the grace period
(`[daemon] stop_grace_seconds`; the mail step claims no further batch), then it is cancelled, and
a cancelled dispatch records the sends that completed and puts the others back in `pending`.
SIGHUP reloads config.toml, keeping the old settings when the new file is invalid or incomplete,
or when planning with it would cancel more than half of the planned meetings at once.

When `[mail.imap]` names a mailbox, a thread reads the invitees' calendar replies from it
(`ReplyWatcher`: IDLE or polling, failures logged once and retried with backoff, never stopping
the daemon); an answer it records re-exports the feeds and re-runs the mail step.

Idle by design: the mail step ("cycle") is one date job, re-armed after each run for the next
instant something falls due — the earliest pending message or lease to expire, and the instant
the message policy next has something new to write (an invitation's time, a reminder, a renewal
notice, the digest; see `enqueue._next_full_pass`). In between the daemon does nothing. A change
re-arms it at once: in this process through `scheduler.service.wake` (a plan, the web app's
RSVPs, unsubscriptions and attendance sheets, a reply read from the mailbox, SIGHUP); from
another process (the operator's CLI, `rituel serve`) by the SQLite file changing, watched twice
a second with a stat, or on PostgreSQL by a `NOTIFY` it listens for. A change naming its
meetings enqueues for those only; any other runs one full pass. A slow safety tick (`[mail]
dispatch_interval_seconds`) runs a full pass anyway, for what another instance changed.
At start, a plan and an export whose inputs did not change since they last ran are skipped
(`scheduler.daemon.inputs`).
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import uvicorn
from apscheduler.events import (
    EVENT_JOB_SUBMITTED,
    JobEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from scheduler.clock import Clock
from scheduler.config import Settings, load_settings
from scheduler.daemon import inputs
from scheduler.daemon.cycle import CycleReport, export_step, mail_step, plan_step, run_cycle
from scheduler.daemon.instance import InstanceLock
from scheduler.daemon.jobs import build_scheduler, safety_trigger
from scheduler.daemon.reload import settings_to_apply
from scheduler.daemon.replies import RepliesReader
from scheduler.daemon.watch import WATCH_SECONDS, store_signature
from scheduler.daemon.web import web_server
from scheduler.logs import get_logger
from scheduler.service import wake
from scheduler.service.access.signing import load_secret
from scheduler.service.deliver.mailing import SendReport
from scheduler.service.deliver.outbox import next_send
from scheduler.service.plan import plan_is_current
from scheduler.store.db import open_database

log = get_logger("daemon")

MIN_REARM_SECONDS = 0.2
"""Never re-arm the mail step sooner than this: a due row the step could not take does not spin."""
FAILED_STEP_RETRY_SECONDS = 30.0
"""After a mail step that failed, when to try again (unless the safety tick comes first)."""
RELEASE_SECONDS = 5.0
"""After the grace period, how long a cancelled step may take to put its claims back."""


class Daemon:
    """rituel running on its own: plans, sends and publishes until told to stop."""

    def __init__(self, config_path: Path, *, clock: Clock, serve_web: bool = True) -> None:
        self.config_path = config_path
        self.clock = clock
        self.serve_web = serve_web
        self.settings: Settings = load_settings(config_path)
        load_secret(self.settings)  # a bad RITUEL_SECRET stops us here, before any work
        self.engine: Engine = open_database(self.settings.database_url)
        self._stop = asyncio.Event()
        self._busy = asyncio.Lock()
        self._running: set[str] = set()
        self._wanted_again: set[str] = set()
        self._work: asyncio.Future[object] | None = None
        self._reloading = asyncio.Lock()
        self._reloads: set[asyncio.Future[bool]] = set()
        self.scheduler: AsyncIOScheduler | None = None
        self._web: uvicorn.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._need_full = True
        """The next mail step enqueues for every meeting (at start, after an unscoped change)."""
        self._changed_ids: set[int] = set()
        """Meetings changed since the last mail step: the next one enqueues for these."""
        self._full_due: datetime | None = None
        """When the message policy next has something new to write (the clock's time)."""
        self._seen: tuple[int, ...] = ()
        self._starting = True
        self.wakeups = 0
        """Mail steps run so far (the tests count them)."""
        self._replies = RepliesReader(
            lambda: self.settings, self.engine, self.clock, self._answers_arrived
        )

    # --- one-shot ---------------------------------------------------------------------------

    async def run_once(self) -> CycleReport:
        """One whole cycle at the clock's instant (for `rituel run --once` and cron)."""
        with InstanceLock(self.settings.database_url):
            return await run_cycle(self.settings, self.engine, self.clock())

    # --- forever ----------------------------------------------------------------------------

    async def run_forever(self) -> None:
        """Run the scheduler (and the web app) until SIGTERM or SIGINT."""
        with InstanceLock(self.settings.database_url):
            self._loop = asyncio.get_running_loop()
            self._install_signal_handlers()
            self.scheduler = self._build_scheduler()
            self.scheduler.start()
            log.info("started: jobs %s", ", ".join(sorted(self.job_ids())))
            unsubscribe = wake.subscribe(self._on_change)
            watch = asyncio.create_task(self._watch_store())
            if self.engine.dialect.name == "postgresql":
                threading.Thread(
                    target=wake.listen,
                    args=(self.engine, self._on_change, self._stop.is_set),
                    name="rituel-listen",
                    daemon=True,
                ).start()
            web = asyncio.create_task(self._serve()) if self.serve_web else None
            self._replies.start()
            await self._stop.wait()
            unsubscribe()
            watch.cancel()
            # Pause, not shut down, first: shutting down cancels the running jobs at once.
            self.scheduler.pause()
            await self._replies.stop(RELEASE_SECONDS)
            await self._finish_current_step()
            self.scheduler.shutdown(wait=False)
            if web is not None:
                if self._web is not None:
                    self._web.should_exit = True
                await asyncio.gather(web, return_exceptions=True)
            self.engine.dispose()
            log.info("stopped")

    async def _finish_current_step(self) -> None:
        """Let the step in progress finish within the grace period, then cancel it and give it
        a moment to release its claims."""
        grace = self.settings.daemon.stop_grace_seconds
        log.info("stopping: no new work; waiting up to %.0f s for the current step", grace)
        if await self._idle_within(grace):
            return
        work = self._work
        if work is not None and not work.done():
            log.warning("grace period over: interrupting the current step")
            work.cancel()
        if not await self._idle_within(RELEASE_SECONDS):
            log.warning("the step did not end; leases left in flight will be claimed again")

    async def _idle_within(self, seconds: float) -> bool:
        try:
            async with asyncio.timeout(seconds):
                async with self._busy:
                    return True
        except TimeoutError:
            return False

    async def _step(self, name: str, work: Callable[[], Awaitable[object]]) -> object | None:
        """Run one step under the busy lock, as a task the stop can cancel; None when it was
        cancelled, or when the stop came while it waited for the lock."""
        async with self._busy:
            if self._stop.is_set():
                return None
            self._work = asyncio.ensure_future(work())
            try:
                return await self._work
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise
                log.warning("%s interrupted by the stop", name)
                return None
            finally:
                self._work = None
                self._seen = store_signature(
                    self.settings.database_url
                )  # our own writes are no news

    def stop(self) -> None:
        """Ask the daemon to stop (what SIGTERM and SIGINT do)."""
        self._stop.set()

    def reload(self) -> None:
        """What SIGHUP does: `reload_config` in the background."""
        task = asyncio.ensure_future(self.reload_config())
        self._reloads.add(task)
        task.add_done_callback(self._reloads.discard)

    async def reload_config(self) -> bool:
        """Re-read config.toml and apply it; True when applied. An invalid or incomplete file,
        a new storage URL, or a configuration whose plan would cancel more than half of the
        planned meetings at once is refused, the reason logged and the running settings kept."""
        async with self._reloading:
            settings = await settings_to_apply(
                self.config_path, self.settings, self.engine, self.clock()
            )
            if settings is None:
                return False
            self._apply(settings)
            return True

    def _apply(self, settings: Settings) -> None:
        interval_changed = (
            settings.mail.dispatch_interval_seconds != self.settings.mail.dispatch_interval_seconds
        )
        self.settings = settings
        log.info("configuration reloaded from %s", self.config_path)
        self._replies.start()
        if interval_changed and self.scheduler is not None:
            self.scheduler.reschedule_job("safety", trigger=self._safety_trigger())
        self._need_full = True  # the message rules may have changed
        self._kick("plan")
        self._kick("cycle")

    def job_ids(self) -> list[str]:
        """The ids of the scheduled jobs."""
        return [job.id for job in self.scheduler.get_jobs()] if self.scheduler else []

    def _build_scheduler(self) -> AsyncIOScheduler:
        return build_scheduler(
            ZoneInfo(self.settings.organisation.timezone),
            plan=self._plan,
            cycle=self._cycle,
            safety=self._safety_tick,
            safety_seconds=self.settings.mail.dispatch_interval_seconds,
            export=self._export,
            track=self._track,
        )

    def _safety_trigger(self) -> IntervalTrigger:
        return safety_trigger(
            ZoneInfo(self.settings.organisation.timezone),
            self.settings.mail.dispatch_interval_seconds,
        )

    def _arm_cycle(self, delay: float) -> None:
        """(Re-)arm the mail step `delay` seconds from now: the one date job, replaced."""
        if self.scheduler is None or self._stop.is_set():
            return
        zone = ZoneInfo(self.settings.organisation.timezone)
        self.scheduler.add_job(
            self._cycle,
            DateTrigger(datetime.now(zone) + timedelta(seconds=max(delay, 0.0)), timezone=zone),
            id="cycle",
            name="enqueue and dispatch what is due",
            replace_existing=True,
            misfire_grace_time=None,
        )

    def _kick(self, job_id: str) -> None:
        """Run a job now instead of waiting for its next turn (not once stopping); a job that
        is running runs once more when it ends, rather than being refused by APScheduler."""
        if self._stop.is_set():
            return
        if job_id in self._running:
            self._wanted_again.add(job_id)
            return
        if job_id == "cycle":
            self._arm_cycle(0)
            return
        if self.scheduler is not None and self.scheduler.get_job(job_id) is not None:
            zone = ZoneInfo(self.settings.organisation.timezone)
            self.scheduler.modify_job(job_id, next_run_time=datetime.now(zone))

    def _track(self, event: JobEvent) -> None:
        """Know which jobs APScheduler has handed out; one asked for meanwhile runs again."""
        if event.code == EVENT_JOB_SUBMITTED:
            self._running.add(event.job_id)
            return
        self._running.discard(event.job_id)
        if event.job_id in self._wanted_again:
            self._wanted_again.discard(event.job_id)
            self._kick(event.job_id)

    async def _plan(self) -> None:
        if self._stop.is_set():
            return
        starting, self._starting = self._starting, False
        if starting and await self._step("start-up check", self._nothing_changed):
            return
        # A plan that wrote something wakes the mail step through `wake` (see _take_change).
        await self._step("plan", self._plan_now)
        self._kick("export")

    async def _nothing_changed(self) -> bool:
        """At start: True when the plan's and the export's inputs are those of the last plan
        and export (same configuration, directory, meetings, day), so neither is redone."""
        now, settings = self.clock(), self.settings
        if not await asyncio.to_thread(plan_is_current, settings, self.engine, now):
            return False
        known = inputs.stored(settings)
        export = await asyncio.to_thread(
            inputs.fingerprint, inputs.EXPORT, settings, self.engine, now
        )
        if known.get(inputs.EXPORT) == export:
            log.info("nothing changed since the last plan and export: neither is redone")
        else:
            log.info("nothing changed since the last plan: the plan is not redone")
            self._kick("export")
        return True

    async def _plan_now(self) -> None:
        # The plan records its own inputs in the store (scheduler.service.plan.reuse).
        await plan_step(self.settings, self.engine, self.clock())

    async def _export(self) -> None:
        if self._stop.is_set():
            return
        await self._step("export", self._export_and_record)

    async def _export_and_record(self) -> None:
        now, settings = self.clock(), self.settings
        value = await asyncio.to_thread(
            inputs.fingerprint, inputs.EXPORT, settings, self.engine, now
        )
        await export_step(settings, self.engine, now)
        inputs.record(settings, inputs.EXPORT, value)

    async def _cycle(self) -> None:
        if self._stop.is_set():
            return
        self.wakeups += 1
        full = self._need_full or (self._full_due is not None and self.clock() >= self._full_due)
        ids = None if full else sorted(self._changed_ids)
        self._need_full = False
        self._changed_ids.clear()
        report: object | None = None
        try:
            report = await self._step(
                "mail step",
                lambda: mail_step(
                    self.settings,
                    self.engine,
                    self.clock,
                    should_stop=self._stop.is_set,
                    occurrence_ids=ids,
                ),
            )
        finally:
            if not isinstance(report, SendReport):  # interrupted or failed: do it all again
                self._need_full = self._need_full or full
                self._changed_ids.update(ids or ())
            elif full:
                self._full_due = report.enqueued.next_due
            await self._rearm(failed=not isinstance(report, SendReport))
        if isinstance(report, SendReport) and (report.enqueued.added or report.dispatched.handled):
            self._kick("export")
        if isinstance(report, SendReport) and report.enqueued.added:
            # What it wrote (meetings announced, date proposals opened) is read by the plan:
            # bring the plan up to date now, while busy anyway, rather than at the next restart
            # (a plan whose inputs did not move is given back at once).
            self._kick("plan")

    async def _rearm(self, *, failed: bool) -> None:
        """Sleep until the next thing falls due: the next message or lease in the outbox, or
        the next instant the message policy has something new to write."""
        if self._stop.is_set():
            return
        if failed:
            self._arm_cycle(
                min(FAILED_STEP_RETRY_SECONDS, self.settings.mail.dispatch_interval_seconds)
            )
            return
        if self._need_full or self._changed_ids:
            self._arm_cycle(0)
            return
        outbox = await asyncio.to_thread(next_send, self.engine)
        due = min((at for at in (outbox, self._full_due) if at is not None), default=None)
        if due is None:
            log.debug("nothing falls due: asleep until a change or the safety tick")
            return
        delay = max((due - self.clock()).total_seconds(), MIN_REARM_SECONDS)
        log.debug("asleep until %s (%.0f s)", due.isoformat(timespec="seconds"), delay)
        self._arm_cycle(delay)

    async def _safety_tick(self) -> None:
        """A full pass now and then, for what another instance changed."""
        self._need_full = True
        self._kick("cycle")

    # --- wake-ups ---------------------------------------------------------------------------

    def _on_change(self, change: wake.Change) -> None:
        """A change made in this process, from whichever thread made it."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._take_change, change)

    def _take_change(self, change: wake.Change) -> None:
        self._seen = store_signature(self.settings.database_url)
        if change.occurrence_ids:
            self._changed_ids.update(change.occurrence_ids)
        else:
            self._need_full = True
        self._kick("cycle")
        self._kick("export")

    async def _watch_store(self) -> None:
        """Notice, within a second, what another process (the CLI) wrote to the SQLite file."""
        if not self.settings.database_url.startswith("sqlite:///"):
            return
        self._seen = store_signature(self.settings.database_url)
        while not self._stop.is_set():
            await asyncio.sleep(WATCH_SECONDS)
            if self._busy.locked():
                continue  # our own step is writing; its end takes the new signature
            signature = store_signature(self.settings.database_url)
            if signature != self._seen:
                log.debug("the database changed outside this process")
                self._take_change(wake.Change("store"))

    async def _serve(self) -> None:
        """The web app (feeds, RSVP, health) on uvicorn, in this event loop."""
        self._web = web_server(self.settings, self.engine, self.clock)
        log.info("serving on http://%s:%d", self.settings.web.host, self.settings.web.port)
        await self._web.serve()

    # --- the replies mailbox ----------------------------------------------------------------

    def _answers_arrived(self) -> None:
        """From the reader's thread: re-export the feeds and re-run the mail step (a decline
        drops that person's pending reminders)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._kick, "export")
            self._loop.call_soon_threadsafe(self._kick, "cycle")

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, self.stop)
        loop.add_signal_handler(signal.SIGINT, self.stop)
        loop.add_signal_handler(signal.SIGHUP, self.reload)
