"""A matching instance, validated: family units, places open to each benefitting state, hard
exclusions, needs — everything the scoring and the solver read, as arrays.

Rules applied here (each a hard exclusion of a unit-state pair, with its article):

* a person is relocated *from* the benefitting state *to another* state (Art. 2(22) AMMR);
* family members go to the same state (Art. 67(6)): the unit is the decision variable;
* a state receives only units for which it pledged places open to their benefitting state
  (Art. 57(1)), and never a unit larger than all those places;
* a state's reasonable preferences on profiles (Art. 60(4)): unaccompanied minors, the largest
  unit size;
* beneficiaries of protection go only where the benefitting state and the state of relocation
  bilaterally agreed it, if protection was granted less than three years before the Council act
  establishing the pool, and with written consent (Art. 56(2)(a)(ii), 67(4), third subparagraph):
  see :mod:`eupact.matching.beneficiaries`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np
import numpy.typing as npt

from eupact.errors import EupactError, Problem
from eupact.parameters import ParametersAt

from . import beneficiaries as _benef
from .languages import GEO, GEO_INDEX
from .model import (
    UAM_BIT,
    ApplicantTable,
    BeneficiaryRules,
    BoolArray,
    Csr,
    IntArray,
    PledgedPlaces,
    StateProfile,
)
from .model import geo_problem as _geo_problem

# Why a unit may not go to a state (bit flags of MatchProblem.exclusion).
SELF = 1
NO_PLACES = 2
NO_UAM = 4
NO_BENEFICIARY = 8
MAX_SIZE = 16
TOO_LARGE = 32

EXCLUSION_TEXT: dict[int, tuple[str, str]] = {
    SELF: ("is the unit's benefitting state", "Art. 2(22) AMMR"),
    NO_PLACES: ("pledged no place open to the unit's benefitting state", "Art. 57(1) AMMR"),
    NO_UAM: ("does not accept unaccompanied minors (its profile)", "Art. 60(4) AMMR"),
    NO_BENEFICIARY: (
        "has no bilateral agreement with the unit's benefitting state on relocating "
        "beneficiaries of protection",
        "Art. 56(2)(a)(ii) AMMR",
    ),
    MAX_SIZE: ("receives no family unit this large (its profile)", "Art. 60(4) AMMR"),
    TOO_LARGE: (
        "pledged fewer places open to the unit's benefitting state than the unit has members",
        "Art. 67(6) AMMR",
    ),
}


@dataclass(frozen=True)
class Rules:
    """Which rules the matching applies beyond capacities, family units and exclusions.

    ``balance``: the benefitting states receive relocations in proportion to their needs
    (Art. 60(1)-(2)). ``fair_sharing``: places are filled at similar rates, which shares applicants
    without links fairly (Art. 67(4)). ``require_vulnerable``: every eligible unit with a
    vulnerable member must be relocated (Art. 60(4) read as an absolute rule; infeasible instances
    are diagnosed). ``needs``: persons each benefitting state needs relocated (default: the
    persons it identified in eligible units).
    """

    balance: bool = True
    fair_sharing: bool = True
    require_vulnerable: bool = False
    needs: Mapping[str, int] | None = None


@dataclass(frozen=True, eq=False)
class MatchProblem:
    """A validated instance. Columns ``j`` are the states with places (``states``); ``b`` indexes
    the benefitting states with applicants (``benefitting``); rows ``u`` are family units."""

    table: ApplicantTable
    states: tuple[str, ...]
    benefitting: tuple[str, ...]
    cap_earmarked: IntArray  # (states, benefitting): places only for that benefitting state
    cap_general: IntArray  # (states,): places for any benefitting state
    unit_b: IntArray
    unit_size: IntArray
    unit_first: IntArray  # first row of the unit in the applicants: first come, first served
    unit_eligible: BoolArray
    unit_uam: BoolArray
    unit_beneficiary: BoolArray
    unit_vulnerable: IntArray  # vulnerable persons in the unit
    exclusion: npt.NDArray[np.int8]  # (units, states) bit flags; 0 = allowed
    need: IntArray
    rules: Rules
    balance_tolerance: Fraction
    fair_tolerance: Fraction
    profiles: Mapping[str, StateProfile]
    pledges: tuple[PledgedPlaces, ...]
    at: dt.date
    label: str = ""
    notes: tuple[str, ...] = field(default=())
    # Why a unit is not eligible (bit flags of .beneficiaries, 0 = eligible) and the flags' texts.
    unit_ineligible: IntArray | None = None
    ineligible_text: Mapping[int, tuple[str, str]] = field(default_factory=dict)
    beneficiary_rules: BeneficiaryRules | None = None

    def ineligibility(self, u: int) -> list[tuple[str, str]]:
        """Why unit ``u`` is not eligible: (text, article) for each reason."""
        bits = 0 if self.unit_ineligible is None else int(self.unit_ineligible[u])
        return [text for bit, text in sorted(self.ineligible_text.items()) if bits & bit]

    @property
    def n_units(self) -> int:
        return len(self.unit_size)

    @cached_property
    def allowed(self) -> BoolArray:
        """Unit-state pairs the solver may choose: eligible unit, no exclusion."""
        return np.asarray((self.exclusion == 0) & self.unit_eligible[:, None], dtype=bool)

    @cached_property
    def open_places(self) -> IntArray:
        """Places of state ``j`` open to benefitting state ``b``: shape (states, benefitting)."""
        return np.asarray(self.cap_earmarked + self.cap_general[:, None], dtype=np.int64)

    @cached_property
    def places(self) -> IntArray:
        """Usable places per state: the general ones and those earmarked for a benefitting state
        that has applicants."""
        return np.asarray(self.cap_earmarked.sum(axis=1) + self.cap_general, dtype=np.int64)

    @cached_property
    def shares(self) -> tuple[Fraction, ...]:
        total = int(self.need.sum())
        return tuple(Fraction(int(n), total) if total else Fraction(0) for n in self.need)

    @cached_property
    def balance_floor(self) -> tuple[Fraction, ...]:
        """Share of all relocated persons each benefitting state receives at least."""
        if not self.rules.balance or len(self.benefitting) < 2:
            return tuple(Fraction(0) for _ in self.benefitting)
        return tuple((1 - self.balance_tolerance) * s for s in self.shares)

    @cached_property
    def members(self) -> Csr:
        """The rows of each unit, in the order of the applicants file."""
        rows = np.arange(len(self.table), dtype=np.int64)
        return Csr.from_pairs(self.table.unit, rows, self.n_units)

    @cached_property
    def required(self) -> BoolArray:
        """Units that must be relocated (``require_vulnerable``)."""
        if not self.rules.require_vulnerable:
            return np.zeros(self.n_units, dtype=bool)
        return np.asarray((self.unit_vulnerable > 0) & self.unit_eligible, dtype=bool)


def _bound_problem(code: str, field_name: str, where: str, bound: Sequence[str]) -> Problem | None:
    bad = _geo_problem(code, field_name, where)
    if bad:
        return bad
    if code not in bound:
        return Problem(
            field_name,
            code,
            "not bound by Part IV (solidarity) of the AMMR (recital 90, Protocol No 22)",
            where,
        )
    return None


def _check_pledges(
    pledges: Sequence[PledgedPlaces], bound: Sequence[str], problems: list[Problem]
) -> None:
    for p in pledges:
        where = p.source or f"pledge of {p.contributing_state}"
        bad = _bound_problem(p.contributing_state, "contributing_state", where, bound)
        if bad:
            problems.append(bad)
        if p.benefitting_state is not None:
            bad = _bound_problem(p.benefitting_state, "benefitting_state", where, bound)
            if bad:
                problems.append(bad)
            elif p.benefitting_state == p.contributing_state:
                problems.append(
                    Problem(
                        "benefitting_state",
                        p.benefitting_state,
                        "a state cannot relocate to itself: relocation is a transfer to "
                        "another Member State (Art. 2(22) AMMR)",
                        where,
                    )
                )
        if isinstance(p.places, bool) or not isinstance(p.places, int) or p.places < 0:
            problems.append(Problem("places", p.places, "must be a whole number ≥ 0", where))


def _check_profiles(
    profiles: Sequence[StateProfile], problems: list[Problem]
) -> dict[str, StateProfile]:
    by_state: dict[str, StateProfile] = {}
    for prof in profiles:
        where = prof.source or f"profile of {prof.state}"
        bad = _geo_problem(prof.state, "state", where)
        if bad:
            problems.append(bad)
            continue
        if prof.state in by_state:
            problems.append(Problem("state", prof.state, "a state has at most one profile", where))
        if prof.max_unit_size is not None and prof.max_unit_size < 1:
            problems.append(
                Problem("max_unit_size", prof.max_unit_size, "must be at least 1", where)
            )
        by_state[prof.state] = prof
    return by_state


def _check_applicants(table: ApplicantTable, bound: Sequence[str], problems: list[Problem]) -> None:
    bound_idx = np.asarray([GEO_INDEX[g] for g in bound if g in GEO_INDEX], dtype=np.int64)
    not_bound = np.flatnonzero(~np.isin(table.benefitting, bound_idx))
    for i in not_bound[:50]:
        problems.append(
            Problem(
                "benefitting_state",
                GEO[int(table.benefitting[i])],
                "not bound by Part IV (solidarity) of the AMMR (recital 90, Protocol No 22)",
                table.location(int(i)),
            )
        )
    if len(set(table.ids)) != len(table):
        seen: dict[str, int] = {}
        for i, ident in enumerate(table.ids):
            if ident in seen:
                problems.append(
                    Problem(
                        "id",
                        ident,
                        f"duplicate applicant id (first at {table.location(seen[ident])})",
                        table.location(i),
                    )
                )
                if len(problems) > 100:
                    break
            else:
                seen[ident] = i
    present, first = np.unique(table.unit, return_index=True)
    if len(present) != table.n_units or (len(present) and int(present[-1]) != table.n_units - 1):
        problems.append(Problem("family_unit", "-", "every unit index must have a member"))
        return
    first_b = table.benefitting[first]
    split = np.flatnonzero(first_b[table.unit] != table.benefitting)
    for i in split[:50]:
        u = int(table.unit[i])
        problems.append(
            Problem(
                "family_unit",
                table.unit_names[u],
                "family members must be in the same benefitting state, to be relocated to the "
                f"same state (Art. 67(6) AMMR); this member is in {GEO[int(table.benefitting[i])]}"
                f", the unit's first member in {GEO[int(first_b[u])]}",
                table.location(int(i)),
            )
        )


def prepare(
    table: ApplicantTable,
    pledges: Sequence[PledgedPlaces],
    params: ParametersAt,
    profiles: Sequence[StateProfile] = (),
    rules: Rules | None = None,
    beneficiaries: BeneficiaryRules | None = None,
) -> MatchProblem:
    """Validate the inputs and build the arrays of a matching instance.

    ``beneficiaries``: the bilateral agreements and the date of the Council act that the relocation
    of beneficiaries of protection depends on (Art. 56(2)(a)(ii)); without them (older inputs) the
    profiles' ``accepts_beneficiaries`` stands for the agreements and the three-year rule is not
    checked. Raises :class:`EupactError` listing every problem (field, value, rule, where)."""
    rules = rules or Rules()
    bound = tuple(params("scope.bound_member_states"))
    problems: list[Problem] = []
    _check_pledges(pledges, bound, problems)
    by_state = _check_profiles(profiles, problems)
    _check_applicants(table, bound, problems)
    _benef.check_rules(beneficiaries, bound, problems)
    _benef.check_grant_dates(table.beneficiary, table.granted_on, table.location, problems)
    if len(table) == 0:
        problems.append(Problem("applicants", 0, "there is no applicant to match"))
    if problems:
        raise EupactError(problems[:200], "invalid matching input")

    present = {int(k) for k in np.unique(table.benefitting)}
    benefitting = tuple(g for g in GEO if GEO_INDEX[g] in present)
    b_index = {g: k for k, g in enumerate(benefitting)}
    totals: dict[str, int] = {}
    for p in pledges:
        totals[p.contributing_state] = totals.get(p.contributing_state, 0) + p.places
    states = tuple(g for g in GEO if totals.get(g, 0) > 0)
    j_index = {g: j for j, g in enumerate(states)}
    n_s, n_b = len(states), len(benefitting)
    cap_e = np.zeros((n_s, n_b), dtype=np.int64)
    cap_g = np.zeros(n_s, dtype=np.int64)
    notes: list[str] = []
    for p in pledges:
        if p.places == 0:
            continue
        j = j_index[p.contributing_state]
        if p.benefitting_state is None:
            cap_g[j] += p.places
        elif p.benefitting_state in b_index:
            cap_e[j, b_index[p.benefitting_state]] += p.places
        else:
            notes.append(
                f"{p.places:,} places of {p.contributing_state} earmarked for "
                f"{p.benefitting_state} stay unused: no applicant from {p.benefitting_state}"
            )

    # Units: size, benefitting state, first row, flags.
    n_u = table.n_units
    unit = table.unit
    size = np.bincount(unit, minlength=n_u).astype(np.int64)
    _, first = np.unique(unit, return_index=True)
    unit_first = np.asarray(first, dtype=np.int64)
    geo_to_b = np.full(len(GEO), -1, dtype=np.int64)
    for g, k in b_index.items():
        geo_to_b[GEO_INDEX[g]] = k
    unit_b = geo_to_b[table.benefitting[unit_first]]
    vuln = table.vulnerabilities
    uam = np.bincount(unit, weights=(vuln & UAM_BIT) != 0, minlength=n_u) > 0
    vulnerable = np.bincount(unit, weights=vuln != 0, minlength=n_u).astype(np.int64)
    benef = np.bincount(unit, weights=table.beneficiary, minlength=n_u) > 0
    person_bits, ineligible_text = _benef.person_ineligibility(
        table.beneficiary, table.consent, table.granted_on, params, beneficiaries
    )
    ineligible = _benef.unit_ineligibility(unit, n_u, person_bits)
    eligible = ineligible == 0
    if beneficiaries is None and bool(table.beneficiary.any()):
        notes.append(_benef.LEGACY_NOTE)

    # Exclusions (units × states).
    excl = np.zeros((n_u, n_s), dtype=np.int8)
    state_geo = np.asarray([GEO_INDEX[g] for g in states], dtype=np.int64)
    b_geo = np.asarray([GEO_INDEX[g] for g in benefitting], dtype=np.int64)
    excl |= np.where(b_geo[unit_b][:, None] == state_geo[None, :], SELF, 0).astype(np.int8)
    open_places = cap_e + cap_g[:, None]  # (states, benefitting)
    per_unit_open = open_places.T[unit_b]  # (units, states)
    excl |= np.where(per_unit_open == 0, NO_PLACES, 0).astype(np.int8)
    excl |= np.where((per_unit_open > 0) & (per_unit_open < size[:, None]), TOO_LARGE, 0).astype(
        np.int8
    )
    agreed = _benef.agreed(beneficiaries, benefitting, states, by_state)  # (benefitting, states)
    excl |= np.where(benef[:, None] & ~agreed[unit_b], NO_BENEFICIARY, 0).astype(np.int8)
    for j, g in enumerate(states):
        prof = by_state.get(g)
        if prof is None:
            continue
        if not prof.accepts_unaccompanied_minors:
            excl[uam, j] |= NO_UAM
        if prof.max_unit_size is not None:
            excl[size > prof.max_unit_size, j] |= MAX_SIZE

    need = np.bincount(unit_b[eligible], weights=size[eligible], minlength=n_b).astype(np.int64)
    if rules.needs:
        bad_needs: list[Problem] = []
        for g, n in rules.needs.items():
            if g not in b_index:
                bad_needs.append(
                    Problem(
                        "needs",
                        f"{g}={n}",
                        "a need is given for a state with no applicant in the applicants file; "
                        "the balance rule (Art. 60(2)) would then forbid every relocation — "
                        "remove it or add that state's applicants",
                    )
                )
            elif isinstance(n, bool) or not isinstance(n, int) or n <= 0:
                bad_needs.append(Problem("needs", f"{g}={n}", "must be a whole number > 0"))
            else:
                need[b_index[g]] = n
        if bad_needs:
            raise EupactError(bad_needs, "invalid needs")

    return MatchProblem(
        table=table,
        states=states,
        benefitting=benefitting,
        cap_earmarked=cap_e,
        cap_general=cap_g,
        unit_b=unit_b,
        unit_size=size,
        unit_first=unit_first,
        unit_eligible=np.asarray(eligible, dtype=bool),
        unit_uam=np.asarray(uam, dtype=bool),
        unit_beneficiary=np.asarray(benef, dtype=bool),
        unit_vulnerable=vulnerable,
        exclusion=excl,
        need=need,
        rules=rules,
        balance_tolerance=Fraction(params("matching.balance.tolerance")),
        fair_tolerance=Fraction(params("matching.fair_sharing.tolerance")),
        profiles=by_state,
        pledges=tuple(pledges),
        at=params.date,
        label=table.label,
        notes=tuple(notes),
        unit_ineligible=ineligible,
        ineligible_text=ineligible_text,
        beneficiary_rules=beneficiaries,
    )
