"""The outbox's actions: put failed mails back in the queue, and show one mail as it goes out
(the CLI's preview: composed now, from the present data)."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scheduler.errors import InputError, NotFoundError
from scheduler.service.access.signin import SignedIn
from scheduler.service.deliver.mailing import preview_message
from scheduler.service.deliver.outbox import retry_messages
from scheduler.web.workspace.actions.forms import Forms, field
from scheduler.web.workspace.render import HEADERS, render


class Outbox(Forms):
    """Retry, and one mail's preview."""

    def routes(self) -> list[Route]:
        """POST a retry, GET a mail."""
        return [
            Route("/courriels/reessayer", self.gate.guarded(self.retry), methods=["POST"]),
            Route("/courriels/{message_id:int}", self.gate.guarded(self.mail), methods=["GET"]),
        ]

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
            return self.missing(who)
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
            return self.missing(who)
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
