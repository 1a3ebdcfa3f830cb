"""The message policy: from meetings, invitees, conventions and `now`, the messages that should
exist. Pure: the service turns its answer into outbox rows (see scheduler.service.outbox).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scheduler.core.messages import MessageKind


@dataclass(frozen=True, slots=True)
class MessageIntent:
    """One message the policy wants in the outbox; `key` makes enqueuing it idempotent."""

    kind: MessageKind
    key: str
    recipient: str
    due_at: datetime
    recipient_name: str = ""
    locale: str = "fr"
    occurrence_id: int | None = None
    convention_id: int | None = None
    contact_id: int | None = None
    facilitator_id: str | None = None
    sequence: int = 0
    offset_days: int | None = None
    skip_reason: str | None = None
    """Set when the message is recorded as skipped, never sent (a reminder caught up late)."""


def message_key(kind: MessageKind, subject: str, recipient: str, detail: str = "") -> str:
    """'occ:12/reminder/s1-7d/elise@ville.example': what a message is about, to whom, and (for
    a reminder or an update) which SEQUENCE and offset."""
    parts = [subject, kind.value, *([detail] if detail else []), recipient.lower()]
    return "/".join(parts)
