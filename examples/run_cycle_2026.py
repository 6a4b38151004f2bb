"""Run the 2026 cycle through the REST API of a running `eupact serve`.

    eupact serve --database-url sqlite:///demo.db &
    python examples/run_cycle_2026.py --base-url http://127.0.0.1:8000 --database-url sqlite:///demo.db

The script creates one API token per actor in the same database (as an administrator would with
`eupact tokens create`), then takes every step of the cycle as the actor the regulation names,
telling the demo's one story — the same as the dashboard of `eupact serve --demo` and as
`eupact cycle run 2026` (tests/test_demo_story.py): the Commission's report, decision and
proposal (11 Nov 2025, late against 15 October), the Council presidency's Forum and act
(19 Dec 2025), the Member States' pledges, the uses of the pool (Art. 58(1)) and the deductions
as the SYNTHETIC example file shipped with eupact records them (not the real ones, which our data
does not hold), the reconvened Forum (Art. 13(4)), responsibility offsets and the first
implementation records (eupact.cycle.demo). It closes the year once the year is over, and ends
by verifying the audit log's hash chain.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import uuid
from decimal import Decimal
from typing import Any, NoReturn

import httpx

from eupact.cycle.demo import (
    ADOPTION,
    IMPLEMENTATION_STARTS,
    IMPLEMENTED,
    OFFSETS,
    OPENING,
    SYNTHETIC_NOTE,
    demo_tokens,
    uses_recorded,
)
from eupact.cycle.examples import example_pledges_path
from eupact.cycle.inputs import read_pledges_file
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade

YEAR = 2026


class Client:
    def __init__(self, base_url: str, token: str, who: str) -> None:
        self.base_url = base_url
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        self.who = who

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if method != "GET":
            headers.setdefault("Idempotency-Key", str(uuid.uuid4()))
        try:
            response = self.http.request(method, f"/api/v1{path}", headers=headers, **kwargs)
        except httpx.TransportError as exc:
            no_server(self.base_url, exc)
        if response.status_code == 401:
            sys.exit(
                f"the server at {self.base_url} does not know the tokens made in the database "
                "given with --database-url: run `eupact serve` on that same database"
            )
        if response.status_code != expect:
            sys.exit(
                f"{self.who} {method} {path}: expected {expect}, got {response.status_code}: "
                f"{response.text}"
            )
        return (
            response.json() if "json" in response.headers.get("content-type", "") else response.text
        )


def tokens(database_url: str) -> dict[str, str]:
    """One token per institution and per Member State bound by Part IV, as the demo makes."""
    upgrade(database_url)
    service = CycleService(sessions(make_engine(database_url)))
    bound = tuple(service.parameters.at(service.clock().date())("scope.bound_member_states"))
    return demo_tokens(service, bound)


def no_server(base_url: str, exc: Exception) -> NoReturn:
    sys.exit(
        f"no eupact server answers at {base_url} ({exc}); start one with "
        "`eupact serve --database-url URL` and pass the same URL here"
    )


def reachable(base_url: str) -> None:
    """Stop with a sentence, not a traceback, when nothing answers at ``base_url``."""
    try:
        httpx.get(f"{base_url}/healthz", timeout=10)
    except httpx.TransportError as exc:
        no_server(base_url, exc)


def story(outcome: dict[str, Any], benefitting: list[str]) -> list[str]:
    """The figures the dashboard, `eupact cycle run 2026` and this script show alike."""
    totals, offsets = outcome["totals"], outcome["offsets"]
    owed = {r["geo"]: int(r["offset_obligation"]) for r in outcome["rows"]}
    deducted = [
        f"{r['geo']} (EUR {Decimal(r['deducted_eur']):,.0f})"
        for r in outcome["rows"]
        if Decimal(r["deducted_eur"])
    ]
    reconvened = offsets["inputs"].get("High-Level Forum reconvened (13(4))") == "True"
    return [
        f"benefitting: {', '.join(benefitting) or 'none'}",
        f"deductions granted: {', '.join(deducted) or 'none'}",
        f"High-Level Forum reconvened: {'yes' if reconvened else 'no'}",
        f"offsets: {offsets['value']}, {sum(owed.values()):,} owed"
        + "".join(f"; {g} {n:,}" for g, n in sorted(owed.items()) if n),
        f"relocations to implement: {totals['to_implement_relocations']:,}",
        f"shortfall EUR {Decimal(totals['shortfall']):,.0f}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    reachable(args.base_url)
    who = {name: Client(args.base_url, t, name) for name, t in tokens(args.database_url).items()}
    c, co, obs = who["commission"], who["council"], who["observer"]
    file = read_pledges_file(example_pledges_path(YEAR))
    today = dt.date.today()

    def steps(table: tuple[tuple[Any, str, dt.date], ...]) -> None:
        for action, name, day in table:
            who[name].call(
                "POST",
                f"/cycles/{YEAR}/transitions",
                json={"action": str(action), "on": day.isoformat()},
            )

    c.call("POST", "/cycles", 201, json={"year": YEAR})
    steps(OPENING)
    obs.call("GET", f"/cycles/{YEAR}/proposal", 403)  # RESTREINT UE until the Council act
    print("proposal (Council's view):", co.call("GET", f"/cycles/{YEAR}/proposal")["totals"])

    for p in file.pledges:
        body: dict[str, Any] = {"state": p.state, "kind": str(p.kind), "amount": str(p.amount)}
        if p.requested_by:
            body["requested_by"] = list(p.requested_by)
        who[p.state].call(
            "POST", f"/cycles/{YEAR}/pledges", 201, json=body | {"note": SYNTHETIC_NOTE}
        )
    who["DE"].call(  # a state pledges for itself only
        "POST",
        f"/cycles/{YEAR}/pledges",
        403,
        json={"state": "FR", "kind": "relocation", "amount": "1"},
    )
    print(f"{len(file.pledges)} SYNTHETIC pledges recorded")

    steps(ADOPTION)
    # Identified under pressure, they benefit once they inform that they use the pool (58(1)).
    for use in uses_recorded(file, today):
        needs = use.needs
        who[use.state].call(
            "POST",
            f"/cycles/{YEAR}/uses-of-pool",
            201,
            json={
                "state": use.state,
                "informed_on": use.informed_on.isoformat(),
                "needs": {
                    "relocations": needs.relocations,
                    "financial": str(needs.financial),
                    "programmes": list(needs.programmes),
                },
            },
        )
    benefitting = [b["state"] for b in obs.call("GET", f"/cycles/{YEAR}/standing")["benefitting"]]

    for d in file.deductions:  # requested; those the file records as granted, granted (61, 62)
        asked = who[d.state].call(
            "POST",
            f"/cycles/{YEAR}/deductions",
            201,
            json={
                "state": d.state,
                "article": d.article,
                "full": d.full,
                "relocations": d.relocations,
                "financial": str(d.financial),
                "reasons": SYNTHETIC_NOTE,
            },
        )
        if str(d.status) == "granted":
            c.call(
                "POST",
                f"/cycles/{YEAR}/deductions/{asked['id']}/assessment",
                json={"assessment": SYNTHETIC_NOTE},
            )
            co.call(
                "POST",
                f"/cycles/{YEAR}/deductions/{asked['id']}/decision",
                json={"granted": True, "council_act": d.council_act},
            )
    if file.forum_reconvened:
        # Art. 13(4): the reconvened Forum is a pledging exercise; the Council closes it, and
        # the test of Art. 63(3) runs on the pledges after it.
        co.call("POST", f"/cycles/{YEAR}/forum/reconvene")
        co.call("POST", f"/cycles/{YEAR}/forum/close")
    outcome = obs.call("GET", f"/cycles/{YEAR}/outcome")
    for line in story(outcome, benefitting):
        print(line)

    # obligatory offsets (Art. 63(3)) are identified in full (63(6)), not answered under 69(2)
    for call in OFFSETS:
        o = who[call.benefitting].call(
            "POST",
            f"/cycles/{YEAR}/offsets",
            201,
            json={
                "benefitting_state": call.benefitting,
                "contributing_state": call.contributing,
                "applications": call.applications,
            },
        )
        if call.identified is not None:
            who[call.contributing].call(
                "POST",
                f"/cycles/{YEAR}/offsets/{o['id']}/reply",
                json={"accepted": call.identified},
            )
    steps((("start_implementation", "coordinator", IMPLEMENTATION_STARTS),))
    for done in IMPLEMENTED:
        who[done.state].call(
            "POST",
            f"/cycles/{YEAR}/implementation",
            201,
            json={
                "state": done.state,
                "kind": str(done.kind),
                "benefitting_state": done.benefitting,
                "amount": str(done.amount),
            },
        )
    year_over = today > dt.date(YEAR, 12, 31)
    if year_over:
        steps((("close_year", "coordinator", dt.date(YEAR, 12, 31)),))
    else:
        print(
            f"the year {YEAR} is not over: it is closed after 31 December, as the dashboard's demo leaves it"
        )

    cycle = obs.call("GET", f"/cycles/{YEAR}")
    for step in cycle["calendar"]:
        print(f"  {step['due'] or 'no time limit':<13}  {step['step']:<55} {step['status']}")
    verdict = c.call("GET", "/audit/verify")
    print("audit chain:", verdict["reason"], f"({verdict['entries']} entries)")
    return (
        0
        if verdict["ok"] and cycle["phase"] == ("closed" if year_over else "implementation")
        else 1
    )


if __name__ == "__main__":
    raise SystemExit(main())
