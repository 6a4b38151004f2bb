"""`eupact calendar`: the legal calendar of a cycle, as a table or an iCalendar file (.ics).

A thin shell over :mod:`eupact.cycle.ical`; the table fits 80 columns.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from eupact.cli.common import ReadingOpt, console, readings, user_errors

WIDTH = 80


@user_errors
def calendar_cmd(
    year: Annotated[int, typer.Argument(help="Pool year, e.g. 2026 (its cycle runs in 2025)")],
    for_: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="A Member State (DE, IT, ...) or an institution (commission, council, "
            "coordinator): only the deadlines that concern it (default: all)",
        ),
    ] = None,
    ics: Annotated[
        Path | None,
        typer.Option(help="Write an iCalendar file (.ics) instead of the table; '-': stdout"),
    ] = None,
    reading: ReadingOpt = None,
) -> None:
    """The legal deadlines of the cycle preparing a pool year, each with its article (AMMR):
    for one Member State or institution, as a table or as an .ics calendar."""
    from eupact.cycle.ical import audience, calendar_entries, calendar_ics, calendar_name
    from eupact.parameters import load_parameters

    chosen = readings(reading)
    if ics is not None:
        data = calendar_ics(year, for_, readings=chosen)
        if str(ics) == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        ics.write_bytes(data)
        events = data.count(b"BEGIN:VEVENT")
        console.print(f"wrote {events} deadlines to {ics}", highlight=False, markup=False)
        return
    entries = calendar_entries(year, for_, readings=chosen)
    out = Console(width=min(WIDTH, console.width), highlight=False)
    title = calendar_name(year, audience(for_, load_parameters(), year))
    table = RichTable(title=title, title_justify="left", expand=False)
    table.add_column("due", no_wrap=True)
    table.add_column("step")
    table.add_column("article", no_wrap=True)
    notes: list[str] = []
    for e in entries:
        d = e.deadline
        mark = ""
        for text in (d.note, e.note):
            if text:
                notes.append(text)
                mark += f" [{len(notes)}]"
        table.add_row(d.due.isoformat() if d.due else "no time limit", d.step + mark, e.article)
    out.print(table, markup=False)
    for i, text in enumerate(notes, 1):
        out.print(f"[{i}] {text}", markup=False)
    out.print(
        "AMMR: Regulation (EU) 2024/1351. `--ics FILE` writes these as a calendar; "
        "`--for` one state or institution.",
        markup=False,
        style="dim",
    )
