"""`eupact plan`: the obligations register listed and filtered (by state, block, act, due
window), its next due dates with weekdays; `plan extract` and `plan recall` over the texts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.cli.plan import plan_rows, with_weekday
from eupact.errors import EupactError
from eupact.register import Addressee, Block, Kind, Obligation
from eupact.register.extract import law_folder

D = dt.date


def _ob(name: str, kind: Kind, who: Addressee, block: Block, **value: object) -> Obligation:
    act = str(value.pop("act", "ammr"))
    return Obligation(
        id=f"register.{act}.1.{name}",
        act=act,
        article="1",
        paragraph="",
        subject="Subject matter",
        block=block,
        addressee=who,
        duty=name,
        kind=kind,
        due=value.get("due"),  # type: ignore[arg-type]
        recurrence=str(value.get("recurrence", "")),
        period=str(value.get("period", "")),
        after=str(value.get("after", "")),
        note="",
        since=D(2024, 6, 11),
    )


MS, COM = Addressee.MEMBER_STATES, Addressee.COMMISSION
SAMPLE = [
    _ob("plan", Kind.DATE, MS, Block.RECEPTION, due=D(2025, 4, 12), act="rcd"),
    _ob("report", Kind.RECURRING, COM, Block.SOLIDARITY, recurrence="yearly 10-15"),
    _ob("reply", Kind.TIME_LIMIT, MS, Block.RESPONSIBILITY, period="2 weeks", after="a request"),
    _ob("review", Kind.RECURRING, MS, Block.RECEPTION, recurrence="every 3 years 2027-06-12"),
]


def test_rows_sorted_by_next_due_with_weekday() -> None:
    rows = plan_rows(SAMPLE, today=D(2026, 1, 1))
    assert [r["duty"] for r in rows] == ["plan", "report", "review", "reply"]
    assert rows[1]["next_due"] == "2026-10-15 Thu"
    assert rows[2]["next_due"] == "2027-06-12 Sat"
    assert rows[3]["next_due"] == "" and rows[3]["kind"] == "2 weeks after"


def test_filters() -> None:
    def ids(**kw: object) -> list[str]:
        return [r["duty"] for r in plan_rows(SAMPLE, today=D(2026, 1, 1), **kw)]  # type: ignore[arg-type]

    assert ids(state="DE") == ["plan", "review", "reply"]
    assert ids(block=3) == ["plan", "review"]
    assert ids(act="rcd") == ["plan"]
    assert ids(due_before=D(2026, 12, 31)) == ["plan", "report"]
    assert ids(due_after=D(2026, 11, 1)) == ["review", "report"]  # 2027-06-12, 2027-10-15
    assert ids(due_after=D(2026, 11, 1), due_before=D(2027, 7, 1)) == ["review"]


def test_with_weekday() -> None:
    assert with_weekday(D(2026, 6, 12)) == "2026-06-12 Fri"
    assert with_weekday(None) == ""


def test_cli_lists_the_register_as_json() -> None:
    out = CliRunner().invoke(app, ["plan", "-f", "json", "--act", "ammr"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["obligations"]["rows"]
    assert rows and all(r["article"].startswith("AMMR Art. ") for r in rows)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--block", "0"], "1 to 10"),
        (["--state", "ZZ"], "--state"),
        (["--act", "xyz"], "one of ammr"),
        (["--due-after", "soon"], "YYYY-MM-DD"),
    ],
)
def test_cli_refuses_in_words(args: list[str], words: str) -> None:
    out = CliRunner().invoke(app, ["plan", *args])
    assert out.exit_code == 2
    assert words in out.output


try:
    law_folder()
    HAVE_LAW = True
except EupactError:
    HAVE_LAW = False


@pytest.mark.skipif(not HAVE_LAW, reason="the acts' texts (../shared/law) are absent")
def test_cli_extract_and_recall() -> None:
    out = CliRunner().invoke(app, ["plan", "extract", "--act", "sr", "-f", "csv"])
    assert out.exit_code == 0, out.output
    assert "Screening Art. 24,recurring,every 5 years 2031-06-12,commission" in out.stdout
    out = CliRunner().invoke(app, ["plan", "recall", "-f", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["recall"]["rows"]
    assert rows[0]["total"] == 30 and rows[0]["found"] >= 27
