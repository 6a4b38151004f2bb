"""Every table the command line prints is readable in a real terminal (issue 15): at 80, 100, 120
and 150 columns no line is longer than the terminal and no figure is cut (a figure of the table
appears whole: no ellipsis, no fold); `-f wide` prints every column at full width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from eupact.cli import common, render
from eupact.cli.main import app
from eupact.cycle.examples import example_pledges_path
from eupact.errors import EupactError
from eupact.register.extract import law_folder
from eupact.reports.formatting import cell_texts, is_number
from eupact.reports.tables import Table

WIDTHS = (80, 100, 120, 150)
PLEDGES = str(example_pledges_path(2026))
CASES = Path(__file__).resolve().parents[1] / "examples" / "responsibility"
STRICT = (
    "parameters:\n  assessment.under_pressure.arrivals:\n    description: d\n    unit: rule\n"
    "    values:\n      2024-06-11: {indicator: arrivals, measure: key_ratio, threshold: '5/2'}\n"
)


@dataclass
class Printed:
    """What a command printed, and the tables it handed to the terminal renderer."""

    stdout: str
    tables: list[tuple[Table, bool]] = field(default_factory=list)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def run(width: int, *args: str) -> Printed:
        printed = Printed("")
        original = render.print_rich

        def spy(console: Console, table: Table, *, wide: bool = False) -> None:
            printed.tables.append((table, wide))
            original(console, table, wide=wide)

        with monkeypatch.context() as m:
            m.setattr(render, "print_rich", spy)
            m.setattr(common.console, "width", width)
            m.delenv("EUPACT_WIDE", raising=False)
            result = CliRunner().invoke(app, list(args))
        assert result.exit_code == 0, result.output
        printed.stdout = result.stdout
        return printed

    yield run


# Every command that prints a table; {tmp} is the test's own folder.
COMMANDS: dict[str, list[str]] = {
    "key": ["key"],
    "pool propose": ["pool", "propose"],
    "pool outcome": ["pool", "outcome", "--pledges", PLEDGES],
    "cycle run": ["cycle", "run", "2026", "--out", "{tmp}/run", "--no-report"],
    "assess": ["assess", "2025"],
    "assess --allow-secondary": ["assess", "2025", "--allow-secondary"],
    "assess --indicators": ["assess", "2025", "--indicators"],
    "assess --compare": ["assess", "2025", "--compare", "{tmp}/strict.yaml"],
    "data vintages": ["data", "vintages"],
    "data show": ["data", "show", "asylum_applicants_first_time", "--period", "2024"],
    "data show population": ["data", "show", "population"],
    "data coverage": ["data", "coverage"],
    "data coverage --indicator": ["data", "coverage", "--indicator", "population"],
    "params show": ["params", "show"],
    "scenario examples": ["scenario", "examples"],
    "scenario run": ["scenario", "run", "as_recorded_2026"],
    "scenario compare": ["scenario", "compare", "as_recorded_2026", "low_pledges_2026"],
    "compare": ["compare", "as_recorded_2026", "poland_deduction_granted_2026"],
    "state DE": ["state", "DE"],
    "state IT": ["state", "IT"],
    "scenario montecarlo": ["scenario", "montecarlo", "--draws", "2000", "--seed", "1"],
    "responsible": ["responsible", str(CASES / "case_e2.yaml")],
    "responsible --explain": ["responsible", str(CASES / "case_e2.yaml"), "--explain"],
    "responsible group": ["responsible", str(CASES / "family_e4.yaml"), "--explain"],
    "plan": ["plan"],
    "plan --state": ["plan", "--state", "DE", "--due-before", "2030-12-31"],
    "plan extract": ["plan", "extract", "--act", "ammr"],
    "plan extract --missing": ["plan", "extract", "--missing"],
    "plan recall": ["plan", "recall"],
}


# commands that read the Official Journal texts beside the repository (eupact.register.extract)
NEEDS_THE_LAW = {"plan extract", "plan extract --missing", "plan recall"}


def _law_at_hand() -> bool:
    try:
        law_folder()
    except EupactError:
        return False
    return True


def command(name: str, tmp: Path) -> list[str]:
    (tmp / "strict.yaml").write_text(STRICT)
    return [a.replace("{tmp}", str(tmp)) for a in COMMANDS[name]]


_NUMBER_EDGE = r"[\d,.]"


def shown_columns(table: Table, wide: bool) -> list[str]:
    return list(table.columns) if wide else [c for c in table.columns if c not in table.wide]


def check(printed: Printed, width: int) -> None:
    """No line wider than the terminal; every figure and every short word of every shown
    column whole in the output."""
    lines = printed.stdout.splitlines()
    too_long = [ln for ln in lines if len(ln) > width]
    assert not too_long, f"{len(too_long)} lines over {width}: {too_long[:3]}"
    assert printed.tables, "no table printed"
    out = printed.stdout
    for table, wide in printed.tables:
        for col in shown_columns(table, wide):
            texts = cell_texts(table, col)
            for row, text in zip(table.rows, texts, strict=True):
                value = row.get(col)
                if is_number(value):
                    pattern = rf"(?<!{_NUMBER_EDGE}){re.escape(text)}(?!\d|,\d|\.\d)"
                    assert re.search(pattern, out), f"{table.name}.{col}: {text} cut or missing"
                elif text and " " not in text and len(text) <= 12:
                    assert text in out, f"{table.name}.{col}: {text!r} cut or missing"


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("width", WIDTHS)
def test_every_table_fits_and_no_number_is_cut(cli, tmp_path, name, width) -> None:
    if name in NEEDS_THE_LAW and not _law_at_hand():
        pytest.skip("the Pact's JSON texts (../shared/law or EUPACT_LAW) are not on this machine")
    printed = cli(width, *command(name, tmp_path))  # type: ignore[operator]
    check(printed, width)


def test_record_view_keeps_every_figure_whole(cli) -> None:
    """Too narrow for the figures side by side, even in parts: one block per state."""
    printed = cli(30, "pool", "outcome", "--pledges", PLEDGES)  # type: ignore[operator]
    check(printed, 30)
    assert "DE — Germany" in printed.stdout
    block = printed.stdout.split("DE — Germany", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"fair share EUR\s+91,099,219\.99", block)
    assert re.search(r"role\s+contributing", block)


def test_wide_prints_every_column_whole(cli) -> None:
    printed = cli(80, "pool", "outcome", "--pledges", PLEDGES, "-f", "wide")  # type: ignore[operator]
    outcome = next(t for t, wide in printed.tables if t.name == "outcome")
    assert all(wide for _, wide in printed.tables)
    header = next(ln for ln in printed.stdout.splitlines() if "fair share EUR" in ln)
    assert len(header) > 80
    for col in outcome.columns:
        for text in cell_texts(outcome, col):
            assert text.split("\n")[0][:40] in printed.stdout


def test_titles_and_cells_are_not_markup(cli) -> None:
    printed = cli(120, "pool", "outcome", "--pledges", PLEDGES)  # type: ignore[operator]
    assert "[reading]s: where the law leaves a choice" in printed.stdout


def test_tokens_and_audit_fit(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'eupact.db'}"
    assert CliRunner().invoke(app, ["db", "upgrade", "--database-url", url]).exit_code == 0
    created = CliRunner().invoke(
        app, ["tokens", "create", "--role", "observer", "--label", "x" * 70, "--database-url", url]
    )
    assert created.exit_code == 0, created.output
    for width in WIDTHS:
        monkeypatch.setattr(common.console, "width", width)
        for args in (["tokens", "list"], ["audit", "verify"]):
            out = CliRunner().invoke(app, [*args, "--database-url", url])
            assert out.exit_code == 0, out.output
            assert max(len(ln) for ln in out.stdout.splitlines()) <= width


def test_match_summary_fits(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = tmp_path / "gen"
    args = ["match", "--synthetic", "120", "--seed", "3", "--applicants", str(gen / "a.csv")]
    args += ["--pledges", str(gen / "p.csv"), "--out", str(tmp_path / "out")]
    monkeypatch.setattr(common.console, "width", 80)
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    assert max(len(ln) for ln in out.stdout.splitlines()) <= 80
    assert "…" not in out.stdout and "By benefitting state" in out.stdout


# --- the layout, unit by unit ------------------------------------------------------------------


def test_wrap_cell_breaks_identifiers_at_separators() -> None:
    assert render.wrap_cell("asylum_applicants_first_time", 20) == "asylum_applicants_\nfirst_time"
    assert render.wrap_cell("Art. 238(1) Treaty", 12) == "Art. 238(1)\nTreaty"
    assert all(len(x) <= 7 for x in render.wrap_cell("abcdefghijklmnop", 7).split("\n"))


def test_plan_keeps_figures_whole_or_gives_up() -> None:
    table = Table(
        "t",
        "t",
        ("geo", "a_eur", "b_eur", "note"),
        [{"geo": "DE", "a_eur": 10**12, "b_eur": -(10**12), "note": "a long note " * 5}],
    )
    columns = [render.Column.of(table, c) for c in table.columns]
    layout = render.plan(columns, 60)
    assert layout is not None
    assert layout.widths[1] >= len("1,000,000,000,000")
    assert layout.widths[2] >= len("-1,000,000,000,000")
    assert render.plan(columns, 30) is None


def test_record_lines_never_break_a_figure() -> None:
    lines = render.record_lines("a very long label indeed", "123,456,789.00", True, 10, 14, 24)
    assert "123,456,789.00" in "\n".join(lines)
    assert all(len(ln) <= 24 for ln in lines)
