"""`eupact cycle run`: from the shipped data and a pledges file to a folder of results.

Everything is computed before anything is written, and the folder is written to a temporary
place and moved into position at the end: a refused input leaves no file behind, and a run never
leaves a half-written folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from eupact import __version__
from eupact.assessment import Assessment, Methodology, assess_year
from eupact.cells import inert
from eupact.cycle.inputs import PledgesFile, read_pledges_file
from eupact.cycle.summary import render_html, render_markdown
from eupact.data.provenance import StateSeries
from eupact.data.snapshot import Snapshot, load_snapshot
from eupact.errors import EupactError
from eupact.key.reference_key import ReferenceKey, Vintage
from eupact.parameters import ParameterSet, load_parameters
from eupact.pool.acts import CouncilAct
from eupact.pool.outcome import PoolOutcome, compute_outcome
from eupact.pool.pledges import validate_deductions, validate_pledges
from eupact.pool.proposal import Proposal
from eupact.pool.year import pool_year
from eupact.reports.tables import (
    Table,
    allocation_table,
    key_table,
    outcome_table,
    plain,
    readings_table,
    totals_table,
)
from eupact.reports.workbook import write_workbook


@dataclass(frozen=True)
class CycleResult:
    year: int
    act: CouncilAct
    snapshot: Snapshot
    key: ReferenceKey
    proposal: Proposal
    outcome: PoolOutcome
    pledges: PledgesFile
    parameters: ParameterSet
    assessment: Assessment | None = None  # the pressure assessment of year - 1 (Art. 9-11)

    def tables(self) -> list[Table]:
        return [
            key_table(self.key),
            allocation_table(self.proposal.indicative, "proposal_indicative_contributions"),
            allocation_table(self.outcome.fair_shares, "fair_shares"),
            outcome_table(self.outcome),
            totals_table(self.outcome),
        ]


def run_cycle(
    year: int,
    pledges_path: str | Path | PledgesFile,
    *,
    vintage: Vintage | None = None,
    snapshot: Snapshot | None = None,
    forum_reconvened: bool | None = None,
    sar_share: Fraction | None = None,
    assess: bool = True,
    methodology: Methodology | str | Path | None = None,
    readings: Mapping[str, str] | None = None,
    as_of: dt.date | None = None,
    allow_secondary: bool = False,
    parameters: ParameterSet | None = None,
    key_states: tuple[str, ...] | None = None,
    population: StateSeries | None = None,
    gdp: StateSeries | None = None,
) -> CycleResult:
    """Assessment (of the year before, Art. 9-11), proposal, fair shares and outcome of the pool
    for ``year``; pure apart from reading inputs. ``readings`` chooses other [reading]s of the
    law (``name -> alternative``); ``as_of`` says who benefits by that date (else the file's
    ``as_of``, else every recorded use of the pool). ``parameters`` replaces the shipped legal
    parameters (a scenario's changed values); ``key_states``, ``population`` and ``gdp`` compute the
    key over other states or on a user's own figures (Art. 66)."""
    parameters = (parameters or load_parameters()).with_readings(dict(readings or {}))
    snapshot = snapshot or load_snapshot()
    pool = pool_year(
        year, parameters, snapshot, vintage, population=population, gdp=gdp, states=key_states
    )
    act, params, key, sar = pool.act, pool.params, pool.key, pool.sar_states
    assessment = (
        assess_year(
            year - 1,
            snapshot=snapshot,
            methodology=methodology,
            parameters=parameters,
            allow_secondary=allow_secondary,
        )
        if assess
        else None
    )
    proposal = pool.proposal(sar_share)
    file = (
        pledges_path if isinstance(pledges_path, PledgesFile) else read_pledges_file(pledges_path)
    )
    who = pool.standing(
        file.uses_of_pool, file.notifications, file.shortcomings, as_of or file.as_of
    )
    try:
        pledges = validate_pledges(file.pledges, act, params, who.benefitting_states)
    except EupactError as refused:
        # the deductions' problems said in the same pass, against the pledges as written
        try:
            validate_deductions(
                file.deductions,
                file.pledges,
                act,
                params,
                snapshot.classification,
                who.barred_from_deduction,
            )
        except EupactError as also:
            raise EupactError([*refused.problems, *also.problems], refused.summary) from None
        raise
    deductions = validate_deductions(
        file.deductions,
        pledges,
        act,
        params,
        snapshot.classification,
        who.barred_from_deduction,
    )
    reconvened = file.forum_reconvened if forum_reconvened is None else forum_reconvened
    # CFMR Art. 9(4)(a), 9(5): the crisis credits the file records, authorised by its as_of
    day = as_of or file.as_of
    credits = tuple(
        c
        for c in (r.credit(params) for r in file.crisis_credits)
        if day is None or (c.authorised_on is not None and c.authorised_on <= day)
    )
    outcome = compute_outcome(
        key,
        act,
        pledges,
        deductions,
        forum_reconvened=reconvened,
        standing=who,
        sar_share=sar_share,
        sar_states=sar,
        crisis_credits=credits,
    )
    return CycleResult(year, act, snapshot, key, proposal, outcome, file, parameters, assessment)


def provenance(result: CycleResult) -> dict[str, Any]:
    """What the results rest on: data releases, parameters in force, acts, inputs, software."""
    params = result.key.params
    used = sorted(
        {
            p.name
            for p in result.parameters
            # the assessment methodology is recorded under "assessment": it is not a legal value
            if not p.name.startswith(("pool_", "assessment."))
            or p.name.startswith(f"pool_{result.year}.")
        }
    )
    return {
        "software": f"eupact {__version__}",
        "computed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pool_year": result.year,
        "council_act": result.act.citation,
        "parameters_date": params.date.isoformat(),
        "vintage": result.key.vintage.label() if result.key.vintage else "",
        "data": [
            {**series.source.as_dict(), "flags": series.flagged()}
            for series in (result.key.population, result.key.gdp)
        ],
        "snapshot": {
            "name": result.snapshot.name,
            "version": result.snapshot.version,
            "path": str(result.snapshot.path),
        },
        "assessment": None
        if result.assessment is None
        else {
            "year": result.assessment.year,
            "reporting_period": result.assessment.period.label,
            "methodology": result.assessment.methodology.name,
            "methodology_files": list(result.assessment.methodology.files),
            "under_migratory_pressure": list(result.assessment.in_category("under_pressure")),
        },
        "pledges_file": {
            "path": str(result.pledges.path),
            "label": result.pledges.label,
            "synthetic": result.pledges.synthetic,
        },
        "parameters": [
            {"name": n, "value": plain(params(n)), **params.entry(n).reference.as_dict()}
            for n in used
            if params.parameters[n].values[0].since <= params.date
        ],
        "readings": [r.as_dict() for r in result.parameters.readings_at(params.date)],
        "benefitting": [
            {
                "state": b.state,
                "article": b.article,
                "since": b.since.isoformat(),
                "technical_forum_due": b.forum_due.isoformat(),
            }
            for b in result.outcome.standing.benefitting.values()
        ],
        "systemic_shortcomings": dict(result.outcome.standing.shortcomings),
    }


def _write_csv(path: Path, table: Table) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(table.columns))
        writer.writeheader()
        for row in table.rows:
            writer.writerow({k: inert(plain(v)) for k, v in row.items()})


def _explanations(result: CycleResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "totals": result.outcome.explain_totals().as_dict(),
        "proposal": result.proposal.explain_totals().as_dict(),
        "offsets": result.outcome.offsets.explain(result.key).as_dict(),
        "states": {},
    }
    for geo in result.key.states:
        out["states"][geo] = {
            "share": result.key.explain(geo).as_dict(),
            **{
                f: result.outcome.explain(geo, f).as_dict()
                for f in (
                    "fair_share_relocations",
                    "fair_share_financial",
                    "pledged_total",
                    "deducted_total",
                    "to_implement_total",
                    "balance",
                    "offset_obligation",
                )
            },
        }
    return out


def _write_report(result: CycleResult, folder: Path) -> None:
    """The assessment's table and the annual report of the assessment's year (HTML, PDF)."""
    from eupact.reports.annual import PoolSection, build_report, write_report
    from eupact.reports.assessment_tables import classification_table

    assert result.assessment is not None
    _write_csv(folder / "assessment.csv", classification_table(result.assessment))
    pool = PoolSection(
        result.year, result.key, result.proposal, result.outcome.fair_shares, result.act
    )
    write_report(build_report(result.assessment, pool), folder)


def write_results(result: CycleResult, out_dir: str | Path, *, report: bool = True) -> list[Path]:
    """Write CSV, JSON, Markdown and HTML results into ``out_dir`` atomically; with ``report``
    (default: on, `cycle run --no-report` turns it off) also the assessment and the annual report
    (HTML and PDF)."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        tables = result.tables()
        for table in tables:
            _write_csv(staging / f"{table.name}.csv", table)
        prov = provenance(result)  # once: every file states the same inputs and time
        document = {
            "provenance": prov,
            "tables": {
                t.name: {
                    "title": t.title,
                    "notes": list(t.notes),
                    "rows": [{k: plain(v) for k, v in r.items()} for r in t.rows],
                }
                for t in tables
            },
            "explanations": _explanations(result),
        }
        (staging / "result.json").write_text(
            json.dumps(document, indent=1, ensure_ascii=False), encoding="utf-8"
        )
        # one workbook of the run: every table, state names, formats, sources, the label
        write_workbook(
            [*tables, readings_table(result.parameters, result.key.params.date)],
            staging / "results.xlsx",
            label=result.pledges.label,
        )
        (staging / "summary.md").write_text(render_markdown(result, tables, prov), encoding="utf-8")
        (staging / "summary.html").write_text(render_html(result, tables, prov), encoding="utf-8")
        if report and result.assessment is not None:
            _write_report(result, staging)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(out_dir.iterdir())
