"""One daemon per SQLite database: a lock file beside the database, held while running."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from scheduler.errors import StoreError


class InstanceLock:
    """An exclusive, non-blocking lock on `<database>.lock`; released by the OS on a crash."""

    def __init__(self, database_url: str) -> None:
        self.path: Path | None = None
        if database_url.startswith("sqlite:///"):
            self.path = Path(database_url.removeprefix("sqlite:///") + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or refuse to start, naming the process that holds it."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise StoreError(
                f"another rituel daemon (pid {holder}) is already running on "
                f"{self.path.with_suffix('')}; one daemon per SQLite database"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd

    def release(self) -> None:
        """Let another daemon start."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
