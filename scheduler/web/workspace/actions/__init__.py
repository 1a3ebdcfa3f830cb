"""The workspace's actions: the signed-in forms that change something, one module per area —
a meeting's changes (`changes`), a one-off meeting (`new_meeting`), its invitees (`invitees`),
who came (`attendance`), a buyer's feed link (`feed_link`), the outbox (`outbox`), new dates
for a buyer none of whose dates suited (`new_slots`), the rituals' settings (`rituals`), the
team (`team`), a contact (`contact_form`), a buyer, supplier or partner (`organisation_form`)
and a buyer's convention (`convention_form`) created or edited by hand; `forms` is what they
share. Each POST
carries the session's CSRF token and calls the same service function as the CLI."""

from __future__ import annotations

from starlette.routing import Route

from scheduler.web.workspace.actions.attendance import Attendance
from scheduler.web.workspace.actions.changes import MeetingChanges
from scheduler.web.workspace.actions.contact_form import ContactForm
from scheduler.web.workspace.actions.convention_form import ConventionForm
from scheduler.web.workspace.actions.feed_link import FeedLink
from scheduler.web.workspace.actions.forms import ANSWER_CHOICES, DONE
from scheduler.web.workspace.actions.invitees import Invitees
from scheduler.web.workspace.actions.new_meeting import OneOffMeeting
from scheduler.web.workspace.actions.new_slots import NewSlots
from scheduler.web.workspace.actions.organisation_form import OrganisationForm
from scheduler.web.workspace.actions.outbox import Outbox
from scheduler.web.workspace.actions.rituals import RitualForms
from scheduler.web.workspace.actions.team import TeamForms
from scheduler.web.workspace.auth import Gate


def action_routes(gate: Gate) -> list[Route]:
    """Every action's routes (before the pages': `/rencontres/nouvelle` is not a meeting)."""
    return [
        *OneOffMeeting(gate).routes(),
        *MeetingChanges(gate).routes(),
        *Invitees(gate).routes(),
        *Attendance(gate).routes(),
        *FeedLink(gate).routes(),
        *Outbox(gate).routes(),
        *NewSlots(gate).routes(),
        *RitualForms(gate).routes(),
        *TeamForms(gate).routes(),
        *ContactForm(gate).routes(),
        *OrganisationForm(gate).routes(),
        *ConventionForm(gate).routes(),
    ]


__all__ = ["ANSWER_CHOICES", "DONE", "action_routes"]
