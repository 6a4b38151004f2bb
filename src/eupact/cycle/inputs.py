"""Reading pledges and deductions files (YAML, JSON or CSV) into validated domain objects
(Art. 57(3), 61, 62 AMMR), with the uses of the pool that make states benefit (Art. 58, 59) and
the Commission's findings of systemic shortcomings (Art. 60(3)) and, optionally, the crisis
credits the Commission authorised (``crisis_credits``, CFMR Art. 9(4)(a), 9(5)): each the state,
the applications authorised, the Council implementing decision and the day it is no longer in
force, the notification's day, the Commission implementing act and its day, and what earlier
cycles already used (``used``, default 0).

Each row is read by the boundary's model of its concept (:class:`eupact.boundary.PledgeIn`,
:class:`eupact.boundary.DeductionRecord`: the same as the API's and the dashboard's), and each
problem is reported with the file, the row and the field; the legal checks are the pool rules'
own (:mod:`eupact.pool.pledges`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eupact import yamlio
from eupact.boundary import DeductionRecord, PledgeIn, Refused, problems_of
from eupact.boundary.benefit import Day, FindingIn, NotificationRecord, UseOfPoolIn, read_day
from eupact.boundary.limits import MAX_PERSONS
from eupact.boundary.models import Label, StateCode
from eupact.errors import EupactError, Problem, fail, kind_of, reason_of
from eupact.parameters import ParametersAt
from eupact.pool.benefit import Notification, ShortcomingsFinding, UseOfPool
from eupact.pool.credits import CrisisCredit, credit_expiry
from eupact.pool.pledges import Deduction, Pledge


class CrisisCreditIn(BaseModel):
    """One authorised crisis credit (CFMR Art. 9(4)(a), 9(5)) as a pledges file writes it."""

    model_config = ConfigDict(extra="forbid")

    state: StateCode
    applications: int = Field(ge=1, le=MAX_PERSONS)
    decision: Label = Field(min_length=1)
    no_longer_in_force: Day
    notified_on: Day
    authorised_by: Label = Field(min_length=1)
    authorised_on: Day
    used: int = Field(default=0, ge=0, le=MAX_PERSONS)

    def credit(self, params: ParametersAt) -> CrisisCredit:
        """The credit, its window five years from the decision's end (9(4)(b),
        ``crisis.credits.years``), authorised as the file says (checked: 9(5))."""
        years = int(params("crisis.credits.years"))
        expires = credit_expiry(self.no_longer_in_force, years)
        base = CrisisCredit(
            self.state, self.applications, self.decision, self.no_longer_in_force, expires
        )
        done = base.authorise(self.authorised_by, self.authorised_on, self.notified_on)
        return replace(done, used=self.used)


@dataclass(frozen=True)
class PledgesFile:
    """The content of a pledges file: its label (who made these figures) and the rows."""

    path: Path
    label: str
    synthetic: bool
    pledges: tuple[Pledge, ...]
    deductions: tuple[Deduction, ...]
    forum_reconvened: bool
    uses_of_pool: tuple[UseOfPool, ...] = ()
    notifications: tuple[Notification, ...] = ()
    shortcomings: tuple[ShortcomingsFinding, ...] = ()
    as_of: dt.date | None = None
    crisis_credits: tuple[CrisisCreditIn, ...] = ()  # CFMR Art. 9(4)(a), 9(5)


class FileHeader(BaseModel):
    """The top level of a YAML/JSON pledges file; booleans must be true booleans, so that a
    quoted "false" cannot switch on obligatory offsets."""

    model_config = ConfigDict(extra="forbid", strict=True)

    label: str = ""
    synthetic: bool = False
    forum_reconvened: bool = False
    pledges: list[Any] = Field(default_factory=list)
    deductions: list[Any] = Field(default_factory=list)
    uses_of_pool: list[Any] = Field(default_factory=list)
    notifications: list[Any] = Field(default_factory=list)
    shortcomings: list[Any] = Field(default_factory=list)
    crisis_credits: list[Any] = Field(default_factory=list)  # CFMR Art. 9(4)(a), 9(5)
    # The date the figures stand at (who benefits by then); every event recorded if absent.
    as_of: str | None = None


Rows = list[tuple[str, Any]]
SUFFIXES = {".yaml", ".yml", ".json", ".csv"}


#: Largest pledges file read: 27 states × a few kinds of pledge and deduction is a few hundred
#: rows; ten megabytes leaves room for notes and refuses a file meant to exhaust memory.
MAX_FILE_BYTES = 10_000_000


def _read_text(path: Path) -> str:
    if path.suffix.lower() not in SUFFIXES:
        raise fail(
            "file", str(path), "must be .yaml, .yml, .json or .csv", summary="cannot read pledges"
        )
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise fail(
                "file",
                str(path),
                f"is larger than {MAX_FILE_BYTES:,} bytes: a pledges file holds a few hundred rows",
                summary="cannot read pledges",
            )
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(
            "file", str(path), f"cannot be read: {reason_of(exc)}", summary="cannot read pledges"
        ) from None


def _csv_rows(path: Path, text: str) -> tuple[FileHeader, Rows]:
    """CSV rows with the line number they have in the file; '#' lines form the label."""
    comments = [line.lstrip("# ") for line in text.splitlines() if line.startswith("#")]
    numbered = [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]
    if not numbered:
        raise fail("file", str(path), "has no header row", summary="cannot read pledges")
    columns = next(csv.reader([numbered[0][1]]))
    rows: Rows = []
    for n, line in numbered[1:]:
        cells = next(csv.reader([line]))
        where = f"{path.name}, row {n}"
        if len(cells) > len(columns):
            rows.append((where, {"__extra__": cells[len(columns) :]}))
            continue
        rows.append((where, dict(zip(columns, cells, strict=False))))
    return FileHeader(label=" ".join(comments)), rows


def _document_rows(path: Path, text: str) -> tuple[FileHeader | None, Rows, Rows, list[Problem]]:
    """The header, the pledge rows and the deduction rows of a YAML or JSON file; when the
    header is refused, its problems and the rows as written, so that the rows are checked in
    the same pass."""
    suffix = path.suffix.lower()
    try:
        doc = yamlio.load(text) if suffix in {".yaml", ".yml"} else json.loads(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: also an int of 4300+ digits
        raise fail(
            "file",
            str(path),
            f"is not valid {suffix[1:].upper()}: {reason_of(exc)}",
            summary="cannot read pledges",
        ) from None
    return _header_rows(path, doc)


def _header_rows(path: Path, doc: object) -> tuple[FileHeader | None, Rows, Rows, list[Problem]]:
    """:func:`_document_rows` of a document already parsed."""
    if not isinstance(doc, dict):
        raise fail(
            "pledges",
            kind_of(doc),
            "the file holds a mapping with a list 'pledges'",
            str(path),
            summary="cannot read pledges",
        )
    try:
        header: FileHeader | None = FileHeader.model_validate(doc)
    except ValidationError as exc:
        header, problems = None, problems_of(exc, path.name)
    else:
        problems = []
    lists = (
        (header.pledges, header.deductions)
        if header is not None
        else tuple(_list_of(doc.get(name)) for name in ("pledges", "deductions"))
    )
    return (
        header,
        [(f"{path.name}, pledges[{i}]", r) for i, r in enumerate(lists[0])],
        [(f"{path.name}, deductions[{i}]", r) for i, r in enumerate(lists[1])],
        problems,
    )


def _list_of(value: Any) -> list[Any]:
    """The rows as written, when the header was refused."""
    return value if isinstance(value, list) else []


def _pledge(where: str, raw: Any, problems: list[Problem]) -> Pledge | None:
    if isinstance(raw, dict) and "__extra__" in raw:
        problems.append(
            Problem("-", raw["__extra__"], "more cells than the header has columns", where)
        )
        return None
    try:
        return PledgeIn.model_validate(_clean(raw)).to_domain(where)
    except ValidationError as exc:
        problems += problems_of(exc, where)
        return None


def _deduction(where: str, raw: Any, problems: list[Problem]) -> Deduction | None:
    try:
        return DeductionRecord.model_validate(_clean(raw)).to_domain(where)
    except ValidationError as exc:
        problems += problems_of(exc, where)
        return None


def _events(
    header: FileHeader, name: str, problems: list[Problem]
) -> tuple[tuple[UseOfPool, ...], tuple[Notification, ...], tuple[ShortcomingsFinding, ...]]:
    """The uses of the pool, notifications and findings a YAML/JSON file records."""

    def read(model: type[Any], rows: list[Any], label: str) -> list[Any]:
        out = []
        for i, raw in enumerate(rows):
            where = f"{name}, {label}[{i}]"
            try:
                out.append(model.model_validate(raw).to_domain(where))
            except ValidationError as exc:
                problems.extend(problems_of(exc, where))
        return out

    return (
        tuple(read(UseOfPoolIn, header.uses_of_pool, "uses_of_pool")),
        tuple(read(NotificationRecord, header.notifications, "notifications")),
        tuple(read(FindingIn, header.shortcomings, "shortcomings")),
    )


def _as_of(header: FileHeader, name: str, problems: list[Problem]) -> dt.date | None:
    if header.as_of is None:
        return None
    try:
        return read_day(header.as_of)
    except Refused as refused:
        problems.append(Problem("as_of", header.as_of, refused.rule, name))
        return None


def read_pledges_file(path: str | Path) -> PledgesFile:
    """Parse a pledges file; every malformed row is reported, and nothing is returned if any is."""
    path = Path(path)
    if not path.is_file():
        raise fail(
            "file",
            str(path),
            "is a folder, not a file" if path.is_dir() else "does not exist",
            summary="cannot read pledges",
        )
    text = _read_text(path)
    problems: list[Problem] = []
    found: FileHeader | None
    if path.suffix.lower() == ".csv":
        found, pledge_rows = _csv_rows(path, text)
        deduction_rows: Rows = []
    else:
        found, pledge_rows, deduction_rows, problems = _document_rows(path, text)
    return _pledges_file(path, found, pledge_rows, deduction_rows, problems)


def read_pledges_document(doc: object, path: str | Path) -> PledgesFile:
    """A pledges file's document already parsed (a scenario's changed file), checked by the same
    rules as a file on disk; ``path`` names it in messages and results."""
    path = Path(path)
    found, pledge_rows, deduction_rows, problems = _header_rows(path, doc)
    return _pledges_file(path, found, pledge_rows, deduction_rows, problems)


def _pledges_file(
    path: Path,
    found: FileHeader | None,
    pledge_rows: Rows,
    deduction_rows: Rows,
    problems: list[Problem],
) -> PledgesFile:
    pledges = [p for where, raw in pledge_rows if (p := _pledge(where, raw, problems))]
    deductions = [d for where, raw in deduction_rows if (d := _deduction(where, raw, problems))]
    if found is None:
        raise EupactError(problems, f"pledges file {path} refused; nothing was computed")
    header = found
    uses, notifications, findings = _events(header, path.name, problems)
    as_of = _as_of(header, path.name, problems)
    credits = []
    for i, raw in enumerate(header.crisis_credits):
        try:
            credits.append(CrisisCreditIn.model_validate(raw))
        except ValidationError as exc:
            problems += problems_of(exc, f"{path.name}, crisis_credits[{i}]")
    if problems:
        raise EupactError(problems, f"pledges file {path} refused; nothing was computed")
    return PledgesFile(
        path=path,
        label=header.label.strip(),
        synthetic=header.synthetic,
        pledges=tuple(pledges),
        deductions=tuple(deductions),
        forum_reconvened=header.forum_reconvened,
        uses_of_pool=uses,
        notifications=notifications,
        shortcomings=findings,
        as_of=as_of,
        crisis_credits=tuple(credits),
    )


def _clean(raw: Any) -> Any:
    """CSV gives empty strings for empty cells; treat them as absent."""
    if isinstance(raw, dict):
        return {k: v for k, v in raw.items() if k is not None and v not in ("", None)}
    return raw
