"""The inputs of the border procedure's adequate capacity (Art. 47(4) Regulation (EU) 2024/1348,
APR) and of its monthly watching (Arts 48-49 APR): the typed records, a user's file read and
checked, and what the shipped data layer holds.

* :class:`CrossingFigures`: one Member State's year — irregular crossings of the external border
  (Frontex, as reported by the state), arrivals after search and rescue, refusals of entry at the
  external border (Eurostat ``migr_eirfs``); each value ``int`` or ``None`` (not known: never 0),
  each with its source and source class.
* :class:`MonthlyFigures`: one Member State's month in the border procedures (Art. 49(1)(a), (4)).
* :func:`read_border_inputs`, :func:`read_monthly_figures`: a CSV or XLSX file, every cell
  bounded before it is converted and every problem reported at once with its row.
* :func:`gather`: the file's figures completed with what the snapshot holds. Frontex detections by
  reporting Member State are **not** held (the shipped Frontex files are by route): they must be
  imported. Refusals of entry are taken from the snapshot where it has them, with their own source
  class (a page quoting Eurostat stays secondary).

The rules (the formula, the release of Arts 48 and 50) are in :mod:`eupact.border`; the types live
here because the data layer reads files into them and may not import the concerns above it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eupact.data.provenance import SOURCE_CLASSES, SourceClass
from eupact.errors import EupactError, Problem, fail

if TYPE_CHECKING:
    from eupact.data.snapshot import Snapshot

#: The three terms of Art. 47(4), in the order of the text.
COMPONENTS = ("irregular_crossings", "sar_arrivals", "refusals_of_entry")
INPUT_COLUMNS = ("geo", "year", *COMPONENTS, "source", "source_class")
MONTHLY_COLUMNS = (
    "geo",
    "month",
    "asylum_border",
    "return_border",
    "entered",
    "left",
    "examined",
)
#: A sane bound on one state's yearly count, checked on the digits before conversion: the most
#: irregular crossings Frontex ever recorded for one state in a year (Greece, 2015) were under a
#: million; ten million is a typo or an attack, not data.
MAX_YEARLY = 10_000_000
#: The same for a monthly stock or flow of persons in the border procedures.
MAX_MONTHLY = 1_000_000
#: Years a figure may be for: Eurostat's enforcement statistics (migr_eirfs) start with 2008; no
#: figure exists for a year not yet begun.
FIRST_YEAR = 2008
_DIGITS = re.compile(r"[0-9]{1,15}", re.ASCII)
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})(-01)?", re.ASCII)
SNAPSHOT_REFUSALS = "refused_entry"  # the indicator of Eurostat migr_eirfs in the data layer
NOT_HELD_FRONTEX = (
    "Frontex detections of irregular border crossings by reporting Member State are not in the "
    "data layer (the shipped Frontex files count by route, not by state): import them in an "
    "inputs file (columns " + ", ".join(INPUT_COLUMNS) + ")"
)
NOT_HELD_SAR = (
    "arrivals after search and rescue by Member State are not in the data layer (the national "
    "sea-arrival counts held for ES and IT are all sea arrivals, not search-and-rescue ones)"
)


@dataclass(frozen=True, slots=True)
class ValueSource:
    """Where one figure comes from: a citation and its source class (primary, secondary, user)."""

    source: str
    source_class: SourceClass

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "source_class": self.source_class}


@dataclass(frozen=True, slots=True)
class CrossingFigures:
    """One Member State's figures for one calendar year (Art. 47(4) APR); ``None`` is not known.

    ``source`` covers the row; ``sources`` names the source of a component where it differs (a
    refusal of entry taken from the snapshot into a row of the user's file)."""

    geo: str
    year: int
    irregular_crossings: int | None
    sar_arrivals: int | None
    refusals_of_entry: int | None
    source: ValueSource
    sources: Mapping[str, ValueSource] = field(default_factory=dict)

    def value(self, component: str) -> int | None:
        found: int | None = getattr(self, component)
        return found

    def source_of(self, component: str) -> ValueSource:
        return self.sources.get(component, self.source)


@dataclass(frozen=True, slots=True)
class MonthlyFigures:
    """One Member State's month in the border procedures (Arts 48(1), 49(1)(a) and (4) APR).

    ``asylum_border``: applicants in the asylum border procedure at the month's end;
    ``return_border``: persons in the return border procedure (Regulation (EU) 2024/1349) or a
    national equivalent at the month's end; ``entered``/``left``: persons who came into or left
    the border procedures (asylum and return together) during the month; ``examined``:
    applications examined in the border procedure during the month (Art. 50)."""

    geo: str
    month: dt.date  # the first day of the month
    asylum_border: int
    return_border: int
    entered: int
    left: int
    examined: int

    @property
    def in_procedure(self) -> int:
        """The Art. 48(1) count: the asylum border procedure and the return border procedure."""
        return self.asylum_border + self.return_border


# --- reading files -------------------------------------------------------------------------------


class _Rows:
    """A file's rows with their problems, collected so that every one is reported at once."""

    def __init__(self, path: Path, columns: Sequence[str], summary: str) -> None:
        from eupact.data.imports import _Checker  # the import checks of text cells, reused

        self.path = path
        self.summary = summary
        self.columns = columns
        self.checker = _Checker(path.name, {}, ())

    @property
    def problems(self) -> list[Problem]:
        return self.checker.problems

    def add(self, column: str, value: object, rule: str, row: int) -> None:
        self.checker.add(column, value, rule, row)

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        from eupact.data.imports import _rows_of

        rows = _rows_of(self.path)
        try:
            header = next(rows, None)
            positions = self._header(header)
            for number, cells in enumerate(rows, start=2):
                if not any(str(c or "").strip() for c in cells):
                    continue
                if str(cells[0] or "").lstrip().startswith("#"):
                    continue
                yield (
                    number,
                    {c: cells[i] if i < len(cells) else None for c, i in positions.items()},
                )
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()

    def _header(self, cells: list[Any] | None) -> dict[str, int]:
        expected = ", ".join(self.columns)
        if cells is None:
            raise fail(
                "file",
                self.path.name,
                f"is empty; the first row names the columns: {expected}",
                summary=self.summary,
            )
        names = [str(c or "").strip().lower().lstrip("\ufeff") for c in cells]
        positions = {n: i for i, n in reversed(list(enumerate(names))) if n}
        missing = [c for c in self.columns if c not in positions]
        unknown = [n for n in names if n and n not in self.columns]
        repeated = sorted({n for n in names if n and names.count(n) > 1})
        problems = [
            Problem("header", n, f"is not a column; the columns are: {expected}", self.path.name)
            for n in unknown
        ]
        problems += [
            Problem("header", n, "appears more than once; each column appears once", self.path.name)
            for n in repeated
        ]
        problems += [
            Problem("header", c, f"missing column; the columns are: {expected}", self.path.name)
            for c in missing
        ]
        if problems:
            raise EupactError(problems, self.summary)
        return {c: positions[c] for c in self.columns}

    def count(self, column: str, value: Any, row: int, bound: int, *, required: bool) -> int | None:
        """A whole number of persons from 0 to ``bound``, read from its digits; an empty cell is
        ``None`` (not known) where allowed."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(column, value, "is required: the cell must hold a whole number", row)
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.add(column, value, "must be a whole number of persons", row)
            return None
        if isinstance(value, float):
            if not value.is_integer() or abs(value) >= 1e15:
                self.add(column, value, "must be a whole number of persons", row)
                return None
            text = str(int(value))
        else:
            text = str(value).strip()
        if text.startswith("-") and _DIGITS.fullmatch(text[1:]):
            self.add(column, text, "must not be negative: a count of persons is 0 or more", row)
            return None
        if not _DIGITS.fullmatch(text):
            self.add(
                column,
                text,
                "must be a whole number written with digits only (no sign, separator, unit or "
                "decimal mark; an unknown figure is left empty, never 0)",
                row,
            )
            return None
        number = int(text)
        if number > bound:
            self.add(column, text, f"is above {bound:,}: not a plausible count for one state", row)
            return None
        return number

    def geo(self, value: Any, row: int, bound: Collection[str]) -> str | None:
        text = self.checker.text("geo", value, row, True)
        if not text:
            return None
        code = text.upper()
        if code not in bound:
            self.add("geo", text, unbound_rule(code, bound), row)
            return None
        return code


def unbound_rule(code: str, bound: Collection[str]) -> str:
    """Why ``code`` is refused where a state bound by the APR is expected."""
    if code == "DK":
        return "Denmark is not bound by Regulation (EU) 2024/1348 (Protocol No 22, recital 107)"
    return (
        "must be the Eurostat geo code of a Member State bound by Regulation (EU) 2024/1348 "
        f"(EL is Greece): {', '.join(sorted(bound))}"
    )


def read_border_inputs(
    path: str | Path, *, bound: Collection[str], today: dt.date | None = None
) -> tuple[CrossingFigures, ...]:
    """The figures of an inputs file (CSV or XLSX; columns :data:`INPUT_COLUMNS`), checked.

    Each count is a whole number from 0 to :data:`MAX_YEARLY` or empty (not known); ``geo`` a
    state in ``bound``; ``year`` from :data:`FIRST_YEAR` to the last full year; a state's year
    appears once; ``source`` is required (where the figures come from) and ``source_class`` is
    primary, secondary or user (empty: user). Every problem is raised at once, with its row."""
    path = Path(path)
    summary = "border inputs refused"
    reader = _Rows(path, INPUT_COLUMNS, summary)
    last_year = (today or dt.date.today()).year - 1
    seen: dict[tuple[str, int], int] = {}
    out: list[CrossingFigures] = []
    for row, cells in reader.rows():
        geo = reader.geo(cells["geo"], row, bound)
        year = reader.count("year", cells["year"], row, 9999, required=True)
        if year is not None and not FIRST_YEAR <= year <= last_year:
            reader.add(
                "year",
                year,
                f"must lie from {FIRST_YEAR} (the first year of Eurostat's enforcement "
                f"statistics) to {last_year} (the last full calendar year)",
                row,
            )
            year = None
        values = {c: reader.count(c, cells[c], row, MAX_YEARLY, required=False) for c in COMPONENTS}
        source = reader.checker.text("source", cells["source"], row, True)
        klass = reader.checker.text("source_class", cells["source_class"], row, False)
        klass = (klass or "user").lower() if klass is not None else None
        if klass is not None and klass not in SOURCE_CLASSES:
            reader.add(
                "source_class", klass, "must be primary, secondary or user (empty: user)", row
            )
            klass = None
        if geo is None or year is None or not source or klass is None:
            continue
        if (geo, year) in seen:
            reader.add(
                "year",
                year,
                f"{geo} {year} is already given in row {seen[geo, year]}: a state's year "
                "appears once",
                row,
            )
            continue
        seen[geo, year] = row
        origin = ValueSource(f"{path.name}, row {row}: {source}", _source_class(klass))
        out.append(
            CrossingFigures(
                geo,
                year,
                values["irregular_crossings"],
                values["sar_arrivals"],
                values["refusals_of_entry"],
                origin,
            )
        )
    if reader.problems:
        raise EupactError(reader.problems, summary)
    return tuple(out)


def _source_class(text: str) -> SourceClass:
    return next(c for c in SOURCE_CLASSES if c == text)


def read_monthly_figures(path: str | Path, *, bound: Collection[str]) -> tuple[MonthlyFigures, ...]:
    """The monthly figures of a file (CSV or XLSX; columns :data:`MONTHLY_COLUMNS`), each cell
    checked: ``month`` written ``2026-07`` or ``2026-07-01``, every count a whole number from 0 to
    :data:`MAX_MONTHLY`. The series' own rules (no month skipped or repeated, the stock following
    inflow and outflow) are :func:`eupact.border.monitoring.check_monthly`'s."""
    path = Path(path)
    summary = "monthly border figures refused"
    reader = _Rows(path, MONTHLY_COLUMNS, summary)
    out: list[MonthlyFigures] = []
    for row, cells in reader.rows():
        geo = reader.geo(cells["geo"], row, bound)
        month = _month(reader, cells["month"], row)
        counts = {
            c: reader.count(c, cells[c], row, MAX_MONTHLY, required=True)
            for c in MONTHLY_COLUMNS[2:]
        }
        if geo is None or month is None or any(v is None for v in counts.values()):
            continue
        out.append(MonthlyFigures(geo, month, **{k: int(v or 0) for k, v in counts.items()}))
    if reader.problems:
        raise EupactError(reader.problems, summary)
    return tuple(out)


def _month(reader: _Rows, value: Any, row: int) -> dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        value = value.strftime("%Y-%m-%d")
    text = reader.checker.text("month", value, row, True)
    if not text:
        return None
    found = _MONTH.fullmatch(text)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        reader.add(
            "month", text, "must be a month written 2026-07 (or its first day, 2026-07-01)", row
        )
        return None
    year = int(found.group(1))
    if not FIRST_YEAR <= year <= 2100:
        reader.add("month", text, f"must lie from {FIRST_YEAR} to 2100", row)
        return None
    return dt.date(year, int(found.group(2)), 1)


# --- what the data layer holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class Gathered:
    """The figures for the formula's years, and what the data layer did and did not provide."""

    figures: tuple[CrossingFigures, ...]
    held: tuple[str, ...]  # what the snapshot provided, with its class
    not_held: tuple[str, ...]  # what must be imported
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"held": list(self.held), "not_held": list(self.not_held), "notes": list(self.notes)}


def snapshot_refusals(
    snapshot: Snapshot, years: Sequence[int], bound: Collection[str]
) -> dict[tuple[str, int], tuple[int, ValueSource]]:
    """Refusals of entry at the external border (Eurostat ``migr_eirfs``) the snapshot holds for
    ``years`` and the bound states, each with its own source and source class."""
    out: dict[tuple[str, int], tuple[int, ValueSource]] = {}
    for series in snapshot.series:
        if series.indicator != SNAPSHOT_REFUSALS:
            continue
        period = series.source.reference_date
        if not (period.isdigit() and int(period) in years):
            continue
        for geo, value in series.values.items():
            if geo not in bound or (geo, int(period)) in out or int(value) != value:
                continue
            src = series.source_of(geo)
            where = "; ".join(o for o in (*src.origin[:1], Path(src.file).name) if o)
            text = f"Eurostat migr_eirfs, {src.shown_release} ({where})"
            out[geo, int(period)] = (int(value), ValueSource(text, src.source_class))
    return out


def gather(
    years: Sequence[int],
    *,
    bound: Collection[str],
    snapshot: Snapshot | None = None,
    figures: Sequence[CrossingFigures] = (),
) -> Gathered:
    """The figures for ``years``: the given ones (an inputs file), completed with the refusals of
    entry the snapshot holds where a figure is not given. A given figure is never replaced; where
    it differs from the snapshot's, a note says so."""
    refusals = snapshot_refusals(snapshot, years, bound) if snapshot is not None else {}
    given = {(f.geo, f.year): f for f in figures if f.year in years}
    out: list[CrossingFigures] = []
    notes: list[str] = []
    used: list[str] = []
    for geo in sorted(bound):
        for year in years:
            row = given.get((geo, year))
            held = refusals.get((geo, year))
            if held is None:
                if row is not None:
                    out.append(row)
                continue
            value, source = held
            if row is None:
                out.append(CrossingFigures(geo, year, None, None, value, source))
                used.append(f"{geo} {year} ({source.source_class})")
            elif row.refusals_of_entry is None:
                merged = {**row.sources, "refusals_of_entry": source}
                out.append(
                    CrossingFigures(
                        geo,
                        year,
                        row.irregular_crossings,
                        row.sar_arrivals,
                        value,
                        row.source,
                        merged,
                    )
                )
                used.append(f"{geo} {year} ({source.source_class})")
            else:
                out.append(row)
                if row.refusals_of_entry != value:
                    notes.append(
                        f"refusals of entry {geo} {year}: the inputs give "
                        f"{row.refusals_of_entry:,}, the snapshot {value:,} ({source.source}); "
                        "the inputs' figure is used"
                    )
    outside = sorted({f.year for f in figures if f.year not in years})
    if outside:
        notes.append(
            "rows for years outside the formula's window not used: "
            + ", ".join(str(y) for y in outside)
        )
    found = (
        (f"refusals of entry (Eurostat migr_eirfs) from the snapshot: {', '.join(used)}",)
        if used
        else ()
    )
    return Gathered(tuple(out), found, (NOT_HELD_FRONTEX, NOT_HELD_SAR), tuple(notes))


__all__ = [
    "COMPONENTS",
    "INPUT_COLUMNS",
    "MONTHLY_COLUMNS",
    "CrossingFigures",
    "Gathered",
    "MonthlyFigures",
    "ValueSource",
    "gather",
    "read_border_inputs",
    "read_monthly_figures",
    "snapshot_refusals",
    "unbound_rule",
]
