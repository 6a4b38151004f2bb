"""Relocation matching (Art. 60(4), 67 AMMR): hand-solved instances, explanations, diagnoses of
impossible instances, the file readers and the ``eupact match`` command.

Points used in the hand calculations (parameters/ammr/part_iv_art_67_relocation_matching.yaml,
in force on 1 July 2026): 1,000 per relocated person, +500 per vulnerable person, links: family
+300, cultural +150, previous stay +100, diploma +100; preference +20; outcome 100 × p with the
language proxy p = 0.30, 0.55 with a language of the state, 0.35 with English only. Fair sharing
costs 60 points per person of shortfall below 90 % of the average fill rate; the balance floor
is 90 % of each benefitting state's need share.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.cycle.examples import example_pledges_path
from eupact.errors import EupactError
from eupact.matching import (
    Applicant,
    ApplicantTable,
    Link,
    LinkKind,
    PledgedPlaces,
    Reason,
    Rules,
    SolverSettings,
    StateProfile,
    Status,
    Vulnerability,
    match,
)
from eupact.matching.files import (
    read_applicants,
    read_pledges,
    read_profiles,
    write_applicants_csv,
    write_pledges,
)
from eupact.matching.model import StateProfile as Profile
from eupact.matching.solver import dual_bound, problem_caps, violations
from eupact.matching.synthetic import synthetic_instance
from eupact.parameters import load_parameters

AT = dt.date(2026, 7, 1)
EXACT = SolverSettings(mip_rel_gap=0.0)


def run(
    applicants: Sequence[Applicant],
    places: Sequence[PledgedPlaces],
    profiles: Sequence[StateProfile] = (),
    **rules: object,
):
    return match(
        applicants,
        places,
        profiles,
        rules=Rules(**rules),
        settings=EXACT,
        at=AT,  # type: ignore[arg-type]
    )


def where(result, ids: Sequence[str]) -> dict[str, str | None]:
    return {i: result.state_of(i) for i in ids}


def family(unit: str, n: int, state: str = "IT", **kw: object) -> list[Applicant]:
    return [Applicant(f"{unit}-{k}", state, family_unit=unit, **kw) for k in range(n)]  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- hand-solved


def test_meaningful_link_decides_the_state():
    """Art. 67(3): meaningful links are taken into account. A1 (family in DE) and A2 (no link),
    one place each in DE and FR: A1→DE, A2→FR scores 1,330 + 1,030 = 2,360; the swap 2,060."""
    r = run(
        [Applicant("A1", "IT", links=(Link("DE", LinkKind.FAMILY),)), Applicant("A2", "IT")],
        [PledgedPlaces("DE", 1), PledgedPlaces("FR", 1)],
    )
    assert where(r, ["A1", "A2"]) == {"A1": "DE", "A2": "FR"}
    assert r.assignment.objective == pytest.approx(2360)
    assert r.assignment.status == "optimal" and r.gap == 0
    e1, e2 = r.explain("A1"), r.explain("A2")
    assert any(f.kind == "link:family" and "67(3)" in f.article for f in e1.factors)
    assert any(f.kind == "fair_sharing" and "67(4)" in f.article for f in e2.factors)


def test_family_unit_goes_whole_to_one_state():
    """Art. 67(6): family members go to the same state. A unit of 3 does not fit DE's 2 places,
    so it goes to FR (3 places) and the single person takes DE."""
    r = run(
        [*family("F", 3), Applicant("S", "IT")],
        [PledgedPlaces("DE", 2), PledgedPlaces("FR", 3)],
    )
    assert where(r, ["F-0", "F-1", "F-2", "S"]) == {
        "F-0": "FR",
        "F-1": "FR",
        "F-2": "FR",
        "S": "DE",
    }
    e = r.explain("F-1")
    assert any(f.kind == "family_unit" and "67(6)" in f.article for f in e.factors)


def test_vulnerable_person_first_and_greedy_first_come_loses():
    """Art. 60(4): primary consideration to vulnerable persons. One place; A came first, B is
    pregnant: B is relocated (1,530 points) — the greedy first-come baseline takes A (1,030)."""
    r = run(
        [Applicant("A", "IT"), Applicant("B", "IT", vulnerabilities=(Vulnerability.PREGNANT,))],
        [PledgedPlaces("DE", 1)],
    )
    assert where(r, ["A", "B"]) == {"A": None, "B": "DE"}
    assert r.greedy is not None and r.greedy.objective == pytest.approx(1030)
    assert r.assignment.objective == pytest.approx(1530)
    assert r.gain_over_greedy == pytest.approx(500 / 1030)
    assert r.explain("A").reason is Reason.NO_CAPACITY_LEFT


def test_state_profile_excludes_unaccompanied_minors():
    """Art. 60(4), first subparagraph: reasonable preferences on profiles, as hard exclusions.
    AT does not accept unaccompanied minors: the minor goes to DE, the adult to AT."""
    uam = Applicant("M", "IT", vulnerabilities=(Vulnerability.UNACCOMPANIED_MINOR,))
    r = run(
        [uam, Applicant("P", "IT")],
        [PledgedPlaces("AT", 1), PledgedPlaces("DE", 1)],
        [StateProfile("AT", accepts_unaccompanied_minors=False)],
    )
    assert where(r, ["M", "P"]) == {"M": "DE", "P": "AT"}
    r2 = run(
        [uam], [PledgedPlaces("AT", 2)], [StateProfile("AT", accepts_unaccompanied_minors=False)]
    )
    e = r2.explain("M")
    assert e.reason is Reason.EXCLUDED_EVERYWHERE
    assert "unaccompanied minors" in e.constraints[0].text


def test_fair_sharing_outweighs_the_outcome_model_for_applicants_without_links():
    """Art. 67(4): applicants without links are shared fairly. Four French speakers without
    links, 4 places each in DE and FR: 2 + 2 (no penalty, +50 outcome points) beats 4 in FR
    (+100, but DE 1.8 persons short: −108) and 3 + 1 (+75 − 48)."""
    people = [Applicant(f"A{k}", "IT", languages=("fr",)) for k in range(4)]
    r = run(people, [PledgedPlaces("DE", 4), PledgedPlaces("FR", 4)])
    got = [r.state_of(f"A{k}") for k in range(4)]
    assert got.count("DE") == 2 and got.count("FR") == 2
    assert r.assignment.objective == pytest.approx(4 * 1030 + 2 * 25)


def test_balance_rule_among_benefitting_states():
    """Art. 60(2): a balanced distribution among benefitting states. IT and EL need equally;
    4 places: each must receive at least 90 % × 1/2 of the persons relocated (1.8 of 4), so 2
    each, although IT's applicants came first. The greedy first-come baseline fills DE with IT
    and must then give everything back."""
    people = [Applicant(f"I{k}", "IT") for k in range(4)] + [
        Applicant(f"E{k}", "EL") for k in range(4)
    ]
    r = run(people, [PledgedPlaces("DE", 4)])
    got = [r.state_of(a.id) for a in people]
    assert got[:4].count("DE") == 2 and got[4:].count("DE") == 2
    assert r.greedy is not None and r.greedy.objective == 0


def test_balance_rule_as_the_reason_for_leaving_places_empty():
    """Art. 60(2): EL declares a need of 4 but has one applicant; at most 1/(0.45) = 2.2
    persons can be relocated in balance, so 8 of DE's 10 places stay empty and three IT
    applicants are told the balance rule is why."""
    people = [Applicant(f"I{k}", "IT") for k in range(4)] + [Applicant("E0", "EL")]
    r = run(people, [PledgedPlaces("DE", 10)], needs={"IT": 4, "EL": 4})
    assert r.relocated_persons == 2
    reasons = [r.explain(f"I{k}").reason for k in range(4)]
    assert reasons.count(Reason.BALANCE_RULE) == 3
    assert any("60(2)" in c.article for c in r.explain("I3").constraints)


def test_earmarked_places_only_for_their_benefitting_state():
    """Art. 57(1): a place pledged for IT cannot take an applicant from EL."""
    r = run(
        [Applicant("I", "IT"), Applicant("E", "EL")],
        [PledgedPlaces("DE", 1, "IT")],
        balance=False,
    )
    assert where(r, ["I", "E"]) == {"I": "DE", "E": None}
    assert r.explain("E").reason is Reason.NO_PLACES


def test_beneficiaries_need_consent_and_agreement():
    """Art. 67(4), third subparagraph (written consent) and 56(2)(a)(ii) (bilateral agreement)."""
    no = Applicant("N", "IT", status=Status.BENEFICIARY, consent=False)
    yes = Applicant("Y", "IT", status=Status.BENEFICIARY, consent=True)
    r = run([no, yes], [PledgedPlaces("DE", 2)])
    assert where(r, ["N", "Y"]) == {"N": None, "Y": "DE"}
    assert r.explain("N").reason is Reason.NOT_ELIGIBLE
    r2 = run([yes], [PledgedPlaces("DE", 2)], [StateProfile("DE", accepts_beneficiaries=False)])
    assert r2.explain("Y").reason is Reason.EXCLUDED_EVERYWHERE


def test_unit_too_large_for_the_places_left():
    """Art. 67(6): units of 3 and 2, four places: the unit of 3 (3,090 points) is relocated;
    the unit of 2 does not fit the one place left and is not split."""
    r = run([*family("F", 3), *family("G", 2)], [PledgedPlaces("DE", 4)])
    assert r.state_of("F-0") == "DE" and r.state_of("G-0") is None
    e = r.explain("G-1")
    assert e.reason is Reason.TOO_LARGE and "fewer than" in e.constraints[-1].text


def test_outcome_model_is_pluggable():
    """Art. 67(4): a matching tool. A model that predicts success only in FR sends the one
    applicant there; its name appears in the explanation."""

    class OnlyFrance:
        name = "only-france"

        def describe(self) -> str:
            return "test model"

        def predict(self, table, rows, states, profiles):
            n = rows.stop - rows.start
            return np.tile([1.0 if s == "FR" else 0.0 for s in states], (n, 1))

    r = match(
        [Applicant("A", "IT")],
        [PledgedPlaces("DE", 1), PledgedPlaces("FR", 1)],
        outcome_model=OnlyFrance(),
        settings=EXACT,
        at=AT,
    )
    assert r.state_of("A") == "FR"
    assert "only-france" in r.explain("A").render()


def test_points_of_an_explanation_add_up():
    """The factors of a relocated person's explanation are the points the solver used."""
    a = Applicant(
        "A",
        "IT",
        languages=("de",),
        links=(Link("DE", LinkKind.CULTURAL), Link("DE", LinkKind.DIPLOMA)),
        vulnerabilities=(Vulnerability.DISABILITY,),
        preferences=("DE",),
    )
    r = run([a], [PledgedPlaces("DE", 1)])
    e = r.explain("A")
    assert e.points == 1000 + sum(f.points for f in e.factors) == 1000 + 150 + 100 + 20 + 500 + 55
    fam = run(
        [*family("F", 3, links=(Link("DE", LinkKind.FAMILY),), preferences=("DE",))],
        [PledgedPlaces("DE", 3)],
    )
    e = fam.explain("F-1")
    assert e.points == 3000 + sum(f.points for f in e.factors)
    assert any("family members F-0, F-2" in f.text for f in e.factors)


# ----------------------------------------------------------------------------- diagnoses


def test_required_vulnerable_excluded_everywhere_is_diagnosed():
    """Art. 60(4) as an absolute rule: a minor no state accepts cannot be relocated."""
    uam = Applicant(
        "M", "IT", vulnerabilities=(Vulnerability.UNACCOMPANIED_MINOR,), source="a.csv, row 7"
    )
    with pytest.raises(EupactError) as err:
        run(
            [uam],
            [PledgedPlaces("AT", 3)],
            [StateProfile("AT", accepts_unaccompanied_minors=False)],
            require_vulnerable=True,
        )
    p = err.value.problems[0]
    assert err.value.summary == "matching impossible"
    assert p.field == "require_vulnerable" and "a.csv, row 7" in p.location
    assert "AT: does not accept unaccompanied minors" in p.rule


def test_required_vulnerable_short_of_places_names_the_capacity():
    people = [Applicant(f"V{k}", "IT", vulnerabilities=(Vulnerability.ELDERLY,)) for k in range(3)]
    with pytest.raises(EupactError) as err:
        run(people, [PledgedPlaces("DE", 2)], require_vulnerable=True)
    p = err.value.problems[0]
    assert p.field == "places" and p.value == "IT: 2" and "1 short" in p.rule


def test_solver_infeasibility_is_explained_not_traced():
    """Two required families of 2 fit DE's 3 places one at a time only (FR has 1): the counts
    pass, the packing fails. The message names the rule, never the solver."""
    people = family("F", 2, vulnerabilities=(Vulnerability.ELDERLY,)) + family(
        "G", 2, vulnerabilities=(Vulnerability.ELDERLY,)
    )
    with pytest.raises(EupactError) as err:
        run(people, [PledgedPlaces("DE", 3), PledgedPlaces("FR", 1)], require_vulnerable=True)
    text = str(err.value)
    assert "require_vulnerable" in text and "whole" in text
    assert "HiGHS" not in text and "Traceback" not in text


def test_balance_rule_conflict_with_required_units_is_named():
    """Three required IT persons force EL (equal need) to give 1.35 persons: EL has one."""
    people = [
        Applicant(f"V{k}", "IT", vulnerabilities=(Vulnerability.ELDERLY,)) for k in range(3)
    ] + [Applicant("E", "EL")]
    with pytest.raises(EupactError) as err:
        run(
            people,
            [PledgedPlaces("DE", 10)],
            require_vulnerable=True,
            needs={"IT": 1, "EL": 1},
        )
    assert err.value.problems[0].field == "balance rule"
    assert "--no-balance" in err.value.problems[0].rule


def test_balance_rule_with_a_state_that_cannot_relocate_anyone_is_impossible():
    uam = Applicant("M", "EL", vulnerabilities=(Vulnerability.UNACCOMPANIED_MINOR,))
    with pytest.raises(EupactError) as err:
        run(
            [Applicant("I", "IT"), uam],
            [PledgedPlaces("AT", 3)],
            [StateProfile("AT", accepts_unaccompanied_minors=False)],
        )
    p = err.value.problems[0]
    assert p.field == "balance rule" and p.value == "EL" and "60(2)" in p.rule


def test_need_for_a_state_without_applicants_is_refused():
    with pytest.raises(EupactError) as err:
        run([Applicant("I", "IT")], [PledgedPlaces("DE", 3)], needs={"CY": 10})
    assert err.value.problems[0].field == "needs"


def test_no_places_at_all():
    with pytest.raises(EupactError, match="no contributing state pledged"):
        run([Applicant("I", "IT")], [PledgedPlaces("DE", 0)])


@pytest.mark.parametrize(
    ("applicant", "places", "field", "rule"),
    [
        (Applicant("I", "GR"), PledgedPlaces("DE", 1), "benefitting_state", "EL"),
        (Applicant("I", "DK"), PledgedPlaces("DE", 1), "benefitting_state", "Protocol No 22"),
        (Applicant("I", "IT"), PledgedPlaces("DK", 1), "contributing_state", "recital 90"),
        (Applicant("I", "IT"), PledgedPlaces("IT", 1, "IT"), "benefitting_state", "2(22)"),
        (Applicant("I", "IT"), PledgedPlaces("DE", -1), "places", "≥ 0"),
        (
            Applicant("I", "IT", links=(Link("XX", LinkKind.FAMILY),)),
            PledgedPlaces("DE", 1),
            "links",
            "geo code",
        ),
    ],
)
def test_invalid_records_are_refused(applicant, places, field, rule):
    with pytest.raises(EupactError) as err:
        run([applicant], [places])
    assert any(p.field == field and rule in p.rule for p in err.value.problems)


def test_family_unit_across_two_benefitting_states_is_refused():
    with pytest.raises(EupactError) as err:
        run(
            [Applicant("A", "IT", family_unit="F"), Applicant("B", "EL", family_unit="F")],
            [PledgedPlaces("DE", 3)],
        )
    assert err.value.problems[0].field == "family_unit" and "67(6)" in err.value.problems[0].rule


# ----------------------------------------------------------------------------- solver methods


@pytest.fixture(scope="module")
def small_synthetic():
    params = load_parameters().at(AT)
    return synthetic_instance(3000, params, seed=11)


@pytest.fixture(scope="module")
def reference(small_synthetic):
    """The one-LP method: its bound is the LP optimum (pricing finished)."""
    inst = small_synthetic
    return match(
        inst.table, inst.places, inst.profiles, settings=SolverSettings(method="lp-round"), at=AT
    )


@pytest.mark.parametrize("method", ["lp-round", "mip", "decomposed"])
def test_methods_agree_and_bound_is_valid(small_synthetic, reference, method):
    """Every method's solution is feasible and below every method's bound; the bounds are above
    every solution (weak duality)."""
    inst = small_synthetic
    settings = SolverSettings(method=method, block_persons=800)
    r = match(inst.table, inst.places, inst.profiles, settings=settings, at=AT)
    assert not violations(r.problem, r.unit_state)
    ref = reference.assignment
    assert r.assignment.bound is not None and ref.bound is not None
    assert r.assignment.bound >= ref.objective - 1e-6
    assert r.assignment.objective <= ref.bound + 1e-6
    assert r.gap is not None and r.gap < 0.01
    assert r.greedy is not None and r.assignment.objective >= r.greedy.objective
    if method == "decomposed":
        assert r.assignment.blocks > 1


def test_lagrangian_bound_holds_for_any_prices(reference):
    """Weak duality: the dual function at arbitrary prices bounds every feasible assignment."""
    from eupact.matching.solver import Prices, build_classes

    r = reference
    cls = build_classes(r.problem, r.scores)
    caps = problem_caps(r.problem)
    rng = np.random.default_rng(0)
    n_s, n_b = caps.earmarked.shape
    for _ in range(5):
        prices = Prices(
            rng.random((n_s, n_b)) * 1500,
            np.zeros(n_s),
            rng.random(n_b) * 100,
            rng.random(n_s) * 60,
        )
        bound = dual_bound(cls, caps, r.scores.weights.fair_penalty, prices)
        assert bound >= r.assignment.objective - 1e-6


def test_summary_tables_are_consistent(small_synthetic, reference):
    inst = small_synthetic
    r = reference
    s = r.summary()
    assert sum(row["relocated"] for row in s.by_state) == r.relocated_persons
    assert sum(s.reasons.values()) == len(inst.table)
    assert s.synthetic and s.label.startswith("SYNTHETIC")
    assert all(row["relocated"] <= row["places"] for row in s.by_state)


# ----------------------------------------------------------------------------- files


def test_applicants_csv_round_trip(tmp_path, small_synthetic):
    table = small_synthetic.table
    path = write_applicants_csv(table, tmp_path / "a.csv")
    back = read_applicants(path)
    assert back.synthetic and back.label == table.label
    assert len(back.table) == len(table)
    for i in (0, 17, len(table) - 1):
        a, b = table.applicant(i), back.table.applicant(i)
        assert (a.id, a.benefitting_state, a.family_unit, set(a.links), a.vulnerabilities) == (
            b.id,
            b.benefitting_state,
            b.family_unit,
            set(b.links),
            b.vulnerabilities,
        )
        assert set(a.languages) == set(b.languages) and a.preferences == b.preferences


def test_pledges_csv_json_and_pool_yaml(tmp_path, small_synthetic):
    inst = small_synthetic
    files = write_pledges(inst.places, inst.profiles, tmp_path / "p.csv", inst.label)
    got = read_pledges(files[0])
    assert got.synthetic and sum(p.places for p in got.places) == sum(p.places for p in inst.places)
    assert read_profiles(files[1]) == tuple(
        Profile(
            p.state,
            p.accepts_unaccompanied_minors,
            p.accepts_beneficiaries,
            p.max_unit_size,
            p.languages,
            f"p.profiles.csv, row {k + 3}",
        )
        for k, p in enumerate(inst.profiles)
    )
    js = write_pledges(inst.places, inst.profiles, tmp_path / "p.json", inst.label)[0]
    got_json = read_pledges(js)
    assert len(got_json.profiles) == len(inst.profiles)
    pool = read_pledges(example_pledges_path(2026))
    assert pool.synthetic and pool.places and all(p.benefitting_state is None for p in pool.places)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


BAD_APPLICANTS = [
    ("id,benefitting_state,colour\nA,IT,red\n", "header", "row 1", "unknown column"),
    ("id,family_unit\nA,F\n", "header", "row 1", "required column"),
    ("id,benefitting_state,links\nA,IT,DE-family\n", "links", "row 2", "STATE:kind"),
    ("id,benefitting_state,links\nA,IT,DE:friend\n", "links.0.kind", "row 2", "family"),
    ("id,benefitting_state,vulnerabilities\nA,IT,sick\n", "vulnerabilities.0", "row 2", "minor"),
    ("# note\nid,benefitting_state\nA,IT\nB,GR\n", "benefitting_state", "row 4", "EL"),
    ("id,benefitting_state\nA,IT\nA,IT\n", "id", "row 3", "duplicate"),
    ("id,benefitting_state,consent\nA,IT,perhaps\n", "consent", "row 2", "bool"),
    ("id,benefitting_state\nA,IT,extra\n", "row", "row 2", "cells"),
]


@pytest.mark.parametrize(("text", "field", "row", "rule"), BAD_APPLICANTS)
def test_bad_applicants_files(tmp_path, text, field, row, rule):
    path = _write(tmp_path / "applicants.csv", text)
    with pytest.raises(EupactError) as err:
        table = read_applicants(path).table
        run(list(table), [PledgedPlaces("DE", 1)])
    found = [p for p in err.value.problems if p.field == field]
    assert found, err.value
    assert f"applicants.csv, {row}" in found[0].location and rule in found[0].rule


BAD_PLEDGES = [
    ("contributing_state,places\nDE,-3\n", "places", "row 2", "greater than or equal"),
    ("contributing_state,places\nDE,1.5\n", "places", "row 2", "integer"),
    (
        "contributing_state,places,benefitting_state\nDE,3,XX\nDK,2,*\n",
        "contributing_state",
        "row 3",
        "recital 90",
    ),
    (
        "contributing_state,places,benefitting_state\nDE,3,XX\n",
        "benefitting_state",
        "row 2",
        "geo code",
    ),
]


@pytest.mark.parametrize(("text", "field", "row", "rule"), BAD_PLEDGES)
def test_bad_pledges_files(tmp_path, text, field, row, rule):
    path = _write(tmp_path / "pledges.csv", text)
    with pytest.raises(EupactError) as err:
        run([Applicant("A", "IT")], read_pledges(path).places)
    found = [p for p in err.value.problems if p.field == field]
    assert found, err.value
    assert f"pledges.csv, {row}" in found[0].location and rule in found[0].rule


def test_bad_json_files(tmp_path):
    with pytest.raises(EupactError, match="not valid JSON"):
        read_applicants(_write(tmp_path / "a.json", "{nope"))
    with pytest.raises(EupactError) as err:
        read_pledges(_write(tmp_path / "p.json", json.dumps({"pledges": [{"state": "DE"}]})))
    fields = {p.field for p in err.value.problems}
    assert {"contributing_state", "places", "state"} <= fields
    assert all("p.json, pledges[0]" in p.location for p in err.value.problems)
    with pytest.raises(EupactError, match="does not exist"):
        read_applicants(tmp_path / "missing.csv")


def test_table_round_trip_of_records():
    people = [
        Applicant(
            "A",
            "IT",
            "F",
            "SY",
            ("ar", "en"),
            (Link("DE", LinkKind.FAMILY),),
            (Vulnerability.MINOR,),
            ("DE", "NL"),
            Status.BENEFICIARY,
            True,
            "x",
        )
    ]
    assert list(ApplicantTable.from_applicants(people)) == people


# ----------------------------------------------------------------------------- parameters


def test_matching_parameters_are_exact_and_marked():
    params = load_parameters().at(AT)
    names = [p.name for p in load_parameters() if p.name.startswith("matching.")]
    assert len(names) == 14
    for name in names:
        value = params(name)
        assert not isinstance(value, float)
        assert "[reading]" in params.entry(name).reference.note
    assert params("matching.balance.tolerance") == pytest.approx(0.1)


# ----------------------------------------------------------------------------- CLI


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text().splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines))


def test_cli_match_writes_assignments_and_summary(tmp_path):
    a = _write(
        tmp_path / "a.csv",
        "id,benefitting_state,family_unit,links,vulnerabilities\n"
        "A1,IT,,DE:family,\nA2,IT,F,,\nA3,IT,F,,pregnant\nA4,EL,,,\n",
    )
    p = _write(tmp_path / "p.csv", "contributing_state,places,benefitting_state\nDE,2,\nFR,2,*\n")
    res = invoke("match", "--applicants", str(a), "--pledges", str(p), "--out", str(tmp_path / "o"))
    assert res.exit_code == 0, res.output
    rows = {r["applicant_id"]: r for r in _rows(tmp_path / "o" / "assignments.csv")}
    assert rows["A1"]["assigned_state"] == "DE"
    assert rows["A2"]["assigned_state"] == rows["A3"]["assigned_state"]
    assert "67(3)" in rows["A1"]["explanation"]
    doc = json.loads((tmp_path / "o" / "assignments.json").read_text())
    assert doc["synthetic"] is False and len(doc["assignments"]) == 4
    assert doc["summary"]["solver"]["status"] in {"optimal", "within gap tolerance"}
    assert (tmp_path / "o" / "summary.md").read_text().startswith("# Relocation matching")


def test_cli_synthetic_is_labelled_everywhere(tmp_path):
    gen, out = tmp_path / "gen", tmp_path / "out"
    res = invoke(
        "match", "--synthetic", "400", "--seed", "3", "--applicants", str(gen / "a.csv"),
        "--pledges", str(gen / "p.csv"), "--out", str(out), "--quiet",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    for f in (gen / "a.csv", gen / "p.csv", gen / "p.profiles.csv", out / "assignments.csv"):
        assert f.read_text().startswith("# SYNTHETIC"), f
    assert (out / "summary.md").read_text().startswith("**SYNTHETIC")
    for f in (out / "assignments.json", out / "summary.json"):
        doc = json.loads(f.read_text())
        assert doc["synthetic"] is True and doc["label"].startswith("SYNTHETIC")
    assert "SYNTHETIC" in res.stderr


def test_cli_synthetic_never_overwrites_real_files(tmp_path):
    real = _write(tmp_path / "a.csv", "id,benefitting_state\nA,IT\n")
    res = invoke(
        "match", "--synthetic", "10", "--applicants", str(real), "--pledges",
        str(tmp_path / "p.csv"), "--out", str(tmp_path / "o"),
    )  # fmt: skip
    assert res.exit_code == 2 and "not a SYNTHETIC file" in res.stderr
    assert real.read_text() == "id,benefitting_state\nA,IT\n"


@pytest.mark.parametrize(
    ("applicants", "pledges", "extra", "expected"),
    [
        ("id,benefitting_state\nA,IT\nB,GR\n", "contributing_state,places\nDE,1\n", (),
         ["applicants.csv, row 3", "benefitting_state", "EL"]),
        ("id,benefitting_state\nA,IT\n", "contributing_state,places\nDE,x\n", (),
         ["pledges.csv, row 2", "places", "integer"]),
        ("id,benefitting_state\nA,IT\n", "contributing_state,places\nDE,1\n", ("--gap", "2"),
         ["--gap", "below 1"]),
        ("id,benefitting_state\nA,IT\n", "contributing_state,places\nDE,1\n", ("--method", "magic"),
         ["--method", "lp-round"]),
        ("id,benefitting_state,vulnerabilities\nA,IT,elderly\nB,IT,elderly\n",
         "contributing_state,places\nDE,1\n", ("--require-vulnerable",),
         ["places", "1 short"]),
    ],
)  # fmt: skip
def test_cli_bad_input_exits_2_with_file_row_field_rule(
    tmp_path, applicants, pledges, extra, expected
):
    a = _write(tmp_path / "applicants.csv", applicants)
    p = _write(tmp_path / "pledges.csv", pledges)
    res = invoke(
        "match", "--applicants", str(a), "--pledges", str(p), "--out", str(tmp_path / "o"), *extra
    )
    assert res.exit_code == 2, res.output
    for text in expected:
        assert text in res.stderr
    assert "Traceback" not in res.output
