"""Crisis offsets counted from the Dublin workspace (Regulation (EU) 2024/1359, CFMR Art. 9(1)(a),
(c); Art. 63(8)-(9) AMMR mutatis mutandis), through the service, on SQLite and PostgreSQL.

EL's crisis (mass arrivals): the Council decision of Fri 4 Sep 2026 sets a Solidarity Response
Plan of 600 relocations, all of them additional pledges; the service holds no 2026 cycle, so no
pool pledges are counted. DE holds three cases of people who crossed into EL irregularly
(Art. 33(1) AMMR): an adult registered in DE on 10 Oct 2026 (EL responsible; DE's take charge
request is due Thu 10 Dec 2026, Art. 39(1)); an unaccompanied minor (Art. 25(5): the state of
registration, DE, is responsible; 63(8)(a) and (b) fail); an adult registered on 1 Jul 2026 for
whom DE sent no request within the two months (due Tue 1 Sep 2026: missed, so DE is responsible,
39(1); 63(8)(b) and (c) fail). A fourth, DE's take back of a person EL finally rejected on
5 Oct 2026: EL is responsible (33(1)) and 63(9) leaves it to DE's choice (counted apart).
FR holds none. All SYNTHETIC.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.service.crisis import Crises
from eupact.cycle.service.crisis_plan import CrisisPlans
from eupact.cycle.service.dublin import DublinCases
from eupact.cycle.store.db import make_engine, sessions, upgrade

from .api_support import PARAMETERS, SNAPSHOT
from .clock_support import Clock
from .crisis_support import state
from .databases import BACKENDS, fresh_database

D = dt.date
COMMISSION = Actor("test:commission", Role.COMMISSION)
COUNCIL = Actor("test:council", Role.COUNCIL)
OBSERVER = Actor("test:observer", Role.OBSERVER)
REFS = ("SYN-EL-DE-1", "SYN-EL-DE-2", "SYN-EL-DE-3", "SYN-EL-DE-4")


def crossed_into_el(
    ref: str, registered: dt.date, minor: bool = False, rejected_in_el: bool = False
) -> dict[str, Any]:
    """Registered in DE on ``registered`` after an irregular crossing into EL (Art. 33(1))."""
    applications: list[dict[str, Any]] = [
        {
            "state": "DE",
            "made_on": (registered - dt.timedelta(days=2)).isoformat(),
            "registered_on": registered.isoformat(),
        }
    ]
    if rejected_in_el:
        applications.insert(
            0,
            {
                "state": "EL",
                "made_on": "2026-09-21",
                "registered_on": "2026-09-22",
                "final_rejection_or_withdrawal": "2026-10-05",
            },
        )
    crossed = min(registered - dt.timedelta(days=20), D(2026, 9, 20))
    return {
        "case_id": ref,
        "applicant": {
            "date_of_birth": "2011-05-06" if minor else "1990-03-04",
            "unaccompanied": minor,
        },
        "applications": applications,
        "entries": [{"date": crossed.isoformat(), "state": "EL", "kind": "irregular_crossing"}],
    }


@dataclass
class Crisis:
    plans: CrisisPlans
    clock: Clock
    crisis_id: int


@pytest.fixture(scope="module", params=BACKENDS)
def crisis(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Crisis]:
    tmp: Path = tmp_path_factory.mktemp("crisis-offsets")
    with fresh_database(str(request.param), tmp) as url:
        upgrade(url)
        engine = make_engine(url)
        clock = Clock()
        service = CycleService(
            sessions(engine), parameters=PARAMETERS, snapshot=SNAPSHOT, clock=clock
        )
        try:
            crises = Crises(service.ctx)
            asked = {
                "situation": "mass_arrivals",
                "description": "EL: arrivals tripled (SYNTHETIC)",
                "derogations": ["10"],
                "solidarity": {"relocations": 600},
            }
            cid = crises.open(state("EL"), asked, D(2026, 9, 1)).crisis_id
            plan = {"relocations": 600, "additional_relocations": 600}
            clock.to(D(2026, 9, 2))
            established = {"established": True, "situation": "mass_arrivals"}
            crises.record(COMMISSION, cid, "commission_decision", established, D(2026, 9, 2))
            proposal = {"derogations": ["10"], "plan": plan}
            crises.record(COMMISSION, cid, "proposal", proposal, D(2026, 9, 2))
            clock.to(D(2026, 9, 4))
            decided = {"applies_from": "2026-09-05", "derogations": ["10"], "plan": plan}
            crises.record(COUNCIL, cid, "council_decision", decided, D(2026, 9, 4))
            clock.to(D(2026, 10, 20))
            cases, de = DublinCases(service.ctx), state("DE")
            cases.create(de, crossed_into_el(REFS[0], D(2026, 10, 10)))
            cases.create(de, crossed_into_el(REFS[1], D(2026, 10, 10), minor=True))
            cases.create(de, crossed_into_el(REFS[2], D(2026, 7, 1)))
            cases.create(de, crossed_into_el(REFS[3], D(2026, 10, 10), rejected_in_el=True))
            yield Crisis(CrisisPlans(service.ctx, crises), clock, cid)
        finally:
            engine.dispose()


def test_the_eligible_applications_come_from_the_dublin_workspace(crisis: Crisis) -> None:
    crisis.clock.to(D(2026, 10, 20))
    got = crisis.plans.offsets(OBSERVER, crisis.crisis_id)
    eligible = got["eligible"]
    assert eligible["from"] == "Dublin workspace as of 2026-10-20"
    assert "Dublin workspace as of 2026-10-20" in got["contributions_from"]
    assert "63(8)" in eligible["article"] and "9(1)" in eligible["article"]
    # DE holds 2 cases EL is responsible for today (SYN-EL-DE-1 and the take back -4; the
    # minor and the late one are DE's own); 1 qualifies, 2 if DE chose the rejected one (63(9))
    assert eligible["states"]["DE"] == {
        "held": 2,
        "eligible": 1,
        "eligible_with_finally_rejected": 2,
    }
    # FR holds nothing: 0, not "unknown"
    assert eligible["states"]["FR"] == {
        "held": 0,
        "eligible": 0,
        "eligible_with_finally_rejected": 0,
    }
    assert "EL" not in eligible["states"]
    # Art. 9(1): target 100 % x 600 = 600; pledged 0 (no pool held, additional per state not
    # recorded); gap 600 - 0 = 600. Within the fair share: DE min(its fair share, about a fifth
    # of 600, far above 1; held 1) = 1, every other state holds 0 -> 0. Above it (9(1)(b)): DE
    # held 1 - within 1 = 0, others 0. Uncovered 600 - 1 - 0 = 599: the Forum (9(2)).
    c = got["computed"]
    assert (c["target"], c["pledged_relocations"], c["triggered"], c["gap"]) == (600, 0, True, 600)
    assert c["states"]["DE"]["within_fair_share"] == 1
    assert c["states"]["FR"]["within_fair_share"] == 0
    assert sum(s["within_fair_share"] for s in c["states"].values()) == 1
    assert sum(s["above_fair_share"] for s in c["states"].values()) == 0
    assert (c["uncovered"], c["forum_reconvened"], c["credits"]) == (599, True, [])


def test_a_member_state_reads_counts_not_other_states_cases(crisis: Crisis) -> None:
    crisis.clock.to(D(2026, 10, 20))
    for who in (state("FR"), state("EL"), state("DE"), OBSERVER):
        got = crisis.plans.offsets(who, crisis.crisis_id)
        said = json.dumps(got)
        assert not any(ref in said for ref in REFS), who
        assert "SYN-EL" not in said
        assert got["eligible"]["states"]["DE"]["eligible"] == 1  # the count, for everyone


def test_on_the_day_after_the_request_time_limit_the_case_no_longer_counts(
    crisis: Crisis,
) -> None:
    """SYN-EL-DE-1: DE's take charge request is due Thu 10 Dec 2026 (10 Oct + 2 months, Art.
    39(1)). On that day EL is still responsible and the case qualifies; the day after, with no
    request sent, DE is responsible (39(1)) and the offsets hold nothing of DE's but the
    finally rejected take back (63(9), DE's choice)."""
    crisis.clock.to(D(2026, 12, 10))
    last = crisis.plans.offsets(OBSERVER, crisis.crisis_id)
    assert last["eligible"]["from"] == "Dublin workspace as of 2026-12-10"
    assert last["eligible"]["states"]["DE"]["eligible"] == 1
    assert last["computed"]["uncovered"] == 599
    crisis.clock.to(D(2026, 12, 11))
    after = crisis.plans.offsets(OBSERVER, crisis.crisis_id)
    assert after["eligible"]["from"] == "Dublin workspace as of 2026-12-11"
    assert after["eligible"]["states"]["DE"] == {
        "held": 1,
        "eligible": 0,
        "eligible_with_finally_rejected": 1,
    }
    # nothing held that qualifies: 600 - 0 = 600 go to the reconvened Forum (9(2))
    assert after["computed"]["uncovered"] == 600
