"""The facilitator's workspace: sign-in without a password, then pages that show the
partnership's life (home, agenda, meetings, buyers, organisations, contacts, outbox)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from starlette.routing import Route

from scheduler.clock import Clock
from scheduler.config import Settings
from scheduler.mail.transport import Transport
from scheduler.service.deliver.mailing import make_transport
from scheduler.web.workspace.actions import Actions
from scheduler.web.workspace.auth import ClientLimit, Gate, TransportFactory
from scheduler.web.workspace.bilan import BilanPages
from scheduler.web.workspace.imports import Imports
from scheduler.web.workspace.pages import Pages


def workspace_routes(
    settings: Settings,
    engine: Engine,
    clock: Clock,
    transport: TransportFactory | None = None,
    limit: ClientLimit | None = None,
) -> list[Route]:
    """The workspace's routes; sign-in mails leave through `transport` (default: the
    configured one)."""

    def configured() -> Transport:
        return make_transport(settings, clock)

    gate = Gate(settings, engine, clock, transport or configured, limit)
    return [
        *gate.routes(),
        *Actions(gate).routes(),
        *Imports(gate).routes(),
        *Pages(gate).routes(),
        *BilanPages(gate).routes(),
    ]


__all__ = ["ClientLimit", "TransportFactory", "workspace_routes"]
