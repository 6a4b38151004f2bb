"""The shipped data snapshot (a Frictionless data package) and users' own tables.

Loading validates before anything is computed: the Table Schema in ``datapackage.json`` (types,
required cells, minimum values, known geo codes, unique keys) through the ``frictionless``
library, then eupact's own completeness rule (every Member State present). Every problem is
reported with its file, row, column and rule; nothing is returned from a broken package.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from eupact.data.provenance import Number, Source, StateSeries
from eupact.errors import EupactError, Problem, fail

SNAPSHOT_DIR = Path(str(resources.files("eupact.data") / "snapshot"))
INDICATOR = "eupact:indicator"


@dataclass(frozen=True, slots=True)
class Classification:
    """One Member State's category in the Commission's Art. 11 decision."""

    geo: str
    member_state: str
    under_migratory_pressure: bool
    pressure_basis: str
    at_risk_of_migratory_pressure: bool
    significant_migratory_situation: bool


@dataclass(frozen=True)
class Snapshot:
    """A validated data package: series by (indicator, reference date, release)."""

    path: Path
    name: str
    version: str
    series: tuple[StateSeries, ...]
    classification: dict[str, Classification]
    tables: dict[str, list[dict[str, Any]]]

    def find(self, indicator: str, reference_date: str, release: str | None = None) -> StateSeries:
        """The series of ``indicator`` at ``reference_date`` (latest release unless named)."""
        matches = [
            s
            for s in self.series
            if s.indicator == indicator and s.source.reference_date == reference_date
        ]
        if release is not None:
            matches = [s for s in matches if release in (s.source.release, s.source.column)]
        if not matches:
            known = sorted(
                {s.source.reference_date for s in self.series if s.indicator == indicator}
            )
            raise fail(
                f"{indicator} reference date",
                reference_date if release is None else f"{reference_date} ({release})",
                f"not in the snapshot {self.name} {self.version}; available: {', '.join(known)}",
                summary="data vintage not available",
            )
        return matches[0]

    def vintages(self) -> list[Source]:
        return [s.source for s in self.series]


def _field_problems(report: Any, base: Path) -> list[Problem]:
    problems = []
    for task in report.tasks:
        file = task.place or task.name
        for err in task.errors:
            row = getattr(err, "row_number", None)
            column = getattr(err, "field_name", None) or "-"
            cell = getattr(err, "cell", None)
            where = f"{Path(str(file)).name}, row {row}" if row else Path(str(file)).name
            problems.append(Problem(column, cell, f"{err.type}: {err.note}", where))
    return problems


def _completeness_problems(
    file: str, rows: list[dict[str, Any]], geo_enum: Iterable[str]
) -> list[Problem]:
    present = {row["geo"] for row in rows}
    return [
        Problem("geo", geo, "missing row: every Member State must be present (no gaps)", file)
        for geo in sorted(set(geo_enum) - present)
    ]


def _validate_resource(resource: Any, base: Path) -> list[dict[str, Any]]:
    """Validate one frictionless resource; return its typed rows or raise with every problem."""
    from frictionless import system

    with system.use_context(trusted=True):
        report = resource.validate()
    problems = _field_problems(report, base)
    if problems:
        raise EupactError(problems, f"data file {resource.path} fails its schema")
    rows = [dict(row) for row in resource.read_rows()]
    geo = resource.schema.get_field("geo") if resource.schema.has_field("geo") else None
    if geo is not None:
        missing = _completeness_problems(str(resource.path), rows, geo.constraints.get("enum", []))
        if missing:
            raise EupactError(missing, f"data file {resource.path} is incomplete")
    return rows


def _number(value: Any) -> Number:
    return value if isinstance(value, int) else Decimal(str(value))


def _series_of(
    resource: Any, meta: dict[str, Any], rows: list[dict[str, Any]], package: Path
) -> list[StateSeries]:
    out = []
    origin = tuple(src.get("title", "") for src in meta.get("sources", []))
    licence = ", ".join(lic.get("name", "") for lic in meta.get("licenses", []))
    for fld in meta["schema"]["fields"]:
        if INDICATOR not in fld:
            continue
        values = {r["geo"]: _number(r[fld["name"]]) for r in rows if r[fld["name"]] is not None}
        source = Source(
            dataset=meta.get("eupact:dataset", ""),
            title=fld.get("title", fld["name"]),
            unit=fld.get("unit", ""),
            reference_date=str(fld["eupact:reference_date"]),
            release=str(fld.get("eupact:release", "")),
            retrieved=str(meta.get("eupact:retrieved", "")),
            file=str(resource.path),
            column=fld["name"],
            origin=origin,
            licence=licence,
            package=str(package),
        )
        missing = tuple(sorted(r["geo"] for r in rows if r[fld["name"]] is None))
        out.append(StateSeries(fld[INDICATOR], values, source, missing))
    return out


def _classification(rows: list[dict[str, Any]]) -> dict[str, Classification]:
    return {
        r["geo"]: Classification(
            geo=r["geo"],
            member_state=r["member_state"],
            under_migratory_pressure=bool(r["under_migratory_pressure"]),
            pressure_basis=r["pressure_basis"] or "",
            at_risk_of_migratory_pressure=bool(r["at_risk_of_migratory_pressure"]),
            significant_migratory_situation=bool(r["significant_migratory_situation"]),
        )
        for r in rows
    }


def _descriptor(path: Path) -> dict[str, Any]:
    try:
        result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise fail("datapackage.json", str(path), f"cannot be read as JSON: {exc}") from exc
    return result


@cache
def load_snapshot(folder: str | None = None) -> Snapshot:
    """Load and validate a data package folder (the shipped snapshot by default)."""
    from frictionless import Package

    base = Path(folder) if folder else SNAPSHOT_DIR
    descriptor_path = base / "datapackage.json"
    descriptor = _descriptor(descriptor_path)
    from frictionless import FrictionlessException

    try:
        package = Package(str(descriptor_path), basepath=str(base))
    except FrictionlessException as exc:
        raise fail("datapackage.json", str(descriptor_path), f"invalid descriptor: {exc}") from exc
    series: list[StateSeries] = []
    tables: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    for resource, meta in zip(package.resources, descriptor["resources"], strict=True):
        try:
            tables[resource.name] = _validate_resource(resource, base)
        except EupactError as exc:
            problems += exc.problems
            continue
        series += _series_of(resource, meta, tables[resource.name], base)
    if problems:
        raise EupactError(problems, f"data snapshot {base} is invalid; nothing was computed")
    return Snapshot(
        path=base,
        name=str(descriptor.get("name", base.name)),
        version=str(descriptor.get("version", "")),
        series=tuple(series),
        classification=_classification(tables.get("classification_2025_decision", [])),
        tables=tables,
    )


def load_user_series(path: str | Path, like: StateSeries, column: str | None = None) -> StateSeries:
    """Read a user's own CSV or XLSX with the same columns as a snapshot resource.

    The file is validated against the schema of the resource that ``like`` comes from, so a
    ministry's table obeys the same rules as the official snapshot.
    """
    from frictionless import Resource, Schema

    path = Path(path)
    if not path.exists():
        raise fail("file", str(path), "does not exist", summary="cannot read user data")
    if path.suffix.lower() not in {".csv", ".xlsx"}:
        raise fail(
            "file", str(path), "must be a .csv or .xlsx file", summary="cannot read user data"
        )
    descriptor = _descriptor(Path(like.source.package) / "datapackage.json")
    meta = next(
        r for r in descriptor["resources"] if Path(r["path"]).name == Path(like.source.file).name
    )
    resource = Resource(str(path.resolve()), schema=Schema.from_descriptor(meta["schema"]))
    rows = _validate_resource(resource, path.parent)
    wanted = column or like.source.column
    user_meta = {
        **meta,
        "eupact:dataset": f"user file {path.name}",
        "eupact:retrieved": _mtime(path),
    }
    found = [
        s for s in _series_of(resource, user_meta, rows, path.parent) if s.source.column == wanted
    ]
    if not found:
        raise fail("column", wanted, f"not in {path.name}", summary="cannot read user data")
    series = found[0]
    source = replace(series.source, release=f"user file {path.name}", file=str(path.resolve()))
    return replace(series, source=source)


def _mtime(path: Path) -> str:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")
