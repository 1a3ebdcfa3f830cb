"""One contact created or edited by hand (the workspace's form), with the same value rules as
`rituel import contacts` (scheduler.imports.values): a problem is named per field, nothing is
written while one remains. Two facilitators editing the same contact: the form carries the
fingerprint of what it showed, and a save over a contact changed since is refused (optimistic
locking, ConflictError) rather than silently undoing the other's change. Every save writes the
journal (who, when, before → after), in the transaction of the change."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from scheduler.core.messages import MessageKind
from scheduler.errors import ConflictError, InputError, NotFoundError
from scheduler.imports.rows import NAME_LIMIT, SHORT_LIMIT
from scheduler.imports.values import (
    parse_email,
    parse_locale,
    parse_ritual_kinds,
    parse_slug,
    parse_text,
)
from scheduler.service import wake
from scheduler.store import journal
from scheduler.store.db import session_scope
from scheduler.store.directory_entries import (
    contact_for_change,
    contact_with_address,
    organisation_by_id,
    organisation_with_slug,
)
from scheduler.store.models import Contact

ValueT = TypeVar("ValueT")
RowT = TypeVar("RowT")
STOPPABLE = tuple(kind for kind in MessageKind if kind is not MessageKind.DIGEST)
"""The mails a contact may stop (the digest goes to facilitators only)."""


class EntryProblems(InputError):
    """Some fields of a form are wrong: `fields` maps each field to what is wrong with it (the
    import's English message; the workspace words it in the reader's language)."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        count = f"{len(fields)} field{'s' if len(fields) > 1 else ''}"
        super().__init__(
            f"{count} wrong; nothing was written",
            [f"{name}: {why}" for name, why in fields.items()],
        )
        self.fields = dict(fields)


@dataclass(frozen=True, slots=True)
class ContactEntry:
    """What the contact form sends, as typed."""

    name: str
    email: str
    organisation: str = ""
    """The organisation's identifier (slug); empty for the guichet's own people."""
    job: str = ""
    locale: str = "fr"
    kinds: str = ""
    """Ritual kinds, comma-separated (codes or titles); empty: every kind of their role."""
    unsubscribed_kinds: tuple[str, ...] = ()
    unsubscribed: bool = False
    fingerprint: str = ""
    """The fingerprint of the contact as the form showed it (an edit only)."""


@dataclass
class Checked:
    """The problems found so far in a form's fields, by field."""

    problems: dict[str, str] = field(default_factory=dict)

    def value(self, name: str, text: str, parse: Callable[[str], ValueT]) -> ValueT | None:
        """`text` parsed by `parse`; None, with the reason kept for `name`, when it is wrong."""
        try:
            return parse(text)
        except ValueError as wrong:
            self.problems[name] = str(wrong)
            return None


def fingerprint(contact: Contact) -> str:
    """What a form shows of `contact`, hashed: changes whenever a field it edits changes."""
    return hashlib.sha256(json.dumps(_shown(contact), sort_keys=True).encode()).hexdigest()[:32]


def _shown(contact: Contact) -> dict[str, str]:
    return {
        "name": contact.name,
        "email": contact.email,
        "organisation_id": str(contact.organisation_id or ""),
        "job": contact.job,
        "locale": contact.locale,
        "kinds": contact.kinds,
        "unsubscribed_kinds": contact.unsubscribed_kinds,
        "unsubscribed": "oui" if contact.unsubscribed else "",
    }


def save_contact(
    engine: Engine,
    entry: ContactEntry,
    now: datetime,
    *,
    contact_id: int | None = None,
    actor: str = journal.CLI,
) -> int:
    """Create the contact `entry` (contact_id None) or change the contact `contact_id`; its id.
    EntryProblems for wrong fields, NotFoundError for an unknown contact, ConflictError when it
    changed since the form was shown."""
    checked = Checked()
    name = checked.value("name", entry.name, required(lambda t: parse_text(t, NAME_LIMIT)))
    email = checked.value("email", entry.email, parse_email)
    job = checked.value("job", entry.job, lambda t: parse_text(t, SHORT_LIMIT))
    locale = checked.value("locale", entry.locale, parse_locale)
    kinds = checked.value("kinds", entry.kinds, parse_ritual_kinds)
    slug = entry.organisation.strip()
    if slug:
        checked.value("organisation", slug, parse_slug)
    stops = [k for k in entry.unsubscribed_kinds if k not in {s.value for s in STOPPABLE}]
    if stops:
        checked.problems["unsubscribed_kinds"] = f"{stops[0]!r} is not a kind of mail"
    with session_scope(engine) as session:
        stored = _stored(session, contact_id, entry.fingerprint)
        organisation_id = None
        if slug and "organisation" not in checked.problems:
            organisation = organisation_with_slug(session, slug)
            if organisation is None:
                checked.problems["organisation"] = f"no organisation has the identifier {slug!r}"
            else:
                organisation_id = organisation.id
        if email is not None:
            other = contact_with_address(session, email)
            if other is not None and other.id != contact_id:
                checked.problems["email"] = f"{email!r} is already the address of {other.name}"
        if checked.problems:
            raise EntryProblems(checked.problems)
        assert name is not None
        assert email is not None
        assert locale is not None
        values = {
            "name": name,
            "email": email,
            "organisation_id": organisation_id,
            "job": job or "",
            "locale": locale,
            "kinds": ",".join(kind.value for kind in kinds or ()),
            "unsubscribed_kinds": ",".join(
                k.value for k in STOPPABLE if k.value in entry.unsubscribed_kinds
            ),
            "unsubscribed": entry.unsubscribed,
        }
        return _write(session, stored, values, now, actor)


def required(parse: Callable[[str], str]) -> Callable[[str], str]:
    """`parse`, refusing an empty value."""

    def parse_required(text: str) -> str:
        value = parse(text)
        if not value:
            raise ValueError("required")
        return value

    return parse_required


def _stored(session: Session, contact_id: int | None, seen: str) -> Contact | None:
    """The contact being edited, locked; refused if it changed since the form showed it."""
    if contact_id is None:
        return None
    stored = contact_for_change(session, contact_id)
    if stored is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    if fingerprint(stored) != seen:
        raise ConflictError(f"contact {contact_id} was changed since the form was shown")
    return stored


def _journalled(session: Session, fields: Mapping[str, str]) -> dict[str, str]:
    """Fields as the journal shows them: the organisation by its name, not its id."""
    shown = dict(fields)
    if "organisation_id" in shown:
        reference = shown.pop("organisation_id")
        organisation = organisation_by_id(session, int(reference)) if reference else None
        shown["organisation"] = organisation.name if organisation is not None else ""
    return shown


def edit_row(
    session: Session, row: RowT, values: Mapping[str, Any], shown: Callable[[RowT], dict[str, str]]
) -> tuple[dict[str, str], dict[str, str]]:
    """Write `values` onto the stored `row`: what changed, as `shown` words it, before and after
    (both empty when nothing did), for the journal."""
    before = shown(row)
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    after = shown(row)
    changed = [key for key in after if after[key] != before[key]]
    return {key: before[key] for key in changed}, {key: after[key] for key in changed}


def _write(
    session: Session,
    stored: Contact | None,
    values: Mapping[str, Any],
    now: datetime,
    actor: str,
) -> int:
    if stored is None:
        contact = Contact(**values)
        session.add(contact)
        session.flush()
        journal.write(
            session,
            now,
            actor,
            "contact_create",
            organisation_id=contact.organisation_id,
            after=_journalled(session, _shown(contact)),
        )
    else:
        contact = stored
        before, after = edit_row(session, contact, values, _shown)
        if after:
            journal.write(
                session,
                now,
                actor,
                "contact_edit",
                organisation_id=contact.organisation_id,
                before=_journalled(session, before),
                after=_journalled(session, after),
            )
    wake.on_commit(session, "contact")
    assert contact.id is not None
    return contact.id
