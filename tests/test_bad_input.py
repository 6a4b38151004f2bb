"""A catalogue of bad inputs: each is refused with exit code 2 and a message naming the field,
the offending value and the rule it breaks (and the file and row where there is one), never with
a traceback; a refused `cycle run` leaves no results folder and no temporary folder behind.

Cases marked xfail(strict=True) document bugs that the case revealed; fix the bug, then drop the
mark.
"""

from __future__ import annotations

import copy
import csv
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.data.snapshot import SNAPSHOT_DIR, load_snapshot
from eupact.errors import EupactError

# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------

# A small pledges file that `cycle run 2026` accepts (see test_base_pledges_file_is_accepted);
# each case breaks exactly one thing in it.
BASE: dict[str, Any] = {
    "label": "test pledges for the bad-input catalogue",
    "synthetic": True,
    "forum_reconvened": False,
    "pledges": [
        {"state": "AT", "kind": "relocation", "amount": 170},
        {"state": "AT", "kind": "financial", "amount": 4588843},
        {"state": "AT", "kind": "alternative", "amount": 109413, "requested_by": ["CY"]},
        {"state": "FR", "kind": "relocation", "amount": 127},
    ],
    "deductions": [
        {
            "state": "CZ",
            "article": "62",
            "full": True,
            "status": "granted",
            "council_act": "Council Implementing Decision (test)",
        },
    ],
}
AT_MONEY = 4588843 + 109413  # AT's financial and alternative pledges in BASE

Edit = Callable[[dict[str, Any]], None]
Writer = Callable[[Path], Path]


def set_pledge(index: int, **changes: Any) -> Edit:
    return lambda doc: doc["pledges"][index].update(changes)


def drop_from_pledge(index: int, key: str) -> Edit:
    return lambda doc: doc["pledges"][index].pop(key)


def add_pledge(**row: Any) -> Edit:
    return lambda doc: doc["pledges"].append(row)


def add_deduction(**row: Any) -> Edit:
    return lambda doc: doc["deductions"].append(row)


def set_header(**changes: Any) -> Edit:
    return lambda doc: doc.update(changes)


def yaml_file(edit: Edit | None = None, name: str = "pledges.yaml") -> Writer:
    """BASE with one edit, written as YAML (or JSON for a .json name)."""

    def write(folder: Path) -> Path:
        doc = copy.deepcopy(BASE)
        if edit is not None:
            edit(doc)
        path = folder / name
        text = json.dumps(doc) if name.endswith(".json") else yaml.safe_dump(doc, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def text_file(name: str, text: str) -> Writer:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def no_file(name: str) -> Writer:
    return lambda folder: folder / name


POPULATION_LINES = (SNAPSHOT_DIR / "population_latest.csv").read_text(encoding="utf-8").splitlines()
POP_COLUMN = "pop_2024_01_01"  # the population column of the 2026 vintage


def population_file(edit: Callable[[list[str]], list[str]], name: str = "population.csv") -> Writer:
    """The shipped population table, edited, as the user's own --population-file."""

    def write(folder: Path) -> Path:
        path = folder / name
        path.write_text("\n".join(edit(list(POPULATION_LINES))) + "\n", encoding="utf-8")
        return path

    return write


def replace_line(geo: str, new: str) -> Callable[[list[str]], list[str]]:
    return lambda lines: [new if line.startswith(f"{geo},") else line for line in lines]


def row_of(geo: str) -> int:
    """The spreadsheet row (header = row 1) of ``geo`` in the shipped population table."""
    return next(i for i, line in enumerate(POPULATION_LINES, 1) if line.startswith(f"{geo},"))


# --------------------------------------------------------------------------------------------
# Command lines
# --------------------------------------------------------------------------------------------

Argv = Callable[[Path], list[str]]


def cycle(write: Writer, *extra: str) -> Argv:
    return lambda tmp: [
        "cycle",
        "run",
        "2026",
        "--pledges",
        str(write(tmp)),
        "--out",
        str(tmp / "out"),
        "--quiet",
        *extra,
    ]


def cli(*args: str) -> Argv:
    return lambda tmp: list(args)


def cycle_shipped(*extra: str) -> Argv:
    """`cycle run` on the shipped example pledges, with extra options."""
    return lambda tmp: ["cycle", "run", "2026", "--out", str(tmp / "out"), "--quiet", *extra]


def key_with_population(write: Writer) -> Argv:
    return lambda tmp: ["key", "--population-file", str(write(tmp))]


@dataclass(frozen=True)
class Case:
    argv: Argv
    expect: tuple[str, ...]  # substrings of the error text: field, value, rule, location
    problems: int | None = 1  # how many problems are listed (None: not checked)
    absent: tuple[str, ...] = ()  # substrings that must not appear


def case(id: str, argv: Argv, *expect: str, problems: int | None = 1, bug: str = "") -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
    return pytest.param(Case(argv, expect, problems), id=id, marks=marks)


def flat(text: str) -> str:
    """Whitespace-insensitive text (Rich wraps long lines)."""
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------

PLEDGES_FILE_CASES = [
    case(
        "pledges-negative-amount",
        cycle(yaml_file(set_pledge(1, amount=-5))),
        "pledges.yaml, pledges[1]: field 'amount' = '-5'",
        "a pledge must not be negative",
    ),
    case(
        "pledges-fractional-relocations",
        cycle(yaml_file(set_pledge(0, amount=12.5))),
        "pledges.yaml, pledges[0]: field 'amount' = '12.5'",
        "relocations are whole persons",
    ),
    case(
        "pledges-unknown-state-XX",
        cycle(yaml_file(add_pledge(state="XX", kind="relocation", amount=10))),
        "pledges.yaml, pledges[4]: field 'state' = 'XX'",
        "unknown Member State",
    ),
    case(
        "pledges-GR-instead-of-EL",
        cycle(yaml_file(add_pledge(state="GR", kind="relocation", amount=10))),
        "pledges.yaml, pledges[4]: field 'state' = 'GR'",
        "unknown Member State (use Eurostat geo codes; EL = Greece)",
    ),
    case(
        "pledges-denmark-not-bound",
        cycle(yaml_file(add_pledge(state="DK", kind="financial", amount=1000))),
        "pledges.yaml, pledges[4]: field 'state' = 'DK'",
        "not bound by Part IV AMMR (recital 90, Protocol No 22)",
    ),
    case(
        "pledges-duplicate-state-and-kind",
        cycle(yaml_file(add_pledge(state="AT", kind="relocation", amount=5))),
        "pledges.yaml, pledges[4]: field 'state' = 'AT'",
        "duplicate relocation pledge (first at pledges.yaml, pledges[0])",
        "one pledge per state and type (Art. 57(1))",
    ),
    case(
        "pledges-unknown-kind",
        cycle(yaml_file(set_pledge(0, kind="cash"))),
        "pledges.yaml, pledges[0]: field 'kind' = 'cash'",
        "Input should be 'relocation', 'financial' or 'alternative'",
    ),
    case(
        "pledges-missing-amount",
        cycle(yaml_file(drop_from_pledge(0, "amount"))),
        "pledges.yaml, pledges[0]: field 'amount'",
        "Field required",
    ),
    case(
        "pledges-non-numeric-amount",
        cycle(yaml_file(set_pledge(1, amount="lots"))),
        "pledges.yaml, pledges[1]: field 'amount' = 'lots'",
        "a number, e.g. 1200 or 1200.50",
    ),
    case(
        "pledges-unknown-field",
        cycle(yaml_file(set_pledge(0, colour="blue"))),
        "pledges.yaml, pledges[0]: field 'colour' = 'blue'",
        "Extra inputs are not permitted",
    ),
    case(
        "pledges-alternative-requested-by-non-benefitting-DE",
        cycle(yaml_file(set_pledge(2, requested_by=["DE"]))),
        "pledges.yaml, pledges[2]: field 'requested_by' = 'DE'",
        "at the request of a benefitting Member State (Art. 65(1))",
        "neither benefits nor was identified under migratory pressure in 2026 (CY, EL, ES, IT)",
    ),
    case(
        "pledges-requested-by-on-financial",
        cycle(yaml_file(set_pledge(1, requested_by=["IT"]))),
        "pledges.yaml, pledges[1]: field 'requested_by' = 'IT'",
        "only alternative measures are given on request (Art. 65(1))",
    ),
    case(
        "pledges-malformed-yaml",
        cycle(text_file("pledges.yaml", "pledges:\n  - state: AT\n    kind: [relocation\n")),
        "field 'file' = '",
        "pledges.yaml'",
        "is not valid YAML",
        "line 3",
    ),
    case(
        "pledges-json-not-a-mapping",
        cycle(text_file("pledges.json", json.dumps(BASE["pledges"]))),
        "pledges.json: field 'pledges' = 'list'",
        "the file holds a mapping with a list 'pledges'",
    ),
    case(
        "pledges-file-does-not-exist",
        cycle(no_file("missing.yaml")),
        "field 'file' = '",
        "missing.yaml'",
        "does not exist",
    ),
    case(
        "pledges-txt-extension-json-content",
        cycle(text_file("pledges.txt", json.dumps(BASE))),
        "field 'file' = '",
        "pledges.txt'",
        "must be .yaml, .yml, .json or .csv",
    ),
    case(
        "pledges-txt-extension-yaml-content",
        cycle(text_file("pledges.txt", yaml.safe_dump(BASE))),
        "field 'file' = '",
        "pledges.txt'",
        "must be .yaml, .yml, .json or .csv",
    ),
    case(
        "pledges-header-forum-reconvened-not-a-boolean",
        cycle(yaml_file(set_header(forum_reconvened="false"))),
        "forum_reconvened",
        "'false'",
    ),
    case(
        "pledges-csv-negative-amount-row-3",
        cycle(text_file("pledges.csv", "state,kind,amount\nAT,relocation,170\nAT,financial,-3\n")),
        "pledges.csv, row 3: field 'amount' = '-3'",
        "a pledge must not be negative",
    ),
    case(
        "pledges-csv-non-numeric-amount-row-3",
        cycle(text_file("pledges.csv", "state,kind,amount\nAT,relocation,170\nAT,financial,abc\n")),
        "pledges.csv, row 3: field 'amount' = 'abc'",
        "a number, e.g. 1200 or 1200.50",
    ),
    case(
        "pledges-csv-row-number-after-label-comment",
        cycle(
            text_file(
                "pledges.csv", "# my label\nstate,kind,amount\nAT,relocation,170\nAT,financial,-3\n"
            )
        ),
        "pledges.csv, row 4: field 'amount' = '-3'",
    ),
    case(
        "pledges-csv-row-number-after-blank-line",
        cycle(
            text_file("pledges.csv", "state,kind,amount\nAT,relocation,170\n\nAT,financial,-3\n")
        ),
        "pledges.csv, row 4: field 'amount' = '-3'",
    ),
    case(
        "pledges-csv-row-with-extra-cell",
        cycle(text_file("pledges.csv", "state,kind,amount\nAT,relocation,170\nAT,financial,3,9\n")),
        "pledges.csv, row 3",
        "'9'",
    ),
]

DEDUCTION_CASES = [
    case(
        "deduction-article-60",
        cycle(yaml_file(add_deduction(state="AT", article="60", full=True))),
        "pledges.yaml, deductions[1]: field 'article' = '60'",
        "Input should be '61' or '62'",
    ),
    case(
        "deduction-art61-by-benefitting-IT",
        cycle(
            yaml_file(
                lambda doc: (
                    doc.update(uses_of_pool=[{"state": "IT", "informed_on": "2026-06-15"}]),
                    doc["deductions"].append({"state": "IT", "article": "61", "full": True}),
                )
            )
        ),
        "pledges.yaml, deductions[1]: field 'article' = '61'",
        "a state that made use of the pool (Art. 58) or notified its need to use it (Art. 59) "
        "cannot request a deduction under Art. 61(1)",
    ),
    case(
        "use-of-pool-by-state-not-identified",
        cycle(yaml_file(set_header(uses_of_pool=[{"state": "DE", "informed_on": "2026-06-15"}]))),
        "field 'state' = 'DE'",
        "a state that considers itself so notifies under Art. 59(1)",
    ),
    case(
        "use-of-pool-impossible-date",
        cycle(yaml_file(set_header(uses_of_pool=[{"state": "IT", "informed_on": "2026-02-30"}]))),
        "pledges.yaml, uses_of_pool[0]: field 'informed_on' = '2026-02-30'",
        "a real calendar date written YYYY-MM-DD",
    ),
    case(
        "use-of-pool-before-the-date-of-application",
        cycle(yaml_file(set_header(uses_of_pool=[{"state": "IT", "informed_on": "2026-06-11"}]))),
        "field 'informed_on' = '2026-06-11'",
        "Arts. 58–63 AMMR apply from 2026-06-12",
    ),
    case(
        "notification-without-its-content",
        cycle(
            yaml_file(
                set_header(
                    notifications=[
                        {
                            "state": "MT",
                            "notified_on": "2026-07-01",
                            "reasoning": "x",
                            "needs": {"relocations": 0},
                            "stabilisation": "y",
                            "vulnerabilities": "z",
                        }
                    ]
                )
            )
        ),
        "field 'needs' = '0'",
        "Art. 59(2)(b)",
    ),
    case(
        "as-of-not-a-date",
        cycle(yaml_file(set_header(as_of="soon"))),
        "field 'as_of' = 'soon'",
        "a date written YYYY-MM-DD",
    ),
    case(
        "deduction-art62-FR-not-identified-not-self-assessed",
        cycle(yaml_file(add_deduction(state="FR", article="62", full=True))),
        "pledges.yaml, deductions[1]: field 'self_assessed' = false",
        "FR is not identified as facing a significant migratory situation",
        "Art. 62(1)",
    ),
    case(
        "deduction-granted-without-council-act",
        cycle(yaml_file(add_deduction(state="AT", article="62", full=True, status="granted"))),
        "pledges.yaml, deductions[1]: field 'council_act' = ''",
        "adopted an implementing act authorising it (Art. 62(5))",
    ),
    case(
        "deduction-partial-relocations-above-pledge",
        cycle(yaml_file(add_deduction(state="AT", article="62", full=False, relocations=500))),
        "pledges.yaml, deductions[1]: field 'relocations' = 500",
        "partial deduction above the 170 relocations pledged by AT",
    ),
    case(
        "deduction-partial-financial-above-pledge",
        cycle(yaml_file(add_deduction(state="AT", article="62", full=False, financial=10**9))),
        "pledges.yaml, deductions[1]: field 'financial' = '1000000000'",
        f"partial deduction above the EUR {AT_MONEY} of financial and alternative pledges of AT",
    ),
    case(
        "deduction-two-granted-for-same-state",
        cycle(
            yaml_file(
                add_deduction(
                    state="CZ", article="62", full=True, status="granted", council_act="CID 2"
                )
            )
        ),
        "pledges.yaml, deductions[1]: field 'state' = 'CZ'",
        "a second granted deduction for the same state",
    ),
]

OPTION_CASES = [
    case(
        "propose-below-floor-without-exceptional",
        cli("pool", "propose", "--relocations", "20000"),
        "field 'relocations' = 20000",
        "below the minimum of Art. 12(2) (30000 relocations / EUR 600000000)",
        "Art. 12(4)",
    ),
    case(
        "propose-below-floor-hint-names-the-cli-flag",
        cli("pool", "propose", "--relocations", "20000"),
        "--exceptional",
    ),
    case(
        "propose-ratio-broken",
        cli("pool", "propose", "--relocations", "31000", "--financial", "1"),
        "field 'financial' = 1",
        "must keep the ratio of Art. 12(3): 31000 relocations × EUR 20000 = EUR 620000000",
        problems=2,  # EUR 1 is also below the financial floor of Art. 12(2)
    ),
    case(
        "propose-financial-nan",
        cli("pool", "propose", "--financial", "nan"),
        "--financial",
        "'nan'",
    ),
    case(
        "propose-financial-infinite",
        cli("pool", "propose", "--financial", "inf"),
        "--financial",
        "'inf'",
    ),
    case(
        "propose-sar-share-above-one",
        cli("pool", "propose", "--sar-share", "1.5"),
        "field '--sar-share' = '1.5'",
        "must be between 0 and 1",
    ),
    case(
        "cycle-run-sar-share-above-one",
        cycle_shipped("--sar-share", "1.5"),
        "field '--sar-share' = '1.5'",
        "must be between 0 and 1",
    ),
    case(
        "key-unknown-state-XX",
        cli("key", "--states", "AT,XX"),
        "field 'state' = 'XX'",
        "not a Member State (Eurostat geo codes; EL = Greece)",
    ),
    case(
        "key-population-date-not-in-snapshot",
        cli("key", "--population-date", "1999-01-01"),
        "field 'population reference date' = '1999-01-01'",
        "not in the snapshot",
        "available reference dates: 2023-01-01, 2024-01-01, 2025-01-01",
    ),
    case(
        "params-show-at-not-a-date",
        cli("params", "show", "--at", "notadate"),
        "field '--at' = 'notadate'",
        "must be a date YYYY-MM-DD",
    ),
]

DUPLICATE_ROW = len(POPULATION_LINES) + 1  # BE appended after the last state

POPULATION_FILE_CASES = [
    case(
        "population-file-negative-value",
        key_with_population(population_file(replace_line("BE", "BE,11742796,-5,11883495"))),
        f"population.csv, row {row_of('BE')}: field '{POP_COLUMN}' = '-5'",
        'constraint-error: constraint "minimum" is "1"',
    ),
    case(
        "population-file-missing-state-row",
        key_with_population(
            population_file(lambda lines: [x for x in lines if not x.startswith("MT,")])
        ),
        "population.csv: field 'geo' = 'MT'",
        "missing row: every Member State must be present (no gaps)",
    ),
    case(
        "population-file-duplicate-geo-row",
        key_with_population(population_file(lambda lines: [*lines, lines[row_of("BE") - 1]])),
        f"population.csv, row {DUPLICATE_ROW}: field 'geo' = 'BE'",
        f"unique-error: the same as in the row at position {row_of('BE')}",
        problems=None,
    ),
    case(
        "population-file-non-integer",
        key_with_population(population_file(replace_line("BE", "BE,11742796,11817096.5,11883495"))),
        f"population.csv, row {row_of('BE')}: field '{POP_COLUMN}' = '11817096.5'",
        'type-error: type is "integer/default"',
    ),
    pytest.param(
        Case(
            key_with_population(population_file(lambda lines: [*lines, lines[row_of("BE") - 1]])),
            (f"population.csv, row {DUPLICATE_ROW}: field 'geo' = 'BE'",),
            problems=1,
            absent=("field '-'",),
        ),
        id="population-file-duplicate-geo-reported-once",
    ),
    case(
        "population-file-renamed-column-header",
        key_with_population(
            population_file(lambda lines: [lines[0].replace(POP_COLUMN, "population"), *lines[1:]])
        ),
        "= 'population'",
        f"the header must be '{POP_COLUMN}'",
    ),
]

ALL_CASES = PLEDGES_FILE_CASES + DEDUCTION_CASES + OPTION_CASES + POPULATION_FILE_CASES


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


def invoke(argv: list[str]) -> Any:
    # A wide terminal keeps Rich from folding long paths in the middle of a word.
    return CliRunner().invoke(app, argv, env={"COLUMNS": "1000"})


@pytest.mark.parametrize("bad", ALL_CASES)
def test_bad_input_is_refused(tmp_path: Path, bad: Case) -> None:
    argv = bad.argv(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())

    result = invoke(argv)

    err = flat(result.stderr)
    # (a) refused input: exit code 2, problems on stderr, nothing on stdout
    assert result.exit_code == 2, result.output
    assert err.startswith("error: "), result.output
    assert "error:" not in result.stdout
    # (b) the message names the field, the value, the rule (and file/row where there is one)
    for expected in bad.expect:
        assert flat(expected) in err, f"{expected!r} not in:\n{result.stderr}"
    for unexpected in bad.absent:
        assert unexpected not in err, f"{unexpected!r} in:\n{result.stderr}"
    if bad.problems is not None:
        listed = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
        assert len(listed) == bad.problems, result.stderr
    # (c) no traceback, no internal error
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    # (d) a refused cycle run writes nothing: no results folder, no staging folder
    if argv[:2] == ["cycle", "run"]:
        assert not (tmp_path / "out").exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_catalogue_is_large_enough() -> None:
    assert len(ALL_CASES) >= 24


# Controls: the unbroken inputs are accepted, so each case fails for its own reason only.


def test_base_pledges_file_is_accepted(tmp_path: Path) -> None:
    result = invoke(cycle(yaml_file())(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "result.json").is_file()


def test_base_pledges_file_is_accepted_as_json(tmp_path: Path) -> None:
    result = invoke(cycle(yaml_file(name="pledges.json"))(tmp_path))
    assert result.exit_code == 0, result.output


def test_base_pledges_csv_is_accepted(tmp_path: Path) -> None:
    write = text_file("pledges.csv", "state,kind,amount\nAT,relocation,170\nAT,financial,3\n")
    result = invoke(cycle(write)(tmp_path))
    assert result.exit_code == 0, result.output


def test_unedited_population_file_is_accepted(tmp_path: Path) -> None:
    result = invoke(key_with_population(population_file(lambda lines: lines))(tmp_path))
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------------------------
# The data snapshot, through the Python API
# --------------------------------------------------------------------------------------------


def corrupt_snapshot(
    tmp_path: Path, file: str, geo: str, column: str, value: str
) -> tuple[Path, int]:
    """Copy the shipped snapshot and overwrite one cell; return the folder and the cell's row."""
    folder = tmp_path / "snapshot"
    shutil.copytree(SNAPSHOT_DIR, folder)
    path = folder / file
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index(column)
    index = next(i for i, row in enumerate(rows) if row[0] == geo)
    rows[index][col] = value
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return folder, index + 1  # the header is row 1


@pytest.mark.parametrize(
    ("file", "geo", "column", "value", "rule"),
    [
        pytest.param(
            "gdp_current_prices_meur.csv",
            "BG",
            "gdp_2023",
            "lots",
            'type-error: type is "number/default"',
            id="gdp-not-a-number",
        ),
        pytest.param(
            "population_latest.csv",
            "CY",
            "pop_2025_01_01",
            "-1",
            'constraint-error: constraint "minimum" is "1"',
            id="population-negative",
        ),
    ],
)
def test_corrupted_snapshot_is_refused(
    tmp_path: Path, file: str, geo: str, column: str, value: str, rule: str
) -> None:
    folder, row = corrupt_snapshot(tmp_path, file, geo, column, value)
    # load_snapshot is functools.cache'd by path string: the fresh tmp folder is never cached.
    with pytest.raises(EupactError) as info:
        load_snapshot(str(folder))
    [problem] = info.value.problems
    assert problem.location == f"{file}, row {row}"
    assert problem.field == column
    assert problem.value == value
    assert rule in problem.rule
    assert f"{file}, row {row}: field '{column}' = '{value}'" in str(info.value)
    assert str(folder) in info.value.summary
