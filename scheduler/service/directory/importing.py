"""What every import into the directory shares: one transaction, committed at the end or rolled
back (on error, and in a dry run); the whole file refused at the first problem; counts of what
changed; and the stored directory, read once and indexed the ways a file names things."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.core.kinds import OrganisationRole
from scheduler.core.text import fold, slugify
from scheduler.errors import InputError
from scheduler.imports.reading import Problem
from scheduler.imports.rows import OrganisationRow, Rows
from scheduler.store import directory as store
from scheduler.store.models import Contact, Convention, Organisation


class Outcome(StrEnum):
    """What an import did to one stored thing."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class TableCount:
    """How many things of one table an import created, updated or left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: Outcome) -> None:
        """Count one more thing."""
        setattr(self, outcome.value, getattr(self, outcome.value) + 1)


@dataclass(frozen=True)
class ImportReport:
    """What an import changed (or, in a dry run, would change)."""

    file: str
    rows: int
    dry_run: bool
    counts: Mapping[str, TableCount]
    ignored_columns: tuple[str, ...] = ()
    assigned: Mapping[str, str] = field(default_factory=dict)
    """Buyer slug → the facilitator this import gave them."""

    @property
    def changed(self) -> bool:
        """Whether anything was (or would be) created or updated."""
        return any(count.created or count.updated for count in self.counts.values())


@contextmanager
def transaction(engine: Engine, *, dry_run: bool) -> Iterator[Session]:
    """One transaction, committed at the end, or rolled back on error or in a dry run."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.flush()
        except BaseException:
            session.rollback()
            raise
        if dry_run:
            session.rollback()
        else:
            session.commit()


class FileRefused(InputError):
    """A file refused whole: `found` holds its problems as values (line, column, what is wrong
    by key, scheduler.imports.wording) for a reader that words them its own way; `problems`
    are the CLI's English lines."""

    def __init__(self, file: str, found: Sequence[Problem]) -> None:
        count = f"{len(found)} problem{'s' if len(found) > 1 else ''}"
        super().__init__(
            f"{file}: {count}; nothing was imported",
            problems=[problem.describe(file) for problem in found],
        )
        self.found = tuple(found)


def reject_if_any(file: str, parsed: Rows[Any], more: Sequence[Problem]) -> None:
    """Raise one FileRefused listing every problem of the file, if it has any."""
    problems = parsed.ordered([*parsed.problems, *more])
    if problems:
        raise FileRefused(file, problems)


@dataclass
class DirectoryIndex:
    """What is stored, indexed the ways a file refers to it."""

    by_slug: dict[str, Organisation]
    contacts: dict[str, Contact]
    conventions: dict[tuple[int, date], Convention]
    by_name: dict[str, list[Organisation]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> DirectoryIndex:
        """Read every organisation, contact and convention once."""
        index = cls(
            by_slug={},
            contacts={c.email.lower(): c for c in store.contacts(session)},
            conventions={(c.organisation_id, c.start_date): c for c in store.conventions(session)},
        )
        for org in store.organisations(session):
            index.add(org)
        return index

    def add(self, org: Organisation) -> None:
        """Index an organisation read or created."""
        self.by_slug[org.slug] = org
        self.by_name.setdefault(fold(org.name), []).append(org)

    def named(self, name: str, role: OrganisationRole | None = None) -> list[Organisation]:
        """The organisations (of `role`, when given) whose name folds to the same text."""
        same = self.by_name.get(fold(name), [])
        return [org for org in same if role is None or org.role == role]

    def find(self, row: OrganisationRow) -> Organisation | None:
        """The stored organisation a row describes: by slug, else (no slug given) by name."""
        found = self.by_slug.get(row.slug)
        if found is not None or row.slug_given:
            return found
        same_name = self.named(row.name, row.role)
        return same_name[0] if len(same_name) == 1 else None


def organisations_named(directory: DirectoryIndex, reference: str) -> list[Organisation]:
    """What a contact's organisation cell may mean: a slug, else a name, else a name written
    with other punctuation ('Ville-de-Lisière' for 'Ville de Lisière')."""
    if reference in directory.by_slug:
        return [directory.by_slug[reference]]
    named = directory.named(reference)
    if not named and slugify(reference) in directory.by_slug:
        return [directory.by_slug[slugify(reference)]]
    return named


def update(stored: Any, values: Mapping[str, Any]) -> Outcome:
    """Set the values that differ; say whether anything did."""
    changed = {key: value for key, value in values.items() if getattr(stored, key) != value}
    for key, value in changed.items():
        setattr(stored, key, value)
    return Outcome.UPDATED if changed else Outcome.UNCHANGED
