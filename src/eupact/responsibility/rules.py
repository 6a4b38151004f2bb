"""The legal values and [reading]s of Part III in force on a date, read once from the parameter
files (``parameters/ammr/part_iii_responsibility.yaml``) into one object the engine consults a
million times in a batch. Nothing here is a literal: every period, age and date is a parameter
with its article.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from eupact.parameters import LegalReference, ParameterSet, load_parameters, value_name
from eupact.timelimits.periods import Unit

_PREFIX = "responsibility."
# the CFMR's periods the engine applies under a Council implementing decision (Arts 12-13 CFMR),
# kept by their full names
_CRISIS = ("crisis.art12.", "crisis.art13.")


@dataclass(frozen=True, slots=True)
class Length:
    """A period: ``n`` ``unit`` (Art. 75), with the parameter and article it comes from."""

    n: int
    unit: Unit
    parameter: str
    article: str

    def text(self) -> str:
        unit = self.unit.value[:-1] if self.n == 1 else self.unit.value
        return f"{self.n} {unit}"


@dataclass(frozen=True, slots=True)
class Rules:
    applies_from: dt.date
    age_of_majority: int
    bound_states: frozenset[str]
    periods: dict[str, Length]  # by short name, e.g. "take_charge.request_months"
    readings: dict[str, str]  # by short name, e.g. "sar.fallback_to_irregular_entry"
    numbers: dict[str, int]  # other whole numbers (diploma ISCED level, study months)
    reading_meaning: dict[str, str]

    def period(self, name: str) -> Length:
        return self.periods[name]

    def reading(self, name: str) -> str:
        return self.readings[name]


_UNITS = {u.value: u for u in Unit}


def _article(ref: LegalReference) -> str:
    """``39(1)``: the article and paragraph, as the chain and the deadlines cite them."""
    return f"{ref.article}({ref.paragraph})" if ref.paragraph else ref.article


# A parameter set holds a dict (unhashable): cached by identity, the set kept alive beside its
# rules so that its id cannot be reused by another set while cached.
_CACHE: dict[tuple[int, dt.date], tuple[ParameterSet, Rules]] = {}
_CACHE_LIMIT = 4096


def rules_for(params: ParameterSet | None, on: dt.date) -> Rules:
    """The rules in force on ``on`` (cached per parameter set and date)."""
    params = params or load_parameters()
    # an application registered before Part III's values were first in force (a Dublin III case
    # reaching the engine) is read with the first values, to be found out of scope
    on = max(on, params["responsibility.applies_from"].values[0].since)
    key = (id(params), on)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is params:
        return hit[1]
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    rules = _rules(params, on)
    _CACHE[key] = (params, rules)
    return rules


def _rules(params: ParameterSet, on: dt.date) -> Rules:
    at = params.at(on)
    periods: dict[str, Length] = {}
    readings: dict[str, str] = {}
    meanings: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for p in params:
        if not p.name.startswith((_PREFIX, *_CRISIS)) or p.values[0].since > on:
            continue
        short = p.name.removeprefix(_PREFIX)
        entry = p.entry_at(on)
        if p.is_reading:
            used = value_name(entry.value)
            readings[short] = used
            meanings[short] = next((a.meaning for a in p.alternatives if a.name == used), "")
        elif p.unit in _UNITS:
            periods[short] = Length(
                cast(int, entry.value), _UNITS[p.unit], p.name, _article(entry.reference)
            )
        elif isinstance(entry.value, int) and not isinstance(entry.value, bool):
            numbers[short] = entry.value
    return Rules(
        applies_from=cast(dt.date, at("responsibility.applies_from")),
        age_of_majority=periods.pop("age_of_majority").n,
        bound_states=frozenset(cast(tuple[str, ...], at("responsibility.bound_member_states"))),
        periods=periods,
        readings=readings,
        numbers=numbers,
        reading_meaning=meanings,
    )


__all__ = ["Length", "Rules", "rules_for"]
