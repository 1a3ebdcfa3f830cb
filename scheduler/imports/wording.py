"""What can be wrong in an imported file, each as a key and its values, worded in English here
(the CLI's words, and the default `Problem.message`).

A reader that is not the CLI (the workspace, in French) words the same key with the same values
its own way: the key says what is wrong, the values are the cells and headers as the file holds
them. `Wrong` is the ValueError a cell's parser raises, `worded` the English of any key."""

from __future__ import annotations

from collections.abc import Mapping

RESAVE = "save it again as CSV UTF-8"

ENGLISH: Mapping[str, str] = {
    # a cell (scheduler.imports.values, scheduler.imports.rows)
    "not_a_kind": "{text!r} is not a kind of {role} (one of: {known})",
    "not_a_date": "{text!r} is not a date (write 2027-03-15 or 15/03/2027)",
    "not_a_month": "{text!r} is not a month (1 to 12, or a name such as 'octobre')",
    "not_an_email": "{text!r} is not an e-mail address",
    "not_an_identifier": "{text!r} is not an identifier: lower-case letters, digits and -",
    "not_an_identifier_try": (
        "{text!r} is not an identifier: lower-case letters, digits and - (such as {suggestion!r})"
    ),
    "empty_identifier": "{name!r} gives an empty identifier; add a slug column",
    "not_a_language": "{text!r} is not a language (fr or en)",
    "not_a_ritual_kind": "{text!r} is not a ritual kind (one of: {known})",
    "not_a_facilitator": "{text!r} is not a configured facilitator ({known})",
    "no_facilitator": "{text!r} is not a configured facilitator (none is configured)",
    "too_long": "{length} characters; at most {limit}",
    "not_an_amount": "{text!r} is not an amount in euros (write 1500 or 1 500,50)",
    "not_an_article": "{text!r} is not an article (le, la, l', les, or - for none)",
    "missing_value": "missing value",
    "missing_because": "missing value ({because} is given)",
    "end_not_after_start": "{end} is not after {start_header} {start}",
    "already_on_line": "{text!r} is already on line {first}",
    # the file (scheduler.imports.reading)
    "required_column": "required column is missing from the header line",
    "same_column": "same column as {other!r}; keep one",
    "extra_cells": "{cells} cells but the header has {columns} columns",
    "workbook": f"the file is a workbook (.xlsx or .ods), not CSV text; {RESAVE}",
    "binary": "the file is binary, not CSV text (was it saved as .xlsx?)",
    "not_csv": "the file is not readable as CSV ({error})",
    "empty_file": "the file is empty (a header line is expected)",
    "not_utf8": f"byte 0x{{byte}} (offset {{offset}}) is not UTF-8; {RESAVE}",
    "not_utf8_despite_bom": (
        "byte 0x{byte} (offset {offset}) is not UTF-8, though the file starts with a UTF-8 "
        f"byte-order mark; {RESAVE}"
    ),
    "mixed_encodings": (
        "byte 0x{byte} (offset {offset}) is not UTF-8, though line {utf8_line} is: the file "
        f"mixes two encodings; {RESAVE}"
    ),
    "not_utf8_nor_cp1252": (
        f"byte 0x{{byte}} (offset {{offset}}) is neither UTF-8 nor Windows-1252; {RESAVE}"
    ),
    "not_utf16": f"bytes {{wrong}} (offset {{offset}}) are not UTF-16; {RESAVE}",
    # what the directory holds (scheduler.service.directory)
    "identifier_of_other_role": (
        "the identifier {slug!r} is already the {role} {name!r}; give this one its own slug"
    ),
    "contact_of_other": "{email!r} is already a contact of {owner!r}",
    "contact_of_guichet": "{email!r} is already a contact of the guichet",
    "several_organisations": "{text!r} names several organisations ({slugs}); give the slug",
    "unknown_organisation": "{text!r} is not a known organisation (import it first)",
    # the yearly results (scheduler.imports.results, scheduler.service.directory.results)
    "not_a_year": "{text!r} is not a year (such as 2027)",
    "not_a_count": "{text!r} is not a whole number (such as 12 or 1 234)",
    "not_hours": "{text!r} is not a number of hours (such as 4 520 or 4 520,5)",
    "several_buyers": "{text!r} names several buyers ({slugs}); give the slug",
    "not_a_buyer": "{text!r} is not a buyer but a {role}",
    "unknown_buyer": "{text!r} is not a known buyer (import the buyers first)",
}
"""Each key's English; `{name!r}` quotes a value as Python does ('Ville A')."""


def worded(key: str, params: Mapping[str, str]) -> str:
    """The English of `key` with its values."""
    return ENGLISH[key].format(**params)


class Wrong(ValueError):
    """A cell is wrong: `key` says how, `params` holds the values; str() is the English."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = {name: str(value) for name, value in params.items()}
        super().__init__(worded(key, self.params))
