"""New dates for a buyer, from the meeting's page, once the buyer answered that none of the dates
offered suits them: the same service function as `rituel occurrence propose`
(scheduler.service.plan.offers.send_new_slots). A refusal (nothing to answer, the date decided
meanwhile, no free date left) shows the meeting's page again with the reason, nothing changed."""

from __future__ import annotations

from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.errors import InputError, NotFoundError
from scheduler.service.access.signin import SignedIn
from scheduler.service.plan.offers import send_new_slots
from scheduler.service.publish import workspace
from scheduler.service.publish.proposal_panel import proposal_panel
from scheduler.web.workspace.actions.forms import ANSWER_CHOICES, Forms
from scheduler.web.workspace.render import render

REASONS = {
    "none": "Cette rencontre n'a pas de dates proposées à l'acheteur.",
    "decided": "La date de cette rencontre est déjà fixée : aucune nouvelle date n'est proposée.",
    "pending": "L'acheteur n'a pas dit qu'aucune date ne lui convenait : rien n'a été envoyé.",
    "no_dates": "Il ne reste aucune date libre dans la période de cette rencontre : déplacez-la "
    "à la main.",
}
"""Why no new dates were sent, by the service's problem code."""


class NewSlots(Forms):
    """Send the buyer new dates."""

    def routes(self) -> list[Route]:
        """The meeting page's « Proposer de nouvelles dates »."""
        return [
            Route(
                "/rencontres/{uid}/nouvelles-dates",
                self.gate.guarded(self.send),
                methods=["POST"],
            )
        ]

    async def send(self, request: Request, who: SignedIn) -> Response:
        """New dates to the buyer, then back to the meeting; its page with the reason if not."""
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        uid = request.path_params["uid"]
        try:
            await run_in_threadpool(
                partial(
                    send_new_slots,
                    self.settings,
                    self.engine,
                    uid,
                    self.gate.clock(),
                    actor=who.person.email,
                )
            )
        except NotFoundError:
            return self.missing(who)
        except InputError as refused:
            reason = REASONS.get((refused.problems or [""])[0], REASONS["decided"])
            return await self._refused(uid, who, reason)
        return await self.back_to_meeting(request, "nouvelles_dates")

    async def _refused(self, uid: str, who: SignedIn, reason: str) -> Response:
        view = await run_in_threadpool(
            partial(workspace.meeting, self.settings, self.engine, uid, page=1, mail_page=1)
        )
        panel = await run_in_threadpool(proposal_panel, self.engine, uid, self.gate.clock())
        if view is None:
            return self.missing(who)
        return render(
            self.settings,
            "meeting.html",
            locale=who.person.locale,
            status=409,
            who=who,
            facilitators=who.settings.facilitators,
            view=view,
            proposal=panel,
            proposal_error=reason,
            done="",
            answer_choices=ANSWER_CHOICES,
            invite_value="",
            invite_error="",
            section="agenda",
        )
