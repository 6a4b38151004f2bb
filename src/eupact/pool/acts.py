"""The Council implementing act establishing a year's pool (Art. 57 AMMR), as typed data.

The values live in ``parameters/acts/`` (one file per act); this module gathers them into one
object so that rules receive the act, not a bag of parameter names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from eupact.errors import fail
from eupact.parameters import ParameterSet
from eupact.pool.allocation import PoolNumbers


@dataclass(frozen=True)
class CouncilAct:
    """What the Council set for one pool year, and what the Commission had proposed."""

    year: int
    citation: str
    act_date: dt.date
    proposal_date: dt.date
    date_of_application: dt.date
    proposal: PoolNumbers
    reference: PoolNumbers
    # Identified under migratory pressure in the Art. 11 decision: they *may* use the pool
    # (Art. 58(1)); who benefits is decided by their use of it (eupact.pool.benefit).
    under_pressure_states: tuple[str, ...]
    deduction_eligible_states: tuple[str, ...]
    systemic_shortcomings_states: tuple[str, ...]
    sar_share: Fraction | None


def recorded_years(parameters: ParameterSet) -> tuple[int, ...]:
    """The pool years whose Council act is recorded in ``parameters/acts/``."""
    return tuple(
        sorted(
            {
                int(p.name.split(".")[0][5:])
                for p in parameters
                if p.name.startswith("pool_") and p.name.split(".")[0][5:].isdigit()
            }
        )
    )


def council_act(year: int, parameters: ParameterSet) -> CouncilAct:
    """Read the act for pool ``year`` from its parameter file (``pool_<year>.*``)."""
    prefix = f"pool_{year}."
    if not any(p.name.startswith(prefix) for p in parameters):
        known = sorted({p.name.split(".")[0][5:] for p in parameters if p.name.startswith("pool_")})
        raise fail(
            "year",
            year,
            f"no Council act recorded for this pool year; known: {', '.join(known)}",
            summary="unknown pool year",
        )
    act_date = parameters[prefix + "act_date"].values[-1].value
    at = parameters.at(act_date)

    def get(name: str) -> Any:
        return at(prefix + name)

    sar = get("sar_indicative_share")
    return CouncilAct(
        year=year,
        citation=parameters[prefix + "reference.relocations"].values[-1].reference.act,
        act_date=act_date,
        proposal_date=parameters[prefix + "proposal_date"].values[-1].value,
        date_of_application=get("date_of_application"),
        proposal=PoolNumbers(
            int(get("proposal.relocations")),
            Decimal(get("proposal.financial")),
        ),
        reference=PoolNumbers(
            int(get("reference.relocations")),
            Decimal(get("reference.financial")),
        ),
        under_pressure_states=tuple(get("under_pressure_states")),
        deduction_eligible_states=tuple(get("deduction_eligible_states")),
        systemic_shortcomings_states=tuple(get("systemic_shortcomings_states")),
        sar_share=None if sar in (None, "none") else Fraction(sar),
    )
