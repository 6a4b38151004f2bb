"""`eupact responsible`: which Member State examines an application (Part III AMMR).

* ``eupact responsible CASE.yaml`` — the state responsible, the route and the article, the chain
  of articles, every time limit (due date with its weekday, whose calendar, status) and the flags;
  ``--explain`` adds the facts each step read and the [reading]s applied with their meaning. A
  file holding ``group: [case, ...]`` is a family registered together (Art. 28).
* ``eupact responsible --batch cases.jsonl --out DIR [--workers N]`` — a JSON-lines file, a
  decision per line (:mod:`eupact.responsibility.batch`).
* ``eupact responsible CASE.yaml --crisis DECISIONS.yaml`` — with Council implementing decisions
  under Regulation (EU) 2024/1359 (CFMR): Art. 12 (longer time limits of the state in crisis,
  transfers to it suspended) and Art. 13 (release from take back); a YAML or JSON list of records
  (:func:`eupact.responsibility.read_crises`). With ``--batch`` the decisions are read once and
  every line is decided under them; the summary counts the cases with a time limit changed.
* ``eupact responsible schema`` — the case's JSON Schema.
* ``eupact responsible synthetic --n N --seed S --out FILE.jsonl`` — SYNTHETIC cases.

Refused input is listed field by field (exit code 2), as every command does. Tables fit an
80-column terminal (tests/test_cli_width.py).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from eupact.errors import fail
from eupact.reports.tables import Table

from .common import ReadingOpt, console, err_console, readings, user_errors
from .render import Format, print_tables

FORMATS = {"table": "table", "json": "json", "yaml": "yaml", "md": "md", "markdown": "md"}
WORDS = ("schema", "synthetic")
MAX_SYNTHETIC = 10_000_000


def _format(value: str) -> str:
    form = FORMATS.get(value.strip().lower())
    if form is None:
        raise typer.BadParameter(f"{value!r} is not a format: table, json, yaml or md")
    return form


def _day(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise fail(option, text, "must be a date written YYYY-MM-DD") from None


def _params(given: list[str] | None) -> Any:
    """The parameters with the chosen [reading]s (``sar.fallback_to_irregular_entry=yes`` or the
    full name ``responsibility.sar...``)."""
    from eupact.parameters import load_parameters

    params = load_parameters()
    chosen = {}
    for name, choice in readings(given).items():
        full = f"responsibility.{name}"
        chosen[full if name not in params.parameters and full in params.parameters else name] = (
            choice
        )
    return params.with_readings(chosen), chosen


def _weekday(d: dt.date) -> str:
    return f"{d:%a} {d.isoformat()}"


def _state(code: str) -> str:
    from eupact.reports.formatting import state_name

    name = state_name(code) if code else ""
    return f"{code} — {name}" if name else code or "—"


def decision_tables(decision: Any, explain: bool, params: Any) -> list[Table]:
    """A decision as tables: the answer, the chain, the time limits, the flags; with
    ``explain`` the facts of each step and the readings applied with their meaning."""
    d = decision
    rows: list[dict[str, Any]] = [
        {"item": "responsible state", "value": _state(d.responsible_state)},
        {"item": "route", "value": d.route.value.replace("_", " ")},
        {"item": "basis (Art.)", "value": d.basis},
    ]
    if d.criterion != d.basis or d.criterion_state != d.responsible_state:
        rows.append({"item": "criterion (Art.)", "value": f"{d.criterion} → {d.criterion_state}"})
    rows += [
        {"item": "determining state (Art. 38(1))", "value": d.determining_state or "—"},
        {"item": "present in", "value": d.present_state or "—"},
    ]
    if d.take_back_to:
        rows.append({"item": "take back to", "value": d.take_back_to})
    rows += [
        {"item": "snapshot (Art. 24(2))", "value": _weekday(d.snapshot_date)},
        {"item": "Eurodac basis (Art. 38(3))", "value": d.eurodac_basis or "—"},
        {"item": "offsets (Art. 63(8))", "value": "eligible" if d.offsets_eligible else "no"},
        {"item": "manual review", "value": "yes" if d.manual_review else "no"},
    ]
    if d.candidates:
        rows.append({"item": "a person chooses among", "value": ", ".join(d.candidates)})
    title = f"Case {d.case_id}: state responsible on {d.as_of.isoformat()}"
    tables = [Table("decision", title, ("item", "value"), rows)]
    chain = []
    for i, step in enumerate(d.chain, 1):
        row: dict[str, Any] = {"step": i, "article": step.article, "outcome": step.outcome}
        if explain:
            row["facts"] = "; ".join(f"{k}: {v}" for k, v in step.facts) or "—"
        chain.append(row)
    columns = ("step", "article", "outcome", *(("facts",) if explain else ()))
    tables.append(Table("chain", "Chain of articles", columns, chain))
    deadlines = [
        {
            "id": t.id,
            "what": t.what,
            "article": t.article,
            "acting": t.acting_state
            + (f" ({t.calendar} calendar)" if t.calendar and t.calendar != t.acting_state else ""),
            "due": _weekday(t.due),
            "status": t.status.value + (f" {t.done_on.isoformat()}" if t.done_on else ""),
        }
        for t in d.deadlines
    ]
    notes = tuple(
        f"{t.id}: from {t.start_event} {t.start.isoformat()}, {t.period}; if missed: {t.if_missed}"
        + (f"; {t.derogation}" if t.derogation else "")
        for t in d.deadlines
        if explain
    )
    tables.append(
        Table(
            "deadlines",
            "Time limits (Art. 75: moved past weekends and the acting state's holidays)",
            ("id", "what", "article", "acting", "due", "status"),
            deadlines,
            notes,
        )
    )
    if d.flags:
        flags = [{"code": f.code, "text": f.text} for f in d.flags]
        tables.append(Table("flags", "Flags: read these", ("code", "text"), flags))
    if explain and d.readings:
        used = []
        for name, value in d.readings:
            short = name.removeprefix("responsibility.")
            p = params.parameters.get(f"responsibility.{short}")
            meaning = next((a.meaning for a in p.alternatives if a.name == value), "") if p else ""
            chosen = " (chosen for this run)" if p is not None and p.chosen else ""
            used.append({"reading": f"{short}={value}", "meaning": meaning + chosen})
        tables.append(
            Table(
                "readings",
                "[reading]s applied: where the law leaves a choice",
                ("reading", "meaning"),
                used,
                (
                    "Choose another with --reading NAME=ALTERNATIVE; `eupact params show` lists "
                    "the alternatives (parameters responsibility.NAME).",
                ),
            )
        )
    return tables


def _print(decisions: list[Any], group: str, form: str, explain: bool, params: Any) -> None:
    from eupact import yamlio

    if form in ("json", "yaml"):
        doc: Any = (
            {"group": group, "decisions": [d.as_dict() for d in decisions]}
            if group
            else decisions[0].as_dict()
        )
        if form == "json":
            sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
        else:
            sys.stdout.write(yamlio.dump(doc))
        return
    fmt = Format.markdown if form == "md" else Format.table
    tables: list[Table] = []
    if group:
        rows = [
            {
                "case": d.case_id,
                "responsible": d.responsible_state,
                "route": d.route.value.replace("_", " "),
                "basis": d.basis,
            }
            for d in decisions
        ]
        tables.append(
            Table(
                "group",
                f"Family registered together {group} (Art. 28)",
                ("case", "responsible", "route", "basis"),
                rows,
            )
        )
    for d in decisions:
        tables += decision_tables(d, explain, params)
    print_tables(console, tables, fmt)


def _crises(path: Path | None) -> tuple[Any, ...]:
    """The Council implementing decisions of ``--crisis`` (CFMR Arts 12-13), read and checked."""
    if path is None:
        return ()
    from eupact.responsibility import read_crises
    from eupact.scenarios.model import read_yaml_file

    return read_crises(read_yaml_file(path, "--crisis", "crisis decisions"), path.name)


def _one(
    path: Path, as_of: dt.date | None, params: Any, crises: tuple[Any, ...] = ()
) -> tuple[list[Any], str]:
    from eupact.responsibility import determine, determine_group, read_case
    from eupact.responsibility.batch import read_group
    from eupact.scenarios.model import read_yaml_file

    if path.suffix.lower() in (".jsonl", ".ndjson"):
        raise fail(
            "CASE", str(path), "a JSON-lines file of cases: run it with --batch FILE --out DIR"
        )
    doc = read_yaml_file(path, "CASE", "case")
    name = path.name
    if isinstance(doc, dict) and set(doc) == {"group"}:
        cases = read_group(doc["group"], name, as_of)
        return list(determine_group(cases, params, crises=crises)), str(cases[0].group or path.stem)
    if as_of is not None and isinstance(doc, dict):
        doc = {**doc, "as_of": as_of}
    return [determine(read_case(doc, name), params, crises=crises)], ""


def _batch(
    source: Path,
    out: Path | None,
    workers: int | None,
    chosen: dict[str, str],
    crisis: Path | None = None,
) -> None:
    from eupact.responsibility.batch import run_batch

    if out is None:
        raise fail("--out", None, "--batch writes into a folder: give it with --out DIR")
    if not source.is_file():
        raise fail("--batch", str(source), "does not exist (a JSON-lines file of cases)")
    if workers is not None and not 1 <= workers <= 256:
        raise fail("--workers", workers, "must be between 1 and 256")
    crises = _crises(crisis)  # read and checked once, before any line (CFMR Arts 12-13)
    n = workers or os.cpu_count() or 1
    if console.is_terminal:
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[lines]:,} lines"),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
        ) as bar:
            task = bar.add_task(f"deciding ({n} workers)", total=source.stat().st_size, lines=0)
            summary = run_batch(
                source,
                out,
                n,
                readings=chosen,
                progress=lambda done, lines: bar.update(task, completed=done, lines=lines),
                crises=crises,
            )
    else:
        summary = run_batch(source, out, n, readings=chosen, crises=crises)
    s = summary.as_dict()
    if summary.synthetic:
        err_console.print("SYNTHETIC cases (case ids SYN-): not real persons", highlight=False)
    rows: list[dict[str, Any]] = [
        {"item": "lines read", "value": s["lines_read"]},
        {"item": "lines decided", "value": s["lines_decided"]},
        {"item": "lines refused (errors.csv)", "value": s["lines_refused"]},
        {"item": "lines failed (internal error)", "value": s["lines_failed"]},
        {"item": "cases decided", "value": s["cases_decided"]},
        *({"item": f"route: {r.replace('_', ' ')}", "value": k} for r, k in s["by_route"].items()),
    ]
    if crises:
        rows.append(
            {
                "item": "cases with a time limit changed by a crisis decision (Art. 12 CFMR)",
                "value": s["cases_with_a_time_limit_changed"],
            }
        )
        rows += [
            {"item": f"changed by {ref}", "value": k}
            for ref, k in s["time_limit_changed_by_decision"].items()
        ]
    label = "SYNTHETIC " if summary.synthetic else ""
    title = f"{label}batch {source.name}: {n} worker{'s' * (n != 1)}"
    print_tables(console, [Table("batch", title, ("item", "value"), rows)], Format.table)
    console.print(
        f"results written to {out}: " + ", ".join(p.name for p in summary.files),
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@user_errors
def responsible_cmd(
    case: Annotated[
        str | None,
        typer.Argument(
            metavar="CASE",
            help="A case file (YAML or JSON); or the word `schema` (the JSON Schema of a case) "
            "or `synthetic` (write SYNTHETIC cases, with --n, --seed, --out)",
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option(help="Add the facts of each step and the readings applied")
    ] = False,
    form: Annotated[
        str,
        typer.Option(
            "--format", "-f", parser=_format, metavar="FORMAT", help="table, json, yaml or md"
        ),
    ] = "table",
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Judge the time limits on this day, YYYY-MM-DD (default: the case's as_of)"
        ),
    ] = None,
    reading: ReadingOpt = None,
    batch: Annotated[
        Path | None,
        typer.Option(help='A JSON-lines file of cases, one per line (or {"group": [...]})'),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="--batch: the folder to write into; synthetic: the .jsonl file"),
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="--batch: processes (default: the machine's cores)")
    ] = None,
    crisis: Annotated[
        Path | None,
        typer.Option(
            "--crisis",
            help="A YAML or JSON file of Council implementing decisions under the CFMR "
            "(Arts 12-13): longer time limits, transfers suspended, release from take back",
        ),
    ] = None,
    n: Annotated[int, typer.Option("--n", help="synthetic: how many lines")] = 1000,
    seed: Annotated[int, typer.Option(help="synthetic: the random seed")] = 2026,
) -> None:
    """Which Member State examines an application (Part III AMMR, Arts. 16-55): the state, the
    route, the chain of articles, every time limit and the flags — for one case, a family, or a
    JSON-lines file of cases."""
    if crisis is not None and batch is None and case in WORDS:
        raise fail(
            "--crisis",
            str(crisis),
            "applies to one case file or to --batch: the schema and the generator do not read "
            "crisis decisions",
        )
    if batch is not None:
        if case is not None:
            raise fail("CASE", case, "give a case file or --batch, not both")
        _batch(batch, out, workers, _params(reading)[1], crisis)
        return
    if case is None:
        raise fail(
            "CASE", None, "give a case file (YAML or JSON), `schema`, `synthetic` or --batch"
        )
    if case == "schema":
        from eupact.responsibility import json_schema

        sys.stdout.write(orjson.dumps(json_schema(), option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    if case == "synthetic":
        from eupact.responsibility.synthetic import DEFAULT_AS_OF, label, write_jsonl

        if out is None:
            raise fail("--out", None, "synthetic writes a JSON-lines file: give it with --out")
        if not 1 <= n <= MAX_SYNTHETIC:
            raise fail("--n", n, f"must be between 1 and {MAX_SYNTHETIC:,}")
        day = _day(as_of, "--as-of") or DEFAULT_AS_OF
        try:
            path = write_jsonl(out, n, seed, day)
        except ValueError as exc:
            raise fail("--as-of", as_of, str(exc)) from None
        console.print(
            f"wrote {n:,} SYNTHETIC lines (seed {seed}, as of {day}) to {path}\n{label(seed)}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        return
    params, _ = _params(reading)
    decisions, group = _one(Path(case), _day(as_of, "--as-of"), params, _crises(crisis))
    _print(decisions, group, form, explain, params)


__all__ = ["decision_tables", "responsible_cmd"]
