"""Readable summaries of a cycle run (Markdown and HTML), from the same tables as the CSV files.

The templates are the reports package's (``reports/templates``); the summary lives here, with
the run it summarises, so that ``reports`` never imports ``cycle``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from eupact.reports.formatting import fmt, isnum, to_markdown
from eupact.reports.tables import Table

if TYPE_CHECKING:
    from eupact.cycle.run import CycleResult


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
