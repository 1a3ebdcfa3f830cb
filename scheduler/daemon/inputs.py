"""Fingerprints of what the plan and the export read, so a restart with nothing changed does
not redo them.

The plan depends on the configuration, the day (the horizon starts today), the directory
(organisations, contacts, conventions) and the meetings changed by hand; the export on those
and on the answers, the statuses and the feed tokens. Each fingerprint is a hash of the
configuration, the local day, the code's version, the directory's rows and a few aggregates of
the tables the step reads (counts, highest ids, sums of SEQUENCE, latest changes): a read of the
directory, far cheaper than planning or rendering every feed. The daemon stores them beside the
feeds (`<feeds dir>/.rituel-inputs.json`) after a plan and after an export, and at start skips
a step whose fingerprint has not moved.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.config import Settings
from scheduler.logs import get_logger
from scheduler.store.db import read_session
from scheduler.store.models import (
    Contact,
    Convention,
    FeedToken,
    Invitation,
    Occurrence,
    Organisation,
)

log = get_logger("inputs")

FILE_NAME = ".rituel-inputs.json"
PLAN = "plan"
EXPORT = "export"
PACKAGE = Path(__file__).resolve().parents[1]


def fingerprint(step: str, settings: Settings, engine: Engine, now: datetime) -> str:
    """The hash of what `step` ("plan" or "export") reads, as the store holds it at `now`."""
    digest = hashlib.sha256()
    day = now.astimezone(ZoneInfo(settings.organisation.timezone)).date()
    for part in (step, settings.model_dump_json(), day.isoformat(), _code_version()):
        digest.update(part.encode())
        digest.update(b"\0")
    with read_session(engine) as session:
        _rows(session, digest)
        digest.update(repr(_meetings(session, detailed=step == EXPORT)).encode())
        if step == EXPORT:
            digest.update(repr(_answers_and_tokens(session)).encode())
    return digest.hexdigest()


def stored(settings: Settings) -> dict[str, str]:
    """The fingerprints recorded after the last plan and export (empty when unknown)."""
    try:
        data = json.loads(_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def record(settings: Settings, step: str, value: str) -> None:
    """Remember that `step` ran on inputs hashing to `value` (a failure only costs a redo)."""
    path = _path(settings)
    data = {**stored(settings), step: value}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        log.warning("cannot record the %s fingerprint in %s: %s", step, path, exc)


def _path(settings: Settings) -> Path:
    return settings.resolve(settings.feeds.dir) / FILE_NAME


def _code_version() -> str:
    """The installed version and the newest source file: an upgrade redoes both steps."""
    try:
        version = metadata.version("rituel")
    except metadata.PackageNotFoundError:
        version = "?"
    newest = max((p.stat().st_mtime_ns for p in PACKAGE.rglob("*.py")), default=0)
    return f"{version}:{newest}"


def _rows(session: Session, digest: Any) -> None:
    """Every directory row, in id order, into `digest`."""
    for model in (Organisation, Contact, Convention):
        table: Any = getattr(model, "__table__")  # noqa: B009 (SQLModel types hide it)
        for row in session.execute(sa_select(table).order_by(table.c.id)):
            digest.update(repr(tuple(row)).encode())
        digest.update(b"\1")


def _meetings(session: Session, *, detailed: bool) -> tuple[Any, ...]:
    """How many meetings, the highest id and the sum of SEQUENCE (a hand-made move or
    cancellation raises it); for the export also the latest change and the statuses."""
    summary = session.exec(
        select(
            func.count(col(Occurrence.id)),
            func.max(col(Occurrence.id)),
            func.coalesce(func.sum(col(Occurrence.sequence)), 0),
        )
    ).one()
    if not detailed:
        return tuple(summary)
    latest = session.exec(select(func.max(col(Occurrence.changed_at)))).one()
    statuses = session.exec(
        select(col(Occurrence.status), func.count(col(Occurrence.id)))
        .group_by(col(Occurrence.status))
        .order_by(col(Occurrence.status))
    ).all()
    return (*summary, str(latest), tuple(map(tuple, statuses)))


def _answers_and_tokens(session: Session) -> tuple[Any, ...]:
    invitations = session.exec(
        select(
            func.count(col(Invitation.id)),
            func.max(col(Invitation.id)),
            func.max(col(Invitation.responded_at)),
        )
    ).one()
    tokens = session.exec(select(FeedToken).order_by(col(FeedToken.id))).all()
    return (
        tuple(map(str, invitations)),
        tuple(repr(sorted(t.model_dump().items())) for t in tokens),
    )
