"""The `eupact` command line: thin shells over the Python API."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from eupact.errors import EupactError, Problem, fail
from eupact.reports.tables import Table

from .assess import AllowSecondaryOpt, assess_cmd, report_cmd
from .border import border_app
from .calendar import calendar_cmd
from .common import (
    AsOfOpt,
    FormatOpt,
    GdpFile,
    GdpYear,
    PopDate,
    PopFile,
    ReadingOpt,
    Release,
    SarOpt,
    YearOpt,
    _date,
    _fraction,
    _money,
    console,
    err_console,
    readings,
    user_errors,
)
from .crisis import crisis_app
from .data import data_app
from .match import match_cmd
from .plan import plan_app
from .render import Format, print_tables
from .responsible import responsible_cmd
from .scenario import scenario_app, scenario_compare
from .service import audit_app, db_app, serve, tokens_app
from .simulate import simulate_app
from .state import state_cmd

app = typer.Typer(
    help="eupact — the EU Pact on Migration and Asylum's annual cycle, explained.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
params_app = typer.Typer(help="Dated legal parameters.", no_args_is_help=True)
pool_app = typer.Typer(
    help="The Annual Solidarity Pool (Art. 12, 57-66 AMMR).", no_args_is_help=True
)
cycle_app = typer.Typer(help="The whole annual cycle.", no_args_is_help=True)
app.add_typer(params_app, name="params")
app.add_typer(pool_app, name="pool")
app.add_typer(cycle_app, name="cycle")
app.add_typer(data_app, name="data")


@app.callback()
def _options(
    snapshot: Annotated[
        Path | None,
        typer.Option(
            "--snapshot",
            envvar="EUPACT_SNAPSHOT",
            help="Data package folder to use instead of the shipped snapshot",
        ),
    ] = None,
) -> None:
    """eupact — the EU Pact on Migration and Asylum's annual cycle, explained."""
    if snapshot is not None:
        os.environ["EUPACT_SNAPSHOT"] = str(snapshot)


@params_app.command("show")
@user_errors
def params_show(
    at: Annotated[str | None, typer.Option(help="Date YYYY-MM-DD (default: today)")] = None,
    regimes: Annotated[
        bool,
        typer.Option(
            "--regimes",
            help="Also list the historical regimes' parameters (the 2015 relocation key: "
            "`eupact key --regime`), which no cycle of the Pact applies",
        ),
    ] = False,
    form: FormatOpt = Format.table,
) -> None:
    """List every legal parameter in force on a date, with its legal reference."""
    from eupact.parameters import load_parameters
    from eupact.reports.tables import plain

    day = _date(at, dt.date.today())
    rows = []
    for p in load_parameters():
        if p.values[0].since > day or (p.name.startswith("regime.") and not regimes):
            continue
        entry = p.entry_at(day)
        value = entry.value
        shown = (
            " ".join(str(plain(v)) for v in value)
            if isinstance(value, tuple)
            else str(plain(value))
        )
        rows.append(
            {
                "parameter": p.name,
                "value": shown,
                "unit": p.unit,
                "since": entry.since.isoformat(),
                "reference": entry.reference.cite(),
                "note": entry.reference.note or entry.note,
                "file": p.file,
            }
        )
    table = Table(
        "parameters",
        f"Legal parameters in force on {day}",
        ("parameter", "value", "unit", "since", "reference", "note", "file"),
        rows,
        wide=("note", "file"),
    )
    alternatives = [
        row
        for r in load_parameters().readings_at(day)
        for row in (
            {"reading": r.name, "alternative": r.used, "in_force": "yes", "meaning": r.meaning},
            *(
                {"reading": r.name, "alternative": a.name, "in_force": "", "meaning": a.meaning}
                for a in r.others
            ),
        )
    ]
    # [reading]s that are numbers (weights, tolerances, display places): no list of choices
    alternatives += [
        {
            "reading": p.name,
            "alternative": str(plain(p.at(day))),
            "in_force": "yes",
            "meaning": f"a value the text does not fix; another is set by a dated value in "
            f"parameters/{p.file}",
        }
        for p in load_parameters()
        if not p.is_reading
        and not p.file.startswith("methodology")
        and p.values[0].since <= day
        and "[reading]" in p.entry_at(day).reference.note + p.entry_at(day).note
    ]
    readings = Table(
        "readings",
        f"[reading]s in force on {day}: where the law leaves a choice, every alternative",
        ("reading", "alternative", "in_force", "meaning"),
        alternatives,
        ("Choose another for a run with --reading NAME=ALTERNATIVE (pool outcome, cycle run).",),
    )
    print_tables(console, [table, readings], form)


def _as_of(text: str | None) -> dt.date | None:
    from eupact.boundary import Refused
    from eupact.boundary.benefit import read_day

    if text is None:
        return None
    try:
        return read_day(text)
    except Refused as refused:
        raise fail("--as-of", text, refused.rule) from None


def _vintage(
    year: int, population_date: str | None, gdp_year: str | None, release: str | None
) -> Any:
    """The data vintage from the options, defaulting to the one recorded for the pool year."""
    from eupact.key.reference_key import Vintage
    from eupact.pool.year import DEFAULT_VINTAGES

    default = DEFAULT_VINTAGES.get(year, Vintage())
    return Vintage(
        population_date or default.population_date, gdp_year or default.gdp_year, release
    )


def _key(
    year: int,
    population_date: str | None,
    gdp_year: str | None,
    release: str | None,
    population_file: Path | None,
    gdp_file: Path | None,
    states: str | None,
) -> Any:
    from eupact.data.snapshot import load_snapshot, load_user_series
    from eupact.parameters import load_parameters
    from eupact.pool.year import pool_year

    vintage = _vintage(year, population_date, gdp_year, release)
    snapshot = load_snapshot()
    population = gdp = None
    if population_file:
        base = snapshot.find("population", vintage.population_date, vintage.population_release)
        population = load_user_series(population_file, base)
    if gdp_file:
        gdp = load_user_series(gdp_file, snapshot.find("gdp", vintage.gdp_year))
    chosen = tuple(s.strip().upper() for s in states.split(",") if s.strip()) if states else None
    pool = pool_year(
        year, load_parameters(), snapshot, vintage, population=population, gdp=gdp, states=chosen
    )
    return pool.act, pool.key


@app.command("key")
@user_errors
def key_cmd(
    year: YearOpt = 2026,
    population_date: PopDate = None,
    gdp_year: GdpYear = None,
    release: Release = None,
    population_file: PopFile = None,
    gdp_file: GdpFile = None,
    states: Annotated[
        str | None, typer.Option(help="Comma-separated geo codes (default: all bound)")
    ] = None,
    explain: Annotated[str | None, typer.Option(help="Explain one state's share, e.g. DE")] = None,
    form: FormatOpt = Format.table,
    regime: Annotated[
        str | None,
        typer.Option(
            help="A historical key instead: 2015-agenda, 2015-may or 2015-september, on its "
            "own data, compared with the figures published then (docs/regimes.md)"
        ),
    ] = None,
) -> None:
    """Each Member State's reference-key share (Art. 66 AMMR) on a chosen data vintage, or with
    --regime a historical key compared with its published figures."""
    from eupact.reports.tables import key_table

    if regime is not None:
        from eupact.key.regimes import (
            comparison_rows,
            compute_key_2015,
            load_inputs,
            load_published,
        )
        from eupact.key.regimes import regime as find_regime
        from eupact.parameters import load_parameters

        if population_date or release or population_file or gdp_file:
            raise fail(
                "--regime",
                regime,
                "rests on the regime's own data: only --gdp-year, --states, --explain and "
                "--format go with it",
            )
        if gdp_year is not None and not gdp_year.isdigit():
            raise fail("--gdp-year", gdp_year, "must be a year, e.g. 2013")
        chosen = find_regime(regime)
        picked = (
            tuple(s.strip().upper() for s in states.split(",") if s.strip()) if states else None
        )
        hist = compute_key_2015(
            load_inputs(),
            load_parameters().at(chosen.date),
            chosen,
            states=picked,
            gdp_year=int(gdp_year) if gdp_year else None,
        )
        if picked is not None or gdp_year is not None:
            err_console.print(
                f"[bold yellow]warning:[/] --states/--gdp-year change {chosen.name}: a what-if, "
                "not the key as proposed",
                highlight=False,
            )
        if explain:
            if explain.upper() not in hist.rows:
                raise fail("--explain", explain, "not among the participating states")
            print(hist.explain(explain.upper()).render())
            return
        rows, notes = comparison_rows(hist, load_published())
        table = Table(
            f"regime_{chosen.name.replace('-', '_')}",
            f"{chosen.title}: key and published figures",
            tuple(rows[0]) if rows else ("geo",),
            rows,
            notes=notes,
            wide=("population", "gdp_meur", "residual_pct", "within_rounding"),
        )
        print_tables(console, [table], form)
        return
    _, key = _key(year, population_date, gdp_year, release, population_file, gdp_file, states)
    bound = key.params("scope.bound_member_states")
    unbound = [g for g in key.states if g not in bound]
    if unbound:
        err_console.print(
            f"[bold yellow]warning:[/] {', '.join(unbound)} not bound by Part IV AMMR (recital 90, "
            "Protocol No 22 for Denmark): a share computed for it is a what-if, not a fair share, "
            "and it changes every other state's share",
            highlight=False,
        )
    if explain:
        if explain.upper() not in key.rows:
            raise fail("--explain", explain, "not among the participating states")
        print(key.explain(explain.upper()).render())
        return
    print_tables(console, [key_table(key)], form)


@pool_app.command("propose")
@user_errors
def pool_propose(
    year: YearOpt = 2026,
    relocations: Annotated[
        int | None, typer.Option(help="Union relocations (default: the floor)")
    ] = None,
    financial: Annotated[
        str | None, typer.Option(help="Union EUR (default: follows the ratio)")
    ] = None,
    exceptional: Annotated[bool, typer.Option(help="Art. 12(4): no projected need")] = False,
    from_needs: Annotated[
        bool,
        typer.Option(
            "--from-needs",
            help="Size the totals from the projected needs (Art. 12(3)): assesses year − 1, "
            "prints every term, then proposes the sized numbers",
        ),
    ] = False,
    allow_secondary: AllowSecondaryOpt = False,
    reading: ReadingOpt = None,
    sar_share: SarOpt = None,
    population_date: PopDate = None,
    gdp_year: GdpYear = None,
    release: Release = None,
    population_file: PopFile = None,
    gdp_file: GdpFile = None,
    form: FormatOpt = Format.table,
) -> None:
    """The Commission proposal (Art. 12): totals and each state's indicative contribution,
    then, once the Council act is recorded, its reference number and each state's fair share
    of it (Art. 57). The proposal comes before the act: a year with no act is proposed alone.
    With --from-needs the totals are sized from the needs (eupact.pool.needs.size_pool)."""
    from eupact.data.snapshot import load_snapshot, load_user_series
    from eupact.parameters import load_parameters
    from eupact.pool.acts import recorded_years
    from eupact.pool.year import pool_year, proposal_year
    from eupact.reports.tables import allocation_table

    if from_needs and (relocations is not None or financial is not None):
        raise fail(
            "--from-needs",
            "with --relocations/--financial",
            "--from-needs sizes the totals itself (Art. 12(3)): give one or the other",
        )
    parameters, snapshot = load_parameters().with_readings(readings(reading)), load_snapshot()
    given = population_date or gdp_year or release
    vintage = _vintage(year, population_date, gdp_year, release) if given else None
    population = gdp = None
    if population_file or gdp_file:
        vintage = vintage or _vintage(year, None, None, None)
        if population_file:
            base = snapshot.find("population", vintage.population_date, vintage.population_release)
            population = load_user_series(population_file, base)
        if gdp_file:
            gdp = load_user_series(gdp_file, snapshot.find("gdp", vintage.gdp_year))
    draft = proposal_year(year, parameters, snapshot, vintage, population=population, gdp=gdp)
    sizing = None
    if from_needs:
        from eupact.assessment import assess_year
        from eupact.assessment.needs import needs_figures
        from eupact.pool.needs import size_pool
        from eupact.reports.annual import build_report

        # the Report and decision of 15 October of the year before (Art. 9, 11), as `cycle run`
        assessment = assess_year(
            year - 1, snapshot=snapshot, parameters=parameters, allow_secondary=allow_secondary
        )
        report = build_report(assessment)
        figures = needs_figures(
            report.needs,
            year=year,
            forwards=report.forwards,
            basis=f"assessment {assessment.year}, {assessment.methodology.name}",
        )
        sizing = size_pool(figures, draft.key, draft.params, exceptional=exceptional)
        relocations = sizing.relocations
    proposal = draft.proposal(
        relocations,
        _money(financial, "--financial") if sizing is None else sizing.financial,
        exceptional=exceptional,
        sar_share=_fraction(sar_share, "--sar-share"),
    )
    tables = [allocation_table(proposal.indicative, "proposal_indicative_contributions")]
    if sizing is not None and form is not Format.table:  # a table prints the explanation
        tables.insert(
            0,
            Table(
                "needs_sizing",
                f"Annual Solidarity Pool {year} sized from the needs (Art. 12(3))",
                ("term", "value", "article", "source"),
                list(sizing.rows()),
                sizing.explain().notes,
            ),
        )
    has_act = year in recorded_years(parameters)
    if has_act:
        pool = pool_year(year, parameters, snapshot, draft.vintage, population=population, gdp=gdp)
        tables.append(allocation_table(pool.fair_shares(), "fair_shares"))
    if form is Format.table:
        if sizing is not None:
            console.print(sizing.explain().render(), highlight=False, markup=False)
        console.print(proposal.explain_totals().render(), highlight=False, markup=False)
        console.print(
            f"Data: {draft.vintage.label()} (the latest the snapshot holds on "
            f"{draft.params.date}, Art. 66); parameters in force on {draft.params.date}, the "
            "proposal's deadline (Art. 12(6))."
        )
        if not has_act:
            console.print(
                f"No Council act is recorded for {year}: this is the proposal alone (Art. 12). "
                "Fair shares follow from the reference number the Council sets (Art. 57(1), (3))."
            )
        if proposal.sar:
            console.print(
                f"SAR part (Art. 12(5)): {proposal.sar.share} → {proposal.sar.relocations:,} "
                f"relocations / EUR {proposal.sar.financial:,} for {', '.join(proposal.sar.states)}"
            )
    print_tables(console, tables, form)


@pool_app.command("outcome")
@user_errors
def pool_outcome(
    pledges: Annotated[Path, typer.Option(help="Pledges file (YAML, JSON or CSV)")],
    year: YearOpt = 2026,
    forum_reconvened: Annotated[
        bool | None,
        typer.Option(
            "--forum-reconvened/--forum-not-reconvened",
            help="Whether the High-Level Forum was reconvened under Art. 13(4) (default: from the file)",
        ),
    ] = None,
    sar_share: SarOpt = None,
    population_date: PopDate = None,
    gdp_year: GdpYear = None,
    release: Release = None,
    explain: Annotated[str | None, typer.Option(help="Explain one figure, e.g. DE:balance")] = None,
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    form: FormatOpt = Format.table,
) -> None:
    """The outcome per state: fair share, pledged, deducted, balance, offsets (Art. 57-65)."""
    from eupact.cycle.run import run_cycle
    from eupact.reports.tables import outcome_table, readings_table, totals_table

    result = run_cycle(
        year,
        pledges,
        forum_reconvened=forum_reconvened,
        sar_share=_fraction(sar_share, "--sar-share"),
        vintage=_vintage(year, population_date, gdp_year, release),
        readings=readings(reading),
        as_of=_as_of(as_of),
    )
    if explain:
        geo, _, field = explain.partition(":")
        print(result.outcome.explain(geo.upper(), field or "balance").render())
        return
    if result.pledges.label and form is Format.table:
        err_console.print(f"[bold yellow]{result.pledges.label}[/]")
    tables = [outcome_table(result.outcome), totals_table(result.outcome)]
    print_tables(
        console,
        [*tables, readings_table(result.parameters, result.key.params.date)],
        form,
        label=result.pledges.label,
    )


@pool_app.command("synthetic-pledges")
@user_errors
def pool_synthetic(
    out: Annotated[Path, typer.Option(help="YAML file to write")],
    year: YearOpt = 2026,
    seed: Annotated[int, typer.Option(help="Random seed")] = 2026,
) -> None:
    """Write a SYNTHETIC, clearly labelled pledges file for demonstrations."""
    from eupact.cycle.examples import write_synthetic_pledges

    path = write_synthetic_pledges(out, year, seed)
    console.print(f"wrote SYNTHETIC pledges to {path}")


@cycle_app.command("run")
@user_errors
def cycle_run(
    year: Annotated[int, typer.Argument(help="Pool year, e.g. 2026")],
    pledges: Annotated[
        Path | None, typer.Option(help="Pledges file (default: the shipped SYNTHETIC example)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Results folder (default: results/<year>)")
    ] = None,
    forum_reconvened: Annotated[
        bool | None,
        typer.Option(
            "--forum-reconvened/--forum-not-reconvened", help="Art. 13(4) (default: from the file)"
        ),
    ] = None,
    sar_share: SarOpt = None,
    population_date: PopDate = None,
    gdp_year: GdpYear = None,
    release: Release = None,
    quiet: Annotated[bool, typer.Option(help="Print only where the results went")] = False,
    report: Annotated[
        bool,
        typer.Option(
            "--report/--no-report",
            help="Also run the pressure assessment and write the annual report (HTML, PDF)",
        ),
    ] = True,
    reading: ReadingOpt = None,
    as_of: AsOfOpt = None,
    allow_secondary: AllowSecondaryOpt = False,
) -> None:
    """Assessment → proposal → fair shares → outcome for a pool year; writes CSV, JSON,
    Markdown and HTML, and the annual report (HTML, PDF)."""
    from eupact.cycle.examples import example_pledges_path
    from eupact.cycle.run import run_cycle, write_results
    from eupact.reports.tables import (
        allocation_table,
        outcome_table,
        readings_table,
        totals_table,
    )

    result = run_cycle(
        year,
        pledges or example_pledges_path(year),
        forum_reconvened=forum_reconvened,
        sar_share=_fraction(sar_share, "--sar-share"),
        vintage=_vintage(year, population_date, gdp_year, release),
        assess=report,
        readings=readings(reading),
        as_of=_as_of(as_of),
        allow_secondary=allow_secondary,
    )
    files = write_results(result, out or Path("results") / str(year), report=report)
    if not quiet:
        if result.pledges.label:
            err_console.print(f"[bold yellow]{result.pledges.label}[/]")
        console.print(result.proposal.explain_totals().render(), highlight=False, markup=False)
        print_tables(
            console,
            [
                allocation_table(result.proposal.indicative, "proposal"),
                outcome_table(result.outcome),
                totals_table(result.outcome),
                readings_table(result.parameters, result.key.params.date),
            ],
            Format.table,
        )
    console.print(f"results written to {files[0].parent}: " + ", ".join(f.name for f in files))


app.add_typer(db_app, name="db")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")
app.add_typer(scenario_app, name="scenario")
app.add_typer(simulate_app, name="simulate")
app.add_typer(plan_app, name="plan")
app.add_typer(crisis_app, name="crisis")
app.add_typer(border_app, name="border")
app.command("state")(state_cmd)
# `eupact compare A B`: two scenarios (a vintage, a reference number, ...) side by side
app.command("compare")(scenario_compare)
app.command("serve")(serve)
app.command("match")(match_cmd)
app.command("assess")(assess_cmd)
app.command("report")(report_cmd)
app.command("calendar")(calendar_cmd)
app.command("responsible")(responsible_cmd)


def main() -> None:  # pragma: no cover - console-script entry
    try:
        app()
    except EupactError as exc:  # errors raised while Typer parses
        err_console.print(f"error: {exc}")
        sys.exit(2)


__all__ = ["Problem", "app", "main"]
