"""`eupact data update`: a new versioned snapshot from Eurostat, with a diff against the last.

A snapshot version is a folder (a Frictionless data package) under the data directory
(``$EUPACT_DATA_DIR`` or ``~/.local/share/eupact/snapshots``). It carries every resource of the
snapshot it was built on, plus ``eurostat_observations.csv``: one row per figure fetched, with
its dataset, filter, Eurostat's update time, retrieval time and flags. The shipped snapshot stays
the default; a version is used when named (``--snapshot`` or ``$EUPACT_SNAPSHOT``).

An update fails well: a network that cannot reach Eurostat stops it at the first request, within
seconds, naming the host and the cause (:class:`~eupact.data.eurostat.client.NetworkFailure`);
offline with nothing cached it names what is missing; and when the figures equal those of the
base snapshot, or of the last version built on it, no version is written ("no change since").
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

from eupact.data.eurostat.client import EurostatClient, NetworkFailure, NotCached
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
    """A version written (``written``), or the one nothing changed since (``path``, ``version``)."""

    path: Path
    version: str
    base: str
    reports: list[FetchReport]
    changes: list[Change]
    written: bool = True


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


def previous_values(base: Snapshot) -> dict[tuple[str, str, str], Decimal]:
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


def long_resource(
    base: Snapshot, name: str, meta: dict[str, Any], extra_geo: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A long resource of the new version: ``meta`` (title, dataset, sources, licences, source
    class) with the columns of :data:`COLUMNS`; its geo codes are the base's, plus ``extra_geo``."""
    descriptor = json.loads((base.path / "datapackage.json").read_text(encoding="utf-8"))
    template = next(r for r in descriptor["resources"] if r.get(LAYOUT) == "long")
    geo_field = json.loads(
        json.dumps(next(f for f in template["schema"]["fields"] if f["name"] == "geo"))
    )
    enum = geo_field.setdefault("constraints", {}).get("enum")
    if enum is not None:
        geo_field["constraints"]["enum"] = [*enum, *(g for g in extra_geo if g not in enum)]
    return {
        "name": name,
        "path": f"{name}.csv",
        "format": "csv",
        "encoding": "utf-8",
        **meta,
        LAYOUT: "long",
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


def _eurostat_resource(base: Snapshot, rows_count: int) -> dict[str, Any]:
    return long_resource(
        base,
        OBSERVATIONS,
        {
            "title": f"Figures fetched from Eurostat's dissemination API ({rows_count} cells)",
            "eupact:dataset": "Eurostat dissemination API (dataset per row)",
            "sources": [
                {
                    "title": "Eurostat dissemination API, JSON-stat 2.0",
                    "path": "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/",
                }
            ],
            "licenses": [{"name": "CC-BY-4.0", "title": "Eurostat copyright notice (CC BY 4.0)"}],
            # Each row is an extraction: dataset, filter, retrieval time and URL (docs/data.md).
            "eupact:source_class": "primary",
        },
    )


def _descriptor(base: Snapshot, version: str, resource: dict[str, Any]) -> dict[str, Any]:
    descriptor: dict[str, Any] = json.loads(
        (base.path / "datapackage.json").read_text(encoding="utf-8")
    )
    others = [r for r in descriptor["resources"] if r["name"] != resource["name"]]
    # The new figures first: Snapshot.find prefers the earliest resource that has a series.
    descriptor["resources"] = [{**resource, "eupact:retrieved": version}, *others]
    descriptor["version"] = version
    descriptor["created"] = version
    descriptor["eupact:base"] = base_label(base)
    return descriptor


def base_label(base: Snapshot) -> str:
    return f"{base.name} {base.version}"


def _not_cached(exc: NotCached) -> str:
    return "; ".join(str(p.value) for p in exc.problems)


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
    and return what changed.

    A dataset Eurostat refuses or answers badly is reported, not fatal: its figures stay as they
    were in the base snapshot. A network that fails (the client's time budget bounds every wait)
    stops the update at once, with nothing written; so does an offline run with nothing cached.
    When no figure differs from the base snapshot, or from the last version built on the same
    base, nothing is written and the result names that version (``written`` is False).
    """
    base = base or load_snapshot()
    root = out_root or data_dir()
    names = list(indicators)
    version = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows: list[dict[str, Any]] = []
    reports: list[FetchReport] = []
    missing: list[tuple[str, str]] = []
    for position, name in enumerate(names):
        try:
            panel = fetch_indicator(
                client, INDICATORS[name], since=SINCE, offline=offline, refresh=not offline
            )
        except NetworkFailure as exc:
            if exc.fatal:
                raise _stopped(exc, reports, names[position:]) from None
            report = FetchReport(name, f"kept from the base snapshot: {exc.problems[0].rule}")
        except NotCached as exc:
            missing.append((name, _not_cached(exc)))
            report = FetchReport(name, "not in the cache")
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
    if not rows:
        raise _nothing(reports, missing, offline, client)
    changes = diff(previous_values(base), rows)
    same = same_version(root, base, OBSERVATIONS, rows, FIGURE_COLUMNS) or (
        None if changes else base.path
    )
    if same is not None:
        return unchanged_result(same, base, reports)
    path = write_version(
        base, version, rows, changes, reports, root, _eurostat_resource(base, len(rows))
    )
    return UpdateResult(path, version, base_label(base), reports, changes)


# What makes two fetches the same figures: not Eurostat's update time nor the retrieval time.
FIGURE_COLUMNS = ("indicator", "geo", "period", "value", "unit", "flags")


def _figures(rows: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> set[tuple[Any, ...]]:
    def cell(column: str, value: Any) -> Any:
        if column == "value":
            return None if value in ("", None) else Decimal(str(value))
        return "" if value is None else str(value)

    return {tuple(cell(c, row.get(c)) for c in columns) for row in rows}


def same_version(
    root: Path,
    base: Snapshot,
    name: str,
    rows: list[dict[str, Any]],
    columns: tuple[str, ...],
) -> Path | None:
    """The newest version built on ``base`` whose resource ``name`` holds these very figures."""
    for folder in reversed(versions(root)):
        try:
            descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if descriptor.get("eupact:base") != base_label(base):
            continue
        if not any(r.get("name") == name for r in descriptor.get("resources", [])):
            continue
        try:
            with (folder / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
                stored = _figures(csv.DictReader(fh), columns)
        except (OSError, ValueError, ArithmeticError):
            return None
        return folder if stored == _figures(rows, columns) else None
    return None


def unchanged_result(path: Path, base: Snapshot, reports: list[FetchReport]) -> UpdateResult:
    if path == base.path:
        return UpdateResult(path, base.version, base_label(base), reports, [], written=False)
    descriptor = json.loads((path / "datapackage.json").read_text(encoding="utf-8"))
    return UpdateResult(
        path, str(descriptor.get("version", path.name)), base_label(base), reports, [], False
    )


def _stopped(exc: NetworkFailure, reports: list[FetchReport], left: list[str]) -> NetworkFailure:
    """The network failed: stop, name the cause, what was not tried and what is cached."""
    problems = list(exc.problems)
    problems.append(
        Problem(
            "datasets not fetched",
            ", ".join(left),
            "the update stopped at the first network failure; no new snapshot version was written",
        )
    )
    done = [r.indicator for r in reports if r.cells]
    if done:
        problems.append(
            Problem(
                "datasets fetched before",
                ", ".join(done),
                "kept in the cache: `eupact data update --offline` builds a version from them",
            )
        )
    return NetworkFailure(problems, exc.summary, exc.kind, exc.host, True)


def _nothing(
    reports: list[FetchReport],
    missing: list[tuple[str, str]],
    offline: bool,
    client: EurostatClient,
) -> EupactError:
    """No figure fetched or cached at all: an error, and no version."""
    if offline and len(missing) == len(reports):
        where = str(client.cache.root) if client.cache else "(cache disabled)"
        problems = [
            Problem(
                "cache",
                where,
                f"offline mode: none of the {len(missing)} datasets is in the cache; run "
                "`eupact data update` once online to fetch and cache them",
            )
        ]
        problems += [Problem(name, what, "not in the cache") for name, what in missing]
        return EupactError(
            problems, "nothing to update from offline; no new snapshot version written"
        )
    return EupactError(
        [Problem("dataset", r.indicator, r.status) for r in reports],
        "no figure could be fetched; no new snapshot version written",
    )


def write_version(
    base: Snapshot,
    version: str,
    rows: list[dict[str, Any]],
    changes: list[Change],
    reports: list[FetchReport],
    root: Path,
    resource: dict[str, Any],
) -> Path:
    """Write the version folder atomically (a temporary folder renamed at the end)."""
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".new-", dir=root))
    try:
        descriptor = _descriptor(base, version, resource)
        for res in descriptor["resources"][1:]:
            shutil.copy2(base.path / res["path"], staging / res["path"])
        with (staging / resource["path"]).open("w", newline="", encoding="utf-8") as fh:
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
                    "base": base_label(base),
                    "fetched": [r.__dict__ for r in reports],
                    "changes": [c.as_dict() for c in changes],
                },
                indent=1,
            ),
            encoding="utf-8",
        )
        target = root / version.replace(":", "")
        for n in range(2, 100):  # two versions written within the same second
            if not target.exists():
                break
            target = root / f"{version.replace(':', '')}-{n}"
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
