"""`eupact data import`: a user's own figures (a ministry's national table) as a new snapshot version.

The file, CSV or XLSX (the template of `eupact data template`), has one figure per row under the
header ``indicator, geo, period, value, unit, reference_date, source_title, source, notes``
(``reference_date`` and ``notes`` may be left out). Every row is checked before anything is
written, and every broken cell is reported with its file, row and column:

- the header: a missing, unknown or repeated column is named, with the expected ones;
- ``indicator``: a name eupact knows (the snapshot's, the Eurostat registry's, the assessment's),
  else the closest known name is suggested;
- ``geo``: a Member State's Eurostat code (EL is Greece) or ``EU27_2020`` for the EU total;
- ``period``: a year, ``2024-07``, ``2024-Q3``, ``2024-H2``, ``2024-07/2025-06`` or a date, within
  :data:`PERIOD_YEARS`;
- ``value``: a non-negative number of at most :data:`MAX_DIGITS` digits, checked as text before it
  is converted;
- text: no control characters, and nothing a spreadsheet would run as a formula.

A row whose first cell starts with ``#`` is a comment (the template's example row is one). The
figures are written as the ``user_figures`` resource of a new version, labelled as the user's
(source class ``user``), never as Eurostat's. Nothing is written if any row is bad, nor when no
figure differs from the base snapshot or from the last import built on it.

Why one file: the checks of one row run together (a row's period is read against its indicator
and geo) and report in one pass; split by column, each would need the whole row again.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from eupact.data import update
from eupact.data.eurostat.indicators import INDICATORS as EUROSTAT_INDICATORS
from eupact.data.periods import parse_period
from eupact.data.snapshot import Snapshot, load_snapshot
from eupact.data.update import FetchReport, UpdateResult
from eupact.errors import EupactError, Problem, fail, reason_of

RESOURCE = "user_figures"
COLUMNS = ("indicator", "geo", "period", "value", "unit", "reference_date", "source_title",
           "source", "notes")  # fmt: skip
OPTIONAL = frozenset({"reference_date", "notes"})
EU_AGGREGATE = "EU27_2020"

#: Years a period may fall in: from 2008, the first reference year of the EU's migration and
#: asylum statistics (Regulation (EC) No 862/2007 applies from reference year 2008), to one year
#: after the current one (a 1 July - 30 June period, or a date-stamped stock, may end next year).
#: Outside them a period is a typo (2204, 1024), not data. (first year, years after this one)
PERIOD_YEARS = (2008, 1)
#: Digits of a value, counted before any conversion: up to 15 a float holds the figure exactly,
#: and no count of persons in the EU comes near; more digits are a mistake, or an attack.
MAX_DIGITS = 15
MAX_DECIMALS = 6
MAX_TEXT = 1_000  # characters of a text cell
MAX_ROWS = 50_000  # 27 states x 40 indicators x 40 periods fits many times over
MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024  # an XLSX is a zip: bounded unpacked too (no zip bomb)
MAX_PROBLEMS = 200  # reported one by one; more are counted
COMMENT = "#"

_VALUE = re.compile(r"[0-9]+(\.[0-9]+)?", re.ASCII)
_NEAR_GEO = {
    "GR": "EL is Eurostat's code for Greece",
    "UK": "the United Kingdom is not a Member State",
    "GB": "the United Kingdom is not a Member State",
    "EU": "write EU27_2020 for the EU total",
    "EU27": "write EU27_2020 for the EU total",
    "EU28": "write EU27_2020 for the EU total (EU28 included the United Kingdom)",
    "EU27_2019": "write EU27_2020 for the EU total",
}


def period_span(label: str) -> tuple[int, int] | None:
    """The first and last month (``year * 12 + month - 1``) a period covers; None when it does
    not parse (the assessment's forms, with a date that must exist)."""
    return parse_period(label, strict_dates=True)


def known_indicators(base: Snapshot, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every indicator name an import may use, with a line on what it is: the snapshot's series
    and EU totals, the Eurostat registry's, and ``extra`` (the assessment registry's sources,
    given by the caller: the data layer does not read the assessment)."""
    names: dict[str, str] = {}
    for series in base.series:
        unit = f" ({series.source.unit})" if series.source.unit else ""
        names.setdefault(series.indicator, f"in the snapshot{unit}")
    for row in base.tables.get("eu_aggregates", []):
        names.setdefault(str(row["indicator"]), "in the snapshot (EU totals)")
    for name, ind in EUROSTAT_INDICATORS.items():
        names[name] = f"{ind.title} (Eurostat {ind.dataset}, {ind.unit})"
    for name, text in (extra or {}).items():
        names.setdefault(name, text)
    return dict(sorted(names.items()))


def member_states(base: Snapshot) -> tuple[str, ...]:
    """The Member States' geo codes of the snapshot: those its published figures may carry."""
    descriptor = json.loads((base.path / "datapackage.json").read_text(encoding="utf-8"))
    resources = sorted(descriptor["resources"], key=lambda r: r.get("name") != "published_figures")
    for resource in resources:
        for fld in resource.get("schema", {}).get("fields", []):
            enum = fld.get("constraints", {}).get("enum") if fld.get("name") == "geo" else None
            if enum:
                return tuple(sorted(g for g in enum if g != EU_AGGREGATE))
    return tuple(sorted(base.classification))


# --- reading --------------------------------------------------------------------------------


def _read_csv(path: Path, data: bytes) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(
            "file",
            path.name,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); in a "
            "spreadsheet, save it as 'CSV UTF-8'",
            summary="cannot import figures",
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise fail(
            "file",
            path.name,
            f"is not a readable CSV table ({exc})",
            summary="cannot import figures",
        ) from None


def _read_xlsx(path: Path) -> Iterator[list[Any]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile) as exc:
        raise fail(
            "file",
            path.name,
            f"is not an XLSX workbook ({reason_of(exc)})",
            summary="cannot import figures",
        ) from None
    if unpacked > MAX_UNPACKED:
        raise fail(
            "file",
            path.name,
            f"unpacks to {unpacked:,} bytes; an import holds at most {MAX_UNPACKED:,}",
            summary="cannot import figures",
        )
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # a broken zip or workbook: openpyxl raises many kinds
        raise fail(
            "file",
            path.name,
            f"cannot be read as an XLSX workbook ({reason_of(exc)})",
            summary="cannot import figures",
        ) from None
    try:
        sheet = book["figures"] if "figures" in book.sheetnames else book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def _rows_of(path: Path) -> Iterator[list[Any]]:
    if path.suffix.lower() not in {".csv", ".xlsx"} or not path.is_file():
        raise fail(
            "file",
            str(path),
            "must be an existing .csv or .xlsx file",
            summary="cannot import figures",
        )
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise fail(
            "file",
            path.name,
            f"is {size:,} bytes; an import holds at most {MAX_BYTES:,} (split it)",
            summary="cannot import figures",
        )
    if path.suffix.lower() == ".csv":
        return _read_csv(path, path.read_bytes())
    return _read_xlsx(path)


# --- checking -------------------------------------------------------------------------------


class _Checker:
    """Every problem of one file, collected row by row."""

    def __init__(self, file: str, indicators: Mapping[str, str], geos: Iterable[str]) -> None:
        self.file = file
        self.indicators = indicators
        self.geos = frozenset(geos) | {EU_AGGREGATE}
        self.problems: list[Problem] = []
        self.more = 0
        this_year = dt.date.today().year
        self.years = (PERIOD_YEARS[0], this_year + PERIOD_YEARS[1])

    def add(self, field: str, value: object, rule: str, row: int) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(field, value, rule, f"{self.file}, row {row}"))
        else:
            self.more += 1

    def header(self, cells: list[Any]) -> dict[str, int]:
        """The position of each column, or problems naming what is wrong with the header."""
        expected = ", ".join(COLUMNS)
        positions: dict[str, int] = {}
        for i, cell in enumerate(cells):
            name = str(cell or "").strip().lower().lstrip("\ufeff")
            if not name:
                continue
            if name in positions:
                self.add(
                    f"header of column {i + 1}",
                    name,
                    f"repeats column {positions[name] + 1}; each column appears once",
                    1,
                )
            elif name not in COLUMNS:
                close = difflib.get_close_matches(name, COLUMNS, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'? " if close else ""
                self.add(
                    f"header of column {i + 1}",
                    cell,
                    f"is not a column of an import; {hint}the columns are: {expected} "
                    "(reference_date and notes may be left out)",
                    1,
                )
            else:
                positions[name] = i
        for name in COLUMNS:
            if name not in positions and name not in OPTIONAL:
                self.add(
                    "header",
                    name,
                    f"missing column '{name}'; the first row must name the columns: {expected} "
                    "(reference_date and notes may be left out)",
                    1,
                )
        return positions

    def text(self, column: str, value: Any, row: int, required: bool) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(column, value, "is required: this cell must not be empty", row)
                return None
            return ""
        text = _plain_text(value).strip()
        if len(text) > MAX_TEXT:
            self.add(column, text, f"is longer than {MAX_TEXT:,} characters", row)
            return None
        bad = next((c for c in text if c != "\n" and unicodedata.category(c) in {"Cc", "Cs"}), None)
        if bad is not None:
            self.add(column, text, f"holds the control character U+{ord(bad):04X}; remove it", row)
            return None
        if text.startswith(("=", "+", "@")) or (text.startswith("-") and text != "-"):
            self.add(
                column,
                text,
                f"starts with '{text[0]}', which a spreadsheet would run as a formula; write it "
                "without that first character",
                row,
            )
            return None
        return text

    def indicator(self, value: Any, row: int) -> str | None:
        name = self.text("indicator", value, row, True)
        if not name:
            return None
        key = name.lower()
        if key in self.indicators:
            return key
        close = difflib.get_close_matches(key, list(self.indicators), n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        self.add(
            "indicator",
            name,
            f"is not an indicator eupact knows; {hint}`eupact data template --format xlsx` lists "
            "the known names (sheet 'columns')",
            row,
        )
        return None

    def geo(self, value: Any, row: int) -> str | None:
        text = self.text("geo", value, row, True)
        if not text:
            return None
        code = text.upper()
        if code in self.geos:
            return code
        hint = _NEAR_GEO.get(code, "")
        self.add(
            "geo",
            text,
            (f"{hint}; " if hint else "")
            + "must be a Member State's Eurostat code ("
            + ", ".join(sorted(self.geos - {EU_AGGREGATE}))
            + f") or {EU_AGGREGATE} for the EU total",
            row,
        )
        return None

    def period(self, value: Any, row: int) -> str | None:
        if isinstance(value, dt.datetime | dt.date):
            value = value.strftime("%Y-%m-%d")  # a spreadsheet took "2024-01" for a date
        elif isinstance(value, float) and value.is_integer() and 1000 <= value <= 9999:
            value = str(int(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        text = self.text("period", value, row, True)
        if not text:
            return None
        span = period_span(text)
        if span is None:
            self.add(
                "period",
                text,
                "is not a period: write 2024 (a year), 2024-07 (a month), 2024-Q3, 2024-H2, "
                "2024-07/2025-06 (months, first to last) or a date 2024-01-01",
                row,
            )
            return None
        first, last = span[0] // 12, span[1] // 12
        if first < self.years[0] or last > self.years[1]:
            self.add(
                "period",
                text,
                f"lies outside {self.years[0]}-{self.years[1]}: the migration statistics start "
                f"in {PERIOD_YEARS[0]}, and no figure can be published for a later year",
                row,
            )
            return None
        return text

    def value(self, value: Any, row: int) -> int | Decimal | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(
                "value",
                value,
                "is required: a row states one figure (leave out a row without a figure; a "
                "missing figure is never 0)",
                row,
            )
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            self.add("value", value, "must be a number", row)
            return None
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                self.add("value", value, "must be a finite number", row)
                return None
            exact = value.is_integer() and abs(value) < 1e16
            text = str(int(value)) if exact else format(Decimal(repr(value)), "f")
        else:
            text = str(value).strip()
        if text.startswith("-") and _VALUE.fullmatch(text[1:]):
            self.add("value", text, "must not be negative: a count or a rate is 0 or more", row)
            return None
        if not _VALUE.fullmatch(text):
            self.add(
                "value",
                text,
                "must be a number written with digits and '.' as decimal mark, with no "
                "thousands separator, sign or unit (e.g. 24900 or 3.5)",
                row,
            )
            return None
        whole, _, decimals = text.partition(".")
        if len(whole.lstrip("0")) > MAX_DIGITS or len(decimals) > MAX_DECIMALS:
            self.add(
                "value",
                text,
                f"has more than {MAX_DIGITS} digits before the decimal mark or {MAX_DECIMALS} "
                "after it: not a figure of migration statistics",
                row,
            )
            return None
        number = Decimal(text)
        return int(number) if number == number.to_integral_value() and not decimals else number


def _plain_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def read_figures(
    path: Path, indicators: Mapping[str, str], geos: Iterable[str]
) -> list[dict[str, Any]]:
    """The rows of a user's file, checked: every problem is raised at once, with its row."""
    rows = _rows_of(path)
    try:
        return _checked(path, rows, _Checker(path.name, indicators, geos))
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # the workbook's file is released at once, problems or not


def _checked(path: Path, rows: Iterator[list[Any]], checker: _Checker) -> list[dict[str, Any]]:
    header = next(rows, None)
    if header is None or not any(str(c or "").strip() for c in header):
        raise fail(
            "file",
            path.name,
            f"is empty; its first row must name the columns: {', '.join(COLUMNS)}",
            summary="cannot import figures",
        )
    positions = checker.header(header)
    if checker.problems:
        raise EupactError(checker.problems, f"the header of {path.name} is not an import's")
    figures: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, str], int] = {}
    comments = 0
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise fail(
                "file",
                path.name,
                f"has more than {MAX_ROWS:,} rows; split it",
                summary="cannot import figures",
            )
        if not any(c is not None and str(c).strip() for c in cells):
            continue  # a blank row
        if str(cells[0] if cells else "").strip().startswith(COMMENT):
            comments += 1
            continue
        stray = [
            i + 1
            for i, c in enumerate(cells)
            if i not in positions.values() and c is not None and str(c).strip()
        ]
        if stray:
            checker.add(
                f"column {stray[0]}",
                cells[stray[0] - 1],
                "has a value but no header; name the column or clear it",
                number,
            )
        cell = {name: cells[i] if i < len(cells) else None for name, i in positions.items()}
        indicator = checker.indicator(cell.get("indicator"), number)
        geo = checker.geo(cell.get("geo"), number)
        period = checker.period(cell.get("period"), number)
        row = {
            "indicator": indicator,
            "geo": geo,
            "period": period,
            "value": checker.value(cell.get("value"), number),
            "unit": checker.text("unit", cell.get("unit"), number, True),
            "reference_date": checker.text(
                "reference_date", cell.get("reference_date"), number, False
            ),
            "source_title": checker.text("source_title", cell.get("source_title"), number, True),
            "source": checker.text("source", cell.get("source"), number, True),
            "notes": checker.text("notes", cell.get("notes"), number, False),
        }
        if indicator is None or geo is None or period is None or None in row.values():
            continue
        key = (indicator, geo, period)
        if key in seen:
            checker.add(
                "indicator, geo, period",
                " ".join(key),
                f"repeats row {seen[key]}: one figure per indicator, state and period",
                number,
            )
            continue
        seen[key] = number
        figures.append(row)
    if checker.more:
        checker.problems.append(
            Problem("rows", checker.more, "more problems, not listed", path.name)
        )
    if checker.problems:
        raise EupactError(checker.problems, f"{path.name} has bad rows; nothing was imported")
    if not figures:
        raise fail(
            "file",
            path.name,
            "holds no figure: only the header"
            + (f" and {comments} comment row(s) (first cell starting with #)" if comments else "")
            + "; the template's example row is a comment and is never imported",
            summary="nothing to import",
        )
    return figures


def import_figures(
    path: Path,
    *,
    base: Snapshot | None = None,
    out_root: Path | None = None,
    indicators: Mapping[str, str] | None = None,
) -> UpdateResult:
    """A new snapshot version with the figures of a user's file, labelled as the user's.

    ``indicators`` are the names allowed (default: :func:`known_indicators` of the base). No
    version is written when no figure differs from the base snapshot, or when the last import
    built on the same base holds the same rows; the result then names that version.
    """
    base = base or load_snapshot()
    path = Path(path)
    names = indicators if indicators is not None else known_indicators(base)
    figures = read_figures(path, names, member_states(base))
    label = f"user file {path.name}"
    table = [
        {
            **row,
            "value": str(row["value"]),
            "source_title": f"{label}: {row['source_title']}",
            "flags": "",
        }
        for row in figures
    ]
    root = out_root or update.data_dir()
    changes = update.diff(update.previous_values(base), table)
    reports = [FetchReport(label, "imported", len(table))]
    same = update.same_version(root, base, RESOURCE, table, update.COLUMNS) or (
        None if changes else base.path
    )
    if same is not None:
        return update.unchanged_result(same, base, reports)
    version = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    resource = update.long_resource(
        base,
        RESOURCE,
        {
            "title": f"Figures imported from the user file {path.name} ({len(table)} figures)",
            "eupact:dataset": label,
            "sources": [{"title": f"{label}, imported {version}"}],
            "licenses": [
                {"name": "user-supplied", "title": "as stated by the user who imported it"}
            ],
            "eupact:source_class": "user",
        },
        extra_geo=(EU_AGGREGATE,),
    )
    written = update.write_version(base, version, table, changes, reports, root, resource)
    return UpdateResult(written, version, update.base_label(base), reports, changes)


__all__ = [
    "COLUMNS",
    "PERIOD_YEARS",
    "import_figures",
    "known_indicators",
    "member_states",
    "period_span",
    "read_figures",
]
