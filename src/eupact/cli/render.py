"""Printing tables as Rich tables, CSV, JSON or Markdown."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum

from rich.console import Console
from rich.table import Table as RichTable

from eupact.cells import inert
from eupact.reports.formatting import fmt, isnum, to_markdown
from eupact.reports.tables import Table, plain


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


def to_csv(table: Table) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(table.columns), lineterminator="\n")
    writer.writeheader()
    for row in table.rows:
        writer.writerow({k: inert(plain(v)) for k, v in row.items()})
    return buf.getvalue()


def to_json(tables: list[Table]) -> str:
    return json.dumps(
        {
            t.name: {
                "title": t.title,
                "notes": list(t.notes),
                "rows": [{k: plain(v) for k, v in r.items()} for r in t.rows],
            }
            for t in tables
        },
        indent=1,
        ensure_ascii=False,
    )


def print_tables(console: Console, tables: list[Table], form: Format) -> None:
    if form is Format.json:
        console.print_json(to_json(tables)) if console.is_terminal else print(to_json(tables))
        return
    for i, table in enumerate(tables):
        if form is Format.csv:
            # Several tables: one CSV block each, separated by a blank line.
            print(("\n" if i else "") + to_csv(table), end="")
        elif form is Format.markdown:
            print(f"### {table.title}\n\n{to_markdown(table)}")
        else:
            print_rich(console, table)


def print_rich(console: Console, table: Table) -> None:
    """A terminal table: long columns left out, per-row notes printed as footnotes."""
    columns = [c for c in table.columns if c not in table.wide]
    rich = RichTable(title=table.title, title_justify="left")
    for col in columns:
        numeric = any(isnum(r[col]) for r in table.rows)
        width = max(len(str(r[col])) for r in table.rows) if not numeric else None
        rich.add_column(
            col.replace("_", " "),
            justify="right" if numeric else "left",
            no_wrap=numeric,
            min_width=min(width or 0, 40) or None,
        )
    for row in table.rows:
        rich.add_row(*(fmt(row[c]) for c in columns))
    console.print(rich)
    if "notes" in table.wide:
        for row in table.rows:
            if row.get("notes"):
                console.print(f"  {row.get('geo', '')}: {row['notes']}", highlight=False)
    for note in table.notes:
        console.print(f"  {note}", style="dim", highlight=False)
