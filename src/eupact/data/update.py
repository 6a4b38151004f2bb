"""`eupact data update`: a new versioned snapshot from Eurostat, with a diff against the last.

A snapshot version is a folder (a Frictionless data package) under the data directory
(``$EUPACT_DATA_DIR`` or ``~/.local/share/eupact/snapshots``). It carries every resource of the
snapshot it was built on, plus ``eurostat_observations.csv``: one row per figure fetched, with
its dataset, filter, Eurostat's update time, retrieval time and flags. The shipped snapshot stays
the default; a version is used when named (``--snapshot`` or ``$EUPACT_SNAPSHOT``).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from eupact.data.eurostat.client import EurostatClient
from eupact.data.eurostat.indicators import INDICATORS, Panel, fetch_indicator
from eupact.data.snapshot import LAYOUT, Snapshot, load_snapshot
from eupact.errors import EupactError, Problem

OBSERVATIONS = "eurostat_observations"
# The indicators a snapshot carries, and the first year fetched.
SNAPSHOT_INDICATORS = (
    "population",
    "gdp",
    "asylum_applicants_first_time",
    "asylum_decisions_first_instance",
    "asylum_decisions_positive",
    "temporary_protection_beneficiaries",
    "ordered_to_leave",
    "returned",
    "dublin_requests_outgoing",
    "dublin_transfers_outgoing",
    "refused_entry",
    "illegally_present",
)
SINCE = 2022
COLUMNS = (
    "indicator",
    "geo",
    "period",
    "value",
    "unit",
    "reference_date",
    "source_title",
    "source",
    "notes",
    "flags",
)


def data_dir() -> Path:
    root = os.environ.get("EUPACT_DATA_DIR") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "eupact"
    )
    return Path(root) / "snapshots"


@dataclass(frozen=True)
class FetchReport:
    indicator: str
    status: str
    cells: int = 0
    updated: str = ""


@dataclass(frozen=True)
class Change:
    indicator: str
    geo: str
    period: str
    old: Decimal | None
    new: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        return None if self.old is None or self.new is None else self.new - self.old

    def as_dict(self) -> dict[str, Any]:
        rel = (
            (self.delta / self.old * 100).quantize(Decimal("0.01"))
            if (self.delta is not None and self.old)
            else None
        )
        return {
            "indicator": self.indicator,
            "geo": self.geo,
            "period": self.period,
            "old": _s(self.old),
            "new": _s(self.new),
            "change": _s(self.delta),
            "change_pct": _s(rel),
        }


def _s(x: Decimal | None) -> str | None:
    return None if x is None else str(x)


@dataclass(frozen=True)
class UpdateResult:
    path: Path
    version: str
    base: str
    reports: list[FetchReport]
    changes: list[Change]


def _rows(panel: Panel) -> list[dict[str, Any]]:
    """A panel as observation rows; missing and confidential cells are kept, with no value."""
    prov = panel.provenance[0] if panel.provenance else None
    ind = panel.indicator
    rows = []
    for rec in panel.records():
        if rec["value"] is None and not rec["flags"]:
            continue  # no figure and no flag: nothing to record
        value = rec["value"]
        period = str(rec["period"])
        rows.append(
            {
                "indicator": panel.name,
                "geo": rec["geo"],
                "period": ind.reference_date(period) if ind else period,
                "value": ""
                if value is None
                else (round(float(str(value))) if (ind and ind.integer) else value),
                "unit": panel.unit,
                "reference_date": ind.reference_date(period) if ind else period,
                "source_title": f"Eurostat {prov.dataset}, updated {prov.updated}"
                if prov
                else "Eurostat",
                "source": prov.url if prov else "",
                "notes": f"filter {prov.filter}; retrieved {prov.retrieved}" if prov else "",
                "flags": rec["flags"],
            }
        )
    return rows


def _previous_values(base: Snapshot) -> dict[tuple[str, str, str], Decimal]:
    """The base snapshot's value of every (indicator, geo, reference date)."""
    out: dict[tuple[str, str, str], Decimal] = {}
    for series in reversed(base.series):  # earlier resources win, as in Snapshot.find
        for geo, value in series.values.items():
            out[(series.indicator, geo, series.source.reference_date)] = Decimal(str(value))
    return out


def diff(
    previous: dict[tuple[str, str, str], Decimal], rows: Iterable[dict[str, Any]]
) -> list[Change]:
    """Which figures changed, appeared or lost their value compared with the base snapshot."""
    changes = []
    for row in rows:
        key = (row["indicator"], row["geo"], row["reference_date"])
        new = None if row["value"] in ("", None) else Decimal(str(row["value"]))
        old = previous.get(key)
        if old is None and new is None:
            continue
        if old is None or new is None or old != new:
            changes.append(Change(key[0], key[1], key[2], old, new))
    return changes


def _descriptor(
    base: Snapshot, version: str, rows_count: int, name: str = OBSERVATIONS, title: str = ""
) -> dict[str, Any]:
    descriptor: dict[str, Any] = json.loads(
        (base.path / "datapackage.json").read_text(encoding="utf-8")
    )
    resources = [r for r in descriptor["resources"] if r["name"] != name]
    template = next(r for r in resources if r.get(LAYOUT) == "long")
    geo_field = next(f for f in template["schema"]["fields"] if f["name"] == "geo")
    observations = {
        "name": name,
        "path": f"{name}.csv",
        "format": "csv",
        "encoding": "utf-8",
        "title": title or f"Figures fetched from Eurostat's dissemination API ({rows_count} cells)",
        "eupact:dataset": "Eurostat dissemination API (dataset per row)",
        LAYOUT: "long",
        "sources": [
            {
                "title": "Eurostat dissemination API, JSON-stat 2.0",
                "path": "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/",
            }
        ],
        "licenses": [{"name": "CC-BY-4.0", "title": "Eurostat copyright notice (CC BY 4.0)"}],
        "eupact:retrieved": version,
        "schema": {
            "fields": [
                {"name": "indicator", "type": "string", "constraints": {"required": True}},
                geo_field,
                {"name": "period", "type": "string", "constraints": {"required": True}},
                {"name": "value", "type": "number", "constraints": {"minimum": 0}},
                {"name": "unit", "type": "string"},
                {"name": "reference_date", "type": "string"},
                {"name": "source_title", "type": "string", "constraints": {"required": True}},
                {"name": "source", "type": "string"},
                {"name": "notes", "type": "string"},
                {"name": "flags", "type": "string"},
            ],
            "primaryKey": ["indicator", "geo", "period"],
        },
    }
    # Fetched figures first: Snapshot.find prefers the earliest resource that has a series.
    descriptor["resources"] = [observations, *resources]
    descriptor["version"] = version
    descriptor["created"] = version
    descriptor["eupact:base"] = f"{base.name} {base.version}"
    return descriptor


def update_snapshot(
    client: EurostatClient,
    *,
    base: Snapshot | None = None,
    out_root: Path | None = None,
    offline: bool = False,
    indicators: Iterable[str] = SNAPSHOT_INDICATORS,
    on_progress: Callable[[str, FetchReport], None] | None = None,
) -> UpdateResult:
    """Fetch every indicator (from the cache only when ``offline``), write a new snapshot version
    and return what changed. A dataset that cannot be fetched is reported, not fatal: its
    figures stay as they were in the base snapshot."""
    base = base or load_snapshot()
    version = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows: list[dict[str, Any]] = []
    reports = []
    for name in indicators:
        try:
            panel = fetch_indicator(
                client, INDICATORS[name], since=SINCE, offline=offline, refresh=not offline
            )
        except EupactError as exc:
            report = FetchReport(name, f"kept from the base snapshot: {exc.summary}")
        else:
            got = _rows(panel)
            rows += got
            prov = panel.provenance[0] if panel.provenance else None
            report = FetchReport(
                name,
                "from cache" if prov and prov.from_cache else "fetched",
                len(got),
                prov.updated if prov else "",
            )
        reports.append(report)
        if on_progress:
            on_progress(name, report)
    changes = diff(_previous_values(base), rows)
    path = _write(base, version, rows, changes, reports, out_root or data_dir())
    return UpdateResult(path, version, f"{base.name} {base.version}", reports, changes)


def _write(
    base: Snapshot,
    version: str,
    rows: list[dict[str, Any]],
    changes: list[Change],
    reports: list[FetchReport],
    root: Path,
    name: str = OBSERVATIONS,
    title: str = "",
) -> Path:
    """Write the version folder atomically (a temporary folder renamed at the end)."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".new-", dir=root))
    try:
        descriptor = _descriptor(base, version, len(rows), name, title)
        for res in descriptor["resources"][1:]:
            shutil.copy2(base.path / res["path"], staging / res["path"])
        with (staging / f"{name}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(COLUMNS))
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _cell(row[k]) for k in COLUMNS})
        (staging / "datapackage.json").write_text(
            json.dumps(descriptor, indent=1, ensure_ascii=False), encoding="utf-8"
        )
        (staging / "diff.json").write_text(
            json.dumps(
                {
                    "version": version,
                    "base": f"{base.name} {base.version}",
                    "fetched": [r.__dict__ for r in reports],
                    "changes": [c.as_dict() for c in changes],
                },
                indent=1,
            ),
            encoding="utf-8",
        )
        target = root / version.replace(":", "")
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    load_snapshot(str(target))  # validate what was written before anyone uses it
    return target


def _cell(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return ""
    return value


def versions(root: Path | None = None) -> list[Path]:
    """Snapshot versions in the data directory, oldest first."""
    root = root or data_dir()
    return (
        sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
        if root.exists()
        else []
    )


def import_figures(
    path: Path, *, base: Snapshot | None = None, out_root: Path | None = None
) -> UpdateResult:
    """A new snapshot version with a user's own figures (a ministry's national table).

    The file (CSV or XLSX) has the columns of ``published_figures``: indicator, geo, period,
    value, unit, reference_date, source_title, source, notes. It is validated against that
    schema — every broken cell is reported with its file, row and column — before anything is
    written; its figures then travel with their own source like any other.
    """
    from frictionless import Resource, Schema

    from eupact.data.snapshot import _validate_resource

    base = base or load_snapshot()
    path = Path(path)
    if path.suffix.lower() not in {".csv", ".xlsx"} or not path.is_file():
        raise EupactError(
            [Problem("file", str(path), "must be an existing .csv or .xlsx file")],
            "cannot import figures",
        )
    descriptor = json.loads((base.path / "datapackage.json").read_text(encoding="utf-8"))
    template = next(r for r in descriptor["resources"] if r["name"] == "published_figures")
    resource = Resource(str(path.resolve()), schema=Schema.from_descriptor(template["schema"]))
    rows = _validate_resource(resource, path.parent, long=True)
    version = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    table = [{**{k: ("" if v is None else v) for k, v in row.items()}, "flags": ""} for row in rows]
    for row in table:
        row["source_title"] = f"user file {path.name}: {row['source_title']}"
    changes = diff(_previous_values(base), table)
    result_path = _write(
        base,
        version,
        table,
        changes,
        [FetchReport(f"user file {path.name}", "imported", len(table))],
        out_root or data_dir(),
        "user_figures",
        f"Figures imported from the user file {path.name}",
    )
    return UpdateResult(result_path, version, f"{base.name} {base.version}", [], changes)
