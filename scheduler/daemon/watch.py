"""What another process wrote: the SQLite file and its write-ahead log, looked at with a stat."""

from __future__ import annotations

import os

WATCH_SECONDS = 0.5
"""How often the SQLite file is looked at (two stats) for changes made by another process."""


def store_signature(database_url: str) -> tuple[int, ...]:
    """The SQLite file and its write-ahead log's sizes and times (empty on PostgreSQL)."""
    if not database_url.startswith("sqlite:///"):
        return ()
    path = database_url.removeprefix("sqlite:///")
    signature: list[int] = []
    for name in (path, path + "-wal"):
        try:
            stat = os.stat(name)
        except OSError:
            signature += [0, 0]
        else:
            signature += [stat.st_mtime_ns, stat.st_size]
    return tuple(signature)
