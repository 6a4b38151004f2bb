"""Readable summaries of a cycle run (Markdown and HTML), from the same tables as the CSV files."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from eupact.reports.tables import Table

if TYPE_CHECKING:
    from eupact.cycle.run import CycleResult


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


def _env(autoescape: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("eupact.reports", "templates"),
        autoescape=select_autoescape(["html"]) if autoescape else False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(fmt=fmt, isnum=isnum, markdown=to_markdown)
    return env


def _context(result: CycleResult, tables: list[Table], prov: dict[str, Any]) -> dict[str, Any]:
    return {
        "r": result,
        "tables": tables,
        "prov": prov,
        "offsets": result.outcome.offsets.explain(result.key).render(),
    }


def render_markdown(result: CycleResult, tables: list[Table], prov: dict[str, Any]) -> str:
    """The summary in Markdown; ``prov`` is the provenance written to result.json, so both
    documents state the same computation time and inputs."""
    return _env(False).get_template("summary.md.j2").render(**_context(result, tables, prov))


def render_html(result: CycleResult, tables: list[Table], prov: dict[str, Any]) -> str:
    return _env(True).get_template("summary.html.j2").render(**_context(result, tables, prov))
