"""The Council's votes in the annual cycle (eupact.pool.council), hand-worked on the snapshot's
population on 1 January 2024 (Eurostat demo_pjan), the figures the 2026 pool's reference key
rests on.

The rules: a qualified majority among the members taking part (Denmark does not: Protocol No 22,
Art. 1; recital 90) is at least 55 % of the 26 participating members, ⌈0.55 × 26⌉ = ⌈14.3⌉ = 15,
representing at least 65 % of their population (Art. 238(3)(a) TFEU); a blocking minority needs
at least the fewest members representing more than 35 % of that population, plus one, failing
which the qualified majority is deemed attained. A simple majority is more than half: 14 of 26
(Art. 238(1) TFEU). The act establishing the pool needs a qualified majority (Art. 57(1) AMMR),
reconvening the Forum a simple one (Art. 13(4)).

Population of the 26 participating states: 443,528,613; 65 % of it is 288,293,598.45 and 35 % is
155,235,014.55. Largest first: DE 83,456,045; FR 68,669,303; IT 58,971,230; ES 48,619,695;
PL 36,620,970. DE + FR = 152,125,348 (34.2989 %, not more than 35 %); DE + FR + IT = 211,096,578
(47.5948 %): the fewest members representing more than 35 % are 3, so a blocking minority needs 4.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Action, Phase, Role
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.data.snapshot import load_snapshot
from eupact.errors import EupactError
from eupact.parameters import load_parameters
from eupact.pool.council import CouncilDecision, Majority, Vote, council_vote, majority_for
from eupact.pool.pledges import Deduction

from .api_support import YEAR, Worlds, assert_problem
from .databases import BACKENDS, fresh_database

PARAMETERS = load_parameters()
ACT_DAY = dt.date(2025, 12, 19)  # Council Implementing Decision (EU) 2025/2642
PARAMS = PARAMETERS.at(ACT_DAY)

# Printed once from load_snapshot().find("population", "2024-01-01") (demo_pjan, vintage early
# 2026), the 26 states bound by Part IV, largest first; test_the_figures_are_the_snapshots holds
# them equal to the data.
POPULATION = {
    "DE": 83_456_045,
    "FR": 68_669_303,
    "IT": 58_971_230,
    "ES": 48_619_695,
    "PL": 36_620_970,
    "RO": 19_067_576,
    "NL": 17_942_942,
    "BE": 11_817_096,
    "CZ": 10_900_555,
    "PT": 10_639_726,
    "SE": 10_551_707,
    "EL": 10_375_764,
    "HU": 9_584_627,
    "AT": 9_158_750,
    "BG": 6_445_481,
    "FI": 5_603_851,
    "SK": 5_424_687,
    "IE": 5_351_681,
    "HR": 3_861_967,
    "LT": 2_885_891,
    "SI": 2_123_949,
    "LV": 1_878_575,
    "EE": 1_374_687,
    "CY": 966_365,
    "LU": 672_050,
    "MT": 563_443,
}
TOTAL = 443_528_613
LARGEST = tuple(POPULATION)  # already largest first
SMALLEST_11 = LARGEST[-11:]  # FI SK IE HR LT SI LV EE CY LU MT: 30,707,146


def others(*states: str) -> tuple[str, ...]:
    return tuple(g for g in LARGEST if g not in states)


def qmv(vote: Vote, populations: dict[str, int] | None = None):
    return council_vote(vote, CouncilDecision.POOL_ACT, PARAMS, populations or POPULATION)


def simple(vote: Vote, params=PARAMS):
    return council_vote(vote, CouncilDecision.RECONVENE_FORUM, params)


# -- the inputs ------------------------------------------------------------------------------------


def test_the_figures_are_the_snapshots():
    series = load_snapshot().find("population", "2024-01-01")
    bound = tuple(PARAMS("scope.bound_member_states"))
    assert sorted(bound) == sorted(POPULATION) and "DK" not in bound and len(bound) == 26
    assert {g: int(series[g]) for g in bound} == POPULATION
    assert sum(POPULATION.values()) == TOTAL
    assert sum(POPULATION[g] for g in SMALLEST_11) == 30_707_146


def test_which_majority_each_decision_needs():
    """Art. 57(1): qualified; Art. 13(4): "by simple majority"; Art. 59(6), 61(4), 62(5):
    implementing acts naming no majority, hence qualified (Art. 16(3) TEU)."""
    expected = {
        CouncilDecision.POOL_ACT: (Majority.QUALIFIED, "Art. 57(1)"),
        CouncilDecision.RECONVENE_FORUM: (Majority.SIMPLE, "Art. 13(4)"),
        CouncilDecision.REFUSAL_OF_ACCESS: (Majority.QUALIFIED, "Art. 59(6)"),
        CouncilDecision.DEDUCTION_AUTHORISATION: (Majority.QUALIFIED, "Art. 61(4)"),
    }
    for decision, (majority, article) in expected.items():
        assert majority_for(decision, PARAMS) is majority
        assert PARAMS.cite(f"council.majority.{decision}").startswith(article)
    assert "62(5)" in PARAMS.entry("council.majority.deduction_authorisation").reference.note
    assert (PARAMS("council.qmv.members_share"), PARAMS("council.qmv.population_share")) == (
        Fraction(55, 100),
        Fraction(65, 100),
    )
    reading = PARAMETERS["council.simple_majority.members"]
    assert reading.is_reading and {a.name for a in reading.alternatives} == {
        "participating",
        "component",
    }


# -- qualified majority (Art. 57(1) AMMR, Art. 238(3)(a) TFEU) ---------------------------------------


def test_all_26_for_is_reached():
    """26 ≥ 15 members; 443,528,613 / 443,528,613 = 100 % ≥ 65 %."""
    result = qmv(Vote(LARGEST))
    assert result.reached and not result.deemed
    assert (result.members_for, result.members_needed, result.population_for) == (26, 15, TOTAL)


def test_15_states_with_65_4802_percent_is_reached():
    """DE + FR + IT + ES = 259,716,273, with the 11 smallest (30,707,146): 290,423,419 for.
    290,423,419 / 443,528,613 = 65.4802 % ≥ 65 % (above 288,293,598.45); 15 ≥ 15 members."""
    vote = Vote(
        ("DE", "FR", "IT", "ES", *SMALLEST_11), others("DE", "FR", "IT", "ES", *SMALLEST_11)
    )
    result = qmv(vote)
    assert result.members_for == 15 and result.population_for == 290_423_419
    assert result.population_share_for == Fraction(290_423_419, TOTAL) > Fraction(65, 100)
    assert result.reached and not result.deemed
    assert "65.4802 %" in result.why() and result.why().endswith("reached")


def test_15_states_with_62_7749_percent_is_not_reached():
    """PL for ES: DE + FR + IT + PL = 247,717,548, with the 11 smallest: 278,424,694 for.
    278,424,694 / 443,528,613 = 62.7749 % < 65 %. The 11 not in favour (ES and RO ... BG) hold
    165,103,919 = 37.2251 % > 35 %, and 11 ≥ 4 members: a blocking minority."""
    in_favour = ("DE", "FR", "IT", "PL", *SMALLEST_11)
    result = qmv(Vote(in_favour, others(*in_favour)))
    assert result.members_for == 15 and result.population_for == 278_424_694
    assert result.members_rule_met and not result.population_rule_met
    assert result.blocking_minority and not result.reached
    assert "62.7749 %" in result.why() and "37.2251 %" in result.why()


def test_14_states_are_too_few_whatever_their_population():
    """The 14 largest hold 406,375,986 = 91.6234 % ≥ 65 %, but 14 < ⌈0.55 × 26⌉ = 15."""
    result = qmv(Vote(LARGEST[:14], LARGEST[14:]))
    assert result.population_for == 406_375_986 and result.population_rule_met
    assert not result.members_rule_met and not result.reached
    assert "14 members are fewer than 15" in result.why()
    # the 15th largest, BG (6,445,481), makes it 15 members: reached
    assert qmv(Vote(LARGEST[:15], LARGEST[15:])).reached


def test_three_large_states_cannot_block():
    """DE, FR and IT against: 211,096,578 = 47.5948 % > 35 %, so the 23 for hold 232,432,035 =
    52.4052 % < 65 %; but a blocking minority needs 3 + 1 = 4 members: the qualified majority is
    deemed attained (23 ≥ 15)."""
    result = qmv(Vote(others("DE", "FR", "IT"), ("DE", "FR", "IT")))
    assert result.population_for == 232_432_035 and not result.population_rule_met
    assert (result.blocking_minimum, result.blocking_needed) == (3, 4)
    assert not result.blocking_minority and result.deemed and result.reached
    assert "deemed attained" in result.why()
    assert result.explain().value == "reached (deemed attained: no blocking minority)"


def test_a_fourth_member_makes_the_blocking_minority():
    """DE, FR, IT against and MT (563,443) abstaining: 4 members not in favour with 211,660,021 =
    47.7218 % > 35 %: a blocking minority; the 22 for hold 52.2782 %: not reached. An abstention
    counts as not in favour, and so does a state that did not vote."""
    abstaining = qmv(Vote(others("DE", "FR", "IT", "MT"), ("DE", "FR", "IT"), ("MT",)))
    assert abstaining.population_for == TOTAL - 211_660_021
    assert abstaining.blocking_minority and not abstaining.reached
    absent = qmv(Vote(others("DE", "FR", "IT", "MT"), ("DE", "FR", "IT")))
    assert absent.not_voting == ("MT",) and not absent.reached


def test_the_blocking_minimum_follows_the_population():
    """With DE 200 million larger the fewest members above 35 % are DE alone (283,456,045 of
    643,528,613 = 44.05 %): a blocking minority needs 2, and DE with FR blocks."""
    populations = {**POPULATION, "DE": POPULATION["DE"] + 200_000_000}
    result = qmv(Vote(others("DE", "FR"), ("DE", "FR")), populations)
    assert (result.blocking_minimum, result.blocking_needed) == (1, 2)
    assert result.blocking_minority and not result.reached


# -- simple majority (Art. 13(4) AMMR, Art. 238(1) TFEU) ---------------------------------------------


def test_simple_majority_is_14_of_26():
    """More than half of 26: ⌊13⌋ + 1 = 14. 14 for, 12 against: reached; 13 for, 13 against: not;
    13 for, 13 abstaining: not (abstentions are not in favour). No population is needed."""
    assert simple(Vote(LARGEST[:14], LARGEST[14:])).reached
    tie = simple(Vote(LARGEST[:13], LARGEST[13:]))
    assert (tie.members_for, tie.members_needed, tie.reached) == (13, 14, False)
    assert not simple(Vote(LARGEST[:13], (), LARGEST[13:])).reached
    # the smallest 14 are as good as the largest 14: members count, not population
    assert simple(Vote(LARGEST[-14:])).reached
    assert "more than half of the 26 participating members, 14 in favour" in tie.why()


def test_simple_majority_of_the_component_members_is_also_14():
    """[reading] council.simple_majority.members = component: more than half of 27, ⌊13.5⌋ + 1
    = 14; Denmark, taking no part, is simply not in favour."""
    params = PARAMETERS.with_readings({"council.simple_majority.members": "component"}).at(ACT_DAY)
    result = simple(Vote(LARGEST[:14], LARGEST[14:]), params)
    assert (result.members_base, result.members_needed, result.reached) == (27, 14, True)
    assert not simple(Vote(LARGEST[:13], LARGEST[13:]), params).reached


# -- refused votes ---------------------------------------------------------------------------------


def test_denmark_has_no_vote():
    """Protocol No 22, Art. 1: Denmark does not take part in adopting these acts."""
    with pytest.raises(EupactError) as refused:
        qmv(Vote(("DK", *LARGEST)))
    (problem,) = refused.value.problems
    assert (problem.field, problem.value) == ("vote.for", "DK")
    assert "Protocol No 22" in problem.rule


def test_a_state_votes_once():
    with pytest.raises(EupactError) as refused:
        simple(Vote(LARGEST[:14], ("DE", *LARGEST[14:])))
    (problem,) = refused.value.problems
    assert (problem.field, problem.value) == ("vote.against", "DE")
    assert "votes once" in problem.rule and "'for'" in problem.rule


def test_every_problem_is_named_at_once():
    with pytest.raises(EupactError) as refused:
        qmv(Vote(("XX", "DE"), ("DE",), ("DK",)))
    assert [(p.field, p.value) for p in refused.value.problems] == [
        ("vote.for", "XX"),
        ("vote.against", "DE"),
        ("vote.abstain", "DK"),
    ]


def test_a_qualified_majority_needs_every_population():
    missing = {g: v for g, v in POPULATION.items() if g != "MT"}
    with pytest.raises(EupactError, match="MT") as refused:
        qmv(Vote(LARGEST), missing)
    assert refused.value.problems[0].field == "population"


def test_a_failing_vote_is_refused_naming_the_rule_and_the_numbers():
    result = qmv(Vote(LARGEST[:14], LARGEST[14:]))
    with pytest.raises(EupactError) as refused:
        result.require()
    (problem,) = refused.value.problems
    assert (problem.field, problem.value) == ("vote", "14 for, 12 against, 0 abstaining")
    for words in ("qualified majority", "Art. 57(1)", "Art. 238(3)(a) TFEU", "15 of the 26"):
        assert words in problem.rule


def test_explain_gives_the_article_formula_and_population_shares():
    explanation = qmv(Vote(others("DE", "FR", "IT"), ("DE", "FR", "IT"))).explain()
    assert "Art. 57(1)" in explanation.article and "Protocol No 22" in explanation.article
    assert explanation.inputs["population of the participating states"] == "443,528,613"
    assert explanation.inputs["population of the members for"] == "232,432,035 (52.4052 %)"
    assert explanation.inputs["members a blocking minority needs"] == "4"
    assert explanation.inputs["population DE"] == "83,456,045 (18.8164 %)"
    assert {p.name for p in explanation.parameters} >= {
        "council.majority.pool_act",
        "council.qmv.members_share",
        "council.blocking.extra_members",
    }
    assert "⌈55 % × participating⌉" in explanation.formula
    assert "deemed attained" in explanation.render()


# -- the service: the Council act and the reconvened Forum ------------------------------------------

C = Actor("c", Role.COMMISSION)
CO = Actor("co", Role.COUNCIL)
BEFORE_ACT = [
    (Action.ADOPT_REPORT, C, dt.date(2025, 11, 11)),
    (Action.ADOPT_DECISION, C, dt.date(2025, 11, 11)),
    (Action.ADOPT_PROPOSAL, C, dt.date(2025, 11, 11)),
    (Action.CONVENE_FORUM, CO, dt.date(2025, 11, 18)),
    (Action.OPEN_PLEDGING, CO, dt.date(2025, 11, 27)),
    (Action.CLOSE_PLEDGING, CO, dt.date(2025, 12, 8)),
]


@pytest.fixture(params=BACKENDS)
def service(request, tmp_path):
    """The 2026 cycle with pledging closed, on a fresh database of each backend."""
    with fresh_database(request.param, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        day = dt.datetime(2025, 12, 19, 12, tzinfo=dt.UTC)
        svc = CycleService(sessions(engine), parameters=PARAMETERS, clock=lambda: day)
        svc.create_cycle(C, YEAR)
        for action, who, on in BEFORE_ACT:
            svc.transition(who, YEAR, action, on)
        yield svc
        engine.dispose()


def last_after(svc: CycleService) -> dict:
    total = svc.audit_log(C, 0, 1)[1]
    return svc.audit_log(C, total - 1, 1)[0][0].as_dict()["after"]


def test_service_refuses_an_act_without_its_majority_and_audits_the_vote(service):
    """14 for: refused, the cycle stays before the act; 23 for (DE, FR, IT against): deemed
    attained, the act adopted and the vote in the audit entry; `audit verify` still agrees."""
    with pytest.raises(EupactError, match="14 members are fewer than 15"):
        service.transition(
            CO, YEAR, Action.ADOPT_COUNCIL_ACT, ACT_DAY, vote=Vote(LARGEST[:14], LARGEST[14:])
        )
    assert service.get_cycle(C, YEAR).phase == Phase.PLEDGING_CLOSED
    with pytest.raises(EupactError, match="not with this step"):
        service.transition(C, YEAR, Action.ADOPT_REPORT, vote=Vote(LARGEST))
    vote = Vote(others("DE", "FR", "IT"), ("DE", "FR", "IT"))
    record = service.transition(CO, YEAR, Action.ADOPT_COUNCIL_ACT, ACT_DAY, vote=vote)
    assert record.phase == Phase.COUNCIL_ACT_ADOPTED
    after = last_after(service)
    assert after["phase"] == Phase.COUNCIL_ACT_ADOPTED
    counted = after["council_vote"]
    assert (counted["decision"], counted["majority"], counted["reached"]) == (
        "pool_act",
        "qualified",
        True,
    )
    assert counted["against"] == ["DE", "FR", "IT"] and counted["deemed_attained"] is True
    assert (counted["population_for"], counted["population_total"]) == (232_432_035, TOTAL)
    assert service.verify_audit()["ok"]


def test_service_reconvenes_the_forum_by_simple_majority(service):
    """Art. 13(4): 13 of 26 is no majority (refused, the Forum not reconvened); 14 is."""
    service.transition(CO, YEAR, Action.ADOPT_COUNCIL_ACT, ACT_DAY)  # no vote recorded: as before
    with pytest.raises(EupactError, match="simple majority") as refused:
        service.reconvene_forum(CO, YEAR, vote=Vote(LARGEST[:13], LARGEST[13:]))
    assert "13 voted in favour" in refused.value.problems[0].rule
    assert not service.get_cycle(C, YEAR).forum_reconvened
    record = service.reconvene_forum(CO, YEAR, vote=Vote(LARGEST[-14:], (), LARGEST[:12]))
    assert record.forum_reconvened and record.additional_pledging
    counted = last_after(service)["council_vote"]
    assert (counted["majority"], counted["members_for"], counted["members_needed"]) == (
        "simple",
        14,
        14,
    )
    assert counted["abstain"] == list(LARGEST[:12])
    assert service.verify_audit()["ok"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_service_checks_the_vote_on_a_deduction(backend, tmp_path):
    """Art. 62(5), TFEU 238(3)(a): the Council's implementing act on AT's deduction needs a
    qualified majority: 14 for is refused (the request stays undecided); 23 for (DE, FR, IT
    against: no blocking minority of four) grants it, and the vote is in the audit entry."""
    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        now = [dt.datetime(2025, 12, 19, 12, tzinfo=dt.UTC)]
        svc = CycleService(sessions(engine), parameters=PARAMETERS, clock=lambda: now[0])
        svc.create_cycle(C, YEAR)
        for action, who, on in BEFORE_ACT:
            svc.transition(who, YEAR, action, on)
        svc.transition(CO, YEAR, Action.ADOPT_COUNCIL_ACT, ACT_DAY)
        now[0] = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)
        at = Actor("at", Role.MEMBER_STATE, "AT")
        d = svc.request_deduction(at, YEAR, Deduction("AT", "62", True), "capacity reached")
        svc.assess_deduction(C, YEAR, d.id, "substantiated")
        with pytest.raises(EupactError, match="14 members are fewer than 15"):
            svc.decide_deduction(
                CO, YEAR, d.id, True, "act X", vote=Vote(LARGEST[:14], LARGEST[14:])
            )
        assert svc.list_deductions(C, YEAR)[0].status == "requested"  # assessed, undecided
        vote = Vote(others("DE", "FR", "IT"), ("DE", "FR", "IT"))
        record = svc.decide_deduction(CO, YEAR, d.id, True, "act X", vote=vote)
        assert record.status == "granted"
        counted = last_after(svc)["council_vote"]
        assert (counted["majority"], counted["members_for"]) == ("qualified", 23)
        assert svc.verify_audit()["ok"]
        engine.dispose()


# -- the API -------------------------------------------------------------------------------------


@pytest.fixture
def world_of(request, tmp_path):
    worlds = Worlds(request, tmp_path)
    yield lambda scenario: worlds("sqlite", scenario)
    worlds.close()


def test_api_takes_the_vote_with_the_act_and_the_reconvened_forum(world_of):
    world = world_of("closed")
    path = f"/cycles/{YEAR}/transitions"
    step = {"action": "adopt_council_act", "on": "2025-12-19"}
    r = world.call("POST", path, "council", json={**step, "vote": {"for": ["DK"]}})
    assert_problem(r, 422, "vote.for.0", "Protocol No 22")
    r = world.call("POST", path, "council", json={**step, "vote": {"for": ["DE"] * 28}})
    assert r.status_code == 422, r.text  # at most 27 codes
    failing = {"for": list(LARGEST[:14]), "against": list(LARGEST[14:])}
    r = world.call("POST", path, "council", json={**step, "vote": failing})
    assert_problem(r, 422, "vote", "14 members are fewer than 15")
    r = world.call("POST", path, "council", json={**step, "vote": {"for": list(LARGEST)}})
    assert r.status_code == 200 and r.json()["phase"] == "council_act_adopted", r.text
    r = world.call("POST", f"/cycles/{YEAR}/forum/reconvene", "council", json={"vote": {}})
    assert_problem(r, 422, "vote", "simple majority")
    body = {"vote": {"for": list(LARGEST[:14]), "against": ["MT"]}}
    r = world.call("POST", f"/cycles/{YEAR}/forum/reconvene", "council", json=body)
    assert r.status_code == 200 and r.json()["additional_pledging"] is True, r.text
