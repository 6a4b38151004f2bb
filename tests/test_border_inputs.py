"""Reading the border procedure's inputs (eupact.data.border_inputs): an inputs file and a monthly
file, CSV and XLSX, every hostile cell refused with its row, field and rule; the snapshot's refusals
of entry gathered with their own (secondary) source class; Frontex detections by state said to be
not held; a missing figure kept missing, never 0."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eupact.border.capacity import adequate_capacity, bound_states
from eupact.data.border_inputs import (
    INPUT_COLUMNS,
    CrossingFigures,
    ValueSource,
    gather,
    read_border_inputs,
    read_monthly_figures,
)
from eupact.data.snapshot import load_snapshot
from eupact.errors import EupactError

BOUND = bound_states(dt.date(2024, 8, 12))
TODAY = dt.date(2026, 12, 1)
HEADER = ",".join(INPUT_COLUMNS)


def write(tmp_path: Path, text: str, name: str = "inputs.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(EupactError) as err:
        read_border_inputs(path, bound=BOUND, today=TODAY)
    return str(err.value)


def test_a_good_file_with_an_empty_cell_kept_missing(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "IT,2021,67000,,5000,Frontex extraction 2024,primary\n"
        "# a comment row\n"
        "el,2022,18000,3000,9000,ministry table,\n",
    )
    it, el = read_border_inputs(path, bound=BOUND, today=TODAY)
    assert (it.geo, it.year, it.irregular_crossings, it.sar_arrivals) == ("IT", 2021, 67000, None)
    assert it.source.source_class == "primary" and "row 2" in it.source.source
    assert el.geo == "EL" and el.source.source_class == "user"  # empty class: the user's


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("IT,2021,-5,0,0,x,user", ["irregular_crossings", "must not be negative", "row 2"]),
        ("IT,2021,1.5,0,0,x,user", ["irregular_crossings", "digits only"]),
        ("IT,2021,1 000,0,0,x,user", ["digits only"]),
        ("IT,2021,99999999999,0,0,x,user", ["above 10,000,000"]),
        ("DK,2021,1,0,0,x,user", ["Protocol No 22"]),
        ("GR,2021,1,0,0,x,user", ["bound by Regulation (EU) 2024/1348", "EL is Greece"]),
        ("IT,,1,0,0,x,user", ["year", "required"]),
        ("IT,2030,1,0,0,x,user", ["year", "2025 (the last full calendar year)"]),
        ("IT,2001,1,0,0,x,user", ["from 2008"]),
        ("IT,2021,1,0,0,,user", ["source", "required"]),
        ("IT,2021,1,0,0,x,official", ["source_class", "primary, secondary or user"]),
        ("IT,2021,1,0,0,=HYPERLINK(1),user", ["formula"]),
    ],
)
def test_bad_cells_are_refused_with_field_and_rule(
    tmp_path: Path, row: str, words: list[str]
) -> None:
    text = refused(write(tmp_path, f"{HEADER}\n{row}\n"))
    for word in words:
        assert word in text, text
    assert "Traceback" not in text and "ValueError" not in text


def test_a_repeated_state_year_is_refused(tmp_path: Path) -> None:
    text = refused(write(tmp_path, f"{HEADER}\nIT,2021,1,0,1,a,user\nIT,2021,2,0,2,b,user\n"))
    assert "already given in row 2" in text and "row 3" in text


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = refused(write(tmp_path, f"{HEADER}\nIT,2021,-1,0,0,x,user\nXX,2021,1,0,0,x,user\n"))
    assert "2 problem(s)" in text


def test_a_wrong_header_is_named(tmp_path: Path) -> None:
    text = refused(write(tmp_path, "geo,year,crossings\nIT,2021,1\n"))
    assert "crossings" in text and "missing column" in text and "refusals_of_entry" in text
    assert "is empty" in refused(write(tmp_path, ""))
    assert ".csv or .xlsx" in refused(write(tmp_path, "x", name="inputs.txt"))


def test_an_xlsx_file_reads_like_the_csv(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(INPUT_COLUMNS))
    sheet.append(["HU", 2023, 100000, None, 12000, "FRAN extraction", "primary"])
    path = tmp_path / "inputs.xlsx"
    book.save(path)
    (hu,) = read_border_inputs(path, bound=BOUND, today=TODAY)
    assert (hu.irregular_crossings, hu.sar_arrivals, hu.refusals_of_entry) == (100000, None, 12000)


# --- what the data layer holds --------------------------------------------------------------------


def test_gather_takes_the_snapshot_refusals_with_their_own_class() -> None:
    gathered = gather((2021, 2022, 2023), bound=BOUND, snapshot=load_snapshot())
    (pl,) = [f for f in gathered.figures if f.geo == "PL"]
    assert (pl.year, pl.refusals_of_entry, pl.irregular_crossings) == (2023, 14850, None)
    assert pl.source_of("refusals_of_entry").source_class == "secondary"
    assert "Statistics Explained" in pl.source_of("refusals_of_entry").source
    assert any("Frontex" in n and "not in the data layer" in n for n in gathered.not_held)
    assert any("PL 2023 (secondary)" in h for h in gathered.held)


def test_gather_fills_only_an_empty_cell_and_notes_a_difference() -> None:
    user = ValueSource("ministry", "user")
    rows = [
        CrossingFigures("PL", 2023, 40000, None, None, user),
        CrossingFigures("IT", 2023, 1, None, 2, user),
        CrossingFigures("IT", 2019, 1, None, 2, user),
    ]
    gathered = gather((2021, 2022, 2023), bound=BOUND, snapshot=load_snapshot(), figures=rows)
    pl = next(f for f in gathered.figures if f.geo == "PL")
    assert pl.irregular_crossings == 40000 and pl.refusals_of_entry == 14850
    assert pl.source_of("irregular_crossings").source == "ministry"
    assert pl.source_of("refusals_of_entry").source_class == "secondary"
    assert any("2019" in n for n in gathered.notes)
    given = CrossingFigures("PL", 2023, 40000, None, 15000, user)
    kept = gather((2023,), bound=BOUND, snapshot=load_snapshot(), figures=[given])
    assert kept.figures[0].refusals_of_entry == 15000
    assert any("the inputs' figure is used" in n for n in kept.notes)


def test_what_is_held_never_makes_a_capacity() -> None:
    """The shipped data alone hold one refusal figure and no crossings: nothing is computed, and
    what is missing is named (never filled with 0)."""
    gathered = gather((2021, 2022, 2023), bound=BOUND, snapshot=load_snapshot())
    result = adequate_capacity(gathered.figures, act_date=dt.date(2024, 8, 12), on_missing="name")
    assert result.total is None and len(result.missing) == 26 * 3 * 2 - 1


# --- the monthly file ------------------------------------------------------------------------------

MONTHLY = "geo,month,asylum_border,return_border,entered,left,examined\n"


def test_monthly_file_reads_months_and_refuses_bad_cells(tmp_path: Path) -> None:
    path = write(tmp_path, MONTHLY + "IT,2026-07,100,20,120,0,40\nIT,2026-08-01,90,20,5,15,30\n")
    a, b = read_monthly_figures(path, bound=BOUND)
    assert (
        a.month == dt.date(2026, 7, 1) and b.month == dt.date(2026, 8, 1) and b.in_procedure == 110
    )
    bad = write(
        tmp_path, MONTHLY + "IT,2026-13,1,0,1,0,0\nIT,2026-07,-1,0,0,0,0\nDK,2026-07,1,0,1,0,0\n"
    )
    with pytest.raises(EupactError) as err:
        read_monthly_figures(bad, bound=BOUND)
    text = str(err.value)
    assert "month" in text and "2026-13" in text and "must not be negative" in text
    assert "Protocol No 22" in text and "3 problem(s)" in text
