"""A sheet → typed rows of the directory, or every problem found in the file.

Two shapes of file: organisations (buyers, suppliers or partners, one contact each at most) and
contacts. A row is only produced when all its cells are right; the caller imports nothing unless
the file has no problem at all. An empty optional cell is `None`: "not given", so an import never
erases what is stored with a blank.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Generic, TypeVar

from scheduler.core.french import parse_article
from scheduler.core.kinds import OrganisationRole, RitualKind
from scheduler.core.text import fold, slugify
from scheduler.imports.reading import Problem, Record, Sheet, column_key, read_sheet
from scheduler.imports.values import (
    parse_date,
    parse_email,
    parse_facilitator,
    parse_kind,
    parse_locale,
    parse_month,
    parse_ritual_kinds,
    parse_slug,
    parse_text,
    slug_for,
)
from scheduler.imports.wording import Wrong

NAME_LIMIT = 200
SHORT_LIMIT = 120
ORGANISATION_REFERENCE_LIMIT = 200


def _aliases(spellings: Mapping[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    return {
        column: frozenset(map(column_key, (column, *words))) for column, words in spellings.items()
    }


_ORGANISATION_SPELLINGS: dict[str, tuple[str, ...]] = {
    "name": ("nom", "raison sociale", "organisation", "organization"),
    "slug": ("identifiant",),
    "kind": ("type", "catégorie", "category"),
    "territory": ("territoire",),
    "article": ("déterminant",),
    "contact_name": ("contact", "nom du contact", "nom contact"),
    "contact_email": ("email", "e-mail", "mail", "courriel", "email du contact", "email contact"),
    "contact_role": ("fonction", "fonction du contact", "contact job", "poste"),
}
_BUYER_SPELLINGS: dict[str, tuple[str, ...]] = {
    "convention_start": (
        "début convention",
        "début de convention",
        "début de la convention",
        "date de début",
        "convention start date",
    ),
    "convention_end": (
        "fin convention",
        "fin de convention",
        "fin de la convention",
        "date de fin",
        "convention end date",
    ),
    "programming_month": ("mois programmation", "mois de programmation", "programming"),
    "facilitator": ("référent", "référente", "facilitateur", "facilitatrice", "chargé de mission"),
}
_CONTACT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "name": ("nom", "nom complet", "full name"),
    "email": ("e-mail", "mail", "courriel"),
    "organisation": ("organization", "structure", "organisme"),
    "job": ("fonction", "poste", "role"),
    "locale": ("langue", "language"),
    "kinds": ("rituels", "rituals", "ritual kinds"),
}

ORGANISATION_COLUMNS = _aliases(_ORGANISATION_SPELLINGS)
BUYER_COLUMNS = _aliases({**_ORGANISATION_SPELLINGS, **_BUYER_SPELLINGS})
CONTACT_COLUMNS = _aliases(_CONTACT_SPELLINGS)
REQUIRED_ORGANISATION_COLUMNS = ("name", "kind")
REQUIRED_CONTACT_COLUMNS = ("name", "email")


@dataclass(frozen=True)
class ConventionDates:
    """A partnership convention's first and last day."""

    start: date
    end: date


@dataclass(frozen=True)
class OrganisationContact:
    """The person named on an organisation's line."""

    name: str
    email: str
    job: str | None


@dataclass(frozen=True)
class OrganisationRow:
    """One buyer, supplier or partner line; `None` means the cell was empty or absent."""

    line: int
    role: OrganisationRole
    name: str
    slug: str
    kind: str
    slug_given: bool = False
    territory: str | None = None
    article: str | None = None
    """The article French puts before the name (`la`, `le`, `l'`, `les`, "" for none)."""
    facilitator: str | None = None
    programming_month: int | None = None
    convention: ConventionDates | None = None
    contact: OrganisationContact | None = None


@dataclass(frozen=True)
class ContactRow:
    """One person line; `organisation` is a slug or a name, '' for the guichet itself."""

    line: int
    name: str
    email: str
    organisation: str = ""
    job: str | None = None
    locale: str | None = None
    kinds: tuple[RitualKind, ...] | None = None


RowT = TypeVar("RowT")
ValueT = TypeVar("ValueT")


@dataclass(frozen=True)
class Rows(Generic[RowT]):
    """What a file holds: the rows of its right lines, and every problem of the others.

    A file with problems is rejected whole; its right rows are kept only so that the caller can
    look for more problems in them (an organisation that does not exist, say) and report all."""

    rows: tuple[RowT, ...]
    problems: tuple[Problem, ...]
    ignored_columns: tuple[str, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)

    def header(self, column: str) -> str:
        """The column's header as the user wrote it (its canonical name when absent)."""
        return self.headers.get(column, column)

    def problem(self, line: int, column: str, key: str, **params: object) -> Problem:
        """The problem `key` (scheduler.imports.wording) on `column` of `line`, the column
        named as the file names it."""
        return Problem.worded(line, self.header(column), key, **params)

    def ordered(self, problems: Iterable[Problem]) -> tuple[Problem, ...]:
        """`problems` in the order of lines, then of columns in the file."""
        position = {written: index for index, written in enumerate(self.headers.values())}
        return tuple(
            sorted(problems, key=lambda p: (p.line, position.get(p.column, len(position))))
        )


class _Line:
    """Reads the cells of one record, noting a problem for each cell that is wrong."""

    def __init__(self, sheet: Sheet, record: Record, problems: list[Problem]) -> None:
        self.sheet = sheet
        self.record = record
        self.problems = problems
        self._before = len(problems)

    @property
    def ok(self) -> bool:
        """No problem was found on this line."""
        return len(self.problems) == self._before

    def given(self, column: str) -> bool:
        """Whether the cell holds anything."""
        return bool(self.record.get(column))

    def problem(self, column: str, key: str, **params: object) -> None:
        """Note that `column` is wrong on this line (`key` and `params` say how)."""
        header = self.sheet.header(column)
        self.problems.append(Problem.worded(self.record.line, header, key, **params))

    def value(self, column: str, parse: Callable[[str], ValueT]) -> ValueT | None:
        """The parsed cell, or None when it is empty or wrong (a problem is noted then)."""
        text = self.record.get(column)
        if not text:
            return None
        try:
            return parse(text)
        except ValueError as exc:
            self.problems.append(Problem.of(self.record.line, self.sheet.header(column), exc))
            return None

    def required(self, column: str, parse: Callable[[str], ValueT]) -> ValueT | None:
        """Like `value`, but an empty cell is a problem too."""
        if not self.given(column):
            if self.sheet.has(column):
                self.problem(column, "missing_value")
            return None
        return self.value(column, parse)

    def needs(self, column: str, because: str) -> None:
        """Note that `column` must be filled in since `because` is."""
        if not self.given(column):
            self.problem(column, "missing_because", because=self.sheet.header(because))


def parse_organisations(
    data: bytes, role: OrganisationRole, facilitators: Collection[str] = ()
) -> Rows[OrganisationRow]:
    """Read a buyers, suppliers or partners file; `facilitators` are the configured ids."""
    columns = BUYER_COLUMNS if role is OrganisationRole.BUYER else ORGANISATION_COLUMNS
    sheet = read_sheet(data, columns)
    problems = [*sheet.problems, *_missing_columns(sheet, REQUIRED_ORGANISATION_COLUMNS)]
    rows: list[OrganisationRow] = []
    for record in sheet.records:
        row = _organisation(_Line(sheet, record, problems), role, facilitators)
        if row is not None:
            rows.append(row)
    problems += _unique_organisations(sheet)
    return _result(sheet, rows, problems)


def parse_contacts(data: bytes) -> Rows[ContactRow]:
    """Read a contacts file."""
    sheet = read_sheet(data, CONTACT_COLUMNS)
    problems = [*sheet.problems, *_missing_columns(sheet, REQUIRED_CONTACT_COLUMNS)]
    rows: list[ContactRow] = []
    for record in sheet.records:
        row = _contact(_Line(sheet, record, problems))
        if row is not None:
            rows.append(row)
    problems += _unique_addresses(sheet, "email")
    return _result(sheet, rows, problems)


def _unique_organisations(sheet: Sheet) -> list[Problem]:
    """Names, slugs and contact addresses appear once in a file, whatever else is wrong on the
    lines; a slug made from a repeated name is reported once, on the name."""
    names: list[tuple[int, str, str]] = []
    slugs: list[tuple[int, str, str]] = []
    for record in sheet.records:
        name = " ".join(record.get("name").split())
        slug = record.get("slug") or slugify(name)
        if name:
            names.append((record.line, fold(name), name))
        if slug:
            slugs.append((record.line, slug, slug))
    repeated_names = _duplicates(sheet, "name", names)
    repeated = {problem.line for problem in repeated_names}
    return [
        *repeated_names,
        *(p for p in _duplicates(sheet, "slug", slugs) if p.line not in repeated),
        *_unique_addresses(sheet, "contact_email"),
    ]


def _unique_addresses(sheet: Sheet, column: str) -> list[Problem]:
    """E-mail addresses appear once in a file, whatever their case."""
    entries = [
        (record.line, record.get(column).lower(), record.get(column))
        for record in sheet.records
        if record.get(column)
    ]
    return _duplicates(sheet, column, entries)


def _result(sheet: Sheet, rows: Iterable[RowT], problems: list[Problem]) -> Rows[RowT]:
    found = Rows(tuple(rows), (), sheet.ignored_columns, dict(sheet.headers))
    return replace(found, problems=found.ordered(problems))


def _missing_columns(sheet: Sheet, required: Iterable[str]) -> list[Problem]:
    if not sheet.headers and sheet.problems:
        return []
    return [
        Problem.worded(sheet.header_line, column, "required_column")
        for column in required
        if not sheet.has(column)
    ]


def _organisation(
    line: _Line, role: OrganisationRole, facilitators: Collection[str]
) -> OrganisationRow | None:
    name = line.required("name", lambda text: parse_text(text, NAME_LIMIT))
    kind = line.required("kind", lambda text: parse_kind(text, role))
    slug = line.value("slug", parse_slug)
    if slug is None and name is not None:
        slug = line.value("name", slug_for)
    territory = line.value("territory", lambda text: parse_text(text, SHORT_LIMIT))
    article = line.value("article", _article)
    facilitator = line.value("facilitator", lambda text: parse_facilitator(text, facilitators))
    month = line.value("programming_month", parse_month)
    convention = _convention(line)
    contact = _organisation_contact(line)
    if not line.ok or name is None or kind is None or slug is None:
        return None
    return OrganisationRow(
        line=line.record.line,
        role=role,
        name=name,
        slug=slug,
        kind=kind,
        slug_given=line.given("slug"),
        territory=territory,
        article=article,
        facilitator=facilitator,
        programming_month=month,
        convention=convention,
        contact=contact,
    )


def _convention(line: _Line) -> ConventionDates | None:
    start = line.value("convention_start", parse_date)
    end = line.value("convention_end", parse_date)
    if line.given("convention_start"):
        line.needs("convention_end", because="convention_start")
    if line.given("convention_end"):
        line.needs("convention_start", because="convention_end")
    if start is None or end is None:
        return None
    if end <= start:
        line.problem(
            "convention_end",
            "end_not_after_start",
            end=end.isoformat(),
            start_header=line.sheet.header("convention_start"),
            start=start.isoformat(),
        )
        return None
    return ConventionDates(start, end)


def _article(text: str) -> str | None:
    """The article cell (scheduler.core.french.parse_article), its refusal worded."""
    try:
        return parse_article(text)
    except ValueError:
        raise Wrong("not_an_article", text=text) from None


def _organisation_contact(line: _Line) -> OrganisationContact | None:
    email = line.value("contact_email", parse_email)
    name = line.value("contact_name", lambda text: parse_text(text, NAME_LIMIT))
    job = line.value("contact_role", lambda text: parse_text(text, SHORT_LIMIT))
    if line.given("contact_email"):
        line.needs("contact_name", because="contact_email")
    for column in ("contact_name", "contact_role"):
        if line.given(column):
            line.needs("contact_email", because=column)
            break
    if email is None or name is None:
        return None
    return OrganisationContact(name=name, email=email, job=job)


def _contact(line: _Line) -> ContactRow | None:
    name = line.required("name", lambda text: parse_text(text, NAME_LIMIT))
    email = line.required("email", parse_email)
    organisation = line.value(
        "organisation", lambda text: parse_text(text, ORGANISATION_REFERENCE_LIMIT)
    )
    job = line.value("job", lambda text: parse_text(text, SHORT_LIMIT))
    locale = line.value("locale", parse_locale)
    kinds = line.value("kinds", parse_ritual_kinds)
    if not line.ok or name is None or email is None:
        return None
    return ContactRow(
        line=line.record.line,
        name=name,
        email=email,
        organisation=organisation or "",
        job=job,
        locale=locale,
        kinds=kinds,
    )


def _duplicates(
    sheet: Sheet, column: str, entries: Iterable[tuple[int, str, str]]
) -> list[Problem]:
    """A problem for each (line, key, shown) whose key an earlier line of the file already has."""
    first_line: dict[str, int] = {}
    problems: list[Problem] = []
    for line, key, shown in entries:
        if key in first_line:
            problems.append(
                Problem.worded(
                    line, sheet.header(column), "already_on_line", text=shown, first=first_line[key]
                )
            )
        else:
            first_line[key] = line
    return problems
