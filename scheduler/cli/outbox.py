"""`rituel outbox list|retry|send` and `rituel mail preview|test`: the operator's view of the
outbox and of the mails themselves."""

from __future__ import annotations

import asyncio
import json
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.message import Message as MailMessage
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from scheduler.cli.app import (
    ConfigOption,
    JsonOption,
    NowOption,
    app,
    console,
    err_console,
    open_context,
)
from scheduler.core.messages import MessageKind, MessageState
from scheduler.core.text import is_email
from scheduler.errors import InputError
from scheduler.service.deliver.mailing import make_transport, preview, send_due, send_test
from scheduler.service.deliver.outbox import list_messages, retry_messages
from scheduler.store.models import Message

outbox_app = typer.Typer(
    name="outbox", help="The messages waiting, sent or failed.", no_args_is_help=True
)
mail_app = typer.Typer(name="mail", help="Preview a message; send a test.", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")
app.add_typer(mail_app, name="mail")


@outbox_app.command("list")
def list_(
    state: Annotated[
        MessageState | None, typer.Option("--state", help="Only messages in this state.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many rows.")] = 200,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """The outbox, the latest due first."""
    ctx = open_context(config)
    rows = list_messages(ctx.engine, state=state, limit=limit)
    if as_json:
        typer.echo(json.dumps([_as_dict(row) for row in rows], ensure_ascii=False, indent=2))
        return
    table = Table("id", "kind", "state", "due", "to", "attempts", "last error")
    for row in rows:
        table.add_row(
            str(row.id),
            row.kind,
            row.state,
            row.due_at.strftime("%Y-%m-%d %H:%M"),
            row.recipient,
            str(row.attempts),
            (row.last_error or "")[:60],
        )
    console.print(table)


@outbox_app.command("retry")
def retry(
    ids: Annotated[
        list[int] | None, typer.Argument(help="Message ids (see `outbox list`).")
    ] = None,
    failed: Annotated[bool, typer.Option("--failed", help="Every failed message.")] = False,
    config: ConfigOption = None,
    now: NowOption = None,
) -> None:
    """Put messages back in the queue, due now, with their attempts reset."""
    if bool(ids) == failed:
        raise InputError("give message ids or --failed (not both)")
    ctx = open_context(config, now)
    count = retry_messages(ctx.engine, ctx.now(), ids=ids or [], failed=failed)
    console.print(f"{count} message(s) queued again.", highlight=False)


@outbox_app.command("send")
def send(config: ConfigOption = None, now: NowOption = None) -> None:
    """Enqueue what is due and send it now (what the daemon does on each tick)."""
    ctx = open_context(config, now)
    report = asyncio.run(send_due(ctx.settings, ctx.engine, ctx.clock))
    sent = report.dispatched
    console.print(
        f"enqueued {report.enqueued.added}; sent {sent.sent}, retrying {sent.retried}, "
        f"failed {sent.failed}, skipped {sent.skipped}, cancelled {sent.cancelled}.",
        highlight=False,
    )
    for error in sent.errors:
        err_console.print(f"  failed: {error}", markup=False, highlight=False)


@mail_app.command("preview")
def preview_(
    kind: Annotated[MessageKind, typer.Argument(help="The kind of message.")],
    occurrence: Annotated[
        str | None, typer.Option("--occurrence", help="The meeting's UID.", show_default=False)
    ] = None,
    buyer: Annotated[
        str | None, typer.Option("--buyer", help="A buyer's slug (renewal notices).")
    ] = None,
    facilitator: Annotated[
        str | None, typer.Option("--facilitator", help="A facilitator's id (digests).")
    ] = None,
    locale: Annotated[str | None, typer.Option("--locale", help="fr or en.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write an .eml file instead.")
    ] = None,
    config: ConfigOption = None,
    now: NowOption = None,
) -> None:
    """Show a message as it would be sent now; nothing is written to the outbox."""
    ctx = open_context(config, now)
    message = preview(
        ctx.settings,
        ctx.engine,
        kind,
        ctx.now(),
        occurrence_uid=occurrence,
        buyer=buyer,
        facilitator=facilitator,
        locale=locale,
    )
    if output is not None:
        output.write_bytes(message.as_bytes())
        console.print(f"wrote {output}", highlight=False)
        return
    typer.echo(_readable(message))


@mail_app.command("test")
def mail_test(
    address: Annotated[str, typer.Argument(help="Where to send the test message.")],
    config: ConfigOption = None,
) -> None:
    """Send one test message through the configured transport."""
    if not is_email(address):
        raise InputError(f"{address!r} is not an e-mail address")
    ctx = open_context(config)
    transport = make_transport(ctx.settings, ctx.clock)
    composed = asyncio.run(send_test(ctx.settings, address, ctx.now(), transport))
    where = (
        f"through {ctx.settings.mail.smtp.host}:{ctx.settings.mail.smtp.port}"
        if ctx.settings.mail.transport == "smtp"
        else f"into {ctx.settings.resolve(ctx.settings.mail.outbox_dir)}"
    )
    console.print(f"sent {composed.email['Message-ID']} to {address} {where}.", highlight=False)


def _as_dict(row: Message) -> dict[str, object]:
    return {
        "id": row.id,
        "kind": row.kind,
        "state": row.state,
        "recipient": row.recipient,
        "locale": row.locale,
        "due_at": row.due_at.isoformat(),
        "attempts": row.attempts,
        "next_try_at": row.next_try_at.isoformat(),
        "last_error": row.last_error,
        "message_id": row.message_id,
        "occurrence_id": row.occurrence_id,
        "convention_id": row.convention_id,
        "sent_at": row.sent_at.isoformat() if row.sent_at else None,
    }


def _readable(message: object) -> str:
    """Headers decoded, then the plain text part, for a terminal."""

    assert isinstance(message, MailMessage)
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    head = "\n".join(
        f"{name}: {parsed[name]}"
        for name in ("From", "To", "Reply-To", "Subject", "Message-ID", "List-Unsubscribe")
        if parsed[name] is not None
    )
    parts = ", ".join(part.get_content_type() for part in parsed.walk())
    body = parsed.get_body(("plain",))
    text = body.get_content() if body is not None else ""
    return f"{head}\nParts: {parts}\n\n{text}"
