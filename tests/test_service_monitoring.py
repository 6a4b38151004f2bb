"""Monitoring implementation in the service and the API, on both backends (Art. 60(3), 60(6),
63(5), 65(3), 67(12) AMMR). The clock is set by each test.

Hand-worked from :mod:`eupact.pool.monitoring`'s rules and the parameters in force: the 2026
deadline is 31 December 2026 (``implementation.non_financial_deadline`` "12-31"); the January
confirmation window is 1-31 January 2027 (``implementation.confirmation_month`` 1); one
relocation is worth EUR 20,000 (``pool.equivalence.relocation_eur``, Art. 12(3)); proportion
is read ``each_type_at_least_the_overall_rate`` with tolerance 0 and financial contributions left
out (``non_financial_only``); 63(5) offsets are the relocations left unimplemented
(``unimplemented_relocations``).

DE pledges 100 relocations and EUR 1,000,000; it does not benefit, so it is to implement all of
it. On 1 September 2026 it records 40 relocations (to IT, benefitting since 12 June) and
EUR 1,000,000 to the Union budget (Art. 64(1)).

- 30 September 2026: relocations 40/100 = 2/5 (40 %). Overall rate = (40 x 20,000) /
  (100 x 20,000 + 0 alternative) = 800,000 / 2,000,000 = 2/5 (financial left out). 2/5 < 2/5 - 0
  is false: not behind. The relocation deadline is due (60 left by 2026-12-31); financial
  contributions are excepted (not applicable), 1,000,000/1,000,000 = rate 1. No 63(5) offsets
  before the year end (``None``). Confirmation: upcoming (window opens 2027-01-01).
- 5 January 2027: relocations still 40/100: the deadline is missed (60 short); 63(5) offsets
  100 - 40 = 60. Confirmation due (within the January window, none recorded).
- With ``financial_counted`` = ``all_types`` on 30 September: overall = (800,000 + 1,000,000) /
  (2,000,000 + 1,000,000) = 3/5; relocations 2/5 < 3/5: behind; financial 1 ≥ 3/5: not.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from fastapi.testclient import TestClient

from eupact.api.app import create_app
from eupact.cycle.permissions import Actor, Forbidden
from eupact.cycle.phases import Action, Role
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.cycle.store.models import ImplementationRow
from eupact.errors import NotFound
from eupact.parameters import ParameterSet, load_parameters
from eupact.pool.benefit import Needs, UseOfPool
from eupact.pool.monitoring import ConfirmationStatus, DeadlineStatus
from eupact.pool.pledges import Pledge, PledgeKind

from .databases import BACKENDS, fresh_database

YEAR = 2026
R, A, F = PledgeKind.RELOCATION, PledgeKind.ALTERNATIVE, PledgeKind.FINANCIAL
C = Actor("c", Role.COMMISSION)
CO = Actor("co", Role.COUNCIL)
SC = Actor("sc", Role.COORDINATOR)
OB = Actor("ob", Role.OBSERVER)
DE = Actor("de", Role.MEMBER_STATE, "DE")
FR = Actor("fr", Role.MEMBER_STATE, "FR")
IT = Actor("it", Role.MEMBER_STATE, "IT")
PARAMETERS = load_parameters()
SEP1, SEP30, JAN5 = dt.date(2026, 9, 1), dt.date(2026, 9, 30), dt.date(2027, 1, 5)
PLEDGES = [(DE, R, 100), (DE, F, 1_000_000), (FR, R, 50)]


class Clock:
    """The service's clock, set by the test (UTC noon of ``day``)."""

    def __init__(self, day: dt.date) -> None:
        self.set(day)

    def set(self, day: dt.date) -> None:
        self.now = dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def _world(backend: str, tmp_path, parameters: ParameterSet):
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        clock = Clock(dt.date(2025, 11, 11))
        yield CycleService(sessions(engine), parameters=parameters, clock=clock), clock
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def world(request, tmp_path):
    """A service on a fresh database of each backend, and its clock."""
    yield from _world(request.param, tmp_path, PARAMETERS)


@pytest.fixture(params=BACKENDS)
def all_types_world(request, tmp_path):
    """As ``world``, with financial contributions counted in proportion (the other reading of
    Art. 60(3), second subparagraph)."""
    readings = {"implementation.proportion.financial_counted": "all_types"}
    yield from _world(request.param, tmp_path, load_parameters().with_readings(readings))


BEFORE = [
    (Action.ADOPT_REPORT, C, dt.date(2025, 11, 11)),
    (Action.ADOPT_DECISION, C, dt.date(2025, 11, 11)),
    (Action.ADOPT_PROPOSAL, C, dt.date(2025, 11, 11)),
    (Action.CONVENE_FORUM, CO, dt.date(2025, 11, 18)),
    (Action.OPEN_PLEDGING, CO, dt.date(2025, 11, 27)),
]
AFTER = [
    (Action.CLOSE_PLEDGING, CO, dt.date(2025, 12, 8)),
    (Action.ADOPT_COUNCIL_ACT, CO, dt.date(2025, 12, 19)),
]


def pledging(svc: CycleService, clock: Clock) -> None:
    """The 2026 cycle to the pledging exercise, with :data:`PLEDGES` (before the act)."""
    clock.set(dt.date(2025, 11, 27))
    svc.create_cycle(C, YEAR)
    for action, who, on in BEFORE:
        svc.transition(who, YEAR, action, on)
    for who, kind, amount in PLEDGES:
        svc.create_pledge(who, YEAR, Pledge(str(who.state), kind, Decimal(amount)))


def implemented(svc: CycleService, clock: Clock) -> None:
    """Through the Council act; IT informs that it uses the pool on 12 June 2026 (Art. 58(1)),
    the Technical-Level Forum runs, and on 1 September DE records 40 relocations to IT and
    EUR 1,000,000 to the Union budget."""
    pledging(svc, clock)
    for action, who, on in AFTER:
        svc.transition(who, YEAR, action, on)
    clock.set(dt.date(2026, 6, 12))
    svc.inform_use_of_pool(IT, YEAR, UseOfPool("IT", dt.date(2026, 6, 12), Needs(1000)))
    svc.transition(SC, YEAR, Action.START_IMPLEMENTATION, dt.date(2026, 6, 12))
    clock.set(SEP1)
    svc.record_implementation(DE, YEAR, "DE", R, "IT", Decimal(40))
    svc.record_implementation(DE, YEAR, "DE", F, "", Decimal(1_000_000))


# -- the service ---------------------------------------------------------------------------------


def test_art_60_3_during_the_year_in_proportion_and_due(world):
    """30 September 2026: 40 % of the relocations, as the overall rate (financial left out): in
    proportion; the relocations are due by 31 December; the money is excepted (Art. 60(3))."""
    svc, clock = world
    implemented(svc, clock)
    clock.set(dt.date(2026, 10, 15))  # ``on`` decides, not the clock
    m = svc.monitoring(C, YEAR, SEP30)
    assert (m.as_of, m.deadline) == (SEP30, dt.date(2026, 12, 31))
    de = m.states["DE"]
    r, f, a = de.progress[R], de.progress[F], de.progress[A]
    assert (r.to_implement, r.implemented, r.rate) == (100, 40, Fraction(2, 5))
    assert de.overall_rate == Fraction(2, 5) and r.benchmark == Fraction(2, 5)
    assert not r.behind and de.behind == ()
    assert (r.deadline, r.reason) == (DeadlineStatus.DUE, "60 left to implement by 2026-12-31")
    assert (f.to_implement, f.implemented, f.rate) == (1_000_000, 1_000_000, Fraction(1))
    assert f.deadline is DeadlineStatus.NOT_APPLICABLE and f.benchmark is None
    assert (a.to_implement, a.rate, a.deadline) == (0, None, DeadlineStatus.NOT_APPLICABLE)
    assert de.as_dict()["year_end_offsets"] is None  # requested after the year end only
    assert de.confirmation.status is ConfirmationStatus.UPCOMING
    # FR pledged 50 relocations and recorded none: 0 of 50, the rate 0 as its overall rate.
    fr = m.states["FR"]
    assert (fr.progress[R].rate, fr.overall_rate, fr.behind) == (0, 0, ())
    # IT benefits (Art. 60(3)): nothing to implement.
    assert m.states["IT"].targets.exemption
    # The pool: 40 of 150 relocations; all the money pledged.
    assert m.pool_rates[R] == Fraction(40, 150) and m.pool_rates[F] == 1


def test_art_60_3_a_record_after_the_date_is_not_yet_known(world):
    """On 31 August 2026 (the day before DE's records) nothing is implemented."""
    svc, clock = world
    implemented(svc, clock)
    de = svc.monitoring(C, YEAR, dt.date(2026, 8, 31)).states["DE"]
    assert (de.progress[R].implemented, de.progress[F].implemented) == (0, 0)
    assert de.overall_rate == 0


def test_art_63_5_after_the_year_the_deadline_is_missed_and_offsets_open(world):
    """5 January 2027: 60 relocations short after 31 December: missed; the benefitting state may
    ask DE for 100 - 40 = 60 offsets (Art. 63(5)); the confirmation is due (Art. 60(6))."""
    svc, clock = world
    implemented(svc, clock)
    clock.set(JAN5)
    m = svc.monitoring(C, YEAR)  # default: today
    assert m.as_of == JAN5
    de = m.states["DE"]
    r = de.progress[R]
    assert (r.deadline, r.reason) == (DeadlineStatus.MISSED, "60 short after 2026-12-31")
    assert de.year_end_offsets == 60 and de.as_dict()["year_end_offsets"] == 60
    assert not r.behind  # 2/5 is still the overall rate
    assert de.confirmation.status is ConfirmationStatus.DUE
    assert m.states["FR"].year_end_offsets == 50
    assert "Art. 63(5)" in m.explain("DE", "year_end_offsets").article


def test_art_60_3_with_financial_counted_the_relocations_are_behind(all_types_world):
    """[reading] financial_counted = all_types: overall (800,000 + 1,000,000) / 3,000,000 = 3/5;
    relocations at 2/5 are behind proportion; the money (1) is not."""
    svc, clock = all_types_world
    implemented(svc, clock)
    de = svc.monitoring(C, YEAR, SEP30).states["DE"]
    assert de.overall_rate == Fraction(3, 5)
    assert de.progress[R].behind and not de.progress[F].behind
    assert de.behind == (R,)


def test_art_60_3_a_record_dated_before_the_pool_year_does_not_count(world):
    """Art. 60(3): pledges for a year are implemented in that year. A record dated before it (the
    record operation does not refuse one yet) is left out instead of refusing the whole read."""
    svc, clock = world
    implemented(svc, clock)
    with svc.sessions.begin() as session:
        session.add(
            ImplementationRow(
                year=YEAR,
                state="DE",
                kind="relocation",
                benefitting_state="IT",
                relocations=10,
                amount_cents=0,
                on=dt.date(2025, 12, 31),
            )
        )
    assert svc.monitoring(C, YEAR, SEP30).states["DE"].progress[R].implemented == 40


def test_monitoring_is_read_by_everyone_after_the_act(world):
    svc, clock = world
    implemented(svc, clock)
    for who in (C, CO, SC, OB, DE, FR, IT):
        m = svc.monitoring(who, YEAR, SEP30)
        assert m.states["DE"].progress[R].implemented == 40, who
        assert len(m.states) > 20


def test_art_12_6_before_the_act_observers_are_refused_states_see_their_own_row(world):
    """Before the Council act the monitoring follows the outcome's embargo: refused to observers
    and the Coordinator, as the outcome is; a Member State sees its own state only, without
    pool-wide rates; the Commission and the Council see every state."""
    svc, clock = world
    pledging(svc, clock)
    for who in (OB, SC):
        with pytest.raises(Forbidden) as refused:
            svc.monitoring(who, YEAR)
        with pytest.raises(Forbidden) as outcome:
            svc.outcome(who, YEAR)
        assert refused.value.problems == outcome.value.problems
        problem = refused.value.problems[0]
        assert problem.field == "phase" and "RESTREINT UE until the Council act" in problem.rule
    own = svc.monitoring(DE, YEAR)
    assert list(own.states) == ["DE"] and set(own.pool_rates.values()) == {None}
    assert own.states["DE"].progress[R].to_implement == 100
    assert "FR" in svc.monitoring(C, YEAR).states


def test_an_unknown_year_is_not_found(world):
    svc, _ = world
    with pytest.raises(NotFound) as none:
        svc.monitoring(C, 2031)
    assert none.value.problems[0].field == "year"


# -- the API -------------------------------------------------------------------------------------


def client_of(svc: CycleService) -> tuple[TestClient, dict[str, dict[str, str]]]:
    tokens = {
        "commission": svc.create_token(Role.COMMISSION),
        "observer": svc.create_token(Role.OBSERVER),
        "DE": svc.create_token(Role.MEMBER_STATE, "DE"),
    }
    headers = {who: {"Authorization": f"Bearer {t}"} for who, t in tokens.items()}
    return TestClient(create_app(svc)), headers


def test_api_monitoring_at_a_date(world):
    svc, clock = world
    implemented(svc, clock)
    client, auth = client_of(svc)
    path = f"/api/v1/cycles/{YEAR}/monitoring"
    r = client.get(f"{path}?on=2026-09-30", headers=auth["observer"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["as_of"], body["deadline"]) == ("2026-09-30", "2026-12-31")
    de = next(s for s in body["states"] if s["state"] == "DE")
    reloc, money = de["types"]["relocation"], de["types"]["financial"]
    assert (reloc["to_implement"], reloc["implemented"], reloc["rate"]) == ("100", "40", "2/5")
    assert (reloc["benchmark"], reloc["behind"], reloc["deadline"]) == ("2/5", False, "due")
    assert de["overall_rate"] == "2/5" and de["year_end_offsets"] is None
    assert (money["implemented"], money["rate"], money["deadline"]) == (
        "1000000.00",
        "1",
        "not applicable",
    )
    assert de["confirmation"] == "upcoming"
    after = client.get(f"{path}?on=2027-01-05", headers=auth["DE"]).json()
    de = next(s for s in after["states"] if s["state"] == "DE")
    assert de["types"]["relocation"]["deadline"] == "missed" and de["year_end_offsets"] == 60
    assert de["confirmation"] == "due"


def test_api_monitoring_refuses_a_bad_date_naming_the_field(world):
    svc, clock = world
    implemented(svc, clock)
    client, auth = client_of(svc)
    for bad in ("2026-13-01", "30.09.2026", "2026-09-30T00:00", "1999-01-01"):
        r = client.get(f"/api/v1/cycles/{YEAR}/monitoring?on={bad}", headers=auth["commission"])
        assert r.status_code == 422, (bad, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        error = r.json()["errors"][0]
        assert error["field"].endswith("on") and error["rule"], (bad, error)


def test_api_monitoring_before_the_act_answers_as_the_outcome(world):
    svc, clock = world
    pledging(svc, clock)
    client, auth = client_of(svc)
    for who in ("observer", "DE", "commission"):
        monitoring = client.get(f"/api/v1/cycles/{YEAR}/monitoring", headers=auth[who])
        outcome = client.get(f"/api/v1/cycles/{YEAR}/outcome", headers=auth[who])
        assert monitoring.status_code == outcome.status_code, who
    refused = client.get(f"/api/v1/cycles/{YEAR}/monitoring", headers=auth["observer"])
    assert refused.status_code == 403 and refused.json()["title"] == "embargoed"
    assert refused.json() == client.get(
        f"/api/v1/cycles/{YEAR}/outcome", headers=auth["observer"]
    ).json() | {"instance": refused.json().get("instance")}
    own = client.get(f"/api/v1/cycles/{YEAR}/monitoring", headers=auth["DE"]).json()
    assert [s["state"] for s in own["states"]] == ["DE"]
    assert client.get(f"/api/v1/cycles/{YEAR}/monitoring").status_code == 401


# -- the dashboard -------------------------------------------------------------------------------


def implementation_table(html: str) -> list[list[str]]:
    """The cells of the pool page's implementation table, one list per row (tags stripped)."""
    table = html.split('id="implementation-table"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_pool_page_shows_each_states_implementation(world):
    """The pool page's "Implementation (Art. 60(3))" table as of today: DE's relocations 40 of
    100 (40 %, compared with its overall 40 %: in proportion), due by 31 December; its money
    1,000,000 of 1,000,000, excepted from the deadline; after the year the relocations are missed
    and 60 offsets may be requested (Art. 63(5)). States with nothing to implement are left out."""
    svc, clock = world
    implemented(svc, clock)
    clock.set(SEP30)
    client = TestClient(create_app(svc))
    html = client.get(f"/pool?year={YEAR}").text
    assert "Implementation (Art. 60(3))" in html
    assert "on 2026-09-30; non-financial pledges are due by 2026-12-31" in html
    rows = implementation_table(html)
    assert rows[0][:7] == ["Germany DE", "Relocation", "100", "40", "40.0", "40.0", "in proportion"]
    assert rows[0][7:] == ["to be implemented by the deadline", "–"]
    assert rows[1] == [
        "Germany DE",
        "Financial contribution",
        "1,000,000.00",
        "1,000,000.00",
        "100.0",
        "–",
        "not checked",
        "not applicable",
        "–",
    ]
    assert rows[2][:4] == ["France FR", "Relocation", "50", "0"]
    assert len(rows) == 3  # IT benefits; the others pledged nothing
    assert "may be requested after 2026-12-31" in html
    clock.set(JAN5)
    rows = implementation_table(client.get(f"/pool?year={YEAR}").text)
    assert rows[0][7:] == ["missed", "60"] and rows[2][7:] == ["missed", "50"]
    french = client.get(f"/pool?year={YEAR}&lang=fr").text
    assert "Mise en œuvre (art. 60, par. 3)" in french and "manquée" in french
    german = client.get(f"/pool?year={YEAR}&lang=de").text
    assert "Umsetzung (Art. 60 Abs. 3)" in german and "versäumt" in german


def test_pool_page_has_no_implementation_section_before_the_act(world):
    svc, clock = world
    pledging(svc, clock)
    client = TestClient(create_app(svc))
    assert "implementation-table" not in client.get(f"/pool?year={YEAR}").text


def test_every_deadline_status_has_a_label():
    from eupact.web.labels import DEADLINES

    assert set(DEADLINES) == {str(s) for s in DeadlineStatus}
