"""What the RSVP, attendance and unsubscribe pages share: one route pair per token (GET shows
and changes nothing, POST acts), jinja2 pages with autoescape, and headers that keep them out of
caches, frames, referrers and search engines."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.engine import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from scheduler.clock import Clock, system_clock
from scheduler.config import Settings
from scheduler.core.french import NAME_FILTERS

TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_FORM_BYTES = 2048
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}

TRAILING_PUNCTUATION = ".)"
"""What may follow a link pasted at the end of a sentence, and is not part of a token."""

pages = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
pages.filters.update(NAME_FILTERS)


class TokenPages:
    """`GET` and `POST /{path}/{token}` over a database, acting at the clock's instant."""

    path: ClassVar[str]

    def __init__(self, settings: Settings, engine: Engine, clock: Clock = system_clock) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock

    def routes(self) -> list[Route]:
        """The page's two routes."""
        return [
            Route(f"/{self.path}/{{token}}", self.show, methods=["GET"]),
            Route(f"/{self.path}/{{token}}", self.submit, methods=["POST"]),
        ]

    @staticmethod
    def token(request: Request) -> str:
        """The token in the path, without the `.` or `)` a mail client or a reader may have
        glued to a link that ended a sentence or a parenthesis (tokens never end with them)."""
        token: str = request.path_params["token"]
        return token.rstrip(TRAILING_PUNCTUATION)

    async def show(self, request: Request) -> Response:
        """The page; changes nothing."""
        raise NotImplementedError

    async def submit(self, request: Request) -> Response:
        """Act on the posted form, then say what was done."""
        raise NotImplementedError

    def render(self, template: str, status: int, **context: Any) -> Response:
        """A page from `template`, never cached, never sending a referrer."""
        body = pages.get_template(template).render(
            guichet=self.settings.organisation.french_name, **context
        )
        return HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)


async def read_body(request: Request) -> bytes | None:
    """The body of a small form; None when it is too big to be ours."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    return body


async def read_form(request: Request, max_fields: int = 8) -> dict[str, list[str]] | None:
    """The fields of a small url-encoded form; None when it is too big to be ours."""
    body = await read_body(request)
    if body is None:
        return None
    try:
        return parse_qs(body.decode("utf-8", "replace"), max_num_fields=max_fields)
    except ValueError:
        return None
