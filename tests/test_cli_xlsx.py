"""Spreadsheets from the command line (issue 15): `-f xlsx` writes one workbook per run (a sheet
per table, state names, number and currency formats, frozen headers, a Sources sheet, the
SYNTHETIC label where it applies, never a formula); `-f csv` prints one table per stream and
writes one file per table into a folder."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.cli.render import Format, print_tables
from eupact.cycle.examples import example_pledges_path
from eupact.reports.tables import Table
from eupact.reports.workbook import sheet_name, write_workbook

PLEDGES = str(example_pledges_path(2026))


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def header_row(sheet) -> int:
    """The row of the column names: the one the frozen panes start below."""
    return sheet[sheet.freeze_panes].row - 1


def columns(sheet) -> dict[str, int]:
    row = header_row(sheet)
    return {c.value: c.column for c in sheet[row] if c.value is not None}


def no_formulas(book) -> None:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@")), cell.value


def test_assess_workbook_has_a_sheet_per_table_and_sources(tmp_path) -> None:
    path = tmp_path / "a.xlsx"
    out = run("assess", "2025", "-f", f"xlsx:{path}")
    assert str(path) in out.stdout
    book = load_workbook(path)
    assert book.sheetnames == ["assessment", "comparison_2025", "sensitivity", "Sources"]
    sheet = book["assessment"]
    names = columns(sheet)
    assert list(names)[:3] == ["geo", "member_state", "category"]
    assert sheet.freeze_panes == f"C{header_row(sheet) + 1}"  # header and state stay in view
    assert sheet.auto_filter.ref.startswith(f"A{header_row(sheet)}:")
    assert all(c.font.bold for c in sheet[header_row(sheet)] if c.value)
    states = {
        sheet.cell(r, names["geo"]).value: sheet.cell(r, names["member_state"]).value
        for r in range(header_row(sheet) + 1, sheet.max_row + 1)
    }
    assert states["DE"] == "Germany" and states["EL"] == "Greece" and len(states) == 27
    comparison = book["comparison_2025"]
    assert columns(comparison)["member_state"] == 2  # added beside the geo code
    sensitivity = book["sensitivity"]
    cols, first = columns(sensitivity), header_row(sensitivity) + 1
    cell = sensitivity.cell(first, cols["rise_pct"])
    assert cell.number_format.endswith("%") and abs(cell.value) < 10  # 9.1 % as 0.091
    sources = book["Sources"]
    text = "\n".join(str(c.value) for row in sources.iter_rows() for c in row if c.value)
    assert "Commission Implementing Decision (EU) 2025/2323" in text
    assert "written by eupact" in text
    assert "SYNTHETIC" not in text  # real figures: no banner
    no_formulas(book)


def test_outcome_workbook_formats_figures(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = run("pool", "outcome", "--pledges", PLEDGES, "-f", "xlsx")
    assert "outcome.xlsx" in out.stdout  # default: the first table's name, here
    book = load_workbook(tmp_path / "outcome.xlsx")
    assert book.sheetnames == ["outcome", "totals", "readings", "Sources"]
    sheet = book["outcome"]
    cols = columns(sheet)
    de = next(
        r
        for r in range(header_row(sheet) + 1, sheet.max_row + 1)
        if sheet.cell(r, cols["geo"]).value == "DE"
    )
    fair = sheet.cell(de, cols["fair_share_eur"])
    assert fair.value == pytest.approx(91_099_219.99) and fair.number_format == '#,##0.00 "EUR"'
    relocations = sheet.cell(de, cols["fair_share_relocations"])
    assert relocations.value == 4555 and relocations.number_format == "#,##0"
    share = sheet.cell(de, cols["share_pct"])
    assert share.value == pytest.approx(0.216903) and share.number_format == "0.0000%"
    assert sheet.cell(de, cols["member_state"]).value == "Germany"
    assert "notes" in cols  # every column, the long ones too
    no_formulas(book)


def test_params_workbook_has_dates_as_dates(tmp_path) -> None:
    path = tmp_path / "p"  # .xlsx added
    run("params", "show", "--at", "2026-07-01", "-f", f"xlsx:{path}")
    book = load_workbook(tmp_path / "p.xlsx")
    sheet = book["parameters"]
    cols = columns(sheet)
    since = sheet.cell(header_row(sheet) + 1, cols["since"])
    assert isinstance(since.value, dt.datetime) and since.number_format == "yyyy-mm-dd"
    no_formulas(book)


def test_synthetic_label_heads_every_sheet(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    tables = [
        Table("outcome", "Outcome", ("geo", "balance_eur"), [{"geo": "DE", "balance_eur": 1}]),
        Table("totals", "Totals", ("item", "value"), [{"item": "x", "value": 2}]),
    ]
    console = Console(file=io.StringIO(), width=80)
    print_tables(console, tables, Format.xlsx, label="SYNTHETIC pledges — not real")
    book = load_workbook(tmp_path / "outcome.xlsx")
    for sheet in book.worksheets:
        assert str(sheet["A1"].value).startswith("SYNTHETIC"), sheet.title
        assert sheet["A1"].font.bold
    # a note that says SYNTHETIC is enough
    noted = Table("f", "Forecast", ("geo",), [{"geo": "DE"}], ("SYNTHETIC panels (seed 1)",))
    write_workbook([noted], tmp_path / "n.xlsx")
    assert load_workbook(tmp_path / "n.xlsx")["f"]["A1"].value.startswith("SYNTHETIC")


def test_hostile_text_is_inert_and_figures_stay_figures(tmp_path) -> None:
    rows = [
        {"geo": "DE", "note": '=HYPERLINK("http://x","click")', "amount_eur": Decimal("-5.50")},
        {"geo": "FR", "note": "@SUM(1)", "amount_eur": 7},
        {"geo": "IT", "note": "+1+1\x07", "amount_eur": None},
        {"geo": "EL", "note": "-5", "amount_eur": Decimal("1E+3")},
    ]
    table = Table("x" * 40, "=cmd title", ("geo", "note", "amount_eur"), rows, ("=note",))
    names = write_workbook([table, table], tmp_path / "h.xlsx")
    assert names[0] == "x" * 31 and len(names[1]) <= 31 and names[0] != names[1]
    book = load_workbook(tmp_path / "h.xlsx")
    no_formulas(book)
    sheet = book.worksheets[0]
    cols = columns(sheet)
    notes = [sheet.cell(r, cols["note"]).value for r in range(header_row(sheet) + 1, 7)]
    assert notes[0].startswith("'=") and notes[1].startswith("'@") and notes[2].startswith("'+")
    assert notes[3] == -5  # a number written as text is a number
    amounts = [sheet.cell(r, cols["amount_eur"]).value for r in range(header_row(sheet) + 1, 7)]
    assert amounts == [-5.5, 7, None, 1000]


def test_sheet_names_are_unique_and_valid() -> None:
    taken: set[str] = set()
    assert sheet_name("a/b:c", taken) == "a_b_c"
    assert sheet_name("A/B:C", taken) == "A_B_C~2"
    assert len(sheet_name("y" * 50, taken)) == 31


# --- CSV: one table per stream ------------------------------------------------------------------


def test_csv_of_several_tables_prints_one_and_names_the_others() -> None:
    result = run("assess", "2025", "-f", "csv")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("geo,member_state,category")
    assert sum(1 for ln in lines if ln.startswith(("geo,", "rule,"))) == 1  # one header only
    assert len(list(csv.DictReader(lines))) == 27
    assert "comparison_2025" in result.stderr and "csv:" in result.stderr


def test_csv_table_choice_and_folder(tmp_path) -> None:
    chosen = run("assess", "2025", "-f", "csv:sensitivity")
    assert chosen.stdout.startswith("rule,threshold,")
    folder = tmp_path / "tables"
    out = run("assess", "2025", "-f", f"csv:{folder}/")
    assert sorted(p.name for p in folder.iterdir()) == [
        "assessment.csv",
        "comparison_2025.csv",
        "sensitivity.csv",
    ]
    assert str(folder) in out.stdout
    assert (folder / "assessment.csv").read_text().startswith("geo,member_state,category")
    single = run("key", "-f", "csv")
    assert single.stdout.startswith("geo,population") and not single.stderr


def test_csv_unknown_table_is_refused_with_the_names() -> None:
    result = CliRunner().invoke(app, ["assess", "2025", "-f", "csv:nope"])
    assert result.exit_code == 2
    assert "assessment, comparison_2025, sensitivity" in result.output


@pytest.mark.parametrize("bad", ["pdf", "json:x.json", "xlsx:"])
def test_bad_format_is_a_usage_error(bad: str) -> None:
    result = CliRunner().invoke(app, ["key", "-f", bad])
    assert result.exit_code == 2 and "format" in result.output.lower()


def test_folder_target_for_xlsx(tmp_path: Path) -> None:
    run("key", "-f", f"xlsx:{tmp_path}/")
    assert load_workbook(tmp_path / "reference_key.xlsx").sheetnames == [
        "reference_key",
        "Sources",
    ]
