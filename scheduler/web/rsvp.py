"""RSVP pages: `GET /rsvp/{token}` shows the meeting and the answers; `POST` records one.

GET never changes anything — mail scanners and link previews follow GET links — so a link like
`/rsvp/{token}?answer=declined` only opens a page with that answer ready to confirm. The POST
(form field `answer`) records it and thanks the invitee. Pages are French, or English for a
contact whose locale is `en`, rendered by jinja2 with autoescape, never cached, never sending a
referrer. A forged or unknown token gets 404 and a link that can no longer answer 410, through
the same steps as a right one; nothing changes in either case.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.clock import Clock, system_clock
from scheduler.config import Settings
from scheduler.core.kinds import PartStat
from scheduler.service.access.signing import signer
from scheduler.service.answer import rsvp
from scheduler.service.answer.rsvp import ANSWERS, RsvpState, RsvpView
from scheduler.web.pages import TokenPages, read_form

_WORDS = {partstat: word for word, partstat in ANSWERS.items()}


class RsvpEndpoints(TokenPages):
    """The two RSVP routes over a database, answering at the clock's instant."""

    path = "rsvp"

    async def show(self, request: Request) -> Response:
        """The meeting and the three answers, the one in `?answer=` first; changes nothing."""
        token = self.token(request)
        view = await run_in_threadpool(
            rsvp.look_up, self.settings, self.engine, token, self.clock()
        )
        chosen = rsvp.parse_answer(request.query_params.get("answer"))
        return self._page(view, chosen=chosen)

    async def submit(self, request: Request) -> Response:
        """Record the posted answer, then thank the invitee."""
        token = self.token(request)
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
        return self.render(
            f"rsvp_{view.locale}.html",
            status,
            page=page,
            view=view,
            chosen=_WORDS.get(chosen) if chosen is not None else None,
            current=_WORDS.get(view.partstat),
            order=order,
            error=error,
        )


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
