"""The mail use cases around the outbox: the configured transport, one sending pass, a preview
of any message, and a test message."""

from __future__ import annotations

import asyncio
import secrets
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import Message as MailMessage
from email.utils import make_msgid

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.clock import Clock
from scheduler.config import Settings
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.policy import Verdict
from scheduler.errors import InputError, NotFoundError
from scheduler.mail.mime import Envelope, Mailbox, build_message
from scheduler.mail.retry import RetryPolicy
from scheduler.mail.transport import FileTransport, SmtpTransport, Transport
from scheduler.service.access.signing import load_secret
from scheduler.service.deliver.compose import StoreComposer
from scheduler.service.deliver.enqueue import EnqueueReport, enqueue_due, enqueue_for
from scheduler.service.deliver.outbox import Composed, DispatchReport, dispatch
from scheduler.service.plan.effective import effective, effective_settings
from scheduler.store import mail_facts
from scheduler.store import outbox as store_outbox
from scheduler.store.db import session_scope
from scheduler.store.meetings import meeting_by_uid
from scheduler.store.models import Message


def make_transport(settings: Settings, clock: Clock) -> Transport:
    """The transport `[mail] transport` names: .eml files in `outbox_dir`, or SMTP."""
    if settings.mail.transport == "smtp":
        smtp = settings.mail.smtp
        trusted = None
        if smtp.ca_file:
            trusted = ssl.create_default_context(cafile=str(settings.resolve(smtp.ca_file)))
        return SmtpTransport(smtp, tls_context=trusted)
    return FileTransport(settings.resolve(settings.mail.outbox_dir), clock)


@dataclass(frozen=True)
class SendReport:
    """One pass: what was enqueued, then what was dispatched."""

    enqueued: EnqueueReport
    dispatched: DispatchReport


async def send_due(
    settings: Settings,
    engine: Engine,
    clock: Clock,
    transport: Transport | None = None,
    *,
    should_stop: Callable[[], bool] | None = None,
    occurrence_ids: Sequence[int] | None = None,
) -> SendReport:
    """Enqueue what the policy wants now — for every meeting, or for the `occurrence_ids` only
    when given (none: only send) — then send everything due (the daemon's mail step); once
    `should_stop()` answers True, no further batch is claimed. An unusable secret (the RSVP
    links are signed with it) is a ConfigError raised before anything is claimed. The rituals
    and the facilitators are the effective ones, read from the store at the start of the pass."""
    load_secret(settings)
    settings = await asyncio.to_thread(effective, settings, engine)
    if occurrence_ids is None:
        enqueued = await asyncio.to_thread(enqueue_due, engine, settings, clock())
    elif occurrence_ids:
        enqueued = await asyncio.to_thread(
            enqueue_for, engine, settings, clock(), list(occurrence_ids)
        )
    else:
        enqueued = EnqueueReport()
    transport = transport or make_transport(settings, clock)
    try:
        dispatched = await dispatch(
            engine,
            transport,
            StoreComposer(settings),
            clock,
            retry=RetryPolicy(max_attempts=settings.mail.max_attempts),
            chunk=settings.mail.batch_size,
            lease=timedelta(seconds=settings.mail.lease_seconds),
            should_stop=should_stop,
        )
    finally:
        await transport.close()
    return SendReport(enqueued, dispatched)


def preview(
    settings: Settings,
    engine: Engine,
    kind: MessageKind,
    now: datetime,
    *,
    occurrence_uid: str | None = None,
    buyer: str | None = None,
    facilitator: str | None = None,
    locale: str | None = None,
) -> MailMessage:
    """The message of `kind` as it would be sent now, without writing anything."""
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        row = _sample_row(session, settings, kind, now, occurrence_uid, buyer, facilitator)
        if locale:
            row.locale = locale
        composed = StoreComposer(settings).compose(session, row, now)
        session.rollback()
    if isinstance(composed, Verdict):
        raise InputError(f"this {kind.value} would not be sent now: {composed.reason}")
    return composed.email


def preview_message(
    settings: Settings, engine: Engine, message_id: int, now: datetime
) -> MailMessage:
    """The outbox message `message_id` composed as it goes out (a sent one as it would be sent
    again now), without writing anything; InputError when it would not be sent."""
    with session_scope(engine) as session:
        settings = effective_settings(settings, session)
        row = store_outbox.message(session, message_id)
        if row is None:
            raise NotFoundError(f"no message with id {message_id}")
        composed = StoreComposer(settings).compose(session, row, now)
        session.rollback()
    if isinstance(composed, Verdict):
        raise InputError(f"message {message_id} would not be sent now: {composed.reason}")
    return composed.email


async def send_test(
    settings: Settings, address: str, now: datetime, transport: Transport
) -> Composed:
    """Send one test message to `address` through `transport`."""
    composer = StoreComposer(settings)
    token = secrets.token_urlsafe(24)
    rendered = composer.templates.render(
        "test",
        settings.organisation.locale,
        {
            "guichet": settings.organisation.french_name,
            "guichet_short": settings.organisation.french_short_name,
            "sent_at": now,
            "unsubscribe_url": f"{settings.feeds.base_url.rstrip('/')}/unsubscribe/{token}",
        },
    )
    envelope = Envelope(
        sender=composer.sender,
        recipient=Mailbox("", address),
        message_id=make_msgid(domain=settings.organisation.uid_domain),
        date=now,
        locale=settings.organisation.locale,
    )
    email = build_message(envelope, rendered.subject, rendered.text, rendered.html)
    try:
        await transport.send(email, composer.sender.address, [address])
    finally:
        await transport.close()
    return Composed(email, composer.sender.address, (address,))


def _sample_row(
    session: Session,
    settings: Settings,
    kind: MessageKind,
    now: datetime,
    occurrence_uid: str | None,
    buyer: str | None,
    facilitator: str | None,
) -> Message:
    """An unsaved outbox row for the preview: the first invitee of the meeting, the buyer's
    first contact, or the facilitator."""
    row = Message(
        kind=kind,
        idempotency_key="preview",
        recipient=settings.mail.sender,
        locale=settings.organisation.locale,
        due_at=now,
        next_try_at=now,
        message_id=make_msgid(domain=settings.organisation.uid_domain),
        unsubscribe_token="preview",  # noqa: S106 (a placeholder link, not a secret)
        state=MessageState.PENDING,
        created_at=now,
        updated_at=now,
    )
    if kind is MessageKind.DIGEST:
        chosen = settings.facilitator(facilitator or "") or next(iter(settings.facilitators), None)
        if chosen is None:
            raise InputError("no facilitator is configured")
        row.facilitator_id, row.recipient, row.recipient_name = chosen.id, chosen.email, chosen.name
        return row
    if kind is MessageKind.RENEWAL_NOTICE:
        return _for_convention(session, row, buyer)
    return _for_meeting(session, row, occurrence_uid)


def _for_meeting(session: Session, row: Message, uid: str | None) -> Message:
    if not uid:
        raise InputError(f"--occurrence UID is needed to preview a {row.kind}")
    meeting = meeting_by_uid(session, uid)
    if meeting is None:
        raise NotFoundError(f"no meeting with UID {uid!r}")
    row.occurrence_id = meeting.occurrence_id
    row.sequence = meeting.sequence
    row.offset_days = 7 if row.kind == MessageKind.REMINDER else None
    contact = mail_facts.first_invitee(session, meeting.occurrence_id)
    if contact is None:
        contact = mail_facts.first_contact(session, meeting.organisation_id)
    if contact is not None:
        row.contact_id, row.recipient, row.recipient_name = contact.id, contact.email, contact.name
        row.locale = contact.locale
    return row


def _for_convention(session: Session, row: Message, buyer: str | None) -> Message:
    if not buyer:
        raise InputError("--buyer SLUG is needed to preview a renewal notice")
    found = mail_facts.latest_convention(session, buyer)
    if found is None:
        raise NotFoundError(f"no convention for the buyer {buyer!r}")
    row.convention_id, organisation_id = found
    contact = mail_facts.first_contact(session, organisation_id)
    if contact is not None:
        row.contact_id, row.recipient, row.recipient_name = contact.id, contact.email, contact.name
    return row
