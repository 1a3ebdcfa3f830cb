"""Feeds over real HTTP: uvicorn on a free port, fetched with httpx."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from scheduler.core.kinds import RitualKind
from scheduler.service.publish.feeds import export_feeds, issue_links, rotate
from scheduler.store import feed_tokens
from scheduler.web import create_app
from tests.conftest import IcsCheck
from tests.feed_factories import NOW, World, at, make_world, properties
from tests.web_server import serving


def web_app(world: World) -> Starlette:
    """The web app over the test world's database and feeds."""
    return create_app(world.settings, world.engine)


@pytest.fixture
def world(tmp_path: Path) -> World:
    world = make_world(tmp_path)
    buyer = world.buyer("ville-a", "Ville A")
    world.occurrence(RitualKind.PROGRAMMING_REVIEW, at("2027-09-07 10:00"), buyer=buyer)
    world.occurrence(RitualKind.BUYER_CLUB, at("2027-03-11 09:30"))
    return world


def token_of(link: str | None) -> str:
    assert link is not None
    return link.rsplit("/", 1)[1].removesuffix(".ics")


def test_a_feed_is_served_then_revalidated_with_304(
    world: World, tmp_path: Path, ics_check: IcsCheck
) -> None:
    (link,) = issue_links(world.settings, world.engine, NOW, who=["ville-a"]).links
    token = token_of(link.http)
    with (
        serving(create_app(world.settings, world.engine)) as base,
        httpx.Client(base_url=base) as client,
    ):
        first = client.get(f"/feeds/{token}.ics")
        assert first.status_code == 200
        assert first.headers["content-type"] == "text/calendar; charset=utf-8"
        assert "content-disposition" not in first.headers
        etag = first.headers["etag"]
        assert etag.startswith('"')
        assert not etag.startswith("W/")
        assert first.headers["last-modified"].endswith(" GMT")
        assert "no-cache" in first.headers["cache-control"]
        path = tmp_path / "served.ics"
        path.write_bytes(first.content)
        ics_check(path)
        assert properties(first.content, "X-WR-CALNAME") == [
            "X-WR-CALNAME:Clause sociale — Ville A"
        ]

        again = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["last-modified"] == first.headers["last-modified"]

        since = client.get(
            f"/feeds/{token}.ics", headers={"If-Modified-Since": first.headers["last-modified"]}
        )
        assert since.status_code == 304

        world.occurrence(RitualKind.STEERING_COMMITTEE, at("2027-06-08 14:00"))
        export_feeds(world.settings, world.engine, NOW)
        changed = client.get(f"/feeds/{token}.ics", headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.headers["etag"] != etag
        assert "Comité de pilotage du dispositif clause sociale".encode() in changed.content


def test_rotation_makes_the_old_url_404(world: World) -> None:
    (link,) = issue_links(world.settings, world.engine, NOW, who=["ville-a"]).links
    old = token_of(link.http)
    with (
        serving(create_app(world.settings, world.engine)) as base,
        httpx.Client(base_url=base) as client,
    ):
        assert client.get(f"/feeds/{old}.ics").status_code == 200
        new = token_of(rotate(world.settings, world.engine, "ville-a", NOW).links[0].http)
        gone = client.get(f"/feeds/{old}.ics")
        assert gone.status_code == 404
        assert gone.text == "Not Found"
        assert client.get(f"/feeds/{new}.ics").status_code == 200


def test_wrong_tokens_get_a_404_that_says_nothing_more(world: World) -> None:
    issue_links(world.settings, world.engine, NOW, who=["ville-a"])
    with (
        serving(create_app(world.settings, world.engine)) as base,
        httpx.Client(base_url=base) as client,
    ):
        answers = [
            client.get(path)
            for path in (
                "/feeds/wrong.ics",
                "/feeds/" + "A" * 43 + ".ics",
                "/feeds/..%2F..%2Fterritoire.ics",
                "/feeds/.ics",
                "/nothing-here",
            )
        ]
    for answer in answers:
        assert answer.status_code == 404
        assert answer.text == "Not Found"
        assert "etag" not in answer.headers


def test_right_and_wrong_tokens_go_through_the_same_lookup(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    (link,) = issue_links(world.settings, world.engine, NOW, who=["ville-a"]).links
    seen: list[tuple[str, bool]] = []
    real_lookup = feed_tokens.lookup

    def lookup(connection: object, token: str) -> feed_tokens.LiveToken | None:
        found = real_lookup(connection, token)  # type: ignore[arg-type]
        seen.append((token, found is not None))
        return found

    monkeypatch.setattr(feed_tokens, "lookup", lookup)
    right = token_of(link.http)
    with (
        serving(create_app(world.settings, world.engine)) as base,
        httpx.Client(base_url=base) as client,
    ):
        assert client.get(f"/feeds/{right}.ics").status_code == 200
        assert client.get("/feeds/not-the-token.ics").status_code == 404
    assert seen == [(right, True), ("not-the-token", False)]


def test_the_public_feed_and_health(world: World) -> None:
    export_feeds(world.settings, world.engine, NOW)
    with (
        serving(create_app(world.settings, world.engine)) as base,
        httpx.Client(base_url=base) as client,
    ):
        public = client.get("/territoire.ics")
        assert public.status_code == 200
        assert public.headers["content-type"] == "text/calendar; charset=utf-8"
        assert b"Ville A" not in public.content
        revalidated = client.get(
            "/territoire.ics", headers={"If-None-Match": public.headers["etag"]}
        )
        assert revalidated.status_code == 304
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "ok"}
