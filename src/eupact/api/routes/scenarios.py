"""What-if scenarios through the API (the CLI's `eupact scenario run|compare`): a recorded cycle
year with named changes (Art. 12–13, 57–63 AMMR), computed on the shipped data and the shipped
SYNTHETIC example pledges — never on the pledges recorded in this service, which the embargo
(Art. 12(6)) protects. Nothing is written: a scenario is a computation, not a record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from eupact.api.deps import Service, Who, perm
from eupact.api.requests import CompareIn, ScenarioIn
from eupact.cycle.permissions import authorize
from eupact.reports.tables import Table, outcome_table, plain, totals_table
from eupact.scenarios import compare, run_scenario

router = APIRouter(prefix="/scenarios", tags=["scenarios"])


class TableOut(BaseModel):
    name: str
    title: str
    columns: list[str]
    rows: list[dict[str, Any]]
    notes: list[str]


class ScenarioOut(BaseModel):
    label: str
    base: int
    synthetic: bool
    tables: list[TableOut]


class ComparisonOut(BaseModel):
    a: str
    b: str
    tables: list[TableOut]


def _table(table: Table) -> dict[str, Any]:
    return {
        "name": table.name,
        "title": table.title,
        "columns": list(table.columns),
        "rows": [{k: plain(v) for k, v in row.items()} for row in table.rows],
        "notes": list(table.notes),
    }


@router.post("/run", response_model=ScenarioOut, openapi_extra=perm("scenario.run"))
def run(service: Service, who: Who, body: ScenarioIn) -> Any:
    """One scenario: the outcome per Member State and the pool's totals."""
    authorize(who, "scenario.run")
    scenario = body.scenario()
    result = run_scenario(scenario, snapshot=service.snapshot)
    tables = [outcome_table(result.outcome), totals_table(result.outcome)]
    return {
        "label": scenario.label,
        "base": scenario.base,
        "synthetic": result.pledges.synthetic,
        "tables": [_table(t) for t in tables],
    }


@router.post("/compare", response_model=ComparisonOut, openapi_extra=perm("scenario.run"))
def run_compare(service: Service, who: Who, body: CompareIn) -> Any:
    """Two scenarios side by side: the totals and per-state figures under A and B, and B − A."""
    authorize(who, "scenario.run")
    a, b = body.a.scenario(), body.b.scenario()
    results = (
        run_scenario(a, snapshot=service.snapshot),
        run_scenario(b, snapshot=service.snapshot),
    )
    tables = compare(*results, (a.label, b.label))
    return {"a": a.label, "b": b.label, "tables": [_table(t) for t in tables]}
