"""What each dashboard page shows, computed from :class:`CycleService` with the visitor's rights.

Pure data in, plain dicts out: the templates only lay them out. Every read goes through the
service, so the embargo (Art. 12(6)) and the permission table apply to pages exactly as to the
REST API; nothing here decides on its own who may see what.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from typing import Any

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import (
    AFTER_ACT,
    DEDUCTION_RULE,
    EMBARGO_PHASES,
    OFFSET_RULE,
    PLEDGE_PHASES,
    PLEDGE_RULE,
    Phase,
)
from eupact.cycle.service import CycleService
from eupact.errors import EupactError
from eupact.key.reference_key import to_decimal
from eupact.pool.pledges import PledgeKind
from eupact.reports.documents import outcome_document
from eupact.reports.tables import plain
from eupact.web.audit_trail import audit_entries


def cycle_years(service: CycleService, actor: Actor) -> list[int]:
    return service.cycles.years(actor)


def synthetic(service: CycleService, year: int) -> bool:
    """Whether the year's cycle is the demonstration's: every page and file then says SYNTHETIC."""
    return service.reads.synthetic(year)


# -- overview -------------------------------------------------------------------------------------


def overview(service: CycleService, actor: Actor, year: int) -> dict[str, Any]:
    cycle = service.get_cycle(actor, year).as_dict()
    steps = cycle["calendar"]
    # Steps the cycle records and still waits for; those it cannot record (the Art. 9 steps)
    # or that have no time limit (Art. 14(5)) are shown in the timeline, not as "next".
    upcoming = [s for s in steps if not s["done"] and s["status"] in ("pending", "overdue")]
    recent: list[dict[str, Any]] = []
    if actor.institution:  # the audit trail is the institutions' (permission table)
        recent = audit_entries(service, actor, year)[-10:][::-1]
    return {
        "recent": recent,
        "cycle": cycle,
        "steps": steps,
        # past its deadline and still not done (what is late now) ...
        "overdue": [s for s in steps if not s["done"] and s["status"] == "overdue"],
        # ... apart from the steps that were taken, but after their deadline
        "done_late": [s for s in steps if s["done"] and s["late_by_days"]],
        "next": upcoming[0] if upcoming else None,
        "phase_index": list(Phase).index(Phase(cycle["phase"])),
        "phases": [str(p) for p in Phase],
    }


# -- fair shares and the pool ---------------------------------------------------------------------


def key_rows(service: CycleService, year: int) -> list[dict[str, Any]]:
    """The reference key (Art. 66): public data, so shown to everyone at every phase."""
    key = service.pool(year).key
    return [
        {
            "geo": geo,
            "population": row.population,
            "gdp_meur": row.gdp,
            "population_share_pct": percent(row.population_share),
            "gdp_share_pct": percent(row.gdp_share),
            "share_pct": plain(key.percent(geo)),
        }
        for geo, row in key.rows.items()
    ]


def percent(share: Fraction) -> str:
    return str(plain(to_decimal(share * 100, 4)))


def pool(service: CycleService, actor: Actor, year: int) -> dict[str, Any]:
    pool_year = service.pool(year)
    act, key = pool_year.act, pool_year.key
    phase = Phase(service.get_cycle(actor, year).phase)
    outcome: dict[str, Any] | None = None
    withheld = ""
    exemptions: dict[str, str] = {}
    credits: dict[str, int] = {}
    try:
        read = service.outcome(actor, year)
        outcome = outcome_document(read.outcome, read.own_state)
        # a benefitting state, or one granted a full deduction, need not implement its pledges
        # (Art. 60(3)): its negative balance is no deficit, and the page must not show one
        exemptions = {
            g: "benefitting" if r.role == "benefitting" else "full deduction"
            for g, r in read.outcome.states.items()
            if r.exemption
        }
        # CFMR Art. 9(4)(a): what an authorised crisis credit took off the fair share
        credits = {
            g: r.crisis_credit_relocations
            for g, r in read.outcome.states.items()
            if r.crisis_credit_relocations
        }
    except EupactError as exc:
        withheld = exc.problems[0].rule if exc.problems else str(exc)
    rows = {r["geo"]: dict(r) for r in key_rows(service, year)}
    for r in (outcome or {}).get("rows", []):
        rows.setdefault(r["geo"], {"geo": r["geo"]}).update(
            r, exempt=exemptions.get(r["geo"], ""), credit=credits.get(r["geo"], 0)
        )
    return {
        "act": act,
        "phase": phase,
        "embargo": phase in EMBARGO_PHASES,
        # largest share first, by number (the cells are strings: "21.6903" < "6.5357" as text)
        "rows": sorted(rows.values(), key=lambda r: Fraction(str(r["share_pct"])), reverse=True),
        "outcome": outcome,
        "withheld": withheld,
        # who benefits as of today, and who may still use the pool (Art. 58, 59)
        "standing": service.standing(actor, year).as_dict(),
        "own_row_only": outcome is not None and "totals" not in outcome,
        "sources": [s.as_dict() for s in (key.population.source, key.gdp.source)],
        "equivalence": key.params("pool.equivalence.relocation_eur"),
        "equivalence_citation": key.params.cite("pool.equivalence.relocation_eur"),
        "implementation": implementation(service, actor, year, phase),
    }


def floor_percent(rate: Fraction | None) -> str | None:
    """A share as a percentage rounded down to a tenth (99.96 % is not shown as 100)."""
    if rate is None:
        return None
    tenths = math.floor(rate * 1000)
    return f"{tenths // 10}.{tenths % 10}"


def implementation(
    service: CycleService, actor: Actor, year: int, phase: Phase
) -> dict[str, Any] | None:
    """Each state's implementation as of today (Art. 60(3), (6), 63(5)): one row per state and
    type it has to implement or implemented; after the Council act only (before it nothing is
    implemented, and the targets are the embargoed outcome's)."""
    if phase in EMBARGO_PHASES:
        return None
    try:
        m = service.monitoring(actor, year)
    except EupactError:
        return None
    rows = []
    for geo, s in m.states.items():
        for kind, p in s.progress.items():
            if not (p.to_implement or p.implemented):
                continue
            relocation = kind is PledgeKind.RELOCATION
            rows.append(
                {
                    "geo": geo,
                    "kind": str(kind),
                    "decimals": 0 if relocation else 2,
                    "to_implement": str(p.to_implement),
                    "implemented": str(p.implemented),
                    "rate_pct": floor_percent(p.rate),
                    "benchmark_pct": floor_percent(p.benchmark),
                    "behind": None if p.benchmark is None else p.behind,
                    "deadline": str(p.deadline),
                    "year_end_offsets": (
                        s.year_end_offsets if relocation and s.after_year_end else None
                    ),
                }
            )
    return {
        "as_of": m.as_of.isoformat(),
        "deadline": m.deadline.isoformat(),
        "after_year_end": m.as_of > m.deadline,
        "rows": rows,
    }


# -- the migratory-pressure assessment ------------------------------------------------------------


@lru_cache(maxsize=4)
def assessment(year: int) -> Any:
    """The assessment of ``year`` (the report of 15 October that prepares the next pool)."""
    from eupact.assessment import assess_year

    return assess_year(year)


def monthly_series(a: Any, geo: str, series: str) -> list[tuple[str, float]]:
    """The single-month observations of ``series`` held for ``geo`` within the assessment's
    reporting period (Art. 9(1): the 12 months it assesses), oldest first."""
    start, end = a.period.start, a.period.end
    points = {
        o.start: (o.label, o.value)
        for o in a.data.observations.of(series, geo)
        if o.start == o.end and start <= o.start <= end
    }
    return [points[k] for k in sorted(points)]


# -- the Member-State workspace -------------------------------------------------------------------


def workspace(service: CycleService, actor: Actor, year: int) -> dict[str, Any]:
    assert actor.state is not None
    geo = actor.state
    pool_year = service.pool(year)
    act, key = pool_year.act, pool_year.key
    read = service.outcome(actor, year)  # a state always sees its own row: the phase comes along
    phase = read.phase
    outcome = outcome_document(read.outcome, read.own_state)
    own = next((r for r in outcome["rows"] if r["geo"] == geo), None)
    row = read.outcome.states.get(geo)
    exempt = ""
    if row is not None and row.exemption:  # Art. 60(3): its negative balance is no deficit
        exempt = "benefitting" if row.role == "benefitting" else "full deduction"
    pledges = [p.as_dict() for p in service.list_pledges(actor, year, state=geo, limit=1000)[0]]
    deductions = [d.as_dict() for d in service.list_deductions(actor, year) if d.state == geo]
    standing = service.standing(actor, year)
    # benefitting only by using the pool (Art. 58(1), 59(4)), not by the Art. 11 decision
    benefit = standing.standing.benefitting.get(geo)
    benefit_view = benefit and {
        "article": benefit.article,
        "since": benefit.since.isoformat(),
        "forum_due": benefit.forum_due.isoformat(),
    }
    offsets = [o.as_dict() for o in service.list_offsets(actor, year)]
    # Art. 13(4): the reconvened Forum asks for additional pledges (add or raise, never lower)
    additional = service.get_cycle(actor, year).additional_pledging
    return {
        "geo": geo,
        "phase": phase,
        "share_pct": plain(key.percent(geo)),
        "own": own,
        "exempt": exempt,
        # CFMR Art. 9(4)(a): what an authorised crisis credit took off the fair share
        "credit": row.crisis_credit_relocations if row is not None and own else 0,
        "benefit": benefit_view,
        "may_use_pool": geo in standing.may_use,
        "deduction_eligible": geo in act.deduction_eligible_states,
        "pledges": pledges,
        "pledging_open": phase in PLEDGE_PHASES or additional,
        "additional_pledging": additional,
        "pledge_rule": PLEDGE_RULE,
        "after_act": phase in AFTER_ACT,
        "deduction_rule": DEDUCTION_RULE,
        "offset_rule": OFFSET_RULE,
        "deductions": deductions,
        "offsets_to_answer": [
            # a voluntary request (Art. 69(2)) or obligatory offsets called (Art. 63(3), (6))
            o
            for o in offsets
            if o["contributing_state"] == geo and o["status"] in ("requested", "owed")
        ],
        "offsets_mine": [
            o for o in offsets if geo in (o["contributing_state"], o["benefitting_state"])
        ],
        "benefitting_states": standing.standing.benefitting_states,
        "may_request": may_request(service, actor, year),
    }


def may_request(service: CycleService, actor: Actor, year: int) -> tuple[str, ...]:
    """The states that may request alternative measures (Art. 65(1)): those benefitting and,
    while pledging precedes the use of the pool, those identified under migratory pressure."""
    read = service.standing(actor, year)
    return tuple(sorted({*read.under_pressure, *read.standing.benefitting_states}))


# -- sources ---------------------------------------------------------------------------------------
#: The series of the assessment's main indicators, and the years, shown in the coverage matrix.
COVERAGE_SERIES = (
    "asylum_applicants_first_time",
    "temporary_protection_beneficiaries",
    "ordered_to_leave",
    "returned",
    "illegally_present",
    "dublin_requests_outgoing",
    "dublin_requests_incoming",
    "sea_arrivals_national",
)
COVERAGE_YEARS = ("2023", "2024", "2025")


def sources(service: CycleService) -> dict[str, Any]:
    """Every release in the snapshot with its class of source (primary, secondary, user), and
    which states have a figure of which class for the main series and years (a gap is a gap)."""
    from eupact.data.coverage import MEMBER_STATES, coverage

    releases = sorted(
        ({**s.as_dict(), "shown_release": s.shown_release} for s in service.snapshot.vintages()),
        key=lambda s: (str(s["source_class"]), str(s["dataset"]), str(s["reference_date"])),
    )
    snap = service.snapshot
    found = coverage(snap, COVERAGE_SERIES)
    rows = []
    for series in COVERAGE_SERIES:
        for year in COVERAGE_YEARS:
            # a stock's year is its latest month held in the year
            periods = [p for p in found.periods(series) if p[:4] == year]
            if not periods:
                continue
            cells = {}
            for geo in MEMBER_STATES:
                held = [found.cell(series, p, geo).source_class for p in periods]
                cells[geo] = next((c for c in ("user", "primary", "secondary") if c in held), "")
            rows.append({"series": series, "year": year, "cells": cells})
    return {
        "releases": releases,
        "package": f"{snap.name} {snap.version}",
        "states": MEMBER_STATES,
        "coverage": rows,
    }


__all__ = [
    "assessment",
    "cycle_years",
    "implementation",
    "key_rows",
    "may_request",
    "monthly_series",
    "overview",
    "percent",
    "pool",
    "sources",
    "synthetic",
    "workspace",
]
