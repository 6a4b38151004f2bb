"""Shared fixtures: the parameters in force for the 2026 pool, its act, the snapshot, tiny keys."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from eupact.data.provenance import Source, StateSeries
from eupact.data.snapshot import load_snapshot
from eupact.key.reference_key import ReferenceKey, compute_reference_key, key_from_snapshot
from eupact.parameters import ParametersAt, load_parameters
from eupact.pool.acts import CouncilAct, council_act
from eupact.pool.allocation import PoolNumbers
from eupact.pool.benefit import Needs, Standing, UseOfPool, standing, validate_standing


def series(indicator: str, values: dict[str, int | Decimal]) -> StateSeries:
    source = Source(
        dataset="hand-worked test data",
        title=indicator,
        unit="",
        reference_date="2024",
        release="test",
        retrieved="test",
        file="test",
        column=indicator,
    )
    return StateSeries(indicator, values, source)


@pytest.fixture(scope="session")
def params() -> ParametersAt:
    return load_parameters().at(dt.date(2025, 12, 19))


@pytest.fixture(scope="session")
def act() -> CouncilAct:
    return council_act(2026, load_parameters())


@pytest.fixture(scope="session")
def key2026(params: ParametersAt) -> ReferenceKey:
    return key_from_snapshot(load_snapshot(), params)


def tiny_key(params: ParametersAt, pops: dict[str, int], gdps: dict[str, str]) -> ReferenceKey:
    return compute_reference_key(
        series("population", dict(pops)),
        series("gdp", {k: Decimal(v) for k, v in gdps.items()}),
        params,
        tuple(pops),
    )


def using(act: CouncilAct, params: ParametersAt, *states: str, **needs: int) -> Standing:
    """The standing after ``states`` informed, on the first day Art. 58 applies, that they use
    ``act``'s pool (Art. 58(1), 85); ``needs`` gives a state's declared relocation needs (58(2))."""
    day = max(act.act_date, params("cycle.date_of_application_part_iv"))
    uses = [UseOfPool(g, day, Needs(needs.get(g, 0))) for g in states]
    validate_standing(act, params, uses)
    return standing(act, params, uses)


def tiny_act(
    act: CouncilAct,
    relocations: int,
    proposal: int,
    benefitting: tuple[str, ...] = (),
    eligible: tuple[str, ...] = (),
    systemic: tuple[str, ...] = (),
) -> CouncilAct:
    per = Decimal(20000)
    return replace(
        act,
        reference=PoolNumbers(relocations, relocations * per),
        proposal=PoolNumbers(proposal, proposal * per),
        under_pressure_states=benefitting,
        deduction_eligible_states=eligible,
        systemic_shortcomings_states=systemic,
        sar_share=None,
    )
