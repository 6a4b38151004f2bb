"""Formula injection (OWASP "CSV injection"): a Member State's note such as
``=HYPERLINK("http://x","y")`` reaches the CSV and XLSX downloads as inert text, with a leading
``'``, never as a formula; numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from eupact.cells import inert, xlsx_value
from eupact.reports.tables import csv_text
from eupact.web.downloads import _xlsx

from .test_web import Site, _site

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "-"]
NUMBERS: list[object] = [-5, Decimal("-12.50"), "-12.50", "3", 2.5, "-1E+3"]


def csv_inert(text: str) -> str:
    """What a CSV cell holds for ``text``: a leading ', CR as LF, and a ' after a tab or a line
    break that precedes a trigger (a reader splitting on tabs or ';' would start a cell there)."""
    return "'" + text.replace("\r", "\n").replace("\t=", "\t'=").replace("\n=", "\n'=")


def test_formula_like_text_is_made_inert_and_numbers_are_not() -> None:
    for text in FORMULAS:
        assert inert(text) == csv_inert(text)
        assert inert(text, split=False) == "'" + text.replace("\r", "\n")
    for number in NUMBERS:
        assert inert(number) == number
    assert inert("plain note") == "plain note" and inert("") == ""


def test_csv_text_writes_formulas_as_inert_text() -> None:
    rows = [{"note": text, "amount": -7, "share": "-0.25"} for text in FORMULAS]
    parsed = list(csv.DictReader(io.StringIO(csv_text(rows), newline="")))
    # a carriage return would end the row: it is written as a line feed, inside the quotes
    assert [r["note"] for r in parsed] == [csv_inert(t) for t in FORMULAS]
    assert {r["amount"] for r in parsed} == {"-7"} and {r["share"] for r in parsed} == {"-0.25"}


def test_dashboard_xlsx_stores_text_cells_as_text_and_numbers_as_numbers() -> None:
    rows = [{"note": text, "amount": "-12.50", "persons": -3} for text in FORMULAS]
    _, body = _xlsx(rows, {"table": "pledges", "label": "=cmd|' /C calc'!A0"})
    book = load_workbook(io.BytesIO(body))
    sheet = book.worksheets[0]
    first = header_row(sheet, "note")
    for row, text in zip(sheet.iter_rows(min_row=first + 1), FORMULAS, strict=True):
        note, amount, persons = row[:3]
        assert note.data_type == "s", note.value
        assert note.value == "'" + text.replace("\r", "\n")
        assert amount.data_type == "n" and amount.value == -12.5
        assert persons.data_type == "n" and persons.value == -3
    # nothing the download is about becomes a formula anywhere in the workbook
    assert not any(c.data_type == "f" for ws in book for row in ws.iter_rows() for c in row)


def header_row(sheet: Any, first_column: str) -> int:
    """The row of a workbook's sheet that holds the header (banner and title rows come first)."""
    return next(i for i, row in enumerate(sheet.iter_rows(), 1) if row[0].value == first_column)


def test_xlsx_values_that_xml_cannot_hold_are_escaped() -> None:
    assert xlsx_value("a\x00b\ud800") == "a\\u0000b\\ud800"
    assert xlsx_value("0012") == 12 and xlsx_value("1234567890123456789") == "1234567890123456789"


@pytest.fixture(scope="module")
def pledging(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from _site("sqlite", tmp_path_factory.mktemp("injection"), "pledging")


def test_a_pledge_note_reaches_the_downloads_as_inert_text(pledging: Site) -> None:
    note = '=HYPERLINK("http://x","y")'
    client = pledging.client("DE")
    target = next(p for p in pledging.pledges("DE") if p["kind"] == "financial")
    response = client.post(
        f"/workspace/DE/pledges/{target['id']}",
        data={
            "csrf": pledging.csrf("DE"),
            "version": target["version"],
            "kind": "financial",
            "amount": target["amount_eur"],
            "note": note,
            "action": "update",
        },
    )
    assert response.status_code == 303, response.text[:800]
    text = client.get("/downloads/pledges.csv").text
    notes = [r["note"] for r in csv.DictReader(io.StringIO(text, newline=""))]
    assert "'" + note in notes and note not in notes
    book = load_workbook(io.BytesIO(client.get("/downloads/pledges.xlsx").content))
    sheet = book.worksheets[0]
    first = next(
        i for i, row in enumerate(sheet.iter_rows(), 1) if "note" in [c.value for c in row]
    )
    header = [c.value for c in sheet[first]]
    cells = [row[header.index("note")] for row in sheet.iter_rows(min_row=first + 1)]
    found = [c for c in cells if c.value and "HYPERLINK" in c.value]
    assert found and all(c.data_type == "s" and c.value == "'" + note for c in found)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


@pytest.mark.parametrize("delimiter", [";", "\t"])
@pytest.mark.parametrize("note", ["see;=HYPERLINK(A1);", "a\t=1+1", "x;@SUM(1)", "y;+1;-2"])
def test_a_note_split_on_another_delimiter_makes_no_formula_cell(note: str, delimiter: str):
    """Found by probing the running server: a note with no comma was written unquoted, and a
    spreadsheet that splits on ';' (German, French Excel) or a tab read a formula cell."""
    text = csv_text([{"state": "SE", "amount_eur": "10.00", "note": note}])
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@")), (cell, text)
