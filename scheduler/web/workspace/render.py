"""Rendering the workspace's pages: one layout, jinja2 with autoescape, the reader's words, and
the headers of the token pages with a policy that also lets the app's own stylesheet in."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse, Response

from scheduler.config import Settings
from scheduler.service.access.signin import SignedIn
from scheduler.web.pages import PAGE_HEADERS
from scheduler.web.workspace.words import Words

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "workspace"
STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "espace.css"
STYLESHEET_PATH = "/espace.css"
HEADERS = {
    **PAGE_HEADERS,
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}


def link(path: str, params: Mapping[str, object] | None = None) -> str:
    """`path` with the non-empty `params` as its query string."""
    kept = {key: value for key, value in (params or {}).items() if value not in (None, "", 0)}
    return f"{path}?{urlencode(kept)}" if kept else path


environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.globals.update(link=link, stylesheet=STYLESHEET_PATH)


def render(
    settings: Settings,
    template: str,
    *,
    locale: str,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> Response:
    """A workspace page in the reader's language; a signed-in page (`who`) names the rituals and
    the facilitators as the request read them (the effective settings)."""
    who = context.get("who")
    if isinstance(who, SignedIn):
        settings = who.settings
    words = Words(settings, locale)
    body = environment.get_template(template).render(
        _=words, w=words, lang=words.locale, guichet=settings.organisation.name, **context
    )
    return HTMLResponse(body, status_code=status, headers={**HEADERS, **(headers or {})})
