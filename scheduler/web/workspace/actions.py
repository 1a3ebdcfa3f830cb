"""The workspace's actions on one meeting: move it, cancel it, bring it back at a new date, edit
its theme, description, place and video link. Each is a POST with the session's CSRF token and
the SEQUENCE the form was shown at; each calls the same service function as the CLI
(scheduler.service.plan.occurrences), which raises the SEQUENCE, queues the mails and writes the
journal in one transaction; then the feeds are exported again, as the CLI does.

A refusal re-shows the form with the reason beside the field, in French (English for an `en`
reader), and nothing written: a date in the past, a move onto a closed day or over a capacity
(the broken rules listed, then a confirmation), a meeting changed meanwhile by someone else
(« modifiée entre-temps », 409)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time
from email import message_from_bytes, policy
from email.message import EmailMessage
from functools import partial, wraps
from typing import Any
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scheduler.core.kinds import OccurrenceStatus, PartStat, RitualKind
from scheduler.core.placement import BrokenRule
from scheduler.errors import ConflictError, InputError, NotFoundError, PlacementError
from scheduler.service.access.signin import SignedIn
from scheduler.service.answer.attendance import (
    MAX_HEADCOUNT,
    Walker,
    attendance_of,
    record_presence,
)
from scheduler.service.deliver.enqueue import on_occurrence_change
from scheduler.service.deliver.invitees import add_invitee, answer_on_behalf
from scheduler.service.deliver.mailing import preview_message
from scheduler.service.deliver.outbox import retry_messages
from scheduler.service.plan.occurrences import (
    DETAIL_LIMITS,
    Details,
    NewMeeting,
    cancel_occurrence,
    create_occurrence,
    edit_occurrence,
    move_occurrence,
    restore_occurrence,
)
from scheduler.service.publish import workspace
from scheduler.service.publish.feeds import export_feeds, revoke, rotate
from scheduler.web.workspace.auth import Gate
from scheduler.web.workspace.render import HEADERS, render

Fields = dict[str, list[str]]
Handler = Callable[[Request, SignedIn], Awaitable[Response]]

DONE = {"deplacee", "annulee", "retablie", "modifiee", "tenue", "ajoutee", "invite", "reponse"}
ANSWER_CHOICES = (PartStat.ACCEPTED, PartStat.TENTATIVE, PartStat.DECLINED)
WALK_IN_ROWS = 3
"""Empty rows for walk-ins under those already recorded (the form may be sent again)."""
MAX_WALK_INS = 200
MAX_FIELDS = 2000
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def field(fields: Fields, name: str, limit: int = 4000) -> str:
    """One form field, trimmed (empty when absent)."""
    return (fields.get(name) or [""])[0].strip()[:limit]


class Actions:
    """The meeting's change form and its four POSTs."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.settings = gate.settings
        self.engine = gate.engine
        self.zone = ZoneInfo(self.settings.organisation.timezone)

    def routes(self) -> list[Route]:
        """The form page and the actions."""
        posts: dict[str, Handler] = {
            "deplacer": self.move,
            "annuler": self.cancel,
            "retablir": self.restore,
            "modifier": self.edit,
        }
        routes = [
            Route("/rencontres/nouvelle", self._guarded(self.new_form), methods=["GET"]),
            Route("/rencontres/nouvelle", self._guarded(self.create), methods=["POST"]),
            Route("/rencontres/{uid}/modifier", self._guarded(self.form), methods=["GET"]),
            Route("/courriels/reessayer", self._guarded(self.retry), methods=["POST"]),
            Route("/rencontres/{uid}/inviter", self._guarded(self.invite), methods=["POST"]),
            Route("/rencontres/{uid}/reponse", self._guarded(self.answer), methods=["POST"]),
            Route("/acheteurs/{slug}/flux", self._guarded(self.feed), methods=["POST"]),
            Route("/courriels/{message_id:int}", self._guarded(self.mail), methods=["GET"]),
            Route("/rencontres/{uid}/presences", self._guarded(self.sheet), methods=["GET"]),
            Route("/rencontres/{uid}/presences", self._guarded(self.attendance), methods=["POST"]),
        ]
        routes += [
            Route(
                f"/rencontres/{{uid}}/{path}", self._guarded(handler, post=True), methods=["POST"]
            )
            for path, handler in posts.items()
        ]
        return routes

    def _guarded(
        self, handler: Handler, *, post: bool = False
    ) -> Callable[[Request], Awaitable[Response]]:
        @wraps(handler)
        async def page(request: Request) -> Response:
            who = await self.gate.signed_in(request)
            if who is None:
                return self.gate.turned_away(request)
            return await handler(request, who)

        return page

    # --- the form ---------------------------------------------------------------------------

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
            return render(
                self.settings, "error.html", locale=who.person.locale, status=404, page="missing"
            )
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

    # --- the actions ------------------------------------------------------------------------

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
        sequence = _sequence(fields)
        start = self._start(values, errors)
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
        return await self._done(request, done)

    async def cancel(self, request: Request, who: SignedIn) -> Response:
        """Cancel the meeting, with a reason."""
        fields = await self.gate.checked_form(request, who)
        if fields is None or (sequence := _sequence(fields)) is None:
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
        return await self._done(request, "annulee")

    async def edit(self, request: Request, who: SignedIn) -> Response:
        """Set the theme, description, place and video link of this meeting."""
        fields = await self.gate.checked_form(request, who)
        if fields is None or (sequence := _sequence(fields)) is None:
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
        ritual = self.settings.rituals[view.meeting.kind]
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
        return await self._done(request, "modifiee")

    # --- a one-off meeting ----------------------------------------------------------------------

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
            facilitators=self.settings.facilitators,
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
        start = self._start(values, errors)
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
        if self.settings.facilitator(facilitator) is None:
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
        ritual = self.settings.rituals[kind]
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
                if problem == "buyer":
                    errors["acheteur"] = "Aucun acheteur n'a cet identifiant."
                elif problem.startswith("invitees: "):
                    errors["invites"] = "Ces adresses ne sont pas dans l'annuaire : " + ", ".join(
                        p.removeprefix("invitees: ") for p in refused.problems
                    )
            if not errors:
                errors["date"] = "La rencontre n'a pas pu être ajoutée."
            return self._new(who, status=400, values=values, errors=errors)
        await run_in_threadpool(export_feeds, self.settings, self.engine, self.gate.clock())
        return RedirectResponse(
            f"/rencontres/{change.uid}?fait=ajoutee", status_code=303, headers=HEADERS
        )

    # --- invitees -----------------------------------------------------------------------------

    async def invite(self, request: Request, who: SignedIn) -> Response:
        """Invite one more contact; their invitation only is queued."""
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        address = field(fields, "email", 300)
        uid = request.path_params["uid"]
        try:
            await run_in_threadpool(
                partial(
                    add_invitee,
                    self.settings,
                    self.engine,
                    uid,
                    address,
                    self.gate.clock(),
                    actor=who.person.email,
                )
            )
        except NotFoundError:
            return render(
                self.settings, "error.html", locale=who.person.locale, status=404, page="missing"
            )
        except InputError as refused:
            reason = (refused.problems or [""])[0]
            message = {
                "email": "Cette adresse n'est pas dans l'annuaire.",
                "already": "Cette personne est déjà invitée.",
            }.get(reason, "Cette rencontre est passée ou annulée : personne ne peut y être invité.")
            view = await run_in_threadpool(
                partial(workspace.meeting, self.settings, self.engine, uid, page=1, mail_page=1)
            )
            assert view is not None
            return render(
                self.settings,
                "meeting.html",
                locale=who.person.locale,
                status=400,
                who=who,
                facilitators=self.settings.facilitators,
                view=view,
                done="",
                answer_choices=ANSWER_CHOICES,
                invite_value=address,
                invite_error=message,
                section="agenda",
            )
        return await self._done(request, "invite")

    async def answer(self, request: Request, who: SignedIn) -> Response:
        """Record an invitee's answer on their behalf (a phone call)."""
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        contact = field(fields, "contact", 12)
        try:
            partstat = PartStat(field(fields, "reponse", 20))
        except ValueError:
            partstat = None
        if not contact.isdigit() or partstat not in ANSWER_CHOICES:
            return self.gate.forbidden(who.person.locale)
        assert partstat is not None
        try:
            await run_in_threadpool(
                partial(
                    answer_on_behalf,
                    self.engine,
                    request.path_params["uid"],
                    int(contact),
                    partstat,
                    self.gate.clock(),
                    actor=who.person.email,
                )
            )
        except NotFoundError:
            return render(
                self.settings, "error.html", locale=who.person.locale, status=404, page="missing"
            )
        except InputError:
            return render(
                self.settings, "error.html", locale=who.person.locale, status=409, page="missing"
            )
        return await self._done(request, "reponse")

    # --- a buyer's feed link ---------------------------------------------------------------------

    async def feed(self, request: Request, who: SignedIn) -> Response:
        """Mint (or rotate) a buyer's feed link and show it this once; or revoke it."""
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        slug = request.path_params["slug"]
        action = field(fields, "action", 20)
        now = self.gate.clock()
        try:
            if action == "revoquer":
                await run_in_threadpool(
                    partial(
                        revoke,
                        self.settings,
                        self.engine,
                        f"buyer:{slug}",
                        now,
                        actor=who.person.email,
                    )
                )
                return RedirectResponse(
                    f"/acheteurs/{slug}?fait=flux-revoque", status_code=303, headers=HEADERS
                )
            if action != "creer":
                return self.gate.forbidden(who.person.locale)
            issued = await run_in_threadpool(
                partial(
                    rotate, self.settings, self.engine, f"buyer:{slug}", now, actor=who.person.email
                )
            )
        except NotFoundError:
            return render(
                self.settings, "error.html", locale=who.person.locale, status=404, page="missing"
            )
        link = issued.links[0]
        return render(
            self.settings,
            "feed_link.html",
            locale=who.person.locale,
            who=who,
            slug=slug,
            http=link.http,
            webcal=link.webcal,
            unpublished=issued.unpublished is not None,
            section="buyers",
        )

    # --- the outbox ------------------------------------------------------------------------------

    async def retry(self, request: Request, who: SignedIn) -> Response:
        """Put one failed mail (`id`), or every failed one (`tous`), back in the queue."""
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        one = field(fields, "id", 12)
        everything = field(fields, "tous") == "1"
        if not everything and not one.isdigit():
            return self.gate.forbidden(who.person.locale)
        try:
            count = await run_in_threadpool(
                partial(
                    retry_messages,
                    self.engine,
                    self.gate.clock(),
                    ids=[] if everything else [int(one)],
                    failed=everything,
                )
            )
        except NotFoundError:
            return render(
                self.settings, "error.html", locale=who.person.locale, status=404, page="missing"
            )
        return RedirectResponse(
            f"/courriels?fait=reessaye&nombre={count}", status_code=303, headers=HEADERS
        )

    async def mail(self, request: Request, who: SignedIn) -> Response:
        """One mail as it goes out: its headers and its text (the CLI's preview)."""
        message_id = request.path_params["message_id"]
        try:
            message = await run_in_threadpool(
                preview_message, self.settings, self.engine, message_id, self.gate.clock()
            )
        except NotFoundError:
            return render(
                self.settings, "error.html", locale=who.person.locale, status=404, page="missing"
            )
        except InputError:
            message = None
        headers: list[tuple[str, str]] = []
        text = ""
        parts: list[str] = []
        if message is not None:
            parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            headers = [
                (name, str(parsed[name]))
                for name in ("From", "To", "Reply-To", "Subject", "Date")
                if parsed[name] is not None
            ]
            body = parsed.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            parts = [part.get_content_type() for part in parsed.walk()]
        return render(
            self.settings,
            "mail.html",
            locale=who.person.locale,
            who=who,
            message_id=message_id,
            lines=headers,
            text=text,
            parts=parts,
            section="outbox",
        )

    # --- attendance ---------------------------------------------------------------------------

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
            return render(
                self.settings, "error.html", locale=who.person.locale, status=404, page="missing"
            )
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
        return await self._done(request, "tenue")

    async def _done(self, request: Request, done: str) -> Response:
        """Export the feeds again (as the CLI does), then back to the meeting's page."""
        await run_in_threadpool(export_feeds, self.settings, self.engine, self.gate.clock())
        uid = request.path_params["uid"]
        return RedirectResponse(f"/rencontres/{uid}?fait={done}", status_code=303, headers=HEADERS)

    def _start(self, values: dict[str, str], errors: dict[str, str]) -> datetime | None:
        try:
            day = date.fromisoformat(values["date"])
        except ValueError:
            errors["date"] = "Indiquez une date (jour, mois, année)."
            day = None
        try:
            hour = time.fromisoformat(values["heure"])
        except ValueError:
            errors["heure"] = "Indiquez une heure, par exemple 14:00."
            hour = None
        if day is None or hour is None:
            return None
        return datetime.combine(day, hour, self.zone)


def _sequence(fields: Fields) -> int | None:
    text = field(fields, "sequence", 9)
    return int(text) if text.isdigit() else None
