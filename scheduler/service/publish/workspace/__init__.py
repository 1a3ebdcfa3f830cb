"""What each page of the facilitator's workspace shows, read from the store in one read-only
transaction per page. Pages word these values (scheduler.web.workspace); every list is paged or
capped, and each page runs a fixed number of queries whatever the directory's size."""

from scheduler.service.publish.workspace.agenda import AgendaView, GridDay, agenda, month_of
from scheduler.service.publish.workspace.directory import (
    ContactView,
    OrganisationView,
    buyers,
    contact,
    contacts,
    organisation,
    organisations,
)
from scheduler.service.publish.workspace.home import (
    Capped,
    HomeView,
    home,
    local_midnight,
    local_today,
)
from scheduler.service.publish.workspace.meeting import MeetingPage, meeting
from scheduler.service.publish.workspace.outbox import OutboxView, outbox

__all__ = [
    "AgendaView",
    "Capped",
    "ContactView",
    "GridDay",
    "HomeView",
    "MeetingPage",
    "OrganisationView",
    "OutboxView",
    "agenda",
    "buyers",
    "contact",
    "contacts",
    "home",
    "local_midnight",
    "local_today",
    "meeting",
    "month_of",
    "organisation",
    "organisations",
    "outbox",
]
