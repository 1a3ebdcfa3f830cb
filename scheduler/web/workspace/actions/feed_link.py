"""A buyer's private feed link from the buyer's page: mint it (or rotate it) and show it this
once, or revoke it (scheduler.service.publish.feeds, as `rituel feeds rotate|revoke`)."""

from __future__ import annotations

from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scheduler.errors import NotFoundError
from scheduler.service.access.signin import SignedIn
from scheduler.service.publish.feeds import revoke, rotate
from scheduler.web.workspace.actions.forms import Forms, field
from scheduler.web.workspace.render import HEADERS, render


class FeedLink(Forms):
    """The buyer's feed link form."""

    def routes(self) -> list[Route]:
        """One POST: `action` says mint or revoke."""
        return [Route("/acheteurs/{slug}/flux", self.gate.guarded(self.feed), methods=["POST"])]

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
            return self.missing(who)
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
