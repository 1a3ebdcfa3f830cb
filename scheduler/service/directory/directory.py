"""The directory: buyers, suppliers, partners and their contacts, imported from spreadsheets.

An import reads the file (scheduler.imports), looks for the problems only the database can reveal
(an organisation that does not exist, an identifier another role already uses), and rejects the
whole file if anything is wrong. Otherwise it diffs each row with what is stored and writes the
differences in one transaction. A dry run takes the same steps and rolls the transaction back, so
it reports exactly what a real run would change. An empty cell never erases a stored value, and
importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from scheduler.core.kinds import OrganisationRole
from scheduler.core.text import fold, slugify
from scheduler.errors import InputError
from scheduler.imports.reading import Problem
from scheduler.imports.rows import (
    ContactRow,
    OrganisationContact,
    OrganisationRow,
    Rows,
    parse_contacts,
    parse_organisations,
)
from scheduler.service import wake
from scheduler.store.models import Contact, Convention, Organisation

ORGANISATIONS = "organisations"
CONVENTIONS = "conventions"
CONTACTS = "contacts"


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


@dataclass(frozen=True)
class BuyerSummary:
    """One line of `rituel buyers list`."""

    slug: str
    name: str
    kind: str
    territory: str
    facilitator: str | None
    programming_month: int
    programming_month_is_default: bool
    convention_start: date | None
    convention_end: date | None
    contacts: int


# --- importing ----------------------------------------------------------------------------


def import_organisations(
    engine: Engine,
    data: bytes,
    *,
    file: str,
    role: OrganisationRole,
    facilitators: Sequence[str] = (),
    dry_run: bool = False,
) -> ImportReport:
    """Import a buyers, suppliers or partners file; `facilitators` are the configured ids, in
    the configuration's order (buyers without one go to the least busy)."""
    parsed = parse_organisations(data, role, facilitators)
    with _transaction(engine, dry_run=dry_run) as session:
        directory = _Directory.load(session)
        _reject_if_any(file, parsed, _organisation_problems(parsed, directory))
        writer = _OrganisationWriter(session, directory, parsed.rows, facilitators)
        for row in parsed.rows:
            writer.write(row)
        wake.on_commit(session, "import")
    return ImportReport(
        file=file,
        rows=len(parsed.rows),
        dry_run=dry_run,
        counts=writer.counts,
        ignored_columns=parsed.ignored_columns,
        assigned=writer.assigned,
    )


def import_contacts(
    engine: Engine, data: bytes, *, file: str, dry_run: bool = False
) -> ImportReport:
    """Import a contacts file; each names its organisation by slug or name, or none for the
    guichet's own people."""
    parsed = parse_contacts(data)
    counts = {CONTACTS: TableCount()}
    with _transaction(engine, dry_run=dry_run) as session:
        directory = _Directory.load(session)
        owners, problems = _resolve_owners(parsed, directory)
        _reject_if_any(file, parsed, problems)
        for row in parsed.rows:
            contact = directory.contacts.get(row.email)
            outcome = _write_contact(session, contact, row, owners[row.line])
            counts[CONTACTS].add(outcome)
        wake.on_commit(session, "import")
    return ImportReport(
        file=file,
        rows=len(parsed.rows),
        dry_run=dry_run,
        counts=counts,
        ignored_columns=parsed.ignored_columns,
    )


@contextmanager
def _transaction(engine: Engine, *, dry_run: bool) -> Iterator[Session]:
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


def _reject_if_any(file: str, parsed: Rows[Any], more: Sequence[Problem]) -> None:
    """Raise one InputError listing every problem of the file, if it has any."""
    problems = parsed.ordered([*parsed.problems, *more])
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise InputError(
            f"{file}: {count}; nothing was imported",
            problems=[problem.describe(file) for problem in problems],
        )


@dataclass
class _Directory:
    """What is stored, indexed the ways a file refers to it."""

    by_slug: dict[str, Organisation]
    contacts: dict[str, Contact]
    conventions: dict[tuple[int, date], Convention]
    by_name: dict[str, list[Organisation]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> _Directory:
        """Read every organisation, contact and convention once."""
        directory = cls(
            by_slug={},
            contacts={c.email.lower(): c for c in session.exec(select(Contact))},
            conventions={
                (c.organisation_id, c.start_date): c for c in session.exec(select(Convention))
            },
        )
        for org in session.exec(select(Organisation).order_by(col(Organisation.slug))):
            directory.add(org)
        return directory

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


def _organisation_problems(parsed: Rows[OrganisationRow], directory: _Directory) -> list[Problem]:
    """What the database forbids: an identifier of another role, a contact of someone else."""
    problems: list[Problem] = []
    for row in parsed.rows:
        org = directory.find(row)
        if org is not None and org.role != row.role:
            column = "slug" if row.slug_given else "name"
            problems.append(
                parsed.problem(
                    row.line,
                    column,
                    f"the identifier {row.slug!r} is already the {OrganisationRole(org.role)} "
                    f"{org.name!r}; "
                    "give this one its own slug",
                )
            )
        if row.contact is not None:
            problem = _contact_taken(parsed, row, row.contact, org, directory)
            if problem is not None:
                problems.append(problem)
    return problems


def _contact_taken(
    parsed: Rows[OrganisationRow],
    row: OrganisationRow,
    contact: OrganisationContact,
    org: Organisation | None,
    directory: _Directory,
) -> Problem | None:
    stored = directory.contacts.get(contact.email)
    if stored is None or (org is not None and stored.organisation_id == org.id):
        return None
    owner = next(
        (repr(o.name) for o in directory.by_slug.values() if o.id == stored.organisation_id),
        "the guichet",
    )
    return parsed.problem(
        row.line, "contact_email", f"{contact.email!r} is already a contact of {owner}"
    )


class _OrganisationWriter:
    """Writes organisation rows, their conventions and contacts, counting what changes."""

    def __init__(
        self,
        session: Session,
        directory: _Directory,
        rows: Sequence[OrganisationRow],
        facilitators: Sequence[str],
    ) -> None:
        self.session = session
        self.directory = directory
        self.counts = {
            ORGANISATIONS: TableCount(),
            CONVENTIONS: TableCount(),
            CONTACTS: TableCount(),
        }
        self.facilitators, self.assigned = _facilitators_of(directory, rows, facilitators)

    def write(self, row: OrganisationRow) -> None:
        """Create or update the row's organisation, then its convention and contact."""
        org = self.directory.find(row)
        values: dict[str, Any] = {"name": row.name, "kind": row.kind}
        if row.territory is not None:
            values["territory"] = row.territory
        if row.article is not None:
            values["article"] = row.article
        if row.programming_month is not None:
            values["programming_month"] = row.programming_month
        if row.role == OrganisationRole.BUYER:
            values["facilitator_id"] = self.facilitators[row.slug]
        if org is None:
            org = Organisation(slug=row.slug, role=row.role, **values)
            self.session.add(org)
            self.session.flush()
            self.directory.add(org)
            self.counts[ORGANISATIONS].add(Outcome.CREATED)
        else:
            self.counts[ORGANISATIONS].add(_update(org, values))
        assert org.id is not None
        if row.convention is not None:
            self._convention(org.id, row.convention.start, row.convention.end)
        if row.contact is not None:
            self._contact(org.id, row.contact)

    def _convention(self, organisation_id: int, start: date, end: date) -> None:
        stored = self.directory.conventions.get((organisation_id, start))
        if stored is None:
            convention = Convention(
                organisation_id=organisation_id, start_date=start, end_date=end, status="active"
            )
            self.session.add(convention)
            self.directory.conventions[(organisation_id, start)] = convention
            self.counts[CONVENTIONS].add(Outcome.CREATED)
        else:
            self.counts[CONVENTIONS].add(_update(stored, {"end_date": end}))

    def _contact(self, organisation_id: int, person: OrganisationContact) -> None:
        stored = self.directory.contacts.get(person.email)
        values: dict[str, Any] = {"name": person.name}
        if person.job is not None:
            values["job"] = person.job
        if stored is None:
            contact = Contact(organisation_id=organisation_id, email=person.email, **values)
            self.session.add(contact)
            self.directory.contacts[person.email] = contact
            self.counts[CONTACTS].add(Outcome.CREATED)
        else:
            self.counts[CONTACTS].add(_update(stored, values))


def _facilitators_of(
    directory: _Directory, rows: Sequence[OrganisationRow], facilitators: Sequence[str]
) -> tuple[dict[str, str | None], dict[str, str]]:
    """Each buyer row's facilitator (by slug), and those this import chose itself."""
    buyers = [row for row in rows if row.role == OrganisationRole.BUYER]
    stored = {row.slug: directory.find(row) for row in buyers}
    touched = {org.id for org in stored.values() if org is not None}
    others = Counter(
        org.facilitator_id
        for org in directory.by_slug.values()
        if org.role == OrganisationRole.BUYER and org.facilitator_id and org.id not in touched
    )
    wanted = [
        (row.slug, row.facilitator or (org.facilitator_id if (org := stored[row.slug]) else None))
        for row in buyers
    ]
    chosen = assign_facilitators(wanted, others, facilitators)
    assigned = {
        slug: facilitator
        for slug, given in wanted
        if given is None and (facilitator := chosen[slug]) is not None
    }
    return chosen, assigned


def assign_facilitators(
    wanted: Sequence[tuple[str, str | None]],
    other_loads: Mapping[str, int],
    facilitators: Sequence[str],
) -> dict[str, str | None]:
    """Give each buyer without a facilitator the least busy one, ties going to the first in the
    configuration; `wanted` is (slug, facilitator or None) in file order, `other_loads` counts
    the buyers of each facilitator that `wanted` does not list. Deterministic: buyers that
    already have one are counted first, then the others are placed one by one in file order."""
    loads = Counter(other_loads)
    loads.update(facilitator for _, facilitator in wanted if facilitator is not None)
    rank = {facilitator: index for index, facilitator in enumerate(facilitators)}
    chosen: dict[str, str | None] = {}
    for slug, facilitator in wanted:
        if facilitator is None and facilitators:
            facilitator = min(facilitators, key=lambda f: (loads[f], rank[f]))
            loads[facilitator] += 1
        chosen[slug] = facilitator
    return chosen


def _resolve_owners(
    parsed: Rows[ContactRow], directory: _Directory
) -> tuple[dict[int, int | None], list[Problem]]:
    """Each contact line's organisation id (None for the guichet), and the lines whose
    organisation is unknown or ambiguous."""
    owners: dict[int, int | None] = {}
    problems: list[Problem] = []
    for row in parsed.rows:
        if not row.organisation:
            owners[row.line] = None
            continue
        candidates = _organisations_named(directory, row.organisation)
        if len(candidates) == 1:
            owners[row.line] = candidates[0].id
            continue
        if candidates:
            slugs = ", ".join(sorted(org.slug for org in candidates))
            message = f"{row.organisation!r} names several organisations ({slugs}); give the slug"
        else:
            message = f"{row.organisation!r} is not a known organisation (import it first)"
        problems.append(parsed.problem(row.line, "organisation", message))
    return owners, problems


def _organisations_named(directory: _Directory, reference: str) -> list[Organisation]:
    """What a contact's organisation cell may mean: a slug, else a name, else a name written
    with other punctuation ('Ville-de-Lisière' for 'Ville de Lisière')."""
    if reference in directory.by_slug:
        return [directory.by_slug[reference]]
    named = directory.named(reference)
    if not named and slugify(reference) in directory.by_slug:
        return [directory.by_slug[slugify(reference)]]
    return named


def _write_contact(
    session: Session, stored: Contact | None, row: ContactRow, organisation_id: int | None
) -> Outcome:
    values: dict[str, Any] = {"name": row.name, "organisation_id": organisation_id}
    if row.job is not None:
        values["job"] = row.job
    if row.locale is not None:
        values["locale"] = row.locale
    if row.kinds is not None:
        values["kinds"] = ",".join(kind.value for kind in row.kinds)
    if stored is None:
        session.add(Contact(email=row.email, **values))
        return Outcome.CREATED
    return _update(stored, values)


def _update(stored: Any, values: Mapping[str, Any]) -> Outcome:
    """Set the values that differ; say whether anything did."""
    changed = {key: value for key, value in values.items() if getattr(stored, key) != value}
    for key, value in changed.items():
        setattr(stored, key, value)
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


# --- listing ------------------------------------------------------------------------------


def list_buyers(engine: Engine, default_programming_month: int) -> list[BuyerSummary]:
    """Every buyer by name, with its latest convention and how many contacts it has."""
    with Session(engine) as session:
        buyers = session.exec(
            select(Organisation).where(Organisation.role == OrganisationRole.BUYER)
        ).all()
        latest: dict[int, Convention] = {}
        for convention in session.exec(select(Convention).order_by(col(Convention.start_date))):
            latest[convention.organisation_id] = convention
        contact_counts = dict(
            session.exec(
                select(Contact.organisation_id, func.count())
                .where(col(Contact.organisation_id).is_not(None))
                .group_by(col(Contact.organisation_id))
            ).all()
        )
    return [
        _summary(
            org, latest.get(org.id or 0), contact_counts.get(org.id, 0), default_programming_month
        )
        for org in sorted(buyers, key=lambda org: (fold(org.name), org.slug))
    ]


def _summary(
    org: Organisation, convention: Convention | None, contacts: int, default_month: int
) -> BuyerSummary:
    return BuyerSummary(
        slug=org.slug,
        name=org.name,
        kind=org.kind,
        territory=org.territory,
        facilitator=org.facilitator_id,
        programming_month=org.programming_month or default_month,
        programming_month_is_default=org.programming_month is None,
        convention_start=convention.start_date if convention else None,
        convention_end=convention.end_date if convention else None,
        contacts=contacts,
    )
