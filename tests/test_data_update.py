"""`eupact data update`: versioned snapshots from Eurostat with a diff; flags reach the outcome."""

from __future__ import annotations

import json

import httpx
import pytest
import respx
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.data.eurostat.client import BASE_URL, EurostatClient
from eupact.data.snapshot import load_snapshot
from eupact.data.update import update_snapshot
from eupact.key.reference_key import Vintage, key_from_snapshot
from eupact.parameters import load_parameters

GEOS = sorted(load_snapshot().find("population", "2024-01-01").values)


def cube(
    dataset: str,
    dims: list[tuple[str, list[str]]],
    values: dict[tuple[str, ...], float],
    status: dict[tuple[str, ...], str],
) -> dict:
    """A JSON-stat 2.0 response in Eurostat's structure (hand-made in the real format)."""
    ids = [d for d, _ in dims]
    sizes = [len(codes) for _, codes in dims]

    def flat(key: tuple[str, ...]) -> int:
        i = 0
        for (_, codes), code in zip(dims, key, strict=True):
            i = i * len(codes) + codes.index(code)
        return i

    return {
        "version": "2.0",
        "class": "dataset",
        "label": dataset,
        "source": "ESTAT",
        "updated": "2026-11-20T11:00:00+0100",
        "value": {str(flat(k)): v for k, v in values.items()},
        "status": {str(flat(k)): s for k, s in status.items()},
        "id": ids,
        "size": sizes,
        "dimension": {
            d: {
                "label": d,
                "category": {
                    "index": {c: i for i, c in enumerate(codes)},
                    "label": {c: c for c in codes},
                },
            }
            for d, codes in dims
        },
        "extension": {
            "id": dataset.upper(),
            "agencyId": "ESTAT",
            "status": {"label": {"p": "provisional", "b": "break in time series"}},
        },
    }


def population_cube() -> dict:
    snap = load_snapshot()
    years = ["2023", "2024", "2025"]
    values = {
        ("A", "NR", "TOTAL", "T", g, y): snap.find("population", f"{y}-01-01")[g]
        for g in GEOS
        for y in years
    }
    values[("A", "NR", "TOTAL", "T", "DE", "2024")] += 1000  # a revision, for the diff
    dims = [
        ("freq", ["A"]),
        ("unit", ["NR"]),
        ("age", ["TOTAL"]),
        ("sex", ["T"]),
        ("geo", GEOS),
        ("time", years),
    ]
    return cube("demo_pjan", dims, values, {("A", "NR", "TOTAL", "T", "FR", "2024"): "p"})


def gdp_cube() -> dict:
    snap = load_snapshot()
    years = ["2022", "2023", "2024"]
    values = {
        ("A", "CP_MEUR", "B1GQ", g, y): float(snap.find("gdp", y)[g]) for g in GEOS for y in years
    }
    dims = [
        ("freq", ["A"]),
        ("unit", ["CP_MEUR"]),
        ("na_item", ["B1GQ"]),
        ("geo", GEOS),
        ("time", years),
    ]
    return cube("nama_10_gdp", dims, values, {("A", "CP_MEUR", "B1GQ", "IT", "2024"): "p"})


@pytest.fixture
def eurostat():
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.get("/demo_pjan").mock(return_value=httpx.Response(200, json=population_cube()))
        router.get("/nama_10_gdp").mock(return_value=httpx.Response(200, json=gdp_cube()))
        router.route().mock(
            return_value=httpx.Response(
                404,
                json={"error": [{"status": 404, "id": 100, "label": "not recorded in this test"}]},
            )
        )
        yield router


def test_offline_update_on_a_fresh_machine_fails_fast_and_writes_nothing(tmp_path):
    """Nothing cached and no network asked for: a plain error naming what is missing, exit 2,
    and no new version (tests/test_data_fail_well.py times it)."""
    result = CliRunner().invoke(
        app,
        ["data", "update", "--offline", "--out", str(tmp_path / "v")],
        env={"EUPACT_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert result.exit_code == 2, result.output
    assert "cache" in result.output
    assert not (tmp_path / "v").exists() or not any((tmp_path / "v").iterdir())


def test_update_writes_a_version_with_a_diff_and_flags_reach_the_outcome(tmp_path, eurostat):
    client = EurostatClient(tmp_path / "cache", sleep=lambda _s: None)
    result = update_snapshot(client, out_root=tmp_path / "v")
    reports = {r.indicator: r for r in result.reports}
    assert reports["population"].status == "fetched" and reports["population"].cells == 81
    assert reports["asylum_applicants_first_time"].status.startswith("kept")
    [change] = [c for c in result.changes if c.indicator == "population"]
    assert (change.geo, change.period, change.delta) == ("DE", "2024-01-01", 1000)

    snap = load_snapshot(str(result.path))
    params = load_parameters().at(load_parameters()["pool_2026.act_date"].values[-1].value)
    key = key_from_snapshot(snap, params, Vintage("2024-01-01", "2024"))
    assert key.population.source.dataset.startswith("Eurostat dissemination API")
    assert key.population["DE"] == 83457045
    assert key.population.flags["FR"] == "p"
    assert any("flagged 'p'" in n for n in key.explain("IT").notes)

    out = tmp_path / "r"
    run = CliRunner().invoke(
        app,
        ["--snapshot", str(result.path), "cycle", "run", "2026", "--out", str(out), "--quiet"],
        env={"EUPACT_SNAPSHOT": str(result.path)},
    )
    assert run.exit_code == 0, run.output
    prov = json.loads((out / "result.json").read_text())["provenance"]
    assert prov["data"][0]["flags"] == {"FR": "p"} and prov["data"][1]["flags"] == {"IT": "p"}


def test_offline_update_uses_the_cache(tmp_path, eurostat):
    with EurostatClient(tmp_path / "cache", sleep=lambda _s: None) as online:
        update_snapshot(online, out_root=tmp_path / "v1", indicators=("population",))
    with EurostatClient(tmp_path / "cache", offline=True) as offline:
        result = update_snapshot(
            offline, out_root=tmp_path / "v2", offline=True, indicators=("population",)
        )
    assert result.reports[0].status == "from cache"


def test_a_partial_release_is_never_mixed_with_another(tmp_path):
    """A series lacking a participating state is skipped for a complete one, never merged."""
    snap = load_snapshot()
    with pytest.raises(Exception, match="no release has a value for every participating state"):
        # the quarterly primary series lacks EL, and no other 2024-Q3 release has it
        snap.find("asylum_applicants_first_time", "2024-Q3", covering=("EL", "DE"))


def test_versions_are_listed(tmp_path, monkeypatch):
    monkeypatch.setenv("EUPACT_DATA_DIR", str(tmp_path))
    (tmp_path / "snapshots" / "2026-01-01T000000Z").mkdir(parents=True)
    out = CliRunner().invoke(app, ["data", "vintages", "--format", "csv"])
    assert out.exit_code == 0
    assert "2026-01-01T000000Z" in out.stderr


def test_import_of_a_ministrys_table(tmp_path):
    good = tmp_path / "national.csv"
    good.write_text(
        "indicator,geo,period,value,unit,reference_date,source_title,source,notes\n"
        "asylum_applicants_first_time,AT,2024,24900,persons,2024,Ministry of the Interior "
        "statistics 2024,https://example.invalid/bmi,national definition\n"
    )
    result = CliRunner().invoke(app, ["data", "import", str(good), "--out", str(tmp_path / "v")])
    assert result.exit_code == 0, result.output
    [version] = (tmp_path / "v").iterdir()
    snap = load_snapshot(str(version))
    series = next(s for s in snap.series if s.source.file == "user_figures.csv")
    assert series.values == {"AT": 24900}
    assert "user file national.csv" in series.source_of("AT").release


def test_import_names_file_row_and_column(tmp_path):
    bad = tmp_path / "national.csv"
    bad.write_text(
        "indicator,geo,period,value,unit,reference_date,source_title,source,notes\n"
        "asylum_applicants_first_time,AT,2024,-3,persons,2024,Ministry,https://x.invalid,\n"
    )
    result = CliRunner().invoke(app, ["data", "import", str(bad), "--out", str(tmp_path / "v")])
    assert result.exit_code == 2
    assert "national.csv, row 2: field 'value'" in result.stderr
    assert not (tmp_path / "v").exists() or not any((tmp_path / "v").iterdir())
