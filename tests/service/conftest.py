"""Service tests run on SQLite always and on PostgreSQL where one runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from scheduler.config import Settings
from tests.databases import database_url
from tests.factories import settings_in

Store = Callable[[str], tuple[Settings, Engine]]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Builds settings (with extra TOML) on a fresh migrated database of each kind."""
    engines: list[Engine] = []
    for url in database_url(request.param, tmp_path):

        def build(extra: str = "", url: str = url) -> tuple[Settings, Engine]:
            settings, engine = settings_in(tmp_path, extra, url=url)
            engines.append(engine)
            return settings, engine

        try:
            yield build
        finally:
            for engine in engines:
                engine.dispose()
