"""Reading pledges and deductions files (YAML, JSON or CSV) into validated domain objects.

The file layer checks types and shapes with pydantic and reports each problem with the file, the
row and the field; the legal checks are the pool rules' own (:mod:`eupact.pool.pledges`).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from eupact.errors import EupactError, Problem, fail
from eupact.pool.pledges import Deduction, DeductionStatus, Pledge, PledgeKind


class PledgeRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    state: str = Field(min_length=2, max_length=2)
    kind: PledgeKind
    amount: Decimal
    requested_by: list[str] = Field(default_factory=list)
    note: str = ""

    @field_validator("requested_by", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
        return value


class DeductionRow(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    state: str = Field(min_length=2, max_length=2)
    article: Literal["61", "62"]
    full: bool
    relocations: int = 0
    financial: Decimal = Decimal(0)
    status: DeductionStatus = DeductionStatus.REQUESTED
    council_act: str = ""
    self_assessed: bool = False

    @field_validator("article", mode="before")
    @classmethod
    def _article(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


@dataclass(frozen=True)
class PledgesFile:
    """The content of a pledges file: its label (who made these figures) and the rows."""

    path: Path
    label: str
    synthetic: bool
    pledges: tuple[Pledge, ...]
    deductions: tuple[Deduction, ...]
    forum_reconvened: bool


def _problems(exc: ValidationError, where: str) -> list[Problem]:
    out = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "-"
        out.append(Problem(field, err.get("input"), err["msg"], where))
    return out


def _rows_of(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(
            "file", str(path), f"cannot be read: {exc}", summary="cannot read pledges"
        ) from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        lines = [line for line in text.splitlines() if not line.startswith("#")]
        header = {
            "label": " ".join(
                line.lstrip("# ") for line in text.splitlines() if line.startswith("#")
            )
        }
        return header, [dict(r) for r in csv.DictReader(lines)], []
    try:
        doc = yaml.safe_load(text) if suffix in {".yaml", ".yml"} else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise fail(
            "file",
            str(path),
            f"is not valid {suffix[1:].upper()}: {exc}",
            summary="cannot read pledges",
        ) from None
    if suffix not in {".yaml", ".yml", ".json"}:
        raise fail(
            "file", str(path), "must be .yaml, .yml, .json or .csv", summary="cannot read pledges"
        )
    if not isinstance(doc, dict) or not isinstance(doc.get("pledges", []), list):
        raise fail(
            "pledges",
            type(doc).__name__,
            "the file holds a mapping with a list 'pledges'",
            str(path),
            summary="cannot read pledges",
        )
    return doc, list(doc.get("pledges") or []), list(doc.get("deductions") or [])


def _location(path: Path, section: str, index: int, csv_file: bool) -> str:
    # CSV rows are numbered as a spreadsheet shows them: the header is row 1.
    return f"{path.name}, row {index + 2}" if csv_file else f"{path.name}, {section}[{index}]"


def read_pledges_file(path: str | Path) -> PledgesFile:
    """Parse a pledges file; every malformed row is reported, and nothing is returned if any is."""
    path = Path(path)
    if not path.is_file():
        raise fail("file", str(path), "does not exist", summary="cannot read pledges")
    header, pledge_rows, deduction_rows = _rows_of(path)
    is_csv = path.suffix.lower() == ".csv"
    problems: list[Problem] = []
    pledges, deductions = [], []
    for i, raw in enumerate(pledge_rows):
        where = _location(path, "pledges", i, is_csv)
        try:
            row = PledgeRow.model_validate(_clean(raw))
        except ValidationError as exc:
            problems += _problems(exc, where)
            continue
        except InvalidOperation:
            problems.append(Problem("amount", raw.get("amount"), "not a number", where))
            continue
        pledges.append(
            Pledge(
                row.state.upper(),
                row.kind,
                row.amount,
                tuple(s.upper() for s in row.requested_by),
                row.note,
                where,
            )
        )
    for i, raw in enumerate(deduction_rows):
        where = _location(path, "deductions", i, False)
        try:
            d = DeductionRow.model_validate(_clean(raw))
        except ValidationError as exc:
            problems += _problems(exc, where)
            continue
        deductions.append(
            Deduction(
                d.state.upper(),
                d.article,
                d.full,
                d.relocations,
                d.financial,
                d.status,
                d.council_act,
                d.self_assessed,
                where,
            )
        )
    if problems:
        raise EupactError(problems, f"pledges file {path} refused; nothing was computed")
    return PledgesFile(
        path=path,
        label=str(header.get("label", "")).strip(),
        synthetic=bool(header.get("synthetic", False)),
        pledges=tuple(pledges),
        deductions=tuple(deductions),
        forum_reconvened=bool(header.get("forum_reconvened", False)),
    )


def _clean(raw: Any) -> Any:
    """CSV gives empty strings for empty cells; treat them as absent."""
    if isinstance(raw, dict):
        return {k: v for k, v in raw.items() if k is not None and v not in ("", None)}
    return raw
