"""The CLI shows Part IV as the law reads: every [reading] with its alternatives (params show),
another reading chosen for a run (--reading) and shown with the result, who benefits as of a
date (--as-of), the proposal before any Council act, and a warning for a state not bound."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from eupact.cli.main import app
from eupact.cycle.examples import example_pledges_path


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_params_show_lists_every_reading_with_its_alternatives():
    result = run("params", "show", "--at", "2026-12-04", "-f", "json")
    assert result.exit_code == 0, result.output
    text = result.output
    for name, alternative in (
        ("offsets.cap.contributions_counted", "relocations_only"),
        ("offsets.cap.granted_deductions", "none"),
        ("offsets.obligatory.retest_needs_reconvened_forum", "not_required"),
        ("cycle.date_of_application_part_iv", "2026-07-01"),
        ("key.rounding.relocations", "half_even"),
    ):
        assert name in text and alternative in text, name


def test_pool_outcome_with_another_reading_shows_it(tmp_path):
    """Art. 63(7) [reading] relocations_only: the example's contributing states owe more offsets
    than under all_forms, and the readings table says the choice was made for this run."""
    pledges = str(example_pledges_path(2026))

    def owed(*extra: str) -> tuple[int, str]:
        result = run("pool", "outcome", "--pledges", pledges, "-f", "json", *extra)
        assert result.exit_code == 0, result.output
        doc = json.loads(result.output)
        rows = doc["outcome"]["rows"]
        return sum(r["offset_obligation"] for r in rows), result.output

    default, _ = owed()
    other, text = owed("--reading", "offsets.cap.contributions_counted=relocations_only")
    assert other > default
    assert "chosen for this run" in text


def test_pool_outcome_refuses_an_unknown_reading():
    result = run(
        "pool",
        "outcome",
        "--pledges",
        str(example_pledges_path(2026)),
        "--reading",
        "offsets.cap.contributions_counted=some",
    )
    assert result.exit_code == 2
    assert "alternatives: all_forms, relocations_only" in result.output


def test_as_of_before_the_uses_of_the_pool_makes_nobody_benefit():
    """Art. 58(1): on 11 June 2026 no state of the example has informed yet; on 1 July IT has."""
    pledges = str(example_pledges_path(2026))
    early = run("pool", "outcome", "--pledges", pledges, "--as-of", "2026-06-11")
    assert early.exit_code == 0, early.output
    assert "none (no state has informed" in early.output
    late = run("pool", "outcome", "--pledges", pledges, "--as-of", "2026-07-01")
    assert "IT since 2026-06-12" in late.output


def test_pool_propose_before_any_council_act():
    result = run("pool", "propose", "--year", "2027")
    assert result.exit_code == 0, result.output
    assert "No Council act is recorded for 2027" in result.output
    assert "30,000 relocations" in result.output


def test_key_warns_for_a_state_not_bound():
    """Recital 90, Protocol No 22: Denmark's 'share' is a what-if."""
    result = run("key", "--states", "DK,DE,FR", "-f", "json")
    assert result.exit_code == 0, result.output
    assert "DK not bound by Part IV" in result.output
