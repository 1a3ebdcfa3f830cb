"""Reading a CSV file as Excel saves it: encodings, delimiters, headers, line numbers."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from scheduler.imports.reading import (
    Text,
    Undecodable,
    column_key,
    decode,
    read_sheet,
    sniff_delimiter,
)
from tests.imports.conftest import csv_file

COLUMNS = {
    "name": frozenset({"name", "nom"}),
    "convention_start": frozenset({"convention_start", "debut_convention"}),
    "email": frozenset({"email", "e_mail"}),
}


def test_utf8_with_and_without_bom_and_windows_1252_decode_to_the_same_text() -> None:
    text = "nom;début convention\nVille de Lisière;15/03/2027\n"
    assert decode(text.encode("utf-8")) == Text(text, "utf-8")
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == Text(text, "utf-8")
    assert decode(text.encode("cp1252")) == Text(text, "cp1252")


def test_a_utf8_file_with_one_windows_1252_line_is_refused_at_that_line() -> None:
    data = csv_file("nom;email", "Élise Martin;e@x.example") + csv_file(
        "Hélène Roy;h@x.example", encoding="cp1252"
    )
    sheet = read_sheet(data, COLUMNS)
    assert not sheet.records
    assert [p.describe("acheteurs.csv") for p in sheet.problems] == [
        "acheteurs.csv:3: nom: byte 0xE9 (offset 39) is not UTF-8, though line 2 is: "
        "the file mixes two encodings; save it again as CSV UTF-8"
    ]


def test_a_utf8_file_with_a_byte_order_mark_is_never_read_as_windows_1252() -> None:
    sheet = read_sheet(codecs.BOM_UTF8 + csv_file("nom", "Hélène", encoding="cp1252"), COLUMNS)
    assert [(p.line, p.column) for p in sheet.problems] == [(2, "nom")]
    assert "byte-order mark" in sheet.problems[0].message


def test_bytes_neither_utf8_nor_windows_1252_are_reported_at_their_line_and_column() -> None:
    sheet = read_sheet(b"nom;email\nA;a@x.example\nB;\x81\x8d\n", COLUMNS)
    assert [p.describe("f.csv") for p in sheet.problems] == [
        "f.csv:3: email: byte 0x81 (offset 26) is neither UTF-8 nor Windows-1252; "
        "save it again as CSV UTF-8"
    ]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excel_unicode_text_is_read_with_or_without_byte_order_mark(codec: str) -> None:
    data = "nom\temail\r\nHélène Roy\th@x.example\r\n".encode(codec)
    sheet = read_sheet(data, COLUMNS)
    assert not sheet.problems
    assert [r.cells for r in sheet.records] == [{"name": "Hélène Roy", "email": "h@x.example"}]


def test_broken_utf16_is_refused_at_its_line() -> None:
    data = codecs.BOM_UTF16_LE + "nom\nA\n".encode("utf-16-le") + b"\x00\xdcB\x00"
    sheet = read_sheet(data, COLUMNS)
    assert [(p.line, p.column) for p in sheet.problems] == [(3, "nom")]
    assert "bytes 00 DC (offset 14) are not UTF-16" in sheet.problems[0].message


def test_a_workbook_saved_as_xlsx_is_not_taken_for_csv() -> None:
    sheet = read_sheet(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", COLUMNS)
    assert "workbook (.xlsx or .ods)" in sheet.problems[0].message


def test_other_binary_data_is_not_taken_for_csv() -> None:
    sheet = read_sheet(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00", COLUMNS)
    assert "binary" in sheet.problems[0].message


# What the directory's cells hold: French names, addresses, typography. « Â Ã Ä Å » are left out
# of the random text since only they could begin a UTF-8 letter in Windows-1252 (module docstring);
# « CHÂTEAU » shows that Â before a letter is still fine.
FRENCH = st.text(
    st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ;,.-'@\t\r\n\"")
        + list("éèêëàâäçîïôöùûüÿœæÉÈÊËÀÇÎÏÔÖÙÛÜŸŒÆ«»’–—…€°\xa0")
    )
)


@given(FRENCH)
def test_utf8_text_decodes_to_itself(text: str) -> None:
    assert decode(text.encode("utf-8")) == Text(text, "utf-8")
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8")) == Text(text, "utf-8")


@given(FRENCH.filter(lambda t: not _is_utf8(t.encode("cp1252")) and "â€" not in t))
def test_windows_1252_text_decodes_to_itself(text: str) -> None:
    """(Bytes valid in both, such as « ÆŒ » alone, are UTF-8; a lower-case accent rules it out.
    « â€ » then a symbol is how a UTF-8 « ’ » or « … » reads in Windows-1252: such a file is
    taken for a mixed one, and French never writes it.)"""
    assert decode(text.encode("cp1252")) == Text(text, "cp1252")


def test_windows_1252_accents_that_happen_to_spell_utf8_are_windows_1252() -> None:
    """« âŒ » and « é’’ » are valid UTF-8 by chance (a sign, a CJK letter), not a UTF-8 name."""
    for text in ("\xa0âŒ\xa0", "Cité’’ des Arts\xa0"):
        assert decode(text.encode("cp1252")) == Text(text, "cp1252")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_capitals_with_circumflex_are_read_in_windows_1252() -> None:
    text = "nom\nCHÂTEAU-THIERRY « Â » ; Sainte-Anne-d’Auray\n"
    assert decode(text.encode("cp1252")) == Text(text, "cp1252")


@given(st.binary())
def test_decoding_never_loses_or_invents_a_byte(data: bytes) -> None:
    """Either the text is the bytes read in one encoding, or the file is refused."""
    decoded = decode(data)
    if isinstance(decoded, Text):
        encoded = decoded.text.encode(decoded.encoding)
        marks = {b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE}
        assert any(data == mark + encoded for mark in marks)
    else:
        assert isinstance(decoded, Undecodable)
        assert 0 <= decoded.offset < len(data)


@given(
    st.lists(FRENCH.filter(lambda t: "\n" not in t and "\r" not in t), min_size=1),
    st.integers(min_value=0),
    st.text(st.sampled_from(list("éèàçÉÈÀÇœ")), min_size=1),
)
def test_one_windows_1252_line_in_utf8_is_refused_on_that_line(
    lines: list[str], where: int, accented: str
) -> None:
    """However the lines around it look, the first line not in UTF-8 is the one named."""
    cells = ["nom", "Élise", *(line.replace(";", " ").replace('"', " ") for line in lines)]
    bad = 2 + where % (len(cells) - 2)
    cells[bad] += "x" + accented
    try:  # "xÇœ" in cp1252 is C7 9C, which UTF-8 reads as "ǜ": that line is not wrong, then
        cells[bad].encode("cp1252").decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        assume(False)
    data = b"".join(
        cell.encode("cp1252" if number == bad else "utf-8") + b"\r\n"
        for number, cell in enumerate(cells)
    )
    sheet = read_sheet(data, COLUMNS)
    assert [(p.line, p.column) for p in sheet.problems] == [(bad + 1, "nom")]
    assert "though line 2 is" in sheet.problems[0].message


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
