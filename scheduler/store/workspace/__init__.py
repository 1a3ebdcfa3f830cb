"""The workspace's read models: every question its pages ask of the database, by name.

Each function runs a bounded number of queries whatever the directory's size: a list is one
query for a page of rows (LIMIT/OFFSET) and one per column it adds, each over the page's ids
(`IN`), never a query per row. Rows come back as frozen values; the service layer words them.

One module per thing read: `meetings` (the agenda), `invitations` (invitees, answers,
attendance), `outbox`, `organisations` and `contacts` (the directory), `to_do` (what needs the
facilitator); `paging` is what their lists share.
"""

from __future__ import annotations

from scheduler.store.workspace.contacts import (
    ContactRow,
    FeedStatus,
    contact_by_id,
    contacts,
    contacts_of,
    feed_status,
    feed_statuses,
)
from scheduler.store.workspace.invitations import (
    AnswerRow,
    Pending,
    answers_since,
    attendance_counts,
    invitations_of_contact,
    invitees,
    unanswered_soon,
)
from scheduler.store.workspace.meetings import (
    MeetingFilter,
    MeetingRow,
    meeting_by_uid,
    meetings_between,
    meetings_between_capped,
    past_not_held,
)
from scheduler.store.workspace.organisations import (
    BuyerLine,
    ConventionRow,
    OrganisationRow,
    buyer_lines,
    contact_counts,
    conventions_of,
    meetings_of_organisation,
    organisation_by_slug,
    organisations,
    renewal_meetings,
)
from scheduler.store.workspace.outbox import MessageFilter, MessageRow, message_counts, messages
from scheduler.store.workspace.paging import Page
from scheduler.store.workspace.to_do import (
    Reminder,
    buyers_without_held_review,
    buyers_without_planned_review,
    conventions_ending,
)

__all__ = [
    "AnswerRow",
    "BuyerLine",
    "ContactRow",
    "ConventionRow",
    "FeedStatus",
    "MeetingFilter",
    "MeetingRow",
    "MessageFilter",
    "MessageRow",
    "OrganisationRow",
    "Page",
    "Pending",
    "Reminder",
    "answers_since",
    "attendance_counts",
    "buyer_lines",
    "buyers_without_held_review",
    "buyers_without_planned_review",
    "contact_by_id",
    "contact_counts",
    "contacts",
    "contacts_of",
    "conventions_ending",
    "conventions_of",
    "feed_status",
    "feed_statuses",
    "invitations_of_contact",
    "invitees",
    "meeting_by_uid",
    "meetings_between",
    "meetings_between_capped",
    "meetings_of_organisation",
    "message_counts",
    "messages",
    "organisation_by_slug",
    "organisations",
    "past_not_held",
    "renewal_meetings",
    "unanswered_soon",
]
