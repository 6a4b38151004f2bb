"""The Dublin units' case workflow (Part III AMMR) end to end through the REST API, step by step.

    python examples/dublin_workflow.py                        # in process, on a new SQLite file
    python examples/dublin_workflow.py --database-url postgresql://postgres@127.0.0.1:5432/test
    EUPACT_DATABASE_URL=postgresql://... python examples/dublin_workflow.py
    python examples/dublin_workflow.py --base-url http://127.0.0.1:8000 --database-url URL
                                       # against a running `eupact serve` on that database

The script makes one API token per Member State it needs in the database (as an administrator
would with `eupact tokens create`), then, as the Dublin units would, with dates counted back
from today so that the law's time limits have run:

1. Italy registers a case whose criterion is a German visa (Art. 29(2)); France cannot see it;
2. Italy asks Germany to take charge (Art. 39); Germany accepts (Art. 40(1)); Italy notifies the
   transfer decision (Art. 42(1)) and carries out the transfer (Art. 46(1));
3. a second case: Germany stays silent past the reply limit and accepts by silence (Art. 40(8));
4. a third case: Italy never asks, so Italy stays responsible (Art. 39(1), third subparagraph);
5. a fourth case asked today: Germany's open time limits as iCalendar; the audit log verified.

The cases are SYNTHETIC: made up for this example, pseudonymous references, no person.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from icalendar import Calendar

from eupact.api.client import Caller, api_client, example_arguments
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade


def visa_case(ref: str, registered: dt.date) -> dict[str, Any]:
    """Registered in IT; a German short-stay visa valid that day (Art. 29(2): DE responsible)."""
    return {
        "case_id": ref,
        "applicant": {"date_of_birth": "1991-05-17"},
        "applications": [
            {
                "state": "IT",
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


def step(n: int | str, text: str) -> None:
    print(f"{n:>2}. {text}")


def limit(d: dict[str, Any] | None) -> str:
    if d is None:
        return "no time limit open"
    return f"{d['id']} {d['what']} (Art. {d['article']}) by {d['acting_state']}, due {d['due']}"


def story(units: dict[str, Caller], today: dt.date, tag: str) -> bool:
    it, de, fr, commission = units["IT"], units["DE"], units["FR"], units["commission"]
    day = lambda n: (today - dt.timedelta(days=n)).isoformat()  # noqa: E731

    ref = f"SYN-IT-{tag}-1"
    case = it.call("POST", "/dublin/cases", 201, json=visa_case(ref, today - dt.timedelta(30)))
    s = case["status"]
    step(
        1,
        f"IT registers {ref}: {s['responsible_state']} responsible under Art. {s['basis']}; "
        f"next: {limit(s['next_deadline'])}",
    )
    refused = fr.call("GET", f"/dublin/cases/{ref}", 404)
    step(2, f"FR asks for it: 404 — {refused['errors'][0]['rule']} (it is not FR's to see)")
    sent = it.call(
        "POST",
        f"/dublin/cases/{ref}/requests",
        201,
        json={"kind": "take_charge", "to_state": "DE", "sent_on": day(20), "article": "29(2)"},
    )
    request = sent["requests"][0]
    step(
        3,
        f"IT asks DE to take charge on {request['sent_on']} (Art. 39): DE replies by "
        f"{request['reply_due']}",
    )
    accepted = de.call(
        "POST",
        f"/dublin/cases/{ref}/requests/{request['id']}/reply",
        201,
        json={"kind": "accept", "on": day(12)},
    )
    step(
        4,
        f"DE accepts on {accepted['requests'][0]['state_on']} (Art. 40(1)): "
        f"{accepted['requests'][0]['state']}",
    )
    it.call("POST", f"/dublin/cases/{ref}/transfer", 201, json={"kind": "decision", "on": day(8)})
    done = it.call(
        "POST", f"/dublin/cases/{ref}/transfer", 201, json={"kind": "done", "on": day(1)}
    )
    step(
        5,
        f"IT notifies the transfer decision on {day(8)} (Art. 42(1)) and transfers on "
        f"{day(1)} (Art. 46(1)): case at version {done['case']['version']}",
    )
    decision = commission.call("GET", f"/dublin/cases/{ref}/decision")
    limits = ", ".join(f"{d['id']} {d['status']}" for d in decision["deadlines"])
    step(
        6,
        f"decision (as the Commission reads it): {decision['responsible_state']} under Art. "
        f"{decision['basis']}, Eurodac basis {decision['eurodac_basis']}; time limits: {limits}",
    )

    silent = f"SYN-IT-{tag}-2"
    it.call("POST", "/dublin/cases", 201, json=visa_case(silent, today - dt.timedelta(45)))
    asked = it.call(
        "POST",
        f"/dublin/cases/{silent}/requests",
        201,
        json={"kind": "take_charge", "to_state": "DE", "sent_on": day(40)},
    )["requests"][0]
    view = de.call("GET", f"/dublin/cases/{silent}")
    state = view["requests"][0]
    step(
        7,
        f"{silent}: IT asked DE on {asked['sent_on']}, reply due {asked['reply_due']}; DE "
        f"stayed silent: {state['state']} on {state['state_on']} (Art. 40(8)), observed and "
        f"audited once: {[o['key'] for o in view['observed']]}",
    )

    late = f"SYN-IT-{tag}-3"
    it.call("POST", "/dublin/cases", 201, json=visa_case(late, today - dt.timedelta(70)))
    status = it.call("GET", f"/dublin/cases/{late}")["status"]
    shift = status["responsibility_shift"] or {}
    step(
        8,
        f"{late}: IT never asked DE; the request limit ({shift.get('deadline')}) ended on "
        f"{shift.get('due')}: {status['responsible_state']} is responsible under Art. "
        f"{status['basis']}",
    )

    fresh = f"SYN-IT-{tag}-4"
    it.call("POST", "/dublin/cases", 201, json=visa_case(fresh, today - dt.timedelta(10)))
    it.call(
        "POST",
        f"/dublin/cases/{fresh}/requests",
        201,
        json={"kind": "take_charge", "to_state": "DE"},
    )
    ics = de.call("GET", "/dublin/deadlines.ics")
    events = [str(e["SUMMARY"]) for e in Calendar.from_ical(ics).walk("VEVENT")]
    step(
        9,
        f"{fresh}: IT asked DE today; DE's open time limits as iCalendar: {len(events)} "
        f"event(s): {'; '.join(events) or 'none'}",
    )
    log = commission.call("GET", "/audit?limit=1000")["items"]
    dublin = [e for e in log if e["action"].startswith("dublin.")]
    verdict = commission.call("GET", "/audit/verify")
    step(
        10,
        f"audit: {len(dublin)} Dublin entries; {verdict['reason']} ({verdict['entries']} entries)",
    )
    return bool(
        verdict["ok"]
        and decision["responsible_state"] == "DE"
        and state["state"] == "deemed_accepted"
        and status["responsible_state"] == "IT"
        and len(events) == 1
    )


def tokens(url: str) -> tuple[CycleService, dict[str, str]]:
    """The database at ``url`` with the schema, and a token for IT, DE, FR and the Commission."""
    upgrade(url)
    service = CycleService(sessions(make_engine(url)))
    made = {
        s: service.create_token(Role.MEMBER_STATE, s, "dublin example") for s in ("IT", "DE", "FR")
    }
    made["commission"] = service.create_token(Role.COMMISSION, None, "dublin example")
    return service, made


def main(argv: list[str] | None = None) -> int:
    url, base_url = example_arguments(argv, __doc__, "dublin")
    service, made = tokens(url)
    print(f"database: {url.split('@')[-1]}")
    tag = uuid.uuid4().hex[:6].upper()
    today = service.clock().date()
    with api_client(service, base_url) as http:
        units = {who: Caller(http, t, who) for who, t in made.items()}
        ok = story(units, today, tag)
    service.engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
