"""Plan reuse: a plan whose inputs did not change since the last plan written is not redone.

The plan reads the configuration (with the settings changed in the workspace), the day, the
code, the directory, the stored meetings, and the open proposals; and `now`, through which of
the meetings have started. Its fingerprint is a hash of the effective settings, the day, the
code's version, the store's change counter (raised by every transaction that writes a table
the plan reads: scheduler.store.revision) and the start of the first meeting from `now` on (it
moves exactly when a meeting has started since). A plan written records its fingerprint and its
outcome (how many meetings, those it could not place, the buyers left without a review) in the
same transaction; the next plan that finds the same fingerprint gives that outcome back without
planning or reconciling (the planner is idempotent: on its own output it changes nothing).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from scheduler.config import Settings
from scheduler.core.kinds import ReviewGap, RitualKind
from scheduler.core.values import MissingReview, Plan, Unplaced
from scheduler.store import revision

PACKAGE = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Outcome:
    """What the last plan written found, given back when its inputs have not changed."""

    planned: int
    unplaced: tuple[Unplaced, ...]
    missing_reviews: tuple[MissingReview, ...]


@cache
def code_version() -> str:
    """The installed version and the newest source file: an upgrade plans again."""
    try:
        version = metadata.version("rituel")
    except metadata.PackageNotFoundError:
        version = "?"
    newest = max((p.stat().st_mtime_ns for p in PACKAGE.rglob("*.py")), default=0)
    return f"{version}:{newest}"


def counter(session: Session) -> int | None:
    """The store's change counter (None when it keeps none: then every plan is done); a plan
    reads it before anything else it reads."""
    return revision.changes(session)


def fingerprint(
    session: Session, settings: Settings, now: datetime, changes: int | None
) -> str | None:
    """The hash of what a plan at `now` on the effective `settings` reads, the store's change
    counter having been `changes` (from `counter`) before it read anything. A plan records it
    after writing: its own writes are not counted, but they may move the first meeting."""
    if changes is None:
        return None
    day = now.astimezone(ZoneInfo(settings.organisation.timezone)).date()
    first = revision.first_start_from(session, now)
    digest = hashlib.sha256()
    for part in (
        settings.model_dump_json(),
        day.isoformat(),
        code_version(),
        str(changes),
        "" if first is None else first.isoformat(),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def reused(session: Session, inputs: str | None) -> Outcome | None:
    """The outcome of the last plan written, when its fingerprint is `inputs`."""
    if inputs is None:
        return None
    text = revision.last_plan(session)
    if not text:
        return None
    try:
        data = json.loads(text)
        if data.get("inputs") != inputs:
            return None
        return Outcome(
            planned=int(data["planned"]),
            unplaced=tuple(_unplaced(item) for item in data["unplaced"]),
            missing_reviews=tuple(_missing(item) for item in data["missing_reviews"]),
        )
    except (ValueError, KeyError, TypeError):  # an unreadable record only costs a plan
        return None


def record(session: Session, inputs: str | None, plan: Plan) -> None:
    """Remember, in the transaction that writes `plan`, the inputs it was made from."""
    if inputs is None:
        return
    data = {
        "inputs": inputs,
        "planned": len(plan.occurrences),
        "unplaced": [[u.key, u.kind.value, u.buyer, u.reason] for u in plan.unplaced],
        "missing_reviews": [
            [
                m.buyer,
                m.facilitator,
                m.cause.value,
                None if m.window is None else [m.window[0].isoformat(), m.window[1].isoformat()],
                _day_text(m.until),
                _day_text(m.day),
                m.detail,
            ]
            for m in plan.missing_reviews
        ],
    }
    revision.record_plan(session, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _unplaced(item: list[Any]) -> Unplaced:
    key, kind, buyer, reason = item
    return Unplaced(key=key, kind=RitualKind(kind), buyer=buyer, reason=reason)


def _missing(item: list[Any]) -> MissingReview:
    buyer, facilitator, cause, window, until, day, detail = item
    return MissingReview(
        buyer=buyer,
        facilitator=facilitator,
        cause=ReviewGap(cause),
        window=None if window is None else (_day(window[0]), _day(window[1])),
        until=None if until is None else _day(until),
        day=None if day is None else _day(day),
        detail=detail,
    )


def _day_text(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(text: str) -> date:
    return date.fromisoformat(text)
