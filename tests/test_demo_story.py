"""One demo story: the dashboard's demonstration cycle (loaded through the service) and
`eupact cycle run 2026` on the shipped SYNTHETIC example tell the same obligations — who
benefits (Art. 58), what each state has to implement after deductions (60(3), 61, 62), the
offsets owed (63(3), (7)) — because both read the same example file."""

from __future__ import annotations

import datetime as dt

from eupact.cycle.demo import load_demo
from eupact.cycle.examples import example_pledges_path
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.run import run_cycle
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade

TODAY = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def test_demo_cycle_and_cycle_run_show_the_same_obligations(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    service = CycleService(sessions(make_engine(url)), clock=lambda: TODAY)
    load_demo(service, 2026, "implementation")
    served = service.outcome(Actor("test", Role.COMMISSION, None), 2026).outcome
    filed = run_cycle(2026, example_pledges_path(2026), assess=False, as_of=TODAY.date()).outcome

    assert served.benefitting_states == filed.benefitting_states == ("CY", "EL", "ES", "IT")
    for geo, row in filed.states.items():
        mine = served.states[geo]
        assert (mine.role, mine.to_implement_total, mine.to_implement_relocations) == (
            row.role,
            row.to_implement_total,
            row.to_implement_relocations,
        ), geo
        assert mine.deducted_total == row.deducted_total, geo
    assert served.offsets.obligatory and filed.offsets.obligatory
    assert served.offsets.obligations == filed.offsets.obligations
    assert served.totals == filed.totals
