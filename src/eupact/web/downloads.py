"""Every table the dashboard shows, as CSV, XLSX or JSON; and the annual report as PDF.

A table is read through the service with the visitor's rights (an embargoed proposal is not
downloadable by those who may not read it). JSON carries the provenance and, when the cycle holds
the demo's SYNTHETIC records, says so; XLSX has an "About" sheet with the same; CSV files of such
a cycle are named ``…-SYNTHETIC.csv``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.responses import Response

from eupact import __version__
from eupact.cycle.permissions import Actor
from eupact.cycle.service import CycleService
from eupact.errors import EupactError, NotFound, Problem
from eupact.pool.year import default_vintage
from eupact.reports.documents import outcome_document, proposal_document
from eupact.reports.tables import csv_text, plain
from eupact.web import views

DOWNLOAD_FORMATS = ("csv", "xlsx", "json")
SYNTHETIC_LABEL = (
    "SYNTHETIC: this cycle holds the demonstration's synthetic pledges and requests, not real ones"
)
Rows = list[dict[str, Any]]


def _calendar(service: CycleService, actor: Actor, year: int) -> Rows:
    return [dict(d) for d in service.get_cycle(actor, year).calendar]


def _key(service: CycleService, actor: Actor, year: int) -> Rows:
    return views.key_rows(service, year)


def _proposal(service: CycleService, actor: Actor, year: int) -> Rows:
    return list(proposal_document(service.proposal(actor, year))["rows"])


def _outcome(service: CycleService, actor: Actor, year: int) -> Rows:
    read = service.outcome(actor, year)
    return list(outcome_document(read.outcome, read.own_state)["rows"])


def _pledges(service: CycleService, actor: Actor, year: int) -> Rows:
    return [p.as_dict() for p in service.list_pledges(actor, year, limit=100_000)[0]]


def _audit(service: CycleService, actor: Actor, year: int) -> Rows:
    return [e.as_dict() for e in service.audit_log(actor, 0, 1_000_000)[0]]


def _assessment(service: CycleService, actor: Actor, year: int) -> Rows:
    from eupact.reports.assessment_tables import classification_table

    return classification_table(views.assessment(year - 1)).rows


def _sources(service: CycleService, actor: Actor, year: int) -> Rows:
    return list(views.sources(service)["releases"])


TABLES: dict[str, Callable[[CycleService, Actor, int], Rows]] = {
    "calendar": _calendar,
    "key": _key,
    "proposal": _proposal,
    "outcome": _outcome,
    "pledges": _pledges,
    "deductions": lambda s, a, y: [r.as_dict() for r in s.list_deductions(a, y)],
    "offsets": lambda s, a, y: [r.as_dict() for r in s.list_offsets(a, y)],
    "implementation": lambda s, a, y: [r.as_dict() for r in s.list_implementation(a, y)],
    "assessment": _assessment,
    "audit": _audit,
    "sources": _sources,
}


def download_names(service: CycleService, actor: Actor, year: int | None) -> list[str]:
    """The tables this visitor may download (those the service lets them read)."""
    if year is None:
        return ["sources"]
    names = []
    for name, read in TABLES.items():
        try:
            PROBES.get(name, read)(service, actor, year)
        except EupactError:
            continue
        names.append(name)
    return names


# Cheaper questions with the same answer (allowed or refused) for the tables that grow.
PROBES: dict[str, Callable[[CycleService, Actor, int], object]] = {
    "audit": lambda s, a, y: s.audit_log(a, 0, 1),
    "pledges": lambda s, a, y: s.list_pledges(a, y, limit=1),
}


def download(
    service: CycleService, actor: Actor, year: int | None, name: str, fmt: str
) -> Response:
    if name not in TABLES:
        raise NotFound([Problem("table", name, f"one of {', '.join(TABLES)}")], "not found")
    if fmt not in DOWNLOAD_FORMATS:
        raise NotFound([Problem("format", fmt, f"one of {', '.join(DOWNLOAD_FORMATS)}")])
    if year is None and name != "sources":
        raise NotFound([Problem("year", "", "no cycle has been opened yet")], "not found")
    rows = [{k: _cell(v) for k, v in r.items()} for r in TABLES[name](service, actor, year or 0)]
    synthetic = bool(year) and views.synthetic(service, year or 0)
    about = {
        "table": name,
        "pool_year": year,
        "generated_at": service.clock().isoformat(timespec="seconds"),
        "generated_by": f"eupact {__version__}",
        "data_package": views.sources(service)["package"],
        **({"label": SYNTHETIC_LABEL} if synthetic else {}),
    }
    stem = f"eupact-{year or ''}-{name}{'-SYNTHETIC' if synthetic else ''}".replace("--", "-")
    media, body = {"csv": _csv, "xlsx": _xlsx, "json": _json}[fmt](rows, about)
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
    )


def _cell(value: Any) -> Any:
    value = plain(value)
    return json.dumps(value, default=str) if isinstance(value, list | dict | tuple) else value


def _csv(rows: Rows, about: dict[str, Any]) -> tuple[str, bytes]:
    return "text/csv; charset=utf-8", csv_text(rows).encode()


def _json(rows: Rows, about: dict[str, Any]) -> tuple[str, bytes]:
    document = {**about, "rows": rows}
    return "application/json", json.dumps(
        document, ensure_ascii=False, indent=1, default=str
    ).encode()


def _xlsx(rows: Rows, about: dict[str, Any]) -> tuple[str, bytes]:
    """The same workbook as the command line's (state names, number and currency formats,
    frozen headers, a Sources sheet, the SYNTHETIC label), with what the download is about."""
    import tempfile
    from pathlib import Path

    from eupact.reports.tables import Table
    from eupact.reports.workbook import write_workbook

    columns = tuple(rows[0]) if rows else ("no rows",)
    notes = tuple(f"{k}: {v}" for k, v in about.items() if k != "label")
    table = Table(str(about["table"]), f"eupact: {about['table']}", columns, list(rows), notes)
    with tempfile.TemporaryDirectory(prefix="eupact-download-") as folder:
        path = Path(folder) / "download.xlsx"
        write_workbook([table], path, label=str(about.get("label", "")))
        body = path.read_bytes()
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body


def report_pdf(service: CycleService, year: int) -> bytes:
    """The European Annual Asylum and Migration Report of ``year`` as PDF (rendered once, then
    served from the report cache)."""
    from eupact.reports.annual import build_report, pool_section, write_report
    from eupact.reports.cache import cache_dir

    if not 2023 <= year <= service.clock().year:
        raise NotFound([Problem("year", year, "no report for this year")], "not found")
    a = views.assessment(year)
    pool = pool_section(year + 1, service.snapshot, service.parameters, default_vintage(year + 1))
    folder = Path(cache_dir()) / "web" / f"report_{year}"
    paths = write_report(build_report(a, pool), folder, pdf=True)
    return next(p for p in paths if p.suffix == ".pdf").read_bytes()


__all__ = [
    "DOWNLOAD_FORMATS",
    "SYNTHETIC_LABEL",
    "TABLES",
    "download",
    "download_names",
    "report_pdf",
]
