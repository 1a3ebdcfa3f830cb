"""One outbox message written out: its template rendered with what it speaks of, in its
reader's language, and built into a MIME message with its envelope (sender, Reply-To, the
List-Unsubscribe link where the reader may stop it) and, for an invitation, update or
cancellation, its iTIP object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from typing import Any

from scheduler.core.kinds import RitualKind
from scheduler.core.readers import stoppable
from scheduler.mail.mime import CalendarPart, Envelope, Mailbox, build_message
from scheduler.mail.templates import MailTemplates


@dataclass(frozen=True, slots=True)
class Letterhead:
    """What every mail of an install shares: its sender and the guichet's names."""

    sender: Mailbox
    guichet: str
    """The guichet's name (a `FrenchName`: templates say « du Guichet … »)."""
    guichet_short: str
    """The sign-off."""


@dataclass(frozen=True, slots=True)
class Letter:
    """One message to write: its kind, language and identity, to whom, about what ritual."""

    kind: str
    locale: str
    message_id: str
    recipient: Mailbox
    unsubscribe_url: str
    reply_to: Mailbox | None = None
    ritual: RitualKind | None = None
    """The ritual of the meeting it speaks of (its templates may override the kind's)."""
    calendar: CalendarPart | None = None


def write(
    templates: MailTemplates,
    letterhead: Letterhead,
    letter: Letter,
    context: Mapping[str, Any],
    now: datetime,
) -> Message:
    """The MIME message of `letter`, its templates given `context` besides what every mail
    reads (the guichet, the recipient, the unsubscribe link, whether the reader may stop it)."""
    may_stop = stoppable(letter.ritual)
    values = {
        "guichet": letterhead.guichet,
        "guichet_short": letterhead.guichet_short,
        "recipient": letter.recipient,
        "unsubscribe_url": letter.unsubscribe_url,
        "stoppable": may_stop,
        **context,
    }
    ritual = letter.ritual.value if letter.ritual is not None else None
    rendered = templates.render(letter.kind, letter.locale, values, ritual)
    envelope = Envelope(
        sender=letterhead.sender,
        recipient=letter.recipient,
        message_id=letter.message_id,
        date=now,
        reply_to=letter.reply_to,
        # a meeting of the buyer's own convention has nothing a mail client could stop
        unsubscribe_url=letter.unsubscribe_url if may_stop else None,
        locale=letter.locale,
    )
    return build_message(envelope, rendered.subject, rendered.text, rendered.html, letter.calendar)
