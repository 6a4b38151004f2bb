"""Schemathesis fuzzes every operation of the app's own OpenAPI document, in process (ASGI):
no generated input may cause a server error (``not_a_server_error``).

Each example is sent twice: as the Commission, exactly as generated, and as Germany's Member
State, steered into the records that exist (year 2026, DE's own state, the ids of the seeded
pledge, deduction request and offsets request), so that the validation behind authorization is
reached too. Each operation runs on its own fresh SQLite database, in the phase it acts in:
pledges while pledging is open, deductions and offsets after the Council act, implementation
in its phase.

Inputs that hit a bug already reproduced elsewhere are filtered out of generation
(:data:`KNOWN_BUGS`), so that the fuzzer keeps looking for new ones; each filter has a strict
xfail below that fails (XPASS) once its bug is fixed, to say that the filter must go.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from eupact.api.app import create_app
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions

from .api_support import YEAR, World, Worlds

# The document does not depend on the database: load it once from an app on no database.
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(CycleService(sessions(make_engine("sqlite://"))))
)
INT64 = 2**63 - 1
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure here is reproducible
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _int64(value: Any) -> bool:
    return not isinstance(value, int) or -INT64 <= value <= INT64


def _cents_fit(value: Any) -> bool:
    try:
        return abs(Decimal(str(value))) * 100 <= INT64
    except (InvalidOperation, ValueError):
        return True  # not a number: the API refuses it (422)


# Inputs that hit a bug reproduced elsewhere are filtered out of generation while the bug is
# open, so that the fuzzer keeps looking for new ones. None is open now.
KNOWN_BUGS: dict[str, Any] = {}


@schema.hook
def filter_case(context: Any, case: Any) -> bool:
    return all(keep(case) for keep in KNOWN_BUGS.values())


def scenario_of(path: str) -> str:
    after_act = ("/deductions", "/offsets", "/forum/reconvene")
    uses_of_pool = ("/uses-of-pool", "/notifications", "/shortcomings", "/standing")
    if any(part in path for part in after_act + uses_of_pool):
        return "act"
    if "/implementation" in path:
        return "implementation"
    return "pledging"


@pytest.fixture
def world_for(request, tmp_path):
    """The operation's world, made on first use and kept for all of its examples."""
    worlds = Worlds(request, tmp_path)
    made: dict[str, World] = {}

    def get(scenario: str) -> World:
        if scenario not in made:
            made[scenario] = worlds("sqlite", scenario)
        return made[scenario]

    yield get
    worlds.close()


STEER = {
    "pledge_id": "pledge:DE",
    "deduction_id": "deduction:requested",
    "offset_id": "offset:DE",
    "notification_id": "notification:decided",
}


@schema.parametrize()
@EXAMPLES
def test_no_generated_input_causes_a_server_error(case, world_for):
    world = world_for(scenario_of(case.path))
    case.call_and_validate(
        app=world.app, headers=world.headers("commission"), checks=[not_a_server_error]
    )
    params = case.path_parameters or {}
    if "year" in params:
        params["year"] = YEAR
    for name, key in STEER.items():
        if name in params:
            params[name] = world.ids[key]
    if isinstance(case.body, dict) and "state" in case.body:
        case.body["state"] = "DE"
    case.call_and_validate(app=world.app, headers=world.headers("DE"), checks=[not_a_server_error])


# -- regressions: inputs that once crashed the service --------------------------------------------------


def test_path_ints_beyond_64_bits_are_refused(world_for):
    world = world_for("pledging")
    case = schema["/api/v1/cycles/{year}/pledges/{pledge_id}"]["GET"].Case(
        path_parameters={"year": YEAR, "pledge_id": 2**64}
    )
    case.call_and_validate(
        app=world.app, headers=world.headers("commission"), checks=[not_a_server_error]
    )


def test_oversized_deductions_are_refused(world_for):
    world = world_for("act")
    case = schema["/api/v1/cycles/{year}/deductions"]["POST"].Case(
        path_parameters={"year": YEAR},
        body={"state": "AT", "article": "62", "full": True, "financial": 1e300},
        media_type="application/json",
    )
    case.call_and_validate(app=world.app, headers=world.headers("AT"), checks=[not_a_server_error])
