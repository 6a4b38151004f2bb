"""The European Annual Asylum and Migration Report (Art. 9 AMMR), as eupact reconstructs it:
HTML (Jinja2) and PDF (WeasyPrint), with charts (Altair, rendered offline by vl-convert).

The report is built from typed results — the assessment, the forward look, the pool proposal and
fair shares — and cites every release behind a figure in a numbered data annex.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from eupact import __version__
from eupact.assessment import Assessment
from eupact.assessment.classify import cited_sources, short_title
from eupact.assessment.data import Figure, cite
from eupact.assessment.forecast import (
    Forward,
    NeedsInputs,
    needs_inputs,
    project_observations,
)
from eupact.assessment.methodology import CATEGORIES, CATEGORY_ARTICLES, CATEGORY_TITLES
from eupact.assessment.registry import INDICATORS
from eupact.data.provenance import Source
from eupact.reports import assessment_tables as at
from eupact.reports.cache import cached
from eupact.reports.formatting import fmt, isnum
from eupact.reports.tables import Table, allocation_table

if TYPE_CHECKING:
    from eupact.key.reference_key import ReferenceKey
    from eupact.pool.acts import CouncilAct
    from eupact.pool.allocation import Allocation
    from eupact.pool.proposal import Proposal

FORWARD_INDICATORS = ("applications", "arrivals")
_USES = {name: ind.title.split(" (")[0] for name, ind in INDICATORS.items()} | {
    "route": "route trend"
}
FORWARD_NOTES = {
    "applications": "The published per-state monthly figures are far too sparse (a few months per "
    "state) and the annual ones start in 2023. With Eurostat's monthly series (migr_asyappctzm, "
    "fetched by eupact data update or fetch_indicator) the same code projects every state; "
    "its method was checked on SYNTHETIC seeded series only (docs/assessment.md), not shown here.",
    "arrivals": "No per-state monthly series of irregular arrivals is held, and the national annual "
    "figures (Spain, Italy) start in 2023; Frontex's monthly detections by route, if added to the "
    "data, would be projected by the same code.",
}
TITLE = "European Annual Asylum and Migration Report"


@dataclass(frozen=True)
class PoolSection:
    """The pool proposal (Art. 12) and the fair shares of the Council's reference number
    (Art. 57(3)) for the pool year that follows the report."""

    year: int
    key: ReferenceKey
    proposal: Proposal
    fair: Allocation | None
    act: CouncilAct | None
    note: str = ""


#: The coverage matrix's letters (Annex A): the class of source of each figure used.
CLASS_LETTERS = {
    "primary": "P",
    "user": "U",
    "secondary": "S",
    "set aside": "s",
    "": "–",
}


@dataclass
class Refs:
    """Numbered references to data releases, in order of first use."""

    numbers: dict[str, int] = field(default_factory=dict)
    uses: dict[str, set[str]] = field(default_factory=dict)

    def __call__(self, item: Figure | Source | Sequence[Figure] | None, use: str = "") -> str:
        if item is None:
            return ""
        if isinstance(item, Figure):
            sources: tuple[Source, ...] = item.sources
        elif isinstance(item, Source):
            sources = (item,)
        else:
            sources = tuple(s for f in item for s in f.sources)
        if not sources:
            return ""
        use = _USES.get(use, use)
        nums = []
        for s in sources:
            key = cite(s)
            if key not in self.numbers:
                self.numbers[key] = len(self.numbers) + 1
            if use:
                self.uses.setdefault(key, set()).add(use)
            nums.append(self.numbers[key])
        return "[" + ", ".join(str(n) for n in sorted(set(nums))) + "]"

    def listing(self) -> list[dict[str, Any]]:
        return [
            {"n": n, "citation": key, "uses": ", ".join(sorted(self.uses.get(key, ())))}
            for key, n in sorted(self.numbers.items(), key=lambda kv: kv[1])
        ]


@dataclass(frozen=True)
class AnnualReport:
    year: int
    assessment: Assessment
    forwards: dict[str, Forward]
    needs: NeedsInputs
    pool: PoolSection | None
    generated: str
    label: str = ""  # e.g. a SYNTHETIC warning carried by inputs

    @property
    def title(self) -> str:
        return f"{TITLE} {self.year}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "generated": self.generated,
            "software": f"eupact {__version__}",
            "assessment": self.assessment.as_dict(),
            "forward_look": {n: f.as_dict() for n, f in self.forwards.items()},
            "needs_inputs_art_12_3": {
                "arrivals": self.needs.arrivals.value if self.needs.arrivals else None,
                "arrivals_projected": self.needs.arrivals_projected,
                "recognition_rate": self.needs.recognition_rate,
                "return_rate": self.needs.return_rate,
                "under_pressure": list(self.needs.under_pressure),
                "notes": list(self.needs.notes),
            },
            "label": self.label,
        }


def build_report(
    assessment: Assessment, pool: PoolSection | None = None, *, label: str = ""
) -> AnnualReport:
    """The report's content: the assessment, a forward look of arrivals and applications from
    the figures held, the Art. 12(3) inputs, and the pool section."""
    forecast = assessment.methodology.forecast
    forwards = {
        name: project_observations(assessment.data, name, forecast) for name in FORWARD_INDICATORS
    }
    return AnnualReport(
        assessment.year,
        assessment,
        forwards,
        needs_inputs(assessment, forwards),
        pool,
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        label,
    )


def pool_section(
    pool_year: int,
    snapshot: Any,
    parameters: Any,
    vintage: Any,
) -> PoolSection:
    """The proposal and fair shares of ``pool_year`` from a snapshot: the Council act's numbers
    when one is recorded, else the floors of Art. 12(2) (no fair shares before the act)."""
    from eupact.errors import EupactError
    from eupact.key.reference_key import key_from_snapshot
    from eupact.pool.acts import council_act
    from eupact.pool.proposal import propose_pool
    from eupact.pool.year import pool_year as assemble

    try:
        act = council_act(pool_year, parameters)
    except EupactError:
        at = parameters.at(dt.date(pool_year - 1, 10, 15))
        key = key_from_snapshot(snapshot, at, vintage)
        return PoolSection(
            pool_year,
            key,
            propose_pool(key),
            None,
            None,
            f"No Council act is recorded for {pool_year}: the proposal is shown at the floors of "
            "Art. 12(2) and no fair shares are computed.",
        )
    year = assemble(pool_year, parameters, snapshot, vintage)
    return PoolSection(pool_year, year.key, year.proposal(), year.fair_shares(), act)


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("eupact.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(fmt=fmt, isnum=isnum, yes_no=at.yes_no, decision_label=at.decision_label)
    env.filters["num"] = _num
    env.filters["pct"] = _pct
    env.filters["ratio"] = _ratio
    return env


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _pct(value: float | None, places: int = 1) -> str:
    return "–" if value is None else f"{value * 100:.{places}f} %"


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _summary(a: Assessment) -> dict[str, Any]:
    cats = {c: [g for g in a.in_category(c)] for c in CATEGORIES}
    statuses: dict[str, list[str]] = {}
    for g, c in a.comparison.items():
        statuses.setdefault(c.status, []).append(g)
    reproduced = {}
    for i, cat in enumerate(CATEGORIES):
        theirs = [g for g, c in a.comparison.items() if c.decision[i]]
        ours = [g for g in theirs if a.states[g].flags[i] is True]
        extra = [
            g for g, c in a.comparison.items() if not c.decision[i] and a.states[g].flags[i] is True
        ]
        undetermined = [g for g in theirs if a.states[g].flags[i] is None]
        reproduced[cat] = {
            "decision": theirs,
            "found": ours,
            "extra": extra,
            "undetermined": undetermined,
        }
    return {
        "categories": cats,
        "statuses": statuses,
        "reproduced": reproduced,
        "undetermined": a.undetermined(),
        "no_data": [g for g, r in a.states.items() if r.bound and all(v is None for v in r.flags)],
    }


def _indicator_sections(a: Assessment) -> list[dict[str, Any]]:
    """Per indicator: the states with a figure (and their measures), and those without."""
    out = []
    for name in (
        "arrivals",
        "applications",
        "temporary_protection",
        "dublin_requests_outgoing",
        "dublin_requests_incoming",
        "dublin_transfers_outgoing",
        "ordered_to_leave",
    ):
        res = a.indicators.results[name]
        rows = [m for g, m in res.states.items() if m.figure is not None]
        out.append(
            {
                "name": name,
                "title": res.indicator.title,
                "article": res.indicator.article,
                "basis": res.basis,
                "proxy": res.proxy,
                "eu": res.eu,
                "eu_rate": res.eu_rate,
                "eu_per_capita": res.eu_per_capita,
                "rows": rows,
                "missing": [g for g, m in res.states.items() if m.figure is None],
                "note": res.indicator.note,
            }
        )
    return out


def _reasons(a: Assessment) -> list[dict[str, Any]]:
    """Per state: category, basis, the rules that fired and what data were missing."""
    out = []
    for g, res in a.states.items():
        if not res.bound:
            continue
        fired = []
        checked = []
        missing = set()
        for cat in CATEGORIES:
            det = res.determinations[cat]
            for o in det.outcomes:
                if o.value is None:
                    missing.add(short_title(o.rule.indicator))
                elif o.fired and not det.excluded:
                    fired.append((cat, o))
                elif not det.excluded:
                    checked.append((cat, o))
        out.append(
            {
                "geo": g,
                "name": res.name,
                "label": res.label,
                "flags": res.flags,
                "basis": res.basis,
                "fired": fired,
                "checked": checked,
                "missing": sorted(missing),
                "comparison": a.comparison.get(g),
            }
        )
    return out


def _pool_rows(pool: PoolSection) -> list[dict[str, Any]]:
    ind = pool.proposal.indicative
    rows = []
    for g, r in ind.rows.items():
        f = pool.fair.rows[g] if pool.fair else None
        rows.append(
            {
                "geo": g,
                "share": pool.key.percent(g),
                "indicative_relocations": r.relocations,
                "indicative_eur": r.financial,
                "fair_relocations": f.relocations if f else None,
                "fair_eur": f.financial if f else None,
            }
        )
    return rows


def context(report: AnnualReport, charts: dict[str, str]) -> dict[str, Any]:
    a = report.assessment
    refs = Refs()
    tables: dict[str, Table] = {
        "overview": at.overview_table(a),
        "cumulative": at.cumulative_table(a),
        "coverage": at.coverage_table(a),
        "methodology": at.methodology_table(a),
    }
    if a.sensitivity is not None:
        tables["sensitivity"] = at.sensitivity_table(a)
    if report.pool is not None:
        tables["indicative"] = allocation_table(report.pool.proposal.indicative, "indicative")
    return {
        "r": report,
        "a": a,
        "refs": refs,
        "charts": charts,
        "tables": tables,
        "summary": _summary(a),
        "indicators": _indicator_sections(a),
        "reasons": _reasons(a),
        "categories": CATEGORIES,
        "category_titles": CATEGORY_TITLES,
        "category_articles": CATEGORY_ARTICLES,
        "routes": a.indicators.routes,
        "route_figures": a.data.routes,
        "pool": report.pool,
        "pool_rows": _pool_rows(report.pool) if report.pool else [],
        "forwards": report.forwards,
        "needs": report.needs,
        "software": f"eupact {__version__}",
        "reason_sources": cited_sources(a.states),
        "coverage_classes": at.coverage_classes(a),
        "class_letters": CLASS_LETTERS,
        "unusable": a.data.observations.unusable,
        "conflicts": a.data.observations.conflicts,
        "key_label": a.indicators.key_label,
        "forward_notes": FORWARD_NOTES,
    }


def render_html(report: AnnualReport, charts: dict[str, str] | None = None) -> str:
    """The report as one self-contained HTML document (charts embedded as SVG)."""
    from eupact.reports.charts import charts as make_charts

    rendered = charts if charts is not None else make_charts(report.assessment, report.forwards)
    return _env().get_template("annual_report.html.j2").render(**context(report, rendered))


def pdf_bytes(html: str, *, cache: bool = True) -> bytes:
    """WeasyPrint's PDF of the HTML (needs Pango: Debian libpango-1.0-0 libpangoft2-1.0-0),
    from the content-keyed cache when this exact HTML was rendered before."""
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    import weasyprint  # type: ignore[import-untyped]

    def render() -> bytes:
        data: bytes = weasyprint.HTML(string=html).write_pdf()
        return data

    return cached(f"pdf-weasyprint-{weasyprint.__version__}", html, render, use=cache)


def write_pdf(html: str, path: Path, *, cache: bool = True) -> None:
    path.write_bytes(pdf_bytes(html, cache=cache))


def write_report(
    report: AnnualReport, folder: str | Path, *, pdf: bool = True, cache: bool = True
) -> list[Path]:
    """Write report_<year>.html, report_<year>.pdf and assessment_<year>.json into ``folder``.
    ``cache=False`` renders the PDF and the charts even if the same were rendered before."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    from eupact.reports.charts import charts as make_charts

    html = render_html(report, make_charts(report.assessment, report.forwards, cache=cache))
    paths = []
    html_path = folder / f"report_{report.year}.html"
    html_path.write_text(html, encoding="utf-8")
    paths.append(html_path)
    if pdf:
        pdf_path = folder / f"report_{report.year}.pdf"
        write_pdf(html, pdf_path, cache=cache)
        paths.append(pdf_path)
    json_path = folder / f"assessment_{report.year}.json"
    json_path.write_text(
        json.dumps(report.as_dict(), indent=1, ensure_ascii=False, default=str), encoding="utf-8"
    )
    paths.append(json_path)
    return paths
