"""The workspace's pages, each behind the session check: home, agenda, a meeting, buyers,
organisations, contacts and the outbox. GET only reads; each handler asks one service function
for its page (scheduler.service.publish.workspace) and renders it in the reader's language."""

from __future__ import annotations

from functools import partial
from typing import Any

from dateutil.relativedelta import relativedelta
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from scheduler.core.kinds import OccurrenceStatus, OrganisationRole, RitualKind
from scheduler.core.messages import MessageState
from scheduler.service.access.signin import SignedIn
from scheduler.service.publish import workspace
from scheduler.service.publish.proposal_panel import proposal_panel
from scheduler.store.workspace import MeetingFilter
from scheduler.web.workspace.actions import ANSWER_CHOICES, DONE
from scheduler.web.workspace.auth import Gate, SignedInHandler
from scheduler.web.workspace.render import STYLESHEET, STYLESHEET_PATH, render


def _int(text: str | None, default: int = 1) -> int:
    return int(text) if text and text.isdigit() and len(text) < 7 else default


def _choice(enum: Any, text: str | None) -> Any:
    try:
        return enum(text) if text else None
    except ValueError:
        return None


class Pages:
    """The signed-in pages, over the gate's settings, database and clock."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.settings = gate.settings
        self.engine = gate.engine

    def routes(self) -> list[Route]:
        """Every page's route, and the stylesheet's."""
        pages: dict[str, SignedInHandler] = {
            "/": self.home,
            "/agenda": self.agenda,
            "/rencontres/{uid}": self.meeting,
            "/acheteurs": self.buyers,
            "/acheteurs/{slug}": self.organisation,
            "/organisations": self.organisations,
            "/organisations/{slug}": self.organisation,
            "/contacts": self.contacts,
            "/contacts/{contact_id:int}": self.contact,
            "/courriels": self.outbox,
        }
        routes = [
            Route(path, self.gate.guarded(handler), methods=["GET"])
            for path, handler in pages.items()
        ]
        routes.append(Route(STYLESHEET_PATH, self.stylesheet, methods=["GET"]))
        return routes

    def _page(self, who: SignedIn, template: str, *, status: int = 200, **context: Any) -> Response:
        return render(
            self.settings,
            template,
            locale=who.person.locale,
            status=status,
            who=who,
            facilitators=who.settings.facilitators,
            **context,
        )

    def _missing(self, who: SignedIn) -> Response:
        return render(
            self.settings, "error.html", locale=who.person.locale, status=404, page="missing"
        )

    async def stylesheet(self, _request: Request) -> Response:
        """The workspace's own small stylesheet, from the package."""
        return FileResponse(
            STYLESHEET,
            media_type="text/css",
            headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    # --- pages ----------------------------------------------------------------------------------

    async def home(self, request: Request, who: SignedIn) -> Response:
        """What needs the facilitator: this week and next, and what to act on."""
        everyone = who.person.is_admin or request.query_params.get("vue") == "guichet"
        view = await run_in_threadpool(
            partial(
                workspace.home,
                self.settings,
                self.engine,
                self.gate.clock(),
                facilitator_id=None if everyone else who.person.facilitator_id,
                since=who.previous_visit_at,
            )
        )
        return self._page(who, "home.html", view=view, section="home")

    async def agenda(self, request: Request, who: SignedIn) -> Response:
        """A month: the list (filtered, paged) and the grid."""
        query = request.query_params
        today = workspace.local_today(self.settings, self.gate.clock())
        month = workspace.month_of(query.get("mois"), today)
        narrow = MeetingFilter(
            kind=_choice(RitualKind, query.get("type")),
            facilitator_id=query.get("animateur") or None,
            status=_choice(OccurrenceStatus, query.get("statut")),
        )
        buyer = (query.get("acheteur") or "").strip() or None
        view = await run_in_threadpool(
            partial(
                workspace.agenda,
                self.settings,
                self.engine,
                month,
                narrow,
                buyer_slug=buyer,
                page=_int(query.get("page")),
            )
        )
        params = {
            "mois": f"{month:%Y-%m}",
            "type": narrow.kind.value if narrow.kind else "",
            "acheteur": buyer or "",
            "animateur": narrow.facilitator_id or "",
            "statut": narrow.status.value if narrow.status else "",
        }
        return self._page(
            who,
            "agenda.html",
            view=view,
            params=params,
            today=today,
            previous_month=view.month - relativedelta(months=1),
            next_month=view.month + relativedelta(months=1),
            kinds=list(RitualKind),
            statuses=list(OccurrenceStatus),
            section="agenda",
        )

    async def meeting(self, request: Request, who: SignedIn) -> Response:
        """One meeting, its history, the dates offered to its buyer, invitees and mails."""
        view = await run_in_threadpool(
            partial(
                workspace.meeting,
                self.settings,
                self.engine,
                request.path_params["uid"],
                page=_int(request.query_params.get("page")),
                mail_page=_int(request.query_params.get("courriels")),
            )
        )
        if view is None:
            return self._missing(who)
        panel = await run_in_threadpool(
            proposal_panel, self.engine, request.path_params["uid"], self.gate.clock()
        )
        done = request.query_params.get("fait", "")
        return self._page(
            who,
            "meeting.html",
            view=view,
            proposal=panel,
            done=done if done in DONE else "",
            answer_choices=ANSWER_CHOICES,
            invite_value="",
            invite_error="",
            section="agenda",
        )

    async def buyers(self, request: Request, who: SignedIn) -> Response:
        """The buyers, searchable and paged."""
        search = request.query_params.get("q", "")[:100]
        lines = await run_in_threadpool(
            partial(
                workspace.buyers,
                self.settings,
                self.engine,
                self.gate.clock(),
                search=search,
                page=_int(request.query_params.get("page")),
            )
        )
        return self._page(who, "buyers.html", lines=lines, search=search, section="buyers")

    async def organisation(self, request: Request, who: SignedIn) -> Response:
        """A buyer's, a supplier's or a partner's page."""
        view = await run_in_threadpool(
            workspace.organisation,
            self.settings,
            self.engine,
            request.path_params["slug"],
            self.gate.clock(),
        )
        if view is None:
            return self._missing(who)
        is_buyer = view.organisation.role is OrganisationRole.BUYER
        return self._page(
            who,
            "organisation.html",
            view=view,
            done=request.query_params.get("fait", ""),
            section="buyers" if is_buyer else "organisations",
        )

    async def organisations(self, request: Request, who: SignedIn) -> Response:
        """Buyers, suppliers and partners, searchable and paged."""
        role = _choice(OrganisationRole, request.query_params.get("role"))
        search = request.query_params.get("q", "")[:100]
        found, counts = await run_in_threadpool(
            partial(
                workspace.organisations,
                self.engine,
                role=role,
                search=search,
                page=_int(request.query_params.get("page")),
            )
        )
        return self._page(
            who,
            "organisations.html",
            found=found,
            counts=counts,
            role=role,
            roles=list(OrganisationRole),
            search=search,
            section="organisations",
        )

    async def contacts(self, request: Request, who: SignedIn) -> Response:
        """Contacts, searchable and paged; who is unsubscribed from what."""
        search = request.query_params.get("q", "")[:100]
        unsubscribed = request.query_params.get("desinscrits") == "1"
        found = await run_in_threadpool(
            partial(
                workspace.contacts,
                self.engine,
                search=search,
                unsubscribed=unsubscribed,
                page=_int(request.query_params.get("page")),
            )
        )
        return self._page(
            who,
            "contacts.html",
            found=found,
            search=search,
            unsubscribed=unsubscribed,
            section="contacts",
        )

    async def contact(self, request: Request, who: SignedIn) -> Response:
        """One contact: organisation, invitations, mails, feed."""
        view = await run_in_threadpool(
            workspace.contact, self.engine, request.path_params["contact_id"]
        )
        if view is None:
            return self._missing(who)
        done = request.query_params.get("fait", "")
        return self._page(
            who,
            "contact.html",
            view=view,
            request_done=done if done in ("ajoute", "modifie") else "",
            done=done,
            section="contacts",
        )

    async def outbox(self, request: Request, who: SignedIn) -> Response:
        """Mails pending, sent and failed, with the reason; by meeting and by recipient."""
        query = request.query_params
        state = _choice(MessageState, query.get("etat"))
        view = await run_in_threadpool(
            partial(
                workspace.outbox,
                self.engine,
                state=state,
                meeting_uid=query.get("rencontre") or None,
                recipient=(query.get("destinataire") or "").strip()[:254] or None,
                page=_int(query.get("page")),
            )
        )
        params = {
            "etat": state.value if state else "",
            "rencontre": query.get("rencontre") or "",
            "destinataire": query.get("destinataire") or "",
        }
        return self._page(
            who,
            "outbox.html",
            view=view,
            retried=_int(query.get("nombre"), 0) if query.get("fait") == "reessaye" else None,
            params=params,
            states=list(MessageState),
            section="outbox",
        )
