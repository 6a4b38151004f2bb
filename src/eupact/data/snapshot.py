"""The shipped data snapshot (a Frictionless data package) and users' own tables.

Loading validates before anything is computed: the Table Schema in ``datapackage.json`` (types,
required cells, minimum values, known geo codes, unique keys) through the ``frictionless``
library, then eupact's own completeness rule (every Member State present). Every problem is
reported with its file, row, column and rule; nothing is returned from a broken package.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from eupact import __version__
from eupact.data.provenance import SOURCE_CLASSES, Number, Source, SourceClass, StateSeries
from eupact.errors import EupactError, Problem, fail, reason_of

SNAPSHOT_DIR = Path(str(resources.files("eupact.data") / "snapshot"))
INDICATOR = "eupact:indicator"
LAYOUT = "eupact:layout"
FLAGS_SUFFIX = "_flag"
EU_AGGREGATE = "EU27_2020"  # a row of the EU total in a long table, not a Member State


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
    # each resource's descriptor without its schema (sources, source class, provenance)
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)

    def resource(self, name: str) -> dict[str, Any]:
        return self.meta.get(name, {})

    @property
    def source_classes(self) -> dict[str, SourceClass]:
        """Each resource's source class (a long table's rows may say their own)."""
        return {name: source_class_of(m) for name, m in self.meta.items()}

    def find(
        self,
        indicator: str,
        reference_date: str,
        release: str | None = None,
        covering: tuple[str, ...] = (),
    ) -> StateSeries:
        """The series of ``indicator`` at ``reference_date``: the named release, else the first
        (fetched figures come before shipped ones) that has a value for every state of
        ``covering`` — never a mix of releases."""
        matches = [
            s
            for s in self.series
            if s.indicator == indicator and s.source.reference_date == reference_date
        ]
        if release is not None:
            matches = [s for s in matches if release in (s.source.release, s.source.column)]
        complete = [s for s in matches if all(g in s.values for g in covering)]
        if matches and not complete:
            gaps = "; ".join(
                f"{s.source.column} lacks {' '.join(g for g in covering if g not in s.values)}"
                for s in matches
            )
            raise fail(
                f"{indicator} {reference_date}",
                release or "any release",
                f"no release has a value for every participating state ({gaps})",
                summary="data vintage incomplete",
            )
        if not matches:
            same = [s for s in self.series if s.indicator == indicator]
            if release is not None and any(s.source.reference_date == reference_date for s in same):
                what = "releases for this date"
                known = sorted(
                    s.source.column for s in same if s.source.reference_date == reference_date
                )
            else:
                what = "reference dates"
                known = sorted({s.source.reference_date for s in same})
            raise fail(
                f"{indicator} reference date",
                reference_date if release is None else f"{reference_date} ({release})",
                f"not in the snapshot {self.name} {self.version}; available {what}: {', '.join(known)}",
                summary="data vintage not available",
            )
        return complete[0]

    def vintages(self) -> list[Source]:
        return [s.source for s in self.series]

    def show(
        self, indicator: str, geo: str | None = None, period: str | None = None
    ) -> list[dict[str, Any]]:
        """Every value of ``indicator`` (optionally one state, one period) with its provenance."""
        chosen = [s for s in self.series if s.indicator == indicator]
        if not chosen:
            known = sorted({s.indicator for s in self.series})
            raise fail(
                "indicator",
                indicator,
                f"not in the snapshot; known: {', '.join(known)}",
                summary="unknown indicator",
            )
        if geo is not None:
            geos = {g for s in self.series for g in (*s.values, *s.missing, *s.aggregates)}
            if geo not in geos:
                raise fail(
                    "--geo",
                    geo,
                    "not a geo code of the snapshot (Member States' Eurostat codes and EU27_2020)",
                    summary="unknown geo code",
                )
        if period is not None:
            chosen = [s for s in chosen if s.source.reference_date.startswith(period)]
        rows = []
        for series in chosen:
            for state in sorted(series.values) if geo is None else [geo]:
                src = series.source_of(state)
                rows.append(
                    {
                        "indicator": indicator,
                        "period": series.source.reference_date,
                        "geo": state,
                        "value": series.values.get(state),
                        "unit": src.unit,
                        "flags": series.flags.get(state, ""),
                        "status": "value"
                        if state in series.values
                        else "missing (not found, not zero)",
                        "class": src.source_class,
                        "release": src.shown_release,
                        "origin": "; ".join(src.origin),
                        "file": f"{src.file}:{src.column}",
                    }
                )
        if not rows:
            raise fail(
                "period",
                period,
                f"no {indicator} values for it in the snapshot",
                summary="nothing to show",
            )
        return rows

    def coverage(self) -> list[dict[str, Any]]:
        """Cells filled per indicator and period, out of the 27 Member States."""
        rows = []
        for series in sorted(self.series, key=lambda s: (s.indicator, s.source.reference_date)):
            filled = len(series.values)
            rows.append(
                {
                    "indicator": series.indicator,
                    "period": series.source.reference_date,
                    "release": series.source.release,
                    "filled": filled,
                    "of": filled + len(series.missing),
                }
            )
        return rows


def _field_problems(report: Any, base: Path) -> list[Problem]:
    problems = []
    for task in report.tasks:
        file = Path(str(task.place or task.name)).name
        unique_rows: set[int] = set()
        for err in task.errors:
            row = getattr(err, "row_number", None)
            if err.type == "unique-error" and row:
                unique_rows.add(row)
            if err.type == "primary-key" and row in unique_rows:
                continue  # the same duplicate, already reported with its column and value
            problems.append(_problem_of(err, file))
    return problems


def _problem_of(err: Any, file: str) -> Problem:
    """One frictionless error as a problem naming the file, row, column, value and rule."""
    row = getattr(err, "row_number", None)
    where = f"{file}, row {row}" if row else file
    if err.type == "incorrect-label":
        return Problem(
            f"header of column {getattr(err, 'field_number', '?')}",
            getattr(err, "label", None),
            f"the header must be '{getattr(err, 'field_name', '')}' (the snapshot's schema)",
            where,
        )
    if err.type == "missing-label":
        name = getattr(err, "field_name", "")
        return Problem(
            name, None, f"the header has no column '{name}' (the snapshot's schema)", where
        )
    if err.type == "primary-key":
        cells = ", ".join(str(c) for c in getattr(err, "cells", []) or [])
        return Problem("primary key", cells, f"listed twice ({err.type}: {err.note})", where)
    column = getattr(err, "field_name", None) or "-"
    return Problem(column, getattr(err, "cell", None), _in_words(err), where)


# frictionless's error types and the words for them; its own note follows in parentheses
_WORDS = {
    "unique-error": "listed twice",
    "missing-cell": "the row has no cell for this column",
    "extra-cell": "the row has more cells than the header has columns",
    "blank-row": "the row is empty",
}
_TYPES = {"integer": "a whole number", "number": "a number", "date": "a date YYYY-MM-DD"}
_LIMITS = {"minimum": "at least", "maximum": "at most", "minLength": "at least"}


def _in_words(err: Any) -> str:
    """A frictionless error in plain words, e.g. "must be at least 1 (constraint-error:
    constraint "minimum" is "1")"; an enumeration is listed, not printed as a Python list."""
    note, kind = str(err.note), err.type
    constraint = re.fullmatch(r'constraint "(\w+)" is "(.*)"', note)
    if kind == "constraint-error" and constraint and constraint[1] == "enum":
        allowed = re.findall(r"'([^']*)'", constraint[2])
        return f"must be one of {', '.join(allowed)}"
    if kind == "constraint-error" and constraint and constraint[1] in _LIMITS:
        return f"must be {_LIMITS[constraint[1]]} {constraint[2]} ({kind}: {note})"
    typed = re.fullmatch(r'type is "(\w+)/\w+"', note)
    if kind == "type-error" and typed and typed[1] in _TYPES:
        return f"must be {_TYPES[typed[1]]} ({kind}: {note})"
    if kind in _WORDS:
        return f"{_WORDS[kind]} ({kind}: {note})"
    return f"{kind}: {note}"


def _completeness_problems(
    file: str, rows: list[dict[str, Any]], geo_enum: Iterable[str]
) -> list[Problem]:
    present = {row["geo"] for row in rows}
    return [
        Problem("geo", geo, "missing row: every Member State must be present (no gaps)", file)
        for geo in sorted(set(geo_enum) - present)
    ]


def _validate_resource(resource: Any, base: Path, long: bool = False) -> list[dict[str, Any]]:
    """Validate one frictionless resource; return its typed rows or raise with every problem."""
    from frictionless import system

    with system.use_context(trusted=True):
        report = resource.validate()
    problems = _field_problems(report, base)
    if problems:
        raise EupactError(problems, f"data file {resource.path} fails its schema")
    rows = [dict(row) for row in resource.read_rows()]
    geo = resource.schema.get_field("geo") if resource.schema.has_field("geo") else None
    if geo is not None and not long:  # a long table lists only what was found
        missing = _completeness_problems(str(resource.path), rows, geo.constraints.get("enum", []))
        if missing:
            raise EupactError(missing, f"data file {resource.path} is incomplete")
    return rows


def _number(value: Any) -> Number:
    return value if isinstance(value, int) else Decimal(str(value))


def _series_of(
    meta: dict[str, Any], rows: list[dict[str, Any]], package: Path
) -> list[StateSeries]:
    if meta.get(LAYOUT) == "long":
        return _long_series(meta, rows, package)
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
            file=str(meta["path"]),
            column=fld["name"],
            origin=origin,
            licence=licence,
            package=str(package),
            source_class=source_class_of(meta),
            filter=str(meta.get("eupact:filter", "")),
        )
        missing = tuple(sorted(r["geo"] for r in rows if r[fld["name"]] is None))
        flag_col = fld["name"] + FLAGS_SUFFIX
        flags = {r["geo"]: r[flag_col] for r in rows if r.get(flag_col)}
        out.append(StateSeries(fld[INDICATOR], values, source, missing, flags))
    return out


def _count_or_number(value: Any) -> Number:
    """Counts of persons stay integers; rates and shares stay decimals."""
    number = _number(value)
    return int(number) if isinstance(number, Decimal) and number == number.to_integral() else number


def source_class_of(meta: dict[str, Any], row: dict[str, Any] | None = None) -> SourceClass:
    """A resource's (or one row's) source class; "secondary" unless it says otherwise."""
    text = str((row or {}).get("source_class") or meta.get("eupact:source_class") or "")
    return next((c for c in SOURCE_CLASSES if c == text), "secondary")


def _long_source(
    meta: dict[str, Any], package: Path, row: dict[str, Any] | None, key: tuple[str, str]
) -> Source:
    """The source of one row of a long table (``row`` None: the series' own).

    Rows of published pages name their page (``source_title``, ``source``); rows of an
    extraction name its dataset, filter, extraction date and where it is published."""
    indicator, period = key
    row = row or {}
    source_class = source_class_of(meta, row)
    dataset = str(row.get("dataset") or meta.get("eupact:dataset", ""))
    extracted = str(row.get("extracted") or "")
    if not row:
        release = "published releases (per value)"
        origin: tuple[str, ...] = ()
    elif row.get("published_in"):
        publisher = str(row.get("publisher") or "")
        release = f"{publisher + ', ' if publisher else ''}{dataset}, extracted {extracted}"
        origin = (str(row["published_in"]),) + ((str(row["notes"]),) if row.get("notes") else ())
    else:
        release = str(row.get("source_title") or "")
        origin = (str(row.get("source") or ""),) + (
            (str(row["notes"]),) if row.get("notes") else ()
        )
    return Source(
        dataset=dataset,
        title=f"{indicator}, {period}",
        unit=str(row.get("unit") or ""),
        reference_date=period,
        release=release,
        retrieved=extracted or str(meta.get("eupact:retrieved", "")),
        file=str(meta["path"]),
        column=indicator,
        origin=origin,
        licence=", ".join(lic.get("name", "") for lic in meta.get("licenses", [])),
        package=str(package),
        source_class=source_class,
        filter=str(row.get("filter") or ""),
    )


def _long_series(
    meta: dict[str, Any], rows: list[dict[str, Any]], package: Path
) -> list[StateSeries]:
    """One series per (indicator, period) of a long table; each value keeps its own source."""
    geo_field = next(f for f in meta["schema"]["fields"] if f["name"] == "geo")
    all_geo = [g for g in geo_field.get("constraints", {}).get("enum", []) if g != EU_AGGREGATE]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["indicator"], row["period"]), []).append(row)
    out = []
    for key, members in groups.items():
        per_value = {r["geo"]: _long_source(meta, package, r, key) for r in members}
        own = replace(
            _long_source(meta, package, None, key),
            unit=str(members[0]["unit"]),
            source_class=source_class_of(meta, members[0]),
        )
        values = {
            r["geo"]: _count_or_number(r["value"])
            for r in members
            if r["value"] is not None and r["geo"] != EU_AGGREGATE
        }
        eu = {
            r["geo"]: _count_or_number(r["value"])
            for r in members
            if r["value"] is not None and r["geo"] == EU_AGGREGATE
        }
        flags = {r["geo"]: r["flags"] for r in members if r.get("flags")}
        missing = tuple(g for g in all_geo if g not in values)
        out.append(StateSeries(key[0], values, own, missing, flags, per_value, eu))
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
        raise fail(
            "datapackage.json",
            str(path),
            f"cannot be read as JSON: {reason_of(exc)} (--snapshot or $EUPACT_SNAPSHOT names a "
            "data package folder, the one holding datapackage.json)",
        ) from exc
    return result


def _cache_dir() -> Path:
    root = os.environ.get("EUPACT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "eupact"
    )
    return Path(root)


def _fingerprint(base: Path, descriptor: dict[str, Any]) -> str:
    """A hash of the package's descriptor and files: a changed byte means a new validation."""
    digest = hashlib.sha256(__version__.encode())
    digest.update((base / "datapackage.json").read_bytes())
    for meta in descriptor.get("resources", []):
        try:
            digest.update((base / str(meta.get("path", ""))).read_bytes())
        except OSError:
            digest.update(b"missing")
    return digest.hexdigest()


def _validated_tables(base: Path, descriptor_path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every resource validated by frictionless, then checked for completeness."""
    from frictionless import FrictionlessException, Package

    try:
        package = Package(str(descriptor_path), basepath=str(base))
    except FrictionlessException as exc:
        raise fail("datapackage.json", str(descriptor_path), f"invalid descriptor: {exc}") from exc
    tables: dict[str, list[dict[str, Any]]] = {}
    problems: list[Problem] = []
    layouts = {r.get("name"): r.get(LAYOUT) for r in _descriptor(descriptor_path)["resources"]}
    for resource in package.resources:
        try:
            tables[resource.name] = _validate_resource(
                resource, base, layouts.get(resource.name) == "long"
            )
        except EupactError as exc:
            problems += exc.problems
    if problems:
        raise EupactError(problems, f"data snapshot {base} is invalid; nothing was computed")
    return tables


def _cached_tables(base: Path, descriptor: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Validated rows, from the cache when these exact bytes were validated before.

    Validation with frictionless takes about half a second; start-up must not. The cache is
    keyed by a hash of every byte of the package, so an edited file is validated again.
    """
    cache_file = _cache_dir() / f"snapshot-{_fingerprint(base, descriptor)}.pickle"
    try:
        with cache_file.open("rb") as fh:
            cached: dict[str, list[dict[str, Any]]] = pickle.load(fh)
        return cached
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    tables = _validated_tables(base, base / "datapackage.json")
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_file.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache_file)
    except OSError:
        pass  # a read-only home only costs the next start-up another validation
    return tables


def load_snapshot(folder: str | None = None) -> Snapshot:
    """Load a data package folder, validated: ``folder``, else ``$EUPACT_SNAPSHOT``, else the
    shipped snapshot."""
    return _load(str(Path(folder or os.environ.get("EUPACT_SNAPSHOT") or SNAPSHOT_DIR).resolve()))


@cache
def _load(folder: str) -> Snapshot:
    base = Path(folder)
    descriptor = _descriptor(base / "datapackage.json")
    tables = _cached_tables(base, descriptor)
    series: list[StateSeries] = []
    for meta in descriptor["resources"]:
        series += _series_of(meta, tables[meta["name"]], base)
    return Snapshot(
        path=base,
        name=str(descriptor.get("name", base.name)),
        version=str(descriptor.get("version", "")),
        series=tuple(series),
        classification=_classification(tables.get("classification_2025_decision", [])),
        tables=tables,
        meta={
            str(m["name"]): {k: v for k, v in m.items() if k != "schema"}
            for m in descriptor["resources"]
        },
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
    found = [s for s in _series_of(user_meta, rows, path.parent) if s.source.column == wanted]
    if not found:
        raise fail("column", wanted, f"not in {path.name}", summary="cannot read user data")
    series = found[0]
    source = replace(series.source, release=f"user file {path.name}", file=str(path.resolve()))
    return replace(series, source=source)


def _mtime(path: Path) -> str:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).isoformat(timespec="seconds")
