"""The proposal page: `GET /rdv/{token}` lists the dates still free; `POST` books one.

The form has one radio button per date, named `slot`, whose value is the date's start in ISO
8601 with its UTC offset, and a "none of these suits us" choice (`slot=none`) with a `message`
to the facilitator. GET changes nothing (mail scanners follow links). A forged or unknown token
gets 404, a link past its deadline or whose date is decided 410, a date taken in the meantime
409 with the dates left (scheduler.service.answer.booking says what each means).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.clock import Clock, system_clock
from scheduler.config import Settings
from scheduler.service.access.signing import signer
from scheduler.service.answer import booking
from scheduler.service.answer.booking import BookingState, BookingView
from scheduler.service.plan import proposals
from scheduler.web.pages import TokenPages, read_form

NONE = "none"
"""The `slot` value that says none of the dates suits the buyer."""


class BookingEndpoints(TokenPages):
    """The two routes of a proposal's page over a database, at the clock's instant."""

    path = "rdv"

    async def show(self, request: Request) -> Response:
        """The dates still free; changes nothing."""
        view = await run_in_threadpool(
            booking.look_up, self.settings, self.engine, self.token(request), self.clock()
        )
        return self._page(view)

    async def submit(self, request: Request) -> Response:
        """Book the date posted, or record that none suits; then say what was done."""
        token = self.token(request)
        fields = await read_form(request)
        slots = fields.get("slot", []) if fields is not None else []
        if len(slots) != 1:
            view = await run_in_threadpool(
                booking.look_up, self.settings, self.engine, token, self.clock()
            )
            if view.state is BookingState.OPEN:
                view = replace(view, state=BookingState.INVALID)
            return self._page(view)
        if slots[0] == NONE:
            message = (fields or {}).get("message", [""])[0]
            view = await run_in_threadpool(
                booking.none_suits, self.settings, self.engine, token, message, self.clock()
            )
        else:
            view = await run_in_threadpool(
                booking.book, self.settings, self.engine, token, slots[0], self.clock()
            )
        return self._page(view)

    def _page(self, view: BookingView) -> Response:
        return self.render(f"rdv_{view.locale}.html", view.state.http_status, view=view)


def booking_routes(
    settings: Settings, engine: Engine, *, clock: Clock = system_clock
) -> list[Route]:
    """The proposal page's routes, for `create_app` (the signing secret is made now)."""
    signer(settings, proposals.PURPOSE)
    return BookingEndpoints(settings, engine, clock).routes()
