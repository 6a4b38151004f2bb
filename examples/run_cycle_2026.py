"""Run the whole 2026 cycle through the REST API of a running `eupact serve`.

    eupact serve --database-url sqlite:///demo.db &
    python examples/run_cycle_2026.py --base-url http://127.0.0.1:8000 --database-url sqlite:///demo.db

The script creates one API token per actor in the same database (as an administrator would with
`eupact tokens create`), then takes every step of the cycle as the actor the regulation names:
the Commission's report, decision and proposal (11 Nov 2025, late against 15 October), the
Council presidency's Forum and act (19 Dec 2025), the Member States' pledges (the SYNTHETIC
example pledges shipped with eupact — not the real ones, which our data does not hold), Italy
and Greece informing that they use the pool (Art. 58(1), SYNTHETIC dates and needs), a
deduction request, its assessment and decision, responsibility offsets, implementation, and the
year's close. It ends by verifying the audit log's hash chain.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from typing import Any

import httpx
import yaml

from eupact.cycle.examples import example_pledges_path
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade

YEAR = 2026


class Client:
    def __init__(self, base_url: str, token: str, who: str) -> None:
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        self.who = who

    def call(self, method: str, path: str, expect: int = 200, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if method != "GET":
            headers.setdefault("Idempotency-Key", str(uuid.uuid4()))
        response = self.http.request(method, f"/api/v1{path}", headers=headers, **kwargs)
        if response.status_code != expect:
            sys.exit(
                f"{self.who} {method} {path}: expected {expect}, got {response.status_code}: "
                f"{response.text}"
            )
        return (
            response.json() if "json" in response.headers.get("content-type", "") else response.text
        )


def tokens(database_url: str) -> dict[str, tuple[Role, str | None]]:
    upgrade(database_url)
    service = CycleService(sessions(make_engine(database_url)))
    actors: dict[str, tuple[Role, str | None]] = {
        "commission": (Role.COMMISSION, None),
        "council": (Role.COUNCIL, None),
        "coordinator": (Role.COORDINATOR, None),
        "observer": (Role.OBSERVER, None),
    }
    for geo in ("AT", "DE", "FR", "IT", "EL", "NL", "PL", "SE", "BE", "CZ"):
        actors[geo] = (Role.MEMBER_STATE, geo)
    return {
        name: service.create_token(role, state, f"demo {name}")  # type: ignore[misc]
        for name, (role, state) in actors.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    tok = tokens(args.database_url)
    who = {name: Client(args.base_url, t, name) for name, t in tok.items()}
    c, co, sc, obs = who["commission"], who["council"], who["coordinator"], who["observer"]

    c.call("POST", "/cycles", 201, json={"year": YEAR})
    for action, actor, day in [
        ("adopt_report", c, "2025-11-11"),
        ("adopt_decision", c, "2025-11-11"),
        ("adopt_proposal", c, "2025-11-11"),
        ("convene_forum", co, "2025-11-18"),
        ("open_pledging", co, "2025-11-27"),
    ]:
        actor.call("POST", f"/cycles/{YEAR}/transitions", json={"action": action, "on": day})
    obs.call("GET", f"/cycles/{YEAR}/proposal", 403)  # RESTREINT UE until the Council act
    print("proposal (Council's view):", co.call("GET", f"/cycles/{YEAR}/proposal")["totals"])

    document = yaml.safe_load(example_pledges_path(YEAR).read_text())
    pledged = 0
    for p in document["pledges"]:
        if p["state"] in who:
            who[p["state"]].call(
                "POST",
                f"/cycles/{YEAR}/pledges",
                201,
                json={k: str(v) if k == "amount" else v for k, v in p.items()},
            )
            pledged += 1
    who["DE"].call(
        "POST",
        f"/cycles/{YEAR}/pledges",
        403,
        json={"state": "FR", "kind": "relocation", "amount": "1"},
    )
    print(f"{pledged} SYNTHETIC pledges recorded")

    co.call(
        "POST", f"/cycles/{YEAR}/transitions", json={"action": "close_pledging", "on": "2025-12-08"}
    )
    co.call(
        "POST",
        f"/cycles/{YEAR}/transitions",
        json={"action": "adopt_council_act", "on": "2025-12-19"},
    )
    # Identified under pressure, they benefit once they inform that they use the pool (58(1)).
    for geo, day in (("IT", "2026-06-15"), ("EL", "2026-06-12")):
        who[geo].call(
            "POST",
            f"/cycles/{YEAR}/uses-of-pool",
            201,
            json={"state": geo, "informed_on": day, "needs": {"relocations": 1000}},
        )
    standing = obs.call("GET", f"/cycles/{YEAR}/standing")
    print("benefitting:", ", ".join(b["state"] for b in standing["benefitting"]))

    d = who["AT"].call(
        "POST",
        f"/cycles/{YEAR}/deductions",
        201,
        json={"state": "AT", "article": "62", "full": True, "reasons": "SYNTHETIC demo request"},
    )
    c.call(
        "POST",
        f"/cycles/{YEAR}/deductions/{d['id']}/assessment",
        json={"assessment": "SYNTHETIC demo assessment"},
    )
    co.call(
        "POST",
        f"/cycles/{YEAR}/deductions/{d['id']}/decision",
        json={"granted": True, "council_act": "SYNTHETIC demo implementing act"},
    )
    # Art. 13(4): the reconvened Forum is a pledging exercise; the Council closes it, and the
    # test of Art. 63(3) runs on the pledges after it.
    co.call("POST", f"/cycles/{YEAR}/forum/reconvene")
    de = next(
        p
        for p in who["DE"].call("GET", f"/cycles/{YEAR}/pledges?state=DE")["items"]
        if p["kind"] == "relocation"
    )
    who["DE"].call(  # raised, never lowered (SYNTHETIC)
        "PUT",
        f"/cycles/{YEAR}/pledges/{de['id']}",
        json={"state": "DE", "kind": "relocation", "amount": str(de["relocations"] + 100)},
        headers={"If-Match": f'"{de["version"]}"'},
    )
    co.call("POST", f"/cycles/{YEAR}/forum/close")
    outcome = obs.call("GET", f"/cycles/{YEAR}/outcome")
    print(
        "offsets:", outcome["offsets"]["value"], "| shortfall EUR", outcome["totals"]["shortfall"]
    )

    o = who["IT"].call(
        "POST",
        f"/cycles/{YEAR}/offsets",
        201,
        json={"benefitting_state": "IT", "contributing_state": "DE", "applications": 500},
    )
    # obligatory offsets (Art. 63(3)) are identified in full (63(6)), not answered under 69(2)
    who["DE"].call("POST", f"/cycles/{YEAR}/offsets/{o['id']}/reply", json={"accepted": 500})

    sc.call(
        "POST",
        f"/cycles/{YEAR}/transitions",
        json={"action": "start_implementation", "on": "2026-06-12"},
    )
    who["DE"].call(
        "POST",
        f"/cycles/{YEAR}/implementation",
        201,
        json={"state": "DE", "kind": "relocation", "benefitting_state": "IT", "amount": "120"},
    )
    who["FR"].call(
        "POST",
        f"/cycles/{YEAR}/implementation",
        201,
        # Art. 64(1): a financial contribution goes to the Union budget, not to a state
        json={"state": "FR", "kind": "financial", "amount": "1000000"},
    )
    sc.call(
        "POST", f"/cycles/{YEAR}/transitions", json={"action": "close_year", "on": "2026-12-31"}
    )

    cycle = obs.call("GET", f"/cycles/{YEAR}")
    for step in cycle["calendar"]:
        print(f"  {step['due']}  {step['step']:<55} {step['status']}")
    verdict = c.call("GET", "/audit/verify")
    print("audit chain:", verdict["reason"], f"({verdict['entries']} entries)")
    return 0 if verdict["ok"] and cycle["phase"] == "closed" else 1


if __name__ == "__main__":
    raise SystemExit(main())
