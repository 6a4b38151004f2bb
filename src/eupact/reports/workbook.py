"""Tables as one XLSX workbook (``-f xlsx``): a sheet per table, then a "Sources" sheet.

Each table sheet has its title, a bold header row that stays in view (frozen, with the state
columns beside it), a filter, the Member State's name beside its geo code, and number formats
from the column's kind (:func:`eupact.reports.formatting.column_kind`): counts ``#,##0``, euros
``#,##0.00 "EUR"`` (whole cents converted to euros), percentages as percentages, dates as
dates. Figures stay figures, so that they can be summed; text is written as text, made inert
(:func:`eupact.cells.xlsx_value`): no cell is ever a formula. When any table (or the run's
``label``) says SYNTHETIC, every sheet opens with a SYNTHETIC banner row.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from eupact.cells import xlsx_value
from eupact.reports.formatting import column_kind, is_year_column, places, state_name
from eupact.reports.tables import Table, plain

SYNTHETIC = "SYNTHETIC"
SOURCES = "Sources"
STATE_COLUMN = "member_state"
MAX_CELL = 32_767  # characters an Excel cell holds
MAX_WIDTH = 60  # column width, in characters
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_SOURCE_COLUMNS = ("source", "dataset")


def _decimals(places_: int) -> str:
    return "." + "0" * places_ if places_ else ""


def number_format(kind: str, value: Any, column_places: int, name: str = "") -> str:
    """The Excel number format of a figure in a column of ``kind`` (``year``: no separator)."""
    if kind == "year":
        return "0"
    if kind in ("money", "cents"):
        return '#,##0.00 "EUR"'
    if kind == "meur":
        return f'#,##0{_decimals(column_places)} "EUR m"'
    if kind == "percent":
        return f"0{_decimals(column_places)}%"
    if isinstance(value, int):
        return "#,##0"
    return f"#,##0{_decimals(column_places)}"


def _figure(kind: str, value: Any) -> Any:
    """A figure as the cell holds it: cents as euros, a percentage as a fraction."""
    if kind == "cents":
        return float(Decimal(value) / 100)
    if kind == "percent":
        return float(Decimal(str(value)) / 100)
    return float(value) if isinstance(value, Decimal) else value


def _text(value: Any) -> Any:
    """Any other value as a cell: a date as a date, lists as JSON, text made inert."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    value = plain(value)
    if isinstance(value, list | dict):
        value = json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        if len(value) > MAX_CELL:
            value = value[: MAX_CELL - 40] + f"… (cut: {len(value):,} characters)"
    return xlsx_value(value)


def sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    base = _NOT_IN_SHEET_NAME.sub("_", name).strip("'").strip() or "table"
    candidate, n = base[:31], 1
    while candidate.lower() in taken:
        n += 1
        suffix = f"~{n}"
        candidate = base[: 31 - len(suffix)] + suffix
    taken.add(candidate.lower())
    return candidate


def synthetic_label(tables: Sequence[Table], label: str = "") -> str:
    """The SYNTHETIC banner of the workbook, or "" if nothing in it is synthetic."""
    if label.strip():
        text = label.strip()
        return text if SYNTHETIC in text.upper() else ""
    for t in tables:
        for text in (t.title, *t.notes):
            if SYNTHETIC in text:
                return text
        for row in t.rows:
            for value in row.values():
                if isinstance(value, str) and SYNTHETIC in value:
                    return f"{SYNTHETIC}: table {t.name} holds synthetic figures"
    return ""


def _with_states(table: Table) -> tuple[list[str], bool]:
    columns = list(table.columns)
    if "geo" in columns and STATE_COLUMN not in columns:
        columns.insert(columns.index("geo") + 1, STATE_COLUMN)
        return columns, True
    return columns, False


def write_workbook(tables: Sequence[Table], path: Path, *, label: str = "") -> list[str]:
    """Write ``tables`` to ``path`` as one workbook; the names of its sheets."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    banner = synthetic_label(tables, label)
    if banner and not banner.upper().startswith(SYNTHETIC):
        banner = f"{SYNTHETIC}: {banner}"
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDDDDD")
    warn = (Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="C00000"))

    book = Workbook()
    book.remove(book.active)
    book.properties.title = tables[0].title if tables else "eupact"
    book.properties.creator = "eupact"
    taken = {SOURCES.lower()}
    names: list[str] = []

    def start(sheet: Any, title: str, width: int) -> int:
        """The banner and the title rows; the number of the next row."""
        row = 1
        if banner:
            for col in range(1, max(width, 1) + 1):
                cell = sheet.cell(row=row, column=col)
                cell.font, cell.fill = warn
            sheet.cell(row=row, column=1, value=_text(banner)).data_type = "s"
            row += 1
        cell = sheet.cell(row=row, column=1, value=_text(title))
        cell.font = Font(bold=True, size=12)
        return row + 1

    for table in tables:
        sheet = book.create_sheet(sheet_name(table.name, taken))
        names.append(sheet.title)
        columns, states = _with_states(table)
        top = start(sheet, table.title, len(columns))
        kinds = {
            c: "year"
            if is_year_column(c, [r.get(c) for r in table.rows])
            else column_kind(c, (r.get(c) for r in table.rows))
            for c in table.columns
        }
        digits = {
            c: max((places(r.get(c)) for r in table.rows if _is_figure(r.get(c))), default=0)
            for c in table.columns
        }
        widths = [max(len(c), 6) for c in columns]
        for j, name in enumerate(columns, 1):
            cell = sheet.cell(row=top, column=j, value=_text(name))
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for i, row in enumerate(table.rows, top + 1):
            for j, name in enumerate(columns, 1):
                if states and name == STATE_COLUMN:
                    value: Any = state_name(row.get("geo"))
                    cell = sheet.cell(row=i, column=j, value=_text(value))
                else:
                    value = row.get(name)
                    if _is_figure(value):
                        kind = kinds[name]
                        cell = sheet.cell(row=i, column=j, value=_figure(kind, value))
                        cell.number_format = number_format(kind, value, digits[name], name)
                        shown = len(f"{value:,}") + (4 if kind in ("money", "cents") else 1)
                        widths[j - 1] = max(widths[j - 1], shown)
                        continue
                    cell = sheet.cell(row=i, column=j, value=_text(value))
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                    widths[j - 1] = max(widths[j - 1], 10)
                elif cell.value is not None:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # text, never a formula
                    widths[j - 1] = max(widths[j - 1], len(str(cell.value)))
        for j, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(j)].width = min(width + 2, MAX_WIDTH)
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A{top}:{last}{top + len(table.rows)}"
        # the header row and the state columns stay in view
        lead = columns.index("geo") + 1 if "geo" in columns else 0
        if lead and lead < len(columns) and columns[lead] == STATE_COLUMN:
            lead += 1
        sheet.freeze_panes = f"{get_column_letter(lead + 1)}{top + 1}"

    sheet = book.create_sheet(SOURCES)
    names.append(sheet.title)
    top = start(sheet, "Sources and notes of the tables in this workbook", 3)
    for j, name in enumerate(("sheet", "table", "note"), 1):
        cell = sheet.cell(row=top, column=j, value=name)
        cell.font, cell.fill = bold, head_fill
    r = top + 1
    for table, name in zip(tables, names, strict=False):
        lines = [table.title, *table.notes]
        for col in _SOURCE_COLUMNS:
            if col in table.columns:
                found = dict.fromkeys(str(row[col]) for row in table.rows if row.get(col))
                lines += [f"{col}: {v}" for v in list(found)[:50]]
        for line in lines:
            for j, value in enumerate((name, table.name, line), 1):
                sheet.cell(row=r, column=j, value=_text(value)).data_type = "s"
            r += 1
    from eupact import __version__

    written = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    sheet.cell(row=r + 1, column=1, value=f"written by eupact {__version__} on {written}")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 120
    sheet.freeze_panes = f"A{top + 1}"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return names


def _is_figure(value: Any) -> bool:
    """A finite figure (not a yes/no): written as a number with a number format."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, float) and math.isfinite(value)


__all__ = ["number_format", "sheet_name", "synthetic_label", "write_workbook"]
