"""Unsubscribe pages: `GET /unsubscribe/{token}` says which kind of message would stop and
offers a button (and, for a mail about a territory meeting, a second one that stops every
message about that ritual kind: `scope=ritual`); `POST` stops it and confirms. A mail about a
meeting of the buyer's own convention has nothing to stop: its page says so.

GET never changes anything (mail scanners and link previews follow links). The POST is the
page's form, or the one-click POST a mail client sends from `List-Unsubscribe-Post:
List-Unsubscribe=One-Click` (RFC 8058: body `List-Unsubscribe=One-Click`, url-encoded or
multipart): the token in the URL is what authorises it, so any small body is accepted and
none is needed. Same rules as the RSVP pages: French, or English for a contact whose locale is
`en`, jinja2 with autoescape, never cached, no referrer; an unknown token gets 404 through the
same steps as a right one, and nothing changes.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.clock import Clock, system_clock
from scheduler.config import Settings
from scheduler.service.answer import unsubscribe
from scheduler.service.answer.unsubscribe import KIND, RITUAL, UnsubscribeState, UnsubscribeView
from scheduler.web.pages import TokenPages, read_body

STAFF_POST_STATUS = 409
"""A POST for a facilitator's mail, or about a meeting of the buyer's own convention, stops
nothing: say so to a one-click client too."""


class UnsubscribeEndpoints(TokenPages):
    """The two unsubscribe routes over a database, recording at the clock's instant."""

    path = "unsubscribe"

    async def show(self, request: Request) -> Response:
        """What would stop, and the button that stops it; changes nothing."""
        view = await run_in_threadpool(
            unsubscribe.look_up, self.settings, self.engine, self.token(request)
        )
        return self._page(view, done=False)

    async def submit(self, request: Request) -> Response:
        """Stop the link's kind of message for its reader, then confirm."""
        # The button's form and the RFC 8058 body say the same thing: the token decides; the
        # second button of the form adds scope=ritual.
        body = await read_body(request) or b""
        fields = parse_qs(body.decode("utf-8", "replace"), max_num_fields=8)
        scope = RITUAL if fields.get("scope") == [RITUAL] else KIND
        view = await run_in_threadpool(
            unsubscribe.unsubscribe,
            self.settings,
            self.engine,
            self.token(request),
            self.clock(),
            scope,
        )
        return self._page(view, done=True)

    def _page(self, view: UnsubscribeView, *, done: bool) -> Response:
        status = view.state.http_status
        if view.state is UnsubscribeState.OPEN:
            page = "done" if done or view.already else "confirm"
        else:
            page = view.state.value
            if view.state in (UnsubscribeState.STAFF, UnsubscribeState.OWN) and done:
                status = STAFF_POST_STATUS
        return self.render(f"unsubscribe_{view.locale}.html", status, page=page, view=view)


def unsubscribe_routes(
    settings: Settings, engine: Engine, *, clock: Clock = system_clock
) -> list[Route]:
    """The unsubscribe routes, for `create_app`."""
    return UnsubscribeEndpoints(settings, engine, clock).routes()
