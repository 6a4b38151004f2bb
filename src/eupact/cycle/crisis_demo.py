"""One SYNTHETIC crisis for the demonstration (``eupact serve --demo``), so that the crisis pages
(``/crises``) and the Dublin cases show the procedure of Regulation (EU) 2024/1359 (CFMR) at
work: a reasoned request of mass arrivals (Art. 2) asking for 4,000 relocations and the
derogations of Arts 10 and 12, the Commission's notice (3(3)) and implementing decision — three
days after its two weeks, so that the late act is shown flagged and valid (3(8)) — with its
proposal (4(1)), the Council's implementing decision ten days later with the Solidarity
Response Plan (4(3), (5)), and the Coordinator's bulletins every two weeks since (Art. 7),
each on its due day.

Dated back from today (the request 75 days ago), so that the measures apply on whatever day the
demo is started; nothing is created when the request would fall before the CFMR applies
([reading] ``crisis.date_of_application``). Every act is recorded through the service's own
operations (:class:`~eupact.cycle.service.crisis.Crises`) with the demo tokens of the state and
the institutions, audited as any other write. The crisis is marked SYNTHETIC (``synthetic``)
and every reference says so: no Member State asked for it, no institution adopted it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eupact.cycle.service import CycleService
from eupact.cycle.service.crisis import Crises

STATE = "EL"
REQUEST_DAYS_AGO = 75
LATE_BY_DAYS = 3  # after the Commission's two weeks (Art. 3(8))
COUNCIL_AFTER_DAYS = 10  # within the Council's two weeks (Art. 4(3))
SYNTHETIC = "SYNTHETIC demonstration act"
NEEDS = {"relocations": 4000, "financial": "50000000"}
DEROGATIONS = ["10", "12"]


def load_crisis_demo(service: CycleService, tokens: dict[str, str]) -> int | None:
    """Record the demo's SYNTHETIC crisis (``tokens``: name -> token, as
    :func:`eupact.cycle.demo.load_demo` returns them); its number, or None on a day too close
    to the date the CFMR applies."""
    today = service.clock().date()
    requested = today - dt.timedelta(days=REQUEST_DAYS_AGO)
    applies = service.parameters.at(requested)("crisis.date_of_application")
    if requested < applies or STATE not in tokens:
        return None
    crises = Crises(service.ctx)
    state, commission, council, coordinator = (
        service.authenticate(tokens[name])
        for name in (STATE, "commission", "council", "coordinator")
    )
    request = {
        "situation": "mass_arrivals",
        "description": f"{SYNTHETIC}: arrivals by sea tripled over two months; reception full",
        "solidarity": {"relocations": NEEDS["relocations"], "financial": NEEDS["financial"]},
        "derogations": DEROGATIONS,
        "reference": f"{SYNTHETIC} (reasoned request)",
    }
    crisis = crises.open(state, request, requested, synthetic=True).crisis_id
    one = dt.timedelta(days=1)
    due = requested + dt.timedelta(weeks=2)
    adopted = due + dt.timedelta(days=LATE_BY_DAYS)
    plan = {
        "relocations": NEEDS["relocations"],
        "financial": NEEDS["financial"],
        "additional_relocations": NEEDS["relocations"],
        "additional_financial": NEEDS["financial"],
    }
    acts: list[tuple[Any, str, dt.date, dict[str, Any]]] = [
        (commission, "assessment_notified", requested + one, {}),
        (
            commission,
            "commission_decision",
            adopted,
            {"established": True, "situation": "mass_arrivals"},
        ),
        (commission, "proposal", adopted, {"derogations": DEROGATIONS, "plan": plan}),
        (
            council,
            "council_decision",
            adopted + dt.timedelta(days=COUNCIL_AFTER_DAYS),
            {
                "applies_from": (adopted + dt.timedelta(days=COUNCIL_AFTER_DAYS + 1)).isoformat(),
                "derogations": DEROGATIONS,
                "plan": plan,
            },
        ),
    ]
    for who, kind, on, fields in acts:
        crises.record(who, crisis, kind, {**fields, "reference": f"{SYNTHETIC} ({kind})"}, on)
    for d in crises.get(coordinator, crisis).state.dues:
        if d.key.startswith("bulletin.") and d.due <= today:
            crises.record(
                coordinator, crisis, "bulletin", {"reference": f"{SYNTHETIC} (bulletin)"}, d.due
            )
    return crisis


__all__ = ["load_crisis_demo"]
