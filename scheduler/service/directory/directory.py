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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.core.kinds import OrganisationRole
from scheduler.core.text import fold
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
from scheduler.service.directory.importing import (
    DirectoryIndex,
    ImportReport,
    Outcome,
    TableCount,
    organisations_named,
    reject_if_any,
    transaction,
    update,
)
from scheduler.store import directory as store
from scheduler.store.models import Contact, Convention, Organisation

__all__ = [
    "CONTACTS",
    "CONVENTIONS",
    "ORGANISATIONS",
    "BuyerSummary",
    "ImportReport",
    "assign_facilitators",
    "import_contacts",
    "import_organisations",
    "list_buyers",
]

ORGANISATIONS = "organisations"
CONVENTIONS = "conventions"
CONTACTS = "contacts"


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
    with transaction(engine, dry_run=dry_run) as session:
        directory = DirectoryIndex.load(session)
        reject_if_any(file, parsed, _organisation_problems(parsed, directory))
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
    with transaction(engine, dry_run=dry_run) as session:
        directory = DirectoryIndex.load(session)
        owners, problems = _resolve_owners(parsed, directory)
        reject_if_any(file, parsed, problems)
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


def _organisation_problems(
    parsed: Rows[OrganisationRow], directory: DirectoryIndex
) -> list[Problem]:
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
                    "identifier_of_other_role",
                    slug=row.slug,
                    role=OrganisationRole(org.role),
                    name=org.name,
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
    directory: DirectoryIndex,
) -> Problem | None:
    stored = directory.contacts.get(contact.email)
    if stored is None or (org is not None and stored.organisation_id == org.id):
        return None
    owner = next(
        (o.name for o in directory.by_slug.values() if o.id == stored.organisation_id), None
    )
    if owner is None:
        return parsed.problem(row.line, "contact_email", "contact_of_guichet", email=contact.email)
    return parsed.problem(
        row.line, "contact_email", "contact_of_other", email=contact.email, owner=owner
    )


class _OrganisationWriter:
    """Writes organisation rows, their conventions and contacts, counting what changes."""

    def __init__(
        self,
        session: Session,
        directory: DirectoryIndex,
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
            self.counts[ORGANISATIONS].add(update(org, values))
        assert org.id is not None
        if row.convention is not None:
            self._convention(org.id, row.convention.start, row.convention.end)
        if row.contact is not None:
            self._contact(org.id, row.contact)

    def _convention(self, organisation_id: int, start: date, end: date) -> None:
        stored = self.directory.conventions.get((organisation_id, start))
        if stored is None:
            convention = Convention(organisation_id=organisation_id, start_date=start, end_date=end)
            self.session.add(convention)
            self.directory.conventions[(organisation_id, start)] = convention
            self.counts[CONVENTIONS].add(Outcome.CREATED)
        else:
            self.counts[CONVENTIONS].add(update(stored, {"end_date": end}))

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
            self.counts[CONTACTS].add(update(stored, values))


def _facilitators_of(
    directory: DirectoryIndex, rows: Sequence[OrganisationRow], facilitators: Sequence[str]
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
    parsed: Rows[ContactRow], directory: DirectoryIndex
) -> tuple[dict[int, int | None], list[Problem]]:
    """Each contact line's organisation id (None for the guichet), and the lines whose
    organisation is unknown or ambiguous."""
    owners: dict[int, int | None] = {}
    problems: list[Problem] = []
    for row in parsed.rows:
        if not row.organisation:
            owners[row.line] = None
            continue
        candidates = organisations_named(directory, row.organisation)
        if len(candidates) == 1:
            owners[row.line] = candidates[0].id
            continue
        if candidates:
            slugs = ", ".join(sorted(org.slug for org in candidates))
            problem = parsed.problem(
                row.line,
                "organisation",
                "several_organisations",
                text=row.organisation,
                slugs=slugs,
            )
        else:
            problem = parsed.problem(
                row.line, "organisation", "unknown_organisation", text=row.organisation
            )
        problems.append(problem)
    return owners, problems


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
    return update(stored, values)


# --- listing ------------------------------------------------------------------------------


def list_buyers(engine: Engine, default_programming_month: int) -> list[BuyerSummary]:
    """Every buyer by name, with its latest convention and how many contacts it has."""
    with Session(engine) as session:
        buyers = store.buyers(session)
        latest: dict[int, Convention] = {}
        for convention in store.conventions(session):
            latest[convention.organisation_id] = convention
        contact_counts = store.contact_counts(session)
    return [
        _summary(
            org,
            latest.get(org.id or 0),
            contact_counts.get(org.id or 0, 0),
            default_programming_month,
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
