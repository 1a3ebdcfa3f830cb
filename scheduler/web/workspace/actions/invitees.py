"""A meeting's invitees from its page: invite one more contact of the directory (only their
invitation is queued), take one off (a CANCEL to that person only), or record an invitee's
answer on their behalf (a phone call), through the same service functions as the CLI and the
RSVP page (scheduler.service.deliver)."""

from __future__ import annotations

from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.core.kinds import PartStat
from scheduler.errors import InputError, NotFoundError
from scheduler.service.access.signin import SignedIn
from scheduler.service.deliver.invitees import add_invitee, answer_on_behalf
from scheduler.service.deliver.removal import remove_invitee
from scheduler.service.publish import workspace
from scheduler.web.workspace.actions.forms import ANSWER_CHOICES, Forms, field
from scheduler.web.workspace.render import render


class Invitees(Forms):
    """Invite someone, answer for someone."""

    def routes(self) -> list[Route]:
        """The two POSTs of the meeting's page."""
        return [
            Route("/rencontres/{uid}/inviter", self.gate.guarded(self.invite), methods=["POST"]),
            Route("/rencontres/{uid}/reponse", self.gate.guarded(self.answer), methods=["POST"]),
            Route("/rencontres/{uid}/retirer", self.gate.guarded(self.remove), methods=["POST"]),
        ]

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
            return self.missing(who)
        except InputError as refused:
            reason = (refused.problems or [""])[0]
            message = {
                "email": "Cette adresse n'est pas dans l'annuaire.",
                "already": "Cette personne est déjà invitée.",
                "removed": "Cette personne a été retirée de cette rencontre : elle ne peut pas y "
                "être invitée de nouveau.",
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
                facilitators=who.settings.facilitators,
                view=view,
                done="",
                answer_choices=ANSWER_CHOICES,
                invite_value=address,
                invite_error=message,
                section="agenda",
            )
        return await self.back_to_meeting(request, "invite")

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
            return self.missing(who)
        except InputError:
            return self.missing(who, status=409)
        return await self.back_to_meeting(request, "reponse")

    async def remove(self, request: Request, who: SignedIn) -> Response:
        """Take one invitee off the meeting: a CANCEL to that person only (if their invitation
        went), nothing more to them afterwards."""
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        contact = field(fields, "contact", 12)
        if not contact.isdigit():
            return self.gate.forbidden(who.person.locale)
        try:
            told = await run_in_threadpool(
                partial(
                    remove_invitee,
                    self.settings,
                    self.engine,
                    request.path_params["uid"],
                    int(contact),
                    self.gate.clock(),
                    actor=who.person.email,
                )
            )
        except NotFoundError:
            return self.missing(who)
        except InputError:
            return self.missing(who, status=409)
        return await self.back_to_meeting(request, "retire" if told else "retire_avant")
