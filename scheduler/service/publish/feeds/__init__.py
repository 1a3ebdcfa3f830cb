"""The calendar feeds people subscribe to, written under `calendars/`, and their links: what
each feed shows (`content`), the files (`files`), the subscribers' tokens and links (`links`).

Four kinds of feed, each built only from what its reader may see:

- a buyer's: its own per-buyer rituals, and the territory rituals whose audience includes buyers
  (or to which one of its contacts is invited) — never another buyer's meeting, no attendee;
- a facilitator's: every meeting they run, with the attendees and their answers;
- a contact's: the meetings they are invited to and have not declined;
- the public territory feed: territory rituals only, no attendee, no e-mail address, no link.

Past meetings stay a year; a cancelled one stays `feeds.keep_cancelled_days` (30) after its
cancellation, with STATUS:CANCELLED, so subscribers see it go. Private feeds are written under
`calendars/private/<first 32 hex digits of SHA-256(token)>.ics`: the token itself is never
stored, and the file name cannot be turned back into a URL that opens the feed.
"""

from scheduler.service.publish.feeds.content import (
    PAST_DAYS,
    Feed,
    FeedMeeting,
    FeedSnapshot,
    buyer_feed,
    contact_feed,
    facilitator_feed,
    feed_for,
    load_snapshot,
    public_feed,
)
from scheduler.service.publish.feeds.files import (
    ExportReport,
    export_feeds,
    remove_stale,
    write_if_changed,
)
from scheduler.service.publish.feeds.links import (
    FeedLink,
    Issued,
    all_subscribers,
    issue_links,
    links_for,
    plain_http_outside_localhost,
    public_link,
    resolve_subscriber,
    revoke,
    rotate,
)

__all__ = [
    "PAST_DAYS",
    "ExportReport",
    "Feed",
    "FeedLink",
    "FeedMeeting",
    "FeedSnapshot",
    "Issued",
    "all_subscribers",
    "buyer_feed",
    "contact_feed",
    "export_feeds",
    "facilitator_feed",
    "feed_for",
    "issue_links",
    "links_for",
    "load_snapshot",
    "plain_http_outside_localhost",
    "public_feed",
    "public_link",
    "remove_stale",
    "resolve_subscriber",
    "revoke",
    "rotate",
    "write_if_changed",
]
