"""Paging the workspace's lists: a page of rows and how long the whole list is, counted in the
same statement; and the LIKE pattern its searches use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.sql import Select
from sqlmodel import Session

T = TypeVar("T")
Query = Select[*tuple[Any, ...]]
"""A SELECT still being narrowed."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list, and how long the list is."""

    rows: tuple[T, ...]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least one)."""
        return max(1, -(-self.total // self.size))


def with_total(
    session: Session, query: Query, limit: int, offset: int = 0
) -> tuple[list[tuple[Any, ...]], int]:
    """A page of `query`'s rows and how many rows the whole query has, in one statement (a
    window count); a second one only for a page past the end."""
    rows = session.execute(
        query.add_columns(func.count().over().label("rows_in_all")).limit(limit).offset(offset)
    ).all()
    if rows:
        return [tuple(row)[:-1] for row in rows], int(rows[0][-1])
    if offset == 0:
        return [], 0
    return [], int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def like(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, its `%`, `_` and `\\` taken literally (with
    `escape="\\"`)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
