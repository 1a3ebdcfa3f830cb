"""« Rituels »: the ritual catalogue, each kind's form, the preview of what the planner would do
with the new values, and its confirmation (scheduler.service.plan.settings_change, the same
functions as the CLI). Nothing changes before the preview is confirmed; a problem is said
beside its field."""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from scheduler.config import Settings, parse_time_of_day
from scheduler.config.overlay import ritual_table, written_duration
from scheduler.config.types import WEEKDAYS
from scheduler.core.kinds import RITUALS, Cadence, RitualKind, Scope
from scheduler.service.access.signin import SignedIn
from scheduler.service.plan.effective import effective
from scheduler.service.plan.settings_change import (
    SETTINGS_ACTIONS,
    ChangeRefused,
    SettingsChange,
    apply_change,
    preview_change,
)
from scheduler.service.publish.feeds import export_feeds
from scheduler.store import settings as stored_settings
from scheduler.store.db import read_session
from scheduler.web.workspace.actions.forms import Fields, Forms, field
from scheduler.web.workspace.render import HEADERS, render

AUDIENCES = ("buyer", "partner", "supplier", "guichet")
FIELD_OF_KEY = {
    "enabled": "actif",
    "cadence": "rythme",
    "months": "mois",
    "weekdays": "jours",
    "week_of_month": "semaine",
    "times": "heures",
    "duration": "duree",
    "location": "lieu",
    "video_url": "visio",
    "themes": "themes",
    "audience": "public",
    "facilitator": "animateur",
    "invite_days_before": "invitation",
    "booking": "reservation",
    "window_weeks": "fenetre",
}
"""The form's field of each key of a `[rituals.KIND]` table (where its problem is said)."""


def ritual_values(table: dict[str, Any]) -> dict[str, Any]:
    """A ritual's table as the form shows it."""
    minutes = int(written_minutes(table["duration"]))
    return {
        "actif": table["enabled"],
        "rythme": table["cadence"],
        "mois": [str(m) for m in table["months"]],
        "jours": list(table["weekdays"]),
        "semaine": str(table["week_of_month"]),
        "heures": ", ".join(table["times"]),
        "duree": str(minutes),
        "lieu": table["location"],
        "visio": table["video_url"],
        "themes": "\n".join(table["themes"]),
        "public": list(table["audience"]),
        "animateur": table.get("facilitator") or "",
        "invitation": str(table["invite_days_before"]),
        "reservation": table["booking"],
        "fenetre_debut": str(table["window_weeks"][0]),
        "fenetre_fin": str(table["window_weeks"][1]),
    }


def written_minutes(duration: str) -> int:
    """'1h30' → 90."""
    hours, _, rest = duration.partition("h")
    if not rest and duration.endswith("min"):
        return int(duration.removesuffix("min"))
    return int(hours) * 60 + int(rest or 0)


def read_ritual(
    fields: Fields, current: dict[str, Any], errors: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form's values (to show again) and the `[rituals.KIND]` table they make (the current
    one for what the form does not show); what cannot be read is said in `errors`."""

    def many(name: str) -> list[str]:
        return [value.strip() for value in fields.get(name, []) if value.strip()][:40]

    values: dict[str, Any] = {
        "actif": field(fields, "actif") == "oui",
        "rythme": field(fields, "rythme", 40),
        "mois": many("mois"),
        "jours": many("jours"),
        "semaine": field(fields, "semaine", 2),
        "heures": field(fields, "heures", 200),
        "duree": field(fields, "duree", 6),
        "lieu": field(fields, "lieu", 400),
        "visio": field(fields, "visio", 400),
        "themes": field(fields, "themes", 4000),
        "public": many("public"),
        "animateur": field(fields, "animateur", 40),
        "invitation": field(fields, "invitation", 4),
        "reservation": field(fields, "reservation", 10),
        "fenetre_debut": field(fields, "fenetre_debut", 3),
        "fenetre_fin": field(fields, "fenetre_fin", 3),
    }
    table = dict(current)
    table["enabled"] = values["actif"]
    if values["rythme"] in {c.value for c in Cadence}:
        table["cadence"] = values["rythme"]
    else:
        errors["rythme"] = "Choisissez un rythme."
    months = [int(m) for m in values["mois"] if m.isdigit() and 1 <= int(m) <= 12]
    table["months"] = sorted(set(months))
    table["weekdays"] = [day for day in WEEKDAYS if day in values["jours"]]
    if not table["weekdays"]:
        errors["jours"] = "Choisissez au moins un jour."
    if values["semaine"] in ("1", "2", "3", "4"):
        table["week_of_month"] = int(values["semaine"])
    else:
        errors["semaine"] = "Choisissez la semaine du mois."
    try:
        times = [parse_time_of_day(t) for t in values["heures"].replace(";", ",").split(",") if t]
        table["times"] = [f"{t:%H:%M}" for t in times]
        if not times:
            errors["heures"] = "Indiquez au moins une heure, par exemple 10:00."
    except ValueError:
        errors["heures"] = "Indiquez des heures comme 10:00, 14:30."
    minutes = int(values["duree"]) if values["duree"].isdigit() else 0
    if 15 <= minutes <= 12 * 60:
        table["duration"] = written_duration_minutes(minutes)
    else:
        errors["duree"] = "Indiquez une durée en minutes, de 15 à 720."
    table["location"] = values["lieu"]
    video = values["visio"]
    if video and not video.lower().startswith(("https://", "http://")):
        errors["visio"] = "Une adresse qui commence par https://"
    table["video_url"] = video
    table["themes"] = [line.strip() for line in values["themes"].splitlines() if line.strip()]
    table["audience"] = [who for who in AUDIENCES if who in values["public"]]
    if not table["audience"]:
        errors["public"] = "Choisissez au moins un public."
    if values["animateur"]:
        table["facilitator"] = values["animateur"]
    else:
        table.pop("facilitator", None)
    if values["invitation"].isdigit():
        table["invite_days_before"] = int(values["invitation"])
    else:
        errors["invitation"] = "Indiquez un nombre de jours."
    if values["reservation"] in ("choose", "impose"):
        table["booking"] = values["reservation"]
    window = (values["fenetre_debut"], values["fenetre_fin"])
    if all(part.isdigit() for part in window):
        table["window_weeks"] = [int(window[0]), int(window[1])]
    else:
        errors["fenetre"] = "Indiquez deux nombres de semaines."
    return values, table


def written_duration_minutes(minutes: int) -> str:
    """90 → '1h30'."""
    from datetime import timedelta

    return written_duration(timedelta(minutes=minutes))


class RitualForms(Forms):
    """The catalogue, a ritual's form, its preview and its confirmation."""

    def routes(self) -> list[Route]:
        """GET the list and a form; POST a preview, POST a confirmation."""
        guarded = self.gate.guarded
        return [
            Route("/rituels", guarded(self.catalogue), methods=["GET"]),
            Route("/rituels/{kind}", guarded(self.form), methods=["GET"]),
            Route("/rituels/{kind}", guarded(self.preview), methods=["POST"]),
            Route("/rituels/{kind}/appliquer", guarded(self.apply), methods=["POST"]),
        ]

    def _current(self) -> Settings:
        return effective(self.settings, self.engine)

    async def catalogue(self, request: Request, who: SignedIn) -> Response:
        """Every ritual with its rhythm, and the latest changes."""
        current = await run_in_threadpool(self._current)
        with read_session(self.engine) as session:
            changes = stored_settings.journal_entries(session, SETTINGS_ACTIONS)
        return render(
            self.settings,
            "rituals.html",
            locale=who.person.locale,
            who=who,
            section="rituals",
            rituals=[(kind, current.rituals[kind]) for kind in RITUALS],
            facilitators={f.id: f.name for f in current.facilitators},
            changes=changes,
            done=request.query_params.get("fait", ""),
        )

    def _kind(self, request: Request) -> RitualKind | None:
        name = request.path_params["kind"]
        return next((kind for kind in RITUALS if kind.value == name), None)

    def _form(
        self,
        who: SignedIn,
        kind: RitualKind,
        current: Settings,
        values: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
    ) -> Response:
        return render(
            self.settings,
            "ritual_edit.html",
            locale=who.person.locale,
            status=status,
            who=who,
            section="rituals",
            kind=kind,
            per_buyer=kind.scope is Scope.BUYER,
            values=values,
            errors=errors,
            cadences=list(Cadence),
            weekdays=WEEKDAYS[:6],
            audiences=AUDIENCES,
            facilitators=current.facilitators,
        )

    async def form(self, request: Request, who: SignedIn) -> Response:
        """A ritual's form, filled with its effective values (GET: reads only)."""
        kind = self._kind(request)
        if kind is None:
            return self.missing(who)
        current = await run_in_threadpool(self._current)
        values = ritual_values(ritual_table(current.rituals[kind]))
        return self._form(who, kind, current, values, {})

    async def _read(
        self, request: Request, who: SignedIn
    ) -> (
        tuple[RitualKind, Settings, dict[str, Any], dict[str, Any], dict[str, str], Fields]
        | Response
    ):
        kind = self._kind(request)
        if kind is None:
            return self.missing(who)
        fields = await self.gate.checked_form(request, who, max_fields=120)
        if fields is None:
            return self.gate.forbidden(who.person.locale)
        current = await run_in_threadpool(self._current)
        errors: dict[str, str] = {}
        values, table = read_ritual(fields, ritual_table(current.rituals[kind]), errors)
        return kind, current, values, table, errors, fields

    async def preview(self, request: Request, who: SignedIn) -> Response:
        """What the planner would do with the form's values (nothing written)."""
        read = await self._read(request, who)
        if isinstance(read, Response):
            return read
        kind, current, values, table, errors, _ = read
        change = SettingsChange(rituals={kind: table})
        if not errors:
            try:
                found = await run_in_threadpool(
                    preview_change, self.settings, self.engine, self.gate.clock(), change
                )
            except ChangeRefused as refused:
                for problem in refused.problems:
                    errors[FIELD_OF_KEY.get(problem.key, "rythme")] = problem_text(problem.code)
        if errors:
            return self._form(who, kind, current, values, errors, status=400)
        return self._preview(who, kind, values, found)

    def _preview(
        self,
        who: SignedIn,
        kind: RitualKind,
        values: dict[str, Any],
        found: Any,
        *,
        status: int = 200,
        notice: str = "",
    ) -> Response:
        return render(
            self.settings,
            "settings_preview.html",
            locale=who.person.locale,
            status=status,
            who=who,
            section="rituals",
            kind=kind,
            action=f"/rituels/{kind.value}/appliquer",
            back=f"/rituels/{kind.value}",
            hidden=hidden_fields(values),
            preview=found,
            notice=notice,
        )

    async def apply(self, request: Request, who: SignedIn) -> Response:
        """Store the values and apply the plan, when it is still the previewed one."""
        read = await self._read(request, who)
        if isinstance(read, Response):
            return read
        kind, current, values, table, errors, fields = read
        if errors:
            return self._form(who, kind, current, values, errors, status=400)
        change = SettingsChange(rituals={kind: table})
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
            for problem in refused.problems:
                errors[FIELD_OF_KEY.get(problem.key, "rythme")] = problem_text(problem.code)
            return self._form(who, kind, current, values, errors, status=400)
        if not applied.done:
            notice = "stale" if applied.stale else "confirm"
            return self._preview(who, kind, values, applied.preview, status=409, notice=notice)
        await run_in_threadpool(export_feeds, self.settings, self.engine, self.gate.clock())
        return RedirectResponse(f"/rituels?fait={kind.value}", status_code=303, headers=HEADERS)


def hidden_fields(values: dict[str, Any]) -> list[tuple[str, str]]:
    """The form's values as hidden fields of the confirmation."""
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        if isinstance(value, bool):
            if value:
                pairs.append((name, "oui"))
        elif isinstance(value, list):
            pairs.extend((name, str(item)) for item in value)
        else:
            pairs.append((name, str(value)))
    return pairs


PROBLEMS = {
    "outside_hours": "Ces horaires sortent des heures d'ouverture du guichet.",
    "unknown_facilitator": "Cette personne ne fait pas partie de l'équipe.",
    "choose_scope": "Le choix de la date par l'acheteur ne vaut que pour ses propres rendez-vous.",
    "still_in_charge": (
        "Cette personne suit encore des acheteurs ou anime des rencontres annoncées : "
        "confiez-les d'abord à quelqu'un d'autre."
    ),
    "duplicate_id": "Cet identifiant est déjà pris.",
    "no_facilitator": "L'équipe compte au moins une personne.",
}
"""The French of each problem's code (its English is in words/settings.py)."""


def problem_text(code: str) -> str:
    """What to tell the facilitator about a refused value."""
    return PROBLEMS.get(code, "Cette valeur n'est pas acceptée.")
