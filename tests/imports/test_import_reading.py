"""Reading a CSV file as Excel saves it: encodings, delimiters, headers, line numbers."""

from __future__ import annotations

import pytest

from scheduler.imports.reading import column_key, decode, read_sheet, sniff_delimiter
from tests.imports.conftest import csv_file

COLUMNS = {
    "name": frozenset({"name", "nom"}),
    "convention_start": frozenset({"convention_start", "debut_convention"}),
    "email": frozenset({"email", "e_mail"}),
}


def test_utf8_with_and_without_bom_and_windows_1252_decode_to_the_same_text() -> None:
    text = "nom;début convention\nVille de Lisière;15/03/2027\n"
    assert decode(text.encode("utf-8")) == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode(text.encode("cp1252")) == text


def test_bytes_neither_utf8_nor_windows_1252_are_reported_on_line_1() -> None:
    sheet = read_sheet(b"nom\n\x81\x8d\n", COLUMNS)
    assert [(p.line, p.message) for p in sheet.problems] == [
        (1, "the file is neither UTF-8 nor Windows-1252 text")
    ]


def test_a_workbook_saved_as_xlsx_is_not_taken_for_csv() -> None:
    sheet = read_sheet(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", COLUMNS)
    assert "binary" in sheet.problems[0].message


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nom;email;territoire", ";"),
        ("name,email,territory", ","),
        ("name\temail", "\t"),
        ('"Nom, prénom";email;x', ";"),
        ("nom", ";"),
    ],
)
def test_the_delimiter_is_the_one_the_header_line_uses_most(header: str, expected: str) -> None:
    assert sniff_delimiter(header + "\nA;b,c\n") == expected


@pytest.mark.parametrize(
    "written", ["Début convention", "DEBUT_CONVENTION", " début   convention ", "Debut-Convention"]
)
def test_headers_are_matched_whatever_their_case_accents_and_spaces(written: str) -> None:
    sheet = read_sheet(csv_file(f"Nom;{written}", "Ville;15/03/2027"), COLUMNS)
    assert sheet.headers["convention_start"] == written.strip()
    assert sheet.records[0].get("convention_start") == "15/03/2027"
    assert not sheet.problems


def test_column_key_folds_accents_case_and_punctuation() -> None:
    assert column_key("Établissement  public") == "etablissement_public"
    assert column_key("communauté d'agglomération") == "communaute_d_agglomeration"


def test_unknown_columns_are_ignored_and_named() -> None:
    sheet = read_sheet(csv_file("nom;Téléphone;;Notes", "Ville;01 02;;x"), COLUMNS)
    assert sheet.ignored_columns == ("Téléphone", "Notes")
    assert sheet.records[0].cells == {"name": "Ville"}


def test_two_headers_for_the_same_column_are_a_problem_on_line_1() -> None:
    sheet = read_sheet(csv_file("nom;email;E-mail", "Ville;a@b.example;c@d.example"), COLUMNS)
    assert [(p.line, p.column) for p in sheet.problems] == [(1, "E-mail")]


def test_line_numbers_are_the_rows_a_spreadsheet_shows() -> None:
    data = (
        b"nom;email\r\nA;a@x.example\r\n\r\n"
        b'"B\r\non two lines";b@x.example\r\n;\r\nC;c@x.example\r\n'
    )
    sheet = read_sheet(data, COLUMNS)
    assert [(r.line, r.get("name")) for r in sheet.records] == [
        (2, "A"),
        (4, "B\r\non two lines"),
        (6, "C"),
    ]


def test_blank_lines_before_the_header_move_it_down() -> None:
    sheet = read_sheet(b"\n;;\nnom\nA\n", COLUMNS)
    assert sheet.header_line == 3
    assert sheet.records[0].line == 4


def test_cells_beyond_the_header_are_a_problem_and_missing_ones_are_empty() -> None:
    sheet = read_sheet(csv_file("nom;email", "A;a@x.example;surplus", "B"), COLUMNS)
    assert [(p.line, p.message) for p in sheet.problems] == [
        (2, "3 cells but the header has 2 columns")
    ]
    assert sheet.records[1].get("email") == ""


@pytest.mark.parametrize("data", [b"", b"\r\n\r\n", b";;;\n"])
def test_an_empty_file_is_a_problem(data: bytes) -> None:
    sheet = read_sheet(data, COLUMNS)
    assert [p.describe("f.csv") for p in sheet.problems] == [
        "f.csv:1: the file is empty (a header line is expected)"
    ]
