"""Wake-ups: a use case that changed the store says so, and a sleeping daemon acts at once.

The daemon sleeps until the next thing falls due (see `scheduler.service.due`). Anything that
changes what is due — a plan, an import, a web action (RSVP, unsubscribe, attendance), a meeting
moved or cancelled by hand, an outbox retry, a reply read from the mailbox — calls `changed()`
after its transaction committed. In the daemon's own process the listeners it subscribed are
called at once (from whatever thread did the work); another process (the operator's CLI, a
separate `rituel serve`) reaches it through the store itself: the daemon watches the SQLite
file, and on PostgreSQL `changed()` also sends a `NOTIFY` the daemon listens for.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.errors import StoreError
from scheduler.logs import get_logger
from scheduler.store import notices

log = get_logger("wake")


@dataclass(frozen=True, slots=True)
class Change:
    """What changed: `what` names the entry point; `occurrence_ids` the meetings concerned, or
    none when the change may concern any (an import, a plan)."""

    what: str
    occurrence_ids: tuple[int, ...] = ()


Listener = Callable[[Change], None]

_listeners: list[Listener] = []
_guard = threading.Lock()


def subscribe(listener: Listener) -> Callable[[], None]:
    """Call `listener` on every change made in this process; returns the unsubscribe."""
    with _guard:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _guard, contextlib.suppress(ValueError):
            _listeners.remove(listener)

    return unsubscribe


def changed(what: str, occurrence_ids: Iterable[int] = (), *, engine: Engine | None = None) -> None:
    """Tell whoever waits that the store changed (call it once the transaction committed). A
    listener that raises is logged, never the caller's problem: the change is stored already."""
    change = Change(what, tuple(sorted(set(occurrence_ids))))
    with _guard:
        listeners = list(_listeners)
    for listener in listeners:
        try:
            listener(change)
        except Exception:
            log.exception("a wake-up listener failed on %s", what)
    if engine is not None and engine.dialect.name == "postgresql":
        _notify(engine, what)


def on_commit(session: Session, what: str, occurrence_ids: Iterable[int] = ()) -> None:
    """`changed(what, occurrence_ids)` once `session`'s transaction commits; nothing when it
    rolls back (a dry run, a refused import)."""
    ids = tuple(occurrence_ids)
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else None

    def fire(_session: Session) -> None:
        changed(what, ids, engine=engine)

    event.listen(session, "after_commit", fire, once=True)


def _notify(engine: Engine, what: str) -> None:
    payload = f"{os.getpid()}:{what}"
    try:
        notices.notify(engine, payload)
    except Exception:  # the change is stored: the safety tick will find it
        log.warning("could not notify other instances of %s", what, exc_info=True)


def listen(engine: Engine, listener: Listener, stopped: Callable[[], bool]) -> None:
    """On PostgreSQL, call `listener` for every change another process announced with
    `changed()`, until `stopped()` (checked every second); run it in a thread of its own. A lost
    connection is opened again after a pause; changes missed meanwhile wait for the safety tick."""
    own = f"{os.getpid()}:"
    while not stopped():
        try:
            for payload in notices.received(engine, stopped):
                if not payload.startswith(own):
                    listener(Change(payload.partition(":")[2] or "elsewhere"))
        except StoreError as exc:
            log.warning("listening for other instances' changes failed: %s", exc.__cause__ or exc)
            time.sleep(5)
