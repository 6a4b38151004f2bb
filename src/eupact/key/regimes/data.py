"""The 2015 key's inputs and the published figures, read from ``eupact/data/regimes/``
(provenance in that folder's SOURCES.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from pathlib import Path

from eupact.errors import EupactError, Problem

INPUTS = "relocation_2015_inputs.csv"
PUBLISHED = "relocation_2015_published.csv"
INDICATORS = ("population", "gdp", "unemployment_rate", "asylum_applicants", "resettled_refugees")


@dataclass(frozen=True)
class StateInputs:
    """One state's figures by year (population by the year of its 1 January)."""

    geo: str
    populations: dict[int, int] = field(default_factory=dict)
    gdp: dict[int, Decimal] = field(default_factory=dict)
    unemployment: dict[int, Decimal] = field(default_factory=dict)
    applicants: dict[int, int] = field(default_factory=dict)
    resettled: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Figure:
    name: str
    unit: str  # percent | persons
    values: dict[str, Decimal]
    source: str
    rounding_persons: int = 1  # a persons figure derived from two rounded ones is ±1


@dataclass(frozen=True)
class Published:
    figures: dict[str, Figure]

    def figure(self, name: str) -> Figure:
        if name not in self.figures:
            raise EupactError(
                [Problem("published figure", name, "not in " + PUBLISHED)],
                "no published figure to compare with",
            )
        return self.figures[name]


def _folder() -> Path:
    return Path(str(resources.files("eupact.data"))) / "regimes"


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise EupactError(
                [Problem("columns", ", ".join(missing), "missing", str(path))], "bad data file"
            )
        return list(reader)


def _number(text: str, where: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise EupactError(
            [Problem("value", text, "not a number", where)], "bad data file"
        ) from None


def read_inputs(path: Path) -> dict[str, StateInputs]:
    """The long-form inputs file: ``indicator, geo, period, value, ...``."""
    out: dict[str, StateInputs] = {}
    for n, row in enumerate(_rows(path, ("indicator", "geo", "period", "value")), start=2):
        where = f"{path.name}:{n}"
        indicator, geo = row["indicator"], row["geo"]
        if indicator not in INDICATORS:
            raise EupactError(
                [Problem("indicator", indicator, f"one of {', '.join(INDICATORS)}", where)],
                "bad data file",
            )
        year = int(row["period"][:4])
        value = _number(row["value"], where)
        state = out.setdefault(geo, StateInputs(geo))
        if indicator == "population":
            state.populations[year] = int(value)
        elif indicator == "gdp":
            state.gdp[year] = value
        elif indicator == "unemployment_rate":
            state.unemployment[year] = value
        elif indicator == "asylum_applicants":
            state.applicants[year] = int(value)
        else:
            state.resettled[year] = int(value)
    return out


def read_published(path: Path) -> Published:
    """The published figures; the May proposal's 40 000 is derived per state as the two
    proposals' 160 000 less September's 120 000 (SOURCES.md)."""
    grouped: dict[str, dict[str, Decimal]] = {}
    units: dict[str, str] = {}
    sources: dict[str, str] = {}
    for n, row in enumerate(_rows(path, ("figure", "geo", "value", "unit", "source")), start=2):
        grouped.setdefault(row["figure"], {})[row["geo"]] = _number(
            row["value"], f"{path.name}:{n}"
        )
        units[row["figure"]] = row["unit"]
        sources[row["figure"]] = row["source"]
    figures = {
        name: Figure(name, units[name], values, sources[name]) for name, values in grouped.items()
    }
    both, sept = figures.get("may_plus_september_160000"), figures.get("september_120000")
    if both and sept:
        figures["may_40000"] = Figure(
            "may_40000",
            "persons",
            {g: v - sept.values[g] for g, v in both.values.items() if g in sept.values},
            f"{both.source} less {sept.source}",
            rounding_persons=2,
        )
    return Published(figures)


@cache
def load_inputs() -> dict[str, StateInputs]:
    return read_inputs(_folder() / INPUTS)


@cache
def load_published() -> Published:
    return read_published(_folder() / PUBLISHED)
