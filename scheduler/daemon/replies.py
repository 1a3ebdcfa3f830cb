"""The replies mailbox, read in a thread of its own while the daemon runs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine

from scheduler.clock import Clock
from scheduler.config import Settings
from scheduler.logs import get_logger
from scheduler.service.answer.replies import ReplyWatcher

log = get_logger("daemon")


class RepliesReader:
    """Starts the `ReplyWatcher` thread when `[mail.imap]` names a mailbox; stops it on demand."""

    def __init__(
        self,
        settings: Callable[[], Settings],
        engine: Engine,
        clock: Clock,
        on_applied: Callable[[], None],
    ) -> None:
        self._settings = settings
        self._engine = engine
        self._clock = clock
        self._on_applied = on_applied
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start reading, unless no mailbox is configured or a reader already runs (a running
        one picks up reloaded settings itself)."""
        settings = self._settings()
        if not settings.mail.imap.enabled:
            return
        if self._thread is not None and self._thread.is_alive():
            return
        watcher = ReplyWatcher(
            self._settings, self._engine, self._clock, on_applied=self._on_applied
        )
        self._stop.clear()
        self._thread = threading.Thread(
            target=watcher.run, args=(self._stop,), name="replies", daemon=True
        )
        self._thread.start()
        log.info("reading replies from %s", settings.mail.imap.host)

    async def stop(self, within: float) -> None:
        """Ask the reader to stop and wait up to `within` seconds for it."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            await asyncio.to_thread(thread.join, within)
            if thread.is_alive():
                log.warning("the replies reader did not stop in time")
