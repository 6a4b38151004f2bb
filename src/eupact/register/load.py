"""Reading the register's files (``parameters/register/<act>.yaml``) into :class:`Obligation` s,
refusing an entry that is not dated, not cited, or not what its kind says, with the file and the
entry named. The files have the shape of the parameter files (``description``, ``unit``,
``reference``, ``values``) and the register's keys beside them (``block``, ``addressee``,
``duty``, ``subject``, ``after``); they are not legal parameters of a rule, so
:func:`eupact.parameters.load_parameters` does not load them.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from eupact import yamlio
from eupact.errors import EupactError, Problem

from .model import ACTS, Addressee, Block, Kind, Obligation, check_value


def register_folder() -> Path:
    return Path(str(resources.files("eupact.parameters"))) / "register"


def _obligation(
    name: str, spec: dict[str, Any], act: str, label: str
) -> tuple[Obligation | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(field: str, value: object, rule: str) -> None:
        problems.append(Problem(field, value, rule, f"{label}: {name}"))

    if not name.startswith(f"register.{act}."):
        bad("name", name, f"an obligation of {act} is named register.{act}.<article>.<what>")
    ref = spec.get("reference") or {}
    article = str(ref.get("article", "")).strip()
    if not article:
        bad("reference.article", None, "every obligation cites its article")
    try:
        block = Block(int(spec.get("block", 0)))
    except (TypeError, ValueError):
        bad(
            "block",
            spec.get("block"),
            "a building block of the Common Implementation Plan, 1 to 10",
        )
        block = Block.EURODAC
    try:
        addressee = Addressee(str(spec.get("addressee", "")))
    except ValueError:
        bad("addressee", spec.get("addressee"), f"one of {', '.join(a.value for a in Addressee)}")
        addressee = Addressee.MEMBER_STATES
    try:
        kind = Kind(str(spec.get("unit", "")))
    except ValueError:
        bad("unit", spec.get("unit"), "date, recurring or time_limit")
        kind = Kind.DATE
    values = spec.get("values") or {}
    if not isinstance(values, dict) or not values:
        bad("values", values, "dated values: {date in force: value}")
        return None, problems
    since, value = sorted(values.items())[-1]
    if not isinstance(since, dt.date):
        bad("values", since, "each value is keyed by the date it is in force from")
    if why := check_value(kind, value):
        bad("values", value, f"a {kind.value} obligation's value is {why}")
    for key in ("description", "duty", "subject"):
        if not str(spec.get(key, "")).strip():
            bad(key, None, "must be given (our words; the subject as the Official Journal has it)")
    if kind is Kind.TIME_LIMIT and not str(spec.get("after", "")).strip():
        bad("after", None, "a time limit names the event it runs from")
    if problems:
        return None, problems
    return Obligation(
        id=name,
        act=act,
        article=article,
        paragraph=str(ref.get("paragraph", "")),
        subject=str(spec["subject"]).strip(),
        block=block,
        addressee=addressee,
        duty=str(spec["duty"]).strip(),
        kind=kind,
        due=value if kind is Kind.DATE else None,
        recurrence=value if kind is Kind.RECURRING else "",
        period=value if kind is Kind.TIME_LIMIT else "",
        after=str(spec.get("after", "")),
        note=str(ref.get("note", "")),
        since=min(values),
    ), []


def read_register_file(path: Path) -> list[Obligation]:
    act = path.stem
    label = f"register/{path.name}"
    if act not in ACTS:
        raise EupactError(
            [Problem("file", path.name, f"one file per act: {', '.join(ACTS)}")], "register"
        )
    doc = yamlio.load(path.read_text(encoding="utf-8"))
    out: list[Obligation] = []
    problems: list[Problem] = []
    for name, spec in (doc.get("parameters") or {}).items():
        ob, found = _obligation(str(name), spec or {}, act, label)
        problems += found
        if ob is not None:
            out.append(ob)
    if problems:
        raise EupactError(problems, "register refused")
    return out


@cache
def load_register() -> tuple[Obligation, ...]:
    """Every obligation of every act, ordered by act, then article."""
    out: list[Obligation] = []
    for path in sorted(register_folder().glob("*.yaml")):
        out += read_register_file(path)
    ids = [o.id for o in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise EupactError(
            [Problem("id", d, "each obligation once") for d in dupes], "register refused"
        )
    return tuple(out)


__all__ = ["load_register", "read_register_file", "register_folder"]
