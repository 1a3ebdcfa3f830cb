"""« Équipe »: the facilitators and their capacity, one person's form (or a newcomer's), the
preview of what the planner would do with the new team, and its confirmation — the same
functions as the « Rituels » page (scheduler.service.plan.settings_change, with the team made
by scheduler.service.plan.team). Nothing changes before the preview is confirmed; a refusal
is said beside its field, in the reader's language, with its reason."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scheduler.config import Settings
from scheduler.config.overlay import SettingsProblem, facilitator_table
from scheduler.service.access.signin import SignedIn
from scheduler.service.plan.effective import effective
from scheduler.service.plan.settings_change import (
    ChangeRefused,
    Preview,
    SettingsChange,
    apply_change,
    preview_change,
)
from scheduler.service.plan.team import new_id, team_change
from scheduler.service.publish.feeds import export_feeds
from scheduler.store import settings as stored_settings
from scheduler.store.db import read_session
from scheduler.store.journal import Entry
from scheduler.web.workspace.actions.forms import Fields, Forms, field
from scheduler.web.workspace.actions.rituals import hidden_fields
from scheduler.web.workspace.render import HEADERS, render

NEW = "nouvelle"
"""The path of a newcomer's form: /equipe/nouvelle."""
FIELD_OF_KEY = {
    "id": "identifiant",
    "name": "nom",
    "email": "courriel",
    "max_per_day": "par_jour",
    "max_per_week": "par_semaine",
    "locale": "langue",
}
"""The form's field of each key of a `[[facilitators]]` table (where its problem is said)."""

TEXTS: dict[str, tuple[str, str]] = {
    "nom": ("Indiquez le nom.", "Give the name."),
    "courriel": (
        "Indiquez une adresse électronique valable.",
        "Give a valid e-mail address.",
    ),
    "nombre": ("Indiquez un nombre entier, 1 au moins.", "Give a whole number, 1 at least."),
    "day_over_week": (
        "Pas plus de rencontres par jour que par semaine.",
        "No more meetings a day than a week.",
    ),
    "duplicate_email": (
        "Cette adresse est déjà celle d'une autre personne de l'équipe.",
        "This address is already another team member's.",
    ),
    "duplicate_id": ("Cet identifiant est déjà pris.", "This identifier is already taken."),
    "identifiant": (
        "Des lettres minuscules sans accent, des chiffres et des tirets.",
        "Lower-case letters without accents, digits and hyphens.",
    ),
    "still_in_charge": (
        "{nom} ne peut pas quitter l'équipe tant que des acheteurs lui sont confiés ({acheteurs})"
        " ou que des rencontres annoncées l'attendent ({rencontres})\u00a0: confiez-les d'abord"
        " à quelqu'un d'autre.",
        "{nom} cannot leave the team while buyers are in their care ({acheteurs}) or announced"
        " meetings await them ({rencontres}): hand them to someone else first.",
    ),
    "unknown_facilitator": (
        "Une rencontre du catalogue lui est confiée (page « Rituels »)\u00a0: confiez-la d'abord"
        " à quelqu'un d'autre.",
        "A meeting of the catalogue is in their care (page “Rituals”): hand it to someone else"
        " first.",
    ),
    "no_facilitator": ("L'équipe compte au moins une personne.", "The team needs one person."),
    "other": ("Cette valeur n'est pas acceptée.", "This value is not accepted."),
}
"""What a refusal says, in French and in English (`{nom}` and the problem's values filled in)."""


@dataclass(frozen=True, slots=True)
class TeamLine:
    """One person as the journal shows them, before or after a change."""

    name: str
    email: str
    per_day: int
    per_week: int
    locale: str


def say(who: SignedIn, code: str, **values: str) -> str:
    """A refusal in the reader's language."""
    french, english = TEXTS.get(code, TEXTS["other"])
    text = english if who.person.locale == "en" else french
    return text.format(**values) if values else text


def person_values(table: dict[str, Any]) -> dict[str, str]:
    """A `[[facilitators]]` table as the form shows it."""
    return {
        "nom": str(table["name"]),
        "courriel": str(table["email"]),
        "par_jour": str(table["max_per_day"]),
        "par_semaine": str(table["max_per_week"]),
        "langue": str(table["locale"]),
        "identifiant": str(table["id"]),
    }


def team_lines(entry: Entry) -> list[tuple[TeamLine | None, TeamLine | None]]:
    """Each person a team change touched: as they were, and as they became (None: absent)."""

    def line(text: str) -> TeamLine | None:
        try:
            table = json.loads(text) if text else None
        except ValueError:
            return None
        if not isinstance(table, dict):
            return None
        return TeamLine(
            str(table.get("name", "")),
            str(table.get("email", "")),
            int(table.get("max_per_day", 0)),
            int(table.get("max_per_week", 0)),
            str(table.get("locale", "fr")),
        )

    names = sorted({*entry.before, *entry.after})
    return [
        (line(entry.before.get(name, "")), line(entry.after.get(name, "")))
        for name in names
        if name.startswith("facilitators.")
    ]


class TeamForms(Forms):
    """The team, a person's form, its preview and its confirmation."""

    def routes(self) -> list[Route]:
        """GET the team and a form; POST a preview, POST a confirmation."""
        guarded = self.gate.guarded
        return [
            Route("/equipe", guarded(self.team), methods=["GET"]),
            Route("/equipe/{person}", guarded(self.form), methods=["GET"]),
            Route("/equipe/{person}", guarded(self.preview), methods=["POST"]),
            Route("/equipe/{person}/appliquer", guarded(self.apply), methods=["POST"]),
        ]

    def _current(self) -> Settings:
        return effective(self.settings, self.engine)

    def _changes(self) -> list[Entry]:
        with read_session(self.engine) as session:
            return stored_settings.journal_entries(session, ("team_settings",))

    async def team(self, request: Request, who: SignedIn) -> Response:
        """Every facilitator with their capacity, and the latest changes of the team."""
        changes = await run_in_threadpool(self._changes)
        return render(
            self.settings,
            "team.html",
            locale=who.person.locale,
            who=who,
            section="team",
            team=who.settings.facilitators,
            changes=[(entry, team_lines(entry)) for entry in changes],
            done=request.query_params.get("fait", ""),
        )

    def _form(
        self,
        who: SignedIn,
        person: str,
        values: dict[str, str],
        errors: dict[str, str],
        status: int = 200,
    ) -> Response:
        return render(
            self.settings,
            "team_edit.html",
            locale=who.person.locale,
            status=status,
            who=who,
            section="team",
            person=person,
            new=person == NEW,
            values=values,
            errors=errors,
        )

    async def form(self, request: Request, who: SignedIn) -> Response:
        """A person's form, filled with their effective values, or a newcomer's (GET)."""
        person = request.path_params["person"]
        if person == NEW:
            blank = {"nom": "", "courriel": "", "par_jour": "2", "par_semaine": "6"}
            return self._form(who, person, {**blank, "langue": "fr", "identifiant": ""}, {})
        found = who.settings.facilitator(person)
        if found is None:
            return self.missing(who)
        return self._form(who, person, person_values(facilitator_table(found)), {})

    def _read(
        self, who: SignedIn, person: str, fields: Fields, current: Settings
    ) -> tuple[dict[str, str], SettingsChange | None, dict[str, str]]:
        """The form's values, the change they make (None when they cannot be read) and the
        problems found on the way."""
        names = ("nom", "courriel", "par_jour", "par_semaine", "langue", "identifiant", "retirer")
        values = {name: field(fields, name, 200) for name in names}
        found = current.facilitator(person)
        if values["retirer"] == "oui" and found is not None:
            shown = {**person_values(facilitator_table(found)), "retirer": "oui"}
            return shown, team_change(current, None, replacing=person), {}
        errors: dict[str, str] = {}
        if not values["nom"]:
            errors["nom"] = say(who, "nom")
        if "@" not in values["courriel"]:
            errors["courriel"] = say(who, "courriel")
        for name in ("par_jour", "par_semaine"):
            if not values[name].isdigit() or int(values[name]) < 1:
                errors[name] = say(who, "nombre")
        taken = [f.id for f in current.facilitators]
        wanted = person
        if person == NEW:
            wanted = values["identifiant"].lower() or new_id(values["nom"], taken)
        if errors:
            return values, None, errors
        table = {
            "id": wanted,
            "name": values["nom"],
            "email": values["courriel"],
            "max_per_day": int(values["par_jour"]),
            "max_per_week": int(values["par_semaine"]),
            "locale": "en" if values["langue"] == "en" else "fr",
        }
        if person == NEW and wanted in taken:
            return values, None, {"identifiant": say(who, "duplicate_id")}
        replacing = None if person == NEW else person
        return values, team_change(current, table, replacing=replacing), {}

    def _refusals(
        self, who: SignedIn, current: Settings, problems: list[SettingsProblem]
    ) -> dict[str, str]:
        """Each problem beside its field; what concerns the person leaving, beside « Retirer »."""
        said: dict[str, list[str]] = {}

        def add(name: str, text: str) -> None:
            if text not in said.setdefault(name, []):
                said[name].append(text)

        for problem in problems:
            if problem.code == "still_in_charge":
                found = current.facilitator(problem.key)
                counts = dict(problem.context)
                text = say(
                    who,
                    "still_in_charge",
                    nom=found.name if found else problem.key,
                    acheteurs=counts.get("acheteurs", "0"),
                    rencontres=counts.get("rencontres", "0"),
                )
                add("retirer", text)
            elif problem.code in ("unknown_facilitator", "no_facilitator"):
                add("retirer", say(who, problem.code))
            elif problem.key == "id":
                add(
                    "identifiant",
                    say(who, problem.code if problem.code in TEXTS else "identifiant"),
                )
            elif problem.key == "email":
                add("courriel", say(who, problem.code if problem.code in TEXTS else "courriel"))
            else:
                name = FIELD_OF_KEY.get(problem.key, "nom")
                add(name, say(who, problem.code if problem.code in TEXTS else "other"))
        return {name: " ".join(texts) for name, texts in said.items()}

    async def _proposed(
        self, request: Request, who: SignedIn
    ) -> tuple[str, dict[str, str], SettingsChange, Fields] | Response:
        """The change a POSTed form makes, or the answer that refuses it."""
        person = request.path_params["person"]
        fields = await self.gate.checked_form(request, who)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        current = who.settings
        if person != NEW and current.facilitator(person) is None:
            return self.missing(who)
        values, change, errors = self._read(who, person, fields, current)
        if change is None:
            return self._form(who, person, values, errors, status=400)
        return person, values, change, fields

    async def preview(self, request: Request, who: SignedIn) -> Response:
        """What the planner would do with the new team (nothing written)."""
        proposed = await self._proposed(request, who)
        if isinstance(proposed, Response):
            return proposed
        person, values, change, _ = proposed
        try:
            found = await run_in_threadpool(
                preview_change, self.settings, self.engine, self.gate.clock(), change
            )
        except ChangeRefused as refused:
            errors = self._refusals(who, who.settings, refused.problems)
            return self._form(who, person, values, errors, status=400)
        return self._preview(who, person, values, change, found)

    def _preview(
        self,
        who: SignedIn,
        person: str,
        values: dict[str, str],
        change: SettingsChange,
        found: Preview,
        *,
        status: int = 200,
        notice: str = "",
    ) -> Response:
        names = {str(t["id"]): str(t["name"]) for t in change.facilitators or ()}
        return render(
            self.settings,
            "settings_preview.html",
            locale=who.person.locale,
            status=status,
            who=who,
            section="team",
            action=f"/equipe/{person}/appliquer",
            back=f"/equipe/{person}",
            hidden=hidden_fields({k: v for k, v in values.items() if v}),
            preview=found,
            notice=notice,
            team=names,
        )

    async def apply(self, request: Request, who: SignedIn) -> Response:
        """Store the new team and apply the plan, when it is still the previewed one."""
        proposed = await self._proposed(request, who)
        if isinstance(proposed, Response):
            return proposed
        person, values, change, fields = proposed
        try:
            applied = await run_in_threadpool(
                partial(
                    apply_change,
                    self.settings,
                    self.engine,
                    self.gate.clock(),
                    change,
                    digest=field(fields, "empreinte", 64),
                    actor=who.person.email,
                    confirmed=field(fields, "confirme") == "oui",
                )
            )
        except ChangeRefused as refused:
            errors = self._refusals(who, who.settings, refused.problems)
            return self._form(who, person, values, errors, status=400)
        if not applied.done:
            assert applied.preview is not None
            notice = "stale" if applied.stale else "confirm"
            return self._preview(
                who, person, values, change, applied.preview, status=409, notice=notice
            )
        await run_in_threadpool(export_feeds, self.settings, self.engine, self.gate.clock())
        return RedirectResponse("/equipe?fait=oui", status_code=303, headers=HEADERS)
