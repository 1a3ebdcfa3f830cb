"""A one-off meeting from the agenda (`/rencontres/nouvelle`): its kind, theme, date, time and
length, place or video link, description, buyer, facilitator and invitees (addresses of the
directory, an unknown one refused by name). The planner never moves nor cancels it; its
invitations are queued in the same transaction
(scheduler.service.plan.occurrences.create_occurrence)."""

from __future__ import annotations

import re
from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scheduler.core.kinds import RitualKind
from scheduler.errors import InputError
from scheduler.service.access.signin import SignedIn
from scheduler.service.deliver.enqueue import on_occurrence_change
from scheduler.service.plan.occurrences import DETAIL_LIMITS, Details, NewMeeting, create_occurrence
from scheduler.service.publish.feeds import export_feeds
from scheduler.web.workspace.actions.forms import Forms, field
from scheduler.web.workspace.render import HEADERS, render


class OneOffMeeting(Forms):
    """The form of a one-off meeting, and its POST."""

    def routes(self) -> list[Route]:
        """GET the form, POST the meeting."""
        return [
            Route("/rencontres/nouvelle", self.gate.guarded(self.new_form), methods=["GET"]),
            Route("/rencontres/nouvelle", self.gate.guarded(self.create), methods=["POST"]),
        ]

    async def new_form(self, request: Request, who: SignedIn) -> Response:
        """The form of a one-off meeting (GET: reads only)."""
        return self._new(who, values={"animateur": who.person.facilitator_id or ""})

    def _new(
        self,
        who: SignedIn,
        *,
        status: int = 200,
        values: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Response:
        shown = {
            "type": "",
            "theme": "",
            "date": "",
            "heure": "",
            "duree": "90",
            "lieu": "",
            "visio": "",
            "description": "",
            "acheteur": "",
            "invites": "",
            "animateur": "",
            **(values or {}),
        }
        return render(
            self.settings,
            "meeting_new.html",
            locale=who.person.locale,
            status=status,
            who=who,
            values=shown,
            errors=errors or {},
            kinds=list(RitualKind),
            facilitators=who.settings.facilitators,
            section="agenda",
        )

    async def create(self, request: Request, who: SignedIn) -> Response:
        """Add a one-off meeting and queue its invitations."""
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        names = (
            "type", "theme", "date", "heure", "duree", "lieu", "visio", "description",
            "acheteur", "invites", "animateur",
        )  # fmt: skip
        values = {name: field(fields, name, 20_000) for name in names}
        errors: dict[str, str] = {}
        try:
            kind = RitualKind(values["type"])
        except ValueError:
            errors["type"] = "Choisissez le type de rencontre."
            kind = None
        start = self.start(values, errors)
        now = self.gate.clock()
        if start is not None and start <= now:
            errors["date"] = "La date est passée."
        minutes = int(values["duree"]) if values["duree"].isdigit() else 0
        if not 5 <= minutes <= 24 * 60:
            errors["duree"] = "Indiquez une durée en minutes, de 5 à 1 440."
        for name, key in (("theme", "theme"), ("description", "description"), ("lieu", "location")):
            if len(values[name]) > DETAIL_LIMITS[key]:
                errors[name] = "Ce texte est trop long."
        video = values["visio"]
        if video and not video.lower().startswith(("https://", "http://")):
            errors["visio"] = "Une adresse qui commence par https://"
        facilitator = values["animateur"] or (who.person.facilitator_id or "")
        if who.settings.facilitator(facilitator) is None:
            errors["animateur"] = "Choisissez l'animateur ou l'animatrice."
        invitees = tuple(
            line.strip() for line in re.split(r"[\s,;]+", values["invites"]) if line.strip()
        )
        if len(invitees) > 500:
            errors["invites"] = "500 personnes au plus."
        if errors:
            return self._new(who, status=400, values=values, errors=errors)
        assert kind is not None
        assert start is not None
        ritual = who.settings.rituals[kind]
        meeting = NewMeeting(
            kind=kind,
            start=start,
            minutes=minutes,
            facilitator_id=facilitator,
            details=Details(
                theme=values["theme"] or None,
                description=values["description"] or None,
                location=None if values["lieu"] in ("", ritual.location) else values["lieu"],
                video_url=None if values["visio"] in ("", ritual.video_url) else values["visio"],
            ),
            buyer_slug=values["acheteur"] or None,
            invitees=invitees,
        )
        try:
            change = await run_in_threadpool(
                partial(
                    create_occurrence,
                    self.settings,
                    self.engine,
                    meeting,
                    now,
                    in_transaction=on_occurrence_change(self.settings, now),
                    actor=who.person.email,
                )
            )
        except InputError as refused:
            for problem in refused.problems:
                if problem.startswith("theme: "):
                    errors["theme"] = "Donnez un titre à cette rencontre."
                elif problem == "buyer":
                    errors["acheteur"] = "Aucun acheteur n'a cet identifiant."
                elif problem.startswith("invitees: "):
                    errors["invites"] = "Ces adresses ne sont pas dans l'annuaire :"
                    errors["inconnus"] = ", ".join(
                        p.removeprefix("invitees: ")
                        for p in refused.problems
                        if p.startswith("invitees: ")
                    )
            if not errors:
                errors["date"] = "La rencontre n'a pas pu être ajoutée."
            return self._new(who, status=400, values=values, errors=errors)
        await run_in_threadpool(export_feeds, self.settings, self.engine, self.gate.clock())
        return RedirectResponse(
            f"/rencontres/{change.uid}?fait=ajoutee", status_code=303, headers=HEADERS
        )
