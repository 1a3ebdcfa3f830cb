"""The fingerprint of what the export reads, so a restart with nothing changed does not redo
it (the plan has its own, kept in the store: scheduler.service.plan.reuse).

The export depends on the configuration (with the rituals and the team changed in the
workspace), the day, the directory (organisations, contacts,
conventions), the meetings, the answers, the statuses and the feed tokens. Its fingerprint is a
hash of the configuration, the local day, the code's version, the directory's rows and a few
aggregates of the tables it reads (counts, highest ids, sums of SEQUENCE, latest changes): a
read of the directory, far cheaper than rendering every feed. The daemon stores it beside the
feeds (`<feeds dir>/.rituel-inputs.json`) after an export, and at start skips the export when
it has not moved.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from scheduler.config import Settings
from scheduler.logs import get_logger
from scheduler.service.plan.effective import effective_settings
from scheduler.service.plan.reuse import code_version
from scheduler.store import inputs
from scheduler.store.db import read_session

log = get_logger("inputs")

FILE_NAME = ".rituel-inputs.json"
EXPORT = "export"


def fingerprint(step: str, settings: Settings, engine: Engine, now: datetime) -> str:
    """The hash of what `step` ("export") reads, as the store holds it at `now`."""
    digest = hashlib.sha256()
    day = now.astimezone(ZoneInfo(settings.organisation.timezone)).date()
    with read_session(engine) as session:
        settings = effective_settings(settings, session)
        for part in (step, settings.model_dump_json(), day.isoformat(), code_version()):
            digest.update(part.encode())
            digest.update(b"\0")
        for rows in inputs.directory_tables(session):
            for row in rows:
                digest.update(repr(row).encode())
            digest.update(b"\1")
        digest.update(repr(inputs.meeting_summary(session, detailed=step == EXPORT)).encode())
        if step == EXPORT:
            digest.update(repr(inputs.answers_and_tokens(session)).encode())
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
