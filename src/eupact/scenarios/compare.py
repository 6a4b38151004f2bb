"""Two outcomes side by side: per Member State and in total, what a scenario changes in fair
shares (Art. 57(3)), deductions (Art. 61–62), what is left to implement and the offsets owed
(Art. 63), with the difference B − A.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from eupact.assessment import Assessment, assess_year
from eupact.cycle.run import CycleResult
from eupact.reports.tables import Table, outcome_table, totals_table

#: The per-state figures compared, from the outcome table.
STATE_FIGURES = (
    "fair_share_relocations",
    "fair_share_eur",
    "pledged_total_eur",
    "deducted_eur",
    "to_implement_eur",
    "offset_obligation",
)


def _number(value: Any) -> int | Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return value
    return None


def _delta(a: Any, b: Any) -> int | Decimal | None:
    x, y = _number(a), _number(b)
    return None if x is None or y is None else y - x


def state_comparison(a: CycleResult, b: CycleResult, names: tuple[str, str]) -> Table:
    """Per state: each figure under A and B and B − A; a state in one outcome only shows blank
    figures on the other side."""
    rows_a = {r["geo"]: r for r in outcome_table(a.outcome).rows}
    rows_b = {r["geo"]: r for r in outcome_table(b.outcome).rows}
    rows = []
    for geo in sorted(set(rows_a) | set(rows_b)):
        ra, rb = rows_a.get(geo, {}), rows_b.get(geo, {})
        role_a, role_b = str(ra.get("role", "—")), str(rb.get("role", "—"))
        row: dict[str, Any] = {
            "geo": geo,
            "role": role_a if role_a == role_b else f"{role_a} → {role_b}",
        }
        for figure in STATE_FIGURES:
            row[f"{figure}_a"] = ra.get(figure)
            row[f"{figure}_b"] = rb.get(figure)
            row[f"{figure}_change"] = _delta(ra.get(figure), rb.get(figure))
        rows.append(row)
    changed = sum(
        1 for r in rows if any(r[f"{f}_change"] for f in STATE_FIGURES) or "→" in r["role"]
    )
    notes = (
        f"A: {names[0]}. B: {names[1]}. change = B − A.",
        f"{changed} of {len(rows)} states change.",
    )
    return Table(
        "comparison",
        f"Per Member State: {names[0]} (A) against {names[1]} (B)",
        tuple(rows[0]),
        rows,
        notes,
        wide=tuple(f"{f}_{side}" for f in STATE_FIGURES for side in ("a", "b")),
    )


def totals_comparison(a: CycleResult, b: CycleResult, names: tuple[str, str]) -> Table:
    """The pool's totals under A and B, and B − A where they are numbers."""
    ta = {r["item"]: r["value"] for r in totals_table(a.outcome).rows}
    tb = {r["item"]: r["value"] for r in totals_table(b.outcome).rows}
    rows = []
    for item in dict.fromkeys([*ta, *tb]):
        va, vb = ta.get(item), tb.get(item)
        rows.append(
            {
                "item": item,
                "a": va,
                "b": vb,
                "change": _delta(va, vb)
                if _number(va) is not None
                else ("" if va == vb else "changed"),
            }
        )
    return Table(
        "totals_comparison",
        f"Pool totals: {names[0]} (A) against {names[1]} (B)",
        ("item", "a", "b", "change"),
        rows,
        (f"A: {names[0]}. B: {names[1]}.",),
    )


def _assessment(result: CycleResult) -> Assessment:
    """The scenario's assessment of the year before, else the shipped methodology's."""
    return result.assessment or assess_year(
        result.year - 1, snapshot=result.snapshot, parameters=result.parameters
    )


def categories_comparison(a: CycleResult, b: CycleResult, names: tuple[str, str]) -> Table:
    """The pressure categories (Art. 11) under A and B, where a scenario changed thresholds."""
    sa, sb = _assessment(a).states, _assessment(b).states
    rows = [
        {
            "geo": geo,
            "a": sa[geo].label if geo in sa else "—",
            "b": sb[geo].label if geo in sb else "—",
            "changed": "yes" if geo in sa and geo in sb and sa[geo].label != sb[geo].label else "",
        }
        for geo in sorted(set(sa) | set(sb))
    ]
    changed = sum(1 for r in rows if r["changed"])
    return Table(
        "categories_comparison",
        f"Pressure categories (Art. 11): {names[0]} (A) against {names[1]} (B)",
        ("geo", "a", "b", "changed"),
        rows,
        (f"{changed} of {len(rows)} states change category.",),
    )


def compare(a: CycleResult, b: CycleResult, names: tuple[str, str]) -> list[Table]:
    tables = [totals_comparison(a, b, names), state_comparison(a, b, names)]
    if a.assessment is not None or b.assessment is not None:
        tables.append(categories_comparison(a, b, names))
    return tables


__all__ = ["STATE_FIGURES", "compare", "state_comparison", "totals_comparison"]
