"""A subscriber's private feed link, as `rituel feeds rotate|revoke WHO`
(scheduler.service.publish.feeds): a buyer's from its page, a contact's from theirs, a
facilitator's from the facilitators' feeds page (`/flux`). Minting (or rotating) shows the link
this once; revoking closes it. A facilitator acts on their own link; an admin on anyone's."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scheduler.errors import NotFoundError
from scheduler.service.access.signin import SignedIn
from scheduler.service.publish.feeds import revoke, rotate
from scheduler.service.publish.workspace.directory import facilitator_feeds
from scheduler.store.db import read_session
from scheduler.store.directory_entries import contact_with_organisation
from scheduler.web.workspace.actions.forms import Forms, field
from scheduler.web.workspace.render import HEADERS, render


@dataclass(frozen=True, slots=True)
class _Target:
    """Whose link a form acts on: WHO as the CLI names it, the page to go back to, its name."""

    who: str
    page: str
    back: str
    """Which way back the link's page offers: « acheteur », « contact » or « animateurs »."""
    name: str


class FeedLink(Forms):
    """The feed link forms, and the facilitators' feeds page."""

    def routes(self) -> list[Route]:
        """One POST per kind of subscriber (`action` says mint or revoke), and `/flux`."""
        guarded = self.gate.guarded
        return [
            Route("/acheteurs/{slug}/flux", guarded(self.buyer), methods=["POST"]),
            Route("/contacts/{contact_id:int}/flux", guarded(self.contact), methods=["POST"]),
            Route("/flux", guarded(self.facilitators), methods=["GET"]),
            Route("/flux/animateurs/{facilitator_id}", guarded(self.facilitator), methods=["POST"]),
        ]

    async def buyer(self, request: Request, who: SignedIn) -> Response:
        """A buyer's link."""
        slug = request.path_params["slug"]
        target = _Target(f"buyer:{slug}", f"/acheteurs/{slug}", "acheteur", slug)
        return await self._act(request, who, target)

    async def contact(self, request: Request, who: SignedIn) -> Response:
        """A contact's link."""
        contact_id = request.path_params["contact_id"]
        email, name = await run_in_threadpool(self._contact, contact_id)
        if email is None:
            return self.missing(who)
        target = _Target(f"contact:{email}", f"/contacts/{contact_id}", "contact", name)
        return await self._act(request, who, target)

    async def facilitator(self, request: Request, who: SignedIn) -> Response:
        """A facilitator's link: their own, or anyone's for an admin."""
        facilitator_id = request.path_params["facilitator_id"]
        found = self.settings.facilitator(facilitator_id)
        if found is None:
            return self.missing(who)
        if not who.person.is_admin and who.person.facilitator_id != facilitator_id:
            return self.gate.forbidden(who.person.locale)
        target = _Target(f"facilitator:{facilitator_id}", "/flux", "animateurs", found.name)
        return await self._act(request, who, target)

    async def facilitators(self, request: Request, who: SignedIn) -> Response:
        """Each facilitator's feed: issued or not, and the forms for those one may act on."""
        feeds = await run_in_threadpool(facilitator_feeds, self.settings, self.engine)
        return render(
            self.settings,
            "feeds.html",
            locale=who.person.locale,
            who=who,
            feeds=feeds,
            done=request.query_params.get("fait", ""),
            section="home",
        )

    def _contact(self, contact_id: int) -> tuple[str | None, str]:
        with read_session(self.engine) as session:
            found = contact_with_organisation(session, contact_id)
            return (found[0].email, found[0].name) if found is not None else (None, "")

    async def _act(self, request: Request, who: SignedIn, target: _Target) -> Response:
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        action = field(fields, "action", 20)
        if action not in ("creer", "revoquer"):
            return self.gate.forbidden(who.person.locale)
        now = self.gate.clock()
        try:
            if action == "revoquer":
                await run_in_threadpool(
                    partial(
                        revoke, self.settings, self.engine, target.who, now, actor=who.person.email
                    )
                )
                return RedirectResponse(
                    f"{target.page}?fait=flux-revoque", status_code=303, headers=HEADERS
                )
            done = await run_in_threadpool(
                partial(rotate, self.settings, self.engine, target.who, now, actor=who.person.email)
            )
        except NotFoundError:
            return self.missing(who)
        link = done.links[0]
        return render(
            self.settings,
            "feed_link.html",
            locale=who.person.locale,
            who=who,
            back=target.back,
            page=target.page,
            name=target.name,
            http=link.http,
            webcal=link.webcal,
            unpublished=done.unpublished is not None,
            section="buyers" if target.back == "acheteur" else "contacts",
        )
