"""Running a scenario: the base year's pledges file with the scenario's changes, through the same
engine as `eupact cycle run` (fair shares Art. 57(3), deductions Art. 61–62, outcome and offsets
Art. 63, who benefits Art. 58–60).

The changed pledges file is written to a temporary file and read back by the same reader that
checks every pledges file, so a scenario's rows obey exactly the rules of a real file.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

import yaml

from eupact import yamlio
from eupact.assessment import Methodology, load_methodology
from eupact.cycle.examples import example_pledges_path
from eupact.cycle.inputs import read_pledges_document
from eupact.cycle.run import CycleResult, run_cycle
from eupact.data.provenance import StateSeries
from eupact.data.snapshot import Snapshot, load_snapshot, load_user_series
from eupact.errors import fail
from eupact.key.reference_key import Vintage
from eupact.parameters import ParameterSet, load_parameters
from eupact.pool.year import DEFAULT_VINTAGES
from eupact.scenarios.model import Scenario


def scenario_parameters(scenario: Scenario, base: ParameterSet | None = None) -> ParameterSet:
    """The legal parameters with the scenario's changed values (refused if a name is not a
    parameter or a value changes type)."""
    changes: dict[str, object] = dict(scenario.changes.parameters)
    for name in changes:
        if name.startswith("assessment."):
            raise fail(
                f"changes.parameters.{name}",
                name,
                "methodology thresholds are not legal values: change them under changes.thresholds",
            )
    return (base or load_parameters()).with_values(changes, f"scenario '{scenario.label}'")


def _vintage(scenario: Scenario) -> Vintage:
    default = DEFAULT_VINTAGES.get(scenario.base, Vintage())
    change = scenario.changes.vintage
    if change is None:
        return default
    return Vintage(
        change.population_date or default.population_date,
        change.gdp_year or default.gdp_year,
        change.release,
    )


def _scaled(amount: object, factor: Fraction) -> object:
    """A pledge times ``factor``, rounded down to whole relocations or euros (a state does not
    pledge more than the scenario says); an amount that is not a whole number is left for the
    pledges reader to refuse."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        return amount
    value = Decimal(amount) * factor.numerator / factor.denominator
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def changed_pledges_document(scenario: Scenario, base: dict[str, Any]) -> dict[str, Any]:
    """The base pledges file's document with the scenario's changes (a new document)."""
    change = scenario.changes.pledges
    doc = {k: (list(v) if isinstance(v, list) else v) for k, v in base.items()}
    removed = set(change.remove_pledges_of) | set(scenario.changes.key.left_out)
    pledges = [p for p in doc.get("pledges", []) if str(p.get("state", "")).upper() not in removed]
    factor = change.scale()
    if factor is not None:
        pledges = [{**p, "amount": _scaled(p.get("amount", 0), factor)} for p in pledges]
    doc["pledges"] = pledges
    granted = set(change.grant_deductions_of)
    deductions = []
    seen: set[str] = set()
    for row in doc.get("deductions", []) or []:
        state = str(row.get("state", "")).upper()
        if state in scenario.changes.key.left_out:
            continue  # a state left out of the key has nothing to deduct
        if state in granted:
            seen.add(state)
            row = {
                **row,
                "status": "granted",
                "council_act": f"scenario '{scenario.label}' (not adopted)",
            }
        deductions.append(row)
    missing = sorted(granted - seen)
    if missing:
        raise fail(
            "changes.pledges.grant_deductions_of",
            " ".join(missing),
            "no deduction is requested by these states in the pledges file: add one under "
            "changes.pledges.add.deductions (state, article 61 or 62, full or the amounts)",
        )
    doc["deductions"] = deductions
    for kind, rows in change.add.items():
        doc[kind] = [*(doc.get(kind) or []), *rows]
    if scenario.changes.forum_reconvened is not None:
        doc["forum_reconvened"] = scenario.changes.forum_reconvened
    label = str(doc.get("label", "")).strip()
    doc["label"] = f"{label} — scenario: {scenario.label}".strip(" —")
    return doc


def run_scenario(scenario: Scenario, *, snapshot: Snapshot | None = None) -> CycleResult:
    """The cycle year of ``scenario`` with its changes (no pressure assessment: a scenario asks
    about the pool)."""
    path = scenario.pledges_path() or example_pledges_path(scenario.base)
    try:
        base = yamlio.load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        raise fail("pledges_file", str(path), "cannot be read as a pledges file") from None
    if path.suffix.lower() == ".csv" or not isinstance(base, dict):
        raise fail("pledges_file", str(path), "must be a YAML or JSON pledges file")
    doc = changed_pledges_document(scenario, base)
    share = scenario.changes.sar_share
    sar_share = None
    if share is not None:
        try:
            sar_share = Fraction(share.strip())
        except (ValueError, ZeroDivisionError):
            raise fail("changes.sar_share", share, "must be a fraction such as 1/2") from None
        if not 0 <= sar_share <= 1:
            raise fail("changes.sar_share", share, "must lie between 0 and 1")
    key_states, population, gdp = _key_inputs(scenario, snapshot)
    method = _methodology(scenario)
    # the changed document is checked by the same rules as a pledges file on disk
    result = run_cycle(
        scenario.base,
        read_pledges_document(doc, path),
        vintage=_vintage(scenario),
        snapshot=snapshot,
        sar_share=sar_share,
        assess=method is not None,
        methodology=method,
        readings=scenario.changes.readings,
        as_of=scenario.changes.as_of,
        allow_secondary=scenario.changes.allow_secondary,
        parameters=scenario_parameters(scenario),
        key_states=key_states,
        population=population,
        gdp=gdp,
    )
    return result


def _key_inputs(
    scenario: Scenario, snapshot: Snapshot | None
) -> tuple[tuple[str, ...] | None, StateSeries | None, StateSeries | None]:
    """The key's states (the bound Member States less those left out) and a user's own
    population or GDP series, validated like the snapshot's resource they replace."""
    change = scenario.changes.key
    states = None
    if change.left_out:
        params = load_parameters().at(dt.date(scenario.base, 1, 1))
        states = tuple(
            g for g in params("scope.bound_member_states") if g not in set(change.left_out)
        )
    population = gdp = None
    if change.population_file or change.gdp_file:
        snap = snapshot or load_snapshot()
        vintage = _vintage(scenario)
        if change.population_file:
            base = snap.find("population", vintage.population_date, vintage.population_release)
            population = load_user_series(scenario.path_of(change.population_file) or "", base)
        if change.gdp_file:
            base = snap.find("gdp", vintage.gdp_year)
            gdp = load_user_series(scenario.path_of(change.gdp_file) or "", base)
    return states, population, gdp


def _methodology(scenario: Scenario) -> Methodology | None:
    """The assessment's methodology of the year before with the scenario's thresholds (None: the
    scenario asks about the pool only, and no assessment is run)."""
    if not scenario.changes.thresholds:
        return None
    method = load_methodology(year=scenario.base - 1)
    rules = {r.name for cr in method.categories.values() for r in cr.rules}
    if method.sar is not None:
        rules.add(method.sar.rule.name)
    chosen: dict[str, Fraction] = {}
    for name, text in scenario.changes.thresholds.items():
        where = f"changes.thresholds.{name}"
        if name not in rules:
            raise fail(
                where, name, "not a rule of the methodology; one of " + ", ".join(sorted(rules))
            )
        try:
            value = Fraction(text.strip())
        except (ValueError, ZeroDivisionError):
            raise fail(where, text, "must be a fraction such as 6/5 or 1.5") from None
        if not 0 <= value <= 100:
            raise fail(where, text, "must lie between 0 and 100")
        chosen[name] = value
    return method.with_thresholds(chosen)


def as_of_label(scenario: Scenario) -> str:
    on = scenario.changes.as_of
    return on.isoformat() if isinstance(on, dt.date) else "every recorded use of the pool"


__all__ = ["changed_pledges_document", "run_scenario", "scenario_parameters"]
