"""One buyer, supplier or partner created or edited by hand (the workspace's form), with the same
value rules as `rituel import buyers|suppliers|partners` (scheduler.imports.values): a problem
is named per field, nothing is written while one remains. Its identifier (slug) is chosen when
it is created and kept after (feeds, pages and imports find it by it); its role is kept too.
Two facilitators editing the same organisation: the form carries the fingerprint of what it
showed, and a save over an organisation changed since is refused (ConflictError). Every save
writes the journal (who, when, before → after), in the transaction of the change."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.core.french import parse_article
from scheduler.core.kinds import OrganisationRole
from scheduler.errors import ConflictError, NotFoundError
from scheduler.imports.rows import NAME_LIMIT, SHORT_LIMIT
from scheduler.imports.values import (
    parse_facilitator,
    parse_kind,
    parse_month,
    parse_slug,
    parse_text,
    slug_for,
)
from scheduler.service import wake
from scheduler.service.directory.entries import Checked, EntryProblems, edit_row, required
from scheduler.store import journal
from scheduler.store.db import read_session, session_scope
from scheduler.store.directory_entries import organisation_for_change, organisation_with_slug
from scheduler.store.models import Organisation


@dataclass(frozen=True, slots=True)
class OrganisationEntry:
    """What the organisation form sends, as typed."""

    role: OrganisationRole
    name: str
    kind: str
    slug: str = ""
    """The identifier; empty: made from the name (a new organisation only)."""
    article: str = ""
    """« le », « la », « l' », « les », « - » for none; empty: derived from the name."""
    territory: str = ""
    facilitator: str = ""
    """The facilitator in charge (a buyer only; required for one)."""
    programming_month: str = ""
    """The month the buyer fixes its procurement plan (a buyer only; empty: the default)."""
    fingerprint: str = ""
    """The fingerprint of the organisation as the form showed it (an edit only)."""


def organisation_fingerprint(organisation: Organisation) -> str:
    """What a form shows of `organisation`, hashed: changes whenever a field it edits changes."""
    shown = json.dumps(_shown(organisation), sort_keys=True).encode()
    return hashlib.sha256(shown).hexdigest()[:32]


def organisation_entry(engine: Engine, slug: str) -> OrganisationEntry | None:
    """The organisation `slug` as its form shows it (to edit it), fingerprint included."""
    with read_session(engine) as session:
        organisation = organisation_with_slug(session, slug)
        if organisation is None:
            return None
        return OrganisationEntry(
            role=OrganisationRole(organisation.role),
            slug=organisation.slug,
            fingerprint=organisation_fingerprint(organisation),
            **_shown(organisation),
        )


def _shown(organisation: Organisation) -> dict[str, str]:
    return {
        "name": organisation.name,
        "article": "-" if organisation.article == "" else organisation.article or "",
        "kind": organisation.kind,
        "territory": organisation.territory,
        "facilitator": organisation.facilitator_id or "",
        "programming_month": str(organisation.programming_month or ""),
    }


def save_organisation(
    engine: Engine,
    entry: OrganisationEntry,
    now: datetime,
    *,
    facilitators: Collection[str],
    slug: str | None = None,
    actor: str = journal.CLI,
) -> str:
    """Create the organisation `entry` (slug None) or change the organisation `slug`; its
    identifier. `facilitators` are the configured ids. EntryProblems for wrong fields,
    NotFoundError for an unknown organisation (or one of another role), ConflictError when it
    changed since the form was shown."""
    buyer = entry.role is OrganisationRole.BUYER
    checked = Checked()
    name = checked.value("name", entry.name, required(lambda t: parse_text(t, NAME_LIMIT)))
    kind = checked.value("kind", entry.kind, lambda t: parse_kind(t, entry.role))
    article = checked.value("article", entry.article, parse_article)
    territory = checked.value("territory", entry.territory, lambda t: parse_text(t, SHORT_LIMIT))
    facilitator = month = None
    if buyer:
        facilitator = checked.value(
            "facilitator", entry.facilitator, lambda t: parse_facilitator(t, facilitators)
        )
        if entry.programming_month.strip():
            month = checked.value("programming_month", entry.programming_month, parse_month)
    with session_scope(engine) as session:
        stored = _stored(session, entry.role, slug, entry.fingerprint)
        chosen = slug if stored is not None else _new_slug(session, entry, name, checked)
        if checked.problems:
            raise EntryProblems(checked.problems)
        assert name is not None
        assert kind is not None
        assert chosen is not None
        values: dict[str, Any] = {
            "name": name,
            "article": article,
            "kind": kind,
            "territory": territory or "",
            "facilitator_id": facilitator,
            "programming_month": month,
        }
        _write(session, stored, chosen, entry.role, values, now, actor)
        return chosen


def _new_slug(
    session: Session, entry: OrganisationEntry, name: str | None, checked: Checked
) -> str | None:
    """The identifier of a new organisation: the one typed, or one made from its name."""
    typed = entry.slug.strip()
    if typed:
        slug = checked.value("slug", typed, parse_slug)
    elif name is not None:
        slug = checked.value("name", name, slug_for)
    else:
        return None
    if slug is not None:
        other = organisation_with_slug(session, slug)
        if other is not None:
            checked.problems["slug"] = f"{slug!r} is already the identifier of {other.name}"
    return slug


def _stored(
    session: Session, role: OrganisationRole, slug: str | None, seen: str
) -> Organisation | None:
    """The organisation being edited, locked; refused if it changed since the form showed it."""
    if slug is None:
        return None
    stored = organisation_for_change(session, slug)
    if stored is None or stored.role != role:
        raise NotFoundError(f"no {role} with identifier {slug!r}")
    if organisation_fingerprint(stored) != seen:
        raise ConflictError(f"{slug} was changed since the form was shown")
    return stored


def _write(
    session: Session,
    stored: Organisation | None,
    slug: str,
    role: OrganisationRole,
    values: Mapping[str, Any],
    now: datetime,
    actor: str,
) -> None:
    if stored is None:
        organisation = Organisation(slug=slug, role=role, **values)
        session.add(organisation)
        session.flush()
        journal.write(
            session,
            now,
            actor,
            "organisation_create",
            organisation_id=organisation.id,
            after={key: value for key, value in _shown(organisation).items() if value},
        )
    else:
        organisation = stored
        before, after = edit_row(session, organisation, values, _shown)
        if after:
            journal.write(
                session,
                now,
                actor,
                "organisation_edit",
                organisation_id=organisation.id,
                before=before,
                after=after,
            )
    wake.on_commit(session, "organisation")
