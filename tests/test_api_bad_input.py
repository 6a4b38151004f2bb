"""A catalogue of bad inputs to the REST API: each is refused with the right status and a
problem+json naming the field and the rule, and leaves the database UNCHANGED (every table's
rows, and the audit chain's head).

Every case runs on SQLite; the cases marked ``pg`` run on PostgreSQL too. Cases marked
xfail(strict=True) document bugs that the case revealed; fix the bug, then drop the mark.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from eupact.cycle.phases import Phase
from eupact.cycle.service import hash_token
from eupact.cycle.service.tokens import OPERATOR, token_view
from eupact.cycle.store.models import TokenRow

from .api_support import YEAR, World, Worlds, assert_problem

Y = f"/cycles/{YEAR}"
DE_FIN = {"state": "DE", "kind": "financial", "amount": "1000"}  # a pledge DE does not have yet


@dataclass(frozen=True)
class Bad:
    """One bad request: who sends what in which scenario, and how it must be refused."""

    id: str
    scenario: str
    who: str | None
    method: str
    path: str  # formatted with the scenario's ids, e.g. {pledge_DE}
    status: int
    field: str
    rule: str
    body: Any = None  # sent as JSON
    raw: bytes | Callable[[], Iterator[bytes]] | None = None  # sent as is (application/json)
    headers: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[World], None] | None = None  # before the snapshot
    pg: bool = False  # also on PostgreSQL
    bug: str = ""  # xfail(strict=True) with this reason


def token_for(state: str) -> Callable[[World], None]:
    """A Member State token for ``state`` written straight into the database: `create_token`
    refuses unknown and unbound states, so this is how the service's own checks are reached."""

    def prepare(world: World) -> None:
        token = f"eup_test_{state}"
        with world.service.sessions() as session, session.begin():
            row = TokenRow(
                token_hash=hash_token(token),
                role="member_state",
                state=state,
                label=f"test {state}",
                created_at=dt.datetime.now(dt.UTC),
            )
            session.add(row)
            session.flush()
            # audited as the console would, so that `audit verify` finds the log complete
            world.service.uow.audit_as(
                session, *OPERATOR, "token.create", "-", f"token:{row.id}", None, token_view(row)
            )
        world.tokens[state] = token

    return prepare


def pledge_with_key(world: World) -> None:
    r = world.call("POST", f"{Y}/pledges", "DE", json=DE_FIN, headers={"Idempotency-Key": "k-1"})
    assert r.status_code == 201, r.text


def decide_assessed(world: World) -> None:
    world.decide(world.ids["deduction:assessed"])


def second_assessed_request_by_at(world: World) -> None:
    world.decide(world.ids["deduction:assessed"])  # AT's first request: granted
    second = world.deduction("AT")
    world.assess(second["id"])
    world.ids["deduction:second"] = second["id"]


def close_the_year(world: World) -> None:
    world.advance(Phase.CLOSED)


def padded_pledge() -> Iterator[bytes]:
    """A valid pledge followed by 70 KiB of JSON whitespace, streamed without Content-Length."""
    yield json.dumps(DE_FIN).encode()
    for _ in range(70):
        yield b" " * 1024


OVERSIZED = json.dumps({**DE_FIN, "note": "x" * (70 * 1024)}).encode()
CY_22 = ["CY"] * 22  # 22 × 'CY' joined by commas: 65 characters


CASES: list[Bad] = [
    # -- wrong types and unknown values ------------------------------------------------------
    Bad(
        "amount-abc",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "a number, e.g. 1200 or 1200.50",
        body={**DE_FIN, "amount": "abc"},
        pg=True,
    ),
    Bad(
        "year-x",
        "pledging",
        "DE",
        "POST",
        "/cycles/x/pledges",
        422,
        "year",
        "valid integer",
        body=DE_FIN,
    ),
    Bad(
        "kind-gift",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "kind",
        "'relocation', 'financial' or 'alternative'",
        body={**DE_FIN, "kind": "gift"},
    ),
    Bad(
        "state-XX",
        "pledging",
        "XX",
        "POST",
        f"{Y}/pledges",
        422,
        "state",
        "unknown Member State (use Eurostat geo codes; EL = Greece)",
        body={**DE_FIN, "state": "XX"},
        prepare=token_for("XX"),
    ),
    Bad(
        "state-GR-not-EL",
        "pledging",
        "GR",
        "POST",
        f"{Y}/pledges",
        422,
        "state",
        "EL = Greece",
        body={**DE_FIN, "state": "GR"},
        prepare=token_for("GR"),
    ),
    Bad(
        "requested-by-GR-not-EL",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "requested_by.0",
        "unknown Member State (use Eurostat geo codes; EL = Greece)",
        body={"state": "DE", "kind": "alternative", "amount": "5", "requested_by": ["GR"]},
    ),
    Bad(
        "denmark-is-not-bound",
        "pledging",
        "DK",
        "POST",
        f"{Y}/pledges",
        422,
        "state",
        "not bound by Part IV AMMR (recital 90, Protocol No 22)",
        body={**DE_FIN, "state": "DK"},
        prepare=token_for("DK"),
        pg=True,
    ),
    Bad(
        "pledge-for-another-state",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        403,
        "state",
        "acts only for itself",
        body={**DE_FIN, "state": "FR"},
    ),
    # -- amounts ------------------------------------------------------------------------------
    Bad(
        "amount-negative",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "must not be negative",
        body={**DE_FIN, "amount": "-5"},
    ),
    Bad(
        "relocations-fractional",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "relocations are whole persons",
        body={"state": "DE", "kind": "relocation", "amount": "2.5"},
    ),
    Bad(
        "amount-NaN-string",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "finite number",
        body={**DE_FIN, "amount": "NaN"},
    ),
    Bad(
        "amount-Infinity-string",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "finite number",
        body={**DE_FIN, "amount": "-Infinity"},
    ),
    Bad(
        "amount-1e400-string",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "without an exponent",
        body={**DE_FIN, "amount": "1e400"},
    ),
    Bad(
        "amount-NaN-literal",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "finite number",
        raw=b'{"state": "DE", "kind": "financial", "amount": NaN}',
    ),
    Bad(
        "amount-Infinity-literal",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "finite number",
        raw=b'{"state": "DE", "kind": "financial", "amount": Infinity}',
    ),
    Bad(
        "amount-1e400-literal",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "finite number",
        raw=b'{"state": "DE", "kind": "financial", "amount": 1e400}',
    ),
    Bad(
        "amount-below-a-cent",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "at most 2 decimals",
        body={**DE_FIN, "amount": "1000.005"},
    ),
    # -- the body as a whole -----------------------------------------------------------------
    Bad(
        "body-over-64KiB",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        413,
        "Content-Length",
        "at most 65536 bytes",
        raw=OVERSIZED,
        pg=True,
    ),
    Bad(
        "body-over-64KiB-chunked",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        413,
        "Content-Length",
        "at most 65536 bytes",
        raw=padded_pledge,
    ),
    Bad(
        "unknown-field",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "colour",
        "Extra inputs are not permitted",
        body={**DE_FIN, "colour": "red"},
    ),
    Bad(
        "missing-field",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "Field required",
        body={"state": "DE", "kind": "financial"},
    ),
    Bad(
        "not-json",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "1",
        "JSON decode error",
        raw=b"{state: DE}",
    ),
    # -- phases -------------------------------------------------------------------------------
    Bad(
        "pledge-before-pledging-opens",
        "opened",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "phase",
        "pledging exercise (Art. 13(3), 57(3) AMMR)",
        body=DE_FIN,
        pg=True,
    ),
    Bad(
        "pledge-after-pledging-closes",
        "closed",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "phase",
        "pledging exercise (Art. 13(3), 57(3) AMMR)",
        body=DE_FIN,
    ),
    Bad(
        "pledge-change-after-pledging-closes",
        "closed",
        "DE",
        "PUT",
        f"{Y}/pledges/{{pledge_DE}}",
        422,
        "phase",
        "pledging exercise",
        body={"state": "DE", "kind": "relocation", "amount": "1"},
        headers={"If-Match": '"1"'},
    ),
    # -- conflicts and idempotency ------------------------------------------------------------
    Bad(
        "duplicate-pledge",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        409,
        "kind",
        "DE already has a relocation pledge",
        body={"state": "DE", "kind": "relocation", "amount": "7"},
        pg=True,
    ),
    Bad(
        "idempotency-key-reused-for-another-body",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        409,
        "Idempotency-Key",
        "already used for a different request",
        body={**DE_FIN, "amount": "1001"},
        headers={"Idempotency-Key": "k-1"},
        prepare=pledge_with_key,
        pg=True,
    ),
    Bad(
        "idempotency-key-too-long",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "Idempotency-Key",
        "at most 128 characters",
        body=DE_FIN,
        headers={"Idempotency-Key": "k" * 129},
    ),
    # -- If-Match on PUT and DELETE ------------------------------------------------------------
    *[
        Bad(
            f"{method.lower()}-if-match-{name}",
            "pledging",
            "DE",
            method,
            f"{Y}/pledges/{{pledge_DE}}",
            status,
            "If-Match",
            rule,
            body={"state": "DE", "kind": "relocation", "amount": "300"}
            if method == "PUT"
            else None,
            headers=headers,
            pg=(method, name) == ("PUT", "stale"),
        )
        for method in ("PUT", "DELETE")
        for name, headers, status, rule in [
            ("missing", {}, 422, "send the ETag you read"),
            ("stale", {"If-Match": '"7"'}, 412, "the record is at version 1"),
            ("garbage", {"If-Match": "yesterday"}, 422, 'must be the ETag of the pledge, e.g. "3"'),
        ]
    ],
    Bad(
        "put-changes-the-kind",
        "pledging",
        "DE",
        "PUT",
        f"{Y}/pledges/{{pledge_DE}}",
        422,
        "kind",
        "a pledge keeps its state and type",
        body={"state": "DE", "kind": "financial", "amount": "300"},
        headers={"If-Match": '"1"'},
    ),
    Bad(
        "put-changes-the-state",
        "pledging",
        "DE",
        "PUT",
        f"{Y}/pledges/{{pledge_DE}}",
        403,
        "state",
        "acts only for itself",
        body={"state": "FR", "kind": "relocation", "amount": "300"},
        headers={"If-Match": '"1"'},
    ),
    # -- deductions ---------------------------------------------------------------------------
    Bad(
        "deduction-under-article-60",
        "act",
        "AT",
        "POST",
        f"{Y}/deductions",
        422,
        "article",
        "Input should be '61' or '62'",
        body={"state": "AT", "article": "60", "full": True},
    ),
    Bad(
        "deduction-art-61-by-a-benefitting-state",
        "act",
        "IT",
        "POST",
        f"{Y}/deductions",
        422,
        "article",
        "a state that made use of the pool (Art. 58) or notified its need to use it "
        "(Art. 59) cannot request a deduction under Art. 61(1)",
        body={"state": "IT", "article": "61", "full": True},
    ),
    Bad(
        "deduction-not-identified-not-self-assessed",
        "act",
        "DE",
        "POST",
        f"{Y}/deductions",
        422,
        "self_assessed",
        "not identified as facing a significant migratory situation",
        body={"state": "DE", "article": "62", "full": True},
    ),
    Bad(
        "deduction-of-more-relocations-than-pledged",
        "act",
        "DE",
        "POST",
        f"{Y}/deductions",
        422,
        "relocations",
        "partial deduction above the 100 relocations pledged by DE",
        body={
            "state": "DE",
            "article": "62",
            "full": False,
            "self_assessed": True,
            "relocations": 101,
        },
    ),
    Bad(
        "deduction-relocations-overflow",
        "act",
        "AT",
        "POST",
        f"{Y}/deductions",
        422,
        "relocations",
        "",
        body={"state": "AT", "article": "62", "full": True, "relocations": 10**19},
    ),
    Bad(
        "decision-without-council-act",
        "act",
        "council",
        "POST",
        f"{Y}/deductions/{{deduction_assessed}}/decision",
        422,
        "council_act",
        "Field required",
        body={"granted": True},
    ),
    Bad(
        "decision-with-a-blank-council-act",
        "act",
        "council",
        "POST",
        f"{Y}/deductions/{{deduction_assessed}}/decision",
        422,
        "council_act",
        "at least 1 character",
        body={"granted": True, "council_act": "   "},
    ),
    Bad(
        "decision-before-assessment",
        "act",
        "council",
        "POST",
        f"{Y}/deductions/{{deduction_requested}}/decision",
        422,
        "assessment",
        "after receiving the Commission's assessment",
        body={"granted": True, "council_act": "Council Implementing Decision (T)"},
    ),
    Bad(
        "double-decision",
        "act",
        "council",
        "POST",
        f"{Y}/deductions/{{deduction_assessed}}/decision",
        409,
        "status",
        "already decided",
        body={"granted": False, "council_act": "Council Implementing Decision (T2)"},
        prepare=decide_assessed,
        pg=True,
    ),
    Bad(
        "second-granted-deduction-for-a-state",
        "act",
        "council",
        "POST",
        f"{Y}/deductions/{{deduction_second}}/decision",
        409,
        "state",
        "already granted a deduction",
        body={"granted": True, "council_act": "Council Implementing Decision (T2)"},
        prepare=second_assessed_request_by_at,
    ),
    # -- offsets ------------------------------------------------------------------------------
    Bad(
        "offsets-requested-by-a-non-benefitting-state",
        "act",
        "DE",
        "POST",
        f"{Y}/offsets",
        422,
        "benefitting_state",
        "only a benefitting state requests offsets (Art. 63(1))",
        body={"benefitting_state": "DE", "contributing_state": "FR", "applications": 10},
    ),
    Bad(
        "offsets-from-unknown-state-XX",
        "act",
        "IT",
        "POST",
        f"{Y}/offsets",
        422,
        "contributing_state",
        "unknown Member State (use Eurostat geo codes; EL = Greece)",
        body={"benefitting_state": "IT", "contributing_state": "XX", "applications": 10},
    ),
    # IT's calls are obligatory offsets (Art. 63(3)): identified in full, no more, no fewer
    Bad(
        "reply-accepts-more-than-requested",
        "act",
        "DE",
        "POST",
        f"{Y}/offsets/{{offset_DE}}/reply",
        422,
        "accepted",
        "are the 100 called, no more (Art. 63(7))",
        body={"accepted": 101},
    ),
    Bad(
        "reply-declines-obligatory-offsets",
        "act",
        "DE",
        "POST",
        f"{Y}/offsets/{{offset_DE}}/reply",
        422,
        "accepted",
        "cannot be declined",
        body={"accepted": 0},
    ),
    Bad(
        "reply-accepts-fewer-obligatory-offsets",
        "act",
        "DE",
        "POST",
        f"{Y}/offsets/{{offset_DE}}/reply",
        422,
        "accepted",
        "Art. 69(2)'s reply, which may accept fewer, is for requests under Art. 63(1)-(2) only",
        body={"accepted": 99},
    ),
    Bad(
        "reply-by-the-wrong-state",
        "act",
        "FR",
        "POST",
        f"{Y}/offsets/{{offset_DE}}/reply",
        404,  # IT's request to DE is not FR's to see: it does not exist for FR
        "id",
        "no such offsets request",
        body={"accepted": 10},
    ),
    Bad(
        "reply-after-the-year-is-closed",
        "implementation",
        "DE",
        "POST",
        f"{Y}/offsets/{{offset_DE}}/reply",
        422,
        "phase",
        "",
        body={"accepted": 10},
        prepare=close_the_year,
    ),
    # -- implementation -----------------------------------------------------------------------
    Bad(
        "implementation-before-its-phase",
        "act",
        "DE",
        "POST",
        f"{Y}/implementation",
        422,
        "phase",
        "once the Technical-Level Forum runs (Art. 60 AMMR)",
        body={"state": "DE", "kind": "relocation", "benefitting_state": "IT", "amount": "5"},
    ),
    Bad(
        "implementation-of-relocations-names-a-benefitting-state",
        "implementation",
        "DE",
        "POST",
        f"{Y}/implementation",
        422,
        "benefitting_state",
        "only a financial contribution goes to the Union budget (Art. 64(1))",
        body={"state": "DE", "kind": "relocation", "amount": "5"},
    ),
    Bad(
        "implementation-for-GR-not-EL",
        "implementation",
        "DE",
        "POST",
        f"{Y}/implementation",
        422,
        "benefitting_state",
        "unknown Member State (use Eurostat geo codes; EL = Greece)",
        body={"state": "DE", "kind": "financial", "benefitting_state": "GR", "amount": "5"},
    ),
    # -- found when the running server was probed (Service v2, findings 2 and 6) -------------
    Bad(
        "requested-by-a-state-that-does-not-benefit",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "requested_by",
        "neither benefits nor was identified under migratory pressure in 2026 (CY, EL, ES, IT)",
        body={"state": "DE", "kind": "alternative", "amount": "5", "requested_by": ["FR"]},
    ),
    Bad(
        "offsets-from-a-benefitting-state",
        "act",
        "IT",
        "POST",
        f"{Y}/offsets",
        422,
        "contributing_state",
        "must be a contributing Member State bound by Part IV",
        body={"benefitting_state": "IT", "contributing_state": "EL", "applications": 10},
    ),
    Bad(
        "implementation-to-a-state-that-does-not-benefit",
        "implementation",
        "DE",
        "POST",
        f"{Y}/implementation",
        422,
        "benefitting_state",
        "solidarity goes to a benefitting Member State",
        body={"state": "DE", "kind": "financial", "benefitting_state": "FR", "amount": "5"},
    ),
    *(
        Bad(
            f"coordinator-records-implementation-for-{name}",
            "implementation",
            "coordinator",
            "POST",
            f"{Y}/implementation",
            422,
            field,
            rule,
            body={"state": state, "kind": "financial", "benefitting_state": "IT", "amount": "5"},
            pg=True,
        )
        for name, state, field, rule in (
            ("ZZ", "ZZ", "state", "unknown Member State"),
            ("DK", "DK", "state", "not bound by"),
            ("markup", "<s", "state", "two letters"),
            ("NUL", "D\x00", "state", "two letters"),
            ("itself", "IT", "benefitting_state", "not to the giver"),
        )
    ),
    Bad(
        "relocations-of-10-to-the-13",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "amount",
        "at most 1,000,000,000",
        body={"state": "DE", "kind": "relocation", "amount": str(10**13)},
        pg=True,
    ),
    Bad(
        "lone-surrogate-in-a-note",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "note",
        "",
        raw=b'{"state": "DE", "kind": "financial", "amount": "1", "note": "\\ud800"}',
        pg=True,
    ),
    Bad(
        "if-match-superscript-two",
        "pledging",
        "DE",
        "PUT",
        f"{Y}/pledges/{{pledge_DE}}",
        422,
        "If-Match",
        "ETag",
        body={"state": "DE", "kind": "relocation", "amount": "9"},
        headers={"If-Match": '"\xb2"'.encode("latin-1")},  # type: ignore[dict-item]
        pg=True,
    ),
    # -- the cycle ----------------------------------------------------------------------------
    Bad(
        "transition-by-an-observer",
        "opened",
        "observer",
        "POST",
        f"{Y}/transitions",
        403,
        "role",
        "'cycle.transition' is open to commission, coordinator, council only",
        body={"action": "adopt_report"},
    ),
    Bad(
        "transition-by-the-wrong-institution",
        "opened",
        "council",
        "POST",
        f"{Y}/transitions",
        403,
        "role",
        "only commission may adopt report (Art. 9(4) AMMR)",
        body={"action": "adopt_report"},
    ),
    Bad(
        "transition-in-the-wrong-phase",
        "opened",
        "council",
        "POST",
        f"{Y}/transitions",
        422,
        "phase",
        "'adopt_council_act' needs phase 'pledging_closed' (Art. 57(1) AMMR)",
        body={"action": "adopt_council_act"},
    ),
    Bad(
        "unknown-action",
        "opened",
        "commission",
        "POST",
        f"{Y}/transitions",
        422,
        "action",
        "Input should be 'adopt_report'",
        body={"action": "adopt_everything"},
    ),
    Bad(
        "transition-dated-9999-12-31",
        "opened",
        "commission",
        "POST",
        f"{Y}/transitions",
        422,
        "on",
        "",
        body={"action": "adopt_report", "on": "9999-12-31"},
    ),
    Bad(
        "unknown-year",
        "opened",
        "commission",
        "GET",
        "/cycles/2031",
        404,
        "year",
        "no cycle for this pool year",
    ),
    Bad(
        "transition-in-an-unknown-year",
        "opened",
        "council",
        "POST",
        "/cycles/2031/transitions",
        404,
        "year",
        "no cycle for this pool year",
        body={"action": "convene_forum"},
    ),
    Bad(
        "pledge-in-an-unknown-year",
        "pledging",
        "DE",
        "POST",
        "/cycles/2031/pledges",
        404,
        "year",
        "no cycle for this pool year",
        body=DE_FIN,
    ),
    Bad(
        "pledge-id-beyond-64-bits",
        "pledging",
        "commission",
        "GET",
        f"{Y}/pledges/{2**64}",
        422,
        "pledge_id",
        "less than or equal to 2147483647",
    ),
    # -- pagination and formats ---------------------------------------------------------------
    Bad(
        "limit-0",
        "pledging",
        "commission",
        "GET",
        f"{Y}/pledges?limit=0",
        422,
        "limit",
        "greater than or equal to 1",
    ),
    Bad(
        "limit-100000",
        "pledging",
        "commission",
        "GET",
        "/audit?limit=100000",
        422,
        "limit",
        "less than or equal to 1000",
    ),
    Bad(
        "offset-negative",
        "pledging",
        "commission",
        "GET",
        f"{Y}/pledges?offset=-1",
        422,
        "offset",
        "greater than or equal to 0",
    ),
    Bad(
        "format-xml",
        "pledging",
        "commission",
        "GET",
        f"{Y}/outcome?format=xml",
        422,
        "format",
        "Input should be 'json' or 'csv'",
    ),
]

# Bugs that only PostgreSQL shows: it enforces VARCHAR lengths and refuses NUL in text.
PG_ONLY: list[Bad] = [
    Bad(
        "requested-by-longer-than-its-column",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "requested_by",
        "",
        body={"state": "DE", "kind": "alternative", "amount": "5", "requested_by": CY_22},
    ),
    Bad(
        "note-with-a-NUL-character",
        "pledging",
        "DE",
        "POST",
        f"{Y}/pledges",
        422,
        "note",
        "",
        body={**DE_FIN, "note": "a\u0000b"},
    ),
]


def _param(backend: str, case: Bad) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=case.bug)] if case.bug else []
    return pytest.param(backend, case, id=f"{backend}-{case.id}", marks=marks)


PARAMS = (
    [_param("sqlite", c) for c in CASES]
    + [_param("postgresql", c) for c in CASES if c.pg]
    + [_param("postgresql", c) for c in PG_ONLY]
)


@pytest.fixture
def backend(request):
    return request.param


@pytest.fixture
def world_of(backend, request, tmp_path):
    worlds = Worlds(request, tmp_path)
    yield lambda scenario: worlds(backend, scenario)
    worlds.close()


def test_the_catalogue_is_complete():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES + PG_ONLY}) == len(CASES) + len(PG_ONLY)
    assert sum(1 for c in CASES if c.pg and not c.bug) == 16


@pytest.mark.parametrize(("backend", "case"), PARAMS, indirect=["backend"])
def test_bad_input_is_refused_and_changes_nothing(case: Bad, world_of):
    world = world_of(case.scenario)
    if case.prepare:
        case.prepare(world)
    before = world.snapshot()
    ids = {k.replace(":", "_"): v for k, v in world.ids.items()}
    kwargs: dict[str, Any] = {"headers": dict(case.headers)}
    if case.raw is not None:
        kwargs["content"] = case.raw() if callable(case.raw) else case.raw
        kwargs["headers"]["content-type"] = "application/json"
    elif case.body is not None:
        kwargs["json"] = case.body
    response = world.call(case.method, case.path.format_map(ids), case.who, **kwargs)
    assert_problem(response, case.status, case.field, case.rule)
    assert world.snapshot() == before, "the database changed"
    verdict = world.service.verify_audit()
    assert verdict["ok"], verdict
