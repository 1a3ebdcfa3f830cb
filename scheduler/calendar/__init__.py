"""iCalendar feeds and iTIP objects (REQUEST, update, CANCEL) rendered from plain values.

Pure: it renders the views the service layer builds and never opens a database session.
"""

from __future__ import annotations

from scheduler.calendar.render import (
    DEFAULT_CACHE,
    EventCache,
    Method,
    render_cancel,
    render_event,
    render_feed,
    render_request,
    render_uninvite,
)
from scheduler.calendar.views import Attendee, EventView, FeedInfo, Organizer, Role

__all__ = [
    "DEFAULT_CACHE",
    "Attendee",
    "EventCache",
    "EventView",
    "FeedInfo",
    "Method",
    "Organizer",
    "Role",
    "render_cancel",
    "render_event",
    "render_feed",
    "render_request",
    "render_uninvite",
]
