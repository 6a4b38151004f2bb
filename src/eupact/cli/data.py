"""`eupact data`: the data snapshot — its series and versions, updates from Eurostat, a
ministry's own figures, coverage."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from eupact.errors import fail
from eupact.reports.tables import Table

from .common import FormatOpt, console, err_console, user_errors
from .render import Format, print_tables

data_app = typer.Typer(help="The data snapshot.", no_args_is_help=True)


@data_app.command("vintages")
@user_errors
def data_vintages(form: FormatOpt = Format.table) -> None:
    """Every data series in the snapshot, with its source and reference date; and the snapshot
    versions written by `eupact data update`."""
    from eupact.data.snapshot import load_snapshot
    from eupact.data.update import versions

    for version in versions():
        err_console.print(f"snapshot version available: {version}", highlight=False)
    rows = [
        {
            "indicator": s.indicator,
            "reference_date": s.source.reference_date,
            "column": s.source.column,
            "dataset": s.source.dataset,
            "class": s.source.source_class,
            "release": s.source.shown_release,
            "states": len(s.values),
            "missing": " ".join(s.missing),
            "file": Path(s.source.file).name,
        }
        for s in load_snapshot().series
    ]
    print_tables(
        console, [Table("vintages", "Data series in the snapshot", tuple(rows[0]), rows)], form
    )


@data_app.command("update")
@user_errors
def data_update(
    offline: Annotated[bool, typer.Option(help="Use only cached Eurostat responses")] = False,
    out: Annotated[Path | None, typer.Option(help="Folder of snapshot versions")] = None,
    timeout: Annotated[
        float,
        typer.Option(
            min=0.5,
            max=600,
            help="Seconds to wait for Eurostat's first answer before giving up (Eurostat slow "
            "today: allow more)",
        ),
    ] = 5.0,
    base_url: Annotated[
        str | None,
        typer.Option(
            envvar="EUPACT_EUROSTAT_URL", help="Address of Eurostat's API (a mirror or a proxy)"
        ),
    ] = None,
) -> None:
    """Fetch the cycle's Eurostat datasets and write a new versioned snapshot with a diff.

    Without a network it stops within seconds, naming the cause; when no figure changed it
    writes nothing and says since which version."""
    from urllib.parse import urlsplit

    from rich.progress import Progress

    from eupact.data.eurostat.client import BASE_URL, Budget, EurostatClient
    from eupact.data.update import SNAPSHOT_INDICATORS, update_snapshot

    budget = Budget(first_answer=timeout)
    if not offline:
        err_console.print(
            f"asking Eurostat at {urlsplit(base_url or BASE_URL).hostname} for "
            f"{len(SNAPSHOT_INDICATORS)} datasets; giving up if it has not answered within "
            f"{budget.connect + timeout:g} s",
            highlight=False,
        )
    with (
        EurostatClient(offline=offline, base_url=base_url or BASE_URL, budget=budget) as client,
        Progress(console=console) as progress,
    ):
        task = progress.add_task("Eurostat datasets", total=len(SNAPSHOT_INDICATORS))

        def step(name: str, report: Any) -> None:
            progress.console.print(
                f"  {name}: {report.status}"
                + (f" ({report.cells} cells, updated {report.updated})" if report.cells else ""),
                highlight=False,
            )
            progress.advance(task)

        result = update_snapshot(client, out_root=out, offline=offline, on_progress=step)
    if not result.written:
        console.print(
            f"no change since {result.version} ({result.path}): the figures equal it; no new "
            "snapshot version written",
            highlight=False,
        )
        return
    rows = [c.as_dict() for c in result.changes[:200]]
    if rows:
        print_tables(
            console,
            [Table("diff", f"Changes against {result.base}", tuple(rows[0]), rows)],
            Format.table,
        )
    console.print(
        f"snapshot {result.version} written to {result.path}: {len(result.changes)} "
        f"changed figures; use it with `eupact --snapshot {result.path} ...` or EUPACT_SNAPSHOT"
    )


def _import_indicators() -> dict[str, str]:
    """The indicator names an import accepts: the data layer's and the assessment's sources."""
    from eupact.assessment.registry import INDICATORS
    from eupact.data.imports import known_indicators
    from eupact.data.snapshot import load_snapshot

    feeds = {
        name: f"feeds the assessment's '{ind.title}' ({ind.article})"
        for ind in INDICATORS.values()
        for name in (*ind.sources, *(s for s, _ in ind.rate_sources), *ind.eu_sources)
    }
    return known_indicators(load_snapshot(), feeds)


@data_app.command("import")
@user_errors
def data_import(
    file: Annotated[
        Path, typer.Argument(help="CSV or XLSX in the layout of `eupact data template`")
    ],
    out: Annotated[Path | None, typer.Option(help="Folder of snapshot versions")] = None,
) -> None:
    """Import your own figures (e.g. a ministry's national table) into a new snapshot version.

    Every row is checked first; nothing is written if one is bad. The figures are labelled as
    yours (source class "user")."""
    from eupact.data.imports import import_figures

    result = import_figures(file, out_root=out, indicators=_import_indicators())
    if not result.written:
        console.print(
            f"no change since {result.version} ({result.path}): every figure of {file.name} "
            "is already there; no new snapshot version written",
            highlight=False,
        )
        return
    console.print(
        f"snapshot {result.version} with {file.name} written to {result.path}: "
        f"{len(result.changes)} figures differ from {result.base}",
        highlight=False,
    )


class TemplateFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@data_app.command("template")
@user_errors
def data_template(
    form: Annotated[
        TemplateFormat, typer.Option("--format", "-f", help="csv or xlsx")
    ] = TemplateFormat.csv,
    out: Annotated[
        Path | None,
        typer.Option(help="File to write (CSV default: the terminal; XLSX: ./eupact-import.xlsx)"),
    ] = None,
) -> None:
    """The file to fill in for `eupact data import`: the header and a commented example row
    (never imported); the XLSX also explains each column and lists the indicator names."""
    from eupact.data.imports import member_states
    from eupact.data.snapshot import load_snapshot
    from eupact.data.template import csv_template, xlsx_template

    if form is TemplateFormat.csv:
        if out is None:
            typer.echo(csv_template(), nl=False)
            return
        out.write_text(csv_template(), encoding="utf-8")
    else:
        out = out or Path("eupact-import.xlsx")
        xlsx_template(out, _import_indicators(), member_states(load_snapshot()))
    err_console.print(
        f"template written to {out}; fill it in, then `eupact data import {out}`", highlight=False
    )


@data_app.command("show")
@user_errors
def data_show(
    indicator: Annotated[
        str, typer.Argument(help="Indicator, e.g. population, gdp, asylum_applicants_first_time")
    ],
    geo: Annotated[str | None, typer.Option(help="Member State, e.g. DE")] = None,
    period: Annotated[str | None, typer.Option(help="Reference date or period, e.g. 2024")] = None,
    form: FormatOpt = Format.table,
) -> None:
    """Values of one indicator with the source, release and flags of each."""
    from eupact.data.snapshot import load_snapshot

    rows = load_snapshot().show(indicator, geo.upper() if geo else None, period)
    print_tables(
        console,
        [Table("data", f"{indicator} in the snapshot", tuple(rows[0]), rows, wide=("origin",))],
        form,
    )


@data_app.command("coverage")
@user_errors
def data_coverage(
    indicator: Annotated[
        str | None,
        typer.Option(help="One indicator as a matrix: Member States × periods, by class"),
    ] = None,
    cells: Annotated[
        bool, typer.Option("--cells", help="Every indicator × state × period cell, one per row")
    ] = False,
    form: FormatOpt = Format.table,
) -> None:
    """How complete the snapshot is, by class of source: per indicator and period, the states
    with a primary, user or only a secondary figure, and those with none (of 27)."""
    from eupact.data.coverage import LETTERS, MEMBER_STATES, coverage
    from eupact.data.snapshot import load_snapshot

    snapshot = load_snapshot()
    found = coverage(snapshot)
    if indicator is not None:
        if indicator not in found.indicators():
            raise fail(
                "--indicator",
                indicator,
                f"not in the snapshot; known: {', '.join(found.indicators())}",
                summary="unknown indicator",
            )
        periods = found.periods(indicator)
        legend = ", ".join(f"{v} {k or 'no figure'}" for k, v in LETTERS.items())
        title = f"{indicator}: class of source per state and period ({legend})"
        rows: list[dict[str, Any]] = found.matrix(indicator, periods)
        table = Table("coverage", title, ("geo", *periods), rows)
        if form == Format.table:  # a period per line, the states in one column: 80 wide
            states = " ".join(MEMBER_STATES)
            rows = [
                {"period": p, states: " ".join(r[p] + " " for r in rows).rstrip()} for p in periods
            ]
            table = Table("coverage", title, ("period", states), rows)
    elif cells:
        rows = found.long()
        table = Table("coverage", "Snapshot coverage, cell by cell", tuple(rows[0]), rows)
    else:
        rows = found.summary()
        table = Table(
            "coverage",
            f"Snapshot {snapshot.name} {snapshot.version}: coverage by class of source",
            tuple(rows[0]),
            rows,
            wide=("no_figure", "secondary_only_states"),
        )
    print_tables(console, [table], form)
