"""`eupact crisis`: the crisis and force majeure procedure of Regulation (EU) 2024/1359 (CFMR).

* ``eupact crisis timeline FILE [--as-of D]`` -- a YAML or JSON file of the procedure's acts
  (``events: [{kind, date, ...}]``, see docs/crisis.md): the phase, the due dates with their
  articles and status, the periods of application against the 12 months of Art. 5(3), the
  derogations each Council decision authorises, the flags (a late act is flagged, not refused);
* ``eupact crisis plan FILE`` -- a Solidarity Response Plan (Art. 4(2)(b), 4(5)(b)): needs, what
  is drawn from the Annual Solidarity Pool, the additional pledges, each state's indicative
  contribution by the Art. 66 AMMR key on the plan's date; with ``offsets:`` the crisis offsets
  and credits of Art. 9.

``-f json`` prints the whole result as the API returns it; tables fit 80 columns. Refused input
is listed field by field (exit code 2).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from eupact.errors import fail
from eupact.reports.tables import Table

from .common import FormatOpt, ReadingOpt, console, readings, user_errors
from .render import Format, print_tables

crisis_app = typer.Typer(
    help="Crisis and force majeure (Regulation (EU) 2024/1359): the procedure and the plan.",
    no_args_is_help=True,
)
FileArg = Annotated[Path, typer.Argument(metavar="FILE", help="A YAML or JSON file")]
MAX_BULLETINS_SHOWN = 2


def _day(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise fail(option, text, "must be a date written YYYY-MM-DD") from None


def _doc(path: Path, what: str) -> Any:
    from eupact.scenarios.model import read_yaml_file

    return read_yaml_file(path, "FILE", what)


def _parameters(given: list[str] | None) -> Any:
    from eupact.parameters import load_parameters

    return load_parameters().with_readings(readings(given))


def _json(doc: Any) -> None:
    sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")


def _dues(state: Any) -> list[dict[str, Any]]:
    """Every due date by date, but of the bulletins (twelve months hold about 26) only the last
    done, the first overdue and the next open ones, then a line counting them all."""
    bulletins = [d for d in state.dues if d.key.startswith("bulletin.")]
    overdue = [d for d in bulletins if d.status.value == "overdue"]
    done = [d for d in bulletins if d.done_on is not None]
    pending = [d for d in bulletins if d.status.value == "pending"]
    shown = {d.key for d in (*done[-1:], *overdue[:1], *pending[:MAX_BULLETINS_SHOWN])}
    picked = [d for d in state.dues if not d.key.startswith("bulletin.") or d.key in shown]
    rows = [_due_row(d) for d in sorted(picked, key=lambda d: d.due)]
    if len(bulletins) > len(shown):
        rows.append(
            {
                "due": "",
                "by": "Coordinator",
                "what": f"bulletins: {len(bulletins)} due, {len(done)} done, "
                f"{len(overdue)} overdue (-f json lists each)",
                "article": "Art. 7",
                "status": "",
            }
        )
    return rows


def _due_row(d: Any) -> dict[str, Any]:
    done = f" {d.done_on.isoformat()}" if d.done_on else ""
    return {
        "due": f"{d.due:%a} {d.due.isoformat()}",
        "by": d.by.replace("EU Solidarity Coordinator", "Coordinator"),
        "what": d.what,
        "article": d.article.removesuffix(" CFMR"),
        "status": d.status.value + done,
    }


def timeline_tables(state: Any) -> list[Table]:
    """A replayed crisis as tables: summary, periods, due dates, measures, flags."""
    s = state
    summary: list[dict[str, Any]] = [
        {"item": "Member State", "value": s.state},
        {"item": "situation claimed (Art. 2)", "value": s.claimed.value.replace("_", " ")},
        {
            "item": "situation established (3(8))",
            "value": s.situation.value.replace("_", " ") if s.situation else "—",
        },
        {"item": "request submitted", "value": s.requested_on.isoformat()},
        {
            "item": "assessment window (3(5))",
            "value": f"{s.assessment_window[0].isoformat()} to {s.assessment_window[1].isoformat()}",
        },
        {"item": f"phase on {s.as_of.isoformat()}", "value": s.phase.value},
    ]
    if s.early_registration:
        first, last = s.early_registration
        more = ", continued by the decision" if s.early_registration_continued else ""
        summary.append(
            {
                "item": "early registration (10(6))",
                "value": f"{first.isoformat()} to {last.isoformat()}{more}",
            }
        )
    if s.latest_end:
        summary.append({"item": "latest possible end (5(3))", "value": s.latest_end.isoformat()})
        summary.append({"item": "days of application (5(3))", "value": s.months_used_days})
    tables = [Table("crisis", f"Crisis procedure of {s.state} (CFMR)", ("item", "value"), summary)]
    if s.periods:
        rows = [
            {
                "period": p.kind,
                "decision": p.decision,
                "first": p.first.isoformat(),
                "last": p.last.isoformat(),
                "days": p.days,
            }
            for p in s.periods
        ]
        tables.append(
            Table(
                "periods",
                "Periods of application (Art. 5)",
                ("period", "decision", "first", "last", "days"),
                rows,
            )
        )
    tables.append(
        Table(
            "dues",
            "Due dates",
            ("due", "by", "what", "article", "status"),
            _dues(s),
            (
                "Articles of the CFMR unless named. Time limits counted as Reg. 1182/71 Art. 3 "
                "(= Art. 75 AMMR), moved off weekends ([reading] crisis.time_limits.weekend_shift).",
                "A decision after its two weeks is flagged, not refused: the law sets a duty to "
                "act in time, not a condition of validity; the act stays valid.",
            ),
        )
    )
    if s.measures:
        rows = [
            {
                "decision": m.decision,
                "from": m.applies_from.isoformat(),
                "until": m.applies_until.isoformat(),
                "derogations": ", ".join(sorted(d.value for d in m.derogations)) or "—",
            }
            for m in s.measures
        ]
        notes = tuple(
            f"{m.decision}: Art. 10 only until {m.initial_until.isoformat()} (10(4))"
            for m in s.measures
            if m.derogation_until(_registration()) not in (None, m.applies_until)
        ) + tuple(
            f"{m.decision}: Art. 13 for applications registered {m.take_back_window[0]} to "
            f"{m.take_back_window[1]} (13(1))"
            for m in s.measures
            if m.take_back_window
        )
        tables.append(
            Table(
                "measures",
                "Derogations authorised (Art. 4(5)(a), 10-13)",
                ("decision", "from", "until", "derogations"),
                rows,
                notes,
            )
        )
    if s.flags:
        tables.append(
            Table(
                "flags",
                "Flags: read these",
                ("code", "text"),
                [{"code": f.code, "text": f.text} for f in s.flags],
            )
        )
    return tables


def _registration() -> Any:
    from eupact.crisis.measures import Derogation

    return Derogation.REGISTRATION


@crisis_app.command("timeline")
@user_errors
def timeline_cmd(
    file: FileArg,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="Judge the procedure on this day, YYYY-MM-DD (default: the file's "
            "as_of, else the last act's day)"
        ),
    ] = None,
    reading: ReadingOpt = None,
    form: FormatOpt = Format.table,
) -> None:
    """The crisis procedure from a file of its acts (CFMR Arts 2-7): phase, due dates, periods
    against the 12 months, derogations authorised, flags."""
    from eupact.crisis.procedure import replay
    from eupact.crisis.reading import read_date, read_events

    doc = _doc(file, "crisis acts")
    if isinstance(doc, list):
        doc = {"events": doc}
    if not isinstance(doc, dict):
        raise fail(
            "FILE", str(file), "must hold 'events:' (a list of acts) and optionally 'as_of:'"
        )
    extra = sorted(set(doc) - {"events", "as_of", "description"})
    if extra:
        raise fail(
            extra[0], doc[extra[0]], "not a field of a crisis file: events, as_of, description"
        )
    events = read_events(doc.get("events"))
    day = _day(as_of, "--as-of")
    if day is None and doc.get("as_of") is not None:
        day = read_date(doc["as_of"], "as_of")
    state = replay(events, _parameters(reading), as_of=day)
    if form is Format.json:
        _json(state.as_dict())
        return
    print_tables(console, timeline_tables(state), form)


def _key(on: dt.date, parameters: Any) -> Any:
    from eupact.data.snapshot import load_snapshot
    from eupact.key.reference_key import key_from_snapshot
    from eupact.pool.year import latest_vintage

    params = parameters.at(on)
    snapshot = load_snapshot()
    bound = tuple(params("scope.bound_member_states"))
    return key_from_snapshot(snapshot, params, latest_vintage(snapshot, params, bound, on))


def plan_tables(plan: Any, offsets: Any) -> list[Table]:
    """A plan (and its offsets) as tables."""
    p = plan

    def eur(v: Any) -> str:
        return f"EUR {v:,.2f}"

    rows = [
        {
            "item": "needs (i)-(ii)",
            "relocations": p.needs.relocations,
            "financial": eur(p.needs.financial),
        },
        {
            "item": "counted as covered",
            "relocations": p.counted_as_covered.relocations,
            "financial": eur(p.counted_as_covered.financial),
        },
        {
            "item": "from the pool (iii)",
            "relocations": p.from_pool.relocations,
            "financial": eur(p.from_pool.financial),
        },
        {
            "item": "additional (iv)",
            "relocations": p.additional.relocations,
            "financial": eur(p.additional.financial),
        },
        {
            "item": "basis of (v)",
            "relocations": p.basis.relocations,
            "financial": eur(p.basis.financial),
        },
    ]
    notes = (
        f"Art. 4(2)(b), 4(5)(b) CFMR; 8(1)(c) measures counted as financial. State in crisis: "
        f"{p.request.state} ({p.request.situation.value.replace('_', ' ')}), "
        f"already benefitting: {'yes' if p.request.already_benefitting else 'no'}.",
        "[reading]s: "
        + "; ".join(f"{n.removeprefix('crisis.plan.')}={p.params(n)}" for n in _plan_readings()),
    )
    tables = [
        Table("plan", "Solidarity Response Plan", ("item", "relocations", "financial"), rows, notes)
    ]
    share_rows = [
        {
            "geo": g,
            "share_pct": f"{float(row.share) * 100:.4f}",
            "relocations": row.relocations,
            "financial_eur": row.financial,
        }
        for g, row in p.indicative.rows.items()
    ]
    left = p.uncovered_by_contributions
    tables.append(
        Table(
            "indicative",
            "Indicative contributions (4(2)(b)(v); key of Art. 66 AMMR)",
            ("geo", "share_pct", "relocations", "financial_eur"),
            share_rows,
            (
                f"Key data: {p.key.vintage.label() if p.key.vintage else ''}.",
                f"Left of the basis after rounding or the crisis state's share: "
                f"{left.relocations} relocations, {eur(left.financial)}.",
                "Contributing states choose freely between the types of measures (4(2)(b)).",
            ),
        )
    )
    if offsets is not None:
        o = offsets
        head = (
            f"target {o.target} (9(1)(a)), pledged {o.pledged}, gap {o.gap}; "
            + (
                f"not mandatory: {o.excluded_by}"
                if o.excluded_by
                else ("triggered" if o.triggered else "not triggered: pledges cover the needs")
            )
            + (
                f"; {o.uncovered} uncovered: High-Level Forum reconvened (9(2))"
                if o.forum_reconvened
                else ""
            )
        )
        orows = [
            {
                "geo": g,
                "fair_share": o.fair_shares[g],
                "left": o.caps[g],
                "within": o.within[g],
                "above": o.above[g],
            }
            for g in o.within
            if o.within[g] or o.above[g]
        ]
        tables.append(
            Table(
                "offsets",
                "Crisis offsets (Art. 9(1)-(2) CFMR)",
                ("geo", "fair_share", "left", "within", "above"),
                orows,
                (head, "[reading] fair share: " + o.readings["crisis.offsets.fair_share"]),
            )
        )
        if o.credits:
            tables.append(
                Table(
                    "credits",
                    "Credits above the fair share (Art. 9(4)-(5))",
                    ("geo", "applications", "expires_on"),
                    [
                        {
                            "geo": c.state,
                            "applications": c.applications,
                            "expires_on": c.expires_on.isoformat(),
                        }
                        for c in o.credits
                    ],
                    (
                        "Usable after the state's notification and the Commission's implementing "
                        "act (9(5)).",
                    ),
                )
            )
    return tables


def _plan_readings() -> tuple[str, ...]:
    from eupact.crisis.plan import READINGS

    return READINGS


@crisis_app.command("plan")
@user_errors
def plan_cmd(file: FileArg, reading: ReadingOpt = None, form: FormatOpt = Format.table) -> None:
    """A Solidarity Response Plan (CFMR Art. 4(2)(b), 4(5)(b), 8) with each state's indicative
    contribution by the Art. 66 AMMR key; with ``offsets:`` the crisis offsets and credits
    (Art. 9)."""
    from eupact.crisis.offsets import crisis_offsets
    from eupact.crisis.plan import response_plan
    from eupact.crisis.plan_input import read_plan

    parsed = read_plan(_doc(file, "plan"))
    parameters = _parameters(reading)
    params = parameters.at(parsed.request.on)
    plan = response_plan(parsed.request, _key(parsed.request.on, parameters), params)
    offsets = None
    if parsed.offsets is not None:
        o = parsed.offsets
        offsets = crisis_offsets(
            plan,
            o.measures,
            o.contributions,
            params,
            temporary_protection_art11_disapplied=o.temporary_protection_art11_disapplied,
            fair_shares=o.fair_shares,
        )
    if form is Format.json:
        _json({"plan": plan.as_dict(), "offsets": offsets.as_dict() if offsets else None})
        return
    print_tables(console, plan_tables(plan, offsets), form)


__all__ = ["crisis_app", "plan_tables", "timeline_tables"]
