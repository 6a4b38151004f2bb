"""Benchmarks run on the 2026 pool: the shipped snapshot and the SYNTHETIC example pledges."""

from __future__ import annotations

import pytest

from eupact.cycle.examples import example_pledges_path
from eupact.cycle.inputs import PledgesFile, read_pledges_file
from eupact.data.snapshot import load_snapshot
from eupact.key.reference_key import ReferenceKey, key_from_snapshot
from eupact.parameters import load_parameters
from eupact.pool.acts import CouncilAct, council_act


@pytest.fixture(scope="session")
def act() -> CouncilAct:
    return council_act(2026, load_parameters())


@pytest.fixture(scope="session")
def key(act: CouncilAct) -> ReferenceKey:
    return key_from_snapshot(load_snapshot(), load_parameters().at(act.act_date))


@pytest.fixture(scope="session")
def pledges() -> PledgesFile:
    return read_pledges_file(example_pledges_path(2026))
