"""Printing tables as Rich tables, CSV, JSON, Markdown or an XLSX workbook.

A terminal table fits the terminal and never cuts a number: figures keep their full width and
never wrap; text wraps (a word longer than its column folds); headers may wrap. When even with
the text narrowed the figures do not fit, each row is printed as a record (``DE — Germany`` and a
line per column). ``-f wide`` prints every column at its full width, whatever the terminal.

``-f`` also says where files go: ``csv:TABLE`` prints one of several tables, ``csv:FOLDER/``
writes one CSV file per table, ``xlsx:FILE`` names the workbook (default:
``<first table>.xlsx`` in the current folder).

Why one file: every format reads the same table hints (which columns are figures, money,
states) and the same ``-f`` target; split by format, those rules would be kept in several places.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
import textwrap
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from eupact.cells import inert
from eupact.errors import fail
from eupact.reports.formatting import cell_texts, header, is_number, state_name, to_markdown
from eupact.reports.tables import Table, plain


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    xlsx = "xlsx"


# --- what -f asked for: the format, and for csv and xlsx where the files go -------------------


@dataclass(frozen=True)
class Choice:
    form: Format
    wide: bool = False  # -f wide: every column at full width
    target: str | None = None  # csv:TABLE, csv:FOLDER/, xlsx:FILE


_ASKED: ContextVar[Choice | None] = ContextVar("eupact_format", default=None)
FORMAT_HELP = (
    "table, wide (every column, full width), csv, json, markdown or xlsx; "
    "csv:TABLE prints one of several tables, csv:FOLDER/ writes one file per table, "
    "xlsx:FILE names the workbook"
)
_NAMES = ("table", "wide", "csv", "json", "markdown", "xlsx")


def parse_format(value: Any) -> Format:
    """``-f``: a :class:`Format`; ``wide`` is the table at full width; ``csv:`` and ``xlsx:``
    take where to write. What is asked beyond the format is kept for the command's run, so
    that :func:`print_tables` finds it without every command passing it on."""
    if isinstance(value, Format):  # the default
        _ASKED.set(Choice(value))
        return value
    text = str(value).strip()
    name, sep, target = text.partition(":")
    name = name.strip().lower()
    if name not in _NAMES:
        raise typer.BadParameter(
            f"{text!r} is not a format: one of {', '.join(_NAMES)}, "
            "or csv:TABLE, csv:FOLDER/, xlsx:FILE"
        )
    if sep and name not in ("csv", "xlsx"):
        raise typer.BadParameter(f"{text!r}: only csv: and xlsx: take a table, folder or file")
    if sep and not target.strip():
        raise typer.BadParameter(f"{text!r}: name a table, folder or file after the ':'")
    choice = (
        Choice(Format.table, wide=True)
        if name == "wide"
        else Choice(Format(name), target=os.path.expanduser(target.strip()) if sep else None)
    )
    _ASKED.set(choice)
    return choice.form


def forget_format(ctx: typer.Context, value: Format) -> Format:
    """``-f``'s callback: what was asked lasts as long as the command (one process may run
    several, as the tests do)."""
    ctx.call_on_close(lambda: _ASKED.set(None))
    return value


def complete_format(incomplete: str) -> list[str]:
    return [n for n in _NAMES if n.startswith(incomplete)]


def _choice(form: Format) -> Choice:
    asked = _ASKED.get()
    chosen = asked if asked is not None and asked.form is form else Choice(form)
    if form is Format.table and os.environ.get("EUPACT_WIDE", "") not in ("", "0"):
        chosen = Choice(form, wide=True)
    return chosen


# --- CSV and JSON -------------------------------------------------------------------------------


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


def file_stem(name: str) -> str:
    """A table name as a file name (letters, digits, _ . -)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "table"


def _is_folder(target: str) -> bool:
    return target.endswith(("/", os.sep)) or Path(target).is_dir()


def _print_csv(console: Console, tables: list[Table], target: str | None) -> None:
    names = [t.name for t in tables]
    if target is None:
        print(to_csv(tables[0]), end="")
        if len(tables) > 1:
            # one table per stream: several tables of different shapes are not one CSV
            sys.stderr.write(
                f"note: printed the table '{names[0]}'; this command also has "
                f"{', '.join(repr(n) for n in names[1:])}: -f csv:NAME prints one, "
                "-f csv:FOLDER/ writes each to a file\n"
            )
        return
    chosen = [t for t in tables if t.name == target]
    if chosen:
        print(to_csv(chosen[0]), end="")
        return
    if not _is_folder(target):
        raise fail(
            "--format",
            f"csv:{target}",
            f"not a table of this command ({', '.join(names)}); for a folder end it with '/'",
        )
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in tables:
        path = folder / f"{file_stem(table.name)}.csv"
        path.write_text(to_csv(table), encoding="utf-8", newline="")
        written.append(path.name)
    console.print(
        f"{len(written)} CSV file{'s' if len(written) > 1 else ''} written to {folder}: "
        + ", ".join(written),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _xlsx_path(target: str | None, tables: list[Table]) -> Path:
    default = f"{file_stem(tables[0].name)}.xlsx"
    if target is None:
        return Path(default)
    if _is_folder(target):
        return Path(target) / default
    path = Path(target)
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def print_tables(console: Console, tables: list[Table], form: Format, *, label: str = "") -> None:
    """Print (or, for csv and xlsx targets, write) ``tables`` in ``form``; ``label`` (e.g. the
    SYNTHETIC label of the input) heads the workbook's sheets."""
    if not tables:
        return
    choice = _choice(form)
    if form is Format.json:
        console.print_json(to_json(tables)) if console.is_terminal else print(to_json(tables))
        return
    if form is Format.csv:
        _print_csv(console, tables, choice.target)
        return
    if form is Format.xlsx:
        from eupact.reports.workbook import write_workbook

        path = _xlsx_path(choice.target, tables)
        path.parent.mkdir(parents=True, exist_ok=True)
        sheets = write_workbook(tables, path, label=label)
        console.print(
            f"workbook written to {path}: sheets " + ", ".join(sheets),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return
    for table in tables:
        if form is Format.markdown:
            print(f"### {table.title}\n\n{to_markdown(table)}")
        else:
            print_rich(console, table, wide=choice.wide)


# --- terminal tables ----------------------------------------------------------------------------

TEXT_MIN = 12  # a text column is not narrowed below this (or its longest cell, if shorter)
HEADER_WORD = 12  # nor a column below its header's longest word, up to this
PROTECTED = 20  # a word with a digit (a date, an article) up to this long never folds
WORD_MIN = 16  # a column is as wide as its longest word, up to this (or it is printed otherwise)

# Short header words, used only when the full headers do not let the table fit
_SHORT = {
    "relocations": "reloc.",
    "relocation": "reloc.",
    "financial": "fin.",
    "obligation": "oblig.",
    "contributions": "contrib.",
    "alternative": "alt.",
    "alternatives": "alt.",
    "implement": "impl.",
    "applications": "appl.",
    "population": "pop.",
    "incoming": "in",
    "outgoing": "out",
    "indicators": "ind.",
    "secondary": "second.",
}


def short_header(label: str) -> str:
    return " ".join(_SHORT.get(w, w) for w in label.split(" "))


def _width(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=0)


@dataclass(frozen=True)
class Column:
    """A column as the terminal shows it: its cells' text, which cells are figures, widths."""

    name: str
    label: str
    texts: tuple[str, ...]
    numbers: tuple[bool, ...]  # the cell is a figure: never wraps, never cut

    @classmethod
    def of(cls, table: Table, name: str) -> Column:
        texts = tuple(cell_texts(table, name))
        numbers = tuple(is_number(r.get(name)) for r in table.rows)
        return cls(name, header(name), texts, numbers)

    @cached_property
    def numeric(self) -> bool:
        """Every cell a figure (or empty): right-aligned, never wrapped."""
        return any(self.numbers) and all(
            n or not t for n, t in zip(self.numbers, self.texts, strict=True)
        )

    @cached_property
    def number_width(self) -> int:
        return max(
            (cell_len(t) for t, n in zip(self.texts, self.numbers, strict=True) if n), default=0
        )

    @cached_property
    def text_width(self) -> int:
        return max((_width(t) for t in self.texts), default=0)

    @cached_property
    def longest_word(self) -> int:
        return max((cell_len(w) for t in self.texts for w in t.split()), default=0)

    @cached_property
    def least_text(self) -> int:
        """What the text cells need at least: TEXT_MIN (or less if all are shorter), the
        longest word up to WORD_MIN, and the whole of every word with a digit (a date, an
        article) up to PROTECTED."""
        if self.numeric:
            return 0
        text = max(
            (_width(t) for t, n in zip(self.texts, self.numbers, strict=True) if not n), default=0
        )
        digits = max(
            (
                cell_len(w)
                for t, n in zip(self.texts, self.numbers, strict=True)
                if not n
                for w in t.split()
                if any(ch.isdigit() for ch in w) and cell_len(w) <= PROTECTED
            ),
            default=0,
        )
        return max(min(text, TEXT_MIN), digits, min(self.longest_word, WORD_MIN))

    def natural(self, label: str) -> int:
        return max(self.text_width, cell_len(label), 1)

    def minimum(self, label: str) -> int:
        words = max((cell_len(w) for w in label.split()), default=1)
        least = max(self.number_width, min(words, HEADER_WORD), self.least_text, 1)
        return min(least, max(self.natural(label), self.number_width))


@dataclass(frozen=True)
class Plan:
    compact: bool  # no outer border, columns two spaces apart
    short: bool  # short header words
    widths: tuple[int, ...]


def overhead(columns: int, compact: bool) -> int:
    """Characters a Rich table adds to its columns' content: padding and borders."""
    return 2 * (columns - 1) if compact else 3 * columns + 1


def _spread(least: list[int], most: list[int], room: int) -> list[int]:
    """Widths from ``least`` towards ``most`` within ``room``, in proportion to what each lacks."""
    lack = [m - n for n, m in zip(least, most, strict=True)]
    extra = room - sum(least)
    if extra >= sum(lack):
        return list(most)
    total = sum(lack)
    widths = [n + (d * extra // total if total else 0) for n, d in zip(least, lack, strict=True)]
    left = extra - (sum(widths) - sum(least))
    order = sorted(range(len(widths)), key=lambda i: most[i] - widths[i], reverse=True)
    for i in order:
        if left <= 0:
            break
        if widths[i] < most[i]:
            widths[i] += 1
            left -= 1
    return widths


def _widths(columns: Sequence[Column], labels: Sequence[str], room: int) -> list[int]:
    """Room shared out in stages: first so that no word of a cell is folded (an identifier cut
    in two reads worst), then towards each column's full content, then its full header."""
    least = [c.minimum(lb) for c, lb in zip(columns, labels, strict=True)]
    words = [max(n, min(c.text_width, c.longest_word)) for c, n in zip(columns, least, strict=True)]
    content = [max(w, c.text_width) for c, w in zip(columns, words, strict=True)]
    most = [max(w, c.natural(lb)) for c, w, lb in zip(columns, content, labels, strict=True)]
    widths = least
    for target in (words, content, most):
        if sum(target) >= room:
            return _spread(widths, target, room)
        widths = target
    return widths


def plan(columns: Sequence[Column], width: int, compact: bool | None = None) -> Plan | None:
    """Column widths that fit ``width`` with every figure whole, or None. Tried in turn: full
    width, then short header words, then without borders; then the same with text wrapped."""
    styles = (False, True) if compact is None else (compact,)
    tries = [(c, s) for c in styles for s in (False, True)]
    for shrink in (False, True):
        for boxless, short in tries:
            labels = [short_header(c.label) if short else c.label for c in columns]
            room = width - overhead(len(columns), boxless)
            most = [c.natural(lb) for c, lb in zip(columns, labels, strict=True)]
            if sum(most) <= room:
                return Plan(boxless, short, tuple(most))
            if shrink:
                least = [c.minimum(lb) for c, lb in zip(columns, labels, strict=True)]
                if sum(least) <= room:
                    return Plan(boxless, short, tuple(_widths(columns, labels, room)))
    return None


_SEPARATOR = re.compile(r"[_./\\,;:|-]+")


def _cut(word: str, width: int) -> tuple[str, str]:
    """The first piece of a word too long for ``width``: up to its last separator (_ . / , ; :
    | -) that leaves a piece of a third of the width or more, else ``width`` characters."""
    best = 0
    for m in _SEPARATOR.finditer(word):
        if m.end() > width:
            break
        best = m.end()
    if best < max(1, width // 3) or best >= len(word):
        best = width
    return word[:best], word[best:]


def wrap_cell(text: str, width: int) -> str:
    """``text`` in lines of at most ``width``: at spaces, and a word longer than the width at
    its separators (``asylum_applicants_`` / ``first_time``), so that Rich need not fold it."""
    width = max(width, 1)
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            joined = f"{line} {word}" if line else word
            if cell_len(joined) <= width:
                line = joined
                continue
            if line:
                lines.append(line)
            while cell_len(word) > width:
                head, word = _cut(word, width)
                lines.append(head)
            line = word
        lines.append(line)
    return "\n".join(lines)


def _rich(
    table: Table, columns: Sequence[Column], layout: Plan, title: str | None = None
) -> RichTable:
    compact = layout.compact  # no outer border, columns two spaces apart
    rich = RichTable(
        title=Text(table.title if title is None else title),
        title_justify="left",
        box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD,
        show_edge=not compact,
        pad_edge=not compact,
        padding=(0, 1, 0, 0) if compact else (0, 1),
    )
    for col, width in zip(columns, layout.widths, strict=True):
        label = short_header(col.label) if layout.short else col.label
        numeric = col.numeric
        rich.add_column(
            Text(
                wrap_cell(label, width),
                overflow="fold",
                no_wrap=False,
                justify="right" if numeric else "left",
            ),
            justify="right" if numeric else "left",
            width=width,
            no_wrap=numeric,
            overflow="ignore" if numeric else "fold",
        )
    for i in range(len(table.rows)):
        rich.add_row(
            *(
                # right-aligned here: Rich does not justify text it must not cut ("ignore")
                Text(c.texts[i].rjust(width), no_wrap=True, overflow="ignore")
                if c.numbers[i]
                else Text(wrap_cell(c.texts[i], width), overflow="fold")
                for c, width in zip(columns, layout.widths, strict=True)
            )
        )
    return rich


MAX_PARTS = 3  # a table is split in at most this many parts side by side; beyond, records


def split(columns: Sequence[Column], width: int) -> list[tuple[list[Column], Plan]] | None:
    """The columns in consecutive parts that each fit ``width``, every part led by the first
    column (the state), as even as they can be and all drawn alike; None if one column does not
    fit beside the first."""
    key, rest = columns[0], list(columns[1:])
    groups: list[list[Column]] = []
    while rest:  # as many as fit, part after part: how many parts it takes
        end = 0
        while end < len(rest) and plan([key, *rest[: end + 1]], width) is not None:
            end += 1
        if end == 0:
            return None
        groups.append(rest[:end])
        rest = rest[end:]
    count, cols = len(groups), [c for g in groups for c in g]
    size = -(-len(cols) // count)
    even = [cols[i : i + size] for i in range(0, len(cols), size)]
    if len(even) == count and all(plan([key, *g], width) for g in even):
        groups = even
    plans = [plan([key, *g], width) for g in groups]
    if any(p is not None and p.compact for p in plans):
        plans = [plan([key, *g], width, compact=True) for g in groups]
    return [([key, *g], p) for g, p in zip(groups, plans, strict=True) if p is not None]


def print_rich(console: Console, table: Table, *, wide: bool = False) -> None:
    """A terminal table: long columns left out (all of them with ``wide``), per-row notes
    printed as footnotes. When the figures do not fit side by side, the table is split in
    parts (each led by the state) or, if that takes too many, printed as records."""
    names = list(table.columns) if wide else [c for c in table.columns if c not in table.wide]
    columns = [Column.of(table, c) for c in names]
    if not table.rows:
        console.print(Text(table.title), Text("  (no rows)", style="dim"))
        _notes(console, table, footnotes=False)
        return
    if wide:
        layout = Plan(False, False, tuple(c.natural(c.label) for c in columns))
        total = sum(layout.widths) + overhead(len(columns), False)
        # a console of the table's width: Console.print(width=) is capped at the terminal's
        wider = Console(
            file=console.file,
            width=max(total, console.width),
            force_terminal=console.is_terminal,
            color_system=console.color_system,  # type: ignore[arg-type]
            no_color=console.no_color,
        )
        wider.print(_rich(table, columns, layout), crop=False)
        _notes(console, table, footnotes=False)
        return
    layout_or_none = plan(columns, console.width)
    if layout_or_none is not None:
        console.print(_rich(table, columns, layout_or_none))
        _notes(console, table, footnotes="notes" in table.wide)
        return
    parts = split(columns, console.width) if len(columns) > 2 else None
    if parts is None or len(parts) > MAX_PARTS:
        print_records(console, table, columns)
        _notes(console, table, footnotes=False)
        return
    for k, (part, layout) in enumerate(parts, 1):
        title = f"{table.title} (part {k} of {len(parts)})"
        console.print(_rich(table, part, layout, title=title))
    _notes(console, table, footnotes="notes" in table.wide)


def _notes(console: Console, table: Table, *, footnotes: bool) -> None:
    if footnotes:
        for row in table.rows:
            if row.get("notes"):
                console.print(
                    f"  {row.get('geo', '')}: {row['notes']}", highlight=False, markup=False
                )
    for note in table.notes:
        console.print(f"  {note}", style="dim", highlight=False, markup=False)


# --- records: one block per row, when the figures do not fit side by side ---------------------

LABEL_MAX = 28  # labels are aligned up to this width; a longer one takes its own line


def heading(column: Column, i: int) -> str:
    text = column.texts[i] or f"row {i + 1}"
    if column.name == "geo" and (name := state_name(text)):
        return f"{text} — {name}"
    return text


def _wrap(text: str, width: int, indent: str) -> list[str]:
    out: list[str] = []
    for part in text.split("\n") or [""]:
        out += textwrap.wrap(
            part,
            width=max(width, len(indent) + 1),
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=True,
        ) or [indent]
    return out


def record_lines(
    label: str, value: str, number: bool, label_width: int, value_width: int, width: int
) -> list[str]:
    """``label  value`` for one cell of a record, within ``width``; a figure is never broken
    (if it does not fit beside its label it goes on the next line)."""
    indent = "  "
    if cell_len(label) <= label_width:
        lead = indent + label + " " * (label_width - cell_len(label)) + "  "
    else:
        lead = indent + label + "  "
    shown = value.rjust(value_width) if number else value
    if "\n" not in shown and cell_len(lead) + cell_len(shown) <= width:
        return [lead + shown]
    side = indent + label + "  " + value
    if "\n" not in value and cell_len(side) <= width:  # beside its label, not aligned
        return [side]
    if number:
        return [*_wrap(label, width, indent), "    " + value]
    room = width - cell_len(lead)
    if room >= 20 and cell_len(lead) <= width // 2:
        lines = _wrap(value, width, " " * cell_len(lead))
        return [lead + lines[0].lstrip(" "), *lines[1:]]
    return [*_wrap(label, width, indent), *_wrap(value, width, "    ")]


def print_records(console: Console, table: Table, columns: Sequence[Column]) -> None:
    """Each row as a block: its first column as the heading (a state's code and name), then a
    line per other column; per-row notes inside the block."""
    width = max(console.width, 20)
    key, rest = columns[0], list(columns[1:])
    label_width = min(max((cell_len(c.label) for c in rest), default=0), LABEL_MAX)
    value_width = max((c.number_width for c in rest), default=0)
    notes = "notes" in table.wide and "notes" not in {c.name for c in columns}
    for line in _wrap(table.title, width, ""):
        console.print(Text(line, style="bold"), soft_wrap=True)
    for i, row in enumerate(table.rows):
        lines: list[str] = []
        for c in rest:
            if c.texts[i]:
                lines += record_lines(
                    c.label, c.texts[i], c.numbers[i], label_width, value_width, width
                )
        if notes and row.get("notes"):
            lines += record_lines("notes", str(row["notes"]), False, label_width, 0, width)
        console.print()
        for line in _wrap(heading(key, i), width, ""):
            console.print(Text(line, style="bold"), soft_wrap=True)
        for line in lines:
            console.print(Text(line), soft_wrap=True)
    console.print()
