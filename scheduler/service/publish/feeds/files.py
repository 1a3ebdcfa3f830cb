"""Writing the feeds under `calendars/`: the public one, and one file per live token, named
by its hash (scheduler.service.publish.feeds)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.errors import ExportError
from scheduler.service.plan.effective import effective_settings
from scheduler.service.publish.feeds.content import (
    Feed,
    FeedSnapshot,
    feed_for,
    load_snapshot,
    public_feed,
)
from scheduler.store import feed_tokens
from scheduler.store.db import read_session
from scheduler.store.feed_tokens import PRIVATE_DIR, PUBLIC_FILE, LiveToken, Subscriber

_PRIVATE_FILE = re.compile(r"[0-9a-f]{32}\.ics")


@dataclass(frozen=True)
class ExportReport:
    """What `export_feeds` did."""

    folder: Path
    written: tuple[str, ...]
    unchanged: int
    removed: tuple[str, ...]
    events: int


def export_feeds(settings: Settings, engine: Engine, now: datetime) -> ExportReport:
    """Write the public feed and every live token's private feed; remove the files of revoked
    tokens. A file is replaced atomically, and only when its bytes change; a folder that cannot
    be written is an ExportError. The rituals and facilitators are the effective ones."""
    folder = settings.resolve(settings.feeds.dir)
    with read_session(engine) as session:
        settings = effective_settings(settings, session)
        snapshot = load_snapshot(session, settings, now)
        tokens = feed_tokens.live_tokens(session)
    try:
        return _write_feeds(settings, folder, snapshot, tokens)
    except OSError as exc:
        where = exc.filename or folder
        raise ExportError(f"cannot write the feeds: {where}: {exc.strerror or exc}") from exc


def _write_feeds(
    settings: Settings, folder: Path, snapshot: FeedSnapshot, tokens: dict[Subscriber, LiveToken]
) -> ExportReport:
    private = folder / PRIVATE_DIR
    private.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    unchanged = 0
    public = public_feed(settings, snapshot)
    outputs: list[tuple[Path, Feed, int]] = [(folder / PUBLIC_FILE, public, 0o644)]
    for subscriber, token in sorted(tokens.items()):
        feed = feed_for(settings, snapshot, subscriber)
        if feed is not None:
            outputs.append((private / token.file_name, feed, 0o600))
    events = 0
    for path, feed, mode in outputs:
        events += len(feed.events)
        if write_if_changed(path, feed.render(), mode):
            written.append(str(path.relative_to(folder)))
        else:
            unchanged += 1
    keep = {path.name for path, _, _ in outputs}
    removed = remove_stale(private, keep)
    return ExportReport(folder, tuple(written), unchanged, tuple(removed), events)


def write_if_changed(path: Path, content: bytes, mode: int = 0o644) -> bool:
    """Replace `path` with `content` atomically (temp file + rename) unless it already holds
    exactly these bytes; True when written."""
    try:
        if path.read_bytes() == content:
            return False
    except FileNotFoundError:
        pass
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def remove_stale(private: Path, keep: Iterable[str]) -> list[str]:
    """Delete private feeds no live token opens any more (rotated or revoked)."""
    kept = set(keep)
    removed = []
    for path in sorted(private.iterdir()):
        if _PRIVATE_FILE.fullmatch(path.name) and path.name not in kept:
            path.unlink(missing_ok=True)
            removed.append(f"{PRIVATE_DIR}/{path.name}")
    return removed
