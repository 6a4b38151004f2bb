"""Reading a case and refusing one whose facts contradict each other: a registration before the
application was made or before every entry, a document that ends before it starts, a minor flag
the date of birth contradicts, an unaccompanied adult, an event after ``as_of``, a family member
twice, a request answered before it was received (the model's field types refuse the rest: a state
not bound by Part III, a malformed date or reference). Every problem names the field, the value
and the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import cast

from pydantic import BaseModel, ValidationError

from eupact.boundary.refusal import problems_of
from eupact.errors import EupactError, Problem
from eupact.parameters import load_parameters

from .model import MAX_ITEMS, Case, DocumentKind, _Facts

# A validity or status may run past as_of; an event cannot have happened after it.
_VALIDITY = frozenset({"valid_from", "valid_to", "until"})


@lru_cache(maxsize=8)
def _majority(on: dt.date) -> int:
    param = load_parameters()["responsibility.age_of_majority"]
    return int(cast(int, param.at(max(on, param.values[0].since))))


_SCALARS = frozenset({str, bool, int, type(None)})


def _fact_classes(cls: type[BaseModel]) -> frozenset[type]:
    subclasses = set(cls.__subclasses__())
    for sub in list(subclasses):
        subclasses |= _fact_classes(sub)
    return frozenset(subclasses)


_FACTS = _fact_classes(_Facts)


_MAX_FIELDS = 64  # an object of the case has at most ~25 fields
_MAX_DEPTH = 8  # the case nests five deep (case, procedure, requests, item, reply)


def _oversized(value: object, path: str = "", depth: int = 0) -> str:
    """The path of the first list longer than a case allows, object with too many fields or
    nesting too deep, else "": checked before validation, which would otherwise validate every
    item of a list of 200,000 before refusing its length (seconds of work for one request)."""
    kind = type(value)
    if kind is dict:
        if len(value) > _MAX_FIELDS or depth > _MAX_DEPTH:  # type: ignore[arg-type]
            return path or "case"
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(item) in (dict, list) and (
                found := _oversized(item, f"{path}.{key}".lstrip("."), depth + 1)
            ):
                return found
    elif kind is list:
        if len(value) > MAX_ITEMS or depth > _MAX_DEPTH:  # type: ignore[arg-type]
            return path or "case"
        for i, item in enumerate(value):  # type: ignore[arg-type]
            if type(item) in (dict, list) and (found := _oversized(item, f"{path}.{i}", depth + 1)):
                return found
    return ""


def read_case(data: object, location: str = "", *, bounded: bool = False) -> Case:
    """``data`` (a mapping read from YAML or JSON) as a checked :class:`Case`, or an
    :class:`EupactError` naming every problem. ``bounded``: the caller has already bounded the
    input's shape (the batch: a line under 16 KiB, or a larger one it checked), so the size
    check before validation is skipped."""
    if not bounded and (big := _oversized(data)):
        raise EupactError(
            [
                Problem(
                    big,
                    "too large",
                    f"a case has at most {MAX_ITEMS} items in a list, {_MAX_FIELDS} fields in an "
                    f"object and {_MAX_DEPTH} levels",
                    location,
                )
            ],
            "case refused",
        )
    dates: list[tuple[str, dt.date]] = []
    try:
        case = Case.model_validate(data, context={"dates": dates})
    except ValidationError as exc:
        problems = problems_of(exc, location)
        # a list whose only item was refused is also "too short": say the item's problem alone
        kept = [
            p
            for p in problems
            if not (
                "at least" in p.rule and any(o.field.startswith(f"{p.field}.") for o in problems)
            )
        ]
        raise EupactError(kept or problems, "case refused") from None
    problems = case_problems(case, location, dates)
    if problems:
        raise EupactError(problems, "case refused")
    return case


def _age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _dates(value: object, name: str, out: list[tuple[str, dt.date]]) -> None:
    """Every date under ``value`` with its field's own name (fast: no paths built; text, numbers
    and flags are passed over by their type before anything else is asked)."""
    kind = type(value)
    if kind is dt.date:
        out.append((name, value))  # type: ignore[arg-type]
    elif kind is tuple:
        for item in value:  # type: ignore[attr-defined]
            _dates(item, name, out)
    elif kind in _FACTS:
        for key, item in value.__dict__.items():
            if type(item) not in _SCALARS:
                _dates(item, key, out)


def _paths(value: object, path: str, out: list[tuple[str, dt.date]]) -> None:
    """Every date under ``value`` with its dotted path, to name a refused field."""
    if isinstance(value, dt.date):
        out.append((path, value))
    elif isinstance(value, BaseModel):
        for key, item in value.__dict__.items():
            _paths(item, f"{path}.{key}" if path else key, out)
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            _paths(item, f"{path}.{i}", out)


def _rule(path: str, when: dt.date, case: Case) -> str:
    """Why a date cannot be what it is: an event after ``as_of`` (a validity may run past it),
    or a date of the applicant's file before the applicant was born (family members' own dates
    may be earlier)."""
    field = path.rsplit(".", 1)[-1]
    if when > case.as_of and field not in _VALIDITY:
        return f"a fact cannot be dated after the case's as_of ({case.as_of})"
    born = case.applicant.date_of_birth
    if when < born and not path.startswith("family") and field != "date_of_birth":
        return f"before the applicant's date of birth ({born})"
    return ""


# Dates of a family member's own life (a parent's status may predate the applicant's birth)
_FAMILY_DATES = frozenset({"since", "until", "date_of_birth"})


def _date_problems(
    case: Case,
    bad: Callable[[str, object, str], None],
    dates: list[tuple[str, dt.date]] | None = None,
) -> None:
    if dates is not None:  # noted while validating: one look, paths only for a refusal
        as_of, born = case.as_of, case.applicant.date_of_birth
        if not any(
            (when > as_of and name not in _VALIDITY) or (when < born and name not in _FAMILY_DATES)
            for name, when in dates
        ):
            return
    for key, item in case.__dict__.items():
        if key == "as_of":
            continue
        found: list[tuple[str, dt.date]] = []
        _dates(item, key, found)
        as_of, born, family = case.as_of, case.applicant.date_of_birth, key == "family"
        if not any(
            (when > as_of and name not in _VALIDITY)
            or (when < born and not family and name != "date_of_birth")
            for name, when in found
        ):
            continue  # the usual case: nothing to name, no paths built
        paths: list[tuple[str, dt.date]] = []
        _paths(item, key, paths)
        for path, when in paths:
            rule = _rule(path, when, case)
            if rule:
                bad(path, when, rule)


def case_problems(
    case: Case, location: str = "", dates: list[tuple[str, dt.date]] | None = None
) -> list[Problem]:
    """The rules a well-formed case breaks (its facts contradict each other); ``dates``: the
    case's dates as validation noted them, if it did."""
    where = location or f"case {case.case_id}"
    p: list[Problem] = []

    def bad(field: str, value: object, rule: str) -> None:
        p.append(Problem(field, value, rule, where))

    _date_problems(case, bad, dates)
    first = min(a.registered_on for a in case.applications)
    for i, a in enumerate(case.applications):
        if a.registered_on < a.made_on:
            bad(
                f"applications.{i}.registered_on",
                a.registered_on,
                f"an application is registered on or after the day it is made ({a.made_on})",
            )
    entries = [e.date for e in case.entries]
    if entries and min(entries) > first:
        bad(
            "entries",
            min(entries),
            f"every entry is after the first registration ({first}): the person was registered "
            "in a Member State before entering one",
        )
    for i, d in enumerate(case.documents):
        if d.valid_to < d.valid_from:
            bad(
                f"documents.{i}.valid_to",
                d.valid_to,
                f"a document's validity ends on or after it starts ({d.valid_from})",
            )
        if (d.kind is DocumentKind.VISA) != (d.visa_type is not None):
            bad(
                f"documents.{i}.visa_type",
                d.visa_type,
                "a visa has a type (long_stay, short_stay, airport_transit); a residence "
                "document has none (Art. 2(14))",
            )
        if (d.ended is None) != (d.ended_on is None):
            bad(
                f"documents.{i}.ended_on",
                d.ended_on,
                "an annulment, revocation or withdrawal has both its kind and its date",
            )
        if d.represented_state is not None and d.kind is not DocumentKind.VISA:
            bad(
                f"documents.{i}.represented_state",
                d.represented_state,
                "only a visa is issued on behalf of another state (Art. 29(2))",
            )
    age = _age_on(case.applicant.date_of_birth, first)
    minor_by_age = age < _majority(first)
    assessed = case.applicant.age_assessment_minor is not None
    if case.applicant.minor is not None and not assessed and case.applicant.minor != minor_by_age:
        bad(
            "applicant.minor",
            case.applicant.minor,
            f"the date of birth makes the applicant {age} at first registration ({first}); "
            "record an age assessment (age_assessment_minor) if it differs",
        )
    minor = (
        case.applicant.age_assessment_minor
        if case.applicant.age_assessment_minor is not None
        else minor_by_age
    )
    if case.applicant.unaccompanied and not minor:
        bad(
            "applicant.unaccompanied",
            True,
            f"only a minor can be unaccompanied (Art. 2(11)); the applicant is {age} at first "
            f"registration ({first})",
        )
    seen_ids: set[str] = set()
    seen_people: set[object] = set()
    for i, m in enumerate(case.family):
        if m.id in seen_ids:
            bad(f"family.{i}.id", m.id, "a family member is listed once")
        # the same person under two references: every fact the same (two parents born the same
        # day are two people: their statuses or consents differ, or one is the father)
        key = tuple(v for k, v in m.__dict__.items() if k != "id")
        if m.date_of_birth is not None and key in seen_people:
            bad(
                f"family.{i}",
                m.id,
                "the same person is listed twice under two references (every fact the same)",
            )
        seen_ids.add(m.id)
        seen_people.add(key)
        for j, s in enumerate(m.statuses):
            if s.until is not None and s.until < s.since:
                bad(
                    f"family.{i}.statuses.{j}.until",
                    s.until,
                    f"a status ends on or after it starts ({s.since})",
                )
    for i, r in enumerate(case.procedure.requests):
        received = r.received_on or r.sent_on
        if received < r.sent_on:
            bad(
                f"procedure.requests.{i}.received_on",
                received,
                f"a request is received on or after it is sent ({r.sent_on})",
            )
        if r.from_state == r.to_state:
            bad(
                f"procedure.requests.{i}.to_state",
                r.to_state,
                "a request goes to another Member State",
            )
        if r.sent_on < first:
            bad(
                f"procedure.requests.{i}.sent_on",
                r.sent_on,
                f"a request follows the first registration ({first})",
            )
        if r.reply is not None and r.reply.date < received:
            bad(
                f"procedure.requests.{i}.reply.date",
                r.reply.date,
                f"a reply comes on or after the request is received ({received})",
            )
    for i, x in enumerate(case.exits):
        if x.returned_on is not None and x.returned_on < x.left_on:
            bad(
                f"exits.{i}.returned_on",
                x.returned_on,
                f"a return follows the departure ({x.left_on})",
            )
    for i, rel in enumerate(case.relocations):
        if rel.transferred_on is not None and rel.transferred_on < rel.confirmed_on:
            bad(
                f"relocations.{i}.transferred_on",
                rel.transferred_on,
                f"a relocation transfer follows its confirmation ({rel.confirmed_on})",
            )
        if rel.benefitting_state == rel.state_of_relocation:
            bad(
                f"relocations.{i}.state_of_relocation",
                rel.state_of_relocation,
                "relocation is to another Member State (Art. 67)",
            )
    for name, periods in (
        ("detention", case.procedure.detention),
        ("imprisonment", case.procedure.imprisonment),
    ):
        for i, per in enumerate(periods):
            if per.end is not None and per.end < per.start:
                bad(
                    f"procedure.{name}.{i}.end",
                    per.end,
                    f"ends on or after it starts ({per.start})",
                )
    return p


__all__ = ["case_problems", "read_case"]
