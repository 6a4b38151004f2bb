"""Results as plain tables (rows of JSON-ready values), shared by the CLI, files and summaries,
so that every interface shows the same numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from eupact.cells import inert
from eupact.key.reference_key import ReferenceKey, to_decimal
from eupact.parameters import ParameterSet
from eupact.pool.allocation import Allocation
from eupact.pool.outcome import PoolOutcome

SHARE_PLACES = 10


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    notes: tuple[str, ...] = field(default=())
    # Long columns left out of terminal tables (they stay in CSV, JSON and Markdown).
    wide: tuple[str, ...] = field(default=())


def _share(value: Fraction) -> Decimal:
    return to_decimal(value * 100, SHARE_PLACES)


def key_table(key: ReferenceKey) -> Table:
    rows = [
        {
            "geo": geo,
            "population": r.population,
            "gdp_meur": r.gdp,
            "population_share_pct": _share(r.population_share),
            "gdp_share_pct": _share(r.gdp_share),
            "share_pct": key.percent(geo),
            "share_exact": f"{r.share.numerator}/{r.share.denominator}",
        }
        for geo, r in key.rows.items()
    ]
    notes: tuple[str, ...] = (
        f"Reference key, Art. 66 and Annex I AMMR; data: {key.population.source.cite()}; "
        f"{key.gdp.source.cite()}",
        "share_pct is rounded half up for display; share_exact is the exact value used.",
    )
    unbound = [g for g in key.states if g not in key.params("scope.bound_member_states")]
    if unbound:
        notes += (
            f"WHAT-IF: {', '.join(unbound)} not bound by Part IV AMMR (recital 90, Protocol "
            "No 22): these shares are not fair shares under Art. 66.",
        )
    return Table(
        "reference_key",
        "Reference key (Art. 66 AMMR)",
        tuple(rows[0]),
        rows,
        notes,
        wide=("share_exact",),
    )


def allocation_table(allocation: Allocation, name: str) -> Table:
    rows = [
        {
            "geo": geo,
            "share_pct": allocation.key.percent(geo),
            "relocations": r.relocations,
            "relocations_exact": to_decimal(r.relocations_exact, 4),
            "financial_eur": r.financial,
        }
        for geo, r in allocation.rows.items()
    ]
    t = allocation.totals
    notes = (
        f"{allocation.label} of {t.relocations:,} relocations / EUR {t.financial:,} "
        f"({allocation.article}); relocations rounded {allocation.key.params('key.rounding.relocations')}, "
        f"so they may sum above the Union total.",
    )
    return Table(
        name,
        allocation.label.capitalize(),
        tuple(rows[0]),
        rows,
        notes,
        wide=("relocations_exact",),
    )


def outcome_table(outcome: PoolOutcome) -> Table:
    rows = []
    for geo, r in outcome.states.items():
        rows.append(
            {
                "geo": geo,
                "role": r.role,
                "share_pct": outcome.key.percent(geo),
                "fair_share_relocations": r.fair_share_relocations,
                "fair_share_eur": r.fair_share_financial,
                "pledged_relocations": r.pledged_relocations,
                "pledged_financial_eur": r.pledged_financial,
                "pledged_alternative_eur": r.pledged_alternative,
                "pledged_total_eur": r.pledged_total,
                "deducted_eur": r.deducted_total,
                "to_implement_eur": r.to_implement_total,
                "balance_eur": r.balance,
                "offset_obligation": outcome.offsets.obligations.get(geo, 0),
                "released_eur": r.released_total,
                "notes": "; ".join(
                    n
                    for n in (
                        r.exemption,
                        r.deduction_pending,
                        r.alternative_note,
                        r.crisis_credit_note,  # CFMR Art. 9(4)(a), 9(5)
                    )
                    if n
                ),
            }
        )
    notes = (
        f"Outcome of the {outcome.act.year} pool under {outcome.act.citation}. EUR-equivalent at EUR "
        f"{outcome.equivalence:,} per relocation (Art. 12(3)). balance = pledged − fair share.",
    )
    return Table(
        "outcome",
        f"Outcome per Member State, {outcome.act.year}",
        tuple(rows[0]),
        rows,
        notes,
        wide=(
            "notes",
            "share_pct",
            "pledged_financial_eur",
            "pledged_alternative_eur",
            "released_eur",
        ),
    )


def totals_table(outcome: PoolOutcome) -> Table:
    t = outcome.totals
    o = outcome.offsets
    rows: list[dict[str, Any]] = [
        {"item": "reference number: relocations (Art. 57(1))", "value": t.reference_relocations},
        {
            "item": "reference number: financial contributions, EUR (Art. 57(1))",
            "value": t.reference_financial,
        },
        {"item": "pledged relocations", "value": t.pledged_relocations},
        {
            "item": "pledged financial contributions, EUR (incl. converted alternative measures)",
            "value": t.pledged_financial,
        },
        {
            "item": "pledged alternative measures, EUR (requested by a benefitting state)",
            "value": t.pledged_alternative,
        },
        {"item": "pledged in total, EUR-equivalent", "value": t.pledged_total},
        {"item": "shortfall against the reference number, EUR-equivalent", "value": t.shortfall},
        {"item": "pledged beyond the reference number, EUR-equivalent", "value": t.surplus},
        {"item": "relocations short of the reference number", "value": t.relocation_shortfall},
        {"item": "granted deductions, EUR-equivalent (Art. 61, 62)", "value": t.deducted_total},
        {
            "item": "to implement after deductions and exemptions, EUR-equivalent (Art. 60(3))",
            "value": t.to_implement_total,
        },
        {"item": "relocations to implement", "value": t.to_implement_relocations},
        {
            "item": "offsets may be requested by benefitting states (Art. 63(1))",
            "value": o.requested_possible,
        },
        {
            "item": "released toward benefitting states with systemic shortcomings, "
            "EUR-equivalent (Art. 60(3))",
            "value": t.released_total,
        },
        {
            "item": "benefitting Member States (Art. 58(1), 59(4))",
            "value": ", ".join(
                f"{b.state} since {b.since.isoformat()} ({b.article.removesuffix(' AMMR')})"
                for b in outcome.standing.benefitting.values()
            )
            or "none (no state has informed or notified that it uses the pool)",
        },
        {"item": "obligatory offsets triggered (Art. 63(3)-(4))", "value": o.triggered},
        {"item": "obligatory offsets apply (Art. 63(3)-(4))", "value": o.obligatory},
        {"item": "High-Level Forum reconvened (Art. 13(4))", "value": o.forum_reconvened},
        {"item": "offsets: higher of the two numbers (Art. 63(3))", "value": o.target},
        {
            "item": "offsets obliged in total (Art. 63(3), (7))",
            "value": sum(o.obligations.values()),
        },
        {
            "item": "offsets released toward states with systemic shortcomings (Art. 60(3))",
            "value": sum(o.waived.values()),
        },
        {
            "item": "gap not covered because of the fair-share ceiling (Art. 63(7))",
            "value": o.uncovered,
        },
    ]
    if outcome.sar is not None:
        rows += [
            {
                "item": f"indicative SAR share (Art. 57(2)) for {', '.join(outcome.sar.states)}",
                "value": to_decimal(outcome.sar.share * 100, 2),
            },
            {"item": "SAR part: relocations", "value": outcome.sar.relocations},
            {"item": "SAR part: EUR", "value": outcome.sar.financial},
        ]
    else:
        rows.append(
            {
                "item": "indicative SAR share (Art. 57(2))",
                "value": "not set (value not verified in the Council act; use --sar-share)",
            }
        )
    return Table("totals", f"Pool totals, {outcome.act.year}", ("item", "value"), rows)


def readings_table(parameters: ParameterSet, on: dt.date) -> Table:
    """Every [reading] of the law in force on ``on``: the value used and its alternatives."""
    rows = [
        {
            "reading": r.name,
            "used": f"{r.used} (chosen for this run)" if r.chosen else r.used,
            "alternatives": ", ".join(a.name for a in r.others),
            "article": r.reference.cite().removesuffix(" Regulation (EU) 2024/1351 (AMMR)"),
            "meaning": r.meaning,
        }
        for r in parameters.readings_at(on)
    ]
    return Table(
        "readings",
        "[reading]s: where the law leaves a choice",
        ("reading", "used", "alternatives", "article", "meaning"),
        rows,
        (
            "Choose another with --reading NAME=ALTERNATIVE; `eupact params show` lists every "
            "alternative with its meaning.",
        ),
        wide=("meaning",),
    )


def plain(value: Any) -> Any:
    """A JSON-ready value: exact decimals as strings, fractions as 'n/d'."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def csv_text(rows: list[dict[str, Any]]) -> str:
    """Rows of a table as CSV (columns of the first row); lists and objects (audit before/after)
    as JSON, so that any CSV reader can parse them; text that a spreadsheet would run as a
    formula made inert (:func:`eupact.cells.inert`)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else [], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: inert(json.dumps(v, default=str) if isinstance(v, list | dict) else v)
                for k, v in row.items()
            }
        )
    return buf.getvalue()
