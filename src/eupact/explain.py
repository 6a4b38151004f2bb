"""Explanations: a computed figure with its inputs, rule, article, parameters and data sources.

Results keep their inputs, and build an :class:`Explanation` only when asked, so the hot path
stays fast while every number can still say where it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from eupact.data.provenance import Source
from eupact.parameters import ParametersAt


def show(value: object) -> str:
    """A value as users read it: fractions also as decimals, money with thousands separators."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        return f"{float(value):.10f} (= {value.numerator}/{value.denominator})"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@dataclass(frozen=True)
class ParameterUse:
    name: str
    value: str
    citation: str
    note: str = ""

    @classmethod
    def of(cls, params: ParametersAt, name: str) -> ParameterUse:
        entry = params.entry(name)
        return cls(name, show(entry.value), entry.reference.cite(), entry.reference.note)


@dataclass(frozen=True)
class Explanation:
    """Why a figure has its value."""

    quantity: str
    value: str
    rule: str
    article: str
    formula: str
    inputs: dict[str, str] = field(default_factory=dict)
    parameters: tuple[ParameterUse, ...] = ()
    sources: tuple[Source, ...] = ()
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "quantity": self.quantity,
            "value": self.value,
            "rule": self.rule,
            "article": self.article,
            "formula": self.formula,
            "inputs": dict(self.inputs),
            "parameters": [p.__dict__ for p in self.parameters],
            "sources": [s.as_dict() for s in self.sources],
            "notes": list(self.notes),
        }

    def render(self) -> str:
        lines = [
            f"{self.quantity} = {self.value}",
            f"  rule:    {self.rule} ({self.article})",
            f"  formula: {self.formula}",
        ]
        lines += [f"  input:   {k} = {v}" for k, v in self.inputs.items()]
        lines += [
            f"  param:   {p.name} = {p.value} [{p.citation}]" + (f" — {p.note}" if p.note else "")
            for p in self.parameters
        ]
        lines += [f"  data:    {s.cite()}" for s in self.sources]
        lines += [f"  note:    {n}" for n in self.notes]
        return "\n".join(lines)
