"""`eupact data template`: the file a user fills in for `eupact data import`, in CSV or XLSX.

Both hold the header and one example row, a comment (its first cell starts with ``#``) so that
importing the untouched template imports nothing. The XLSX adds a bold, frozen header, column
widths, the period column as text (so that a spreadsheet does not turn ``2024-07`` into a date),
lists to pick the state and the indicator from, and a second sheet, ``columns``, explaining each
column and listing the indicator names an import accepts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from eupact.cells import inert
from eupact.data.imports import COLUMNS, EU_AGGREGATE, OPTIONAL, PERIOD_YEARS

COLUMN_HELP: Mapping[str, str] = {
    "indicator": "the indicator's name, e.g. asylum_applicants_first_time (see the list below)",
    "geo": "Member State's Eurostat code (AT, BE, ..., EL for Greece) or EU27_2020 for the EU total",
    "period": "2024 (a year), 2024-07 (a month), 2024-Q3, 2024-H2, 2024-07/2025-06, or a date "
    "2024-01-01 for a stock such as population; write it as text",
    "value": "the figure: digits, '.' as decimal mark, no thousands separator, not negative",
    "unit": "what is counted, e.g. persons, persons (first-time applicants), per 1 000 inhabitants",
    "reference_date": "optional: the date or span the figure refers to, in words",
    "source_title": "who published the figure, and where: e.g. Ministry of the Interior, annual "
    "asylum statistics 2024",
    "source": "where to find it: a web address or a document reference",
    "notes": "optional: definitions, revisions, anything a reader should know",
}
EXAMPLE = (
    "#asylum_applicants_first_time",
    "AT",
    "2024",
    "12345",
    "persons (first-time applicants)",
    "2024 calendar year",
    "EXAMPLE, never imported (its first cell starts with #): Ministry of the Interior, annual "
    "asylum statistics 2024",
    "https://www.example.org/replace-with-your-source",
    "delete this row, or remove the # and write your figure in every cell",
)
WIDTHS = {
    "indicator": 38,
    "geo": 10,
    "period": 18,
    "value": 14,
    "unit": 32,
    "reference_date": 22,
    "source_title": 60,
    "source": 48,
    "notes": 48,
}
ROWS_PREPARED = 1_000  # rows of the sheet given the text format and the pick lists


def csv_template() -> str:
    """The CSV template: the header and the example row (a comment)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow([inert(v) for v in EXAMPLE])
    return out.getvalue()


def xlsx_template(path: Path, indicators: Mapping[str, str], geos: Sequence[str]) -> None:
    """Write the XLSX template to ``path``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "figures"
    sheet.append(list(COLUMNS))
    sheet.append(list(EXAMPLE))
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    sheet.freeze_panes = "A2"
    for i, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = WIDTHS[name]
        if name in {"period", "geo", "indicator", "reference_date"}:
            for row in range(2, ROWS_PREPARED + 2):
                sheet.cell(row=row, column=i).number_format = "@"  # text, never a date

    help_sheet = book.create_sheet("columns")
    help_sheet.append(["column", "required", "what to write"])
    for name in COLUMNS:
        help_sheet.append([name, "no" if name in OPTIONAL else "yes", COLUMN_HELP[name]])
    notes = [
        "",
        "One figure per row. A row whose first cell starts with # is a comment and is not "
        "imported (the example row on the sheet 'figures' is one).",
        f"Periods from {PERIOD_YEARS[0]} to next year. A state without a figure has no row: a "
        "missing figure is never 0.",
        "Import with: eupact data import THIS_FILE.xlsx",
        "",
    ]
    for line in notes:
        help_sheet.append(["", "", line] if line else [])
    first = help_sheet.max_row + 1
    help_sheet.append(["indicator", "", "what it is"])
    for name, text in indicators.items():
        help_sheet.append([name, "", inert(text, split=False)])
    last = help_sheet.max_row
    for row in (1, first):
        for cell in help_sheet[row]:
            cell.font = bold
    help_sheet.freeze_panes = "A2"
    help_sheet.column_dimensions["A"].width = 44
    help_sheet.column_dimensions["B"].width = 10
    help_sheet.column_dimensions["C"].width = 110
    for row in help_sheet.iter_rows(min_row=2, max_col=3):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")

    pick_geo = DataValidation(
        type="list",
        formula1='"' + ",".join([*geos, EU_AGGREGATE]) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="geo",
        error="A Member State's Eurostat code (EL is Greece) or EU27_2020 for the EU total",
    )
    pick_indicator = DataValidation(
        type="list",
        formula1=f"columns!$A${first + 1}:$A${last}",
        allow_blank=True,
        showErrorMessage=False,  # a comment row starts with #: warn nothing, the import checks
    )
    for check, name in ((pick_geo, "geo"), (pick_indicator, "indicator")):
        letter = get_column_letter(COLUMNS.index(name) + 1)
        check.add(f"{letter}2:{letter}{ROWS_PREPARED + 1}")
        sheet.add_data_validation(check)
    book.save(path)


__all__ = ["COLUMN_HELP", "EXAMPLE", "csv_template", "xlsx_template"]
