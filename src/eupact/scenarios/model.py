"""A scenario: a cycle year as recorded, plus named changes (what a delegation asks before the
High-Level Forum, Art. 13 AMMR).

The base is a pool year whose Council act is recorded (Art. 57) and a pledges file (the shipped
SYNTHETIC example unless another is named). The changes are of four kinds:

- legal values as the act or the Regulation set them (``parameters``: e.g. the reference number
  of relocations, Art. 57(1); the states under migratory pressure, Art. 11), written as in the
  parameter files and refused if they change a value's type;
- [reading]s (``readings``: name → alternative, as ``--reading``);
- the data vintage of the key (``vintage``, Art. 66);
- what happened during the year (``pledges``: pledges withdrawn or scaled, deductions granted,
  Art. 61–62; uses of the pool and notifications, Art. 58–59; systemic-shortcomings findings,
  Art. 60(3); the Forum reconvened, Art. 13(4), 63(3)).

Every number is bounded and every state code checked against the bound Member States before
anything is computed; errors name the field, the value and the rule.
"""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from eupact import yamlio
from eupact.boundary.text import read_state, read_text
from eupact.errors import EupactError, Problem, fail, kind_of, reason_of

#: Largest scenario file read (bytes): a scenario is a page of YAML, not a data set.
MAX_FILE_BYTES = 256_000
#: Pool years a scenario may take as its base (the Regulation applies from 2026).
FIRST_YEAR, LAST_YEAR = 2026, 2100
#: Rows a scenario may add to the pledges file (one per state and kind is already 81).
MAX_ADDED_ROWS = 2_000
#: A factor on pledges: from withdrawing all (0) to ten times what was pledged.
MAX_SCALE = Fraction(10)
#: Euros as a scenario writes them: digits, at most two decimals.
_EUROS = re.compile(r"[0-9][0-9_]{0,16}(\.[0-9]{1,2})?")
#: Kinds of row the pledges file holds and a scenario may add to.
ROW_KINDS = ("pledges", "deductions", "uses_of_pool", "notifications", "shortcomings")


#: A bound Member State's geo code (each one checked, so an error names its place in a list).
StateCode = Annotated[str, AfterValidator(read_state)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VintageChange(_Strict):
    """The key's data (Art. 66): population on a date, GDP of a year, a named release."""

    population_date: str | None = Field(default=None, max_length=10)
    gdp_year: str | None = Field(default=None, max_length=4)
    release: str | None = Field(default=None, max_length=64)


class KeyChange(_Strict):
    """The reference key's states and figures (Art. 66): states left out (a state leaving; its
    pledges and deductions go with it), or a user's own population or GDP file (the columns of
    the snapshot's resource; not through the API)."""

    left_out: list[StateCode] = Field(default_factory=list, max_length=26)
    population_file: str | None = Field(default=None, max_length=500)
    gdp_file: str | None = Field(default=None, max_length=500)


class PledgesChange(_Strict):
    """Changes to the pledges file of the base."""

    remove_pledges_of: list[StateCode] = Field(default_factory=list, max_length=27)
    scale_pledges: str | None = Field(default=None, max_length=16)
    grant_deductions_of: list[StateCode] = Field(default_factory=list, max_length=27)
    add: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)

    @field_validator("add")
    @classmethod
    def _kinds(cls, value: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
        unknown = sorted(set(value) - set(ROW_KINDS))
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: rows can be added to {', '.join(ROW_KINDS)}")
        if sum(len(rows) for rows in value.values()) > MAX_ADDED_ROWS:
            raise ValueError(f"at most {MAX_ADDED_ROWS:,} rows can be added")
        return value

    def scale(self) -> Fraction | None:
        if self.scale_pledges is None:
            return None
        text = self.scale_pledges.strip()
        try:
            factor = Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise fail(
                "changes.pledges.scale_pledges", text, "must be a fraction such as 1/2 or 0.8"
            ) from None
        if not 0 <= factor <= MAX_SCALE:
            raise fail("changes.pledges.scale_pledges", text, f"must lie between 0 and {MAX_SCALE}")
        return factor


class Changes(_Strict):
    parameters: dict[str, int | str | list[str]] = Field(default_factory=dict, max_length=50)
    readings: dict[str, str] = Field(default_factory=dict, max_length=50)
    vintage: VintageChange | None = None
    key: KeyChange = Field(default_factory=KeyChange)
    # rule thresholds of the pressure assessment of the year before (Art. 9-11), e.g.
    # assessment.at_risk.applications: "6/5"; the result then compares the categories too
    thresholds: dict[str, str] = Field(default_factory=dict, max_length=50)
    forum_reconvened: bool | None = None
    as_of: dt.date | None = None
    allow_secondary: bool = False
    sar_share: str | None = Field(default=None, max_length=16)
    pledges: PledgesChange = Field(default_factory=PledgesChange)

    @field_validator("parameters")
    @classmethod
    def _bounded(cls, value: dict[str, int | str | list[str]]) -> dict[str, int | str | list[str]]:
        for name, v in value.items():
            if isinstance(v, int) and not 0 <= v <= 10**12:
                raise ValueError(f"{name}: {v} is outside 0 .. 10^12")
            if isinstance(v, str) and len(v) > 64:
                raise ValueError(f"{name}: a value is at most 64 characters")
            if isinstance(v, str) and v.startswith("EUR ") and not _EUROS.fullmatch(v[4:]):
                raise ValueError(f"{name}: write euros as digits, e.g. EUR 500000000 or EUR 1.50")
            if isinstance(v, str):
                number = _number(v.removeprefix("EUR ").replace("_", ""))
                if number is not None and not 0 <= number <= 10**12:
                    raise ValueError(f"{name}: {v} is outside 0 .. 10^12")
            if isinstance(v, list):
                value[name] = [read_state(s) for s in v]
        return value


class Scenario(_Strict):
    label: str = Field(max_length=200)
    base: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    pledges_file: str | None = Field(default=None, max_length=500)
    description: str = Field(default="", max_length=2_000)
    changes: Changes = Field(default_factory=Changes)
    # where the file was read from (relative paths in it are relative to that folder)
    folder: Path | None = Field(default=None, exclude=True)

    @field_validator("label", "description")
    @classmethod
    def _text(cls, value: str) -> str:
        return read_text(value, limit=2_000)

    def path_of(self, name: str | None) -> Path | None:
        """A file the scenario names, relative to the scenario file's folder."""
        if name is None:
            return None
        path = Path(name)
        return path if path.is_absolute() or self.folder is None else self.folder / path

    def pledges_path(self) -> Path | None:
        if self.pledges_file is None:
            return None
        path = Path(self.pledges_file)
        return path if path.is_absolute() or self.folder is None else self.folder / path


def _number(text: str) -> Fraction | None:
    """``text`` as an exact number if it is written as one (digits, one point or slash)."""
    if not text or len(text) > 40 or not all(c in "0123456789./-" for c in text):
        return None
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None


def scenario_from_dict(doc: object, where: str = "scenario") -> Scenario:
    """A scenario from its parsed document; every problem named at once."""
    if not isinstance(doc, dict):
        raise fail(where, kind_of(doc), "must be a mapping with label, base and changes")
    try:
        return Scenario.model_validate(doc)
    except ValidationError as exc:
        problems = [
            Problem(
                ".".join(str(p) for p in err["loc"]) or where,
                _shown(err.get("input")),
                str(err["msg"]).removeprefix("Value error, "),
                where,
            )
            for err in exc.errors()
        ]
        raise EupactError(problems, f"scenario {where} refused; nothing was computed") from None


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else kind_of(value)
    return text if len(text) <= 80 else text[:77] + "..."


def read_yaml_file(path: Path, field: str, what: str) -> object:
    """A scenario or sweep file's document: it exists, is at most MAX_FILE_BYTES, parses."""
    if not path.is_file():
        raise fail(field, str(path), "does not exist", summary=f"cannot read the {what}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise fail(field, str(path), f"is larger than {MAX_FILE_BYTES:,} bytes")
    try:
        return yamlio.load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise fail(field, str(path), f"is not readable YAML: {reason_of(exc)}") from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (YAML or JSON)."""
    path = Path(path)
    doc = read_yaml_file(path, "file", "scenario")
    scenario = scenario_from_dict(doc, path.name)
    return scenario.model_copy(update={"folder": path.parent})


__all__ = [
    "Changes",
    "KeyChange",
    "PledgesChange",
    "Scenario",
    "VintageChange",
    "load_scenario",
    "scenario_from_dict",
]
