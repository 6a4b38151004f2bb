"""Scenarios: a recorded cycle year plus named changes, run through the cycle engine and compared.

Expected values are worked by hand from the shipped files (the SYNTHETIC pledges example and the
key's printed shares), never taken from the code under test.
"""

from __future__ import annotations

import json
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.cycle.examples import example_pledges_path
from eupact.cycle.run import run_cycle
from eupact.errors import EupactError
from eupact.reports.tables import outcome_table
from eupact.scenarios import compare, load_scenario, run_scenario, scenario_from_dict

EXAMPLES = Path(str(resources.files("eupact.scenarios") / "examples"))
PLEDGES = yaml.safe_load(example_pledges_path(2026).read_text(encoding="utf-8"))


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def base():
    return run_scenario(load_scenario(EXAMPLES / "as_recorded_2026.yaml"))


def _totals(result) -> dict[str, object]:
    return {t["item"]: t["b"] for t in compare(result, result, ("x", "x"))[0].rows}


def test_a_scenario_without_changes_is_the_cycle_as_run(base):
    run = run_cycle(2026, example_pledges_path(2026), assess=False)
    assert outcome_table(base.outcome).rows == outcome_table(run.outcome).rows
    assert base.pledges.path == example_pledges_path(2026)  # not the temporary file


def test_reference_number_25000_moves_every_fair_share(base):
    """Art. 57(3): DE's key share 21.6903 % × 25,000 = 5,422.58 → 5,423 (rounded up); under the
    recorded 21,000 it is 4,555."""
    b = run_scenario(load_scenario(EXAMPLES / "reference_25000_2026.yaml"))
    state, totals = compare(base, b, ("a", "b"))[1], compare(base, b, ("a", "b"))[0]
    de = next(r for r in state.rows if r["geo"] == "DE")
    assert (de["fair_share_relocations_a"], de["fair_share_relocations_b"]) == (4555, 5423)
    assert de["fair_share_relocations_change"] == 868
    ref = next(r for r in totals.rows if r["item"].startswith("reference number: relocations"))
    assert (ref["a"], ref["b"], ref["change"]) == (21000, 25000, 4000)
    assert state.notes[1] == "26 of 26 states change."


def test_poland_full_deduction_takes_its_pledges_off(base):
    """Art. 62, 60(3): a full deduction frees PL from implementing its pledges: 10 relocations
    × EUR 20,000 + EUR 16,164,365 financial + EUR 3,758,124 alternative = EUR 20,122,489."""
    pl = [p for p in PLEDGES["pledges"] if p["state"] == "PL"]
    by_kind = {p["kind"]: p["amount"] for p in pl}
    assert by_kind == {"relocation": 10, "financial": 16164365, "alternative": 3758124}
    b = run_scenario(load_scenario(EXAMPLES / "poland_deduction_granted_2026.yaml"))
    rows = {r["geo"]: r for r in compare(base, b, ("a", "b"))[1].rows}
    assert rows["PL"]["deducted_eur_change"] == Decimal(20122489)
    assert rows["PL"]["to_implement_eur_b"] == 0
    changed = [g for g, r in rows.items() if r["deducted_eur_change"]]
    assert changed == ["PL"]


def test_pledges_at_half_are_rounded_down(base):
    """Every relocation pledge halved and rounded down: the shipped pledges sum to 1,756; their
    halves, rounded down one by one, to 872."""
    relocations = [p["amount"] for p in PLEDGES["pledges"] if p["kind"] == "relocation"]
    assert sum(relocations) == 1756 and sum(r // 2 for r in relocations) == 872
    b = run_scenario(load_scenario(EXAMPLES / "low_pledges_2026.yaml"))
    assert _totals(b)["pledged relocations"] == 872


def test_a_requested_deduction_can_be_granted(base):
    """EE's deduction is requested in the example file; granting it frees EE's pledges."""
    s = scenario_from_dict(
        {
            "label": "EE granted",
            "base": 2026,
            "changes": {"pledges": {"grant_deductions_of": ["ee"]}},
        }
    )
    b = run_scenario(s)
    ee = next(r for r in compare(base, b, ("a", "b"))[1].rows if r["geo"] == "EE")
    assert ee["deducted_eur_a"] == 0 and ee["deducted_eur_b"] > 0 and ee["to_implement_eur_b"] == 0


@pytest.mark.parametrize(
    ("doc", "field", "rule"),
    [
        ({"label": "x", "base": 2025}, "base", "greater than or equal to 2026"),
        ({"label": "x", "base": 2026, "extra": 1}, "extra", "Extra inputs"),
        (
            {"label": "x", "base": 2026, "changes": {"pledges": {"remove_pledges_of": ["GR"]}}},
            "changes.pledges.remove_pledges_of.0",
            "EL = Greece",
        ),
        (
            {"label": "x", "base": 2026, "changes": {"pledges": {"grant_deductions_of": ["DK"]}}},
            "changes.pledges.grant_deductions_of.0",
            "not bound",
        ),
        (
            {"label": "x", "base": 2026, "changes": {"parameters": {"p": 10**13}}},
            "changes.parameters",
            "outside 0 .. 10^12",
        ),
        (
            {"label": "x", "base": 2026, "changes": {"pledges": {"add": {"ledger": []}}}},
            "changes.pledges.add",
            "rows can be added to",
        ),
        ({"label": "x\x00", "base": 2026}, "label", "control characters"),
    ],
)
def test_bad_scenarios_are_refused_naming_field_and_rule(doc, field, rule):
    with pytest.raises(EupactError) as err:
        scenario_from_dict(doc, "test.yaml")
    problems = err.value.problems
    assert any(p.field == field and rule in p.rule for p in problems), problems


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        (
            {"parameters": {"pool_2026.reference.relocations": "many"}},
            "pool_2026.reference",
            "written like",
        ),
        ({"parameters": {"no.such.parameter": 1}}, "parameter", "no such parameter"),
        ({"parameters": {"assessment.at_risk.routes": 1}}, "assessment", "changes.thresholds"),
        ({"pledges": {"scale_pledges": "11"}}, "scale_pledges", "between 0 and 10"),
        ({"pledges": {"grant_deductions_of": ["AT"]}}, "grant_deductions_of", "no deduction"),
        ({"sar_share": "3/2"}, "sar_share", "between 0 and 1"),
        ({"readings": {"pool.needs.caseload": "nonsense"}}, "pool.needs.caseload", "alternatives"),
    ],
)
def test_changes_that_cannot_run_are_refused(changes, field, rule):
    s = scenario_from_dict({"label": "x", "base": 2026, "changes": changes})
    with pytest.raises(EupactError) as err:
        run_scenario(s)
    text = str(err.value)
    assert field in text and rule in text, text


def test_files_are_bounded(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("label: x\nbase: 2026\ndescription: " + "a" * 300_000 + "\n")
    with pytest.raises(EupactError, match="larger than"):
        load_scenario(big)
    listy = tmp_path / "list.yaml"
    listy.write_text("- 1\n- 2\n")
    with pytest.raises(EupactError, match="must be a mapping"):
        load_scenario(listy)


def test_cli(tmp_path):
    out = cli("scenario", "examples", "-f", "json")
    assert out.exit_code == 0, out.output
    names = {r["name"] for r in json.loads(out.stdout)["examples"]["rows"]}
    assert {"as_recorded_2026", "reference_25000_2026", "low_pledges_2026"} <= names
    out = cli("scenario", "compare", "as_recorded_2026", "reference_25000_2026", "-f", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    de = next(r for r in doc["comparison"]["rows"] if r["geo"] == "DE")
    assert de["fair_share_relocations_change"] == 868
    own = tmp_path / "mine.yaml"
    own.write_text("label: mine\nbase: 2026\nchanges:\n  forum_reconvened: false\n")
    out = cli("scenario", "run", str(own), "-f", "csv")
    assert out.exit_code == 0, out.output
    out = cli("scenario", "run", "no_such_scenario")
    assert out.exit_code == 2 and "neither a file nor a shipped example" in out.output


def test_api_runs_and_compares_without_writing(tmp_path):
    from .api_support import make_world

    base = {"label": "as recorded", "base": 2026}
    higher = {
        "label": "reference 25,000",
        "base": 2026,
        "changes": {
            "parameters": {
                "pool_2026.reference.relocations": 25000,
                "pool_2026.reference.financial": "EUR 500000000",
            }
        },
    }
    with make_world("sqlite", tmp_path) as world:
        before = world.snapshot()
        answer = world.call("POST", "/scenarios/compare", "DE", json={"a": base, "b": higher})
        assert answer.status_code == 200, answer.text
        rows = answer.json()["tables"][1]["rows"]
        de = next(r for r in rows if r["geo"] == "DE")
        assert (de["fair_share_relocations_a"], de["fair_share_relocations_b"]) == (4555, 5423)
        run = world.call("POST", "/scenarios/run", "observer", json=base)
        assert run.status_code == 200 and run.json()["synthetic"] is True
        # a server file cannot be named, a state code is checked, nobody anonymous computes
        refused = world.call("POST", "/scenarios/run", "DE", json={**base, "pledges_file": "/etc"})
        assert refused.status_code == 422
        bad = {**base, "changes": {"pledges": {"remove_pledges_of": ["GR"]}}}
        assert world.call("POST", "/scenarios/run", "DE", json=bad).status_code == 422
        assert world.call("POST", "/scenarios/run", None, json=base).status_code == 401
        named = {**base, "changes": {"key": {"population_file": "/etc/passwd"}}}
        answer = world.call("POST", "/scenarios/run", "DE", json=named)
        assert answer.status_code == 422 and "cannot be named through the API" in answer.text
        control = world.call("POST", "/scenarios/run", "DE", json={**base, "label": "\x1f"})
        assert control.status_code == 422 and "control characters" in control.text
        assert world.snapshot() == before


def test_written_numbers_are_bounded_too():
    for value in ("EUR -5", "EUR 1e99", "-1/2", "EUR 10000000000000"):
        doc = {"label": "x", "base": 2026, "changes": {"parameters": {"p": value}}}
        with pytest.raises(EupactError, match=r"outside 0 \.\. 10|write euros as digits"):
            scenario_from_dict(doc)


def test_a_state_leaving_the_key(base):
    """HU left out (Art. 66 over the other 25 bound states): its pledges go with it and the
    others' shares grow; HU owes nothing."""
    s = scenario_from_dict(
        {"label": "HU out", "base": 2026, "changes": {"key": {"left_out": ["HU"]}}}
    )
    b = run_scenario(s)
    assert "HU" not in b.outcome.states
    assert len(b.outcome.states) == len(base.outcome.states) - 1
    de_a, de_b = (r.outcome.states["DE"].fair_share_relocations for r in (base, b))
    assert de_b >= de_a


def test_a_users_population_file(tmp_path, base):
    """A ministry's own population figures for the key: DE twice as large moves its share up."""
    import csv

    from eupact.data.snapshot import SNAPSHOT_DIR

    rows = list(csv.DictReader((SNAPSHOT_DIR / "population_latest.csv").open()))
    for row in rows:
        if row["geo"] == "DE":
            row["pop_2024_01_01"] = str(int(row["pop_2024_01_01"]) * 2)
    path = tmp_path / "population.csv"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (tmp_path / "s.yaml").write_text(
        "label: DE doubled\nbase: 2026\nchanges:\n  key:\n    population_file: population.csv\n"
    )
    b = run_scenario(load_scenario(tmp_path / "s.yaml"))
    assert b.outcome.key.share("DE") > base.outcome.key.share("DE")


def test_a_methodology_threshold_changes_the_categories(base):
    """Italy's arrivals are 2.18 × its key share (Art. 2(24), threshold 2 under the shipped
    methodology): at 5/2 Italy is no longer under migratory pressure on arrivals."""
    s = scenario_from_dict(
        {
            "label": "arrivals threshold 5/2",
            "base": 2026,
            "changes": {"thresholds": {"assessment.under_pressure.arrivals": "5/2"}},
        }
    )
    b = run_scenario(s)
    tables = compare(base, b, ("shipped", "5/2"))
    rows = {r["geo"]: r for r in tables[2].rows}
    assert rows["IT"]["a"] == "under migratory pressure"
    assert rows["IT"]["b"] != "under migratory pressure" and rows["IT"]["changed"] == "yes"
    bad = scenario_from_dict(
        {"label": "x", "base": 2026, "changes": {"thresholds": {"assessment.nope": "1"}}}
    )
    with pytest.raises(EupactError, match="not a rule of the methodology"):
        run_scenario(bad)
