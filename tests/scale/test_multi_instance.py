"""Three `rituel outbox send` instances on one PostgreSQL database, 2,000 reminders to one SMTP
server: each delivered exactly once; with one instance killed midway, none lost, and at most
the rows it had in flight delivered twice (bench/multi_instance.py runs 10,000)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import postgres_schema_url
from tests.scale.scenario import run_scenario

MESSAGES = 2_000


@pytest.fixture
def url() -> Iterator[str]:
    yield from postgres_schema_url()


def test_three_instances_deliver_each_message_exactly_once(url: str, tmp_path: Path) -> None:
    outcome = run_scenario(url, tmp_path, messages=MESSAGES, instances=3)
    assert outcome.lost == 0
    assert outcome.strangers == 0
    assert outcome.duplicates == 0
    assert sum(outcome.received.values()) == MESSAGES
    assert outcome.unsent_rows == 0


def test_an_instance_killed_midway_loses_nothing(url: str, tmp_path: Path) -> None:
    outcome = run_scenario(url, tmp_path, messages=MESSAGES, instances=3, kill=True)
    assert outcome.killed_in_flight is not None
    assert outcome.killed_in_flight > 0
    assert outcome.lost == 0
    assert outcome.strangers == 0
    assert outcome.unsent_rows == 0
    assert outcome.duplicates <= outcome.killed_in_flight
