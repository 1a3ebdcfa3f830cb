"""The public pages: /territoire (the territory's agenda, its subscription links and one .ics
per meeting) and /engagements (the buyers that made their commitment public; with
`?integration=1`, a bare variant other sites may frame: CSP frame-ancestors lists
`[web] embed_origins`).

They show nothing personal (see scheduler.service.publish.public), may be cached for five minutes
and indexed, and load nothing from elsewhere.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from scheduler.clock import Clock, system_clock
from scheduler.config import Settings
from scheduler.service.publish.feeds import public_link
from scheduler.service.publish.public import commitments, meeting_ics, public_agenda
from scheduler.web.feeds import CALENDAR_TYPE, not_found
from scheduler.web.pages import pages

CACHE = "public, max-age=300"
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors {ancestors}"
)


def public_routes(settings: Settings, engine: Engine, clock: Clock = system_clock) -> list[Route]:
    """The public pages' routes."""
    public = PublicPages(settings, engine, clock)
    return [
        Route("/territoire", public.territory, methods=["GET"]),
        Route("/territoire/evenements/{key}.ics", public.event, methods=["GET"]),
        Route("/engagements", public.engagements, methods=["GET"]),
    ]


def headers(frame_ancestors: str = "'none'") -> dict[str, str]:
    """A public page's headers; only an embeddable page is allowed in others' frames."""
    found = {
        "Cache-Control": CACHE,
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": _CSP.format(ancestors=frame_ancestors),
    }
    if frame_ancestors == "'none'":
        found["X-Frame-Options"] = "DENY"
    return found


class PublicPages:
    """The public pages over a database, at the clock's instant."""

    def __init__(self, settings: Settings, engine: Engine, clock: Clock) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock

    async def territory(self, _request: Request) -> Response:
        """The territory's agenda for the coming year."""
        entries = await run_in_threadpool(public_agenda, self.settings, self.engine, self.clock())
        https, webcal = public_link(self.settings)
        return self._page(
            "territoire.html", headers(), entries=entries, https_link=https, webcal_link=webcal
        )

    async def event(self, request: Request) -> Response:
        """One territory meeting as a calendar file."""
        key = request.path_params["key"]
        content = await run_in_threadpool(meeting_ics, self.settings, self.engine, key)
        if content is None:
            return not_found()
        return Response(
            content,
            headers={
                "Content-Type": CALENDAR_TYPE,
                "Content-Disposition": f'attachment; filename="rencontre-{key[:8]}.ics"',
                "Cache-Control": CACHE,
                "X-Content-Type-Options": "nosniff",
            },
        )

    async def engagements(self, request: Request) -> Response:
        """The buyers that made their commitment public; bare and frameable with
        ?integration=1."""
        today = self.clock().astimezone(ZoneInfo(self.settings.organisation.timezone)).date()
        found = await run_in_threadpool(commitments, self.engine, today)
        embedded = request.query_params.get("integration") == "1"
        origins = " ".join(self.settings.web.embed_origins) or "'none'"
        return self._page(
            "engagements.html",
            headers(origins if embedded else "'none'"),
            commitments=[(c, since(c.since)) for c in found],
            embedded=embedded,
            page_url=self.settings.feeds.base_url.rstrip("/") + "/engagements",
        )

    def _page(self, template: str, sent: dict[str, str], **context: object) -> Response:
        body = pages.get_template(template).render(
            guichet=self.settings.organisation.name, lang="fr", **context
        )
        return HTMLResponse(body, headers=sent)


def since(day: date) -> str:
    """« septembre 2026 »: the month a partnership began."""
    return str(format_date(day, "MMMM y", locale="fr"))
