"""`eupact state DE`: one Member State's year on one page — its key share and fair share
(Art. 57(3), 66), its pledges, deductions (Art. 61–62) and what it must still implement, the
offsets it owes (Art. 63), its pressure category with the reasons (Art. 11), and every deadline of
the cycle that concerns it. The dashboard's ``/state/{geo}`` shows the same for a service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from eupact.reports.tables import Table

from .common import FormatOpt, console, err_console, user_errors
from .render import Format, print_tables


def _overview(result: Any, geo: str, name: str) -> Table:
    outcome = result.outcome
    r = outcome.states.get(geo)
    offsets = outcome.offsets
    rows: list[dict[str, Any]] = [
        {"item": "Member State", "value": f"{geo} — {name}"},
        {"item": "role in the pool", "value": r.role if r else "not bound (Protocol No 22)"},
    ]
    if r is not None:
        rows += [
            {"item": "reference key share, % (Art. 66)", "value": outcome.key.percent(geo)},
            {"item": "fair share, relocations (Art. 57(3))", "value": r.fair_share_relocations},
            {"item": "fair share, EUR (Art. 57(3))", "value": r.fair_share_financial},
            {"item": "pledged relocations", "value": r.pledged_relocations},
            {"item": "pledged financial contributions, EUR", "value": r.pledged_financial},
            {"item": "pledged alternative measures, EUR", "value": r.pledged_alternative},
            {"item": "pledged in total, EUR-equivalent", "value": r.pledged_total},
            {"item": "deducted, EUR-equivalent (Art. 61, 62)", "value": r.deducted_total},
            {"item": "to implement, EUR-equivalent", "value": r.to_implement_total},
            {"item": "relocations to implement", "value": r.to_implement_relocations},
            {"item": "balance: pledged − fair share, EUR", "value": r.balance},
            {
                "item": "offsets owed (Art. 63(3), (7))",
                "value": offsets.obligations.get(geo, 0),
            },
            {"item": "offsets accepted (Art. 63(2))", "value": r.offsets_accepted},
        ]
        notes = [n for n in (r.exemption, r.deduction_pending, r.alternative_note) if n]
        rows += [{"item": "note", "value": n} for n in notes]
    return Table(
        "state",
        f"{geo} — {name} in the {result.year} pool ({result.act.citation})",
        ("item", "value"),
        rows,
        (result.pledges.label,) if result.pledges.label else (),
    )


@user_errors
def state_cmd(
    geo: Annotated[
        str, typer.Argument(help="Member State (Eurostat geo code, e.g. DE; EL = Greece)")
    ],
    year: Annotated[int, typer.Option(help="Pool year")] = 2026,
    pledges: Annotated[
        Path | None, typer.Option(help="Pledges file (default: the shipped SYNTHETIC example)")
    ] = None,
    form: FormatOpt = Format.table,
) -> None:
    """One Member State's year: fair share, pledges, deductions, offsets, pressure category with
    reasons, and the deadlines that concern it."""
    from eupact.boundary.text import state_code
    from eupact.cycle.examples import example_pledges_path
    from eupact.cycle.ical import calendar_entries
    from eupact.cycle.run import run_cycle

    code = geo.strip().upper()
    if code != "DK":  # Denmark is not bound: shown, with the reason, not refused
        code = state_code(geo, "GEO")
    result = run_cycle(year, pledges or example_pledges_path(year))
    names = {g: c.member_state for g, c in result.snapshot.classification.items()}
    name = names.get(code, code)
    tables = [_overview(result, code, name)]
    own = [p for p in result.pledges.pledges if p.state == code]
    if own:
        rows = [
            {
                "kind": str(p.kind),
                "amount": int(p.amount) if p.amount == int(p.amount) else p.amount,
            }
            for p in own
        ]
        tables.append(Table("pledges", f"Pledges of {name}", ("kind", "amount"), rows))
    deductions = [d for d in result.pledges.deductions if d.state == code]
    if deductions:
        rows = [
            {
                "article": d.article,
                "status": str(d.status),
                "full": "full" if d.full else "partial",
                "council_act": d.council_act,
            }
            for d in deductions
        ]
        tables.append(Table("deductions", f"Deductions of {name}", tuple(rows[0]), rows))
    if code != "DK":
        entries = calendar_entries(year, code)
        rows = [
            {
                "due": e.deadline.due.isoformat() if e.deadline.due else "no time limit",
                "step": e.deadline.step,
                "article": e.article,
            }
            for e in entries
        ]
        tables.append(
            Table("deadlines", f"Deadlines of the {year} cycle for {name}", tuple(rows[0]), rows)
        )
    reasons: list[str] = []
    if result.assessment is not None and code in result.assessment.states:
        state = result.assessment.states[code]
        reasons = [f"{state.label} (assessment {result.assessment.year})", *state.reasons()]
        tables.append(
            Table(
                "pressure",
                f"Migratory pressure, assessment {result.assessment.year} (Art. 11)",
                ("reason",),
                [{"reason": line} for line in reasons],
            )
        )
    if result.pledges.synthetic and form is Format.table:
        err_console.print(result.pledges.label, highlight=False, markup=False)
    print_tables(console, tables, form)


__all__ = ["state_cmd"]
