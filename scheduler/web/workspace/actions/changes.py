"""The changes to one meeting: move it, cancel it, bring it back at a new date, edit its theme,
description, place and video link. Each is a POST with the session's CSRF token and the SEQUENCE
the form was shown at; each calls the same service function as the CLI
(scheduler.service.plan.occurrences), which raises the SEQUENCE, queues the mails and writes the
journal in one transaction; then the feeds are exported again, as the CLI does.

A refusal re-shows the form with the reason beside the field, in French (English for an `en`
reader), and nothing written: a date in the past, a move onto a closed day or over a capacity
(the broken rules listed, then a confirmation), a meeting changed meanwhile by someone else
(« modifiée entre-temps », 409)."""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.core.kinds import OccurrenceStatus
from scheduler.core.placement import BrokenRule
from scheduler.errors import ConflictError, InputError, NotFoundError, PlacementError
from scheduler.service.access.signin import SignedIn
from scheduler.service.deliver.enqueue import on_occurrence_change
from scheduler.service.plan.occurrences import (
    DETAIL_LIMITS,
    Details,
    cancel_occurrence,
    edit_occurrence,
    move_occurrence,
    restore_occurrence,
)
from scheduler.service.publish import workspace
from scheduler.web.workspace.actions.forms import Forms, field, sequence_of
from scheduler.web.workspace.auth import SignedInHandler
from scheduler.web.workspace.render import render


class MeetingChanges(Forms):
    """The meeting's change form and its four POSTs."""

    def routes(self) -> list[Route]:
        """The form page and the four changes."""
        posts: dict[str, SignedInHandler] = {
            "deplacer": self.move,
            "annuler": self.cancel,
            "retablir": self.restore,
            "modifier": self.edit,
        }
        return [
            Route("/rencontres/{uid}/modifier", self.gate.guarded(self.form), methods=["GET"]),
            *(
                Route(f"/rencontres/{{uid}}/{path}", self.gate.guarded(handler), methods=["POST"])
                for path, handler in posts.items()
            ),
        ]

    async def form(self, request: Request, who: SignedIn) -> Response:
        """The meeting's change form (GET: reads only)."""
        return await self._show(request, who)

    async def _show(
        self,
        request: Request,
        who: SignedIn,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
        broken: tuple[BrokenRule, ...] = (),
        action: str = "",
        stale: bool = False,
    ) -> Response:
        view = await run_in_threadpool(
            partial(
                workspace.meeting,
                self.settings,
                self.engine,
                request.path_params["uid"],
                page=1,
                mail_page=1,
            )
        )
        if view is None:
            return self.missing(who)
        local = view.meeting.start.astimezone(self.zone)
        shown = {
            "date": f"{local:%Y-%m-%d}",
            "heure": f"{local:%H:%M}",
            "theme": view.meeting.theme or "",
            "description": view.description or "",
            "lieu": view.place,
            "visio": view.video_url,
            "motif": "",
            **(values or {}),
        }
        return render(
            self.settings,
            "meeting_edit.html",
            locale=who.person.locale,
            status=status,
            who=who,
            view=view,
            values=shown,
            errors=errors or {},
            broken=broken,
            action=action,
            stale=stale,
            cancelled=view.meeting.status is OccurrenceStatus.CANCELLED,
            section="agenda",
        )

    async def move(self, request: Request, who: SignedIn) -> Response:
        """Move the meeting to a new date and time."""
        return await self._dated(request, who, "deplacer", move_occurrence, "deplacee")

    async def restore(self, request: Request, who: SignedIn) -> Response:
        """Bring a cancelled meeting back at a new date and time."""
        return await self._dated(request, who, "retablir", restore_occurrence, "retablie")

    async def _dated(
        self, request: Request, who: SignedIn, action: str, change: Any, done: str
    ) -> Response:
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        values = {"date": field(fields, "date", 20), "heure": field(fields, "heure", 10)}
        errors: dict[str, str] = {}
        sequence = sequence_of(fields)
        start = self.start(values, errors)
        now = self.gate.clock()
        if start is not None and start <= now:
            errors["date"] = "La nouvelle date est passée."
        if sequence is None:
            return self.gate.forbidden(who.person.locale)
        if errors:
            return await self._show(
                request, who, status=400, errors=errors, values=values, action=action
            )
        assert start is not None
        try:
            await run_in_threadpool(
                partial(
                    change,
                    self.engine,
                    request.path_params["uid"],
                    start,
                    now,
                    settings=self.settings,
                    force=field(fields, "confirmer") == "1",
                    in_transaction=on_occurrence_change(self.settings, now),
                    expected_sequence=sequence,
                    actor=who.person.email,
                )
            )
        except PlacementError as refused:
            broken = tuple(b for b in refused.broken if isinstance(b, BrokenRule))
            return await self._show(
                request, who, status=409, values=values, broken=broken, action=action
            )
        except ConflictError:
            return await self._show(request, who, status=409, stale=True, action=action)
        except NotFoundError:
            return await self._show(request, who, status=404)
        except InputError:
            errors["date"] = (
                "Cette rencontre ne peut pas être déplacée : elle a déjà commencé, "
                "est annulée, ou commence déjà à cette heure."
                if action == "deplacer"
                else "Seule une rencontre annulée peut être rétablie."
            )
            return await self._show(
                request, who, status=400, errors=errors, values=values, action=action
            )
        return await self.back_to_meeting(request, done)

    async def cancel(self, request: Request, who: SignedIn) -> Response:
        """Cancel the meeting, with a reason."""
        fields = await self.gate.checked_form(request, who)
        if fields is None or (sequence := sequence_of(fields)) is None:
            return self.gate.forbidden(who.person.locale)
        reason = field(fields, "motif")
        values = {"motif": reason}
        if not reason:
            errors = {"motif": "Indiquez le motif : il est dit aux personnes invitées."}
            return await self._show(
                request, who, status=400, errors=errors, values=values, action="annuler"
            )
        if len(reason) > 400:
            errors = {"motif": "Le motif tient en 400 caractères au plus."}
            return await self._show(
                request, who, status=400, errors=errors, values=values, action="annuler"
            )
        now = self.gate.clock()
        try:
            await run_in_threadpool(
                partial(
                    cancel_occurrence,
                    self.engine,
                    request.path_params["uid"],
                    now,
                    reason=reason,
                    in_transaction=on_occurrence_change(self.settings, now),
                    expected_sequence=sequence,
                    actor=who.person.email,
                )
            )
        except ConflictError:
            return await self._show(request, who, status=409, stale=True, action="annuler")
        except NotFoundError:
            return await self._show(request, who, status=404)
        except InputError:
            errors = {"motif": "Cette rencontre a déjà commencé ou est déjà annulée."}
            return await self._show(
                request, who, status=400, errors=errors, values=values, action="annuler"
            )
        return await self.back_to_meeting(request, "annulee")

    async def edit(self, request: Request, who: SignedIn) -> Response:
        """Set the theme, description, place and video link of this meeting."""
        fields = await self.gate.checked_form(request, who)
        if fields is None or (sequence := sequence_of(fields)) is None:
            return self.gate.forbidden(who.person.locale)
        values = {name: field(fields, name) for name in ("theme", "description", "lieu", "visio")}
        errors: dict[str, str] = {}
        for name, key in (
            ("theme", "theme"),
            ("description", "description"),
            ("lieu", "location"),
            ("visio", "video_url"),
        ):
            if len(values[name]) > DETAIL_LIMITS[key]:
                errors[name] = "Ce texte est trop long."
        video = values["visio"]
        if video and not video.lower().startswith(("https://", "http://")):
            errors["visio"] = "Une adresse qui commence par https://"
        view = await run_in_threadpool(
            partial(
                workspace.meeting,
                self.settings,
                self.engine,
                request.path_params["uid"],
                page=1,
                mail_page=1,
            )
        )
        if view is None:
            return await self._show(request, who, status=404)
        if errors:
            return await self._show(
                request, who, status=400, errors=errors, values=values, action="modifier"
            )
        ritual = who.settings.rituals[view.meeting.kind]
        details = Details(
            theme=values["theme"] or None,
            description=values["description"] or None,
            location=None if values["lieu"] == ritual.location else values["lieu"],
            video_url=None if values["visio"] == ritual.video_url else values["visio"],
        )
        now = self.gate.clock()
        try:
            await run_in_threadpool(
                partial(
                    edit_occurrence,
                    self.engine,
                    request.path_params["uid"],
                    details,
                    now,
                    in_transaction=on_occurrence_change(self.settings, now),
                    expected_sequence=sequence,
                    actor=who.person.email,
                )
            )
        except ConflictError:
            return await self._show(request, who, status=409, stale=True, action="modifier")
        except InputError as refused:
            message = (
                "Rien n'a changé."
                if "nothing to change" in str(refused)
                else "Cette rencontre a déjà commencé ou est annulée : elle ne peut plus être "
                "modifiée."
            )
            return await self._show(
                request,
                who,
                status=400,
                errors={"theme": message},
                values=values,
                action="modifier",
            )
        return await self.back_to_meeting(request, "modifiee")
