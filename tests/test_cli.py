"""The CLI prints the same numbers in every format, and the cycle run writes a traceable folder."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.cycle.examples import example_pledges_path

PLEDGES = str(example_pledges_path(2026))


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("form", ["table", "csv", "json", "markdown"])
def test_key_formats(form):
    out = run("key", "--format", form)
    assert "21.6903" in out


def test_pool_propose_csv_gives_indicative_and_fair_shares():
    out = run("pool", "propose", "--format", "json")
    doc = json.loads(out)
    indicative = {r["geo"]: r for r in doc["proposal_indicative_contributions"]["rows"]}
    fair = {r["geo"]: r for r in doc["fair_shares"]["rows"]}
    assert indicative["DE"]["relocations"] == 6508  # 30,000 × 21.6903 %, rounded up
    assert fair["DE"]["relocations"] == 4555  # 21,000 × 21.6903 %, rounded up
    assert fair["DE"]["financial_eur"] == "91099219.99"  # 91,099,219.98875… half up


def test_pool_outcome_csv_and_explain():
    rows = list(
        csv.DictReader(
            run("pool", "outcome", "--pledges", PLEDGES, "--format", "csv")
            .split("\n\n")[0]
            .splitlines()
        )
    )
    by_geo = {r["geo"]: r for r in rows if r.get("geo")}
    assert by_geo["IT"]["role"] == "benefitting"
    explained = run("pool", "outcome", "--pledges", PLEDGES, "--explain", "FR:balance")
    assert "Art. 57(3)" in explained and "demo_pjan" in explained


def test_cycle_run_result_json_is_traceable(tmp_path):
    run("cycle", "run", "2026", "--out", str(tmp_path / "r"), "--forum-reconvened", "--quiet")
    doc = json.loads((tmp_path / "r" / "result.json").read_text())
    prov = doc["provenance"]
    assert prov["council_act"] == "Council Implementing Decision (EU) 2025/2642"
    assert {d["dataset"] for d in prov["data"]} >= {"demo_pjan"}
    assert any(
        p["name"] == "pool.floor.relocations" and p["citation"].startswith("Art. 12(2)")
        for p in prov["parameters"]
    )
    de = doc["explanations"]["states"]["DE"]
    assert de["offset_obligation"]["article"].startswith("Art. 63")
    assert de["share"]["sources"][0]["column"] == "pop_2024_01_01"
    totals = {r["item"]: r["value"] for r in doc["tables"]["totals"]["rows"]}
    assert totals["High-Level Forum reconvened (Art. 13(4))"] is True


def test_synthetic_pledges_are_labelled(tmp_path):
    out = tmp_path / "p.yaml"
    run("pool", "synthetic-pledges", "--out", str(out), "--seed", "7")
    text = out.read_text()
    assert text.startswith("# SYNTHETIC") and "synthetic: true" in text
