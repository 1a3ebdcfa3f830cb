"""iCalendar text as tests search it: folded lines joined, escapes undone."""

from __future__ import annotations

import re


def unfolded(ics: bytes | str) -> str:
    """iCalendar text with folded lines joined and text escapes undone, for searching."""
    text = ics.decode("utf-8") if isinstance(ics, bytes) else ics
    text = text.replace("\r\n ", "").replace("\r\n\t", "")
    return re.sub(r"\\([,;\\])", r"\1", text).replace("\\n", "\n").replace("\\N", "\n")


def properties(ics: bytes | str, name: str) -> list[str]:
    """Every content line of property `name` (unfolded, parameters included), outside
    VTIMEZONE blocks."""
    found = []
    in_zone = False
    for line in unfolded(ics).split("\r\n"):
        if line == "BEGIN:VTIMEZONE":
            in_zone = True
        elif line == "END:VTIMEZONE":
            in_zone = False
        elif not in_zone and re.match(rf"{name}[;:]", line):
            found.append(line)
    return found
