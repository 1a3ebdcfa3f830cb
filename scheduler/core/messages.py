"""The outbox's vocabulary: which messages exist and the life of one."""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    """What a message is for; each kind has its own templates and its own unsubscribe link."""

    INVITE = "invite"
    UPDATE = "update"
    CANCEL = "cancel"
    REMINDER = "reminder"
    RENEWAL_NOTICE = "renewal_notice"
    DIGEST = "digest"
    PROPOSAL = "proposal"
    """The dates a buyer may choose its meeting from (and its reminders: `offset_days`)."""

    @property
    def carries_invitation(self) -> bool:
        """Invitations, updates and cancellations carry an iTIP calendar object."""
        return self in (MessageKind.INVITE, MessageKind.UPDATE, MessageKind.CANCEL)

    @property
    def itip_method(self) -> str | None:
        """The iTIP method of the calendar object carried, if any."""
        if self is MessageKind.CANCEL:
            return "CANCEL"
        return "REQUEST" if self.carries_invitation else None


class MessageState(StrEnum):
    """pending → sending → sent, or failed / skipped / cancelled."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
