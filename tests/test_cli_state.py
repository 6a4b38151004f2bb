"""`eupact state DE`: one Member State's year on one page (Art. 57(3), 61–63, 66, 11; the
cycle's deadlines). Expected values are read off the shipped example pledges file and the
published key share, not from the code under test."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.cycle.examples import example_pledges_path

PLEDGES = yaml.safe_load(example_pledges_path(2026).read_text(encoding="utf-8"))


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def test_germany_in_2026():
    out = cli("state", "de", "-f", "json")
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    items = {r["item"]: r["value"] for r in doc["state"]["rows"]}
    assert items["Member State"] == "DE — Germany"
    # 21.6903 % of 21,000 = 4,554.96 → 4,555 relocations (rounded up, Art. 57(3))
    assert items["fair share, relocations (Art. 57(3))"] == 4555
    de = {p["kind"]: p["amount"] for p in PLEDGES["pledges"] if p["state"] == "DE"}
    assert items["pledged relocations"] == de["relocation"]
    assert [(r["kind"], r["amount"]) for r in doc["pledges"]["rows"]] == list(de.items())
    steps = {r["article"] for r in doc["deadlines"]["rows"]}
    assert {"Art. 57(1) AMMR", "Art. 60(6) AMMR"} <= steps
    assert doc["pressure"]["rows"][0]["reason"].startswith("at risk")


def test_a_state_with_a_deduction_and_denmark():
    out = cli("state", "CZ", "-f", "json")
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["deductions"]["rows"]
    assert rows == [
        {
            "article": "62",
            "status": "granted",
            "full": "full",
            "council_act": "SYNTHETIC illustrative Council implementing act",
        }
    ]
    out = cli("state", "DK", "-f", "json")
    assert out.exit_code == 0, out.output
    items = {r["item"]: r["value"] for r in json.loads(out.stdout)["state"]["rows"]}
    assert items["role in the pool"] == "not bound (Protocol No 22)"


def test_codes_are_checked():
    out = cli("state", "GR")
    assert out.exit_code == 2 and "EL = Greece" in out.output
    out = cli("state", "XX")
    assert out.exit_code == 2 and "unknown Member State" in out.output
