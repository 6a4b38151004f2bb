"""Dated parameters (one file per part of the AMMR) and the validated data snapshot."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.data.snapshot import SNAPSHOT_DIR, load_snapshot, load_user_series
from eupact.errors import EupactError
from eupact.parameters import load_parameters

EU27 = {
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "EL",
    "ES",
    "FI",
    "FR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
}


def test_every_parameter_has_unit_reference_and_dated_values():
    for p in load_parameters():
        assert p.unit and p.description, p.name
        for entry in p.values:
            assert entry.reference.act, p.name
            assert isinstance(entry.since, dt.date)


def test_legal_values_in_force_with_citations():
    """Art. 12(2), 12(3), 63(3), 66; Denmark outside Part IV (recital 90)."""
    at = load_parameters().at(dt.date(2026, 1, 1))
    assert at("pool.floor.relocations") == 30000
    assert at("pool.floor.financial") == Decimal(600000000)
    assert at("pool.equivalence.relocation_eur") == Decimal(20000)
    assert at("pool.floor.financial") / at("pool.floor.relocations") == at(
        "pool.equivalence.relocation_eur"
    )
    assert at("key.weight.population") + at("key.weight.gdp") == 1
    assert at("offsets.obligatory.share_of_reference") == Fraction(3, 5)
    assert (
        "DK" not in at("scope.bound_member_states") and len(at("scope.bound_member_states")) == 26
    )
    assert at.cite("pool.floor.relocations") == "Art. 12(2) Regulation (EU) 2024/1351 (AMMR)"


def test_parameter_not_yet_in_force_is_refused():
    with pytest.raises(EupactError, match="no value in force before 2024-06-11"):
        load_parameters().at(dt.date(2020, 1, 1))("pool.floor.relocations")


def test_floats_are_refused_in_parameter_files(tmp_path):
    (tmp_path / "x.yaml").write_text(
        "parameters:\n  a.b:\n    description: d\n    unit: u\n    values:\n      2024-01-01: 0.6\n"
    )
    with pytest.raises(EupactError, match="write exact values as strings"):
        load_parameters(str(tmp_path))


def test_params_show_lists_references():
    result = CliRunner().invoke(app, ["params", "show", "--at", "2026-07-01", "--format", "csv"])
    assert result.exit_code == 0
    rows = {r["parameter"]: r for r in csv.DictReader(result.stdout.splitlines())}
    assert rows["pool.floor.relocations"]["reference"].startswith("Art. 12(2)")
    assert rows["offsets.reply_days"]["value"] == "30"


def test_snapshot_is_complete_and_sourced():
    snap = load_snapshot()
    for series in snap.series:
        # Every state is either a value or an explicit gap ("not found", never zero).
        assert set(series.values) | set(series.missing) == EU27, series.source.column
        assert all(series.source_of(g).origin for g in series.values)
        if series.indicator in ("population", "gdp"):
            assert not series.missing, series.source.column
    assert snap.classification["EL"].under_migratory_pressure
    assert {g for g, c in snap.classification.items() if c.significant_migratory_situation} == {
        "AT",
        "BG",
        "CZ",
        "EE",
        "HR",
        "PL",
    }
    descriptor = json.loads((SNAPSHOT_DIR / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        assert resource["sources"] and resource["licenses"], resource["name"]


def test_snapshot_matches_shared_data():
    """The shipped CSVs are the official figures of shared/data, byte for byte."""
    shared = Path(__file__).resolve().parents[2] / "shared" / "data"
    if not shared.exists():
        pytest.skip("shared/data not beside this checkout")
    for name in ("population_latest.csv", "gdp_current_prices_meur.csv"):
        assert (SNAPSHOT_DIR / name).read_bytes() == (shared / name).read_bytes()


def test_user_xlsx_with_snapshot_columns(tmp_path):
    path = tmp_path / "pop.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    with (SNAPSHOT_DIR / "population_latest.csv").open() as fh:
        for i, row in enumerate(csv.reader(fh)):
            ws.append(row if i == 0 else [row[0], *map(int, row[1:])])
    wb.save(path)
    like = load_snapshot().find("population", "2024-01-01")
    mine = load_user_series(path, like)
    assert mine.values == like.values
    assert mine.source.release == "user file pop.xlsx"


def test_key_cli_with_population_file_shows_its_source(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_bytes((SNAPSHOT_DIR / "population_latest.csv").read_bytes())
    result = CliRunner().invoke(app, ["key", "--population-file", str(path), "--explain", "DE"])
    assert result.exit_code == 0, result.output
    assert "user file pop.csv" in result.stdout and "21.6903 %" in result.stdout


def test_data_show_gives_each_value_its_source():
    out = CliRunner().invoke(
        app,
        ["data", "show", "asylum_applicants_first_time", "--period", "2024", "--format", "json"],
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["data"]["rows"]
    de = [r for r in rows if r["geo"] == "DE" and r["period"] == "2024"]
    # the primary extraction first (migr_asyappctza via the API, Oscarbellosido/Economia
    # dades.json, extracted 2026-09-16: 229,750), then the pages quoting the rounded 229,700
    assert de[0]["value"] == 229750 and de[0]["class"] == "primary"
    assert de[0]["release"].startswith("Eurostat dissemination API, migr_asyappctza")
    assert {r["value"] for r in de[1:]} == {229700}
    for row in de[1:]:
        assert row["class"] == "secondary"
        assert row["release"].startswith("secondary (a page quoting the figure): ")


def test_data_show_marks_missing_cells_as_missing():
    out = CliRunner().invoke(
        app,
        [
            "data",
            "show",
            "asylum_applicants_first_time",
            "--geo",
            "AT",
            "--period",
            "2024",
            "--format",
            "csv",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "missing (not found, not zero)" in out.stdout


def test_coverage_counts_filled_cells():
    rows = {(r["indicator"], r["period"]): r for r in load_snapshot().coverage()}
    assert rows[("population", "2024-01-01")]["filled"] == 27
    assert rows[("asylum_applicants_first_time", "2024")]["filled"] >= 5


def test_edited_snapshot_is_validated_again(tmp_path):
    """The validation cache is keyed by the files' bytes, not their place: a copy of a validated
    package with one edited cell is validated again, and refused."""
    import shutil

    first, edited = tmp_path / "a", tmp_path / "b"
    shutil.copytree(SNAPSHOT_DIR, first)
    load_snapshot(str(first))
    shutil.copytree(first, edited)
    path = edited / "gdp_current_prices_meur.csv"
    path.write_text(path.read_text().replace("AT,449382.2", "AT,-1"))
    with pytest.raises(EupactError, match="gdp_2022"):
        load_snapshot(str(edited))
