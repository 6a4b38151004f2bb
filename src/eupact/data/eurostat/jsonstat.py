"""Decoder for the JSON-stat 2.0 datasets of Eurostat's dissemination API.

A response is a cube: ``id`` names the dimensions in order, ``size`` gives the number of
categories of each, ``dimension[d].category.index`` maps each code to its position, and the
cube's cells are numbered in row-major order (the last dimension varies fastest). ``value``
and ``status`` hold the cells that have a figure or a flag, keyed by that flat number (a dict)
or in cube order (a list). A cell absent from ``value`` has no figure: it decodes to NaN,
never to zero; its flag (for example ``"|C"``, confidential, or the older ``"c"``) stays.

The decoder is vectorised: apart from turning the JSON dicts into arrays, no Python code runs
per cell. A 1,000,000-cell response decodes in well under two seconds (see
``benchmarks/test_bench_eurostat.py`` and ``docs/performance.md``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from eupact.errors import EupactError, Problem, fail

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]

#: Meaning of Eurostat's observation flags, used when a response carries no label for one.
STANDARD_FLAGS: Mapping[str, str] = MappingProxyType(
    {
        "b": "break in time series",
        "c": "confidential",
        "d": "definition differs (see metadata)",
        "e": "estimated",
        "f": "forecast",
        "n": "not significant",
        "p": "provisional",
        "r": "revised",
        "s": "Eurostat estimate",
        "u": "low reliability",
        "z": "not applicable",
    }
)

#: Cells above this count are refused rather than allocated (a dense 50-million-cell cube
#: would take about a gigabyte); narrow the filter instead.
MAX_CELLS = 50_000_000

_SUMMARY = "invalid Eurostat JSON-stat response"


def split_status(status: str) -> tuple[str, bool]:
    """A status string as (observation flag letters, confidential?).

    Eurostat's JSON-stat folds two SDMX attributes into one string: the observation flag
    (``"p"``, ``"e"``, composite codes such as ``"bp"``) and, after a ``|``, the
    confidentiality status (``"|C"``). Older responses mark confidential cells ``"c"``.
    """
    flag, _, conf = status.partition("|")
    confidential = "C" in conf.upper() or "c" in flag
    return flag.replace("c", ""), confidential


def describe_status(status: str, labels: Mapping[str, str] | None = None) -> str:
    """Human-readable meaning of a status string, e.g. ``"bp"`` -> break..., provisional."""
    if not status:
        return ""
    labels = labels or {}
    if status in labels:
        return labels[status].lstrip("|")
    flag, confidential = split_status(status)
    parts = [
        labels.get(letter) or STANDARD_FLAGS.get(letter, f"flag {letter!r}") for letter in flag
    ]
    if confidential:
        parts.append("confidential")
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Dimension:
    """One dimension of the cube: its codes in position order, with their labels."""

    id: str
    label: str
    codes: tuple[str, ...]
    labels: tuple[str, ...]

    def position(self, code: str) -> int | None:
        """Position of ``code`` (case-insensitive), or None when the response lacks it."""
        wanted = code.upper()
        for i, c in enumerate(self.codes):
            if c.upper() == wanted:
                return i
        return None


@dataclass(frozen=True, eq=False)
class JsonStatTable:
    """A decoded response, one row per cell, stored as columns (numpy arrays).

    ``values`` is NaN where Eurostat gives no figure (missing or confidential), never zero.
    ``status_codes`` indexes ``status_categories`` (0 is "no flag"); ``flags`` gives the
    strings. ``positions[k]`` is each row's position in dimension ``k``; ``codes(dim)`` the
    codes themselves.
    """

    dataset: str
    label: str
    source: str
    updated: str
    dimensions: tuple[Dimension, ...]
    index: IntArray
    positions: tuple[IntArray, ...]
    values: FloatArray
    status_codes: npt.NDArray[np.int32]
    status_categories: tuple[str, ...]
    status_labels: Mapping[str, str]
    extension: Mapping[str, Any]
    dense: bool

    def __len__(self) -> int:
        return int(self.values.shape[0])

    @property
    def size(self) -> tuple[int, ...]:
        return tuple(len(d.codes) for d in self.dimensions)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    def axis(self, dim: str) -> int:
        for k, d in enumerate(self.dimensions):
            if d.id == dim:
                return k
        raise fail(
            "dimension",
            dim,
            f"not in dataset {self.dataset}; its dimensions are {', '.join(self.dimension_ids)}",
        )

    def dimension(self, dim: str) -> Dimension:
        return self.dimensions[self.axis(dim)]

    def codes(self, dim: str) -> StrArray:
        """The code of dimension ``dim`` on every row."""
        k = self.axis(dim)
        categories = np.asarray(self.dimensions[k].codes, dtype=np.str_)
        return categories[self.positions[k]] if len(categories) else np.empty(0, np.str_)

    @property
    def flags(self) -> StrArray:
        """The status string on every row (``""`` when the cell has no flag)."""
        return np.asarray(self.status_categories, dtype=np.str_)[self.status_codes]

    @property
    def missing(self) -> BoolArray:
        """True where the cell has no figure (absent, null, or confidential)."""
        return np.isnan(self.values)

    @property
    def confidential(self) -> BoolArray:
        marks = np.array([split_status(s)[1] for s in self.status_categories], dtype=np.bool_)
        return marks[self.status_codes]

    def has_flag(self, letter: str) -> BoolArray:
        """True where the observation flag contains ``letter`` (e.g. ``"p"``, ``"e"``)."""
        if letter.lower() == "c":
            return self.confidential
        marks = np.array([letter in split_status(s)[0] for s in self.status_categories])
        return marks.astype(np.bool_)[self.status_codes]

    def describe_flags(self, status: str) -> str:
        return describe_status(status, self.status_labels)

    def select(self, **codes: str | Sequence[str]) -> JsonStatTable:
        """The rows whose codes match, e.g. ``select(geo="DE", time=["2023", "2024"])``."""
        mask = np.ones(len(self), dtype=np.bool_)
        for dim, wanted in codes.items():
            k = self.axis(dim)
            items = [wanted] if isinstance(wanted, str) else list(wanted)
            dimension = self.dimensions[k]
            found = [dimension.position(c) for c in items]
            unknown = [c for c, p in zip(items, found, strict=True) if p is None]
            if unknown:
                raise fail(
                    dim,
                    ", ".join(unknown),
                    f"not in the response for dataset {self.dataset}; "
                    f"its {dim} codes are {', '.join(dimension.codes) or '(none)'}",
                )
            mask &= np.isin(self.positions[k], np.asarray(found, dtype=np.intp))
        return self._take(mask)

    def _take(self, mask: BoolArray) -> JsonStatTable:
        return JsonStatTable(
            dataset=self.dataset,
            label=self.label,
            source=self.source,
            updated=self.updated,
            dimensions=self.dimensions,
            index=self.index[mask],
            positions=tuple(p[mask] for p in self.positions),
            values=self.values[mask],
            status_codes=self.status_codes[mask],
            status_categories=self.status_categories,
            status_labels=self.status_labels,
            extension=self.extension,
            dense=False,
        )

    def columns(self) -> dict[str, npt.NDArray[Any]]:
        """Every column: one per dimension (its codes), ``value`` (NaN = none), ``flags``."""
        out: dict[str, npt.NDArray[Any]] = {d.id: self.codes(d.id) for d in self.dimensions}
        out["value"] = self.values
        out["flags"] = self.flags
        return out

    def records(self) -> Iterator[dict[str, object]]:
        """Rows as dicts (for display and small tables; the arrays are the fast path)."""
        codes = [self.codes(d.id) for d in self.dimensions]
        flags = self.flags
        for i in range(len(self)):
            row: dict[str, object] = {
                d.id: str(c[i]) for d, c in zip(self.dimensions, codes, strict=True)
            }
            value = float(self.values[i])
            row["value"] = None if math.isnan(value) else value
            row["flags"] = str(flags[i])
            yield row


def parse_body(body: bytes | str, location: str = "") -> dict[str, Any]:
    """Parse a response body as a JSON object, refusing truncated or non-JSON bodies."""
    raw = body.encode() if isinstance(body, str) else body
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        rule = f"is not valid JSON ({exc}); the body ({len(raw):,} bytes) is truncated or corrupted"
        if not raw.strip():
            rule = "is empty"
        raise fail("response body", _excerpt(raw), rule, location, _SUMMARY) from exc
    if not isinstance(doc, dict):
        raise fail(
            "response body",
            _excerpt(raw),
            f"is a JSON {type(doc).__name__}, not a JSON-stat object",
            location,
            _SUMMARY,
        )
    return doc


def _excerpt(raw: bytes, limit: int = 80) -> str:
    text = raw[:limit].decode("utf-8", errors="replace")
    return text + ("…" if len(raw) > limit else "")


def error_entries(doc: Mapping[str, Any]) -> list[tuple[object, object, str]]:
    """Eurostat's error or warning entries as (status, id, label).

    Errors look like ``{"error": [{"status": 400, "id": 150, "label": "..."}]}``; an
    asynchronous (too large) extraction can arrive with HTTP 200 as
    ``{"warning": {"status": 413, "label": "ASYNCHRONOUS_RESPONSE..."}}``.
    """
    out: list[tuple[object, object, str]] = []
    for key in ("error", "warning"):
        entries = doc.get(key)
        if isinstance(entries, dict):
            entries = [entries]
        if isinstance(entries, list):
            for e in entries:
                if isinstance(e, dict):
                    out.append((e.get("status"), e.get("id"), str(e.get("label", ""))))
                else:
                    out.append((None, None, str(e)))
    return out


def decode(
    body: bytes | str | Mapping[str, Any],
    *,
    dataset: str = "",
    dense: bool = True,
    location: str = "",
) -> JsonStatTable:
    """Decode a JSON-stat 2.0 dataset into a :class:`JsonStatTable`.

    ``dense=True`` (the default) gives one row per cell of the cube, so that a missing cell is
    an explicit row with NaN; ``dense=False`` keeps only cells with a value or a flag.
    ``dataset`` names the dataset in messages (default: ``extension.id``).
    """
    doc = body if isinstance(body, Mapping) else parse_body(body, location)
    where = location or (f"dataset {dataset}" if dataset else "")
    entries = error_entries(doc)
    if entries and "value" not in doc:
        refusals = [
            Problem(
                "response",
                f"status {status}" + (f", error {eid}" if eid is not None else ""),
                f"Eurostat answered with an error instead of data: {label}",
                where,
            )
            for status, eid, label in entries
        ]
        raise EupactError(refusals, "Eurostat returned no data")
    raw_extension = doc.get("extension")
    extension: dict[str, Any] = raw_extension if isinstance(raw_extension, dict) else {}
    name = dataset or str(extension.get("id", "")).lower() or "(unnamed dataset)"
    where = location or f"dataset {name}"
    problems: list[Problem] = []
    if doc.get("class", "dataset") != "dataset":
        problems.append(Problem("class", doc.get("class"), "must be 'dataset'", where))
    if doc.get("version", "2.0") != "2.0":
        problems.append(Problem("version", doc.get("version"), "must be JSON-stat '2.0'", where))
    dimensions, size = _dimensions(doc, where, problems)
    if problems:
        raise EupactError(problems, _SUMMARY)
    cells = math.prod(size)
    if cells > MAX_CELLS:
        raise fail(
            "size",
            list(size),
            f"{cells:,} cells exceed the limit of {MAX_CELLS:,}; narrow the filter",
            where,
            _SUMMARY,
        )
    value_index, values = _values(doc.get("value", {}), cells, where, problems)
    status_index, status_codes, categories = _status(doc.get("status"), cells, where, problems)
    if problems:
        raise EupactError(problems, _SUMMARY)

    full = np.full(cells, np.nan, dtype=np.float64)
    full[value_index] = values
    codes = np.zeros(cells, dtype=np.int32)
    codes[status_index] = status_codes
    if dense:
        index = np.arange(cells, dtype=np.intp)
    else:
        keep = np.zeros(cells, dtype=np.bool_)
        keep[value_index] = True
        keep[status_index] = True
        index = np.flatnonzero(keep).astype(np.intp)
        full, codes = full[index], codes[index]
    if cells:
        positions = tuple(np.asarray(p, dtype=np.intp) for p in np.unravel_index(index, size))
    else:
        positions = tuple(np.empty(0, dtype=np.intp) for _ in size)

    status_ext = extension.get("status")
    status_labels = status_ext.get("label", {}) if isinstance(status_ext, dict) else {}
    return JsonStatTable(
        dataset=name,
        label=str(doc.get("label", "")),
        source=str(doc.get("source", "")),
        updated=str(doc.get("updated", "")),
        dimensions=dimensions,
        index=index,
        positions=positions,
        values=full,
        status_codes=codes,
        status_categories=categories,
        status_labels=MappingProxyType(
            dict(status_labels) if isinstance(status_labels, dict) else {}
        ),
        extension=MappingProxyType(extension),
        dense=dense,
    )


def _dimensions(
    doc: Mapping[str, Any], where: str, problems: list[Problem]
) -> tuple[tuple[Dimension, ...], tuple[int, ...]]:
    ids, size, dims = doc.get("id"), doc.get("size"), doc.get("dimension")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        problems.append(Problem("id", ids, "must be a list of dimension names", where))
        return (), ()
    if not isinstance(size, list) or not all(isinstance(s, int) and s >= 0 for s in size):
        problems.append(Problem("size", size, "must be a list of category counts", where))
        return (), ()
    if len(ids) != len(size):
        problems.append(
            Problem("size", size, f"has {len(size)} entries for {len(ids)} dimensions", where)
        )
        return (), ()
    if not isinstance(dims, dict):
        problems.append(Problem("dimension", dims, "must be an object", where))
        return (), ()
    out = []
    for dim_id, count in zip(ids, size, strict=True):
        spec = dims.get(dim_id)
        if not isinstance(spec, dict) or not isinstance(spec.get("category"), dict):
            problems.append(
                Problem(f"dimension.{dim_id}", spec, "missing or has no category", where)
            )
            continue
        category = spec["category"]
        codes = _category_codes(category, dim_id, where, problems)
        if codes is None:
            continue
        if len(codes) != count:
            problems.append(
                Problem(
                    f"dimension.{dim_id}",
                    len(codes),
                    f"has {len(codes)} categories but size says {count}",
                    where,
                )
            )
            continue
        labels = category.get("label") if isinstance(category.get("label"), dict) else {}
        out.append(
            Dimension(
                id=dim_id,
                label=str(spec.get("label", dim_id)),
                codes=codes,
                labels=tuple(str(labels.get(c, c)) for c in codes),
            )
        )
    return tuple(out), tuple(size)


def _category_codes(
    category: Mapping[str, Any], dim_id: str, where: str, problems: list[Problem]
) -> tuple[str, ...] | None:
    index = category.get("index")
    if index is None:
        # JSON-stat allows a single-category dimension to give only a label.
        labels = category.get("label")
        if isinstance(labels, dict) and len(labels) <= 1:
            return tuple(str(c) for c in labels)
        problems.append(Problem(f"dimension.{dim_id}.category", category, "has no index", where))
        return None
    if isinstance(index, list):
        return tuple(str(c) for c in index)
    if isinstance(index, dict):
        ordered = sorted(index.items(), key=lambda item: item[1])
        if [p for _, p in ordered] != list(range(len(ordered))):
            problems.append(
                Problem(
                    f"dimension.{dim_id}.category.index",
                    index,
                    "positions must be 0, 1, ... without gaps or repeats",
                    where,
                )
            )
            return None
        return tuple(str(c) for c, _ in ordered)
    problems.append(
        Problem(f"dimension.{dim_id}.category.index", index, "must be an object or list", where)
    )
    return None


def _numbers(items: Sequence[Any] | Any, count: int) -> FloatArray:
    """Numbers to float64; ``None`` (JSON null) becomes NaN."""
    try:
        return np.fromiter(items, dtype=np.float64, count=count)
    except TypeError:  # a null among the values
        return np.array(list(items), dtype=np.float64)


def _values(
    raw: Any, cells: int, where: str, problems: list[Problem]
) -> tuple[IntArray, FloatArray]:
    try:
        if isinstance(raw, dict):
            keys = np.fromiter(map(int, raw), dtype=np.intp, count=len(raw))
            values = _numbers(raw.values(), len(raw))
        elif isinstance(raw, list):
            if len(raw) != cells:
                problems.append(
                    Problem(
                        "value",
                        f"{len(raw)} values",
                        f"a value list must have {cells} (the product of size)",
                        where,
                    )
                )
                return np.empty(0, np.intp), np.empty(0)
            keys = np.arange(cells, dtype=np.intp)
            values = _numbers(raw, cells)
        else:
            problems.append(Problem("value", raw, "must be an object or a list", where))
            return np.empty(0, np.intp), np.empty(0)
    except (ValueError, TypeError) as exc:
        problems.append(
            Problem("value", "…", f"has a key or figure that is not a number ({exc})", where)
        )
        return np.empty(0, np.intp), np.empty(0)
    bad = (keys < 0) | (keys >= cells)
    if bad.any():
        problems.append(
            Problem(
                "value",
                f"index {int(keys[bad][0])}",
                f"is outside the cube of {cells} cells",
                where,
            )
        )
    return keys, values


def _status(
    raw: Any, cells: int, where: str, problems: list[Problem]
) -> tuple[IntArray, npt.NDArray[np.int32], tuple[str, ...]]:
    empty = (np.empty(0, np.intp), np.empty(0, np.int32), ("",))
    if raw is None:
        return empty
    if isinstance(raw, str):
        return np.arange(cells, dtype=np.intp), np.ones(cells, dtype=np.int32), ("", raw)
    try:
        if isinstance(raw, dict):
            keys = np.fromiter(map(int, raw), dtype=np.intp, count=len(raw))
            strings = np.array([str(s) for s in raw.values()] if raw else [], dtype=np.str_)
        elif isinstance(raw, list):
            if len(raw) != cells:
                problems.append(
                    Problem(
                        "status", f"{len(raw)} entries", f"a status list must have {cells}", where
                    )
                )
                return empty
            keys = np.arange(cells, dtype=np.intp)
            strings = np.array(["" if s is None else str(s) for s in raw], dtype=np.str_)
        else:
            problems.append(Problem("status", raw, "must be an object, a list or a string", where))
            return empty
    except ValueError as exc:
        problems.append(
            Problem("status", "…", f"has a key that is not a cell number ({exc})", where)
        )
        return empty
    bad = (keys < 0) | (keys >= cells)
    if bad.any():
        problems.append(
            Problem(
                "status",
                f"index {int(keys[bad][0])}",
                f"is outside the cube of {cells} cells",
                where,
            )
        )
        return empty
    if strings.size == 0:
        return empty
    unique, inverse = np.unique(strings, return_inverse=True)
    categories = ("", *(str(u) for u in unique))
    codes = (inverse.astype(np.int32) + 1).reshape(-1)
    # an empty string in the source means "no flag": point it at category 0
    if unique[0] == "":
        codes[codes == 1] = 0
    return keys, codes, categories
