"""Publish: what people read — the calendar feeds, the public pages, the workspace's pages, the
agenda and the year report — built from the same facts."""

from scheduler.service.publish.agenda import agenda
from scheduler.service.publish.event_views import (
    Audience,
    event_view,
    french_name,
    meeting_of,
    meeting_title,
    organizer_of,
    place_of,
    ritual_title,
    video_of,
)
from scheduler.service.publish.feeds import (
    ExportReport,
    FeedLink,
    Issued,
    export_feeds,
    issue_links,
    plain_http_outside_localhost,
    public_link,
    revoke,
    rotate,
)
from scheduler.service.publish.public import (
    commitments,
    meeting_ics,
    public_agenda,
    publish,
    unpublish,
)
from scheduler.service.publish.workspace import local_today

__all__ = [
    "Audience",
    "ExportReport",
    "FeedLink",
    "Issued",
    "agenda",
    "commitments",
    "event_view",
    "export_feeds",
    "french_name",
    "issue_links",
    "local_today",
    "meeting_ics",
    "meeting_of",
    "meeting_title",
    "organizer_of",
    "place_of",
    "plain_http_outside_localhost",
    "public_agenda",
    "public_link",
    "publish",
    "revoke",
    "ritual_title",
    "rotate",
    "unpublish",
    "video_of",
]
