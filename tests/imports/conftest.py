"""Import tests: CSV files built as a spreadsheet user would save them, and a real database
(a SQLite file always, PostgreSQL where one runs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from scheduler.store.db import open_database
from tests.databases import database_url

DEMO = Path(__file__).resolve().parents[2] / "demo"


def csv_file(*lines: str, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    """The bytes of a CSV file whose lines are written with `;` and re-joined with `delimiter`."""
    text = "\r\n".join(line.replace(";", delimiter) for line in lines) + "\r\n"
    return text.encode(encoding)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh migrated database of each kind."""
    for url in database_url(request.param, tmp_path):
        engine = open_database(url)
        try:
            yield engine
        finally:
            engine.dispose()
