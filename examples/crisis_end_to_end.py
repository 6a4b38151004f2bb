"""A whole crisis under Regulation (EU) 2024/1359 (CFMR) through the REST API, step by step.

    python examples/crisis_end_to_end.py                      # in process, on a new SQLite file
    python examples/crisis_end_to_end.py --database-url postgresql://postgres@127.0.0.1:5432/x
    EUPACT_DATABASE_URL=postgresql://... python examples/crisis_end_to_end.py
    python examples/crisis_end_to_end.py --base-url http://127.0.0.1:8000 --database-url URL
                                       # against a running `eupact serve` on that database

The script makes one API token per actor it needs in the database (as an administrator would
with `eupact tokens create`), then, with dates counted back from today so that the law's time
limits have run:

1. a Member State submits its reasoned request of mass arrivals (Art. 2), asking for 3,000
   relocations and the derogations of Arts 10 and 12; another state cannot ask for it;
2. the Commission notifies its assessment (3(3)) and adopts its implementing decision three days
   after its two weeks — recorded, valid, flagged late (3(8)) — with its proposal (4(1));
3. the Council adopts its implementing decision within its two weeks (4(3)), with the
   Solidarity Response Plan and its indicative contributions by the reference key (4(5)(b));
4. a Dublin case registered in that state during the period: its take charge request is due
   four months from the registration instead of two (Art. 12(2)(a) CFMR; Art. 39(1) AMMR), while
   the same case held by a state in no crisis keeps its two months;
5. the Coordinator's bulletins (Art. 7) and the Commission's report (6(4)) on their due days;
   the Commission confirms the situation persists and the period is extended once (5(1));
6. the Commission proposes the repeal and the Council repeals (6(3)): the crisis ends, no
   measure is in force; the audit log is verified.

Everything is SYNTHETIC: no Member State asked for this crisis and no institution adopted its
acts; the Dublin cases are made up (pseudonymous references, no person).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from icalendar import Calendar

from eupact.api.client import Caller, api_client, example_arguments
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.service.crisis import Crises
from eupact.cycle.store.db import make_engine, sessions, upgrade

CANDIDATES = ("IT", "MT", "CY", "ES", "EL", "HR", "BG")  # the state in crisis: one with none yet
OTHER = "FR"  # a state in no crisis, holding the same kind of Dublin case
SYN = "SYNTHETIC example"


def step(n: int | str, text: str) -> None:
    print(f"{n:>2}. {text}")


def visa_case(ref: str, holder: str, registered: dt.date) -> dict[str, Any]:
    """Registered in ``holder``; a German short-stay visa valid that day (Art. 29(2) AMMR)."""
    return {
        "case_id": ref,
        "applicant": {"date_of_birth": "1993-02-11"},
        "applications": [
            {
                "state": holder,
                "made_on": (registered - dt.timedelta(days=2)).isoformat(),
                "registered_on": registered.isoformat(),
            }
        ],
        "documents": [
            {
                "kind": "visa",
                "visa_type": "short_stay",
                "issuing_state": "DE",
                "valid_from": (registered - dt.timedelta(days=60)).isoformat(),
                "valid_to": registered.isoformat(),
            }
        ],
    }


def take_charge_limit(unit: Caller, ref: str) -> dict[str, Any]:
    decision = unit.call("GET", f"/dublin/cases/{ref}/decision")
    return next(d for d in decision["deadlines"] if d["id"] == "T6")


def post_act(who: Caller, crisis: int, act: dict[str, Any]) -> dict[str, Any]:
    return who.call("POST", f"/crises/{crisis}/events", 201, json=act)["crisis"]  # type: ignore[no-any-return]


def story(a: dict[str, Caller], geo: str, today: dt.date, tag: str) -> bool:
    ms, other, commission, council, coordinator = (
        a[geo],
        a[OTHER],
        a["commission"],
        a["council"],
        a["coordinator"],
    )

    def ago(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    requested = ago(120)
    body = {
        "date": requested.isoformat(),
        "situation": "mass_arrivals",
        "description": f"{SYN}: arrivals by sea tripled in two months; reception full",
        "solidarity": {"relocations": 3000, "relocation_primary": True},
        "derogations": ["10", "12"],
        "reference": f"{SYN}: reasoned request",
    }
    refused = other.call("POST", "/crises", 403, json={**body, "state": geo})
    crisis = ms.call("POST", "/crises", 201, json=body)["crisis"]
    cid = crisis["id"]
    step(
        1,
        f"{geo} submits its reasoned request on {requested} (Art. 2): crisis {cid}, "
        f"{crisis['phase']}; the Commission decides by {crisis['next']['due']} "
        f"(Art. 3(8)). {OTHER} asking for {geo}: 403 — {refused['errors'][0]['rule']}",
    )
    decided_on = dt.date.fromisoformat(crisis["next"]["due"]) + dt.timedelta(days=3)
    plan = {"relocations": 3000, "additional_relocations": 3000}
    post_act(commission, cid, {"kind": "assessment_notified", "date": ago(119).isoformat()})
    post_act(
        commission,
        cid,
        {
            "kind": "commission_decision",
            "date": decided_on.isoformat(),
            "established": True,
            "situation": "mass_arrivals",
            "reference": f"{SYN}: Commission implementing decision",
        },
    )
    state = post_act(
        commission,
        cid,
        {
            "kind": "proposal",
            "date": decided_on.isoformat(),
            "derogations": ["10", "12"],
            "plan": plan,
        },
    )
    late = next(f for f in state["flags"] if f["code"] == "late_commission_decision")
    council_due = next(d for d in state["dues"] if d["key"] == "council_decision.1")["due"]
    step(2, f"the Commission decides on {decided_on}: {late['text']}")
    adopted = decided_on + dt.timedelta(days=8)
    state = post_act(
        council,
        cid,
        {
            "kind": "council_decision",
            "date": adopted.isoformat(),
            "applies_from": (adopted + dt.timedelta(days=1)).isoformat(),
            "derogations": ["10", "12"],
            "plan": plan,
            "reference": f"{SYN}: Council implementing decision",
        },
    )
    period = state["periods"][0]
    shares = coordinator.call("GET", f"/crises/{cid}/plan")["computed"]
    top = sorted(shares["indicative_contributions"].items(), key=lambda kv: -kv[1]["relocations"])[
        :3
    ]
    step(
        3,
        f"the Council decides on {adopted} (due {council_due}, Art. 4(3)): derogations of "
        f"Arts 10 and 12 from {period['first']} to {period['last']} (Art. 5(1)); plan: "
        f"{shares['needs']['relocations']:,} relocations, "
        f"{shares['additional_pledges_needed']['relocations']:,} as additional pledges; "
        "largest indicative shares " + ", ".join(f"{g} {row['relocations']:,}" for g, row in top),
    )
    registered = dt.date.fromisoformat(period["first"]) + dt.timedelta(days=30)
    ref, ref_other = f"SYN-{geo}-{tag}-1", f"SYN-{OTHER}-{tag}-1"
    ms.call("POST", "/dublin/cases", 201, json=visa_case(ref, geo, registered))
    other.call("POST", "/dublin/cases", 201, json=visa_case(ref_other, OTHER, registered))
    mine, theirs = take_charge_limit(ms, ref), take_charge_limit(other, ref_other)
    step(
        4,
        f"{ref} registered in {geo} on {registered}: take charge request due {mine['due']} "
        f"(Art. {mine['article']}); the same case in {OTHER}: due {theirs['due']} "
        f"(Art. {theirs['article']})",
    )
    recurring = [
        d
        for d in state["dues"]
        if d["key"].startswith(("bulletin.", "report.")) and d["due"] <= ago(3).isoformat()
    ]
    extension_on = ago(25)  # while the initial period applies
    acts: list[tuple[str, str, Caller, dict[str, Any]]] = [
        (extension_on.isoformat(), "extension", commission, {"kind": "extension"})
    ]
    for d in recurring:
        kind = d["key"].split(".")[0]
        who = coordinator if kind == "bulletin" else commission
        acts.append((d["due"], d["key"], who, {"kind": kind, "reference": f"{SYN}: {d['key']}"}))
    for day, _, who, act in sorted(acts, key=lambda x: (x[0], x[1])):  # in the order adopted
        state = post_act(who, cid, {**act, "date": day})
    step(
        5,
        f"{sum(1 for d in recurring if d['key'].startswith('bulletin'))} bulletin(s) (Art. 7) "
        f"and {sum(1 for d in recurring if d['key'].startswith('report'))} report(s) (Art. "
        f"6(4)) on their due days; on {extension_on} the Commission confirms the situation "
        f"persists: extended to {state['periods'][-1]['last']} (Art. 5(1)); 12 months at most "
        f"end {state['latest_end']} (5(3))",
    )
    post_act(commission, cid, {"kind": "repeal_proposal", "date": ago(2).isoformat()})
    state = post_act(council, cid, {"kind": "repeal", "date": ago(1).isoformat()})
    in_force = commission.call("GET", f"/crises/in-force?state={geo}")
    ics = coordinator.call("GET", f"/crises/{cid}/calendar.ics")
    events = list(Calendar.from_ical(ics).walk("VEVENT"))
    verdict = commission.call("GET", "/audit/verify")
    log = commission.call("GET", "/audit?limit=1000")["items"]
    acts = [e for e in log if e["action"].startswith("crisis.")]
    step(
        6,
        f"the Commission proposes the repeal, the Council repeals on {ago(1)} (Art. 6(3)): "
        f"crisis {cid} {state['phase']}, {in_force['total']} measure(s) in force today; "
        f"{len(events)} due dates as iCalendar; audit: {len(acts)} crisis entries, "
        f"{verdict['reason']}",
    )
    return bool(
        verdict["ok"]
        and state["phase"] == "repealed"
        and in_force["total"] == 0
        and mine["due"] != theirs["due"]
        and "CFMR" in mine["article"]
    )


def tokens(url: str) -> tuple[CycleService, dict[str, str], str | None]:
    """The database at ``url`` with the schema, a token per actor, and the state in crisis:
    the first of :data:`CANDIDATES` with no crisis recorded (the example may run again)."""
    upgrade(url)
    service = CycleService(sessions(make_engine(url)))
    seen = {r.row.state for r in Crises(service.ctx).all(Actor("example", Role.OBSERVER))}
    geo = next((g for g in CANDIDATES if g not in seen), None)
    made = {
        s: service.create_token(Role.MEMBER_STATE, s, "crisis example")
        for s in (*((geo,) if geo else ()), OTHER)
    }
    for name, role in (
        ("commission", Role.COMMISSION),
        ("council", Role.COUNCIL),
        ("coordinator", Role.COORDINATOR),
    ):
        made[name] = service.create_token(role, None, "crisis example")
    return service, made, geo


def main(argv: list[str] | None = None) -> int:
    url, base_url = example_arguments(argv, __doc__, "crisis")
    service, made, geo = tokens(url)
    print(f"database: {url.split('@')[-1]}")
    if geo is None:
        print(f"every state of {', '.join(CANDIDATES)} has a crisis here: use a new database")
        return 1
    tag = uuid.uuid4().hex[:6].upper()
    today = service.clock().date()
    print(f"SYNTHETIC crisis of {geo}, dated back from {today}")
    with api_client(service, base_url) as http:
        ok = story({w: Caller(http, t, w) for w, t in made.items()}, geo, today, tag)
    service.engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
