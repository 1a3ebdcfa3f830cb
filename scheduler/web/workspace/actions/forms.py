"""What the workspace's forms share: a field read and trimmed, the SEQUENCE a form was shown at,
a date and time in the guichet's zone, the page of a missing meeting, and the way back to the
meeting once a change is saved (the feeds exported again first, as the CLI does)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from scheduler.core.kinds import PartStat
from scheduler.service.access.signin import SignedIn
from scheduler.service.publish.feeds import export_feeds
from scheduler.web.workspace.auth import Gate
from scheduler.web.workspace.render import HEADERS, render

Fields = dict[str, list[str]]

DONE = {
    "deplacee",
    "annulee",
    "retablie",
    "modifiee",
    "tenue",
    "ajoutee",
    "invite",
    "reponse",
    "nouvelles_dates",
    "retire",
    "retire_avant",
}
"""What the meeting's page may say was just done (its `?fait=`)."""
ANSWER_CHOICES = (PartStat.ACCEPTED, PartStat.TENTATIVE, PartStat.DECLINED)
"""The answers a facilitator may record on an invitee's behalf."""


def field(fields: Fields, name: str, limit: int = 4000) -> str:
    """One form field, trimmed (empty when absent)."""
    return (fields.get(name) or [""])[0].strip()[:limit]


def sequence_of(fields: Fields) -> int | None:
    """The meeting's SEQUENCE when the form was shown (None: not a number)."""
    text = field(fields, "sequence", 9)
    return int(text) if text.isdigit() else None


class Forms:
    """One area's forms, over the gate's settings, database and clock, in the guichet's zone."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.settings = gate.settings
        self.engine = gate.engine
        self.zone = ZoneInfo(self.settings.organisation.timezone)

    def missing(self, who: SignedIn, status: int = 404) -> Response:
        """The « page introuvable » page."""
        return render(
            self.settings, "error.html", locale=who.person.locale, status=status, page="missing"
        )

    async def back_to_meeting(self, request: Request, done: str) -> Response:
        """Export the feeds again (as the CLI does), then back to the meeting's page."""
        await run_in_threadpool(export_feeds, self.settings, self.engine, self.gate.clock())
        uid = request.path_params["uid"]
        return RedirectResponse(f"/rencontres/{uid}?fait={done}", status_code=303, headers=HEADERS)

    def start(self, values: dict[str, str], errors: dict[str, str]) -> datetime | None:
        """The instant of the form's `date` and `heure` in the guichet's zone; None, with the
        reason in `errors`, when either is not one."""
        try:
            day = date.fromisoformat(values["date"])
        except ValueError:
            errors["date"] = "Indiquez une date (jour, mois, année)."
            day = None
        try:
            hour = time.fromisoformat(values["heure"])
        except ValueError:
            errors["heure"] = "Indiquez une heure, par exemple 14:00."
            hour = None
        if day is None or hour is None:
            return None
        return datetime.combine(day, hour, self.zone)
