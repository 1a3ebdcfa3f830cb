"""Feeds over HTTP: the files `rituel feeds export` writes, behind their tokens.

`GET /feeds/{token}.ics` hashes the token, fetches the row with that hash, compares in constant
time and checks revocation — the same steps for a right, a wrong and a revoked token — then
serves `calendars/private/<hash prefix>.ics`. `GET /territoire.ics` serves the public feed.
Both answer with a strong ETag (the SHA-256 of the body), Last-Modified (when the file last
changed, which export only does when its bytes change) and 304 to a matching If-None-Match.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from scheduler.store import feed_tokens
from scheduler.store.db import reader
from scheduler.store.feed_tokens import PRIVATE_DIR, PUBLIC_FILE

log = logging.getLogger(__name__)

CALENDAR_TYPE = "text/calendar; charset=utf-8"
PRIVATE_CACHE = "private, no-cache"
PUBLIC_CACHE = "public, max-age=300"
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


@dataclass(frozen=True, slots=True)
class FeedBody:
    """A feed file's bytes and validators, kept while the file is unchanged."""

    stamp: tuple[int, int, int]
    content: bytes
    etag: str
    mtime: float

    @property
    def last_modified(self) -> str:
        """The HTTP date the file last changed."""
        return formatdate(self.mtime, usegmt=True)


class FeedFiles:
    """Reads feed files, hashing each only when it changes (by inode, size and mtime)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._bodies: dict[Path, FeedBody] = {}
        self._lock = threading.Lock()

    def read(self, relative: str) -> FeedBody | None:
        """The feed at `relative` under the folder, or None when there is no such file."""
        path = self.folder / relative
        try:
            status = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        stamp = (status.st_ino, status.st_size, status.st_mtime_ns)
        body = self._bodies.get(path)
        if body is not None and body.stamp == stamp:
            return body
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            return None
        etag = '"' + hashlib.sha256(content).hexdigest() + '"'
        body = FeedBody(stamp, content, etag, status.st_mtime)
        with self._lock:
            self._bodies[path] = body
        return body


class FeedEndpoints:
    """The two feed routes, over a database (for tokens) and the feeds folder."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.engine = engine
        self.files = FeedFiles(folder)

    def routes(self) -> list[Route]:
        """`/feeds/{token}.ics` and `/territoire.ics`."""
        return [
            Route("/feeds/{token}.ics", self.private_feed, methods=["GET"]),
            Route(f"/{PUBLIC_FILE}", self.public_feed, methods=["GET"]),
        ]

    async def private_feed(self, request: Request) -> Response:
        """A subscriber's feed, or 404 for an unknown or revoked token."""
        body = await run_in_threadpool(self._private_body, request.path_params["token"])
        if body is None:
            return not_found()
        return conditional(request, body, PRIVATE_CACHE)

    async def public_feed(self, request: Request) -> Response:
        """The territory's public feed."""
        body = await run_in_threadpool(self.files.read, PUBLIC_FILE)
        if body is None:
            return not_found()
        return conditional(request, body, PUBLIC_CACHE)

    def _private_body(self, token: str) -> FeedBody | None:
        with reader(self.engine).connect() as connection:
            live = feed_tokens.lookup(connection, token)
            connection.rollback()
        if live is None:
            return None
        body = self.files.read(f"{PRIVATE_DIR}/{live.file_name}")
        if body is None:
            log.warning("feed of %s not exported yet (run `rituel feeds export`)", live.subscriber)
        return body


def conditional(request: Request, body: FeedBody, cache_control: str) -> Response:
    """200 with the body, or 304 when the client already holds this version."""
    headers = {
        **COMMON_HEADERS,
        "ETag": body.etag,
        "Last-Modified": body.last_modified,
        "Cache-Control": cache_control,
    }
    if not_modified(request, body):
        return Response(status_code=304, headers=headers)
    return Response(body.content, headers={**headers, "Content-Type": CALENDAR_TYPE})


def not_modified(request: Request, body: FeedBody) -> bool:
    """If-None-Match (weak comparison, RFC 9110 §13.1.2) wins; else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or body.etag in tags
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        return int(body.mtime) <= parsedate_to_datetime(since).timestamp()
    except (TypeError, ValueError, IndexError):
        return False


def not_found() -> Response:
    """The same 404 for every unknown, revoked or mistyped token: it says nothing more."""
    return PlainTextResponse(
        "Not Found", status_code=404, headers={**COMMON_HEADERS, "Cache-Control": "no-store"}
    )
