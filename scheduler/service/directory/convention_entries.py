"""One partnership convention of a buyer created or edited by hand (the workspace's form): its
dates, status, financial participation (yes or no, and how much), confidentiality, commitments,
the reference of the signed document and how it is renewed. The dates follow the import's rules
(scheduler.imports.values: `2027-03-15` or `15/03/2027`, the end after the start); a buyer has
one convention starting on a given day. A problem is named per field and nothing is written
while one remains. Two facilitators editing the same convention: the form carries the
fingerprint of what it showed, and a save over a convention changed since is refused
(ConflictError). Every save writes the journal, on the buyer's page, in the same transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.core.kinds import ConventionRenewal, ConventionStatus, OrganisationRole
from scheduler.errors import ConflictError, NotFoundError
from scheduler.imports.values import parse_date, parse_euros, parse_long_text, parse_text
from scheduler.service import wake
from scheduler.service.directory.entries import Checked, EntryProblems, edit_row
from scheduler.store import journal
from scheduler.store.db import read_session, session_scope
from scheduler.store.directory_entries import (
    convention_for_change,
    convention_of,
    convention_starting,
    organisation_with_slug,
)
from scheduler.store.models import Convention

COMMITMENTS_LIMIT = 4000
REFERENCE_LIMIT = 200
JOURNAL_TEXT_LIMIT = 300
"""The journal keeps the start of a long text: the entry must stay a readable line."""


@dataclass(frozen=True, slots=True)
class ConventionEntry:
    """What the convention form sends, as typed."""

    start: str
    end: str
    signed_on: str = ""
    status: str = ConventionStatus.ACTIVE.value
    financial: bool = False
    """Whether the buyer takes part in the scheme's funding."""
    amount: str = ""
    """How much, in euros (required with `financial`, refused without)."""
    confidential: bool = True
    commitments: str = ""
    document_reference: str = ""
    renewal: str = ""
    """A ConventionRenewal code; empty: not said."""
    fingerprint: str = ""
    """The fingerprint of the convention as the form showed it (an edit only)."""
    convention_id: int | None = None
    """Which convention it is (one read to be edited)."""


def convention_fingerprint(convention: Convention) -> str:
    """What a form shows of `convention`, hashed: changes whenever a field it edits changes."""
    shown = json.dumps(_shown(convention), sort_keys=True).encode()
    return hashlib.sha256(shown).hexdigest()[:32]


def convention_entry(
    engine: Engine, buyer_slug: str, *, convention_id: int | None = None, start: str = ""
) -> ConventionEntry | None:
    """The convention of `buyer_slug` with the id `convention_id` (or that starts on `start`,
    as `2027-03-15` or `15/03/2027`) as its form shows it, to edit it; None when it has none."""
    with read_session(engine) as session:
        convention = None
        if convention_id is not None:
            convention = convention_of(session, buyer_slug, convention_id)
        elif start:
            buyer = organisation_with_slug(session, buyer_slug)
            if buyer is not None and buyer.id is not None:
                convention = convention_starting(session, buyer.id, _first_day(start))
        if convention is None:
            return None
        cents = convention.financial_participation_cents
        return ConventionEntry(
            start=convention.start_date.isoformat(),
            end=convention.end_date.isoformat(),
            signed_on=convention.signed_on.isoformat() if convention.signed_on else "",
            status=str(convention.status),
            financial=cents is not None,
            amount=_euros(cents) if cents is not None else "",
            confidential=convention.confidential,
            commitments=convention.commitments or "",
            document_reference=convention.document_reference or "",
            renewal=convention.renewal or "",
            fingerprint=convention_fingerprint(convention),
            convention_id=convention.id,
        )


def _first_day(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as wrong:
        raise EntryProblems({"start": str(wrong)}) from None


def _euros(cents: int) -> str:
    """An amount as a form shows it: « 1500 », « 1500,50 »."""
    return str(cents // 100) if cents % 100 == 0 else f"{cents // 100},{cents % 100:02d}"


def _shown(convention: Convention) -> dict[str, str]:
    cents = convention.financial_participation_cents
    return {
        "start_date": convention.start_date.isoformat(),
        "end_date": convention.end_date.isoformat(),
        "signed_on": convention.signed_on.isoformat() if convention.signed_on else "",
        "convention_status": str(convention.status),
        "financial_participation": "oui" if cents is not None else "",
        "amount": f"{cents // 100}.{cents % 100:02d}" if cents is not None else "",
        "confidential": "oui" if convention.confidential else "",
        "commitments": convention.commitments or "",
        "document_reference": convention.document_reference or "",
        "renewal": convention.renewal or "",
    }


def save_convention(
    engine: Engine,
    buyer_slug: str,
    entry: ConventionEntry,
    now: datetime,
    *,
    convention_id: int | None = None,
    actor: str = journal.CLI,
) -> int:
    """Create a convention of the buyer `buyer_slug` (convention_id None) or change its
    convention `convention_id`; its id. EntryProblems for wrong fields, NotFoundError for an
    unknown buyer or convention, ConflictError when it changed since the form was shown."""
    checked = Checked()
    values = _values(entry, checked)
    with session_scope(engine) as session:
        buyer = organisation_with_slug(session, buyer_slug)
        if buyer is None or buyer.id is None or buyer.role != OrganisationRole.BUYER:
            raise NotFoundError(f"no buyer with identifier {buyer_slug!r}")
        stored = _stored(session, buyer.id, convention_id, entry.fingerprint)
        start = values.get("start_date")
        if isinstance(start, date):
            other = convention_starting(session, buyer.id, start)
            if other is not None and other.id != convention_id:
                checked.problems["start"] = f"{buyer.name} already has a convention from {start}"
        if checked.problems:
            raise EntryProblems(checked.problems)
        return _write(session, stored, buyer.id, values, now, actor)


def _values(entry: ConventionEntry, checked: Checked) -> dict[str, Any]:
    """The columns `entry` gives, its wrong fields kept in `checked`."""
    start = checked.value("start", entry.start, parse_date)
    end = checked.value("end", entry.end, parse_date)
    if start is not None and end is not None and end <= start:
        checked.problems["end"] = f"{end.isoformat()} is not after {start.isoformat()}"
    signed_on = None
    if entry.signed_on.strip():
        signed_on = checked.value("signed_on", entry.signed_on, parse_date)
    status = checked.value("status", entry.status, ConventionStatus)
    renewal = None
    if entry.renewal.strip():
        renewal = checked.value("renewal", entry.renewal.strip(), ConventionRenewal)
    cents = None
    if entry.financial:
        cents = checked.value("amount", entry.amount, parse_euros)
        if cents == 0:
            checked.problems["amount"] = "a financial participation of 0 €"
    elif entry.amount.strip():
        checked.problems["amount"] = "an amount without a financial participation"
    commitments = checked.value(
        "commitments", entry.commitments, lambda t: parse_long_text(t, COMMITMENTS_LIMIT)
    )
    reference = checked.value(
        "document_reference", entry.document_reference, lambda t: parse_text(t, REFERENCE_LIMIT)
    )
    return {
        "start_date": start,
        "end_date": end,
        "signed_on": signed_on,
        "status": status,
        "financial_participation_cents": cents,
        "confidential": entry.confidential,
        "commitments": commitments or None,
        "document_reference": reference or None,
        "renewal": renewal.value if renewal is not None else None,
    }


def _stored(
    session: Session, organisation_id: int, convention_id: int | None, seen: str
) -> Convention | None:
    """The convention being edited, locked; refused if it changed since the form showed it."""
    if convention_id is None:
        return None
    stored = convention_for_change(session, convention_id)
    if stored is None or stored.organisation_id != organisation_id:
        raise NotFoundError(f"no convention with id {convention_id} for this buyer")
    if convention_fingerprint(stored) != seen:
        raise ConflictError(f"convention {convention_id} was changed since the form was shown")
    return stored


def _journalled(fields: Mapping[str, str]) -> dict[str, str]:
    """Fields as the journal keeps them: a long text by its beginning."""
    return {
        key: value if len(value) <= JOURNAL_TEXT_LIMIT else value[:JOURNAL_TEXT_LIMIT] + "…"
        for key, value in fields.items()
    }


def _write(
    session: Session,
    stored: Convention | None,
    organisation_id: int,
    values: Mapping[str, Any],
    now: datetime,
    actor: str,
) -> int:
    if stored is None:
        convention = Convention(organisation_id=organisation_id, **values)
        session.add(convention)
        session.flush()
        after = {key: value for key, value in _shown(convention).items() if value}
        journal.write(
            session,
            now,
            actor,
            "convention_create",
            organisation_id=organisation_id,
            after=_journalled(after),
        )
    else:
        convention = stored
        before, after = edit_row(session, convention, values, _shown)
        if after:
            journal.write(
                session,
                now,
                actor,
                "convention_edit",
                organisation_id=organisation_id,
                before=_journalled(before),
                after=_journalled(after),
            )
    wake.on_commit(session, "convention")
    assert convention.id is not None
    return convention.id
