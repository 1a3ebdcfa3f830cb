"""Feed tokens on SQLite and PostgreSQL: random, stored hashed, one live per subscriber."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from scheduler.store import feed_tokens
from scheduler.store.db import open_database, session_scope
from scheduler.store.feed_tokens import Subscriber, SubscriberKind
from scheduler.store.models import FeedToken
from tests.databases import database_url
from tests.world import NOW

BUYER = Subscriber(SubscriberKind.BUYER, "7")
CAMILLE = Subscriber(SubscriberKind.FACILITATOR, "camille")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    for url in database_url(request.param, tmp_path):
        engine = open_database(url)
        try:
            yield engine
        finally:
            engine.dispose()


def mint(engine: Engine, subscriber: Subscriber) -> str:
    with session_scope(engine) as session:
        token, _ = feed_tokens.mint(session, subscriber, NOW)
    return token


def lookup(engine: Engine, token: str) -> feed_tokens.LiveToken | None:
    with engine.connect() as connection:
        return feed_tokens.lookup(connection, token)


def test_a_token_has_at_least_128_random_bits_and_only_its_hash_is_stored(
    engine: Engine,
) -> None:
    token = mint(engine, BUYER)
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert token != mint(engine, CAMILLE)
    with engine.connect() as connection:
        stored = [
            tuple(map(str, row)) for row in connection.execute(text("SELECT * FROM feed_token"))
        ]
    assert not any(token in value for row in stored for value in row)
    assert any(feed_tokens.hash_token(token) in row for row in stored)


def test_lookup_finds_the_subscriber_of_a_live_token_only(engine: Engine) -> None:
    token = mint(engine, BUYER)
    found = lookup(engine, token)
    assert found is not None
    assert found.subscriber == BUYER
    assert lookup(engine, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert lookup(engine, "") is None
    assert lookup(engine, "../../etc/passwd") is None


def test_rotation_revokes_the_old_token(engine: Engine) -> None:
    old = mint(engine, BUYER)
    new = mint(engine, BUYER)
    assert lookup(engine, old) is None
    found = lookup(engine, new)
    assert found is not None
    assert found.subscriber == BUYER


def test_revocation_closes_the_feed(engine: Engine) -> None:
    token = mint(engine, CAMILLE)
    with session_scope(engine) as session:
        assert feed_tokens.revoke(session, CAMILLE, NOW) is not None
        assert feed_tokens.revoke(session, CAMILLE, NOW) is None
    assert lookup(engine, token) is None


def test_the_database_refuses_two_live_tokens_for_one_subscriber(engine: Engine) -> None:
    mint(engine, BUYER)
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(
            FeedToken(
                subscriber_kind=BUYER.kind.value,
                subscriber_ref=BUYER.ref,
                token_hash="f" * 64,
                created_at=NOW,
            )
        )


def test_right_wrong_and_revoked_tokens_take_the_same_steps(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = mint(engine, BUYER)
    revoked = mint(engine, CAMILLE)
    with session_scope(engine) as session:
        feed_tokens.revoke(session, CAMILLE, NOW)
    steps: list[str] = []
    real_hash: Callable[[str], str] = feed_tokens.hash_token
    real_compare = hmac.compare_digest

    def hash_token(token: str) -> str:
        steps.append("hash")
        return real_hash(token)

    def compare_digest(a: str, b: str) -> bool:
        steps.append("compare")
        return real_compare(a, b)

    monkeypatch.setattr(feed_tokens, "hash_token", hash_token)
    monkeypatch.setattr(feed_tokens.hmac, "compare_digest", compare_digest)
    for token in (live, "wrong-token", revoked):
        steps.clear()
        lookup(engine, token)
        assert steps == ["hash", "compare"], token
