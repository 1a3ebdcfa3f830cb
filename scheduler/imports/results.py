"""The scheme's results, exported from the guichet's monitoring tool: one line per buyer and
year with the contracts carrying a social clause, the insertion hours carried out, the people
who worked them and the companies that did. Read with the same rules as the directory (`;` or
`,`, UTF-8 or Windows-1252, French or English headers); a file with any problem is refused whole.

    Acheteur;Année;Marchés avec clause;Heures d'insertion;Participants;Entreprises
    Ville de Lisière;2027;12;4 520,5;37;9
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scheduler.imports.reading import read_sheet
from scheduler.imports.rows import (
    ORGANISATION_REFERENCE_LIMIT,
    Rows,
    _aliases,
    _duplicates,
    _Line,
    _missing_columns,
    _result,
)
from scheduler.imports.values import parse_text
from scheduler.imports.wording import Wrong

FIRST_YEAR = 2000
LAST_YEAR = 2100
_DIGIT_GROUPS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+", re.ASCII)
_SPACES = str.maketrans("", "", " \u00a0\u202f")

RESULT_COLUMNS = _aliases(
    {
        "buyer": (
            "acheteur",
            "organisation",
            "nom",
            "identifiant",
            "collectivité",
            "donneur d'ordre",
        ),
        "year": ("année", "annee", "exercice"),
        "contracts": (
            "marchés",
            "marchés avec clause",
            "marchés avec clause sociale",
            "nombre de marchés",
            "contrats",
            "contrats avec clause sociale",
            "opérations",
        ),
        "insertion_hours": (
            "heures",
            "heures d'insertion",
            "heures d'insertion réalisées",
            "heures réalisées",
            "hours",
        ),
        "participants": ("participants", "bénéficiaires", "personnes", "nombre de participants"),
        "companies": ("entreprises", "entreprises attributaires", "nombre d'entreprises"),
    }
)
REQUIRED_RESULT_COLUMNS = (
    "buyer",
    "year",
    "contracts",
    "insertion_hours",
    "participants",
    "companies",
)


@dataclass(frozen=True)
class ResultRow:
    """One buyer's results for one year; `buyer` is a slug or a name."""

    line: int
    buyer: str
    year: int
    contracts: int
    insertion_hours: float
    participants: int
    companies: int


def parse_results(data: bytes) -> Rows[ResultRow]:
    """Read a results file; every column is required, and a buyer appears once a year."""
    sheet = read_sheet(data, RESULT_COLUMNS)
    problems = [*sheet.problems, *_missing_columns(sheet, REQUIRED_RESULT_COLUMNS)]
    rows: list[ResultRow] = []
    for record in sheet.records:
        row = _result_row(_Line(sheet, record, problems))
        if row is not None:
            rows.append(row)
    pairs = [(r.line, f"{r.buyer.casefold()}/{r.year}", f"{r.buyer} {r.year}") for r in rows]
    problems += _duplicates(sheet, "buyer", pairs)
    return _result(sheet, rows, problems)


def _result_row(line: _Line) -> ResultRow | None:
    buyer = line.required("buyer", lambda text: parse_text(text, ORGANISATION_REFERENCE_LIMIT))
    year = line.required("year", parse_year)
    contracts = line.required("contracts", parse_count)
    hours = line.required("insertion_hours", parse_hours)
    participants = line.required("participants", parse_count)
    companies = line.required("companies", parse_count)
    if (
        not line.ok
        or buyer is None
        or year is None
        or contracts is None
        or hours is None
        or participants is None
        or companies is None
    ):
        return None
    return ResultRow(line.record.line, buyer, year, contracts, hours, participants, companies)


def parse_year(text: str) -> int:
    """'2027' → 2027."""
    stripped = text.strip()
    if not re.fullmatch(r"\d{4}", stripped, re.ASCII) or not (
        FIRST_YEAR <= int(stripped) <= LAST_YEAR
    ):
        raise Wrong("not_a_year", text=text)
    return int(stripped)


def parse_count(text: str) -> int:
    """A whole number as Excel writes it in French: '1 234' (any space), '1234' → 1234."""
    stripped = text.strip()
    if not _DIGIT_GROUPS.fullmatch(stripped):
        raise Wrong("not_a_count", text=text)
    return int(re.sub(r"[^0-9]", "", stripped))


def parse_hours(text: str) -> float:
    """Hours, possibly with a decimal part: '4 520,5', '4520.5', '4 520' → 4520.5 / 4520.0."""
    stripped = text.strip().translate(_SPACES)
    match = re.fullmatch(r"(\d+)(?:[,.](\d{1,2}))?", stripped, re.ASCII)
    if match is None:
        raise Wrong("not_hours", text=text)
    return float(f"{match[1]}.{match[2] or 0}")
