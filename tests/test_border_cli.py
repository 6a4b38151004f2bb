"""`eupact border capacity` and `eupact border watch`: the same numbers as the Python API, the
recorded act beside the computation, what is missing said in words, errors without a traceback
(exit 2), and every table fitting 80, 100, 120 and 150 columns (the idea of test_cli_width)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eupact.border.capacity import adequate_capacity, bound_states
from eupact.border.synthetic import synthetic_crossings, synthetic_months
from eupact.cli.main import app
from eupact.data.border_inputs import INPUT_COLUMNS, MONTHLY_COLUMNS
from tests.test_cli_width import WIDTHS, check, cli  # noqa: F401  (cli: the fixture)

FIRST = dt.date(2024, 8, 12)
BOUND = bound_states(FIRST)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SYNTHETIC figures for every bound state, 2021-2023, as an inputs file."""
    path = tmp_path_factory.mktemp("border") / "inputs.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(INPUT_COLUMNS)
        for f in synthetic_crossings(BOUND, (2021, 2022, 2023), seed=11):
            writer.writerow(
                [f.geo, f.year, f.irregular_crossings, f.sar_arrivals, f.refusals_of_entry,
                 f.source.source, f.source.source_class]
            )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def monthly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("border") / "months.csv"
    rows = synthetic_months("IT", dt.date(2026, 6, 1), 8, capacity=8016, seed=3)
    rows += synthetic_months("DE", dt.date(2026, 6, 1), 3, capacity=374, seed=3)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(MONTHLY_COLUMNS)
        for r in rows:
            writer.writerow(
                [r.geo, r.month.strftime("%Y-%m"), r.asylum_border, r.return_border, r.entered,
                 r.left, r.examined]
            )  # fmt: skip
    return path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_capacity_without_inputs_shows_the_record_and_what_is_missing() -> None:
    code, out, _ = invoke("border", "capacity", "--year", "2026", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    rows = {r["geo"]: r for r in doc["capacity"]["rows"]}
    assert rows["IT"]["recorded"] == 8016 and rows["IT"]["computed"] is None
    assert rows["AT"]["recorded"] is None and rows["AT"]["status"] == "neither known"
    assert "DK" not in rows and len(rows) == 26
    missing = doc["missing"]
    assert {"figure": "irregular_crossings", "year": 2021, "missing_for": "all 26 states"} in (
        missing["rows"]
    )
    assert any("Frontex" in n for n in missing["notes"])
    (vintage,) = doc["vintage"]["rows"]  # the one figure held: PL 2023, a page quoting Eurostat
    assert (vintage["class"], vintage["figures"]) == ("secondary", 1)
    assert "migr_eirfs" in vintage["sources"]
    act = doc["acts"]["rows"][0]
    assert act["data"] == "2021-2023" and act["in_place_by"] == "2026-06-11"
    assert act["maxima"] == "×2 from 2026-06-12; ×3 from 2027-06-13"


def test_capacity_with_inputs_shows_the_api_numbers(inputs: Path) -> None:
    code, out, err = invoke("border", "capacity", "--inputs", str(inputs), "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    rows = {r["geo"]: r for r in doc["capacity"]["rows"]}
    api = adequate_capacity(synthetic_crossings(BOUND, (2021, 2022, 2023), seed=11), act_date=FIRST)
    assert {g: r["computed"] for g, r in rows.items()} == {
        g: s.capacity for g, s in api.states.items()
    }
    assert rows["IT"]["difference"] == rows["IT"]["computed"] - 8016
    assert doc["missing"]["rows"] == []
    assert any("SYNTHETIC" in n for n in doc["capacity"]["notes"])
    maxima = {r["geo"]: r for r in doc["maxima"]["rows"]}
    assert maxima["IT"]["x2_computed"] == 2 * rows["IT"]["computed"]
    assert maxima["IT"]["x2_recorded"] == 16032


def test_capacity_reading_and_a_later_act(inputs: Path) -> None:
    code, out, _ = invoke(
        "border", "capacity", "--inputs", str(inputs), "--reading",
        "border.capacity.rounding=largest_remainder", "-f", "json",
    )  # fmt: skip
    assert code == 0
    assert sum(r["computed"] for r in json.loads(out)["capacity"]["rows"]) == 30000
    code, out, _ = invoke("border", "capacity", "--year", "2028", "-f", "json")
    doc = json.loads(out)
    assert code == 0 and doc["acts"]["rows"][-1]["data"] == "2024-2026"
    assert {r["status"] for r in doc["capacity"]["rows"]} == {"no recorded act"}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--act-date", "2024-13-01"], "must be a date"),
        (["--year", "1999"], "from 2024"),
        (["--reading", "border.capacity.rounding=sideways"], "alternatives"),
    ],
)
def test_capacity_errors_in_words(args: list[str], words: str) -> None:
    code, out, err = invoke("border", "capacity", *args)
    assert code == 2 and words in err and "Traceback" not in err + out


def test_capacity_refuses_a_bad_inputs_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(",".join(INPUT_COLUMNS) + "\nIT,2021,-4,0,0,x,user\n")
    code, _, err = invoke("border", "capacity", "--inputs", str(path))
    assert code == 2 and "must not be negative" in err and "row 2" in err


def test_watch_uses_the_recorded_capacity(monthly: Path) -> None:
    code, out, err = invoke("border", "watch", str(monthly), "--state", "IT", "--notified",
                            "2026-08-10", "-f", "json")  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)["months"]
    assert "8,016" in doc["title"] and "2024/2150" in doc["title"]
    assert [r["month"] for r in doc["rows"]][:2] == ["2026-06", "2026-07"]
    assert all("42(1)(f)" not in r["released_from"] for r in doc["rows"])


def test_watch_errors_in_words(monthly: Path) -> None:
    code, _, err = invoke("border", "watch", str(monthly), "--state", "AT")
    assert code == 2 and "no rows" in err
    code, _, err = invoke("border", "watch", str(monthly), "--state", "DK")
    assert code == 2 and "Protocol No 22" in err
    code, _, err = invoke(
        "border", "watch", str(monthly), "--state", "IT", "--notified", "2030-01-01"
    )
    assert code == 2 and "no month" in err


def test_watch_needs_a_capacity_where_none_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "at.csv"
    path.write_text(",".join(MONTHLY_COLUMNS) + "\nAT,2026-07,10,0,10,0,1\n")
    code, _, err = invoke("border", "watch", str(path), "--state", "AT")
    assert code == 2 and "not available in the recorded act" in err
    code, out, err = invoke("border", "watch", str(path), "--state", "AT", "--capacity", "50")
    assert code == 0 and "2026-07" in out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["capacity", "capacity --inputs", "watch"])
def test_border_tables_fit(cli, inputs: Path, monthly: Path, width: int, which: str) -> None:  # noqa: F811
    args = {
        "capacity": ["border", "capacity", "--year", "2026"],
        "capacity --inputs": ["border", "capacity", "--inputs", str(inputs)],
        "watch": ["border", "watch", str(monthly), "--state", "IT", "--notified", "2026-08-10"],
    }[which]
    check(cli(width, *args), width)


# --- `eupact border scope`: what the border procedure requires on a day ------------------------

SCOPE_MONTHS = (
    "geo,month,asylum_border,return_border,entered,left,examined\n"
    "IT,2026-06,60,20,80,0,30\n"
    "IT,2026-07,85,20,30,5,50\n"
    "IT,2026-08,70,20,10,25,60\n"
    "IT,2026-09,100,20,40,10,70\n"
)  # capacity 100: 105 in July (notified 07-10), 90 in August, 120 in September; 210 examined
CRISIS = (
    "crises:\n"
    "  - state: IT\n"
    "    situation: mass_arrivals\n"
    "    decision: Council Implementing Decision (EU) 2026/901\n"
    "    adopted_on: 2026-09-01\n"
    "    applies_from: 2026-09-02\n"
    "    applies_until: 2026-12-01\n"
    '    derogations: ["11(1)", "11(2)", "11(3)", "11(4)"]\n'
)


@pytest.fixture(scope="module")
def scope_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("scope")
    (folder / "months.csv").write_text(SCOPE_MONTHS, encoding="utf-8")
    (folder / "crises.yaml").write_text(CRISIS, encoding="utf-8")
    return folder / "months.csv", folder / "crises.yaml"


def _scope_args(files: tuple[Path, Path], on: str = "2026-09-30") -> list[str]:
    months, crises = files
    return [
        "border", "scope", "--state", "IT", "--on", on, "--figures", str(months),
        "--capacity", "100", "--notified", "2026-07-10", "--authorised", "2026-09-20",
        "--crisis", str(crises),
    ]  # fmt: skip


def test_scope_json_is_the_api_answer(scope_files: tuple[Path, Path]) -> None:
    from eupact.border.monitoring import CapacityNotification, MaximumAuthorisation, watch
    from eupact.border.scope import border_scope
    from eupact.data.border_inputs import read_monthly_figures
    from eupact.responsibility import read_crises
    from eupact.scenarios.model import read_yaml_file

    code, out, err = invoke(*_scope_args(scope_files), "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    # 2026-09: 210 examined >= 2 x 100 and the act of 09-20: (c), (j) released; 120 >= 100 after
    # the July notification: (j) by Art. 48 too; the crisis: (j) by 11(2), 5 %, 18 weeks
    assert doc["mandatory"] == ["42(1)(f)", "42(3)(b)"]
    (j,) = [g for g in doc["grounds"] if g["point"] == "42(1)(j)"]
    assert [r["by"] for r in j["released_by"]] == ["48", "50", "11(2)"]
    assert doc["threshold_j"]["value"] == "5 %" and doc["duration"]["amount"] == "18"
    assert doc["priority"]["applies"] is True  # 120 > 100
    months, crises = scope_files
    figures = read_monthly_figures(months, bound=BOUND)
    notice = CapacityNotification(
        "IT", dt.date(2026, 7, 10), 105, "apply",
        "given on the command line (the month's end count stands for (a))", others_informed=True,
    )  # fmt: skip
    act = MaximumAuthorisation(
        "IT", "Commission implementing act of 2026-09-20 (Art. 50)", dt.date(2026, 9, 20)
    )
    status = watch("IT", figures, capacity=100, notifications=[notice], authorisations=[act])[-1]
    decisions = read_crises(read_yaml_file(crises, "--crisis", "crisis decisions"), crises.name)
    api = border_scope("IT", dt.date(2026, 9, 30), status=status, crises=decisions)
    assert doc == json.loads(json.dumps(api.as_dict()))


def test_scope_without_figures_or_crisis() -> None:
    code, out, err = invoke("border", "scope", "--state", "el", "--on", "2026-07-01", "-f", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["state"] == "EL" and doc["mandatory"] == [
        "42(1)(c)", "42(1)(f)", "42(1)(j)", "42(3)(b)",
    ]  # fmt: skip
    assert doc["threshold_j"]["value"] == "20 %" and doc["priority"]["applies"] is None


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--state", "DK", "--on", "2026-07-01"], "Protocol No 22"),
        (["--state", "IT", "--on", "2026-06-11"], "Art. 79(2)"),
        (["--state", "IT", "--on", "2026-02-30"], "must be a date"),
        (["--state", "IT", "--on", "2026-07-01", "--capacity", "100"], "goes with --figures"),
    ],
)
def test_scope_errors_in_words(args: list[str], words: str) -> None:
    code, out, err = invoke("border", "scope", *args)
    assert code == 2 and words in err and "Traceback" not in err + out


def test_scope_errors_with_files(scope_files: tuple[Path, Path], tmp_path: Path) -> None:
    code, _, err = invoke(*_scope_args(scope_files, on="2026-11-02"))
    assert code == 2 and "falls in no month" in err and "2026-06 to 2026-09" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text(CRISIS.replace("mass_arrivals", "instrumentalisation"), encoding="utf-8")
    code, _, err = invoke(
        "border", "scope", "--state", "IT", "--on", "2026-10-01", "--crisis", str(bad)
    )
    assert code == 2 and "crises.0.derogations" in err and "1(4)(a)" in err


@pytest.mark.parametrize("width", WIDTHS)
def test_scope_tables_fit(cli, scope_files: tuple[Path, Path], width: int) -> None:  # noqa: F811
    printed = cli(width, *_scope_args(scope_files))
    check(printed, width)
    assert "42(1)(j)" in printed.stdout and "18 weeks" in printed.stdout
