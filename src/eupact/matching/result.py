"""The result of a matching: who goes where, why, and how good the solution is.

Explanations are built when asked (``explain``, ``explanations``), from arrays kept by the
result, so that a million-applicant matching stays cheap until someone reads it.

For a relocated person the explanation lists what decided the state — meaningful links
(Art. 67(3)), the outcome model (Art. 67(4)), a stated preference, vulnerability (Art. 60(4)),
the family unit (Art. 67(6)) — and the constraints that mattered (states excluded, the best state
being full). For a person not relocated it gives the reason, in this order: not eligible
(Art. 67(4)), no place open to the benefitting state, excluded everywhere, no capacity left, the
unit too large for the places left, the balance rule (Art. 60(2)), or left out within the
optimality gap.

Why one file: the summary, the per-person explanations and the quality figures read the same
arrays of one solved matching and share their private index helpers; split, each part would
import the others' internals.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import Any

import numpy as np

from eupact.errors import fail
from eupact.explain import ParameterUse

from .diagnosis import exclusion_reasons, places_open_to
from .instance import MatchProblem
from .languages import GEO_INDEX
from .model import LINK_KINDS, VULNERABILITIES, FloatArray, IntArray
from .scoring import CHUNK, UnitScores, state_languages
from .solver import Assignment, available, balance_slack, persons_by_state, problem_caps, shortfall


class Reason(StrEnum):
    """Why a person was, or was not, relocated."""

    RELOCATED = "relocated"
    NOT_ELIGIBLE = "not_eligible"
    NO_PLACES = "no_places_for_benefitting_state"
    EXCLUDED_EVERYWHERE = "excluded_everywhere"
    NO_CAPACITY_LEFT = "no_capacity_left"
    TOO_LARGE = "unit_too_large_for_places_left"
    BALANCE_RULE = "balance_rule"
    WITHIN_GAP = "left_out_within_gap"


REASONS: tuple[Reason, ...] = tuple(Reason)

REASON_TEXT: dict[Reason, tuple[str, str]] = {
    Reason.RELOCATED: ("relocated", "Art. 67 AMMR"),
    Reason.NOT_ELIGIBLE: (
        "not eligible: a beneficiary of protection in the unit does not meet the conditions of "
        "relocation (written consent; protection granted less than three years before the "
        "Council act)",
        "Art. 56(2)(a)(ii), 67(4), third subparagraph, AMMR",
    ),
    Reason.NO_PLACES: (
        "no state pledged a place open to the unit's benefitting state",
        "Art. 57(1) AMMR",
    ),
    Reason.EXCLUDED_EVERYWHERE: (
        "every state with places excludes the unit",
        "Art. 60(4), 56(2)(a)(ii), 67(6) AMMR",
    ),
    Reason.NO_CAPACITY_LEFT: (
        "no capacity left: every state that may receive the unit has used all places open to "
        "its benefitting state, on units with more points (vulnerable persons, meaningful links) "
        "or identified earlier",
        "Art. 57(1), 60(4), 67(3) AMMR",
    ),
    Reason.TOO_LARGE: (
        "the places left in the states that may receive the unit are fewer than its members, "
        "and the family is not split",
        "Art. 67(6) AMMR",
    ),
    Reason.BALANCE_RULE: (
        "places are left, but relocating this unit would give its benefitting state more than "
        "the balance rule allows relative to the other benefitting states",
        "Art. 60(1)-(2) AMMR",
    ),
    Reason.WITHIN_GAP: (
        "places are left and no rule forbids it: the solution leaves it out within the "
        "reported optimality gap",
        "—",
    ),
}


@dataclass(frozen=True)
class Factor:
    """One thing that decided an assignment, with its article and points."""

    kind: str
    text: str
    article: str
    points: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "article": self.article,
            "points": self.points,
        }


@dataclass(frozen=True)
class MatchExplanation:
    """Why one applicant goes where they go, or stays."""

    applicant: str
    family_unit: str
    unit_size: int
    benefitting_state: str
    assigned_state: str | None
    reason: Reason
    points: int | None
    summary: str
    factors: tuple[Factor, ...] = ()
    constraints: tuple[Factor, ...] = ()
    location: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "applicant": self.applicant,
            "family_unit": self.family_unit,
            "unit_size": self.unit_size,
            "benefitting_state": self.benefitting_state,
            "assigned_state": self.assigned_state,
            "reason": str(self.reason),
            "points": self.points,
            "summary": self.summary,
            "factors": [f.as_dict() for f in self.factors],
            "constraints": [c.as_dict() for c in self.constraints],
            "location": self.location,
        }

    def render(self) -> str:
        lines = [f"{self.applicant}: {self.summary}"]
        lines += [
            f"  because: {f.text} [{f.article}]" + (f" (+{f.points} points)" if f.points else "")
            for f in self.factors
        ]
        lines += [f"  constraint: {c.text} [{c.article}]" for c in self.constraints]
        return "\n".join(lines)


@dataclass(frozen=True)
class MatchSummary:
    """Totals, per-state and per-benefitting-state tables, the solver's record, the baseline."""

    label: str
    synthetic: bool
    totals: dict[str, Any]
    solver: dict[str, Any]
    by_state: list[dict[str, Any]]
    by_benefitting_state: list[dict[str, Any]]
    reasons: dict[str, int]
    parameters: list[dict[str, str]]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "synthetic": self.synthetic,
            "totals": self.totals,
            "solver": self.solver,
            "by_state": self.by_state,
            "by_benefitting_state": self.by_benefitting_state,
            "reasons_persons": self.reasons,
            "parameters": self.parameters,
            "notes": self.notes,
        }


@dataclass(frozen=True, eq=False)
class MatchResult:
    """A matching: the assignment of every family unit, with its proof of quality (objective,
    bound, gap, solver stages), the greedy first-come baseline, and explanations on demand."""

    problem: MatchProblem
    scores: UnitScores
    assignment: Assignment
    greedy: Assignment | None
    parameters: tuple[ParameterUse, ...]
    seconds: dict[str, float]
    label: str = ""

    # ---------------------------------------------------------------- figures

    @property
    def synthetic(self) -> bool:
        return "SYNTHETIC" in self.label.upper()

    @property
    def unit_state(self) -> IntArray:
        return self.assignment.state

    @cached_property
    def person_state(self) -> IntArray:
        """Column of the state each applicant is relocated to, or −1."""
        return np.asarray(self.assignment.state[self.problem.table.unit], dtype=np.int64)

    @property
    def relocated_persons(self) -> int:
        return int(self.problem.unit_size[self.unit_state >= 0].sum())

    @property
    def relocated_units(self) -> int:
        return int((self.unit_state >= 0).sum())

    @property
    def gap(self) -> float | None:
        return self.assignment.gap

    @property
    def gain_over_greedy(self) -> float | None:
        """Relative gain of the objective over the greedy first-come baseline."""
        if self.greedy is None or self.greedy.objective <= 0:
            return None
        return (self.assignment.objective - self.greedy.objective) / self.greedy.objective

    def state_of(self, applicant_id: str) -> str | None:
        j = int(self.person_state[self._row(applicant_id)])
        return self.problem.states[j] if j >= 0 else None

    @cached_property
    def _rows(self) -> dict[str, int]:
        return {a: i for i, a in enumerate(self.problem.table.ids)}

    def _row(self, applicant_id: str) -> int:
        try:
            return self._rows[applicant_id]
        except KeyError:
            raise fail("applicant", applicant_id, "no such applicant in this matching") from None

    @cached_property
    def z(self) -> IntArray:
        return persons_by_state(self.problem, self.unit_state)

    @cached_property
    def unit_reason(self) -> IntArray:
        """Index into REASONS for every unit (vectorised)."""
        p = self.problem
        caps = problem_caps(p)
        state = self.unit_state
        codes = np.full(p.n_units, REASONS.index(Reason.WITHIN_GAP), dtype=np.int64)
        codes[state >= 0] = REASONS.index(Reason.RELOCATED)
        out = state < 0
        no_open = (places_open_to(p) == 0)[p.unit_b]
        any_allowed = p.allowed.any(axis=1)
        codes[out & ~p.unit_eligible] = REASONS.index(Reason.NOT_ELIGIBLE)
        codes[out & p.unit_eligible & no_open] = REASONS.index(Reason.NO_PLACES)
        codes[out & p.unit_eligible & ~no_open & ~any_allowed] = REASONS.index(
            Reason.EXCLUDED_EVERYWHERE
        )
        rest = np.flatnonzero(out & any_allowed)
        if len(rest):
            avail = available(caps, self.z)  # (states, b)
            room = np.where(p.allowed[rest], avail.T[p.unit_b[rest]], 0).max(axis=1)
            size = p.unit_size[rest]
            slack = balance_slack(caps, self.z)
            floors = caps.balance_floor
            # adding the unit (size s, from b) lowers every other b's slack by floor[b']·s
            after = slack[None, :] - floors[None, :] * size[:, None]
            own = np.zeros((len(rest), len(floors)), dtype=bool)
            own[np.arange(len(rest)), p.unit_b[rest]] = True
            blocked = ((after < -1e-9) & ~own & (floors[None, :] > 0)).any(axis=1)
            sub = np.full(len(rest), REASONS.index(Reason.WITHIN_GAP), dtype=np.int64)
            sub[blocked] = REASONS.index(Reason.BALANCE_RULE)
            sub[room < size] = REASONS.index(Reason.TOO_LARGE)
            sub[room == 0] = REASONS.index(Reason.NO_CAPACITY_LEFT)
            codes[rest] = sub
        return codes

    @cached_property
    def person_outcome(self) -> FloatArray:
        """The outcome model's probability for each applicant in the state they go to (NaN if
        not relocated), computed in chunks."""
        t = self.problem.table
        out = np.full(len(t), np.nan)
        states = self.problem.states
        for start in range(0, len(t), CHUNK):
            rows = slice(start, min(len(t), start + CHUNK))
            col = self.person_state[rows]
            if not (col >= 0).any():
                continue
            p = self.scores.model.predict(t, rows, states, self.problem.profiles)
            idx = np.flatnonzero(col >= 0)
            out[start + idx] = p[idx, col[idx]]
        return out

    # ---------------------------------------------------------------- explanations

    def explain(self, applicant_id: str) -> MatchExplanation:
        return self._explain(self._row(applicant_id))

    def explanations(self) -> Iterator[MatchExplanation]:
        """Every applicant's explanation, in the order of the applicants file."""
        for i in range(len(self.problem.table)):
            yield self._explain(i)

    def _explain(self, i: int) -> MatchExplanation:
        p, t = self.problem, self.problem.table
        u = int(t.unit[i])
        size = int(p.unit_size[u])
        b_geo = p.benefitting[int(p.unit_b[u])]
        j = int(self.unit_state[u])
        reason = REASONS[int(self.unit_reason[u])]
        base = MatchExplanation(
            applicant=t.ids[i],
            family_unit=t.unit_names[u],
            unit_size=size,
            benefitting_state=b_geo,
            assigned_state=None,
            reason=reason,
            points=None,
            summary="",
            location=t.location(i),
        )
        if j < 0:
            text, art = REASON_TEXT[reason]
            constraints: list[Factor] = []
            if reason in (Reason.EXCLUDED_EVERYWHERE, Reason.NO_PLACES):
                constraints = [
                    Factor("exclusion", r, "Art. 60(4), 57(1) AMMR")
                    for r in exclusion_reasons(p, u)
                    if not r.startswith(f"{b_geo}:")
                ][:10]
            elif reason in (Reason.NO_CAPACITY_LEFT, Reason.TOO_LARGE):
                constraints = self._capacity_constraints(u)
            elif reason == Reason.BALANCE_RULE:
                constraints = [self._balance_factor()]
            elif reason == Reason.NOT_ELIGIBLE:
                constraints = [Factor("eligibility", t, a) for t, a in p.ineligibility(u)]
            return replace(
                base,
                summary=f"not relocated — {text} ({art})",
                constraints=tuple(constraints),
            )
        return self._explain_relocated(i, u, j, base)

    def _capacity_constraints(self, u: int) -> list[Factor]:
        p = self.problem
        avail = available(problem_caps(p), self.z)
        b = int(p.unit_b[u])
        size = int(p.unit_size[u])
        states = np.flatnonzero(p.allowed[u]).tolist()
        full = [p.states[jj] for jj in states if avail[jj, b] == 0]
        some = [f"{p.states[jj]} {int(avail[jj, b])}" for jj in states if avail[jj, b] > 0]
        out = []
        if full:
            out.append(
                Factor(
                    "capacity",
                    f"no place left open to {p.benefitting[b]} in {', '.join(full)}",
                    "Art. 57(1) AMMR",
                )
            )
        if some:
            out.append(
                Factor(
                    "capacity",
                    f"places left open to {p.benefitting[b]}: {', '.join(some)} — fewer than "
                    f"the unit's {size} members",
                    "Art. 67(6) AMMR",
                )
            )
        return out

    def _balance_factor(self) -> Factor:
        p = self.problem
        r = self.z.sum(axis=0)
        total = max(int(r.sum()), 1)
        parts = ", ".join(
            f"{g} {int(r[b]):,} ({r[b] / total:.1%}; floor {float(f):.1%})"
            for b, (g, f) in enumerate(zip(p.benefitting, p.balance_floor, strict=True))
        )
        return Factor(
            "balance",
            f"relocated persons by benefitting state: {parts}",
            "Art. 60(2) AMMR",
        )

    def _explain_relocated(
        self, i: int, u: int, j: int, base: MatchExplanation
    ) -> MatchExplanation:
        p, t, w = self.problem, self.problem.table, self.scores.weights
        geo = p.states[j]
        gi = GEO_INDEX[geo]
        members = p.members.row(u).tolist()
        grouped: dict[tuple[str, str, str], list[tuple[int, int]]] = {}

        def note(kind: str, text: str, article: str, member: int, points: int) -> None:
            grouped.setdefault((kind, text, article), []).append((member, points))

        linked = False
        for m in members:
            for code in t.links.row(m).tolist():
                if code // 8 != gi:
                    continue
                kind = LINK_KINDS[code % 8]
                linked = True
                text = f"{kind.value.replace('_', ' ')} link to {geo}"
                note(f"link:{kind.value}", text, "Art. 67(3) AMMR", m, w.links[kind])
            if gi in t.preferences.row(m).tolist():
                text = f"stated a preference for {geo}, which gives no right to choose"
                note("preference", text, "Art. 67(3) AMMR", m, w.preference)
            mask = int(t.vulnerabilities[m])
            if mask:
                names = ", ".join(v.value for k, v in enumerate(VULNERABILITIES) if mask >> k & 1)
                text = f"vulnerable ({names}): primary consideration for relocation"
                note("vulnerable", text, "Art. 60(4) AMMR", m, w.vulnerable_person)
        factors: list[Factor] = []
        for (kind, text, article), hits in grouped.items():
            others = [t.ids[m] for m, _ in hits if m != i]
            who = (
                [] if len(members) == 1 else ["this person"] if any(m == i for m, _ in hits) else []
            )
            if others:
                who.append("family member" + ("s " if len(others) > 1 else " ") + ", ".join(others))
            suffix = f" ({'; '.join(who)})" if who else ""
            factors.append(Factor(kind, text + suffix, article, sum(pts for _, pts in hits)))
        langs = set(state_languages(geo, p.profiles))
        spoken = [c for c in (t.language_codes[int(k)] for k in t.languages.row(i)) if c in langs]
        prob = float(self.person_outcome[i])
        unit_outcome = int(self.scores.outcome[u, j])
        factors.append(
            Factor(
                "outcome",
                f"outcome model {self.scores.model.name}: {prob:.2f} in {geo}"
                + (f" (speaks {', '.join(spoken)})" if spoken else "")
                + (
                    f"; the unit's members together {unit_outcome} points"
                    if len(members) > 1
                    else ""
                ),
                "Art. 67(4) AMMR (matching tool)",
                unit_outcome,
            )
        )
        if not linked:
            factors.append(
                Factor(
                    "fair_sharing",
                    "no meaningful link to any state with places: shared among the states by "
                    "their fill rates",
                    "Art. 67(4), second subparagraph, AMMR",
                )
            )
        if len(members) > 1:
            factors.append(
                Factor(
                    "family_unit",
                    f"family unit {t.unit_names[u]} of {len(members)} relocated together",
                    "Art. 67(6) AMMR",
                )
            )
        constraints = self._relocated_constraints(u, j)
        points = int(self.scores.total[u, j])
        summary = f"relocated to {geo} (unit of {len(members)}, {points:,} points in {geo})"
        return replace(
            base,
            assigned_state=geo,
            reason=Reason.RELOCATED,
            points=points,
            summary=summary,
            factors=tuple(factors),
            constraints=tuple(constraints),
        )

    def _relocated_constraints(self, u: int, j: int) -> list[Factor]:
        p = self.problem
        out: list[Factor] = []
        allowed = np.flatnonzero(p.allowed[u])
        scores = self.scores.total[u, allowed]
        best = int(allowed[int(np.argmax(scores))])
        if int(self.scores.total[u, best]) > int(self.scores.total[u, j]):
            b = int(p.unit_b[u])
            left = int(available(problem_caps(p), self.z)[best, b])
            why = (
                "has no place left for it (its places went to units with more points)"
                if left < int(p.unit_size[u])
                else "still has room, but fair sharing of places (Art. 67(4)) favours "
                f"{p.states[j]}, which is filled below its share"
            )
            out.append(
                Factor(
                    "capacity",
                    f"{p.states[best]} would give more points "
                    f"({int(self.scores.total[u, best]):,}) but {why}",
                    "Art. 57(1), 67(4) AMMR",
                )
            )
        excluded = [
            r
            for r in exclusion_reasons(p, u)
            if "no place open" not in r and "is the unit" not in r
        ]
        out += [Factor("exclusion", r, "Art. 60(4) AMMR") for r in excluded[:8]]
        return out

    # ---------------------------------------------------------------- summary

    def summary(self) -> MatchSummary:
        p = self.problem
        caps = problem_caps(p)
        z = self.z
        short = shortfall(caps, z)
        t = p.table
        linked_person = np.zeros(len(t), dtype=bool)
        rows = t.links.rows_of_values()
        col = self.person_state[rows]
        on = col >= 0
        state_geo = np.asarray([GEO_INDEX[g] for g in p.states], dtype=np.int64)
        hit = on & (t.links.values // 8 == np.where(on, state_geo[np.maximum(col, 0)], -1))
        linked_person[rows[hit]] = True
        relocated = self.person_state >= 0
        by_state = []
        for jj, g in enumerate(p.states):
            here = self.person_state == jj
            places = int(caps.places[jj])
            used = int(z[jj].sum())
            by_state.append(
                {
                    "state": g,
                    "places": places,
                    "earmarked": int(caps.earmarked[jj].sum()),
                    "relocated": used,
                    "fill_rate": round(used / places, 4) if places else None,
                    "with_link_to_state": int((here & linked_person).sum()),
                    "without_link": int((here & ~linked_person).sum()),
                    "fair_sharing_shortfall": round(float(short[jj]), 2),
                }
            )
        ident = np.bincount(p.unit_b, weights=p.unit_size, minlength=len(p.benefitting))
        rel_b = z.sum(axis=0)
        total_rel = max(int(rel_b.sum()), 1)
        by_b = [
            {
                "benefitting_state": g,
                "identified": int(ident[b]),
                "need": int(p.need[b]),
                "need_share": round(float(p.shares[b]), 4),
                "balance_floor": round(float(p.balance_floor[b]), 4),
                "relocated": int(rel_b[b]),
                "share_of_relocated": round(int(rel_b[b]) / total_rel, 4),
            }
            for b, g in enumerate(p.benefitting)
        ]
        reasons = {
            str(r): int(p.unit_size[self.unit_reason == k].sum()) for k, r in enumerate(REASONS)
        }
        a = self.assignment
        base = self.greedy
        solver = {
            "method": a.method,
            "status": a.status,
            "objective": a.objective,
            "bound": a.bound,
            "gap": a.gap,
            "seconds": round(a.seconds, 3),
            "classes": a.n_classes,
            "variables": a.n_variables,
            "blocks": a.blocks,
            "stages": [
                {
                    "name": s.name,
                    "status": s.status,
                    "seconds": round(s.seconds, 3),
                    "detail": s.detail,
                }
                for s in a.stages
            ],
            "greedy_objective": None if base is None else base.objective,
            "greedy_relocated_persons": None
            if base is None
            else int(p.unit_size[base.state >= 0].sum()),
            "gain_over_greedy": self.gain_over_greedy,
            "outcome_model": self.scores.model.name,
            "outcome_model_description": self.scores.model.describe(),
            "timings": {k: round(v, 3) for k, v in self.seconds.items()},
        }
        totals = {
            "applicants": len(t),
            "family_units": p.n_units,
            "eligible_persons": int(p.unit_size[p.unit_eligible].sum()),
            "places": int(caps.places.sum()),
            "relocated_persons": int(relocated.sum()),
            "relocated_units": self.relocated_units,
            "relocated_vulnerable_persons": int((relocated & (t.vulnerabilities != 0)).sum()),
            "relocated_with_link_to_their_state": int(linked_person.sum()),
            "parameters_at": p.at.isoformat(),
        }
        notes = list(p.notes)
        if p.rules.require_vulnerable:
            notes.append(
                "every unit with a vulnerable member had to be relocated (--require-vulnerable)"
            )
        if not p.rules.balance:
            notes.append("the balance rule among benefitting states was off (--no-balance)")
        if not p.rules.fair_sharing:
            notes.append("fair sharing of places was off")
        return MatchSummary(
            label=self.label,
            synthetic=self.synthetic,
            totals=totals,
            solver=solver,
            by_state=by_state,
            by_benefitting_state=by_b,
            reasons=reasons,
            parameters=[
                {"name": u.name, "value": u.value, "citation": u.citation, "note": u.note}
                for u in self.parameters
            ],
            notes=notes,
        )


__all__ = ["Factor", "MatchExplanation", "MatchResult", "MatchSummary", "Reason"]
