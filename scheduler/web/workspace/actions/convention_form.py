"""A buyer's convention created or edited from the buyer's page
(`/acheteurs/<slug>/conventions/nouvelle`, `/acheteurs/<slug>/conventions/<id>/modifier`):
dates, status, financial participation (yes or no, and how much), confidentiality,
commitments, the signed document's reference, renewal. Through
scheduler.service.directory.convention_entries.save_convention; every problem shown in French
beside its field; a save over a convention changed since the form was shown is refused (409,
« modifiée entre-temps ») and nothing of it is written."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scheduler.core.kinds import ConventionRenewal, ConventionStatus, OrganisationRole
from scheduler.errors import ConflictError, NotFoundError
from scheduler.service.access.signin import SignedIn
from scheduler.service.directory.convention_entries import (
    ConventionEntry,
    convention_entry,
    save_convention,
)
from scheduler.service.directory.entries import EntryProblems
from scheduler.store.db import read_session
from scheduler.store.directory_entries import organisation_with_slug
from scheduler.web.workspace.actions.forms import Fields, Forms, field
from scheduler.web.workspace.render import HEADERS, render

FIELD_ERRORS = {
    "start": "Indiquez le premier jour de la convention (jour, mois, année).",
    "end": "Indiquez le dernier jour de la convention, après le premier.",
    "signed_on": "Indiquez la date de signature (jour, mois, année), ou rien.",
    "status": "Choisissez le statut dans la liste.",
    "amount": "Avec une participation financière, indiquez son montant en euros (par exemple "
    "1\u202f500 ou 1\u202f500,50) ; sans participation, laissez le montant vide.",
    "commitments": "Les engagements tiennent en 4 000 caractères au plus.",
    "document_reference": "La référence tient en 200 caractères au plus.",
    "renewal": "Choisissez le renouvellement dans la liste.",
}
"""What the page says beside a field the service refused."""
SAME_START = "Cet acheteur a déjà une convention qui commence ce jour-là."
TEXT_FIELDS = (
    "start",
    "end",
    "signed_on",
    "status",
    "financial",
    "amount",
    "confidential",
    "commitments",
    "document_reference",
    "renewal",
    "fingerprint",
)


class ConventionForm(Forms):
    """A buyer's convention's form: GET shows it, POST saves it."""

    def routes(self) -> list[Route]:
        """New convention, and a convention's changes."""
        guarded = self.gate.guarded
        new = "/acheteurs/{slug}/conventions/nouvelle"
        edit = "/acheteurs/{slug}/conventions/{convention_id:int}/modifier"
        return [
            Route(new, guarded(self.new_form), methods=["GET"]),
            Route(new, guarded(self.create), methods=["POST"]),
            Route(edit, guarded(self.edit_form), methods=["GET"]),
            Route(edit, guarded(self.edit), methods=["POST"]),
        ]

    async def new_form(self, request: Request, who: SignedIn) -> Response:
        """An empty form: in force, confidential, no financial participation (GET)."""
        slug = request.path_params["slug"]
        buyer = await run_in_threadpool(self._buyer_name, slug)
        if buyer is None:
            return self.missing(who)
        values = {"status": ConventionStatus.ACTIVE.value, "confidential": "oui"}
        return self._form(who, slug, buyer, values)

    async def edit_form(self, request: Request, who: SignedIn) -> Response:
        """The form filled with the convention as stored (GET: reads only)."""
        slug, convention_id = request.path_params["slug"], request.path_params["convention_id"]
        buyer = await run_in_threadpool(self._buyer_name, slug)
        values = await run_in_threadpool(self._values_of, slug, convention_id)
        if buyer is None or values is None:
            return self.missing(who)
        return self._form(who, slug, buyer, values, convention_id=convention_id)

    async def create(self, request: Request, who: SignedIn) -> Response:
        """Save a new convention."""
        return await self._save(request, who, None)

    async def edit(self, request: Request, who: SignedIn) -> Response:
        """Save the changes of a convention."""
        return await self._save(request, who, request.path_params["convention_id"])

    async def _save(self, request: Request, who: SignedIn, convention_id: int | None) -> Response:
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        slug = request.path_params["slug"]
        buyer = await run_in_threadpool(self._buyer_name, slug)
        if buyer is None:
            return self.missing(who)
        values = _values(fields)
        entry = ConventionEntry(
            start=values["start"],
            end=values["end"],
            signed_on=values["signed_on"],
            status=values["status"],
            financial=bool(values["financial"]),
            amount=values["amount"],
            confidential=bool(values["confidential"]),
            commitments=values["commitments"],
            document_reference=values["document_reference"],
            renewal=values["renewal"],
            fingerprint=values["fingerprint"],
        )
        try:
            await run_in_threadpool(
                partial(
                    save_convention,
                    self.engine,
                    slug,
                    entry,
                    self.gate.clock(),
                    convention_id=convention_id,
                    actor=who.person.email,
                )
            )
        except NotFoundError:
            return self.missing(who)
        except ConflictError:
            current = await run_in_threadpool(self._values_of, slug, convention_id or 0)
            if current is None:
                return self.missing(who)
            return self._form(
                who, slug, buyer, current, convention_id=convention_id, status=409, conflict=True
            )
        except EntryProblems as refused:
            errors = {name: FIELD_ERRORS[name] for name in refused.fields}
            if "already has a convention" in refused.fields.get("start", ""):
                errors["start"] = SAME_START
            return self._form(
                who, slug, buyer, values, convention_id=convention_id, status=400, errors=errors
            )
        done = "convention-modifiee" if convention_id else "convention-ajoutee"
        return RedirectResponse(
            f"/acheteurs/{slug}?fait={done}#conventions", status_code=303, headers=HEADERS
        )

    def _buyer_name(self, slug: str) -> str | None:
        with read_session(self.engine) as session:
            found = organisation_with_slug(session, slug)
            return found.name if found and found.role == OrganisationRole.BUYER else None

    def _values_of(self, slug: str, convention_id: int) -> dict[str, str] | None:
        entry = convention_entry(self.engine, slug, convention_id=convention_id)
        if entry is None:
            return None
        return {
            name: ("oui" if value else "") if isinstance(value, bool) else str(value)
            for name, value in asdict(entry).items()
            if name != "convention_id"
        }

    def _form(
        self,
        who: SignedIn,
        slug: str,
        buyer: str,
        values: dict[str, str],
        *,
        convention_id: int | None = None,
        status: int = 200,
        errors: dict[str, str] | None = None,
        conflict: bool = False,
    ) -> Response:
        shown = dict.fromkeys(TEXT_FIELDS, "") | values
        return render(
            self.settings,
            "convention_form.html",
            locale=who.person.locale,
            status=status,
            who=who,
            slug=slug,
            buyer=buyer,
            values=shown,
            errors=errors or {},
            conflict=conflict,
            convention_id=convention_id,
            statuses=list(ConventionStatus),
            renewals=list(ConventionRenewal),
            section="buyers",
        )


def _values(fields: Fields) -> dict[str, str]:
    """The form's fields as typed (the commitments keep their line breaks)."""
    values = {name: field(fields, name, 1000) for name in TEXT_FIELDS}
    values["commitments"] = field(fields, "commitments", 8000)
    return values
