"""Where a figure comes from: the types that travel with every data value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

#: Where a figure comes from, as the assessment weighs it (docs/data.md, "Source classes"):
#: ``primary`` an official extraction (Eurostat API or bulk file, Frontex's own data files, a
#: national statistical office's table) with its dataset, filter, extraction date and where it is
#: published; ``secondary`` a page quoting a figure; ``user`` a figure a user imported.
SourceClass = Literal["primary", "secondary", "user"]
SOURCE_CLASSES: tuple[SourceClass, ...] = ("primary", "secondary", "user")
#: How each class introduces its release wherever a figure is shown.
CLASS_LABELS: dict[str, str] = {
    "primary": "",
    "secondary": "secondary (a page quoting the figure): ",
    "user": "user import: ",
}


@dataclass(frozen=True, slots=True)
class Source:
    """The provenance of one column of figures: dataset, reference date, release, retrieval."""

    dataset: str
    title: str
    unit: str
    reference_date: str
    release: str
    retrieved: str
    file: str
    column: str
    origin: tuple[str, ...] = ()
    licence: str = ""
    package: str = ""  # folder of the data package the column belongs to
    # Never "primary" by default: a source must say it is an extraction to be one.
    source_class: SourceClass = "secondary"
    filter: str = ""  # the extraction's filter (dimension=code, ...), for a primary source

    def as_dict(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "title": self.title,
            "unit": self.unit,
            "reference_date": self.reference_date,
            "release": self.release,
            "retrieved": self.retrieved,
            "file": self.file,
            "column": self.column,
            "origin": list(self.origin),
            "licence": self.licence,
            "package": self.package,
            "source_class": self.source_class,
            "filter": self.filter,
        }

    def cite(self) -> str:
        return f"{self.dataset}, {self.title} ({self.shown_release}; {self.file}:{self.column})"

    @property
    def shown_release(self) -> str:
        """The release as shown to readers: a secondary or user figure says so first, so that
        a page quoting Eurostat is never shown as Eurostat."""
        return f"{CLASS_LABELS[self.source_class]}{self.release}"


Number = int | Decimal


@dataclass(frozen=True)
class StateSeries:
    """One figure per Member State from one source; a missing cell is absent, never zero.

    ``flags`` holds Eurostat's observation flags per state (``p`` provisional, ``e`` estimated,
    ``c`` confidential, ``b`` break in series, ...); ``value_sources`` the source of a value where
    it differs from the series' own (figures collected from several releases).
    """

    indicator: str
    values: Mapping[str, Number]
    source: Source
    missing: tuple[str, ...] = field(default=())
    flags: Mapping[str, str] = field(default_factory=dict)
    value_sources: Mapping[str, Source] = field(default_factory=dict)
    # the EU total (geo EU27_2020) where the same table gives it; never a Member State's value
    aggregates: Mapping[str, Number] = field(default_factory=dict)

    def source_of(self, geo: str) -> Source:
        return self.value_sources.get(geo, self.source)

    def flagged(self) -> dict[str, str]:
        """The states whose value carries a flag, with the flag."""
        return {geo: flag for geo, flag in self.flags.items() if flag}

    def __getitem__(self, geo: str) -> Number:
        return self.values[geo]

    def restricted(self, states: tuple[str, ...]) -> dict[str, Number]:
        return {geo: self.values[geo] for geo in states}
