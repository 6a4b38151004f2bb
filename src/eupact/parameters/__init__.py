"""Dated legal parameters.

Each YAML file under ``ammr/`` holds the values of one part of Regulation (EU) 2024/1351; files
under ``acts/`` hold the values set by the annual implementing acts. A parameter has a
description, a unit, a legal reference and a list of values keyed by the date from which each
applies (OpenFisca's convention): a value holds until the next dated value.

Values are parsed into exact types: integers stay ``int``; decimals and fractions written as
strings (``"0.6"``, ``"1/2"``) become :class:`fractions.Fraction`; money written ``"EUR 1500.50"``
becomes :class:`decimal.Decimal`; dates stay :class:`datetime.date`; lists stay tuples.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eupact import yamlio
from eupact.errors import fail, reason_of

_RATIONAL = re.compile(r"-?[0-9_]+(\.[0-9]+)?(/[0-9]+)?")

Value = Any  # int | Fraction | Decimal | date | str | tuple[...] | dict


@dataclass(frozen=True, slots=True)
class LegalReference:
    """Where a value comes from in the law: act, article, paragraph, OJ reference."""

    act: str
    article: str
    paragraph: str = ""
    oj: str = ""
    note: str = ""

    def cite(self) -> str:
        where = f"Art. {self.article}" + (f"({self.paragraph})" if self.paragraph else "")
        return f"{where} {self.act}"

    def as_dict(self) -> dict[str, str]:
        return {
            "act": self.act,
            "article": self.article,
            "paragraph": self.paragraph,
            "oj": self.oj,
            "note": self.note,
            "citation": self.cite(),
        }


@dataclass(frozen=True, slots=True)
class DatedValue:
    since: dt.date
    value: Value
    reference: LegalReference
    note: str = ""


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way of reading a provision the law leaves open: the value it gives and what it means."""

    value: Value
    meaning: str

    @property
    def name(self) -> str:
        return value_name(self.value)


def value_name(value: Value) -> str:
    """How a value is written when it is named: a date ISO, anything else as ``str``."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: str
    unit: str
    file: str
    values: tuple[DatedValue, ...]  # sorted by date
    # Non-empty for a [reading]: the values the law's text admits, each with its meaning.
    alternatives: tuple[Alternative, ...] = ()
    chosen: bool = False  # another alternative chosen for this run (with_readings)

    @property
    def is_reading(self) -> bool:
        return bool(self.alternatives)

    def choose(self, choice: str) -> Parameter:
        """This reading with ``choice`` in force from its first date (a what-if or a ministry's
        own reading); refuses a value the parameter does not list."""
        names = [a.name for a in self.alternatives]
        if not self.alternatives:
            raise fail(
                self.name,
                choice,
                "is not a [reading]: only parameters with listed alternatives can be chosen",
                summary="reading refused",
            )
        if choice not in names:
            raise fail(
                self.name,
                choice,
                f"is not one of this reading's alternatives: {', '.join(names)}",
                summary="reading refused",
            )
        picked = self.alternatives[names.index(choice)]
        first = self.values[0]
        chosen = DatedValue(
            first.since,
            picked.value,
            first.reference,
            f"[reading] chosen for this run: {picked.meaning}",
        )
        return Parameter(
            self.name, self.description, self.unit, self.file, (chosen,), self.alternatives, True
        )

    def entry_at(self, at: dt.date) -> DatedValue:
        found = None
        for entry in self.values:
            if entry.since <= at:
                found = entry
        if found is None:
            raise fail(
                "at",
                at.isoformat(),
                f"parameter '{self.name}' has no value in force before "
                f"{self.values[0].since.isoformat()} ({self.file})",
                summary="parameter not in force",
            )
        return found

    def at(self, at: dt.date) -> Value:
        return self.entry_at(at).value


def _parse_value(raw: object) -> Value:
    if isinstance(raw, bool) or raw is None:
        return raw
    if isinstance(raw, int | dt.date):
        return raw
    if isinstance(raw, float):
        raise ValueError(f"float {raw!r}: write exact values as strings ('0.6', '1/2')")
    if isinstance(raw, list):
        return tuple(_parse_value(item) for item in raw)
    if isinstance(raw, dict):
        return {str(k): _parse_value(v) for k, v in raw.items()}
    text = str(raw).strip()
    if text.startswith("EUR "):
        return Decimal(text[4:].replace("_", ""))
    if _RATIONAL.fullmatch(text):
        return Fraction(text.replace("_", ""))
    return text


def _reference(raw: dict[str, Any], defaults: dict[str, Any]) -> LegalReference:
    merged = {**defaults, **raw}
    return LegalReference(
        act=str(merged.get("act", "")),
        article=str(merged.get("article", "")),
        paragraph=str(merged.get("paragraph", "")),
        oj=str(merged.get("oj", "")),
        note=str(merged.get("note", "")),
    )


def _parameters_from_file(path: Path, label: str) -> Iterator[Parameter]:
    doc = yamlio.load(path.read_text(encoding="utf-8"))
    act_defaults = doc.get("act", {})
    for name, spec in doc["parameters"].items():
        base_ref = spec.get("reference", {})
        values = []
        for since, entry in sorted(spec["values"].items()):
            entry = entry if isinstance(entry, dict) and "value" in entry else {"value": entry}
            ref = _reference({**base_ref, **entry.get("reference", {})}, act_defaults)
            try:
                value = _parse_value(entry["value"])
            except ValueError as exc:
                raise fail(name, entry["value"], str(exc), label) from exc
            values.append(DatedValue(since, value, ref, str(entry.get("note", ""))))
        alternatives = tuple(
            Alternative(_parse_value(v), str(meaning))
            for v, meaning in (spec.get("alternatives") or {}).items()
        )
        if alternatives:
            listed = {a.name for a in alternatives}
            for v in values:
                if value_name(v.value) not in listed:
                    raise fail(
                        name,
                        value_name(v.value),
                        f"a [reading]'s value must be one of its alternatives ({', '.join(sorted(listed))})",
                        label,
                    )
        yield Parameter(
            name, str(spec["description"]), str(spec["unit"]), label, tuple(values), alternatives
        )


@dataclass(frozen=True, slots=True)
class ReadingInForce:
    """A [reading] as one run uses it: the alternative, what it means, whether it was chosen
    for this run, its legal reference, and the alternatives not used."""

    name: str
    used: str
    meaning: str
    chosen: bool
    reference: LegalReference
    others: tuple[Alternative, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.name,
            "value": self.used,
            "meaning": self.meaning,
            "chosen_for_this_run": self.chosen,
            "reference": self.reference.cite(),
            "alternatives": {a.name: a.meaning for a in self.others},
        }


@dataclass(frozen=True)
class ParameterSet:
    """All parameters, by name."""

    parameters: dict[str, Parameter]

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self.parameters[name]
        except KeyError:
            raise fail(
                "parameter", name, "no such parameter", summary="unknown parameter"
            ) from None

    def at(self, at: dt.date) -> ParametersAt:
        return ParametersAt(self, at)

    def readings(self) -> tuple[Parameter, ...]:
        """Every parameter where the law leaves a choice, with its alternatives."""
        return tuple(p for p in self if p.is_reading)

    def readings_at(self, on: dt.date) -> tuple[ReadingInForce, ...]:
        """Every [reading] in force on ``on``: the alternative used and the others."""
        out = []
        for p in self.readings():
            if p.values[0].since > on:
                continue
            entry = p.entry_at(on)
            used = value_name(entry.value)
            meaning = next((a.meaning for a in p.alternatives if a.name == used), entry.note)
            out.append(
                ReadingInForce(
                    p.name,
                    used,
                    meaning,
                    p.chosen,
                    entry.reference,
                    tuple(a for a in p.alternatives if a.name != used),
                )
            )
        return tuple(out)

    def with_readings(self, choices: dict[str, str]) -> ParameterSet:
        """The same parameters with some [reading]s chosen otherwise (``name -> alternative``)."""
        if not choices:
            return self
        changed = dict(self.parameters)
        for name, choice in choices.items():
            changed[name] = self[name].choose(choice)
        return ParameterSet(changed)

    def with_values(self, changes: dict[str, object], why: str) -> ParameterSet:
        """The same parameters with some values replaced from their first date on (a what-if:
        ``why`` says whose), written as in the parameter files and parsed the same way; a
        changed value must keep the type of the value it replaces."""
        if not changes:
            return self
        changed = dict(self.parameters)
        for name, raw in changes.items():
            old = self[name]
            try:
                value = _parse_value(raw)
            except ValueError:
                raise fail(
                    name, str(raw), "write exact values as text ('0.6', '1/2', 'EUR 1500')"
                ) from None
            kind = type(old.values[-1].value)
            if not isinstance(value, kind) or isinstance(value, bool) != isinstance(
                old.values[-1].value, bool
            ):
                raise fail(
                    name,
                    value_name(value) if not isinstance(value, tuple) else " ".join(value),
                    f"must be written like its value in {old.file} "
                    f"({value_name(old.values[-1].value)}; unit {old.unit})",
                    summary="changed value refused",
                )
            first = old.values[0]
            entry = DatedValue(first.since, value, first.reference, f"changed: {why}")
            changed[name] = Parameter(
                old.name, old.description, old.unit, old.file, (entry,), old.alternatives, True
            )
        return ParameterSet(changed)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self.parameters.values())


@dataclass(frozen=True)
class ParametersAt:
    """The parameters in force on one date; remembers which were read, for traces."""

    parameters: ParameterSet
    date: dt.date

    def __call__(self, name: str) -> Value:
        return self.parameters[name].at(self.date)

    def entry(self, name: str) -> DatedValue:
        return self.parameters[name].entry_at(self.date)

    def cite(self, name: str) -> str:
        return self.entry(name).reference.cite()


def _files(root: Path) -> list[Path]:
    # register/ holds the obligations register (eupact.register): dated and cited in the same
    # shape, but duties to watch, not values a rule reads
    return sorted(p for p in root.rglob("*.yaml") if "register" not in p.relative_to(root).parts)


@cache
def load_parameters(root: str | None = None) -> ParameterSet:
    """Load every parameter file (the package's own unless ``root`` names another folder)."""
    base = Path(root) if root else Path(str(resources.files("eupact.parameters")))
    params: dict[str, Parameter] = {}
    for path in _files(base):
        label = str(path.relative_to(base))
        for param in _parameters_from_file(path, label):
            if param.name in params:
                raise fail(param.name, label, "parameter defined twice", summary="parameter files")
            params[param.name] = param
    return ParameterSet(params)


def load_parameter_file(path: str | Path) -> ParameterSet:
    """Load one parameter file on its own (e.g. an assessment methodology given by a user).

    The file has the format of the package's files; a missing file, broken YAML or a missing key
    is refused with the file named.
    """
    path = Path(path)
    label = str(path)
    try:
        params = {p.name: p for p in _parameters_from_file(path, label)}
    except OSError as exc:
        raise fail(
            "file", label, f"cannot be read: {reason_of(exc)}", summary="parameter file"
        ) from exc
    except yaml.YAMLError as exc:
        raise fail(
            "file", label, f"is not valid YAML: {reason_of(exc)}", summary="parameter file"
        ) from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise fail(
            "file",
            label,
            "must have 'parameters:' with, for each, description, unit and dated 'values:' "
            f"(as the files under parameters/): {reason_of(exc)}",
            summary="parameter file",
        ) from exc
    return ParameterSet(params)
