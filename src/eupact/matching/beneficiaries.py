"""Which beneficiaries of international protection may be relocated, and where (Art. 56(2)(a)(ii),
67(4) AMMR).

A beneficiary may be relocated to a state of relocation only if

* the benefitting state and that state bilaterally agreed it (Art. 56(2)(a)(ii): 'where
  bilaterally agreed by the contributing and benefitting Member State concerned') — a property of
  the pair (benefitting state, state of relocation), an exclusion of the unit from that state;
* protection was granted less than three years before the adoption of the Council implementing
  act establishing the pool (Art. 56(2)(a)(ii), Art. 57) — computed as Art. 75 computes periods,
  [reading]s in ``relocation.beneficiary.*``; a beneficiary without a grant date is not eligible,
  the rule cannot be checked;
* the person consented to the relocation in writing (Art. 67(4), third subparagraph).

The last two make the whole family unit ineligible (family members go to the same state, 67(6)).
Older inputs have no agreements and no act date: then the state profiles' ``accepts_beneficiaries``
is read as an agreement with every benefitting state (True, the default) or with none, the
three-year rule is not checked, and the matching's notes say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from eupact.errors import Problem, fail
from eupact.parameters import ParametersAt
from eupact.timelimits import earliest_within_years

from .model import BeneficiaryRules, BoolArray, IntArray, StateProfile
from .model import geo_problem as _geo_problem

# Why a unit is not eligible (bit flags of MatchProblem.unit_ineligible).
NO_CONSENT = 1
NO_GRANT_DATE = 2
GRANTED_TOO_EARLY = 4
GRANTED_AFTER_ACT = 8

LEGACY_NOTE = (
    "beneficiaries of protection: no bilateral agreements and no date of the Council act were "
    "given, so each state profile's accepts_beneficiaries was read as an agreement with every "
    "benefitting state (or none), and the three-year rule of Art. 56(2)(a)(ii) was not checked"
)


def check_rules(
    rules: BeneficiaryRules | None, bound: Sequence[str], problems: list[Problem]
) -> None:
    """Every agreement names two different Member States bound by Part IV."""
    if rules is None:
        return
    if not isinstance(rules.pool_act_date, dt.date):
        problems.append(
            Problem(
                "pool_act_date",
                rules.pool_act_date,
                "must be the date of adoption of the Council implementing act (Art. 57)",
            )
        )
    for a in rules.agreements:
        where = a.source or f"agreement {a.benefitting_state} → {a.relocation_state}"
        for name in ("benefitting_state", "relocation_state"):
            code = getattr(a, name)
            bad = _geo_problem(code, name, where)
            if bad is None and code not in bound:
                bad = Problem(
                    name,
                    code,
                    "not bound by Part IV (solidarity) of the AMMR (recital 90, Protocol No 22)",
                    where,
                )
            if bad:
                problems.append(bad)
        if a.benefitting_state == a.relocation_state:
            problems.append(
                Problem(
                    "relocation_state",
                    a.relocation_state,
                    "an agreement is between two Member States: relocation is a transfer to "
                    "another state (Art. 2(22) AMMR)",
                    where,
                )
            )


def _choice(params: ParametersAt, name: str) -> bool:
    value = params(name)
    if value in ("eligible", "not_eligible"):
        return bool(value == "eligible")
    raise fail(
        name,
        value,
        "must be eligible or not_eligible "
        "(parameters/ammr/part_iv_art_67_relocation_procedure.yaml)",
        summary="invalid parameter",
    )


def person_ineligibility(
    beneficiary: BoolArray,
    consent: BoolArray,
    granted_on: IntArray | None,
    params: ParametersAt,
    rules: BeneficiaryRules | None,
) -> tuple[IntArray, dict[int, tuple[str, str]]]:
    """Bit flags per person (0 = eligible) and the text of each flag, with the dates used."""
    bits = np.zeros(len(beneficiary), dtype=np.int64)
    bits[beneficiary & ~consent] |= NO_CONSENT
    texts: dict[int, tuple[str, str]] = {
        NO_CONSENT: (
            "a beneficiary of protection in the unit has not consented in writing",
            "Art. 67(4), third subparagraph, AMMR",
        )
    }
    if rules is None:
        return bits, texts
    art = "Art. 56(2)(a)(ii) AMMR"
    act = rules.pool_act_date
    years = int(params("relocation.beneficiary.protection_years"))
    anniversary = _choice(params, "relocation.beneficiary.exact_anniversary")
    after_act = _choice(params, "relocation.beneficiary.granted_after_act")
    earliest = earliest_within_years(act, years, anniversary)
    granted = np.zeros(len(beneficiary), np.int64) if granted_on is None else granted_on
    bits[beneficiary & (granted == 0)] |= NO_GRANT_DATE
    bits[beneficiary & (granted > 0) & (granted < earliest.toordinal())] |= GRANTED_TOO_EARLY
    if not after_act:
        bits[beneficiary & (granted > act.toordinal())] |= GRANTED_AFTER_ACT
    texts[NO_GRANT_DATE] = (
        "a beneficiary of protection in the unit has no recorded date of grant of protection: "
        "the three-year rule cannot be checked",
        art,
    )
    texts[GRANTED_TOO_EARLY] = (
        f"a beneficiary of protection in the unit was granted protection before "
        f"{earliest.isoformat()}, not less than {years} years before the adoption of the Council "
        f"implementing act on {act.isoformat()}",
        art,
    )
    texts[GRANTED_AFTER_ACT] = (
        f"a beneficiary of protection in the unit was granted protection after the adoption of "
        f"the Council implementing act on {act.isoformat()} ([reading] "
        "relocation.beneficiary.granted_after_act)",
        art,
    )
    return bits, texts


def unit_ineligibility(unit: IntArray, n_units: int, person_bits: IntArray) -> IntArray:
    """A unit is not eligible for every reason one of its members is not."""
    out = np.zeros(n_units, dtype=np.int64)
    np.bitwise_or.at(out, unit, person_bits)
    return out


def agreed(
    rules: BeneficiaryRules | None,
    benefitting: Sequence[str],
    states: Sequence[str],
    profiles: Mapping[str, StateProfile],
) -> BoolArray:
    """(benefitting, states): whether a beneficiary from ``b`` may go to state ``j``."""
    out = np.ones((len(benefitting), len(states)), dtype=bool)
    for j, g in enumerate(states):
        prof = profiles.get(g)
        if prof is not None and not prof.accepts_beneficiaries:
            out[:, j] = False
    if rules is not None:
        pairs = rules.pairs()
        for b, bg in enumerate(benefitting):
            for j, g in enumerate(states):
                out[b, j] &= (bg, g) in pairs
    return out


def check_grant_dates(
    beneficiary: BoolArray,
    granted_on: IntArray | None,
    locate: Callable[[int], str],
    problems: list[Problem],
) -> None:
    """Only a beneficiary of protection has a date of grant."""
    if granted_on is None:
        return
    wrong = np.flatnonzero(~beneficiary & (granted_on > 0))
    for i in wrong[:50]:
        problems.append(
            Problem(
                "protection_granted_on",
                dt.date.fromordinal(int(granted_on[i])).isoformat(),
                "only a beneficiary of international protection has a date of grant; the status "
                "is applicant (Art. 56(2)(a))",
                locate(int(i)),
            )
        )


__all__ = [
    "GRANTED_AFTER_ACT",
    "GRANTED_TOO_EARLY",
    "LEGACY_NOTE",
    "NO_CONSENT",
    "NO_GRANT_DATE",
    "agreed",
    "check_grant_dates",
    "check_rules",
    "person_ineligibility",
    "unit_ineligibility",
]
