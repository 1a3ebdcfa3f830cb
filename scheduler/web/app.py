"""The HTTP application (Starlette): feeds behind their tokens, the public feed, RSVP,
attendance and unsubscribe pages, health, and the facilitator's workspace.

It needs no lifespan events, so the daemon can serve it with `lifespan="off"`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from scheduler.clock import Clock, system_clock
from scheduler.config import Settings
from scheduler.store.db import ping
from scheduler.web.attendance import attendance_routes
from scheduler.web.booking import booking_routes
from scheduler.web.feeds import FeedEndpoints, not_found
from scheduler.web.public import public_routes
from scheduler.web.rsvp import rsvp_routes
from scheduler.web.unsubscribe import unsubscribe_routes
from scheduler.web.workspace import ClientLimit, TransportFactory, workspace_routes


def create_app(
    settings: Settings,
    engine: Engine,
    *,
    extra_routes: Sequence[BaseRoute] = (),
    clock: Clock = system_clock,
    transport: TransportFactory | None = None,
    sign_in_limit: ClientLimit | None = None,
) -> Starlette:
    """The web app over `engine`, serving the feeds written under `settings.feeds.dir`, the
    RSVP, attendance and unsubscribe pages, and the facilitator's workspace, which answer at
    `clock`'s instant (sign-in mails leave through `transport`, default the configured one)."""
    feeds = FeedEndpoints(engine, settings.resolve(settings.feeds.dir))

    async def healthz(_request: Request) -> Response:
        """200 when the database answers, 503 otherwise."""
        database = await run_in_threadpool(ping, engine)
        status = 200 if database == "ok" else 503
        ok = "ok" if status == 200 else "error"
        return JSONResponse({"status": ok, "database": database}, status_code=status)

    async def missing(_request: Request, _exc: Exception) -> Response:
        return not_found()

    routes: list[BaseRoute] = [
        *feeds.routes(),
        Route("/healthz", healthz, methods=["GET"]),
        *rsvp_routes(settings, engine, clock=clock),
        *attendance_routes(settings, engine, clock=clock),
        *unsubscribe_routes(settings, engine, clock=clock),
        *booking_routes(settings, engine, clock=clock),
        *public_routes(settings, engine, clock=clock),
        *workspace_routes(settings, engine, clock, transport, sign_in_limit),
        *extra_routes,
    ]
    return Starlette(routes=routes, exception_handlers={404: missing})
