"""SYNTHETIC Dublin cases for the demonstration (``eupact serve --demo``), so that the Dublin
units' pages (``/dublin``) show something: a handful of cases, dated back from today so that each
shows what it is meant to show on whatever day the demo is started — a take charge request still
to send, one never sent (the time limit missed: the registering state becomes responsible,
Art. 39(1)), a request awaiting its reply, another left unanswered (acceptance by silence,
Art. 40(8)), a take back notification, a case where no request is needed, and a request received
by Germany.

Every reference starts ``SYN-`` (the generator's prefix): nothing here describes a real person,
and the pages say SYNTHETIC beside each case. The cases are created and the requests sent through
the service's own operations (:class:`~eupact.cycle.service.dublin.DublinCases`: ``create`` and
``send``), with the holder's token, audited as any other write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from eupact.cycle.service import CycleService
from eupact.cycle.service.dublin import DublinCases

#: The day from which the AMMR's Part III determines responsibility (Art. 85): the demo's oldest
#: registration (120 days back) must not fall before it.
APPLIES_FROM = dt.date(2026, 7, 1)
OLDEST_DAYS = 120


@dataclass(frozen=True, slots=True)
class DemoCase:
    """A case, the state that holds it, and the request it sends (kind, to, days back)."""

    holder: str
    facts: dict[str, Any]
    request: tuple[str, str, int] | None = None


def _cases(today: dt.date) -> list[DemoCase]:
    def ago(days: int) -> str:
        return (today - dt.timedelta(days=days)).isoformat()

    def applied(state: str, days: int) -> list[dict[str, str]]:
        return [{"state": state, "made_on": ago(days), "registered_on": ago(days)}]

    return [
        # DE registered 20 days ago; the Eurodac hit shows the crossing into EL: the take charge
        # request to EL is due a month from the hit (T7, Art. 39(1) second subparagraph)
        DemoCase(
            "DE",
            {
                "case_id": "SYN-DEMO-DE-001",
                "applicant": {"date_of_birth": "1995-03-02", "arrived_on": ago(40)},
                "applications": applied("DE", 20),
                "entries": [{"date": ago(40), "state": "EL", "kind": "irregular_crossing"}],
                "eurodac_hits": [
                    {"received_on": ago(20), "category": "irregular_crossing", "state": "EL"}
                ],
            },
        ),
        # NL never sent the request to FR, whose visa the person held: NL is responsible (39(1))
        DemoCase(
            "NL",
            {
                "case_id": "SYN-DEMO-NL-002",
                "applicant": {"date_of_birth": "1988-11-20", "arrived_on": ago(115)},
                "applications": applied("NL", 100),
                "documents": [
                    {
                        "kind": "visa",
                        "visa_type": "short_stay",
                        "issuing_state": "FR",
                        "valid_from": ago(120),
                        "valid_to": ago(60),
                    }
                ],
                "entries": [{"date": ago(115), "state": "FR", "kind": "with_visa"}],
            },
        ),
        # AT asked IT to take charge (disembarked after a search and rescue operation): IT's reply
        # is awaited (T11, Art. 40(1))
        DemoCase(
            "AT",
            {
                "case_id": "SYN-DEMO-AT-003",
                "applicant": {"date_of_birth": "2000-01-15", "arrived_on": ago(60)},
                "applications": applied("AT", 30),
                "entries": [{"date": ago(60), "state": "IT", "kind": "sar_disembarkation"}],
            },
            ("take_charge", "IT", 10),
        ),
        # FR asked IT three months ago and had no reply: accepted by silence (40(8)); FR must now
        # take the transfer decision and transfer within six months
        DemoCase(
            "FR",
            {
                "case_id": "SYN-DEMO-FR-004",
                "applicant": {"date_of_birth": "1991-09-30", "arrived_on": ago(110)},
                "applications": applied("FR", 95),
                "entries": [{"date": ago(110), "state": "IT", "kind": "irregular_crossing"}],
            },
            ("take_charge", "IT", 85),
        ),
        # the person applied in ES, then in BE: BE notifies ES to take back (41(1))
        DemoCase(
            "BE",
            {
                "case_id": "SYN-DEMO-BE-005",
                "applicant": {"date_of_birth": "1992-07-07", "arrived_on": ago(120)},
                "applications": [*applied("ES", 110), *applied("BE", 9)],
                "entries": [{"date": ago(120), "state": "ES", "kind": "irregular_crossing"}],
                "eurodac_hits": [
                    {
                        "received_on": ago(9),
                        "category": "applicant",
                        "state": "ES",
                        "responsible_state": "ES",
                    }
                ],
            },
        ),
        # crossed into IT and applied there: IT is responsible, no request is needed
        DemoCase(
            "IT",
            {
                "case_id": "SYN-DEMO-IT-006",
                "applicant": {"date_of_birth": "1999-05-05", "arrived_on": ago(25)},
                "applications": applied("IT", 20),
                "entries": [{"date": ago(25), "state": "IT", "kind": "irregular_crossing"}],
            },
        ),
        # SE asks DE to take charge (a DE residence document): DE's reply is awaited
        DemoCase(
            "SE",
            {
                "case_id": "SYN-DEMO-SE-007",
                "applicant": {"date_of_birth": "1985-02-11", "arrived_on": ago(50)},
                "applications": applied("SE", 25),
                "documents": [
                    {
                        "kind": "residence_document",
                        "issuing_state": "DE",
                        "valid_from": ago(400),
                        "valid_to": ago(30),
                    }
                ],
            },
            ("take_charge", "DE", 5),
        ),
    ]


def load_dublin_demo(service: CycleService, tokens: dict[str, str]) -> list[str]:
    """Create the demo's SYNTHETIC Dublin cases with the holders' tokens (``tokens``: name →
    token, as :func:`eupact.cycle.demo.load_demo` returns them); their references. Nothing is
    created on a day too close to the date Part III applies for the cases' dates to be real."""
    today = service.clock().date()
    if today - dt.timedelta(days=OLDEST_DAYS) < APPLIES_FROM:
        return []
    cases = DublinCases(service.ctx)
    made = []
    for c in _cases(today):
        holder = service.authenticate(tokens[c.holder])
        ref = str(c.facts["case_id"])
        cases.create(holder, c.facts)
        if c.request is not None:
            kind, to, days = c.request
            sent = today - dt.timedelta(days=days)
            cases.send(holder, ref, kind, to, sent_on=sent)
        made.append(ref)
    return made


__all__ = ["load_dublin_demo"]
