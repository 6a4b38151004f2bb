"""Reading the Council implementing decisions a determination is run with (Regulation (EU)
2024/1359, CFMR, Art. 4(3) and (5), 5, 12, 13) from already-parsed data (a YAML or JSON file read
at the edge: ``eupact responsible --crisis FILE``, the golden cases' ``crises:``): one record per
decision and state, as :meth:`AuthorisedMeasures.as_dict` writes it, refused field by field where
it contradicts itself or the CFMR:

* the period of application in order (Art. 4(5)), the initial period inside it (Art. 10(4)), a
  recorded end of the situation not before it starts (Art. 6(3));
* Art. 12 only for a crisis of Art. 1(4)(a) or force majeure, Art. 13 only for Art. 1(4)(a);
* Art. 13's period of registration given, before the adoption and not more than four months
  before it (13(1), last subparagraph; ``crisis.art13.window_months``).

Pure: no file is opened here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from pydantic import BeforeValidator, Field, ValidationError

from eupact.boundary.refusal import problems_of
from eupact.crisis.measures import AuthorisedMeasures, Derogation, Situation
from eupact.crisis.rules import derogations_allowed, exclusion_problems
from eupact.errors import EupactError, Problem
from eupact.parameters import load_parameters
from eupact.timelimits.periods import add_months

from .fields import Date, State
from .model import _Facts

MAX_DECISIONS = 50  # records in one file: far above the CFMR's twelve months of measures
WINDOW = "crisis.art13.window_months"


def _article(value: Any) -> Any:
    """``12`` as YAML reads it (a number) is the derogation "12"."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class CrisisRecord(_Facts):
    """One Council implementing decision's derogations for one Member State (CFMR Art. 4(5))."""

    state: State
    situation: Situation
    decision: str = Field(min_length=3, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
    adopted_on: Date
    applies_from: Date
    applies_until: Date
    initial_until: Date | None = None  # default: the end of the period (Art. 10(4))
    derogations: tuple[Annotated[Derogation, BeforeValidator(_article)], ...] = Field(
        min_length=1, max_length=len(Derogation)
    )
    take_back_window: tuple[Date, Date] | None = None  # Art. 13(1): first and last day
    ended_on: Date | None = None  # the situation ended or the decision was repealed (Art. 6(3))
    instrumentalisation_exclusion: Literal["11(7)(a)", "11(7)(b)"] | None = None
    identification: str = Field(default="", max_length=500)  # 4(5)(c): Part III does not read it


def _problems(r: CrisisRecord, where: str) -> list[Problem]:
    out: list[Problem] = []

    def bad(field: str, value: object, rule: str) -> None:
        out.append(Problem(f"{where}.{field}", value, rule))

    if r.applies_until < r.applies_from:
        bad("applies_until", r.applies_until, f"before applies_from ({r.applies_from}) (Art. 4(5))")
    if r.adopted_on > r.applies_until:
        bad("adopted_on", r.adopted_on, f"after the period's last day ({r.applies_until})")
    if r.initial_until is not None and not r.applies_from <= r.initial_until <= r.applies_until:
        bad("initial_until", r.initial_until, "must fall in the period of application (10(4))")
    if r.ended_on is not None and r.ended_on < r.applies_from:
        bad("ended_on", r.ended_on, f"before applies_from ({r.applies_from}) (Art. 6(3))")
    # which derogation each situation allows, and the 11(7) choice: the crisis rules' one table
    for field, value, rule in derogations_allowed(r.derogations, r.situation, "derogations"):
        bad(field, value, rule)
    for field, value, rule in exclusion_problems(
        frozenset(r.derogations), r.instrumentalisation_exclusion, "11(8) CFMR"
    ):
        bad(field, value, rule)
    if Derogation.TAKE_BACK_RELEASE in r.derogations and r.take_back_window is None:
        bad("take_back_window", None, "Art. 13 needs the period of registration (13(1))")
    if r.take_back_window is not None:
        first, last = r.take_back_window
        months = cast(int, load_parameters()[WINDOW].at(r.adopted_on))
        earliest = add_months(r.adopted_on, -months)
        if last < first:
            bad("take_back_window", [first, last], "its last day is before its first")
        if last > r.adopted_on:
            bad(
                "take_back_window", last, f"after the adoption ({r.adopted_on}) (13(1), recital 53)"
            )
        if first < earliest:
            bad(
                "take_back_window",
                first,
                f"more than {months} months before the adoption, i.e. before {earliest} (13(1) "
                "last subparagraph)",
            )
    return out


def read_crises(data: object, location: str = "") -> tuple[AuthorisedMeasures, ...]:
    """``data`` (a list of records, one record, or ``{"crises": [...]}``) as the decisions to
    determine with, or an :class:`EupactError` naming every problem (field, value, rule)."""
    if isinstance(data, dict) and set(data) == {"crises"}:
        data = data["crises"]
    items = [data] if isinstance(data, dict) else data
    if not isinstance(items, list) or not items or len(items) > MAX_DECISIONS:
        raise EupactError(
            [
                Problem(
                    "crises",
                    type(data).__name__,
                    f"a list of 1 to {MAX_DECISIONS} decisions, each a mapping",
                    location,
                )
            ],
            "crisis decisions refused",
        )
    found: list[AuthorisedMeasures] = []
    problems: list[Problem] = []
    for i, item in enumerate(items):
        try:
            r = CrisisRecord.model_validate(item)
        except ValidationError as exc:
            for p in problems_of(exc, location):
                problems.append(Problem(f"crises.{i}.{p.field}", p.value, p.rule, location))
            continue
        problems += [
            Problem(p.field, p.value, p.rule, location) for p in _problems(r, f"crises.{i}")
        ]
        found.append(
            AuthorisedMeasures(
                state=r.state,
                situation=r.situation,
                decision=r.decision,
                adopted_on=r.adopted_on,
                applies_from=r.applies_from,
                applies_until=r.applies_until,
                initial_until=r.initial_until or r.applies_until,
                derogations=frozenset(r.derogations),
                take_back_window=r.take_back_window,
                ended_on=r.ended_on,
                instrumentalisation_exclusion=r.instrumentalisation_exclusion,
                identification=r.identification,
            )
        )
    if problems:
        raise EupactError(problems, "crisis decisions refused")
    return tuple(found)


__all__ = ["MAX_DECISIONS", "CrisisRecord", "read_crises"]
