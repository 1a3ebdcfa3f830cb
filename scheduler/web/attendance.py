"""The facilitator's attendance page: `GET /attendance/{token}` lists the invitees with check
boxes; `POST` (fields `present`, contact ids) records who came. Same rules as the RSVP pages:
GET changes nothing, a forged token gets 404 and an expired one 410, through the same steps."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.clock import Clock, system_clock
from scheduler.config import Settings
from scheduler.errors import InputError
from scheduler.service.answer import attendance
from scheduler.service.answer.attendance import AttendanceSheet, SheetState
from scheduler.web.pages import TokenPages, read_form

MAX_INVITEES = 500


class AttendanceEndpoints(TokenPages):
    """The two attendance routes over a database, recording at the clock's instant."""

    path = "attendance"

    async def show(self, request: Request) -> Response:
        """The invitees and what is recorded of them; changes nothing."""
        sheet = await run_in_threadpool(
            attendance.attendance_sheet,
            self.settings,
            self.engine,
            self.token(request),
            self.clock(),
        )
        return self._page(sheet)

    async def submit(self, request: Request) -> Response:
        """Record the checked invitees as present, the others absent."""
        token = self.token(request)
        present = _contact_ids(await read_form(request, max_fields=MAX_INVITEES))
        sheet: AttendanceSheet | None = None
        if present is not None:
            try:
                sheet = await run_in_threadpool(
                    attendance.record_sheet,
                    self.settings,
                    self.engine,
                    token,
                    present,
                    self.clock(),
                )
            except InputError:
                sheet = None
        if sheet is None:
            shown = await run_in_threadpool(
                attendance.attendance_sheet, self.settings, self.engine, token, self.clock()
            )
            return self._page(shown, error=True)
        if sheet.state is SheetState.NOT_STARTED:
            return self._page(sheet, status=409)
        return self._page(sheet)

    def _page(
        self, sheet: AttendanceSheet, *, error: bool = False, status: int | None = None
    ) -> Response:
        code = status or sheet.state.http_status
        if error and sheet.state in (SheetState.OPEN, SheetState.NOT_STARTED):
            code = 400
        return self.render(
            f"attendance_{sheet.locale}.html",
            code,
            page=sheet.state.value,
            sheet=sheet,
            error=error,
            link_days=attendance.LINK_DAYS,
        )


def attendance_routes(
    settings: Settings, engine: Engine, *, clock: Clock = system_clock
) -> list[Route]:
    """The attendance routes, for `create_app`."""
    return AttendanceEndpoints(settings, engine, clock).routes()


def _contact_ids(fields: dict[str, list[str]] | None) -> list[int] | None:
    """The checked contact ids; None when the form is not one of ours."""
    if fields is None or set(fields) - {"present"}:
        return None
    values = fields.get("present", [])
    if not all(value.isdigit() and len(value) < 10 for value in values):
        return None
    return [int(value) for value in values]
