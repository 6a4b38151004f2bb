"""The `eupact` command line: thin shells over the Python API."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from eupact.errors import EupactError, Problem, fail
from eupact.reports.tables import Table

from .render import Format, print_tables

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
data_app = typer.Typer(help="The data snapshot.", no_args_is_help=True)
app.add_typer(params_app, name="params")
app.add_typer(pool_app, name="pool")
app.add_typer(cycle_app, name="cycle")
app.add_typer(data_app, name="data")

# Piped output (make demo, logs) gets a wide page rather than Rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 180)
# Errors are never wrapped: a path or a rule cut in two is harder to read and to grep.
err_console = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])

FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table, csv, json or markdown")]
YearOpt = Annotated[int, typer.Option(help="Pool year (the Council act recorded for it)")]
PopDate = Annotated[str | None, typer.Option(help="Population reference date, e.g. 2024-01-01")]
GdpYear = Annotated[str | None, typer.Option(help="GDP year, e.g. 2024")]
Release = Annotated[str | None, typer.Option(help="Population release (column of the snapshot)")]
PopFile = Annotated[
    Path | None, typer.Option(help="Your own population CSV/XLSX (snapshot columns)")
]
GdpFile = Annotated[Path | None, typer.Option(help="Your own GDP CSV/XLSX (snapshot columns)")]
SarOpt = Annotated[str | None, typer.Option(help="Indicative SAR share, e.g. 0.42 or 21/50")]


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


def user_errors(func: F) -> F:
    """Show refused input as a list of problems, never as a traceback; exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except EupactError as exc:
            err_console.print(f"[bold red]error:[/] {exc.summary}")
            for p in exc.problems:
                err_console.print(f"  - {p}", markup=False, highlight=False)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("EUPACT_DEBUG"):
                raise
            err_console.print(
                f"[bold red]internal error:[/] {type(exc).__name__}: {exc}",
                markup=True,
                highlight=False,
            )
            err_console.print(
                "This is a bug in eupact, not in your input; set EUPACT_DEBUG=1 for "
                "the traceback and report it."
            )
            raise typer.Exit(70) from None

    return wrapper  # type: ignore[return-value]


def _date(text: str | None, default: dt.date) -> dt.date:
    if text is None:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail("--at", text, "must be a date YYYY-MM-DD") from None


def _fraction(text: str | None, name: str) -> Fraction | None:
    if text is None:
        return None
    try:
        value = Fraction(text.strip().rstrip("%")) / (100 if text.strip().endswith("%") else 1)
    except (ValueError, ZeroDivisionError):
        raise fail(name, text, "must be a fraction such as 0.42, 21/50 or 42%") from None
    if not 0 <= value <= 1:
        raise fail(name, text, "must be between 0 and 1 (0 % and 100 %)")
    return value


def _money(text: str | None, name: str) -> Decimal | None:
    if text is None:
        return None
    try:
        amount = Decimal(text.replace("_", "").replace(",", ""))
    except InvalidOperation:
        raise fail(name, text, "must be an amount in EUR, e.g. 1500000.50") from None
    # Finite and below EUR 10^15 (the whole EU budget is about 10^11): guards NaN, inf and
    # exponents that would make exact arithmetic run for ever.
    if not amount.is_finite() or amount.adjusted() >= 15:
        raise fail(name, text, "must be a finite amount in EUR below 10^15")
    return amount


@params_app.command("show")
@user_errors
def params_show(
    at: Annotated[str | None, typer.Option(help="Date YYYY-MM-DD (default: today)")] = None,
    form: FormatOpt = Format.table,
) -> None:
    """List every legal parameter in force on a date, with its legal reference."""
    from eupact.parameters import load_parameters
    from eupact.reports.tables import plain

    day = _date(at, dt.date.today())
    rows = []
    for p in load_parameters():
        if p.values[0].since > day:
            continue
        entry = p.entry_at(day)
        value = entry.value
        shown = " ".join(value) if isinstance(value, tuple) else str(plain(value))
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
    print_tables(console, [table], form)


def _vintage(
    year: int, population_date: str | None, gdp_year: str | None, release: str | None
) -> Any:
    """The data vintage from the options, defaulting to the one recorded for the pool year."""
    from eupact.cycle.run import DEFAULT_VINTAGES
    from eupact.key.reference_key import Vintage

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
    from eupact.key.reference_key import compute_reference_key
    from eupact.parameters import load_parameters
    from eupact.pool.acts import council_act

    parameters = load_parameters()
    act = council_act(year, parameters)
    params = parameters.at(act.act_date)
    vintage = _vintage(year, population_date, gdp_year, release)
    snapshot = load_snapshot()
    population = snapshot.find("population", vintage.population_date, vintage.population_release)
    gdp = snapshot.find("gdp", vintage.gdp_year)
    if population_file:
        population = load_user_series(population_file, population)
    if gdp_file:
        gdp = load_user_series(gdp_file, gdp)
    chosen = tuple(s.strip().upper() for s in states.split(",") if s.strip()) if states else None
    return act, compute_reference_key(population, gdp, params, chosen, vintage)


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
) -> None:
    """Each Member State's reference-key share (Art. 66 AMMR) on a chosen data vintage."""
    from eupact.reports.tables import key_table

    _, key = _key(year, population_date, gdp_year, release, population_file, gdp_file, states)
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
    sar_share: SarOpt = None,
    population_date: PopDate = None,
    gdp_year: GdpYear = None,
    release: Release = None,
    population_file: PopFile = None,
    gdp_file: GdpFile = None,
    form: FormatOpt = Format.table,
) -> None:
    """The Commission proposal (Art. 12): totals and each state's indicative contribution,
    then the Council's reference number and each state's fair share of it (Art. 57)."""
    from eupact.cycle.run import sar_states
    from eupact.data.snapshot import load_snapshot
    from eupact.pool.allocation import allocate
    from eupact.pool.proposal import propose_pool
    from eupact.reports.tables import allocation_table

    act, key = _key(year, population_date, gdp_year, release, population_file, gdp_file, None)
    proposal = propose_pool(
        key,
        relocations,
        _money(financial, "--financial"),
        exceptional=exceptional,
        sar_share=_fraction(sar_share, "--sar-share"),
        sar_states=sar_states(load_snapshot(), act),
    )
    fair = allocate(key, act.reference, "mandatory fair share", "Art. 57(3), 66 AMMR")
    tables = [
        allocation_table(proposal.indicative, "proposal_indicative_contributions"),
        allocation_table(fair, "fair_shares"),
    ]
    if form is Format.table:
        console.print(proposal.explain_totals().render(), highlight=False)
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
    form: FormatOpt = Format.table,
) -> None:
    """The outcome per state: fair share, pledged, deducted, balance, offsets (Art. 57-65)."""
    from eupact.cycle.run import run_cycle
    from eupact.reports.tables import outcome_table, totals_table

    result = run_cycle(
        year,
        pledges,
        forum_reconvened=forum_reconvened,
        sar_share=_fraction(sar_share, "--sar-share"),
        vintage=_vintage(year, population_date, gdp_year, release),
    )
    if explain:
        geo, _, field = explain.partition(":")
        print(result.outcome.explain(geo.upper(), field or "balance").render())
        return
    if result.pledges.label and form is Format.table:
        err_console.print(f"[bold yellow]{result.pledges.label}[/]")
    print_tables(console, [outcome_table(result.outcome), totals_table(result.outcome)], form)


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
) -> None:
    """Assessment → proposal → fair shares → outcome for a pool year; writes CSV, JSON,
    Markdown and HTML, and the annual report (HTML, PDF)."""
    from eupact.cycle.examples import example_pledges_path
    from eupact.cycle.run import run_cycle, write_results
    from eupact.reports.tables import allocation_table, outcome_table, totals_table

    result = run_cycle(
        year,
        pledges or example_pledges_path(year),
        forum_reconvened=forum_reconvened,
        sar_share=_fraction(sar_share, "--sar-share"),
        vintage=_vintage(year, population_date, gdp_year, release),
        assess=report,
    )
    files = write_results(result, out or Path("results") / str(year), report=report)
    if not quiet:
        if result.pledges.label:
            err_console.print(f"[bold yellow]{result.pledges.label}[/]")
        console.print(result.proposal.explain_totals().render(), highlight=False)
        print_tables(
            console,
            [
                allocation_table(result.proposal.indicative, "proposal"),
                outcome_table(result.outcome),
                totals_table(result.outcome),
            ],
            Format.table,
        )
    console.print(f"results written to {files[0].parent}: " + ", ".join(f.name for f in files))


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
            "release": s.source.release,
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
) -> None:
    """Fetch the cycle's Eurostat datasets and write a new versioned snapshot with a diff."""
    from rich.progress import Progress

    from eupact.data.eurostat.client import EurostatClient
    from eupact.data.update import SNAPSHOT_INDICATORS, update_snapshot

    with EurostatClient(offline=offline) as client, Progress(console=console) as progress:
        task = progress.add_task("Eurostat datasets", total=len(SNAPSHOT_INDICATORS))

        def step(name: str, report: Any) -> None:
            progress.console.print(
                f"  {name}: {report.status}"
                + (f" ({report.cells} cells, updated {report.updated})" if report.cells else ""),
                highlight=False,
            )
            progress.advance(task)

        result = update_snapshot(client, out_root=out, offline=offline, on_progress=step)
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


@data_app.command("import")
@user_errors
def data_import(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX with the columns of published_figures")],
    out: Annotated[Path | None, typer.Option(help="Folder of snapshot versions")] = None,
) -> None:
    """Import your own figures (e.g. a ministry's national table) into a new snapshot version."""
    from eupact.data.update import import_figures

    result = import_figures(file, out_root=out)
    console.print(
        f"snapshot {result.version} with {file.name} written to {result.path}: "
        f"{len(result.changes)} figures differ from {result.base}"
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
def data_coverage(form: FormatOpt = Format.table) -> None:
    """How complete the snapshot is: filled cells per indicator and period (of 27 states)."""
    from eupact.data.snapshot import load_snapshot

    rows = load_snapshot().coverage()
    print_tables(console, [Table("coverage", "Snapshot coverage", tuple(rows[0]), rows)], form)


db_app = typer.Typer(help="The cycle service's database.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens (only their hashes are stored).", no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(tokens_app, name="tokens")
app.add_typer(audit_app, name="audit")
DbUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL (default: $EUPACT_DATABASE_URL or sqlite:///eupact.db)",
    ),
]


def _service(url: str | None) -> Any:
    from eupact.cycle.service import CycleService
    from eupact.cycle.store.db import make_engine, sessions, upgrade

    upgrade(url)
    return CycleService(sessions(make_engine(url)))


@db_app.command("upgrade")
@user_errors
def db_upgrade(database_url: DbUrl = None) -> None:
    """Create or migrate the schema (Alembic) to the latest version."""
    from eupact.cycle.store.db import database_url as resolve
    from eupact.cycle.store.db import upgrade

    upgrade(database_url)
    console.print(f"schema up to date: {resolve(database_url)}")


@tokens_app.command("create")
@user_errors
def tokens_create(
    role: Annotated[
        str, typer.Option(help="commission, council, coordinator, member_state, observer")
    ],
    state: Annotated[str | None, typer.Option(help="geo code, for a Member State token")] = None,
    label: Annotated[str, typer.Option(help="Who holds it")] = "",
    expires_in_days: Annotated[
        int | None,
        typer.Option(help="Days until it stops working (default 90; at most 3650)"),
    ] = None,
    database_url: DbUrl = None,
) -> None:
    """Create an API token; it is printed once and only its SHA-256 is stored."""
    from eupact.cycle.phases import Role

    try:
        chosen = Role(role)
    except ValueError:
        raise fail("--role", role, f"one of {', '.join(r.value for r in Role)}") from None
    token, info = _service(database_url).tokens.issue(
        chosen, state.upper() if state else None, label, expires_in_days
    )
    print(token)  # alone on standard output, for scripts; what it is goes to standard error
    err_console.print(
        f"token {info.id} expires {info.expires_at:%Y-%m-%d %H:%M} UTC; "
        f"revoke it with: eupact tokens revoke {info.id}",
        highlight=False,
    )


@tokens_app.command("list")
@user_errors
def tokens_list(database_url: DbUrl = None) -> None:
    """Every API token: its id, role, state, label, when it was made and expires, whether it
    is revoked, and its last dashboard sign-in (never the token or its hash)."""
    from rich import box
    from rich.table import Table as RichTable
    from rich.text import Text

    service = _service(database_url)
    now = service.clock()
    rows = service.tokens.all()
    # two spaces between columns and none around: the table fits 80 columns, the label folds
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0))
    for name in ("id", "role", "geo", "label", "created", "expires", "status", "signed in"):
        folds = name == "label"
        table.add_column(
            name,
            justify="right" if name == "id" else "left",
            no_wrap=not folds,
            overflow="fold" if folds else "ellipsis",
            min_width=8 if folds else None,
        )
    for t in rows:
        table.add_row(
            str(t.id),
            t.role,
            t.state or "",
            Text(t.label),  # as typed: a label is never read as Rich markup
            f"{t.created_at:%Y-%m-%d}",
            f"{t.expires_at:%Y-%m-%d}",
            t.status(now),
            f"{t.last_sign_in:%Y-%m-%d}" if t.last_sign_in else "",
        )
    if not rows:
        console.print("no tokens yet: eupact tokens create --role ...", highlight=False)
        return
    console.print(table, width=min(console.width, 80))


@tokens_app.command("revoke")
@user_errors
def tokens_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The id eupact tokens list shows")],
    database_url: DbUrl = None,
) -> None:
    """Revoke an API token at once (every request with it is refused from now on) and end its
    dashboard sessions. Audited as token.revoke."""
    info, changed = _service(database_url).tokens.revoke(token_id)
    holder = f"{info.role}{' ' + info.state if info.state else ''}"
    if changed:
        console.print(f"token {info.id} ({holder}) revoked; its sessions ended", highlight=False)
    else:
        console.print(f"token {info.id} ({holder}) was already revoked", highlight=False)


@audit_app.command("verify")
@user_errors
def audit_verify(
    database_url: DbUrl = None,
    anchor: Annotated[
        Path | None,
        typer.Option(help="The anchor file the service appends to (default: $EUPACT_AUDIT_ANCHOR)"),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            help="File holding the MAC key (default: $EUPACT_AUDIT_KEY or $EUPACT_AUDIT_KEY_FILE)"
        ),
    ] = None,
) -> None:
    """Check the audit log: its hash chain, each entry's MAC, the anchor file, and the tables
    against the log replayed; exit 1, naming the first bad entry, if anything was tampered
    with."""
    from dataclasses import replace

    from rich.markup import escape
    from rich.table import Table as RichTable
    from rich.text import Text

    from eupact.cycle import audit
    from eupact.cycle.store.db import make_engine, sessions, upgrade

    try:
        config = audit.AuditConfig.from_env()
        if anchor is not None:
            config = replace(config, anchor=anchor)
        if key_file is not None:
            config = config.with_key_file(key_file)
    except (OSError, ValueError) as exc:
        raise fail("audit key", "", str(exc), summary="audit key unusable") from None
    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with sessions(engine)() as session:
            result = audit.verify(session, config)
    finally:
        engine.dispose()
    # a grid, so that a long status wraps inside its column on a narrow terminal
    checks = RichTable.grid(padding=(0, 1))
    checks.add_column(style="bold", no_wrap=True)
    checks.add_column()
    for name, status in result.checks:
        style = "red" if status == "failed" else "green" if status.startswith("passed") else ""
        checks.add_row(f" {name}", Text(status, style=style))
    console.print(checks)
    if result.ok:
        console.print(f"[green]intact[/]: {escape(result.reason)} ({result.entries} entries)")
        return
    where = f"entry {result.first_bad}" if result.first_bad is not None else "no entry"
    if result.entity:
        where += f", record {result.entity}"
    console.print(f"[bold red]TAMPERED[/] ({result.check} check; first bad: {where})")
    console.print(escape(result.reason))
    for more in result.more[:9]:
        console.print(f"  also: {escape(more)}")
    if len(result.more) > 9:
        console.print(f"  and {len(result.more) - 9} more")
    raise typer.Exit(1)


@app.command("serve")
@user_errors
def serve(
    database_url: DbUrl = None,
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            help="uvicorn worker processes (default: 1 on SQLite, whose single writer gains "
            "nothing from more; up to 4, one per core, on PostgreSQL)"
        ),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Serve a fresh database holding the 2026 cycle with SYNTHETIC pledges "
            "(default file results/demo/eupact-demo.db), with one token per actor",
        ),
    ] = False,
    demo_until: Annotated[
        str, typer.Option(help="With --demo: stop the cycle at 'pledging' or 'implementation'")
    ] = "implementation",
) -> None:
    """Run the cycle service: the dashboard at / and the REST API at /api/v1 (uvicorn)."""
    import uvicorn

    from eupact.cycle.store.db import database_url as resolve
    from eupact.cycle.store.db import upgrade

    if demo:
        url = _load_demo(database_url, demo_until)
    else:
        url = resolve(database_url)
        upgrade(url)
    os.environ["EUPACT_DATABASE_URL"] = url
    if workers is None:
        workers = 1 if url.startswith("sqlite") else max(1, min(4, os.cpu_count() or 1))
    console.print(f"eupact dashboard on [bold]http://{host}:{port}/[/bold] (database {url})")
    console.print(f"REST API at http://{host}:{port}/api/v1, OpenAPI at http://{host}:{port}/docs")
    uvicorn.run("eupact.api.main:app", host=host, port=port, workers=workers, log_level="warning")


def _load_demo(database_url: str | None, until: str) -> str:
    """A fresh demo database; the tokens go to a file next to it and the main ones are shown."""
    from eupact.cycle.demo import load_demo

    if until not in ("pledging", "implementation"):
        raise fail("--demo-until", until, "'pledging' or 'implementation'")
    folder = Path("results") / "demo"
    if database_url is None:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "eupact-demo.db"
        path.unlink(missing_ok=True)
        database_url = f"sqlite:///{path}"
    elif not database_url.startswith("sqlite"):
        raise fail("--database-url", database_url, "--demo loads into a new SQLite file only")
    service = _service(database_url)
    tokens = load_demo(service, 2026, until)  # type: ignore[arg-type]
    folder.mkdir(parents=True, exist_ok=True)
    listing = folder / "tokens.txt"
    listing.write_text(
        "# eupact demo tokens (SYNTHETIC demonstration cycle); sign in at /signin\n"
        + "".join(f"{name}\t{token}\n" for name, token in tokens.items()),
        encoding="utf-8",
    )
    listing.chmod(0o600)
    console.print(
        f"2026 demo cycle loaded ({until}); SYNTHETIC pledges. Tokens for all actors: {listing}"
    )
    for name in ("commission", "DE", "FR"):
        console.print(f"  sign in as {name:<10} {tokens[name]}")
    if until != "pledging":
        console.print("  (pledging is closed in this phase; --demo-until pledging reopens it)")
    return database_url


def main() -> None:  # pragma: no cover - console-script entry
    try:
        app()
    except EupactError as exc:  # errors raised while Typer parses
        err_console.print(f"error: {exc}")
        sys.exit(2)


__all__ = ["Problem", "app", "main"]
from eupact.cli.match import match_cmd  # noqa: E402

app.command("match")(match_cmd)
from eupact.cli.assess import assess_cmd, report_cmd  # noqa: E402

app.command("assess")(assess_cmd)
app.command("report")(report_cmd)
