"""Reading a Solidarity Response Plan's inputs, and optionally those of its crisis offsets, from
plain data (a file or an API body): Regulation (EU) 2024/1359 Art. 4(2)(b), 4(5)(b), 8(1), 9.
Every problem is reported at once, naming the field, the value and the rule. Pure.

    state: IT
    situation: mass_arrivals
    date: 2027-04-01               # the proposal's or the decision's day
    needs: {relocations: 5000, financial: "40000000", alternative: "10000000"}
    pool: {relocations: 2000, financial: "10000000"}   # pledges available in the pool
    already_benefitting: false     # Arts 58, 59 AMMR; allocated: {relocations, financial}
    relocation_primary: false      # Art. 4(2), third subparagraph
    offsets:                       # optional: Art. 9
      decision: {reference: ..., adopted_on: ..., applies_from: ..., applies_until: ...,
                 derogations: ["10", "12"]}
      temporary_protection_art11_disapplied: false
      contributions: {DE: {relocations: 1500, money: "0", eligible: 400}, ...}
      fair_shares: {DE: 900, ...}  # only with the [reading] crisis.offsets.fair_share=given
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eupact.errors import EupactError, Problem

from .measures import AuthorisedMeasures
from .offsets import Contribution
from .plan import PlanRequest
from .reading import Reader, read_date

MAX_STATES = 40


@dataclass(frozen=True)
class OffsetsInput:
    """What Art. 9 needs beside the plan: the decision, the pledges, the exclusions."""

    measures: AuthorisedMeasures
    contributions: dict[str, Contribution]
    temporary_protection_art11_disapplied: bool = False
    fair_shares: dict[str, int] | None = None


@dataclass(frozen=True)
class PlanFile:
    request: PlanRequest
    offsets: OffsetsInput | None


def _sub(r: Reader, name: str, allowed: set[str]) -> Reader | None:
    raw = r.mapping(name)
    if raw is None:
        return None
    sub = Reader(raw, r.where, prefix=f"{name}.")
    sub.unknown(allowed)
    return sub


def _merge(r: Reader, *subs: Reader | None) -> None:
    for s in subs:
        if s is not None:
            r.problems += s.problems


def _offsets(r: Reader, req: PlanRequest) -> OffsetsInput | None:
    off = _sub(
        r,
        "offsets",
        {"decision", "temporary_protection_art11_disapplied", "contributions", "fair_shares"},
    )
    if off is None:
        return None
    dec = _sub(
        off,
        "decision",
        {"reference", "adopted_on", "applies_from", "applies_until", "derogations"},
    )
    measures = None
    if dec is None:
        off.bad("decision", None, "is required: the Council implementing decision (Art. 4(3))")
    else:
        adopted = dec.date("adopted_on", required=True)
        first = dec.date("applies_from") or adopted
        last = dec.date("applies_until", required=True)
        derogations = dec.derogations("derogations") or frozenset()
        reference = dec.text("reference", required=True, limit=200)
        if adopted and first and last:
            if last < first:
                dec.bad("applies_until", last, f"is before applies_from ({first.isoformat()})")
            else:
                measures = AuthorisedMeasures(
                    req.state,
                    req.situation,
                    reference,
                    adopted,
                    first,
                    last,
                    last,
                    derogations,
                )
    contributions: dict[str, Contribution] = {}
    raw = off.mapping("contributions") or {}
    if len(raw) > MAX_STATES:
        off.bad("contributions", len(raw), f"holds more than {MAX_STATES} states")
        raw = {}
    for geo, body in raw.items():
        sub = Reader(body if isinstance(body, Mapping) else {}, off.where, f"contributions.{geo}.")
        if not isinstance(body, Mapping):
            off.bad(f"contributions.{geo}", body, "must be a mapping: relocations, money, eligible")
            continue
        sub.unknown({"relocations", "money", "eligible"})
        eligible = sub.count("eligible") if body.get("eligible") is not None else None
        contributions[str(geo).strip().upper()] = Contribution(
            relocations=sub.count("relocations"), money=sub.eur("money"), eligible=eligible
        )
        _merge(off, sub)
    shares_raw = off.mapping("fair_shares")
    fair: dict[str, int] | None = None
    if shares_raw is not None:
        sub = Reader(shares_raw, off.where, "fair_shares.")
        fair = {str(g).strip().upper(): sub.count(str(g)) for g in list(shares_raw)[:MAX_STATES]}
        _merge(off, sub)
    tp = off.flag("temporary_protection_art11_disapplied")
    _merge(r, off, dec)
    if measures is None:
        return None
    return OffsetsInput(measures, contributions, tp, fair)


def read_plan(doc: object, where: str = "plan") -> PlanFile:
    """A plan's inputs from plain data (see the module); refuses with every problem at once."""
    if not isinstance(doc, Mapping):
        raise EupactError([Problem(where, doc, "must be a mapping (field: value)")], "plan refused")
    r = Reader(doc, where)
    r.unknown(
        {
            "state",
            "situation",
            "date",
            "needs",
            "pool",
            "already_benefitting",
            "allocated",
            "relocation_primary",
            "offsets",
        }
    )
    state = r.raw("state")
    if not isinstance(state, str) or len(state.strip()) != 2 or not state.strip().isalpha():
        r.bad("state", state, "must be a Member State's Eurostat geo code, e.g. IT (EL = Greece)")
        state = ""
    situation = r.situation("situation", True)
    on = read_date(r.raw("date"), "date", r)
    needs = _sub(r, "needs", {"relocations", "financial", "alternative"})
    pool = _sub(r, "pool", {"relocations", "financial"})
    allocated = _sub(r, "allocated", {"relocations", "financial"})
    if needs is None:
        r.bad("needs", None, "is required: relocations (and financial, alternative) (Art. 4(2)(b))")
    fields: dict[str, Any] = {
        "relocation_needs": needs.count("relocations") if needs else 0,
        "financial_needs": needs.eur("financial") if needs else Decimal(0),
        "alternative_needs": needs.eur("alternative") if needs else Decimal(0),
        "pool_relocations": pool.count("relocations") if pool else 0,
        "pool_financial": pool.eur("financial") if pool else Decimal(0),
        "allocated_relocations": allocated.count("relocations") if allocated else 0,
        "allocated_financial": allocated.eur("financial") if allocated else Decimal(0),
    }
    _merge(r, needs, pool, allocated)
    benefitting = r.flag("already_benefitting")
    primary = r.flag("relocation_primary")
    if r.problems or situation is None or on is None:
        raise EupactError(r.problems, "plan refused")
    req = PlanRequest(
        state=str(state).strip().upper(),
        situation=situation,
        on=on,
        already_benefitting=benefitting,
        relocation_primary=primary,
        **fields,
    )
    offsets = _offsets(r, req)
    if r.problems:
        raise EupactError(r.problems, "plan refused")
    return PlanFile(req, offsets)


__all__ = ["OffsetsInput", "PlanFile", "read_plan"]
