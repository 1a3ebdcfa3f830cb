"""The web app (feeds, RSVP, workspace, health) on uvicorn, in the daemon's event loop."""

from __future__ import annotations

import contextlib

import uvicorn
from sqlalchemy.engine import Engine

from scheduler.clock import Clock
from scheduler.config import Settings


class _Server(uvicorn.Server):
    """uvicorn without its own signal handlers: the daemon owns SIGTERM and SIGINT."""

    def capture_signals(self) -> contextlib.nullcontext[None]:  # type: ignore[override]
        return contextlib.nullcontext()


def web_server(settings: Settings, engine: Engine, clock: Clock) -> uvicorn.Server:
    """A server for the app, to `serve()` in the daemon's loop and stop with `should_exit`."""
    from scheduler.web import create_app

    config = uvicorn.Config(
        create_app(settings, engine, clock=clock),
        host=settings.web.host,
        port=settings.web.port,
        log_level="warning",
        lifespan="off",
    )
    return _Server(config)
