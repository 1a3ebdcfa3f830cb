"""The workspace's door: `/connexion` (ask for a link), `/connexion/{token}` (open it),
`/deconnexion`, and the check every signed-in page makes first.

Rules (scheduler.service.access.signin has the rest):
- every POST carries a CSRF token: a session's is bound to its cookie; before sign-in, it is
  bound to a random `rituel_form` cookie (HttpOnly, SameSite=Lax, path /connexion). A missing or
  wrong token gets 403 and changes nothing;
- the session cookie is HttpOnly, SameSite=Lax, Secure when `[feeds] base_url` is https;
- the answer to a link request is the same page whether the address is known or not; the
  address is looked up and the mail sent after the answer (a background task), so timing says
  nothing either;
- per client (its IP address as the server sees it), at most `CLIENT_REQUESTS` link requests
  per `CLIENT_WINDOW` seconds, counted in this process; per address, the service's limit;
- a page asked for without a live session redirects to `/connexion`; a POST gets 403.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scheduler.clock import Clock
from scheduler.config import Settings
from scheduler.errors import RituelError
from scheduler.mail.transport import Transport
from scheduler.service.access import signin
from scheduler.service.access.signin import SignedIn
from scheduler.store.signin import LinkState
from scheduler.web.pages import read_form
from scheduler.web.workspace.render import HEADERS, render

log = logging.getLogger(__name__)

SESSION_COOKIE = "rituel_session"
FORM_COOKIE = "rituel_form"
FORM_COOKIE_SECONDS = 3600
CLIENT_REQUESTS = 20
CLIENT_WINDOW = 15 * 60.0
MAX_CLIENTS = 10_000

TransportFactory = Callable[[], Transport]


class ClientLimit:
    """At most `limit` hits per `window` seconds for each client, in this process."""

    def __init__(
        self,
        limit: int = CLIENT_REQUESTS,
        window: float = CLIENT_WINDOW,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._monotonic = monotonic
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Count a hit for `client`; False when it is over its limit."""
        now = self._monotonic()
        with self._lock:
            if len(self._hits) > MAX_CLIENTS:
                self._forget(now)
            hits = self._hits.setdefault(client, deque())
            while hits and now - hits[0] >= self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def _forget(self, now: float) -> None:
        for key in [
            k for k, hits in self._hits.items() if not hits or now - hits[-1] >= self.window
        ]:
            del self._hits[key]


class Gate:
    """Sign-in, sign-out and the session check, over a database, at the clock's instant."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        clock: Clock,
        transport: TransportFactory,
        limit: ClientLimit | None = None,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self.transport = transport
        self.limit = limit or ClientLimit()
        self.secure = settings.feeds.base_url.lower().startswith("https://")

    def routes(self) -> list[Route]:
        """The sign-in and sign-out routes."""
        return [
            Route(signin.SIGNIN_PATH, self.ask, methods=["GET"]),
            Route(signin.SIGNIN_PATH, self.send, methods=["POST"]),
            Route(f"{signin.SIGNIN_PATH}/{{token}}", self.open, methods=["GET"]),
            Route(f"{signin.SIGNIN_PATH}/{{token}}", self.enter, methods=["POST"]),
            Route("/deconnexion", self.leave, methods=["POST"]),
        ]

    @property
    def locale(self) -> str:
        """The language of pages shown before anyone is known: the guichet's."""
        return self.settings.organisation.locale

    # --- the session check -----------------------------------------------------------------

    async def signed_in(self, request: Request) -> SignedIn | None:
        """The person behind the request's session cookie, if it is live."""
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            return None
        return await run_in_threadpool(
            signin.current, self.settings, self.engine, cookie, self.clock()
        )

    def turned_away(self, request: Request) -> Response:
        """What a request without a live session gets: the sign-in page, or 403 for a POST."""
        if request.method != "GET":
            return self.forbidden(self.locale)
        ended = SESSION_COOKIE in request.cookies
        response = RedirectResponse(
            signin.SIGNIN_PATH + ("?fin=session" if ended else ""), status_code=303
        )
        response.headers.update(HEADERS)
        if ended:
            self._clear(response, SESSION_COOKIE, "/")
        return response

    def forbidden(self, locale: str) -> Response:
        """403: a POST without its CSRF token, or without a session."""
        return render(self.settings, "error.html", locale=locale, status=403, page="forbidden")

    async def checked_form(
        self, request: Request, who: SignedIn, max_fields: int = 64
    ) -> dict[str, list[str]] | None:
        """The fields of a signed-in person's POST, when its CSRF token is right."""
        fields = await read_form(request, max_fields=max_fields)
        given = (fields or {}).get("csrf", [""])[0]
        if fields is None or not secrets.compare_digest(who.csrf, given):
            return None
        return fields

    # --- sign-in ---------------------------------------------------------------------------

    async def ask(self, request: Request) -> Response:
        """The sign-in form (home for someone already signed in)."""
        if await self.signed_in(request) is not None:
            return RedirectResponse("/", status_code=303, headers=HEADERS)
        notice = {"session": "ended", "sortie": "out"}.get(request.query_params.get("fin", ""))
        return self._with_form_cookie(request, "signin.html", page="ask", notice=notice)

    async def send(self, request: Request) -> Response:
        """Mail a link when the address is known; the same answer either way."""
        client = request.client.host if request.client else "unknown"
        fields = await read_form(request)
        if not self._form_is_genuine(request, fields):
            return self.forbidden(self.locale)
        if not self.limit.allow(client):
            return render(
                self.settings, "signin.html", locale=self.locale, status=429, page="busy", csrf=""
            )
        email = (fields or {}).get("email", [""])[0][:254]
        response = render(self.settings, "signin.html", locale=self.locale, page="sent", csrf="")
        response.background = BackgroundTask(self._issue_and_mail, email, self.clock())
        return response

    async def _issue_and_mail(self, email: str, now: datetime) -> None:
        """After the answer (so neither its content nor its timing says whether the address
        is known): make the link if the address is known and under its limit, and mail it. A
        failure is logged, never the link."""
        issued = await run_in_threadpool(
            signin.request_link, self.settings, self.engine, email, now
        )
        if issued is None:
            return
        transport = self.transport()
        try:
            message = signin.sign_in_mail(self.settings, issued, now)
            await transport.send(message, self.settings.mail.sender, [issued.person.email])
        except (RituelError, OSError) as exc:
            log.warning("sign-in mail to %s not sent: %s", issued.person.email, exc)
        finally:
            await transport.close()

    async def open(self, request: Request) -> Response:
        """The link's page: a button that signs in (GET changes nothing: mail scanners)."""
        state = await run_in_threadpool(
            signin.link_state, self.engine, request.path_params["token"], self.clock()
        )
        return self._with_form_cookie(
            request, "signin.html", page=state.value, status=_LINK_STATUS[state]
        )

    async def enter(self, request: Request) -> Response:
        """Spend the link and open a session, then go home."""
        fields = await read_form(request)
        if not self._form_is_genuine(request, fields):
            return self.forbidden(self.locale)
        state, cookie = await run_in_threadpool(
            signin.sign_in, self.settings, self.engine, request.path_params["token"], self.clock()
        )
        if cookie is None:
            shown = LinkState.UNKNOWN if state is LinkState.VALID else state
            return render(
                self.settings,
                "signin.html",
                locale=self.locale,
                status=_LINK_STATUS[shown],
                page=shown.value,
                csrf="",
            )
        response = RedirectResponse("/", status_code=303, headers=HEADERS)
        response.set_cookie(
            SESSION_COOKIE,
            cookie,
            max_age=int(self.settings.web.session_max_days * 86400),
            path="/",
            secure=self.secure,
            httponly=True,
            samesite="lax",
        )
        self._clear(response, FORM_COOKIE, signin.SIGNIN_PATH)
        return response

    async def leave(self, request: Request) -> Response:
        """End the session (POST with its CSRF token), then show the sign-in page."""
        who = await self.signed_in(request)
        if who is None:
            return self.forbidden(self.locale)
        if await self.checked_form(request, who) is None:
            return self.forbidden(who.person.locale)
        await run_in_threadpool(
            signin.sign_out, self.engine, request.cookies[SESSION_COOKIE], self.clock()
        )
        response = RedirectResponse(f"{signin.SIGNIN_PATH}?fin=sortie", status_code=303)
        response.headers.update(HEADERS)
        self._clear(response, SESSION_COOKIE, "/")
        return response

    # --- the signed-out browser's form cookie ------------------------------------------------

    def _with_form_cookie(
        self, request: Request, template: str, *, status: int = 200, **context: Any
    ) -> Response:
        secret = request.cookies.get(FORM_COOKIE) or ""
        fresh = len(secret) < 32
        if fresh:
            secret = secrets.token_urlsafe(32)
        response = render(
            self.settings,
            template,
            locale=self.locale,
            status=status,
            csrf=signin.csrf_token(secret),
            **context,
        )
        if fresh:
            response.set_cookie(
                FORM_COOKIE,
                secret,
                max_age=FORM_COOKIE_SECONDS,
                path=signin.SIGNIN_PATH,
                secure=self.secure,
                httponly=True,
                samesite="lax",
            )
        return response

    def _form_is_genuine(self, request: Request, fields: dict[str, list[str]] | None) -> bool:
        given = (fields or {}).get("csrf", [""])[0]
        return fields is not None and signin.csrf_matches(request.cookies.get(FORM_COOKIE), given)

    def _clear(self, response: Response, name: str, path: str) -> None:
        response.delete_cookie(name, path=path, secure=self.secure, httponly=True, samesite="lax")


_LINK_STATUS = {
    LinkState.VALID: 200,
    LinkState.USED: 410,
    LinkState.EXPIRED: 410,
    LinkState.UNKNOWN: 404,
}
