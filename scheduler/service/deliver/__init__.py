"""Deliver: the message policy's answer into outbox rows (enqueue), rendered at send time (compose)
and sent (dispatch), with the facilitator's digest and invitees added by hand."""

from scheduler.service.deliver.enqueue import enqueue_messages, on_occurrence_change
from scheduler.service.deliver.invitees import add_invitee, answer_on_behalf
from scheduler.service.deliver.mailing import (
    SendReport,
    make_transport,
    preview,
    preview_message,
    send_due,
    send_test,
)
from scheduler.service.deliver.outbox import list_messages, next_send, retry_messages

__all__ = [
    "SendReport",
    "add_invitee",
    "answer_on_behalf",
    "enqueue_messages",
    "list_messages",
    "make_transport",
    "next_send",
    "on_occurrence_change",
    "preview",
    "preview_message",
    "retry_messages",
    "send_due",
    "send_test",
]
