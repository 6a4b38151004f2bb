"""What if (``/what-if``, issue 18): the common questions a delegation asks before the High-Level
Forum (Art. 13 AMMR), as a form whose answer has an address to share.

The form's knobs — the reference number of relocations and its EUR figure (Art. 57(1); the EUR
figure follows the Council act's ratio unless it is set), the Forum reconvened or not (Art. 13(4),
63(3)), every pledge scaled, a deduction granted to a chosen state (Art. 61, 62), a [reading] of
the offsets cap (Art. 63(7), 63(4)), the population release the key rests on (Art. 66) — become
a scenario through :func:`eupact.scenarios.scenario_from_dict`, so every bound and check of a
scenario file applies; it is run with :func:`eupact.scenarios.run_scenario` and compared with
the year as recorded (:func:`eupact.scenarios.compare`). A refused value is a 422 page that keeps
the form and names the field.

It computes on the shipped data and the shipped SYNTHETIC example pledges only, never on the
pledges recorded in this service (which the embargo of Art. 12(6) protects): the same rule as
the API's ``/scenarios``. It is a GET (every number in the query bounded by the boundary's
readers before anything is computed); nothing is stored and nothing is cached — a comparison
takes ~0.1 s.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from eupact.boundary import Refused, read_decimal, read_integer
from eupact.cycle.permissions import authorize
from eupact.cycle.service import CycleService
from eupact.errors import EupactError, NotFound, Problem, echo
from eupact.reports.tables import Table, csv_text, plain
from eupact.web import i18n
from eupact.web.page import Page

#: The [reading]s of the offsets cap offered (Art. 63(7); 63(4) for granted deductions).
CAP_READINGS = ("offsets.cap.contributions_counted", "offsets.cap.granted_deductions")
MAX_RELOCATIONS = 10**7  # the Union's yearly relocations are in the tens of thousands
MAX_EUR = Decimal(10) ** 12  # a scenario's own bound on a value
MAX_SCALE_PCT = 1_000  # a scenario scales pledges from 0 to ten times
CHARTS = ("fair_share", "offsets")
LABEL_A, LABEL_B = "as recorded", "what if"
SYNTHETIC_NOTE = (
    "SYNTHETIC pledges: computed on the shipped data and the shipped SYNTHETIC example pledges, "
    "never on the pledges recorded in this service (Art. 12(6))"
)
#: The form's fields, and the scenario's fields each one sets (a refusal names the form's).
FIELDS = {
    "changes.parameters": "relocations",
    "changes.forum_reconvened": "forum",
    "changes.pledges.scale_pledges": "scale",
    "changes.pledges": "deduction",
    "changes.readings": "reading",
    "changes.vintage": "population",
    "population": "population",
    "base": "year",
}


@dataclass(frozen=True)
class Choices:
    """What the form offers for one base year."""

    years: tuple[int, ...]
    year: int
    reference_relocations: int
    reference_eur: Decimal
    eligible: tuple[str, ...]  # may request a deduction (Art. 61, 62)
    requested: tuple[str, ...]  # a deduction requested in the example pledges
    granted: tuple[str, ...]  # granted in the example pledges already
    readings: tuple[dict[str, Any], ...]
    populations: tuple[dict[str, str], ...]

    @property
    def ratio(self) -> Decimal:
        """EUR per relocation in the Council act's reference numbers (Art. 57(1))."""
        return self.reference_eur / self.reference_relocations


@dataclass(frozen=True)
class Knobs:
    """The form as read: each knob None (or empty) when left as recorded."""

    year: int
    relocations: int | None = None
    eur: Decimal | None = None
    forum: bool | None = None
    scale: int | None = None
    deduction: str = ""
    readings: dict[str, str] = field(default_factory=dict)
    population: str = ""
    chart: str = CHARTS[0]

    @property
    def changed(self) -> bool:
        return any(
            (
                self.relocations is not None,
                self.eur is not None,
                self.forum is not None,
                self.scale is not None,
                self.deduction,
                self.readings,
                self.population,
            )
        )


def base_years(service: CycleService) -> tuple[int, ...]:
    """The pool years with a recorded Council act and shipped example pledges."""
    from eupact.cycle.examples import example_pledges_path
    from eupact.pool.acts import recorded_years

    years = []
    for year in recorded_years(service.parameters):
        try:
            example_pledges_path(year)
        except EupactError:
            continue
        years.append(year)
    return tuple(sorted(years))


@cache
def _example_deductions(year: int) -> tuple[tuple[str, str], ...]:
    """(state, status) of each deduction in the shipped example pledges of ``year``."""
    from eupact.cycle.examples import example_pledges_path
    from eupact.cycle.inputs import read_pledges_file

    found = read_pledges_file(example_pledges_path(year)).deductions
    return tuple((d.state, str(d.status)) for d in found)


def choices(service: CycleService, year: int, years: tuple[int, ...]) -> Choices:
    from eupact.pool.acts import council_act

    act = council_act(year, service.parameters)
    deductions = _example_deductions(year)
    params = service.parameters
    readings = []
    for p in params.readings():
        if p.name in CAP_READINGS:
            current = p.values[-1].value
            readings.append(
                {
                    "name": p.name,
                    "description": p.description,
                    "recorded": str(current),
                    "alternatives": [
                        {"value": str(a.value), "meaning": a.meaning} for a in p.alternatives
                    ],
                }
            )
    populations = tuple(
        {
            "column": s.source.column,
            "date": s.source.reference_date,
            "release": s.source.release,
        }
        for s in service.snapshot.series
        if s.indicator == "population"
    )
    return Choices(
        years,
        year,
        act.reference.relocations,
        Decimal(act.reference.financial),
        tuple(act.deduction_eligible_states),
        tuple(g for g, status in deductions if status == "requested"),
        tuple(g for g, status in deductions if status == "granted"),
        tuple(sorted(readings, key=lambda r: CAP_READINGS.index(r["name"]))),
        populations,
    )


def _shown(raw: str) -> str:
    return str(echo(raw[:60], quote=False))


def read_knobs(query: Mapping[str, str], c: Choices) -> Knobs:
    """The knobs of ``query``, each bounded before anything is computed; every problem named
    at once (the form's field, the value, the rule)."""
    problems: list[Problem] = []

    def number(name: str, read: Any, **rules: Any) -> Any:
        raw = query.get(name, "").strip()
        if not raw:
            return None
        try:
            return read(raw, people=True, **rules)
        except Refused as refused:
            problems.append(Problem(name, _shown(raw), refused.rule))
            return None

    relocations = number("relocations", read_integer, maximum=MAX_RELOCATIONS)
    eur = number("eur", read_decimal, maximum=MAX_EUR, decimals=2)
    scale = number("scale", read_integer, maximum=MAX_SCALE_PCT)
    forum_raw = query.get("forum", "")
    forum = {"": None, "yes": True, "no": False}.get(forum_raw)
    if forum_raw not in ("", "yes", "no"):
        problems.append(Problem("forum", _shown(forum_raw), "yes, no, or empty (as recorded)"))
    deduction = query.get("deduction", "").strip().upper()[:3]
    if deduction and deduction not in c.eligible:
        rule = "one of the states the Council act identifies as able to request a deduction "
        rule += f"(Art. 61, 62): {' '.join(c.eligible)}"
        problems.append(Problem("deduction", _shown(query.get("deduction", "")), rule))
        deduction = ""
    readings = {}
    for r in c.readings:
        raw = query.get(r["name"], "")
        if not raw:
            continue
        allowed = [a["value"] for a in r["alternatives"]]
        if raw not in allowed:
            rule = f"one of {', '.join(allowed)}"
            problems.append(Problem(r["name"], _shown(raw), rule))
        elif raw != r["recorded"]:
            readings[r["name"]] = raw
    population = query.get("population", "")
    if population and population not in {p["column"] for p in c.populations}:
        rule = "one of the snapshot's population releases: "
        rule += ", ".join(p["column"] for p in c.populations)
        problems.append(Problem("population", _shown(population), rule))
        population = ""
    chart = query.get("chart", CHARTS[0])
    if chart not in CHARTS:
        problems.append(Problem("chart", _shown(chart), f"one of {', '.join(CHARTS)}"))
    if problems:
        raise EupactError(problems, "what-if refused; nothing was computed")
    return Knobs(c.year, relocations, eur, forum, scale, deduction, readings, population, chart)


def euros(amount: Decimal) -> str:
    """EUR as a scenario writes it: digits, two decimals at most."""
    text = format(amount.quantize(Decimal("0.01")), "f")
    return text.removesuffix(".00")


def scenario_document(k: Knobs, c: Choices) -> dict[str, Any]:
    """The scenario the knobs make, as a scenario file would hold it (docs/scenarios.md)."""
    changes: dict[str, Any] = {}
    parameters: dict[str, Any] = {}
    if k.relocations is not None:
        parameters[f"pool_{k.year}.reference.relocations"] = k.relocations
    eur = k.eur
    if eur is None and k.relocations is not None:  # the act's ratio, unless the EUR is set
        eur = Decimal(k.relocations) * c.ratio
    if eur is not None:
        parameters[f"pool_{k.year}.reference.financial"] = f"EUR {euros(eur)}"
    if parameters:
        changes["parameters"] = parameters
    if k.forum is not None:
        changes["forum_reconvened"] = k.forum
    pledges: dict[str, Any] = {}
    if k.scale is not None:
        pledges["scale_pledges"] = f"{k.scale}/100"
    if k.deduction in c.requested:  # granted as the example requests it
        pledges["grant_deductions_of"] = [k.deduction]
    elif k.deduction and k.deduction not in c.granted:  # a full deduction, granted
        deduction = {
            "state": k.deduction,
            "article": "62",
            "full": True,
            "status": "granted",
            "council_act": "what-if on the dashboard (not adopted)",
        }
        pledges["add"] = {"deductions": [deduction]}
    if pledges:
        changes["pledges"] = pledges
    if k.readings:
        changes["readings"] = dict(k.readings)
    if k.population:
        chosen = next(p for p in c.populations if p["column"] == k.population)
        changes["vintage"] = {"population_date": chosen["date"], "release": k.population}
    return {"label": LABEL_B, "base": k.year, "changes": changes}


def _for_the_form(exc: EupactError) -> EupactError:
    """A scenario's refusal with each problem named by the form's field it came from."""
    problems = []
    for p in exc.problems:
        name = next((f for prefix, f in FIELDS.items() if p.field.startswith(prefix)), p.field)
        if p.field.startswith("changes.readings."):
            name = p.field.removeprefix("changes.readings.")
        problems.append(Problem(name, p.value, f"{p.rule} ({p.field})", p.location))
    error = EupactError(problems, exc.summary)
    error.http_status = exc.http_status
    return error


def compare_year(
    service: CycleService, k: Knobs, c: Choices
) -> tuple[Table, Table, dict[str, Any]]:
    """The year as recorded (A) and with the knobs' changes (B): the totals and the per-state
    tables of :func:`eupact.scenarios.compare`, and the scenario's document."""
    from eupact.scenarios import compare, run_scenario, scenario_from_dict

    doc = scenario_document(k, c)
    try:
        scenario = scenario_from_dict(doc, "what-if form")
        base = scenario_from_dict({"label": LABEL_A, "base": k.year}, "what-if form")
        a = run_scenario(base, snapshot=service.snapshot)
        b = run_scenario(scenario, snapshot=service.snapshot)
    except EupactError as exc:
        raise _for_the_form(exc) from None
    totals, states = compare(a, b, (LABEL_A, LABEL_B))
    return totals, states, doc


def state_rows(states: Table) -> list[dict[str, Any]]:
    """Per state: the figures the page shows, A, B and the change (B − A)."""
    out = []
    for r in states.rows:
        row: dict[str, Any] = {"geo": r["geo"], "role": r["role"]}
        for figure in ("fair_share_eur", "deducted_eur", "to_implement_eur", "offset_obligation"):
            for side in ("a", "b", "change"):
                row[f"{figure}_{side}"] = plain(r.get(f"{figure}_{side}"))
        out.append(row)
    return out


def total_rows(totals: Table) -> list[dict[str, Any]]:
    """The pool's totals, each value tagged with what it is (a figure, yes or no, words)."""
    return [
        {
            "item": r["item"],
            "a": _cell(r["a"]),
            "b": _cell(r["b"]),
            "change": _cell(r["change"]),
            "changed": r["change"] not in ("", None) and not _zero(r["change"]),
        }
        for r in totals.rows
    ]


def _cell(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"kind": "bool", "value": value}
    if isinstance(value, int | Decimal):
        whole = isinstance(value, int) or value == value.to_integral_value()
        return {"kind": "number", "value": str(value), "decimals": 0 if whole else 2}
    if value in (None, ""):
        return {"kind": "none"}
    return {"kind": "text", "value": str(value)}


def _zero(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool) and value == 0


def chart_html(rows: list[dict[str, Any]], chart: str, lang: str) -> str:
    """The side-by-side bars (per state, A against B) as a JSON data block for charts.js."""
    from eupact.web.charts import comparison_bars_spec, embed_html

    _ = i18n.translations(lang).gettext
    figure = "fair_share_eur" if chart == "fair_share" else "offset_obligation"
    values = [
        {"geo": r["geo"], "a": _float(r[f"{figure}_a"]), "b": _float(r[f"{figure}_b"])}
        for r in rows
    ]
    labels = {
        "a": _("as recorded (A)"),
        "b": _("what if (B)"),
        "value": _("fair share, EUR") if chart == "fair_share" else _("offsets owed, persons"),
        "state": _("Member State"),
        "format": ",.0f",
    }
    spec = comparison_bars_spec(values, names=i18n.state_names(lang), labels=labels)
    return embed_html(spec, "chart-compare", lang)


def _float(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def _tables_for_download(totals: Table, states: Table) -> list[Table]:
    notes = (
        SYNTHETIC_NOTE,
        "A: the year as recorded. B: with the what-if changes. change = B − A.",
    )
    return [
        Table(totals.name, totals.title, totals.columns, totals.rows, notes),
        Table(states.name, states.title, states.columns, states.rows, notes),
    ]


def download(totals: Table, states: Table, year: int, name: str, fmt: str) -> Response:
    """The comparison as CSV (one table) or XLSX (both, with the SYNTHETIC banner)."""
    stem = f"eupact-{year}-what-if-{name}-SYNTHETIC"
    tables = _tables_for_download(totals, states)
    if fmt == "csv":
        chosen = tables[0] if name == "totals" else tables[1]
        rows = [{k: plain(v) for k, v in r.items()} for r in chosen.rows]
        body = ("# " + SYNTHETIC_NOTE + "\n" + csv_text(rows)).encode()
        media = "text/csv; charset=utf-8"
    else:
        from eupact.reports.workbook import write_workbook

        with tempfile.TemporaryDirectory(prefix="eupact-what-if-") as folder:
            path = Path(folder) / "comparison.xlsx"
            write_workbook(tables, path, label=SYNTHETIC_NOTE)
            body = path.read_bytes()
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'},
    )


DOWNLOADS = {"comparison.csv", "totals.csv", "comparison.xlsx"}


def router(service: CycleService) -> APIRouter:
    pages = APIRouter(include_in_schema=False)

    def setup(page: Page) -> Choices:
        authorize(page.actor, "scenario.run")  # everyone: a computation on shipped data
        years = base_years(service)
        if not years:
            raise NotFound([Problem("year", "", "no pool year has a recorded act")], "not found")
        asked = page.request.query_params.get("year", "")
        try:
            year = read_integer(asked, minimum=2000, maximum=2999) if asked else years[-1]
        except Refused as refused:
            raise refused.error("year") from None
        if year not in years:
            rule = f"a pool year with a recorded Council act: {', '.join(map(str, years))}"
            raise EupactError([Problem("year", _shown(asked), rule)], "what-if refused")
        return choices(service, year, years)

    @pages.get("/what-if", response_class=HTMLResponse)
    def what_if(request: Request) -> Response:
        page = Page(service, request)
        query = request.query_params
        entered = {k: query.get(k, "")[:80] for k in query}
        context: dict[str, Any] = {"active": "what-if", "entered": entered, "errors": None}
        try:
            c = setup(page)
            context["choices"] = c
            knobs = read_knobs(query, c)
            context["knobs"] = knobs
            if knobs.changed or "run" in query:
                totals, states, doc = compare_year(service, knobs, c)
                rows = state_rows(states)
                context["result"] = {
                    "totals": total_rows(totals),
                    "states": rows,
                    "changed_states": sum(
                        1 for r in rows if any(r[f"{f}_change"] for f in _FIGURES)
                    ),
                    "scenario": doc,
                    "ratio": euros(c.ratio),
                }
                context["charts"] = {"compare": chart_html(rows, knobs.chart, page.lang)}
        except EupactError as exc:
            if "choices" not in context:
                raise
            context["errors"] = exc
            return page.render("what_if.html", exc.http_status, **context)
        return page.render("what_if.html", **context)

    @pages.get("/what-if/{name}")
    def what_if_download(request: Request, name: str) -> Response:
        if name not in DOWNLOADS:
            rule = f"one of {', '.join(sorted(DOWNLOADS))}"
            raise NotFound([Problem("file", _shown(name), rule)], "not found")
        page = Page(service, request)
        c = setup(page)
        knobs = read_knobs(request.query_params, c)
        totals, states, _ = compare_year(service, knobs, c)
        stem, fmt = name.rsplit(".", 1)
        return download(totals, states, c.year, stem, fmt)

    return pages


_FIGURES = ("fair_share_eur", "deducted_eur", "to_implement_eur", "offset_obligation")

__all__ = [
    "CAP_READINGS",
    "Choices",
    "Knobs",
    "base_years",
    "choices",
    "compare_year",
    "read_knobs",
    "router",
    "scenario_document",
]
