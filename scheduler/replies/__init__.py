"""The way back: iMIP replies read from mail, as facts for the answer service.

`read_mail` turns one mail into the iTIP REPLY and COUNTER facts it carries (pure);
`ImapMailbox` reads a folder politely over IMAP (a look that marks nothing, and a move of the
mails rituel processed, nothing else) and says what goes wrong as a `MailboxError`.
"""

from __future__ import annotations

from scheduler.replies.imap import ImapMailbox, MailboxAddress, MailboxError
from scheduler.replies.reading import MailReading, ReplyFacts, ReplyKind, read_mail

__all__ = [
    "ImapMailbox",
    "MailReading",
    "MailboxAddress",
    "MailboxError",
    "ReplyFacts",
    "ReplyKind",
    "read_mail",
]
