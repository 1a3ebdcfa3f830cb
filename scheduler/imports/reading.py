"""From the bytes of a CSV file to a sheet: decoded text, sniffed delimiter, recognised headers.

What Excel writes depends on the machine: `;` on French systems and `,` elsewhere, UTF-8 with or
without a byte-order mark ("CSV UTF-8"), Windows-1252 ("CSV (séparateur: point-virgule)") or
UTF-16 with a byte-order mark and tabs ("Texte Unicode").
Headers are matched whatever their case, accents, spaces or underscores, in English or French.
Line numbers are the rows a spreadsheet shows: the header is line 1.

A file is read in one encoding or refused, never guessed line by line:

- a byte-order mark says UTF-8 or UTF-16 (UTF-16 without one is recognised by its zero bytes);
- else valid UTF-8 is UTF-8;
- else a file with no UTF-8 letter at all is Windows-1252, as French Excel saves it;
- else the file mixes the two (a UTF-8 file with one line pasted from a Windows-1252 one): it is
  refused at its first byte that is not UTF-8, since reading it either way garbles some names.

"A UTF-8 letter" is what French text written in UTF-8 holds beyond ASCII: a Latin-1 or Latin
Extended-A character (two bytes, lead byte C2 to C5: « é », « œ » are C3 A9, C5 93), typographic
punctuation or the euro sign (three bytes E2 80 to E2 82: « ’ », « … », « € »). In Windows-1252
such a pair reads « Â Ã Ä Å » followed by a symbol, and such a triple « â€ » or « â‚ » followed
by a symbol, which French never writes, so a file saved in Windows-1252 is not mistaken for a
mixed one. Other sequences valid in UTF-8 (a CJK letter, a mathematical sign) are chance
arrangements of Windows-1252 accents (« é’’ », « âŒ ») and prove nothing.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from scheduler.core.text import fold
from scheduler.imports.wording import worded

HEADER_LINE = 1
DELIMITERS = (";", ",", "\t")
_UTF8_LETTER = re.compile("[\u0080-\u017f\u2000-\u20bf]")
_UNDECODED = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Text:
    """A file's text and the codec it was read with: 'utf-8', 'utf-16-le', 'utf-16-be' or
    'cp1252' (after the byte-order mark, if any)."""

    text: str
    encoding: str


@dataclass(frozen=True)
class Undecodable:
    """A file refused: its text read leniently, each undecodable byte a lone surrogate (U+DC80 to
    U+DCFF); the first of them is at byte `offset` of the file; `mixed` when other lines are
    UTF-8."""

    text: str
    offset: int
    key: str
    """What is wrong (scheduler.imports.wording), with `params`."""
    params: tuple[tuple[str, str], ...]
    mixed: bool = False


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (line and column as the user wrote it) and what."""

    line: int
    column: str
    message: str
    key: str = field(default="", compare=False)
    """What is wrong (scheduler.imports.wording), for a reader that words it its own way;
    empty for a message that has no key."""
    params: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    """The values of `key`'s wording."""

    @classmethod
    def worded(cls, line: int, column: str, key: str, **params: object) -> Problem:
        """The problem `key` with `params`, its message in English."""
        values = tuple((name, str(value)) for name, value in params.items())
        return cls(line, column, worded(key, dict(values)), key, values)

    @classmethod
    def of(cls, line: int, column: str, wrong: ValueError) -> Problem:
        """The problem a cell's parser raised (worded when it is a `Wrong`)."""
        key = getattr(wrong, "key", "")
        params = getattr(wrong, "params", {})
        return cls(line, column, str(wrong), key, tuple(params.items()))

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


def decode(data: bytes) -> Text | Undecodable:
    """The file's text, in the one encoding it is written in (see the module's rules)."""
    for mark, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(mark):
            return _utf16(data[len(mark) :], codec, len(mark))
    bomless = _bomless_utf16(data)
    if bomless is not None:
        return _utf16(data, bomless, 0)
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    text = data[bom:].decode("utf-8", "surrogateescape")
    bad = _UNDECODED.search(text)
    if bad is None:
        return Text(text, "utf-8")
    letter = _UTF8_LETTER.search(text)
    if letter is not None or bom:
        offset = bom + len(text[: bad.start()].encode("utf-8", "surrogateescape"))
        key = "not_utf8" if letter is not None else "not_utf8_despite_bom"
        at = (("byte", f"{data[offset]:02X}"), ("offset", str(offset)))
        return Undecodable(text, offset, key, at, mixed=letter is not None)
    text = data.decode("cp1252", "surrogateescape")
    bad = _UNDECODED.search(text)
    if bad is None:
        return Text(text, "cp1252")
    byte = data[bad.start()]
    at = (("byte", f"{byte:02X}"), ("offset", str(bad.start())))
    return Undecodable(text, bad.start(), "not_utf8_nor_cp1252", at)


def _utf16(data: bytes, codec: str, bom: int) -> Text | Undecodable:
    """UTF-16 text (after its byte-order mark, `bom` bytes long), or where it stops being so."""
    try:
        return Text(data.decode(codec), codec)
    except UnicodeDecodeError as exc:
        text = data[: exc.start].decode(codec) + "\udcff" + data[exc.end :].decode(codec, "replace")
        wrong = data[exc.start : exc.end].hex(" ").upper()
        at = (("wrong", wrong), ("offset", str(bom + exc.start)))
        return Undecodable(text, bom + exc.start, "not_utf16", at)


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' for text saved without a byte-order mark: in mostly-ASCII
    UTF-16 every other byte is zero."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and others.count(0) <= 0.1 * len(others):
            return codec
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
    if data.startswith(b"PK\x03\x04"):
        return _broken("workbook")
    decoded = decode(data)
    if isinstance(decoded, Undecodable):
        return Sheet(headers={}, records=(), problems=(_undecodable(decoded),))
    text = decoded.text
    if "\x00" in text:
        return _broken("binary")
    try:
        rows = _rows(text)
    except csv.Error as exc:
        return _broken("not_csv", error=exc)
    start = next((i for i, row in enumerate(rows) if any(cell.strip() for cell in row)), None)
    if start is None:
        return _broken("empty_file")
    return _sheet(rows[start:], HEADER_LINE + start, aliases)


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text)))


def _undecodable(decoded: Undecodable) -> Problem:
    """The problem at the first undecodable byte: its line, its column's header, its offset."""
    line, column = _locate(decoded.text, _UNDECODED.search)
    params = dict(decoded.params)
    if decoded.mixed:
        utf8_line, _ = _locate(decoded.text, _UTF8_LETTER.search)
        return Problem.worded(line, column, "mixed_encodings", **params, utf8_line=utf8_line)
    return Problem.worded(line, column, decoded.key, **params)


def _locate(text: str, found: Callable[[str], object]) -> tuple[int, str]:
    """The line (as a spreadsheet numbers rows) of the first cell where `found` is true, and the
    header of its column ('' on the header line); the physical line when CSV fails."""
    try:
        rows = _rows(text)
    except csv.Error:
        rows = [[line] for line in text.split("\n")]
    header: list[str] = []
    for number, row in enumerate(rows, start=HEADER_LINE):
        for position, cell in enumerate(row):
            if found(cell):
                name = header[position].strip() if position < len(header) else ""
                return number, name
        if not header and any(cell.strip() for cell in row):
            header = row
    return HEADER_LINE, ""


def _broken(key: str, **params: object) -> Sheet:
    problem = Problem.worded(HEADER_LINE, "", key, **params)
    return Sheet(headers={}, records=(), problems=(problem,))


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
                Problem.worded(header_line, written, "same_column", other=headers[column])
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
                Problem.worded(line, "", "extra_cells", cells=len(row), columns=len(rows[0]))
            )
        cells = {c: row[p].strip() if p < len(row) else "" for c, p in positions.items()}
        records.append(Record(line, cells))
    return Sheet(headers, tuple(records), tuple(ignored), tuple(problems), header_line)
