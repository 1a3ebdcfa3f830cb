"""The scheme's results per buyer and year (`rituel import results FILE`), for the report.

Same contract as the directory's imports: the file is read (scheduler.imports.results), each
line's buyer is found by slug or name, and the whole file is refused if anything is wrong. A
buyer's year already stored is replaced by the file's figures, so importing the monitoring
tool's export again after a correction mends it; the same file twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from scheduler.core.kinds import OrganisationRole
from scheduler.imports.reading import Problem
from scheduler.imports.results import ResultRow, parse_results
from scheduler.imports.rows import Rows
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
from scheduler.store.models import YearResult

RESULTS = "results"


def import_results(
    engine: Engine, data: bytes, *, file: str, now: datetime, dry_run: bool = False
) -> ImportReport:
    """Import a results file: one line per buyer and year."""
    parsed = parse_results(data)
    counts = {RESULTS: TableCount()}
    with transaction(engine, dry_run=dry_run) as session:
        directory = DirectoryIndex.load(session)
        buyers, problems = _resolve_buyers(parsed, directory)
        reject_if_any(file, parsed, problems)
        results = store.year_results(session)
        for row in parsed.rows:
            values: dict[str, Any] = {
                "contracts": row.contracts,
                "insertion_hours": row.insertion_hours,
                "participants": row.participants,
                "companies": row.companies,
            }
            found = results.get((buyers[row.line], row.year))
            if found is None:
                session.add(
                    YearResult(
                        organisation_id=buyers[row.line], year=row.year, imported_at=now, **values
                    )
                )
                counts[RESULTS].add(Outcome.CREATED)
                continue
            outcome = update(found, values)
            if outcome is Outcome.UPDATED:
                found.imported_at = now
            counts[RESULTS].add(outcome)
    return ImportReport(
        file=file,
        rows=len(parsed.rows),
        dry_run=dry_run,
        counts=counts,
        ignored_columns=parsed.ignored_columns,
    )


def _resolve_buyers(
    parsed: Rows[ResultRow], directory: DirectoryIndex
) -> tuple[dict[int, int], list[Problem]]:
    """Each line's buyer id, and the lines whose buyer is unknown, ambiguous or no buyer."""
    buyers: dict[int, int] = {}
    problems: list[Problem] = []
    for row in parsed.rows:
        found = organisations_named(directory, row.buyer)
        named = [org for org in found if org.role == OrganisationRole.BUYER]
        if len(named) == 1 and named[0].id is not None:
            buyers[row.line] = named[0].id
            continue
        if len(named) > 1:
            slugs = ", ".join(sorted(org.slug for org in named))
            problem = parsed.problem(
                row.line, "buyer", "several_buyers", text=row.buyer, slugs=slugs
            )
        elif found:
            role = OrganisationRole(found[0].role)
            problem = parsed.problem(row.line, "buyer", "not_a_buyer", text=row.buyer, role=role)
        else:
            problem = parsed.problem(row.line, "buyer", "unknown_buyer", text=row.buyer)
        problems.append(problem)
    return buyers, problems
