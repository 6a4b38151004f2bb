"""Implementation accepted, started and carried over, and the January confirmations, in the
service and the API on both backends (Art. 60(3), 60(6), 63(5), 65(3), 67(9), 67(12) AMMR).

The world is :mod:`tests.test_service_monitoring`'s: DE is to implement 100 relocations and
EUR 1,000,000, and on 1 September 2026 recorded 40 relocations to IT and the EUR 1,000,000. The
2026 deadline is 31 December 2026; the confirmation window 1-31 January 2027; 63(5) offsets are
the relocations left unimplemented (``unimplemented_relocations``).

- Carry-over (65(3), 67(12)): a relocation accepted on 2026-12-20 and transferred on 2027-01-10
  counts for 2026 as carried over (10); one accepted on 2027-01-02 is late (5). Year-end offsets
  on 2027-01-10: 100 - (40 + 10) = 50.
- Accepted, not yet carried out (63(5), 67(9)): 30 relocations accepted on 2026-12-20 and not
  transferred by 2027-01-05 are open: not implemented (rate 40/100), but covered for the
  year-end offsets: 100 - (40 + 30) = 30 (without them: 60).
- 60(6): DE confirms on 2027-01-15: received; FR has not: due. A second DE confirmation is a
  conflict (409); FR confirming for DE is forbidden; FR confirming on 2027-02-02 is refused (the
  window closed on 2027-01-31), as is a confirmation before the window (2026-12-31).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from eupact.api.app import create_app
from eupact.cycle.permissions import Forbidden
from eupact.cycle.phases import Role
from eupact.errors import Conflict, EupactError
from eupact.pool.monitoring import ConfirmationStatus

from .databases import BACKENDS
from .test_service_monitoring import DE, FR, PARAMETERS, YEAR, A, C, F, R, _world, implemented

DEC20, JAN2, JAN5, JAN10 = (
    dt.date(2026, 12, 20),
    dt.date(2027, 1, 2),
    dt.date(2027, 1, 5),
    dt.date(2027, 1, 10),
)
JAN15, FEB2 = dt.date(2027, 1, 15), dt.date(2027, 2, 2)
LEVELS = {R: Decimal(40), A: Decimal(0), F: Decimal(1_000_000)}


@pytest.fixture(params=BACKENDS)
def world(request, tmp_path):
    yield from _world(request.param, tmp_path, PARAMETERS)


def test_art_65_3_67_12_accepted_in_the_year_carried_out_after_counts_as_carried_over(world):
    svc, clock = world
    implemented(svc, clock)
    clock.set(JAN10)
    done = svc.record_implementation(DE, YEAR, "DE", R, "IT", Decimal(10), started_on=DEC20)
    assert (done.started_on, done.accepted, done.on) == (DEC20, False, JAN10)
    svc.record_implementation(DE, YEAR, "DE", R, "IT", Decimal(5), started_on=JAN2)
    de = svc.monitoring(C, YEAR, JAN10).states["DE"]
    r = de.progress[R]
    assert (r.in_time, r.carried_over, r.late, r.open) == (40, 10, 5, 0)
    assert (de.year_end_covered, de.year_end_offsets) == (50, 50)
    assert svc.verify_audit()["ok"]


def test_art_63_5_67_9_accepted_not_yet_carried_out_reduces_the_year_end_offsets(world):
    svc, clock = world
    implemented(svc, clock)
    assert svc.monitoring(C, YEAR, JAN5).states["DE"].year_end_offsets == 60
    clock.set(DEC20)
    open_ = svc.record_implementation(DE, YEAR, "DE", R, "IT", Decimal(30), accepted=True)
    assert open_.accepted
    de = svc.monitoring(C, YEAR, JAN5).states["DE"]
    r = de.progress[R]
    assert (r.in_time, r.carried_over, r.open) == (40, 0, 30)
    assert r.implemented == 40
    assert (de.year_end_covered, de.year_end_offsets) == (70, 30)
    assert svc.verify_audit()["ok"]


def test_started_and_accepted_are_checked_by_the_pools_rules(world):
    svc, clock = world
    implemented(svc, clock)
    with pytest.raises(EupactError) as financial:
        svc.record_implementation(DE, YEAR, "DE", F, "", Decimal(10), accepted=True)
    assert [p.field for p in financial.value.problems] == ["accepted"]
    assert "64(1)" in financial.value.problems[0].rule
    later = dt.date(2026, 9, 2)
    with pytest.raises(EupactError) as after:
        svc.record_implementation(DE, YEAR, "DE", R, "IT", Decimal(1), started_on=later)
    assert [p.field for p in after.value.problems] == ["started_on"]
    with pytest.raises(EupactError) as before:
        svc.record_implementation(
            DE, YEAR, "DE", R, "IT", Decimal(1), started_on=dt.date(2025, 12, 31)
        )
    assert [p.field for p in before.value.problems] == ["started_on"]
    assert "60(3)" in before.value.problems[0].rule
    assert len(svc.list_implementation(C, YEAR)) == 2  # nothing recorded


def test_art_60_6_the_january_confirmation(world):
    svc, clock = world
    implemented(svc, clock)
    clock.set(dt.date(2026, 12, 31))
    with pytest.raises(EupactError) as early:
        svc.confirm_implementation(DE, YEAR, "DE", LEVELS)
    assert [p.field for p in early.value.problems] == ["confirmed_on"]
    assert "Art. 60(6)" in early.value.problems[0].rule
    clock.set(JAN15)
    with pytest.raises(Forbidden):
        svc.confirm_implementation(FR, YEAR, "DE", LEVELS)
    record = svc.confirm_implementation(DE, YEAR, "DE", LEVELS)
    assert (record.state, record.confirmed_on, record.relocations) == ("DE", JAN15, 40)
    assert (record.alternative_cents, record.financial_cents) == (0, 100_000_000)
    with pytest.raises(Conflict) as twice:
        svc.confirm_implementation(DE, YEAR, "DE", LEVELS)
    assert twice.value.http_status == 409
    seen = svc.monitoring(C, YEAR, dt.date(2027, 1, 20)).states
    assert seen["DE"].confirmation.status is ConfirmationStatus.RECEIVED
    assert seen["DE"].confirmation.received == JAN15
    assert seen["FR"].confirmation.status is ConfirmationStatus.DUE
    clock.set(FEB2)
    with pytest.raises(EupactError) as late:
        svc.confirm_implementation(FR, YEAR, "FR", {R: Decimal(0)})
    assert [p.field for p in late.value.problems] == ["confirmed_on"]
    assert "2027-01-31" in late.value.problems[0].rule
    assert svc.monitoring(C, YEAR, FEB2).states["FR"].confirmation.status is (
        ConfirmationStatus.LATE
    )
    log = [e.as_dict() for e in svc.audit_log(C, 0, 1000)[0]]
    assert [e["article"] for e in log if e["action"] == "confirmation.record"] == [
        "Art. 60(6) AMMR"
    ]
    assert svc.verify_audit()["ok"]


def test_api_started_accepted_and_confirmations(world):
    svc, clock = world
    implemented(svc, clock)
    clock.set(DEC20)  # tokens expire: made in the month they are used
    tokens = {s: svc.create_token(Role.MEMBER_STATE, s) for s in ("DE", "FR")}
    client = TestClient(create_app(svc))

    def post(who: str, path: str, body: dict[str, object]):
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        return client.post(f"/api/v1/cycles/{YEAR}/{path}", json=body, headers=headers)

    body = {"state": "DE", "kind": "relocation", "benefitting_state": "IT", "amount": "30"}
    made = post("DE", "implementation", {**body, "accepted": True, "started_on": "2026-12-19"})
    assert made.status_code == 201, made.text
    assert (made.json()["accepted"], made.json()["started_on"]) == (True, "2026-12-19")
    bad = post("DE", "implementation", {**body, "started_on": "2026-12-21"})
    assert bad.status_code == 422 and "started_on" in bad.text
    clock.set(JAN15)
    levels = {"state": "DE", "relocations": 40, "financial_eur": "1000000"}
    first = post("DE", "confirmations", levels)
    assert first.status_code == 201, first.text
    assert first.json()["financial_cents"] == 100_000_000
    assert post("DE", "confirmations", levels).status_code == 409
    assert post("FR", "confirmations", levels).status_code == 403
    clock.set(FEB2)
    late = post("FR", "confirmations", {"state": "FR"})
    assert late.status_code == 422 and "confirmed_on" in late.text
    assert svc.verify_audit()["ok"]
