"""A contact created or edited from the directory (`/contacts/nouveau`,
`/contacts/<id>/modifier`): name, address, organisation, job, language, the ritual kinds they
are invited to, the mails they stopped. The same value rules as the CSV import, through
scheduler.service.directory.entries.save_contact; every problem shown in French beside its
field; a save over a contact changed since the form was shown is refused (409, « modifié
entre-temps ») and nothing of it is written."""

from __future__ import annotations

from functools import partial

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scheduler.core.kinds import RITUALS
from scheduler.errors import ConflictError, NotFoundError
from scheduler.service.access.signin import SignedIn
from scheduler.service.directory.entries import (
    STOPPABLE,
    ContactEntry,
    EntryProblems,
    fingerprint,
    save_contact,
)
from scheduler.store.db import read_session
from scheduler.store.directory_entries import contact_with_organisation
from scheduler.web.workspace.actions.forms import Fields, Forms, field
from scheduler.web.workspace.render import HEADERS, render

FIELD_ERRORS = {
    "name": "Indiquez le nom de la personne (200 caractères au plus).",
    "email": "Indiquez une adresse électronique valide.",
    "organisation": "Aucune organisation n'a cet identifiant.",
    "job": "La fonction tient en 120 caractères au plus.",
    "locale": "Choisissez le français ou l'anglais.",
    "kinds": "Choisissez les types de rencontre dans la liste.",
    "unsubscribed_kinds": "Choisissez les courriels dans la liste.",
}
"""What the page says beside a field the service refused (the rule is the import's)."""
TAKEN = "Cette adresse est déjà celle d'une autre personne de l'annuaire."


class ContactForm(Forms):
    """The contact's form: GET shows it, POST saves it."""

    def routes(self) -> list[Route]:
        """New contact, and a contact's changes."""
        guarded = self.gate.guarded
        return [
            Route("/contacts/nouveau", guarded(self.new_form), methods=["GET"]),
            Route("/contacts/nouveau", guarded(self.create), methods=["POST"]),
            Route("/contacts/{contact_id:int}/modifier", guarded(self.edit_form), methods=["GET"]),
            Route("/contacts/{contact_id:int}/modifier", guarded(self.edit), methods=["POST"]),
        ]

    async def new_form(self, request: Request, who: SignedIn) -> Response:
        """An empty form (GET: reads only); `?organisation=slug` fills the organisation."""
        slug = (request.query_params.get("organisation") or "").strip()[:80]
        return self._form(who, {"organisation": slug, "locale": "fr"})

    async def edit_form(self, request: Request, who: SignedIn) -> Response:
        """The form filled with the contact as stored (GET: reads only)."""
        values = await run_in_threadpool(self._values_of, request.path_params["contact_id"])
        if values is None:
            return self.missing(who)
        return self._form(who, values, contact_id=request.path_params["contact_id"])

    async def create(self, request: Request, who: SignedIn) -> Response:
        """Save a new contact."""
        return await self._save(request, who, None)

    async def edit(self, request: Request, who: SignedIn) -> Response:
        """Save the changes of a contact."""
        return await self._save(request, who, request.path_params["contact_id"])

    async def _save(self, request: Request, who: SignedIn, contact_id: int | None) -> Response:
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        values = _values(fields)
        entry = ContactEntry(
            name=field(fields, "name", 1000),
            email=field(fields, "email", 1000),
            organisation=field(fields, "organisation", 1000),
            job=field(fields, "job", 1000),
            locale=field(fields, "locale", 20),
            kinds=",".join(fields.get("kinds") or []),
            unsubscribed_kinds=tuple(fields.get("unsubscribed_kinds") or []),
            unsubscribed=bool(field(fields, "unsubscribed", 10)),
            fingerprint=field(fields, "fingerprint", 64),
        )
        try:
            saved = await run_in_threadpool(
                partial(
                    save_contact,
                    self.engine,
                    entry,
                    self.gate.clock(),
                    contact_id=contact_id,
                    actor=who.person.email,
                )
            )
        except NotFoundError:
            return self.missing(who)
        except ConflictError:
            current = await run_in_threadpool(self._values_of, contact_id or 0)
            if current is None:
                return self.missing(who)
            return self._form(who, current, contact_id=contact_id, status=409, conflict=True)
        except EntryProblems as refused:
            errors = {name: FIELD_ERRORS[name] for name in refused.fields}
            if "already the address" in refused.fields.get("email", ""):
                errors["email"] = TAKEN
            return self._form(who, values, contact_id=contact_id, status=400, errors=errors)
        done = "modifie" if contact_id else "ajoute"
        return RedirectResponse(f"/contacts/{saved}?fait={done}", status_code=303, headers=HEADERS)

    def _values_of(self, contact_id: int) -> dict[str, str | list[str]] | None:
        with read_session(self.engine) as session:
            found = contact_with_organisation(session, contact_id)
            if found is None:
                return None
            contact, organisation = found
            return {
                "name": contact.name,
                "email": contact.email,
                "organisation": organisation.slug if organisation is not None else "",
                "job": contact.job,
                "locale": contact.locale,
                "kinds": [k for k in contact.kinds.split(",") if k],
                "unsubscribed_kinds": [k for k in contact.unsubscribed_kinds.split(",") if k],
                "unsubscribed": "oui" if contact.unsubscribed else "",
                "fingerprint": fingerprint(contact),
            }

    def _form(
        self,
        who: SignedIn,
        values: dict[str, str | list[str]],
        *,
        contact_id: int | None = None,
        status: int = 200,
        errors: dict[str, str] | None = None,
        conflict: bool = False,
    ) -> Response:
        shown: dict[str, str | list[str]] = {
            "name": "",
            "email": "",
            "organisation": "",
            "job": "",
            "locale": "fr",
            "kinds": [],
            "unsubscribed_kinds": [],
            "unsubscribed": "",
            "fingerprint": "",
            **values,
        }
        return render(
            self.settings,
            "contact_form.html",
            locale=who.person.locale,
            status=status,
            who=who,
            values=shown,
            errors=errors or {},
            conflict=conflict,
            contact_id=contact_id,
            kinds=list(RITUALS),
            stoppable=STOPPABLE,
            section="contacts",
        )


def _values(fields: Fields) -> dict[str, str | list[str]]:
    """The form's fields as typed (lists for the boxes ticked)."""
    values: dict[str, str | list[str]] = {
        name: field(fields, name, 1000)
        for name in (
            "name",
            "email",
            "organisation",
            "job",
            "locale",
            "unsubscribed",
            "fingerprint",
        )
    }
    values["kinds"] = [k[:40] for k in fields.get("kinds") or []][:20]
    values["unsubscribed_kinds"] = [k[:40] for k in fields.get("unsubscribed_kinds") or []][:20]
    return values
