"""Reading the acts of the crisis procedure (Regulation (EU) 2024/1359, Arts 2-7, 14) from plain
data -- a file, a stored JSON payload, an API body: :func:`read_event` reads one act,
:func:`read_events` a list, refusing what they cannot hold with every problem at once, each
naming the field, the value and the rule. Bounded: texts, numbers, amounts, dates and the number
of acts. Keys are never ``on``/``yes``/``no`` (YAML 1.1 reads them as true/false): a file writes
the day of an act as ``date``. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal, InvalidOperation
from typing import Any

from eupact.errors import EupactError, Problem, kind_of

from .events import (
    CLASSES,
    EXCLUSIONS,
    Event,
    Kind,
    PlanFigures,
    SolidarityAsked,
)
from .measures import Derogation, Situation

EARLIEST = dt.date(2024, 6, 11)  # the CFMR's entry into force (Art. 20, first paragraph)
LATEST = dt.date(2100, 12, 31)
MAX_TEXT = 2000
MAX_REFERENCE = 200
MAX_PERSONS = 10_000_000  # relocations in one plan: far above any real figure
MAX_EUR = Decimal("1e12")
MAX_EVENTS = 500  # acts about one crisis: twelve months of fortnightly bulletins is about 30


class Reader:
    """Reads the fields of one act, collecting every problem before refusing."""

    def __init__(self, payload: Mapping[str, Any], where: str, prefix: str = "") -> None:
        self.payload = payload
        self.where = where
        self.prefix = prefix  # e.g. "needs.": the problems name the field as written
        self.problems: list[Problem] = []
        self.used: set[str] = set()

    def bad(self, name: str, value: object, rule: str) -> None:
        self.problems.append(Problem(f"{self.prefix}{name}", value, rule, self.where))

    def raw(self, name: str) -> Any:
        self.used.add(name)
        return self.payload.get(name)

    def date(self, name: str, required: bool = False) -> dt.date | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.bad(name, None, "is required: a date written YYYY-MM-DD")
            return None
        return read_date(value, name, self)

    def text(self, name: str, required: bool = False, limit: int = MAX_TEXT) -> str:
        value = self.raw(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.bad(name, value, "is required: say it in words")
            return ""
        if not isinstance(value, str):
            self.bad(name, value, f"must be text, not a {kind_of(value)}")
            return ""
        if len(value) > limit:
            self.bad(name, value, f"must be at most {limit:,} characters")
            return ""
        return value.strip()

    def flag(self, name: str) -> bool:
        value = self.raw(name)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.bad(name, value, "must be true or false")
            return False
        return value

    def count(self, name: str, payload: Mapping[str, Any] | None = None) -> int:
        value = (payload if payload is not None else self.payload).get(name)
        self.used.add(name)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 12:
                value = int(value.strip())
            else:
                self.bad(name, value, "must be a whole number of persons, 0 or more")
                return 0
        if not 0 <= value <= MAX_PERSONS:
            self.bad(name, value, f"must be between 0 and {MAX_PERSONS:,}")
            return 0
        return int(value)

    def eur(self, name: str, payload: Mapping[str, Any] | None = None) -> Decimal:
        value = (payload if payload is not None else self.payload).get(name)
        self.used.add(name)
        if value is None:
            return Decimal(0)
        if isinstance(value, bool | float) or not isinstance(value, int | str):
            self.bad(name, value, "must be an amount in EUR written as text or a whole number")
            return Decimal(0)
        text = str(value).strip().removeprefix("EUR").strip().replace("_", "").replace(",", "")
        if len(text) > 20:
            self.bad(name, value, "must be an amount in EUR of at most 20 characters")
            return Decimal(0)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            self.bad(name, value, "must be an amount in EUR, e.g. 1500000 or 1500000.50")
            return Decimal(0)
        if not amount.is_finite() or amount < 0 or amount > MAX_EUR:
            self.bad(name, value, "must be an amount in EUR between 0 and 1,000,000,000,000")
            return Decimal(0)
        if amount.as_tuple().exponent < -2:  # type: ignore[operator]
            self.bad(name, value, "has more than two decimals (cents)")
            return Decimal(0)
        return amount

    def situation(self, name: str, required: bool) -> Situation | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.bad(name, None, f"is required: one of {', '.join(s.value for s in Situation)}")
            return None
        try:
            return Situation(value)
        except ValueError:
            self.bad(
                name,
                value,
                "must be mass_arrivals (Art. 1(4)(a)), instrumentalisation (1(4)(b)) or "
                "force_majeure (1(5))",
            )
            return None

    def derogations(self, name: str) -> frozenset[Derogation] | None:
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, list | tuple):
            self.bad(name, value, 'must be a list of articles, e.g. ["10", "11(1)"]')
            return None
        found: set[Derogation] = set()
        for item in value:
            text = (
                str(item).strip().removeprefix("Art.").strip() if not isinstance(item, bool) else ""
            )
            try:
                found.add(Derogation(text))
            except ValueError:
                allowed = ", ".join(d.value for d in Derogation)
                self.bad(name, item, f"is not a derogation of Arts 10-13 CFMR: one of {allowed}")
        return frozenset(found)

    def exclusion(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        if value not in EXCLUSIONS:
            self.bad(
                name,
                value,
                "must be 11(7)(a) (excluded) or 11(7)(b) (cessation after an "
                "individual assessment), Art. 2(2)(d), 11(8)",
            )
            return None
        return str(value)

    def mapping(self, name: str) -> Mapping[str, Any] | None:
        value = self.raw(name)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.bad(name, value, "must be a mapping (field: value)")
            return None
        return value

    def unknown(self, allowed: set[str]) -> None:
        for key in self.payload:
            if key not in allowed:
                self.bad(
                    str(key),
                    self.payload[key],
                    f"is not a field of this act: {', '.join(sorted(allowed)) or 'none'}",
                )


def read_date(value: object, name: str, reader: Reader | None = None) -> dt.date | None:
    """A date written YYYY-MM-DD (or a YAML date) between the CFMR's entry into force and 2100."""

    def bad(rule: str) -> None:
        if reader is None:
            raise EupactError([Problem(name, value, rule)], "invalid date")
        reader.bad(name, value, rule)

    day: dt.date | None = None
    if type(value) is dt.date:
        day = value
    elif isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, str) and len(value.strip()) == 10:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if day is None:
        bad("must be a date written YYYY-MM-DD")
        return None
    if not EARLIEST <= day <= LATEST:
        bad(f"must be between {EARLIEST.isoformat()} (the CFMR in force) and {LATEST.isoformat()}")
        return None
    return day


_COMMON = {"reference", "note"}


def _plan(r: Reader, name: str) -> PlanFigures | None:
    raw = r.mapping(name)
    if raw is None:
        return None
    sub = Reader(raw, r.where)
    plan = PlanFigures(
        relocations=sub.count("relocations"),
        financial=sub.eur("financial"),
        from_pool_relocations=sub.count("from_pool_relocations"),
        from_pool_financial=sub.eur("from_pool_financial"),
        additional_relocations=sub.count("additional_relocations"),
        additional_financial=sub.eur("additional_financial"),
    )
    sub.unknown({f.name for f in fields(PlanFigures)})
    r.problems += [Problem(f"{name}.{p.field}", p.value, p.rule, p.location) for p in sub.problems]
    if plan.from_pool_relocations > plan.relocations:
        r.bad(
            f"{name}.from_pool_relocations",
            plan.from_pool_relocations,
            "cannot exceed the relocations needed (Art. 4(2)(b)(iii))",
        )
    if plan.from_pool_financial > plan.financial:
        r.bad(
            f"{name}.from_pool_financial",
            str(plan.from_pool_financial),
            "cannot exceed the financial needs (Art. 4(2)(b)(iii))",
        )
    return plan


def _solidarity(r: Reader) -> SolidarityAsked | None:
    raw = r.mapping("solidarity")
    if raw is None:
        return None
    sub = Reader(raw, r.where)
    asked = SolidarityAsked(
        relocations=sub.count("relocations"),
        financial=sub.eur("financial"),
        alternative=sub.eur("alternative"),
        relocation_primary=sub.flag("relocation_primary"),
    )
    sub.unknown({f.name for f in fields(SolidarityAsked)})
    r.problems += [
        Problem(f"solidarity.{p.field}", p.value, p.rule, p.location) for p in sub.problems
    ]
    return asked


def _decision_fields(r: Reader) -> dict[str, Any]:
    window = r.raw("take_back_window")
    parsed_window: tuple[dt.date, dt.date] | None = None
    if window is not None:
        if not isinstance(window, list | tuple) or len(window) != 2:
            r.bad("take_back_window", window, "must be two dates [first, last] (Art. 13(1))")
        else:
            first = read_date(window[0], "take_back_window.0", r)
            last = read_date(window[1], "take_back_window.1", r)
            if first and last:
                if last < first:
                    r.bad("take_back_window", [first, last], "its last day is before its first")
                else:
                    parsed_window = (first, last)
    return {
        "applies_from": r.date("applies_from"),
        "applies_until": r.date("applies_until"),
        "derogations": r.derogations("derogations") or frozenset(),
        "plan": _plan(r, "plan"),
        "identification": r.text("identification"),
        "instrumentalisation_exclusion": r.exclusion("instrumentalisation_exclusion"),
        "take_back_window": parsed_window,
        "in_force_on": r.date("in_force_on"),
    }


def _geo(r: Reader) -> str:
    state = r.raw("state")
    if not isinstance(state, str) or len(state.strip()) != 2 or not state.strip().isalpha():
        r.bad("state", state, "must be a Member State's Eurostat geo code, e.g. IT (EL = Greece)")
        return ""
    return state.strip().upper()


def _credit_fields(r: Reader, k: Kind) -> dict[str, Any]:
    """Art. 9(5): the contributing state, the applications above its fair share (notified) or
    authorised, and for a notification the reduction it intends (all of them if not given)."""
    out: dict[str, Any] = {"state": _geo(r)}
    before = len(r.problems)
    out["applications"] = r.count("applications")
    if r.raw("applications") is None:
        r.bad("applications", None, "is required: a whole number of applications (Art. 9(5))")
    elif out["applications"] == 0 and len(r.problems) == before:
        r.bad("applications", 0, "must be 1 or more: the applications above the fair share")
    if k is Kind.CREDIT_NOTIFICATION:
        given = r.raw("reduction") is not None
        reduction = r.count("reduction") if given else out["applications"]
        if reduction > out["applications"]:
            r.bad(
                "reduction",
                reduction,
                f"cannot exceed the {out['applications']} application(s) notified above the "
                "fair share (Art. 9(4)(a), 9(5))",
            )
        out["reduction"] = reduction
    elif not str(r.payload.get("reference") or "").strip():
        r.bad(
            "reference",
            r.payload.get("reference"),
            "is required: the Commission implementing act authorising the reduction (Art. 9(5))",
        )
    return out


def read_event(kind: object, on: object, payload: Mapping[str, Any], where: str = "") -> Event:
    """One act of the procedure from plain data: ``kind`` (a :class:`Kind` value), the day of the
    act and the act's other fields. Refuses, with every problem at once, an unknown kind or
    field, a value of the wrong shape or out of bounds (:class:`~eupact.errors.EupactError`)."""
    where = where or "event"
    if not isinstance(payload, Mapping):
        raise EupactError(
            [Problem("event", payload, "must be a mapping (field: value)", where)],
            "crisis act refused",
        )
    try:
        k = Kind(str(kind)) if isinstance(kind, str) else Kind("")
    except ValueError:
        raise EupactError(
            [
                Problem(
                    "kind",
                    kind,
                    f"is not an act of the procedure: {', '.join(x.value for x in Kind)}",
                    where,
                )
            ],
            "crisis act refused",
        ) from None
    r = Reader(payload, where)
    day = read_date(on, "date", r)
    common: dict[str, Any] = {
        "reference": r.text("reference", limit=MAX_REFERENCE),
        "note": r.text("note"),
    }
    specific: dict[str, Any] = {}
    if k is Kind.REQUEST:
        state = r.raw("state")
        if not isinstance(state, str) or len(state.strip()) != 2 or not state.strip().isalpha():
            r.bad(
                "state", state, "must be a Member State's Eurostat geo code, e.g. IT (EL = Greece)"
            )
            state = ""
        specific = {
            "state": str(state).strip().upper(),
            "situation": r.situation("situation", True),
            "description": r.text("description", required=True),
            "solidarity": _solidarity(r),
            "derogations": r.derogations("derogations") or frozenset(),
            "instrumentalisation_exclusion": r.exclusion("instrumentalisation_exclusion"),
            "early_registration": r.flag("early_registration"),
            "early_registration_reasons": r.text("early_registration_reasons"),
        }
    elif k is Kind.COMMISSION_DECISION:
        established = r.raw("established")
        if not isinstance(established, bool):
            r.bad(
                "established",
                established,
                "is required: true (a situation is established) or false",
            )
            established = False
        situation = r.situation("situation", required=established)
        specific = {"established": established, "situation": situation}
    elif k is Kind.PROPOSAL:
        specific = {
            "derogations": r.derogations("derogations") or frozenset(),
            "plan": _plan(r, "plan"),
            "identification": r.text("identification"),
            "requested_on": r.date("requested_on"),
        }
    elif k in (Kind.COUNCIL_DECISION, Kind.NEW_DECISION):
        specific = _decision_fields(r)
    elif k is Kind.EXTENSION:
        specific = {"until": r.date("until"), "derogations": r.derogations("derogations")}
    elif k is Kind.REPEAL:
        specific = {"effective_on": r.date("effective_on")}
    elif k is Kind.RECOMMENDATION:
        specific = {"categories": r.text("categories", required=True)}
    elif k in (Kind.CREDIT_NOTIFICATION, Kind.CREDIT_AUTHORISATION):
        specific = _credit_fields(r, k)
    r.unknown(_COMMON | r.used)
    if r.problems or day is None:
        raise EupactError(r.problems, f"{k.value} refused")
    return CLASSES[k](on=day, **common, **specific)


def read_events(items: object, where: str = "events") -> tuple[Event, ...]:
    """A list of acts as a file writes them: each a mapping with ``kind``, ``date`` and its
    fields. Every act's problems are reported, each with its place in the list."""
    if not isinstance(items, list | tuple):
        raise EupactError([Problem(where, items, "must be a list of acts")], "crisis acts refused")
    if not items:
        raise EupactError(
            [Problem(where, [], "is empty: the first act is the reasoned request (Art. 2)")],
            "crisis acts refused",
        )
    if len(items) > MAX_EVENTS:
        raise EupactError(
            [Problem(where, len(items), f"holds more than {MAX_EVENTS} acts")],
            "crisis acts refused",
        )
    problems: list[Problem] = []
    out: list[Event] = []
    for i, item in enumerate(items):
        place = f"{where}[{i}]"
        if not isinstance(item, Mapping):
            problems.append(
                Problem(place, item, "must be a mapping with kind, date and the act's fields")
            )
            continue
        body = {k: v for k, v in item.items() if k not in ("kind", "date")}
        try:
            out.append(read_event(item.get("kind"), item.get("date"), body, place))
        except EupactError as exc:
            problems += exc.problems
    if problems:
        raise EupactError(problems, "crisis acts refused")
    return tuple(out)


__all__ = ["MAX_EVENTS", "Reader", "read_date", "read_event", "read_events"]
