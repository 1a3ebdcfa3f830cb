"""From the bytes of a CSV file to a sheet: decoded text, sniffed delimiter, recognised headers.

What Excel writes depends on the machine: `;` on French systems and `,` elsewhere, UTF-8 with or
without a byte-order mark ("CSV UTF-8") or Windows-1252 ("CSV (séparateur: point-virgule)").
Headers are matched whatever their case, accents, spaces or underscores, in English or French.
Line numbers are the rows a spreadsheet shows: the header is line 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass

from scheduler.core.text import fold

HEADER_LINE = 1
DELIMITERS = (";", ",", "\t")
_ENCODINGS = ("utf-8-sig", "cp1252")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (line and column as the user wrote it) and what."""

    line: int
    column: str
    message: str

    def describe(self, file: str) -> str:
        """`FILE:LINE: column: what is wrong`, or `FILE:LINE: what is wrong` for a whole line."""
        column = f" {self.column}:" if self.column else ""
        return f"{file}:{self.line}:{column} {self.message}"


@dataclass(frozen=True)
class Record:
    """One data row: its line number and its cells by canonical column name (stripped text)."""

    line: int
    cells: Mapping[str, str]

    def get(self, column: str) -> str:
        """The cell under `column`, or '' when the file has no such column."""
        return self.cells.get(column, "")


@dataclass(frozen=True)
class Sheet:
    """A file's recognised columns (canonical name → header as written) and its data rows."""

    headers: Mapping[str, str]
    records: tuple[Record, ...]
    ignored_columns: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    header_line: int = HEADER_LINE

    def has(self, column: str) -> bool:
        """Whether the file has this column."""
        return column in self.headers

    def header(self, column: str) -> str:
        """The column's header as the user wrote it (its canonical name when absent)."""
        return self.headers.get(column, column)


def column_key(text: str) -> str:
    """How headers and vocabularies compare: 'Début  convention' → 'debut_convention'."""
    return re.sub(r"[^a-z0-9]+", "_", fold(text)).strip("_")


def decode(data: bytes) -> str | None:
    """The file's text: UTF-8 (with or without BOM), else Windows-1252; None when neither fits."""
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def sniff_delimiter(text: str) -> str:
    """The delimiter the header line uses most (`;` on a tie, as French Excel writes)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ";"


def read_sheet(data: bytes, aliases: Mapping[str, frozenset[str]]) -> Sheet:
    """Decode `data` and read it against `aliases` (canonical column → accepted header keys)."""
    text = decode(data)
    if text is None:
        return _broken("the file is neither UTF-8 nor Windows-1252 text")
    if "\x00" in text:
        return _broken("the file is binary, not CSV text (was it saved as .xlsx?)")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))
    except csv.Error as exc:
        return _broken(f"the file is not readable as CSV ({exc})")
    start = next((i for i, row in enumerate(rows) if any(cell.strip() for cell in row)), None)
    if start is None:
        return _broken("the file is empty (a header line is expected)")
    return _sheet(rows[start:], HEADER_LINE + start, aliases)


def _broken(message: str) -> Sheet:
    return Sheet(headers={}, records=(), problems=(Problem(HEADER_LINE, "", message),))


def _sheet(rows: list[list[str]], header_line: int, aliases: Mapping[str, frozenset[str]]) -> Sheet:
    """Match the header (on `header_line`) to canonical columns, then read each later row."""
    by_key = {key: column for column, keys in aliases.items() for key in keys}
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for position, raw in enumerate(rows[0]):
        written = raw.strip()
        column = by_key.get(column_key(written))
        if column is None:
            if written:
                ignored.append(written)
        elif column in positions:
            problems.append(
                Problem(header_line, written, f"same column as {headers[column]!r}; keep one")
            )
        else:
            positions[column] = position
            headers[column] = written
    records: list[Record] = []
    for line, row in enumerate(rows[1:], start=header_line + 1):
        if not any(cell.strip() for cell in row):
            continue
        extra = [cell for cell in row[len(rows[0]) :] if cell.strip()]
        if extra:
            problems.append(
                Problem(line, "", f"{len(row)} cells but the header has {len(rows[0])} columns")
            )
        cells = {c: row[p].strip() if p < len(row) else "" for c, p in positions.items()}
        records.append(Record(line, cells))
    return Sheet(headers, tuple(records), tuple(ignored), tuple(problems), header_line)
