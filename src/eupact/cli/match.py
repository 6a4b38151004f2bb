"""``eupact match``: relocation candidates to pledged places (Art. 60(4), 67 AMMR).

    eupact match --applicants applicants.csv --pledges pledges.csv --out results/match
    eupact match --synthetic 30000 --applicants gen/applicants.csv --pledges gen/pledges.csv \\
                 --out results/match-synthetic

A thin shell over :func:`eupact.matching.match`: reads and validates the files, shows progress,
writes ``assignments.csv``, ``assignments.json`` (every applicant with the explanation of their
assignment), ``summary.json`` and ``summary.md``. With ``--synthetic N`` it first writes a seeded,
SYNTHETIC applicants file and pledges file at the given paths (never over a file that is not
itself SYNTHETIC), and every output says SYNTHETIC. Registered in :mod:`eupact.cli.main`.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path
from typing import Annotated, get_args

import typer
from rich.table import Table as RichTable

from eupact.cli.common import console, err_console, user_errors
from eupact.errors import fail


def _gap(text: str) -> float:
    raw = text.strip()
    try:
        value = Fraction(raw.rstrip("%")) / (100 if raw.endswith("%") else 1)
    except (ValueError, ZeroDivisionError):
        raise fail("--gap", text, "must be a fraction such as 0.001, 1/1000 or 0.1%") from None
    if not 0 <= value < 1:
        raise fail("--gap", text, "must be at least 0 and below 1")
    return float(value)


def _needs(text: str | None) -> dict[str, int] | None:
    if not text:
        return None
    out: dict[str, int] = {}
    for part in text.split(","):
        geo, sep, number = part.partition("=")
        try:
            value = int(number.strip().replace("_", ""))
        except ValueError:
            value = -1
        if not sep or value <= 0:
            raise fail("--needs", part, "must be STATE=persons with persons > 0, e.g. IT=1200")
        out[geo.strip().upper()] = value
    return out


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail("--at", text, "must be a date YYYY-MM-DD") from None


def _writable(path: Path, flag: str) -> None:
    """Refuse to overwrite a file that is not itself SYNTHETIC."""
    if path.exists():
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
        if "SYNTHETIC" not in head.upper():
            raise fail(
                flag,
                str(path),
                "exists and is not a SYNTHETIC file; --synthetic only overwrites its own files",
            )


def _write_synthetic(n: int, seed: int, at: dt.date | None, applicants: Path, pledges: Path) -> str:
    from eupact.matching.files import write_applicants_csv, write_pledges
    from eupact.matching.synthetic import synthetic_instance
    from eupact.parameters import load_parameters

    if n <= 0:
        raise fail("--synthetic", n, "must be a number of applicants > 0")
    if applicants.suffix.lower() != ".csv":
        raise fail("--applicants", str(applicants), "--synthetic writes a .csv applicants file")
    _writable(applicants, "--applicants")
    _writable(pledges, "--pledges")
    params = load_parameters().at(at or dt.date.today())
    inst = synthetic_instance(n, params, seed)
    write_applicants_csv(inst.table, applicants)
    write_pledges(inst.places, inst.profiles, pledges, inst.label)
    return inst.label


@user_errors
def match_cmd(
    applicants: Annotated[
        Path,
        typer.Option(help="Applicants file (CSV or JSON); with --synthetic N, written first"),
    ],
    pledges: Annotated[
        Path,
        typer.Option(
            help="Pledged places: CSV, JSON (with profiles and needs) or an eupact pool "
            "pledges YAML; with --synthetic N, written first"
        ),
    ],
    out: Annotated[Path, typer.Option(help="Folder for assignments.csv/json and the summary")],
    profiles: Annotated[
        Path | None, typer.Option(help="State profiles (CSV or JSON), Art. 60(4)")
    ] = None,
    needs: Annotated[
        str | None,
        typer.Option(help="Persons each benefitting state needs relocated, e.g. IT=1200,EL=900"),
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="Parameters in force on this date (default: today)")
    ] = None,
    balance: Annotated[
        bool,
        typer.Option(
            "--balance/--no-balance",
            help="Balance among benefitting states in proportion to need (Art. 60(2))",
        ),
    ] = True,
    fair_sharing: Annotated[
        bool,
        typer.Option(
            "--fair-sharing/--no-fair-sharing",
            help="Share places by fill rates, i.e. applicants without links (Art. 67(4))",
        ),
    ] = True,
    require_vulnerable: Annotated[
        bool,
        typer.Option(help="Every unit with a vulnerable member must be relocated (Art. 60(4))"),
    ] = False,
    method: Annotated[
        str, typer.Option(help="auto, lp-round, mip or decomposed (see docs/matching.md)")
    ] = "auto",
    gap: Annotated[
        str, typer.Option(help="Relative optimality gap accepted, e.g. 0.001 or 0.1%")
    ] = "0.001",
    time_limit: Annotated[float, typer.Option(help="Seconds allowed per HiGHS call")] = 60.0,
    greedy: Annotated[
        bool,
        typer.Option("--greedy/--no-greedy", help="Compare with the greedy first-come baseline"),
    ] = True,
    synthetic: Annotated[
        int | None,
        typer.Option(
            help="Write N SYNTHETIC applicants and pledged places to --applicants and "
            "--pledges first (seeded, illustrative)"
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the SYNTHETIC generator")] = 2026,
    quiet: Annotated[bool, typer.Option(help="Print only where the results went")] = False,
) -> None:
    """Match relocation candidates to pledged places, optimally and with explanations
    (Art. 60(4), 67 AMMR); writes assignments.csv/json and a summary to --out."""
    from eupact.matching import Rules, SolverSettings, match
    from eupact.matching.files import (
        profiles_path_for,
        read_applicants,
        read_pledges,
        read_profiles,
        write_results,
    )
    from eupact.matching.solver import Method as SolverMethod

    if method not in get_args(SolverMethod):
        raise fail("--method", method, f"must be one of {', '.join(get_args(SolverMethod))}")
    day = _date(at)
    settings = SolverSettings(
        method=method,  # type: ignore[arg-type]
        mip_rel_gap=_gap(gap),
        time_limit=time_limit,
    )
    need_map = _needs(needs)
    with console.status("reading inputs", spinner="dots") as status:
        if synthetic is not None:
            status.update(f"writing {synthetic:,} SYNTHETIC applicants (seed {seed})")
            _write_synthetic(synthetic, seed, day, applicants, pledges)
            if profiles is None and profiles_path_for(pledges).exists():
                profiles = profiles_path_for(pledges)
        status.update(f"reading {applicants.name}")
        app_file = read_applicants(applicants)
        status.update(f"reading {pledges.name}")
        pledge_file = read_pledges(pledges)
        state_profiles = list(pledge_file.profiles)
        if profiles is not None:
            state_profiles += list(read_profiles(profiles))
        labels = [lbl for lbl in (app_file.label, pledge_file.label) if lbl]
        label = " | ".join(dict.fromkeys(labels))
        if (app_file.synthetic or pledge_file.synthetic) and "SYNTHETIC" not in label.upper():
            label = "SYNTHETIC " + label
        rules = Rules(
            balance=balance,
            fair_sharing=fair_sharing,
            require_vulnerable=require_vulnerable,
            needs=need_map or pledge_file.needs or None,
        )
        result = match(
            app_file.table,
            pledge_file.places,
            state_profiles,
            rules=rules,
            settings=settings,
            at=day,
            compare_greedy=greedy,
            label=label,
            progress=status.update,
        )
        status.update("writing explanations")
        files = write_results(result, out)
    if result.label:  # even with --quiet: SYNTHETIC data must say so
        err_console.print(f"[bold yellow]{result.label}[/]", highlight=False)
    if not quiet:
        _print_summary(result)
    tag = " (SYNTHETIC)" if result.synthetic else ""
    console.print(f"results{tag} written to {out}: " + ", ".join(f.name for f in files))


def _print_summary(result: object) -> None:
    from eupact.matching import MatchResult

    assert isinstance(result, MatchResult)
    s = result.summary()
    t, v = s.totals, s.solver
    gap = "—" if v["gap"] is None else f"{100 * v['gap']:.4f} %"
    gain = "—" if v["gain_over_greedy"] is None else f"{100 * v['gain_over_greedy']:+.2f} %"
    console.print(
        f"relocated {t['relocated_persons']:,} of {t['eligible_persons']:,} eligible persons "
        f"({t['relocated_units']:,} family units) to {t['places']:,} places — "
        f"{v['method']}, {v['status']}, gap {gap}, {v['seconds']:.2f} s; "
        f"gain over greedy first-come {gain}",
        highlight=False,
    )
    table = RichTable(title="By benefitting state (balance rule, Art. 60(2))")
    for col in ("state", "identified", "need share", "floor", "relocated", "share"):
        table.add_column(col, justify="left" if col == "state" else "right")
    for r in s.by_benefitting_state:
        table.add_row(
            r["benefitting_state"],
            f"{r['identified']:,}",
            f"{100 * r['need_share']:.1f} %",
            f"{100 * r['balance_floor']:.1f} %",
            f"{r['relocated']:,}",
            f"{100 * r['share_of_relocated']:.1f} %",
        )
    console.print(table)
    reasons = RichTable(title="Persons by reason")
    reasons.add_column("reason")
    reasons.add_column("persons", justify="right")
    for k, n in s.reasons.items():
        if n:
            reasons.add_row(k, f"{n:,}")
    console.print(reasons)
