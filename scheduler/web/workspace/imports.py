"""The directory's CSV files from the browser: `/annuaire/import` takes the same files as
`rituel import buyers|suppliers|partners|contacts`, through the same parser and service
(scheduler.service.directory.directory).
A first POST checks the file in a dry run: every problem shown with its line and column, in
French (the CLI's English for a reader in English), and nothing written; or a preview of what
would change, whose button sends the same file again to import it for real (one transaction;
refused whole if anything is wrong).

The form is multipart (a file); it is read with the standard library's MIME parser, at most
`MAX_UPLOAD` bytes, and carries the session's CSRF token like every form."""

from __future__ import annotations

import base64
import binascii
import secrets
from email.message import Message as MimeMessage
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scheduler.core.kinds import OrganisationRole
from scheduler.service.access.signin import SignedIn
from scheduler.service.directory.directory import (
    ImportReport,
    import_contacts,
    import_organisations,
)
from scheduler.service.directory.importing import FileRefused
from scheduler.service.plan.effective import effective
from scheduler.web.workspace.auth import Gate
from scheduler.web.workspace.render import render

MAX_UPLOAD = 5 * 1024 * 1024
KINDS = {
    "acheteurs": OrganisationRole.BUYER,
    "fournisseurs": OrganisationRole.SUPPLIER,
    "partenaires": OrganisationRole.PARTNER,
    "contacts": None,
}


async def read_multipart(request: Request) -> dict[str, bytes] | None:
    """The fields of a multipart form (file contents as bytes); None when it is not one or is
    too big."""
    kind = request.headers.get("content-type", "")
    if not kind.startswith("multipart/form-data"):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_UPLOAD:
            return None
    head = f"Content-Type: {kind}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    parsed = BytesParser(policy=HTTP).parsebytes(head + body)
    if not parsed.is_multipart():
        return None
    fields: dict[str, bytes] = {}
    for part in parsed.get_payload():
        if not isinstance(part, MimeMessage):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        fields[name] = payload if isinstance(payload, bytes) else b""
    return fields


class Imports:
    """The import form, its check and its import."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.settings = gate.settings
        self.engine = gate.engine

    def routes(self) -> list[Route]:
        """GET the form, POST a file."""
        return [
            Route("/annuaire/import", self.gate.guarded(self.form), methods=["GET"]),
            Route("/annuaire/import", self.gate.guarded(self.upload), methods=["POST"]),
        ]

    def _page(self, who: SignedIn, status: int = 200, **context: object) -> Response:
        shown: dict[str, Any] = {
            "kind": "acheteurs",
            "problems": [],
            "report": None,
            "content": "",
            "file_name": "",
            "imported": False,
            "error": "",
            **context,
        }
        return render(
            self.settings,
            "import.html",
            locale=who.person.locale,
            status=status,
            who=who,
            kinds=list(KINDS),
            section="organisations",
            **shown,
        )

    async def form(self, request: Request, who: SignedIn) -> Response:
        """The form (GET: reads nothing, changes nothing)."""
        return self._page(who)

    async def upload(self, request: Request, who: SignedIn) -> Response:
        """Check a file (dry run), or import it once confirmed."""
        fields = await read_multipart(request)
        given = (fields or {}).get("csrf", b"").decode("utf-8", "replace")
        if fields is None or not secrets.compare_digest(who.csrf, given):
            return self.gate.forbidden(who.person.locale)
        kind = fields.get("type", b"").decode("utf-8", "replace")
        if kind not in KINDS:
            return self._page(who, status=400, error="Choisissez le type de fichier.")
        confirmed = fields.get("confirmer") == b"1"
        if confirmed:
            try:
                data = base64.b64decode(fields.get("contenu", b""), validate=True)
            except (binascii.Error, ValueError):
                return self.gate.forbidden(who.person.locale)
            name = fields.get("nom", b"").decode("utf-8", "replace")[:200] or "fichier.csv"
        else:
            data = fields.get("fichier", b"")
            name = "fichier.csv"
        if not data.strip():
            return self._page(who, status=400, kind=kind, error="Choisissez un fichier CSV.")
        try:
            report = await run_in_threadpool(self._import, kind, data, name, not confirmed)
        except FileRefused as refused:
            return self._page(who, status=400, kind=kind, problems=refused.found)
        return self._page(
            who,
            kind=kind,
            report=report,
            content="" if confirmed else base64.b64encode(data).decode("ascii"),
            file_name=name,
            imported=confirmed,
        )

    def _import(self, kind: str, data: bytes, name: str, dry_run: bool) -> ImportReport:
        role = KINDS[kind]
        if role is None:
            return import_contacts(self.engine, data, file=name, dry_run=dry_run)
        return import_organisations(
            self.engine,
            data,
            file=name,
            role=role,
            facilitators=[f.id for f in effective(self.settings, self.engine).facilitators],
            dry_run=dry_run,
        )
