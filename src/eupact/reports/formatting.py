"""How figures read in the summaries and reports: thousands separators, yes/no, Markdown."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from eupact.reports.tables import Table


def fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | Decimal):
        return f"{value:,}"
    return "" if value is None else str(value)


def isnum(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def to_markdown(table: Table) -> str:
    """A table as GitHub-flavoured Markdown, its notes in italics below."""
    lines = [
        "| " + " | ".join(table.columns) + " |",
        "|" + "---|" * len(table.columns),
    ]
    lines += ["| " + " | ".join(fmt(r[c]) for c in table.columns) + " |" for r in table.rows]
    lines += [""] + [f"_{n}_" for n in table.notes]
    return "\n".join(lines) + "\n"
