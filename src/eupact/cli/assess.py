"""`eupact assess` and `eupact report`: the migratory-pressure assessment (Art. 9-11 AMMR) and the
European Annual Asylum and Migration Report; and the `--report/--no-report` switch of
`eupact cycle run`. Thin shells over :mod:`eupact.assessment` and :mod:`eupact.reports.annual`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eupact.cli.common import FormatOpt, console, user_errors
from eupact.cli.render import Format, print_tables
from eupact.errors import fail

YearArg = Annotated[
    int,
    typer.Argument(help="Year of the assessment (Report and decision of 15 October), e.g. 2025"),
]
MethodologyOpt = Annotated[
    Path | None,
    typer.Option(
        "--methodology",
        help="Methodology YAML (format of parameters/methodology/default_2025.yaml); its "
        "parameters replace the default's",
    ),
]
AllowSecondaryOpt = Annotated[
    bool,
    typer.Option(
        "--allow-secondary",
        help="Also use secondary figures (pages quoting a figure) where no primary or user "
        "figure exists; the result names the rules resting on them",
    ),
]


@user_errors
def assess_cmd(
    year: YearArg,
    methodology: MethodologyOpt = None,
    compare: Annotated[
        Path | None,
        typer.Option(help="Another methodology file: show where the categories differ"),
    ] = None,
    explain: Annotated[
        str | None, typer.Option(help="Print one state's reasons in full, e.g. EL")
    ] = None,
    indicators: Annotated[
        bool, typer.Option("--indicators", help="Print the indicator tables instead")
    ] = False,
    allow_secondary: AllowSecondaryOpt = False,
    form: FormatOpt = Format.table,
) -> None:
    """Which Member States are under migratory pressure, at risk of it, or facing a significant
    migratory situation (Art. 11 AMMR), with reasons, the match with the Commission's 2025
    decision and the margins of every threshold."""
    from eupact.assessment import assess_year
    from eupact.reports import assessment_tables as at

    a = assess_year(year, methodology=methodology, allow_secondary=allow_secondary)
    if explain:
        geo = explain.strip().upper()
        if geo not in a.states:
            raise fail("--explain", explain, f"not a Member State; one of {' '.join(a.states)}")
        res = a.states[geo]
        print(f"{geo} — {res.name}: {res.label} (reporting period {a.period.label})")
        print("\n".join(res.reasons()))
        if geo in a.comparison:
            c = a.comparison[geo]
            print(
                f"Implementing Decision (EU) 2025/2323: {at.decision_label(c.decision)}; {c.status}"
            )
            if c.explanation:
                print(f"  {c.explanation}")
        return
    if compare is not None:
        b = assess_year(year, methodology=compare, allow_secondary=allow_secondary)
        print_tables(console, [at.methodology_comparison_table(a, b)], form)
        return
    if indicators:
        tables = [at.overview_table(a), at.coverage_table(a), at.cumulative_table(a)]
        tables += [at.indicator_table(a, name) for name in a.indicators.results]
    else:
        tables = [at.classification_table(a)]
        if a.comparison:
            tables.append(at.comparison_table(a))
        tables.append(at.sensitivity_table(a))
    print_tables(console, tables, form)


@user_errors
def report_cmd(
    year: YearArg,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the report (default: results/report_<year>)")
    ] = None,
    methodology: MethodologyOpt = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also render the PDF")] = True,
    allow_secondary: AllowSecondaryOpt = False,
) -> None:
    """The European Annual Asylum and Migration Report (Art. 9 AMMR) as HTML and PDF: routes,
    indicators, classification with reasons, comparison with the 2025 decision, sensitivity,
    forward look, the pool proposal and fair shares, and a data annex."""
    from eupact.assessment import assess_year
    from eupact.data.snapshot import load_snapshot
    from eupact.parameters import load_parameters
    from eupact.pool.year import default_vintage
    from eupact.reports.annual import build_report, pool_section, write_report

    parameters = load_parameters()
    snapshot = load_snapshot()
    a = assess_year(
        year,
        snapshot=snapshot,
        methodology=methodology,
        parameters=parameters,
        allow_secondary=allow_secondary,
    )
    pool = pool_section(year + 1, snapshot, parameters, default_vintage(year + 1))
    paths = write_report(build_report(a, pool), out or Path("results") / f"report_{year}", pdf=pdf)
    console.print(f"report written to {paths[0].parent}: " + ", ".join(p.name for p in paths))


__all__ = ["AllowSecondaryOpt", "assess_cmd", "report_cmd"]
