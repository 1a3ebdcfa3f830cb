"""Mail: templates (jinja2), MIME building and transports (SMTP, .eml files); `views` are what
the templates see and `letters` writes one outbox message out with them.

Pure of the store: the service layer loads what a message speaks of, and this package renders,
builds and sends it.
"""

from __future__ import annotations

from scheduler.mail.mime import CalendarPart, Envelope, Mailbox, build_message
from scheduler.mail.templates import MailTemplates, RenderedMail, TemplateError
from scheduler.mail.transport import (
    AuthenticationFailed,
    FileTransport,
    MemoryTransport,
    Refusal,
    SendResult,
    SmtpTransport,
    Transport,
)

__all__ = [
    "AuthenticationFailed",
    "CalendarPart",
    "Envelope",
    "FileTransport",
    "MailTemplates",
    "Mailbox",
    "MemoryTransport",
    "Refusal",
    "RenderedMail",
    "SendResult",
    "SmtpTransport",
    "TemplateError",
    "Transport",
    "build_message",
]
