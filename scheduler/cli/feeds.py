"""`rituel feeds export|links|rotate|revoke` and `rituel serve`.

Feed tokens are stored hashed, so a link can be printed only when its token is minted:
`feeds links` mints a token for every subscriber that has none and prints those links once;
`feeds rotate WHO` mints a new one (the old URL answers 404 from then on) and prints it.
"""

from __future__ import annotations

import json
from enum import StrEnum
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
from scheduler.service.publish.feeds import (
    ExportReport,
    FeedLink,
    Issued,
    export_feeds,
    issue_links,
    plain_http_outside_localhost,
    public_link,
    revoke,
    rotate,
)
from scheduler.store.feed_tokens import SubscriberKind

feeds_app = typer.Typer(
    name="feeds",
    help="Calendar feeds: export the files, hand out and rotate the private links.",
    no_args_is_help=True,
)
app.add_typer(feeds_app, name="feeds")


class KindChoice(StrEnum):
    """Which subscribers `feeds links` covers."""

    BUYER = "buyer"
    FACILITATOR = "facilitator"
    CONTACT = "contact"


WhoArgument = Annotated[
    str,
    typer.Argument(
        help="A buyer slug, a facilitator id or a contact's address "
        "(prefix buyer:, facilitator: or contact: when ambiguous).",
        show_default=False,
    ),
]


@feeds_app.command("export")
def export_command(config: ConfigOption = None, now: NowOption = None) -> None:
    """Write the public feed and every private feed under the feeds folder (atomically; only
    the files whose bytes change)."""
    ctx = open_context(config, now)
    report = export_feeds(ctx.settings, ctx.engine, ctx.now())
    _print_export(report)


@feeds_app.command("links")
def links_command(
    who: Annotated[
        list[str] | None,
        typer.Argument(help="Only these subscribers (default: all).", show_default=False),
    ] = None,
    kind: Annotated[
        list[KindChoice] | None,
        typer.Option("--kind", help="Only subscribers of this kind (repeatable)."),
    ] = None,
    config: ConfigOption = None,
    now: NowOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print each subscriber's links (https:// and webcal://), minting a token for those that
    have none. A link is shown only when minted: copy it then."""
    ctx = open_context(config, now)
    kinds = [SubscriberKind(k.value) for k in kind or []]
    issued = issue_links(ctx.settings, ctx.engine, ctx.now(), who=who or [], kinds=kinds)
    links = issued.links
    http, webcal = public_link(ctx.settings)
    if as_json:
        payload = {
            "public": {"http": http, "webcal": webcal},
            "subscribers": [_link_json(link) for link in links],
        }
        console.print_json(json.dumps(payload, ensure_ascii=False))
        _fail_if_unpublished(issued)
        return
    _warn_plain_http(ctx.settings.feeds.base_url)
    _say(f"public territory feed\n  {http}\n  {webcal}")
    for link in links:
        if link.minted:
            _say(f"{link.label} (new)\n  {link.http}\n  {link.webcal}")
        else:
            day = link.issued_at.date().isoformat() if link.issued_at else "?"
            _say(
                f"{link.label}: link issued on {day}, shown only then "
                "(`rituel feeds rotate` makes a new one)"
            )
    minted = sum(link.minted for link in links)
    _say(f"{minted} new link(s); copy them now, they are not stored.")
    _fail_if_unpublished(issued)


@feeds_app.command("rotate")
def rotate_command(
    who: WhoArgument,
    config: ConfigOption = None,
    now: NowOption = None,
    as_json: JsonOption = False,
) -> None:
    """Mint a new token for WHO and print its links; the old URL answers 404 from now on."""
    ctx = open_context(config, now)
    issued = rotate(ctx.settings, ctx.engine, who, ctx.now())
    (link,) = issued.links
    if as_json:
        console.print_json(json.dumps(_link_json(link), ensure_ascii=False))
        _fail_if_unpublished(issued)
        return
    _warn_plain_http(ctx.settings.feeds.base_url)
    _say(f"{link.label} (new)\n  {link.http}\n  {link.webcal}")
    _say("The previous link no longer opens this feed.")
    _fail_if_unpublished(issued)


@feeds_app.command("revoke")
def revoke_command(who: WhoArgument, config: ConfigOption = None, now: NowOption = None) -> None:
    """Close WHO's private feed: its URL answers 404 and its file is removed."""
    ctx = open_context(config, now)
    revoked = revoke(ctx.settings, ctx.engine, who, ctx.now())
    if revoked is None:
        _say(f"{who} had no feed link; nothing to revoke.")
    else:
        _say(f"{who}: feed link revoked.")


@app.command()
def serve(
    config: ConfigOption = None,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default: [web] host).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: [web] port).")] = None,
    now: NowOption = None,
) -> None:
    """Serve the feeds, the token pages and the workspace over HTTP (and /healthz) until
    interrupted; no planning, no mail (but sign-in links)."""
    import uvicorn

    from scheduler.web import create_app

    ctx = open_context(config, now)
    web = ctx.settings.web
    # No access log: the path of a private feed (and of a sign-in link) carries its token.
    uvicorn.run(
        create_app(ctx.settings, ctx.engine, clock=ctx.clock),
        host=host or web.host,
        port=port if port is not None else web.port,
        access_log=False,
        log_level="info",
        lifespan="off",
    )


def _print_export(report: ExportReport) -> None:
    table = Table("file", "state")
    for name in report.written:
        table.add_row(name, "written")
    for name in report.removed:
        table.add_row(name, "removed")
    if report.written or report.removed:
        console.print(table)
    _say(
        f"Feeds in {report.folder}: {len(report.written)} written, {report.unchanged} unchanged, "
        f"{len(report.removed)} removed; {report.events} events in all."
    )


def _say(text: str) -> None:
    """One message, never wrapped (links must stay copyable) nor styled."""
    console.print(text, highlight=False, markup=False, soft_wrap=True)


def _fail_if_unpublished(issued: Issued) -> None:
    """After the links are printed: say in one line why the feeds were not written, exit 1."""
    if issued.unpublished is None:
        return
    err_console.print(
        f"rituel: {issued.unpublished}; the links above are valid and kept: "
        "fix this, then run `rituel feeds export`",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    raise typer.Exit(1)


def _warn_plain_http(base_url: str) -> None:
    if plain_http_outside_localhost(base_url):
        err_console.print(
            f"warning: [feeds] base_url {base_url} is plain http outside this machine; "
            "tokens would travel in clear. Put rituel behind https.",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


def _link_json(link: FeedLink) -> dict[str, str | bool | None]:
    return {
        "subscriber": link.label,
        "minted": link.minted,
        "http": link.http,
        "webcal": link.webcal,
        "issued_at": link.issued_at.isoformat() if link.issued_at else None,
    }
