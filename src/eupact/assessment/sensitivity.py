"""How far each threshold can move before a state changes category.

A rule fires when a state's measure is at or above the threshold, so a state's categories can
only change when a threshold crosses one of the states' own values. For every rule we try those
values in order outward from the threshold and re-decide the states concerned; the first value
that changes a state's category is the rule's margin in that direction.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eupact.assessment.classify import Tri, Values, category_label, decide_state
from eupact.assessment.methodology import Methodology, Rule


@dataclass(frozen=True, slots=True)
class Flip:
    """Moving ``rule``'s threshold past ``critical`` changes ``geo`` from ``before`` to ``after``."""

    rule: str
    direction: str  # "rise" (threshold above critical) or "fall" (threshold at critical)
    critical: float
    relative: float  # critical / threshold - 1
    geo: str
    before: str
    after: str

    def text(self) -> str:
        if self.direction == "rise":
            return (
                f"above {self.critical:.3g} ({self.relative:+.1%}) {self.geo} changes from "
                f"'{self.before}' to '{self.after}'"
            )
        return (
            f"down to {self.critical:.3g} ({self.relative:+.1%}) {self.geo} changes from "
            f"'{self.before}' to '{self.after}'"
        )


@dataclass(frozen=True, slots=True)
class ThresholdSensitivity:
    rule: Rule
    rise: tuple[Flip, ...]  # the nearest change upward (several states may change at once)
    fall: tuple[Flip, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.name,
            "threshold": float(self.rule.threshold),
            "rise": [_flip_dict(f) for f in self.rise],
            "fall": [_flip_dict(f) for f in self.fall],
        }


def _flip_dict(f: Flip) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "direction": f.direction,
        "critical": f.critical,
        "relative": f.relative,
        "geo": f.geo,
        "before": f.before,
        "after": f.after,
    }


@dataclass(frozen=True)
class Sensitivity:
    thresholds: tuple[ThresholdSensitivity, ...]
    states: dict[str, tuple[Flip, ...]]  # per state: its nearest flips (smallest |relative|)

    def as_dict(self) -> dict[str, Any]:
        return {
            "thresholds": [
                {
                    "rule": t.rule.name,
                    "threshold": float(t.rule.threshold),
                    "rise": [_flip_dict(f) for f in t.rise],
                    "fall": [_flip_dict(f) for f in t.fall],
                }
                for t in self.thresholds
            ],
            "states": {g: [_flip_dict(f) for f in flips] for g, flips in self.states.items()},
        }


def _relative(critical: float, threshold: float) -> float:
    if threshold == 0:
        return math.inf if critical > 0 else 0.0
    return critical / threshold - 1


def sensitivity(
    values: Values,
    method: Methodology,
    states: tuple[str, ...],
    current: Mapping[str, tuple[Tri, Tri, Tri]],
) -> Sensitivity:
    """Margins of every rule's threshold, and each state's nearest change of category."""
    per_state: dict[str, list[Flip]] = {g: [] for g in states}
    out = []
    for rule in method.rules:
        column = {g: v for g in states if (v := values[rule.name][g]) is not None}
        limit = rule.limit
        rise: list[Flip] = []
        fall: list[Flip] = []
        for direction, candidates in (
            ("rise", sorted({v for v in column.values() if v >= limit})),
            ("fall", sorted({v for v in column.values() if v < limit}, reverse=True)),
        ):
            found = rise if direction == "rise" else fall
            for c in candidates:
                new = math.nextafter(c, math.inf) if direction == "rise" else c
                for g, v in column.items():
                    if v != c:
                        continue
                    after = decide_state(values, method, g, {rule.name: new})
                    if after != current[g]:
                        flip = Flip(
                            rule.name,
                            direction,
                            c,
                            _relative(c, limit),
                            g,
                            category_label(current[g]),
                            category_label(after),
                        )
                        found.append(flip)
                        per_state[g].append(flip)
                if found:
                    break
            # the remaining states: their own nearest flip on this rule
            for g, v in column.items():
                if any(f.geo == g and f.rule == rule.name for f in found):
                    continue
                if (direction == "rise") != (v >= limit):
                    continue
                new = math.nextafter(v, math.inf) if direction == "rise" else v
                after = decide_state(values, method, g, {rule.name: new})
                if after != current[g]:
                    per_state[g].append(
                        Flip(
                            rule.name,
                            direction,
                            v,
                            _relative(v, limit),
                            g,
                            category_label(current[g]),
                            category_label(after),
                        )
                    )
        out.append(ThresholdSensitivity(rule, tuple(rise), tuple(fall)))
    nearest = {
        g: tuple(sorted(flips, key=lambda f: abs(f.relative))[:3]) for g, flips in per_state.items()
    }
    return Sensitivity(tuple(out), nearest)
