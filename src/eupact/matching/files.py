"""Matching inputs and outputs as files: CSV and JSON, validated with pydantic.

Every malformed row is reported — file, row, field, value and the rule it breaks — and nothing
is returned if any is. CSV rows are numbered as a spreadsheet shows them (the header is row 1,
comment lines count). Lines starting with ``#`` at the top of a CSV file are its label; a file
labelled SYNTHETIC makes every output say so.

Why one file: each format's reader and writer share its columns and conventions (row numbers,
label lines, ``;`` lists), and the round trip write → read is what the tests check; the rows'
validation itself is in :mod:`eupact.matching.rows`.

Applicants (CSV columns, or JSON ``{"label": ..., "applicants": [{...}]}``)::

    id, benefitting_state, family_unit, nationality, languages, links, vulnerabilities,
    preferences, status, consent, protection_granted_on

Lists in a CSV cell are separated by ``;`` (``ar;fr``); a link is ``STATE:kind``
(``DE:family;FR:cultural``); ``status`` is ``applicant`` or ``beneficiary``; ``consent`` is
``true``/``false``; ``protection_granted_on`` (beneficiaries) is a date ``YYYY-MM-DD``. Only ``id``
and ``benefitting_state`` are required.

Pledged places (CSV columns ``contributing_state, places, benefitting_state``, the last empty or
``*`` for any benefitting state; or JSON ``{"pledges": [...], "profiles": [...],
"needs": {"IT": 1200}}``; or an eupact pool pledges YAML file, whose relocation pledges are taken
as places for any benefitting state). State profiles (CSV columns ``state,
accepts_unaccompanied_minors, accepts_beneficiaries, max_unit_size, languages``, or in the
pledges JSON). Bilateral agreements on beneficiaries (Art. 56(2)(a)(ii)): in the pledges JSON,
``"bilateral_agreements": [{"benefitting_state": "IT", "relocation_state": "DE"}]`` with
``"pool_act_date": "2025-12-19"`` (the adoption of the Council act), or a CSV with columns
``benefitting_state, relocation_state`` (:func:`read_agreements`). A pledges file without them is
read as before: each profile's ``accepts_beneficiaries`` stands for the agreements.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from eupact.cells import inert
from eupact.errors import EupactError, Problem, fail, kind_of, reason_of

from .languages import GEO
from .model import (
    LINK_KINDS,
    VULNERABILITIES,
    Applicant,
    ApplicantTable,
    BeneficiaryRules,
    BilateralAgreement,
    PledgedPlaces,
    StateProfile,
    geo_problem,
)
from .result import MatchResult
from .rows import AgreementRow

# The rows moved to .rows; named here too, for the callers that import them from this module.
from .rows import ApplicantRow as ApplicantRow
from .rows import LinkRow as LinkRow
from .rows import PlacesRow as PlacesRow
from .rows import ProfileRow as ProfileRow

MAX_PROBLEMS = 100


# ------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Rows:
    label: str
    rows: list[dict[str, Any]]
    where: list[str]
    doc: dict[str, Any] = field(default_factory=dict)


def _read_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise fail(
            "file",
            str(path),
            "is a folder, not a file" if path.is_dir() else "does not exist",
            summary=f"cannot read {what}",
        )
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(
            "file", str(path), f"cannot be read: {reason_of(exc)}", summary=f"cannot read {what}"
        ) from None


def _csv_rows(
    path: Path, text: str, what: str, required: Sequence[str], known: Iterable[str]
) -> _Rows:
    lines = text.splitlines()
    label_lines: list[str] = []
    body: list[str] = []
    numbers: list[int] = []
    for n, line in enumerate(lines, start=1):
        if line.startswith("#"):
            if not body:
                label_lines.append(line.lstrip("# ").strip())
            continue
        if not line.strip():
            continue
        body.append(line)
        numbers.append(n)
    if not body:
        raise fail("file", path.name, "has no header row", summary=f"cannot read {what}")
    reader = csv.reader(io.StringIO("\n".join(body)))
    header = [h.strip() for h in next(reader)]
    header_row = numbers[0]
    problems: list[Problem] = []
    where_header = f"{path.name}, row {header_row}"
    known_set = set(known)
    for name in header:
        if name not in known_set:
            problems.append(
                Problem(
                    "header",
                    name,
                    f"unknown column; expected some of: {', '.join(known)}",
                    where_header,
                )
            )
    for name in required:
        if name not in header:
            problems.append(Problem("header", name, "required column is missing", where_header))
    if len(set(header)) != len(header):
        problems.append(Problem("header", ",".join(header), "a column appears twice", where_header))
    if problems:
        raise EupactError(problems, f"cannot read {what}")
    rows: list[dict[str, Any]] = []
    where: list[str] = []
    for record in reader:
        line_no = numbers[min(reader.line_num - 1, len(numbers) - 1)]
        if len(record) != len(header):
            problems.append(
                Problem(
                    "row",
                    ",".join(record),
                    f"has {len(record)} cells; the header has {len(header)}",
                    f"{path.name}, row {line_no}",
                )
            )
            continue
        rows.append(dict(zip(header, record, strict=True)))
        where.append(f"{path.name}, row {line_no}")
    if problems:
        raise EupactError(problems[:MAX_PROBLEMS], f"cannot read {what}")
    return _Rows(" ".join(label_lines), rows, where)


def _json_doc(path: Path, text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4300 digits
        raise fail(
            "file", path.name, f"is not valid JSON: {reason_of(exc)}", summary=f"cannot read {what}"
        ) from None


def _problems(exc: ValidationError, where: str) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "-"
        out.append(Problem(loc, err.get("input"), err["msg"], where))
    return out


@dataclass(frozen=True)
class ApplicantsFile:
    path: Path
    label: str
    table: ApplicantTable

    @property
    def synthetic(self) -> bool:
        return "SYNTHETIC" in self.label.upper()


APPLICANT_COLUMNS = tuple(ApplicantRow.model_fields)


def read_applicants(path: str | Path) -> ApplicantsFile:
    """Read an applicants file (CSV or JSON) into a table; refuse it with every problem found."""
    path = Path(path)
    what = "applicants"
    text = _read_text(path, what)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = _csv_rows(path, text, what, ("id", "benefitting_state"), APPLICANT_COLUMNS)
    elif suffix == ".json":
        doc = _json_doc(path, text, what)
        items = doc.get("applicants") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise fail(
                "applicants",
                kind_of(items),
                "the file holds a list of applicants, or a mapping with a list 'applicants'",
                path.name,
                summary=f"cannot read {what}",
            )
        label = str(doc.get("label", "")) if isinstance(doc, dict) else ""
        raw = _Rows(label, items, [f"{path.name}, applicants[{i}]" for i in range(len(items))])
    else:
        raise fail("file", path.name, "must be .csv or .json", summary=f"cannot read {what}")
    problems: list[Problem] = []
    applicants: list[Applicant] = []
    for item, where in zip(raw.rows, raw.where, strict=True):
        if not isinstance(item, dict):
            problems.append(Problem("applicant", item, "must be an object", where))
            continue
        # the state is checked whatever else the row gets wrong: one pass names every problem
        state = item.get("benefitting_state")
        wrong_state = (
            geo_problem(state.strip().upper(), "benefitting_state", where)
            if isinstance(state, str) and len(state.strip()) == 2
            else None
        )
        try:
            row = ApplicantRow.model_validate(item)
        except ValidationError as exc:
            problems += _problems(exc, where)
            if wrong_state is not None and not any(
                p.field == "benefitting_state" and p.location == where for p in problems
            ):
                problems.append(wrong_state)
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        if wrong_state is not None:
            problems.append(wrong_state)
            continue
        applicants.append(row.to_domain(where))
    if problems:
        raise EupactError(problems[:MAX_PROBLEMS], f"invalid {what} in {path.name}")
    if not applicants:
        raise fail(
            "applicants", 0, "the file holds no applicant", path.name, summary=f"invalid {what}"
        )
    table = ApplicantTable.from_applicants(applicants, raw.label)
    return ApplicantsFile(path, raw.label, table)


@dataclass(frozen=True)
class PledgesInput:
    path: Path
    label: str
    places: tuple[PledgedPlaces, ...]
    profiles: tuple[StateProfile, ...] = ()
    needs: dict[str, int] = field(default_factory=dict)
    agreements: tuple[BilateralAgreement, ...] | None = None
    pool_act_date: dt.date | None = None

    @property
    def synthetic(self) -> bool:
        return "SYNTHETIC" in self.label.upper()

    @property
    def beneficiary_rules(self) -> BeneficiaryRules | None:
        """The agreements and the act date (Art. 56(2)(a)(ii)); None for older files."""
        if self.agreements is None or self.pool_act_date is None:
            return None
        return BeneficiaryRules(self.agreements, self.pool_act_date)


PLACES_COLUMNS = tuple(PlacesRow.model_fields)
PROFILE_COLUMNS = tuple(ProfileRow.model_fields)


def _places(
    rows: Sequence[Any], where: Sequence[str], problems: list[Problem]
) -> list[PledgedPlaces]:
    out: list[PledgedPlaces] = []
    for item, loc in zip(rows, where, strict=True):
        if not isinstance(item, dict):
            problems.append(Problem("pledge", item, "must be an object", loc))
            continue
        try:
            row = PlacesRow.model_validate(item)
        except ValidationError as exc:
            problems += _problems(exc, loc)
            continue
        out.append(row.to_domain(loc))
    return out


def _profiles(
    rows: Sequence[Any], where: Sequence[str], problems: list[Problem]
) -> list[StateProfile]:
    out: list[StateProfile] = []
    for item, loc in zip(rows, where, strict=True):
        if not isinstance(item, dict):
            problems.append(Problem("profile", item, "must be an object", loc))
            continue
        try:
            row = ProfileRow.model_validate(item)
        except ValidationError as exc:
            problems += _problems(exc, loc)
            continue
        out.append(
            StateProfile(
                row.state,
                row.accepts_unaccompanied_minors,
                row.accepts_beneficiaries,
                row.max_unit_size,
                None if row.languages is None else tuple(row.languages),
                loc,
            )
        )
    return out


def _needs(raw: Any, where: str, problems: list[Problem]) -> dict[str, int]:
    if raw in (None, {}):
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem("needs", raw, "must map benefitting states to persons", where))
        return {}
    out: dict[str, int] = {}
    for k, v in raw.items():
        if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
            problems.append(Problem(f"needs.{k}", v, "must be a whole number > 0", where))
        else:
            out[str(k).upper()] = v
    return out


def read_pledges(path: str | Path) -> PledgesInput:
    """Read pledged places (CSV, JSON, or an eupact pool pledges YAML file)."""
    path = Path(path)
    what = "pledged places"
    suffix = path.suffix.lower()
    problems: list[Problem] = []
    if suffix in {".yaml", ".yml"}:
        return _pool_pledges(path)
    text = _read_text(path, what)
    if suffix == ".csv":
        raw = _csv_rows(path, text, what, ("contributing_state", "places"), PLACES_COLUMNS)
        places = _places(raw.rows, raw.where, problems)
        result = PledgesInput(path, raw.label, tuple(places))
    elif suffix == ".json":
        doc = _json_doc(path, text, what)
        if not isinstance(doc, dict) or not isinstance(doc.get("pledges"), list):
            raise fail(
                "pledges",
                kind_of(doc),
                "the file holds a mapping with a list 'pledges' (and optional 'profiles', 'needs')",
                path.name,
                summary=f"cannot read {what}",
            )
        items = doc["pledges"]
        places = _places(items, [f"{path.name}, pledges[{i}]" for i in range(len(items))], problems)
        prof_items = doc.get("profiles") or []
        profiles = _profiles(
            prof_items, [f"{path.name}, profiles[{i}]" for i in range(len(prof_items))], problems
        )
        needs = _needs(doc.get("needs"), f"{path.name}, needs", problems)
        agreements, act_date = _agreements_in(doc, path.name, problems)
        result = PledgesInput(
            path,
            str(doc.get("label", "")),
            tuple(places),
            tuple(profiles),
            needs,
            agreements,
            act_date,
        )
    else:
        raise fail(
            "file", path.name, "must be .csv, .json, .yaml or .yml", summary=f"cannot read {what}"
        )
    if problems:
        raise EupactError(problems[:MAX_PROBLEMS], f"invalid {what} in {path.name}")
    return result


def _agreements(
    rows: Sequence[Any], where: Sequence[str], problems: list[Problem]
) -> list[BilateralAgreement]:
    out: list[BilateralAgreement] = []
    for item, loc in zip(rows, where, strict=True):
        if not isinstance(item, dict):
            problems.append(Problem("agreement", item, "must be an object", loc))
            continue
        try:
            out.append(AgreementRow.model_validate(item).to_domain(loc))
        except ValidationError as exc:
            problems += _problems(exc, loc)
    return out


def _agreements_in(
    doc: dict[str, Any], name: str, problems: list[Problem]
) -> tuple[tuple[BilateralAgreement, ...] | None, dt.date | None]:
    """The pledges JSON's bilateral agreements and act date: both or neither."""
    raw, act = doc.get("bilateral_agreements"), doc.get("pool_act_date")
    if raw is None and act is None:
        return None, None
    where = f"{name}, bilateral_agreements"
    if not isinstance(raw, list):
        rule = "a list of {benefitting_state, relocation_state} (Art. 56(2)(a)(ii))"
        problems.append(Problem("bilateral_agreements", raw, f"must be {rule}", where))
        raw = []
    found = _agreements(raw, [f"{where}[{i}]" for i in range(len(raw))], problems)
    try:
        act_date = dt.date.fromisoformat(act) if isinstance(act, str) else None
    except ValueError:
        act_date = None
    if act_date is None:
        problems.append(
            Problem(
                "pool_act_date",
                act,
                "must be the date of adoption of the Council implementing act establishing the "
                "pool, YYYY-MM-DD (Art. 56(2)(a)(ii), 57), given with bilateral_agreements",
                f"{name}, pool_act_date",
            )
        )
    return tuple(found), act_date


def read_agreements(path: str | Path) -> tuple[BilateralAgreement, ...]:
    """Read bilateral agreements on beneficiaries (CSV ``benefitting_state, relocation_state``,
    or JSON: a list, or a mapping with a list 'bilateral_agreements')."""
    path = Path(path)
    what = "bilateral agreements"
    text = _read_text(path, what)
    problems: list[Problem] = []
    columns = tuple(AgreementRow.model_fields)
    if path.suffix.lower() == ".csv":
        raw = _csv_rows(path, text, what, columns, columns)
        out = _agreements(raw.rows, raw.where, problems)
    elif path.suffix.lower() == ".json":
        doc = _json_doc(path, text, what)
        items = doc.get("bilateral_agreements") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise fail("bilateral_agreements", kind_of(items), "must be a list", path.name)
        where = [f"{path.name}, bilateral_agreements[{i}]" for i in range(len(items))]
        out = _agreements(items, where, problems)
    else:
        raise fail("file", path.name, "must be .csv or .json", summary=f"cannot read {what}")
    if problems:
        raise EupactError(problems[:MAX_PROBLEMS], f"invalid {what} in {path.name}")
    return tuple(out)


def _pool_pledges(path: Path) -> PledgesInput:
    """The relocation pledges of an eupact pool pledges file, as places for any benefitting
    state; the file's other pledges and deductions are the pool's business, not matching's."""
    what = "pledged places"
    text = _read_text(path, what)
    try:
        doc = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as exc:
        raise fail(
            "file", path.name, f"is not valid YAML: {reason_of(exc)}", summary=f"cannot read {what}"
        ) from None
    pledges = doc.get("pledges") if isinstance(doc, dict) else None
    if not isinstance(pledges, list):
        raise fail(
            "pledges",
            kind_of(pledges),
            "the file holds a mapping with a list 'pledges'",
            path.name,
            summary=f"cannot read {what}",
        )
    rows, where = [], []
    for i, item in enumerate(pledges):
        if isinstance(item, dict) and item.get("kind") == "relocation":
            rows.append({"contributing_state": item.get("state"), "places": item.get("amount")})
            where.append(f"{path.name}, pledges[{i}]")
    problems: list[Problem] = []
    places = _places(rows, where, problems)
    if problems:
        # the file's own names: a pledge has a state and an amount
        names = {"contributing_state": "state", "places": "amount"}
        problems = [
            Problem(names.get(p.field, p.field), p.value, p.rule, p.location) for p in problems
        ]
        raise EupactError(problems[:MAX_PROBLEMS], f"invalid {what} in {path.name}")
    return PledgesInput(path, str(doc.get("label", "")), tuple(places))


def read_profiles(path: str | Path) -> tuple[StateProfile, ...]:
    """Read state profiles (CSV, or JSON: a list, or a mapping with a list 'profiles')."""
    path = Path(path)
    what = "state profiles"
    text = _read_text(path, what)
    problems: list[Problem] = []
    if path.suffix.lower() == ".csv":
        raw = _csv_rows(path, text, what, ("state",), PROFILE_COLUMNS)
        out = _profiles(raw.rows, raw.where, problems)
    elif path.suffix.lower() == ".json":
        doc = _json_doc(path, text, what)
        items = doc.get("profiles") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise fail("profiles", kind_of(items), "must be a list", path.name, summary=what)
        out = _profiles(items, [f"{path.name}, profiles[{i}]" for i in range(len(items))], problems)
    else:
        raise fail("file", path.name, "must be .csv or .json", summary=f"cannot read {what}")
    if problems:
        raise EupactError(problems[:MAX_PROBLEMS], f"invalid {what} in {path.name}")
    return tuple(out)


# ------------------------------------------------------------------------------- writing


def _label_lines(label: str) -> str:
    return "".join(f"# {line}\n" for line in label.splitlines() if line.strip()) if label else ""


def write_applicants_csv(table: ApplicantTable, path: Path) -> Path:
    """The table as an applicants CSV (label as a comment line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(_label_lines(table.label))
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(APPLICANT_COLUMNS)
        codes = table.language_codes
        for i in range(len(table)):
            mask = int(table.vulnerabilities[i])
            w.writerow(
                [
                    table.ids[i],
                    GEO[int(table.benefitting[i])],
                    table.unit_names[int(table.unit[i])],
                    table.nationality[i],
                    ";".join(codes[int(k)] for k in table.languages.row(i)),
                    ";".join(
                        f"{GEO[int(c) // 8]}:{LINK_KINDS[int(c) % 8].value}"
                        for c in table.links.row(i)
                    ),
                    ";".join(v.value for k, v in enumerate(VULNERABILITIES) if mask >> k & 1),
                    ";".join(GEO[int(s)] for s in table.preferences.row(i)),
                    "beneficiary" if table.beneficiary[i] else "applicant",
                    "true" if table.consent[i] else "false",
                    _granted(table, i),
                ]
            )
    return path


def _granted(table: ApplicantTable, i: int) -> str:
    day = 0 if table.granted_on is None else int(table.granted_on[i])
    return dt.date.fromordinal(day).isoformat() if day else ""


def write_pledges(
    places: Sequence[PledgedPlaces], profiles: Sequence[StateProfile], path: Path, label: str
) -> list[Path]:
    """Pledged places as CSV (profiles beside it, ``<name>.profiles.csv``) or JSON (together)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [
        {
            "contributing_state": p.contributing_state,
            "places": p.places,
            "benefitting_state": p.benefitting_state or "*",
        }
        for p in places
    ]
    profs = [
        {
            "state": p.state,
            "accepts_unaccompanied_minors": p.accepts_unaccompanied_minors,
            "accepts_beneficiaries": p.accepts_beneficiaries,
            "max_unit_size": p.max_unit_size,
            "languages": None if p.languages is None else list(p.languages),
        }
        for p in profiles
    ]
    if path.suffix.lower() == ".json":
        doc = {"label": label, "synthetic": "SYNTHETIC" in label.upper(), "pledges": rows}
        doc["profiles"] = profs
        path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        return [path]
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(_label_lines(label))
        w = csv.DictWriter(fh, fieldnames=list(PLACES_COLUMNS), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    out = [path]
    if profs:
        prof_path = profiles_path_for(path)
        with prof_path.open("w", encoding="utf-8", newline="") as fh:
            fh.write(_label_lines(label))
            w = csv.DictWriter(fh, fieldnames=list(PROFILE_COLUMNS), lineterminator="\n")
            w.writeheader()
            for prof in profiles:
                w.writerow(
                    {
                        "state": prof.state,
                        "accepts_unaccompanied_minors": prof.accepts_unaccompanied_minors,
                        "accepts_beneficiaries": prof.accepts_beneficiaries,
                        "max_unit_size": "" if prof.max_unit_size is None else prof.max_unit_size,
                        "languages": "" if prof.languages is None else ";".join(prof.languages),
                    }
                )
        out.append(prof_path)
    return out


def profiles_path_for(pledges_csv: Path) -> Path:
    return pledges_csv.with_name(pledges_csv.stem + ".profiles.csv")


ASSIGNMENT_COLUMNS = (
    "applicant_id",
    "family_unit",
    "unit_size",
    "benefitting_state",
    "assigned_state",
    "reason",
    "points",
    "explanation",
)


def assignment_cells(e: Any) -> list[Any]:
    """One row of ``assignments.csv`` (columns ``ASSIGNMENT_COLUMNS``) for an explanation, every
    text cell inert for spreadsheets."""
    text = "; ".join(
        [e.summary]
        + [f"{f.text} [{f.article}]" for f in e.factors]
        + [f"constraint: {c.text}" for c in e.constraints]
    )
    cells = [
        e.applicant,
        e.family_unit,
        e.unit_size,
        e.benefitting_state,
        e.assigned_state or "",
        str(e.reason),
        "" if e.points is None else e.points,
        text,
    ]
    return [inert(c) for c in cells]


def write_results(result: MatchResult, out: Path) -> list[Path]:
    """assignments.csv, assignments.json, summary.json and summary.md in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    summary = result.summary()
    label = result.label
    csv_path = out / "assignments.csv"
    explained = []
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(_label_lines(label))
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(ASSIGNMENT_COLUMNS)
        for e in result.explanations():
            explained.append(e.as_dict())
            w.writerow(assignment_cells(e))
    json_path = out / "assignments.json"
    doc = {
        "label": label,
        "synthetic": summary.synthetic,
        "summary": summary.as_dict(),
        "assignments": explained,
    }
    json_path.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    summary_json = out / "summary.json"
    summary_json.write_text(
        json.dumps(summary.as_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    md = out / "summary.md"
    md.write_text(render_summary_markdown(summary), encoding="utf-8")
    return [csv_path, json_path, summary_json, md]


def _pct(x: Any) -> str:
    return "—" if x is None else f"{100 * float(x):.2f} %"


def render_summary_markdown(s: Any) -> str:
    t, v = s.totals, s.solver
    bound = "—" if v["bound"] is None else f"{v['bound']:,.0f}"
    greedy = "—" if v["greedy_objective"] is None else f"{v['greedy_objective']:,.0f}"
    lines: list[str] = []
    if s.synthetic:
        lines += [f"**{s.label}**", ""]
    elif s.label:
        lines += [s.label, ""]
    lines += [
        "# Relocation matching (Art. 60(4), 67 AMMR)",
        "",
        f"{t['relocated_persons']:,} of {t['eligible_persons']:,} eligible persons relocated "
        f"({t['relocated_units']:,} family units) to {t['places']:,} pledged places; "
        f"{t['relocated_vulnerable_persons']:,} vulnerable persons; "
        f"{t['relocated_with_link_to_their_state']:,} to a state they have a meaningful link to.",
        "",
        f"Solver: {v['method']}, status **{v['status']}**, objective {v['objective']:,.0f}, "
        f"bound {bound}, gap {_pct(v['gap'])}, {v['seconds']} s ({v['classes']:,} classes"
        + (f", {v['blocks']} blocks" if v["blocks"] else "")
        + ").",
        "",
        f"Greedy first-come baseline: objective {greedy}, "
        f"{v['greedy_relocated_persons'] or 0:,} persons; gain of the optimum "
        f"{_pct(v['gain_over_greedy'])}.",
        "",
        f"Outcome model: {v['outcome_model_description']}.",
        "",
        "## By state of relocation",
        "",
        "| state | places | relocated | fill | with link | without link |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['state']} | {r['places']:,} | {r['relocated']:,} | {_pct(r['fill_rate'])} | "
        f"{r['with_link_to_state']:,} | {r['without_link']:,} |"
        for r in s.by_state
    ]
    lines += [
        "",
        "## By benefitting state (balance rule, Art. 60(2))",
        "",
        "| benefitting state | identified | need share | floor | relocated | share of relocated |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {r['benefitting_state']} | {r['identified']:,} | {_pct(r['need_share'])} | "
        f"{_pct(r['balance_floor'])} | {r['relocated']:,} | {_pct(r['share_of_relocated'])} |"
        for r in s.by_benefitting_state
    ]
    lines += ["", "## Persons by reason", "", "| reason | persons |", "|---|---:|"]
    lines += [f"| {k} | {n:,} |" for k, n in s.reasons.items() if n]
    lines += ["", "## Parameters", ""]
    lines += [
        f"- `{p['name']}` = {p['value']} [{p['citation']}]"
        + (f" — {p['note']}" if p["note"] else "")
        for p in s.parameters
    ]
    if s.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in s.notes]
    return "\n".join(lines) + "\n"
