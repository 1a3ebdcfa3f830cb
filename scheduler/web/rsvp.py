"""RSVP pages: `GET /rsvp/{token}` shows the meeting and the answers; `POST` records one.

GET never changes anything — mail scanners and link previews follow GET links — so a link like
`/rsvp/{token}?answer=declined` only opens a page with that answer ready to confirm. The POST
(form field `answer`) records it and thanks the invitee. Pages are French, or English for a
contact whose locale is `en`, rendered by jinja2 with autoescape, never cached, never sending a
referrer. A forged or unknown token gets 404 and a link that can no longer answer 410, through
the same steps as a right one; nothing changes in either case.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from scheduler.clock import Clock, system_clock
from scheduler.config import Settings
from scheduler.core.kinds import PartStat
from scheduler.service import rsvp
from scheduler.service.rsvp import ANSWERS, RsvpState, RsvpView
from scheduler.service.signing import signer

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_FORM_BYTES = 2048
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}
_WORDS = {partstat: word for word, partstat in ANSWERS.items()}

pages = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class RsvpEndpoints:
    """The two RSVP routes over a database, answering at the clock's instant."""

    def __init__(self, settings: Settings, engine: Engine, clock: Clock = system_clock) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock

    def routes(self) -> list[Route]:
        """`GET` and `POST /rsvp/{token}`."""
        return [
            Route("/rsvp/{token}", self.confirm, methods=["GET"]),
            Route("/rsvp/{token}", self.submit, methods=["POST"]),
        ]

    async def confirm(self, request: Request) -> Response:
        """The meeting and the three answers, the one in `?answer=` first; changes nothing."""
        token = request.path_params["token"]
        view = await run_in_threadpool(
            rsvp.look_up, self.settings, self.engine, token, self.clock()
        )
        chosen = rsvp.parse_answer(request.query_params.get("answer"))
        return self._page(view, chosen=chosen)

    async def submit(self, request: Request) -> Response:
        """Record the posted answer, then thank the invitee."""
        token = request.path_params["token"]
        posted = await _posted_answer(request)
        if posted is None:
            view = await run_in_threadpool(
                rsvp.look_up, self.settings, self.engine, token, self.clock()
            )
            return self._page(view, error=True)
        view = await run_in_threadpool(
            rsvp.answer, self.settings, self.engine, token, posted, self.clock()
        )
        return self._page(view, thanks=True)

    def _page(
        self,
        view: RsvpView,
        *,
        chosen: PartStat | None = None,
        error: bool = False,
        thanks: bool = False,
    ) -> Response:
        status = view.state.http_status
        if view.state is RsvpState.OPEN:
            page = "thanks" if thanks else "confirm"
            if error:
                status = 400
        else:
            page = view.state.value
        order = [_WORDS[chosen]] if chosen is not None else []
        order += [word for word in ANSWERS if word not in order]
        body = pages.get_template(f"rsvp_{view.locale}.html").render(
            page=page,
            view=view,
            chosen=_WORDS.get(chosen) if chosen is not None else None,
            current=_WORDS.get(view.partstat),
            order=order,
            error=error,
            guichet=self.settings.organisation.name,
        )
        return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)


def rsvp_routes(settings: Settings, engine: Engine, *, clock: Clock = system_clock) -> list[Route]:
    """The RSVP routes, for `create_app`; makes the signing secret now if it does not exist, so
    a bad `RITUEL_SECRET` stops the start rather than the first answer."""
    signer(settings, rsvp.PURPOSE)
    return RsvpEndpoints(settings, engine, clock).routes()


async def _posted_answer(request: Request) -> PartStat | None:
    """The `answer` field of the form, else None."""
    fields = await read_form(request)
    answers = fields.get("answer", []) if fields is not None else []
    return rsvp.parse_answer(answers[0]) if len(answers) == 1 else None


async def read_form(request: Request, max_fields: int = 8) -> dict[str, list[str]] | None:
    """The fields of a small url-encoded form; None when it is too big to be ours."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        return parse_qs(body.decode("utf-8", "replace"), max_num_fields=max_fields)
    except ValueError:
        return None
