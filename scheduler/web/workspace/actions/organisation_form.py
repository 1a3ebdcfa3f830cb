"""A buyer, supplier or partner created or edited from the directory
(`/organisations/nouvelle?role=…`, `/organisations/<slug>/modifier`): name, identifier (when it
is created), article, kind, territory, and for a buyer its facilitator and programming month.
The same value rules as the CSV import, through
scheduler.service.directory.organisation_entries.save_organisation; every problem shown in
French beside its field; a save over an organisation changed since the form was shown is
refused (409, « modifiée entre-temps ») and nothing of it is written."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scheduler.core.kinds import OrganisationRole
from scheduler.errors import ConflictError, NotFoundError
from scheduler.imports.values import KINDS
from scheduler.service.access.signin import SignedIn
from scheduler.service.directory.entries import EntryProblems
from scheduler.service.directory.organisation_entries import (
    OrganisationEntry,
    organisation_entry,
    save_organisation,
)
from scheduler.web.workspace.actions.forms import Fields, Forms, field
from scheduler.web.workspace.render import HEADERS, render

FIELD_ERRORS = {
    "name": "Indiquez le nom de l'organisation (200 caractères au plus).",
    "slug": "L'identifiant s'écrit en minuscules, chiffres et tirets "
    "(«\u00a0ville-de-lisiere\u00a0»).",
    "article": "Choisissez l'article dans la liste.",
    "kind": "Choisissez le type d'organisation dans la liste.",
    "territory": "Le territoire tient en 120 caractères au plus.",
    "facilitator": "Choisissez le référent du guichet dans la liste.",
    "programming_month": "Choisissez le mois dans la liste.",
}
"""What the page says beside a field the service refused (the rule is the import's)."""
TAKEN = "Cet identifiant est déjà celui d'une autre organisation : choisissez-en un autre."
TEXT_FIELDS = (
    "name",
    "slug",
    "article",
    "kind",
    "territory",
    "facilitator",
    "programming_month",
    "fingerprint",
)
ARTICLES = ("", "le", "la", "l'", "les", "-")
"""The article choices: empty derives it from the name, « - » is none."""


class OrganisationForm(Forms):
    """The organisation's form: GET shows it, POST saves it."""

    def routes(self) -> list[Route]:
        """New organisation, and an organisation's changes."""
        guarded = self.gate.guarded
        return [
            Route("/organisations/nouvelle", guarded(self.new_form), methods=["GET"]),
            Route("/organisations/nouvelle", guarded(self.create), methods=["POST"]),
            Route("/organisations/{slug}/modifier", guarded(self.edit_form), methods=["GET"]),
            Route("/organisations/{slug}/modifier", guarded(self.edit), methods=["POST"]),
        ]

    async def new_form(self, request: Request, who: SignedIn) -> Response:
        """An empty form for the role `?role=` (a buyer by default; GET: reads only)."""
        role = _role(request.query_params.get("role"))
        return self._form(who, role, {"facilitator": who.person.facilitator_id or ""})

    async def edit_form(self, request: Request, who: SignedIn) -> Response:
        """The form filled with the organisation as stored (GET: reads only)."""
        found = await run_in_threadpool(self._values_of, request.path_params["slug"])
        if found is None:
            return self.missing(who)
        role, values = found
        return self._form(who, role, values, slug=request.path_params["slug"])

    async def create(self, request: Request, who: SignedIn) -> Response:
        """Save a new organisation."""
        return await self._save(request, who, None)

    async def edit(self, request: Request, who: SignedIn) -> Response:
        """Save the changes of an organisation."""
        return await self._save(request, who, request.path_params["slug"])

    async def _save(self, request: Request, who: SignedIn, slug: str | None) -> Response:
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        values = _values(fields)
        if slug is None:
            role = _role(field(fields, "role", 20))
        else:
            stored = await run_in_threadpool(self._values_of, slug)
            if stored is None:
                return self.missing(who)
            role = stored[0]
        entry = OrganisationEntry(role=role, **{k: str(v) for k, v in values.items()})
        try:
            saved = await run_in_threadpool(
                partial(
                    save_organisation,
                    self.engine,
                    entry,
                    self.gate.clock(),
                    facilitators=[f.id for f in self.settings.facilitators],
                    slug=slug,
                    actor=who.person.email,
                )
            )
        except NotFoundError:
            return self.missing(who)
        except ConflictError:
            current = await run_in_threadpool(self._values_of, slug or "")
            if current is None:
                return self.missing(who)
            return self._form(who, role, current[1], slug=slug, status=409, conflict=True)
        except EntryProblems as refused:
            errors = {name: FIELD_ERRORS[name] for name in refused.fields}
            if "already the identifier" in refused.fields.get("slug", ""):
                errors["slug"] = TAKEN
            return self._form(who, role, values, slug=slug, status=400, errors=errors)
        page = "acheteurs" if role is OrganisationRole.BUYER else "organisations"
        done = "organisation-modifiee" if slug else "organisation-ajoutee"
        return RedirectResponse(f"/{page}/{saved}?fait={done}", status_code=303, headers=HEADERS)

    def _values_of(self, slug: str) -> tuple[OrganisationRole, dict[str, str]] | None:
        entry = organisation_entry(self.engine, slug)
        if entry is None:
            return None
        values = {name: str(value) for name, value in asdict(entry).items() if name != "role"}
        return entry.role, values

    def _form(
        self,
        who: SignedIn,
        role: OrganisationRole,
        values: dict[str, str],
        *,
        slug: str | None = None,
        status: int = 200,
        errors: dict[str, str] | None = None,
        conflict: bool = False,
    ) -> Response:
        shown = dict.fromkeys(TEXT_FIELDS, "") | values
        return render(
            self.settings,
            "organisation_form.html",
            locale=who.person.locale,
            status=status,
            who=who,
            role=role,
            values=shown,
            errors=errors or {},
            conflict=conflict,
            slug=slug,
            kinds=[kind.value for kind in KINDS[role]],
            articles=ARTICLES,
            facilitators=self.settings.facilitators,
            months=range(1, 13),
            section="buyers" if role is OrganisationRole.BUYER else "organisations",
        )


def _role(text: str | None) -> OrganisationRole:
    """The role asked for; a buyer when none or an unknown one is asked."""
    try:
        return OrganisationRole(text or "buyer")
    except ValueError:
        return OrganisationRole.BUYER


def _values(fields: Fields) -> dict[str, str]:
    """The form's fields as typed."""
    return {name: field(fields, name, 1000) for name in TEXT_FIELDS}
