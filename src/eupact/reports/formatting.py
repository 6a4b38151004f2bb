"""How figures read in the summaries and reports: thousands separators, yes/no, Markdown; and what
kind of figure a column holds (a count, euros, a percentage, a Member State), which the terminal
tables and the spreadsheets share."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
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


def is_number(value: Any) -> bool:
    """A figure (whole, exact decimal or float), not a yes/no."""
    return isinstance(value, int | Decimal | float) and not isinstance(value, bool)


def to_markdown(table: Table) -> str:
    """A table as GitHub-flavoured Markdown, its notes in italics below."""
    lines = [
        "| " + " | ".join(table.columns) + " |",
        "|" + "---|" * len(table.columns),
    ]
    lines += ["| " + " | ".join(fmt(r[c]) for c in table.columns) + " |" for r in table.rows]
    lines += [""] + [f"_{n}_" for n in table.notes]
    return "\n".join(lines) + "\n"


# --- columns: their kind, their cells as the terminal shows them, their header -----------------

MAX_PLACES = 6
_EUR = re.compile(r"(^|_)eur($|_)")


def column_kind(name: str, values: Iterable[Any]) -> str:
    """What a column holds, from its name and values: ``state`` (a geo code), ``cents`` (whole
    euro cents), ``money`` (EUR), ``meur`` (EUR million), ``percent`` (a percentage, 21.69 for
    21.69 %), ``integer``, ``decimal`` or ``text`` (no figure at all)."""
    if name == "geo":
        return "state"
    numbers = [v for v in values if is_number(v)]
    if not numbers:
        return "text"
    if name.endswith("_cents"):
        return "cents"
    if name.endswith("_meur"):
        return "meur"
    if _EUR.search(name):
        return "money"
    if name.endswith(("_pct", "_percent")):
        return "percent"
    if all(isinstance(v, int) for v in numbers):
        return "integer"
    return "decimal"


def places(value: Any) -> int:
    """Decimal places a figure is written with (a whole float has none), at most MAX_PLACES."""
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        return min(-exponent, MAX_PLACES) if isinstance(exponent, int) and exponent < 0 else 0
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or value.is_integer():
            return 0
        text = repr(value)
        if "e" in text or "E" in text:
            return MAX_PLACES
        return min(len(text.partition(".")[2]), MAX_PLACES)
    return 0


def is_year_column(name: str, values: Iterable[Any]) -> bool:
    """A column of years (``year``, ``base``, ``*_year``): written 2026, never 2,026."""
    if not (name in ("year", "base") or name.endswith("_year")):
        return False
    numbers = [v for v in values if v is not None and v != ""]
    return bool(numbers) and all(
        isinstance(v, int) and not isinstance(v, bool) and 1000 <= v <= 9999 for v in numbers
    )


def cell_texts(table: Table, column: str) -> list[str]:
    """The column's cells as a terminal table shows them: thousands separators (not in years),
    yes/no, and the floats of a column with the same number of places (1.20 above 1.36, never
    1.2)."""
    values = [row.get(column) for row in table.rows]
    if is_year_column(column, values):
        return ["" if v is None else str(v) for v in values]
    floats = [v for v in values if isinstance(v, float)]
    shown = max((places(v) for v in floats), default=0)
    out = []
    for v in values:
        if isinstance(v, float):
            out.append(f"{v:,.{shown}f}" if v == v and abs(v) != float("inf") else str(v))
        else:
            out.append(fmt(v))
    return out


_HEADER_WORDS = {"eur": "EUR", "meur": "EUR m", "pct": "%", "eu": "EU", "tp": "TP", "sar": "SAR"}


def header(column: str) -> str:
    """A column name as a header: words, EUR and % for the units (``fair_share_eur`` → "fair share
    EUR", ``share_pct`` → "share %")."""
    words = [_HEADER_WORDS.get(w, w) for w in column.split("_") if w]
    return " ".join(words) or column


# --- Member States' names (CLDR, as the dashboard) ---------------------------------------------

# Eurostat's geo codes that are not ISO 3166 territory codes
ISO_TERRITORY = {"EL": "GR", "UK": "GB"}


@cache
def state_names() -> Mapping[str, str]:
    """Eurostat geo code → the state's English name (Babel's CLDR data)."""
    from babel import Locale

    territories = Locale.parse("en").territories
    names = {code: name for code, name in territories.items() if len(code) == 2}
    for geo, iso in ISO_TERRITORY.items():
        names[geo] = territories[iso]
    names["EU27_2020"] = "European Union (27)"
    return names


def state_name(geo: Any) -> str:
    """The name of the state with Eurostat code ``geo``; "" for a code that names none."""
    return state_names().get(str(geo).strip().upper(), "") if geo else ""
