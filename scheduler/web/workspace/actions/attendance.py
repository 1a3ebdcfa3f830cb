"""Who came to a meeting: the invitees to tick, walk-ins to add (name, address, organisation),
a headcount. Saving records them and marks the meeting held (scheduler.service.answer.attendance); a
refusal re-shows the sheet with the reason beside the field, and nothing written."""

from __future__ import annotations

import re
from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.core.kinds import OccurrenceStatus
from scheduler.errors import InputError, NotFoundError
from scheduler.service.access.signin import SignedIn
from scheduler.service.answer.attendance import (
    MAX_HEADCOUNT,
    Walker,
    attendance_of,
    record_presence,
)
from scheduler.service.publish import workspace
from scheduler.web.workspace.actions.forms import Forms, field
from scheduler.web.workspace.render import render

WALK_IN_ROWS = 3
"""Empty rows for walk-ins under those already recorded (the form may be sent again)."""
MAX_WALK_INS = 200
MAX_FIELDS = 2000
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Attendance(Forms):
    """The attendance sheet and its POST."""

    def routes(self) -> list[Route]:
        """GET the sheet, POST it."""
        return [
            Route("/rencontres/{uid}/presences", self.gate.guarded(self.sheet), methods=["GET"]),
            Route(
                "/rencontres/{uid}/presences", self.gate.guarded(self.attendance), methods=["POST"]
            ),
        ]

    async def sheet(self, request: Request, who: SignedIn) -> Response:
        """Who came: the invitees to tick, walk-ins to add, a headcount (GET: reads only)."""
        return await self._sheet(request, who)

    async def _sheet(
        self,
        request: Request,
        who: SignedIn,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
        ticked: set[int] | None = None,
        walkers: list[Walker] | None = None,
        headcount: str | None = None,
    ) -> Response:
        uid = request.path_params["uid"]
        view = await run_in_threadpool(
            partial(workspace.meeting, self.settings, self.engine, uid, page=1, mail_page=1)
        )
        if view is None:
            return self.missing(who)
        report = await run_in_threadpool(attendance_of, self.engine, uid)
        if walkers is None:
            walkers = [Walker(w.name, w.email, w.organisation) for w in view.walk_ins]
        rows = walkers + [Walker("")] * WALK_IN_ROWS
        return render(
            self.settings,
            "meeting_attendance.html",
            locale=who.person.locale,
            status=status,
            who=who,
            view=view,
            invitees=report.invitees,
            ticked=ticked
            if ticked is not None
            else {i.contact_id for i in report.invitees if i.attended},
            walkers=rows[: len(walkers) + WALK_IN_ROWS],
            headcount=headcount
            if headcount is not None
            else ("" if view.headcount is None else str(view.headcount)),
            errors=errors or {},
            started=view.meeting.start <= self.gate.clock(),
            cancelled=view.meeting.status is OccurrenceStatus.CANCELLED,
            section="agenda",
        )

    async def attendance(self, request: Request, who: SignedIn) -> Response:
        """Record who came; the meeting becomes held."""
        fields = await self.gate.checked_form(request, who, max_fields=MAX_FIELDS)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        ticked = {int(v) for v in fields.get("present", []) if v.isdigit() and len(v) < 10}
        errors: dict[str, str] = {}
        walkers: list[Walker] = []
        for index in range(MAX_WALK_INS):
            name = field(fields, f"nom_{index}", 300)
            email = field(fields, f"courriel_{index}", 300)
            organisation = field(fields, f"organisation_{index}", 300)
            if not (name or email or organisation):
                continue
            walkers.append(Walker(name, email or None, organisation))
            position = len(walkers) - 1
            if not name:
                errors[f"nom_{position}"] = "Indiquez le nom de la personne."
            elif len(name) > 200:
                errors[f"nom_{position}"] = "Ce texte est trop long."
            if email and not EMAIL.fullmatch(email):
                errors[f"courriel_{position}"] = "Cette adresse électronique n'est pas valide."
            if len(organisation) > 200:
                errors[f"organisation_{position}"] = "Ce texte est trop long."
        text = field(fields, "effectif", 20)
        headcount: int | None = None
        if text:
            if not text.isdigit() or int(text) > MAX_HEADCOUNT:
                errors["effectif"] = "Indiquez un nombre de personnes."
            else:
                headcount = int(text)
                if headcount < len(ticked) + len(walkers):
                    errors["effectif"] = (
                        "L'effectif compte au moins les personnes cochées et ajoutées."
                    )
        if errors:
            return await self._sheet(
                request,
                who,
                status=400,
                errors=errors,
                ticked=ticked,
                walkers=walkers,
                headcount=text,
            )
        try:
            await run_in_threadpool(
                partial(
                    record_presence,
                    self.settings,
                    self.engine,
                    request.path_params["uid"],
                    ticked,
                    self.gate.clock(),
                    walk_ins=walkers,
                    headcount=headcount,
                    actor=who.person.email,
                )
            )
        except NotFoundError:
            return await self._sheet(request, who, status=404)
        except InputError:
            return await self._sheet(
                request,
                who,
                status=400,
                errors={
                    "presents": "Les présences se notent une fois la rencontre commencée, "
                    "et pas pour une rencontre annulée."
                },
                ticked=ticked,
                walkers=walkers,
                headcount=text,
            )
        return await self.back_to_meeting(request, "tenue")
