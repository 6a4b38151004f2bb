"""Decoder for the JSON-stat 2.0 datasets of Eurostat's dissemination API.

A response is a cube: ``id`` names the dimensions in order, ``size`` gives the number of
categories of each, ``dimension[d].category.index`` maps each code to its position, and the
cube's cells are numbered in row-major order (the last dimension varies fastest). ``value``
and ``status`` hold the cells that have a figure or a flag, keyed by that flat number (an
object) or in cube order (a list); a ``status`` list of one entry, or a plain text, applies to
every cell. A cell absent from ``value``, or null there, has no figure: it decodes to NaN,
never to zero; its flag (for example ``"|C"``, confidential, or the older ``"c"``) stays.

Comext and PRODCOM responses put text among the figures: ``":C"`` (no figure, confidential),
``":"`` (not available), or a unit code such as ``"KG"``. Such a cell has no figure (NaN); its
text is kept (:attr:`JsonStatTable.value_texts`) and a text starting with ``":"`` is also the
cell's flag unless ``status`` gives the cell one.

The decoder is vectorised: apart from turning the JSON objects into arrays, no Python code runs
per cell. ``dense=False`` costs in proportion to the cells that have a figure or a flag, not to
the size of the cube; a cube above :data:`MAX_CELLS` is refused before anything is allocated.
A 1,000,000-cell response decodes in well under two seconds (see
``benchmarks/test_bench_eurostat.py``, ``benchmarks/test_bench_jsonstat_real.py`` and
``docs/performance.md``). ``tests/test_jsonstat_real.py`` holds the decoder to pyjstat 2.4.0
on real files from public repositories and to a per-cell reference decoder.

Why one file: the format's rules (dimensions, index, size, value, status, texts, the 1.x and
error bodies) are checked in the order the cube is built, and each check's message names the
same fields; the dense and sparse paths share every one of them.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from eupact.errors import EupactError, Problem, echo, fail

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

#: Cubes of more cells are refused before anything is allocated; narrow the filter instead.
#: Decoded dense, a cube takes 20 bytes a cell plus 8 per dimension of more than one category
#: (36 bytes with two such dimensions: 1.8 GB at this limit); sparse, what its cells with a
#: figure, a text or a flag take.
MAX_CELLS = 50_000_000

_SUMMARY = "invalid Eurostat JSON-stat response"
_NO_DATA = "Eurostat returned no data"
#: Where an error object keeps its message, in the order looked at.
_ERROR_TEXT_KEYS = ("label", "message", "text", "description", "detail", "title")
#: Longest cell number a key may spell (MAX_CELLS has 8 digits); longer is outside any cube.
_MAX_KEY_DIGITS = 18


def split_status(status: str) -> tuple[str, bool]:
    """A status string as (observation flag letters, confidential?).

    Eurostat's JSON-stat folds two SDMX attributes into one string: the observation flag
    (``"p"``, ``"e"``, composite codes such as ``"bp"``) and, after a ``|``, the
    confidentiality status (``"|C"``). Older responses mark confidential cells ``"c"``;
    Comext and PRODCOM write ``":C"`` (``":"``, no figure, then ``C``, confidential).
    """
    flag, _, conf = status.partition("|")
    flag = flag.removeprefix(":")
    confidential = "C" in conf.upper() or "c" in flag.lower()
    return flag.replace("c", "").replace("C", ""), confidential


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
    if not parts and status.startswith(":"):
        parts.append("not available")
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


def _no_texts() -> Mapping[int, str]:
    return MappingProxyType({})


@dataclass(frozen=True, eq=False)
class JsonStatTable:
    """A decoded response, one row per cell, stored as columns (numpy arrays).

    ``values`` is NaN where Eurostat gives no figure (missing or confidential), never zero.
    ``status_codes`` indexes ``status_categories`` (0 is "no flag"); ``flags`` gives the
    strings. ``positions[k]`` is each row's position in dimension ``k``; ``codes(dim)`` the
    codes themselves. ``index`` is each row's cell number in the cube; ``texts`` maps the cell
    number of each cell whose value is a text (``":C"``, ``"KG"``) to that text.
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
    texts: Mapping[int, str] = field(default_factory=_no_texts)

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
    def value_texts(self) -> StrArray:
        """The text given instead of a figure on every row (``""`` where there is none)."""
        if not self.texts or not len(self):
            return np.full(len(self), "", dtype=np.str_)
        keys = np.fromiter(self.texts, dtype=np.intp, count=len(self.texts))
        order = np.argsort(keys)
        keys = keys[order]
        strings = np.asarray(list(self.texts.values()), dtype=np.str_)[order]
        at = np.minimum(np.searchsorted(keys, self.index), keys.size - 1)
        found = keys[at] == self.index
        out = np.full(len(self), "", dtype=strings.dtype)
        out[found] = strings[at[found]]
        return out

    @property
    def missing(self) -> BoolArray:
        """True where the cell has no figure (absent, null, text, or confidential)."""
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
            texts=self.texts,
        )

    def columns(self) -> dict[str, npt.NDArray[Any]]:
        """Every column: one per dimension (its codes), ``value`` (NaN = none), ``flags``, and
        ``text`` when some cell gives a text instead of a figure."""
        out: dict[str, npt.NDArray[Any]] = {d.id: self.codes(d.id) for d in self.dimensions}
        out["value"] = self.values
        out["flags"] = self.flags
        if self.texts:
            out["text"] = self.value_texts
        return out

    def records(self) -> Iterator[dict[str, object]]:
        """Rows as dicts (for display and small tables; the arrays are the fast path)."""
        codes = [self.codes(d.id) for d in self.dimensions]
        flags = self.flags
        texts = self.value_texts if self.texts else None
        for i in range(len(self)):
            row: dict[str, object] = {
                d.id: str(c[i]) for d, c in zip(self.dimensions, codes, strict=True)
            }
            value = float(self.values[i])
            row["value"] = None if math.isnan(value) else value
            row["flags"] = str(flags[i])
            if texts is not None:
                row["text"] = str(texts[i])
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
            f"is a JSON {_kind(doc)}, not a JSON-stat object",
            location,
            _SUMMARY,
        )
    return doc


def _excerpt(raw: bytes, limit: int = 80) -> str:
    text = raw[:limit].decode("utf-8", errors="replace")
    return text + ("…" if len(raw) > limit else "")


def _kind(value: object) -> str:
    """What a JSON value is, in plain words (``an object``, ``null``, ``the text 'KG'``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {echo(value)}"
    if isinstance(value, str):
        return f"the text {echo(value, 60)}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a value of type {type(value).__name__}"


def error_entries(doc: Mapping[str, Any]) -> list[tuple[object, object, str]]:
    """Eurostat's error or warning entries as (status, id, text).

    Errors look like ``{"error": [{"status": 400, "id": 150, "label": "..."}]}``; an
    asynchronous (too large) extraction can arrive with HTTP 200 as
    ``{"warning": {"status": 413, "label": "ASYNCHRONOUS_RESPONSE..."}}``. Other APIs put
    the text in ``message`` or ``text``, or make ``error`` a plain text: each keeps its words.
    """
    out: list[tuple[object, object, str]] = []
    for key in ("error", "warning"):
        entries = doc.get(key)
        if entries is None or entries is False:
            continue
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, Mapping):
                out.append((entry.get("status"), entry.get("id"), _error_text(entry)))
            elif entry is not None:
                out.append((None, None, _error_text(entry)))
    return out


def _error_text(entry: object) -> str:
    if isinstance(entry, str):
        return entry.strip() or "(no message)"
    if not isinstance(entry, Mapping):
        return echo(entry, quote=False)
    for key in _ERROR_TEXT_KEYS:
        text = entry.get(key)
        if isinstance(text, str) and text.strip():
            return text.strip()
    rest = [f"{k}: {echo(v, quote=False)}" for k, v in entry.items() if k not in ("status", "id")]
    return "; ".join(rest) or "(no message)"


def _refuse_error_body(doc: Mapping[str, Any], where: str) -> None:
    entries = error_entries(doc)
    if not entries or "value" in doc:
        return
    refusals = []
    for status, eid, text in entries:
        said = [f"status {echo(status, quote=False)}"] if status is not None else []
        said += [f"error {echo(eid, quote=False)}"] if eid is not None else []
        refusals.append(
            Problem(
                "response",
                ", ".join(said) or "an error",
                f"Eurostat answered with an error instead of data: {text}",
                where,
            )
        )
    raise EupactError(refusals, _NO_DATA)


def _refuse_other_formats(doc: Mapping[str, Any], where: str) -> None:
    """JSON-stat 1.x, collections and dimensions are not datasets this decoder reads."""
    version, kind = doc.get("version"), doc.get("class")
    problems: list[Problem] = []
    if version is not None and version != "2.0":
        if str(version).startswith("1"):
            problems.append(Problem("version", version, _V1, where))
        else:
            problems.append(Problem("version", version, "must be '2.0' (JSON-stat 2.0)", where))
    elif version is None and _looks_like_1x(doc):
        bundle = [k for k, v in doc.items() if isinstance(v, Mapping) and "dimension" in v]
        shown = f"a bundle of {', '.join(bundle)}" if bundle else "not given"
        problems.append(Problem("version", shown, _V1, where))
    if kind is not None and kind != "dataset":
        problems.append(
            Problem(
                "class",
                kind,
                "must be 'dataset': a JSON-stat collection or dimension has no cells to decode",
                where,
            )
        )
    if problems:
        raise EupactError(problems, _SUMMARY)


_V1 = (
    "JSON-stat 1.x is not supported: this decoder reads JSON-stat 2.0 only "
    "(version '2.0' with id, size and dimension at the top); ask the source for version 2.0"
)


def _looks_like_1x(doc: Mapping[str, Any]) -> bool:
    """A 1.x bundle (datasets named at the top) or a 1.x dataset (dimension.id, .size)."""
    if "id" in doc or "size" in doc:
        return False
    dims = doc.get("dimension")
    if isinstance(dims, Mapping):
        return "id" in dims or "size" in dims
    return any(isinstance(v, Mapping) and "dimension" in v for v in doc.values())


def decode(
    body: bytes | str | Mapping[str, Any],
    *,
    dataset: str = "",
    dense: bool = True,
    location: str = "",
) -> JsonStatTable:
    """Decode a JSON-stat 2.0 dataset into a :class:`JsonStatTable`.

    ``dense=True`` (the default) gives one row per cell of the cube, so that a missing cell is
    an explicit row with NaN; ``dense=False`` keeps only cells with a figure, a text or a flag
    of their own (a status given for the whole cube does not keep a cell), and costs in
    proportion to those cells. ``dataset`` names the dataset in messages (default:
    ``extension.id``).
    """
    doc = body if isinstance(body, Mapping) else parse_body(body, location)
    where = location or (f"dataset {dataset}" if dataset else "")
    _refuse_error_body(doc, where)
    raw_extension = doc.get("extension")
    extension: dict[str, Any] = dict(raw_extension) if isinstance(raw_extension, Mapping) else {}
    name = dataset or str(extension.get("id", "")).lower() or "(unnamed dataset)"
    where = location or f"dataset {name}"
    _refuse_other_formats(doc, where)

    problems: list[Problem] = []
    shape = _shape(doc, where, problems)
    if shape is None:
        raise EupactError(problems, _SUMMARY)
    ids, size = shape
    cells = math.prod(size)
    if cells > MAX_CELLS:
        raise fail(
            "size",
            size,
            f"{cells:,} cells exceed the limit of {MAX_CELLS:,}; narrow the filter",
            where,
            _SUMMARY,
        )
    dimensions = _dimensions(doc, ids, size, where, problems)
    if "value" not in doc:
        problems.append(
            Problem(
                "value",
                None,
                "is missing: a JSON-stat dataset gives its figures in value "
                "(an object of cell number to figure, or a list in cube order)",
                where,
            )
        )
        figures = _Figures.none()
    else:
        figures = _figures(doc["value"], cells, where, problems)
    flags = _flags(doc.get("status"), cells, figures, where, problems)
    if problems:
        raise EupactError(problems, _SUMMARY)

    if dense:
        index = np.arange(cells, dtype=np.intp)
        values = np.full(cells, np.nan, dtype=np.float64)
        values[figures.keys] = figures.numbers
        codes = np.full(cells, flags.whole, dtype=np.int32)
        codes[flags.keys] = flags.codes
    else:
        index = _union(figures.keys, flags.keys)
        values = np.full(index.size, np.nan, dtype=np.float64)
        values[np.searchsorted(index, figures.keys)] = figures.numbers
        codes = np.full(index.size, flags.whole, dtype=np.int32)
        codes[np.searchsorted(index, flags.keys)] = flags.codes

    status_ext = extension.get("status")
    status_labels = status_ext.get("label", {}) if isinstance(status_ext, Mapping) else {}
    return JsonStatTable(
        dataset=name,
        label=str(doc.get("label", "")),
        source=str(doc.get("source", "")),
        updated=str(doc.get("updated", "")),
        dimensions=dimensions,
        index=index,
        positions=_positions(index, size),
        values=values,
        status_codes=codes,
        status_categories=flags.categories,
        status_labels=MappingProxyType(
            {str(k): str(v) for k, v in status_labels.items()}
            if isinstance(status_labels, Mapping)
            else {}
        ),
        extension=MappingProxyType(extension),
        dense=dense,
        texts=MappingProxyType(figures.texts),
    )


def _union(first: IntArray, second: IntArray) -> IntArray:
    """The sorted cell numbers in either array, by sorting (``np.union1d`` hashes, slower)."""
    both = np.sort(np.concatenate([first, second]))
    if both.size < 2:
        return both.astype(np.intp, copy=False)
    keep = np.empty(both.size, dtype=np.bool_)
    keep[0] = True
    np.not_equal(both[1:], both[:-1], out=keep[1:])
    return both[keep].astype(np.intp, copy=False)


def _positions(index: IntArray, size: Sequence[int]) -> tuple[IntArray, ...]:
    """Each row's position in each dimension (row-major, the last dimension fastest).

    A dimension of one category costs nothing (a read-only zero-stride view of 0). For the
    others ``numpy.unravel_index``, or beyond 32 of them (numpy's limit is 32 or 64) one
    division per dimension.
    """
    rows = index.size
    if rows == 0:
        return tuple(np.empty(0, dtype=np.intp) for _ in size)
    zero: IntArray = np.broadcast_to(np.zeros(1, dtype=np.intp), (rows,))
    out = [zero] * len(size)
    wide = [k for k, count in enumerate(size) if count > 1]
    counts = [size[k] for k in wide]
    if len(counts) <= _UNRAVEL_DIMENSIONS:
        parts = list(np.unravel_index(index, counts)) if counts else []
    else:
        parts = []
        rest = index
        for count in reversed(counts):
            rest, position = np.divmod(rest, count)
            parts.append(position)
        parts.reverse()
    for k, part in zip(wide, parts, strict=True):
        out[k] = np.asarray(part, dtype=np.intp)
    return tuple(out)


_UNRAVEL_DIMENSIONS = 32


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _shape(
    doc: Mapping[str, Any], where: str, problems: list[Problem]
) -> tuple[list[str], list[int]] | None:
    ids, size = doc.get("id"), doc.get("size")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        problems.append(Problem("id", ids, "must be a list of dimension names (texts)", where))
        return None
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        problems.append(Problem("id", ids, f"names {', '.join(twice)} more than once", where))
        return None
    if not isinstance(size, list) or not all(_is_count(s) for s in size):
        bad = next((s for s in size if not _is_count(s)), None) if isinstance(size, list) else None
        rule = "must be a list of category counts, whole numbers from 0 up"
        if isinstance(size, list):
            rule += f"; it holds {_kind(bad)}"
        problems.append(Problem("size", size, rule, where))
        return None
    if len(ids) != len(size):
        problems.append(
            Problem("size", size, f"has {len(size)} entries for {len(ids)} dimensions", where)
        )
        return None
    return ids, size


def _dimensions(
    doc: Mapping[str, Any], ids: list[str], size: list[int], where: str, problems: list[Problem]
) -> tuple[Dimension, ...]:
    dims = doc.get("dimension")
    if not isinstance(dims, Mapping):
        problems.append(Problem("dimension", _kind(dims), "must be an object", where))
        return ()
    out = []
    for dim_id, count in zip(ids, size, strict=True):
        spec = dims.get(dim_id)
        if not isinstance(spec, Mapping) or not isinstance(spec.get("category"), Mapping):
            problems.append(
                Problem(
                    f"dimension.{dim_id}",
                    _kind(spec),
                    "is missing or has no category object",
                    where,
                )
            )
            continue
        category = spec["category"]
        codes = _category_codes(category, dim_id, count, where, problems)
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
        raw_labels = category.get("label")
        labels = raw_labels if isinstance(raw_labels, Mapping) else {}
        out.append(
            Dimension(
                id=dim_id,
                label=str(spec.get("label", dim_id)),
                codes=codes,
                labels=tuple(str(labels.get(c, c)) for c in codes),
            )
        )
    return tuple(out)


def _category_codes(
    category: Mapping[str, Any], dim_id: str, count: int, where: str, problems: list[Problem]
) -> tuple[str, ...] | None:
    name = f"dimension.{dim_id}.category.index"
    index = category.get("index")
    if index is None:
        # JSON-stat allows a single-category dimension to give only a label.
        labels = category.get("label")
        if isinstance(labels, Mapping) and len(labels) <= 1:
            return tuple(str(c) for c in labels)
        problems.append(
            Problem(
                f"dimension.{dim_id}.category",
                f"{count} categories",
                "has no index (only a dimension of one category may give a label alone)",
                where,
            )
        )
        return None
    if isinstance(index, list):
        bad = next((c for c in index if not _is_code(c)), _OK)
        if bad is not _OK:
            problems.append(Problem(name, _kind(bad), "must list category codes (texts)", where))
            return None
        codes = tuple(str(c) for c in index)
    elif isinstance(index, Mapping):
        placed: list[str | None] = [None] * len(index)
        for code, position in index.items():
            if not _is_count(position) or position >= len(index) or placed[position] is not None:
                problems.append(
                    Problem(
                        name,
                        code,
                        f"has position {_kind(position)}; positions must be whole numbers "
                        f"0, 1, 2, … without gaps or repeats",
                        where,
                    )
                )
                return None
            placed[position] = str(code)
        codes = tuple(c for c in placed if c is not None)
    else:
        problems.append(Problem(name, _kind(index), "must be an object or a list", where))
        return None
    if len(set(codes)) != len(codes):
        twice = sorted({c for c in codes if codes.count(c) > 1})
        problems.append(Problem(name, ", ".join(twice), "lists a code more than once", where))
        return None
    return codes


_OK = object()


def _is_code(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


@dataclass(frozen=True)
class _Figures:
    """What ``value`` gives: the cells with an entry other than null, their figures (NaN for
    a text), and the texts given instead of a figure, by cell number."""

    keys: IntArray
    numbers: FloatArray
    texts: dict[int, str]

    @staticmethod
    def none() -> _Figures:
        return _Figures(np.empty(0, np.intp), np.empty(0, np.float64), {})


_NUMBERS = frozenset({int, float})
_NUMBERS_OR_NULL = frozenset({int, float, type(None)})


def _figures(raw: Any, cells: int, where: str, problems: list[Problem]) -> _Figures:
    if isinstance(raw, list):
        if len(raw) != cells:
            problems.append(
                Problem(
                    "value",
                    f"{len(raw):,} values",
                    f"a value list must have {cells:,} (the product of size)",
                    where,
                )
            )
            return _Figures.none()
        return _entries(np.arange(cells, dtype=np.intp), raw, where, problems)
    if isinstance(raw, Mapping):
        keys = _cell_numbers(raw, cells, "value", where, problems)
        if keys is None:
            return _Figures.none()
        return _entries(keys, list(raw.values()), where, problems)
    problems.append(
        Problem(
            "value",
            _kind(raw),
            "must be an object (cell number to figure) or a list in cube order",
            where,
        )
    )
    return _Figures.none()


def _entries(keys: IntArray, items: list[Any], where: str, problems: list[Problem]) -> _Figures:
    """Figures of the cells ``keys``; numbers and nulls take the vectorised path."""
    kinds = set(map(type, items))
    try:
        if kinds <= _NUMBERS:
            numbers = np.fromiter(items, dtype=np.float64, count=len(items))
            return _Figures(keys, numbers, {})
        if kinds <= _NUMBERS_OR_NULL:
            numbers = np.array(items, dtype=np.float64)  # null -> NaN (JSON has no NaN)
            present = ~np.isnan(numbers)
            return _Figures(keys[present], numbers[present], {})
    except OverflowError:
        pass
    return _mixed_entries(zip(keys.tolist(), items, strict=True), where, problems)


def _mixed_entries(
    items: Iterable[tuple[int, Any]], where: str, problems: list[Problem]
) -> _Figures:
    """The slow path, for values that mix numbers with texts (Comext, PRODCOM)."""
    keys: list[int] = []
    numbers: list[float] = []
    texts: dict[int, str] = {}
    for cell, item in items:
        if item is None:
            continue
        if isinstance(item, str):
            keys.append(cell)
            numbers.append(math.nan)
            texts[cell] = item
            continue
        if isinstance(item, int | float) and not isinstance(item, bool):
            try:
                number = float(item)
            except OverflowError:
                number = math.inf
            if math.isfinite(number):
                keys.append(cell)
                numbers.append(number)
                continue
        problems.append(
            Problem(
                "value",
                f"cell {cell}",
                f"holds {_kind(item)}; a figure must be a finite number, a text "
                f"(such as ':C') or null",
                where,
            )
        )
        return _Figures.none()
    return _Figures(np.asarray(keys, dtype=np.intp), np.asarray(numbers, dtype=np.float64), texts)


def _cell_numbers(
    raw: Mapping[Any, Any], cells: int, name: str, where: str, problems: list[Problem]
) -> IntArray | None:
    """The keys of a ``value`` or ``status`` object as cell numbers, checked."""
    if not raw:
        return np.empty(0, np.intp)
    try:  # keys of a parsed JSON object are texts; a mapping built in Python may differ
        spelled = "".join(raw)
        names: Collection[str] = raw.keys()
    except TypeError:
        names = [_key_text(k) for k in raw]
        spelled = "".join(names)
    keys = None
    if spelled.isascii() and spelled.isdigit() and "" not in names:
        try:
            keys = np.fromiter(map(int, names), dtype=np.intp, count=len(raw))
        except OverflowError:  # more digits than any cube has cells
            keys = None
    if keys is None:
        bad = next(
            k
            for k, n in zip(raw, names, strict=True)
            if not n or not (n.isascii() and n.isdigit()) or len(n) > _MAX_KEY_DIGITS
        )
        rule = "must be a cell number (0, 1, 2, … in row-major order)"
        if isinstance(bad, str) and bad.isascii() and bad.isdigit():
            rule = f"is outside the cube of {cells:,} cells"
        problems.append(Problem(name, f"key {echo(bad)}", rule, where))
        return None
    outside = keys >= cells
    if outside.any():
        problems.append(
            Problem(
                name,
                f"cell {int(keys[outside][0]):,}",
                f"is outside the cube of {cells:,} cells",
                where,
            )
        )
        return None
    if keys.size > 1 and not bool(np.all(keys[1:] > keys[:-1])):
        ordered = np.sort(keys)
        repeated = ordered[1:][ordered[1:] == ordered[:-1]]
        if repeated.size:
            problems.append(
                Problem(
                    name,
                    f"cell {int(repeated[0]):,}",
                    "is given twice (keys such as '7' and '07' name the same cell)",
                    where,
                )
            )
            return None
    return keys


def _key_text(key: object) -> str:
    """A key of a mapping built in Python: a whole number stands for its digits."""
    if isinstance(key, str):
        return key
    return str(key) if _is_count(key) else ""


@dataclass(frozen=True)
class _Flags:
    """The cells' flags: ``whole`` (a code for every cell) and, over it, ``codes`` of the
    cells ``keys``; both index ``categories`` (0 is "no flag")."""

    whole: int
    keys: IntArray
    codes: npt.NDArray[np.int32]
    categories: tuple[str, ...]


def _flags(raw: Any, cells: int, figures: _Figures, where: str, problems: list[Problem]) -> _Flags:
    """Flags from ``status``, and from a text such as ":C" given instead of a figure."""
    whole = ""
    keys = np.empty(0, np.intp)
    strings: list[str] = []
    if isinstance(raw, str):
        whole = raw
    elif isinstance(raw, list) and len(raw) == 1:  # one status for every cell
        whole = _status_text(raw[0], "status", where, problems)
    elif isinstance(raw, list):
        if len(raw) != cells:
            problems.append(
                Problem(
                    "status",
                    f"{len(raw):,} entries",
                    f"a status list must have one entry for the whole cube or {cells:,} "
                    f"(one per cell)",
                    where,
                )
            )
        else:
            keys = np.arange(cells, dtype=np.intp)
            strings = _status_texts(raw, keys, where, problems)
    elif isinstance(raw, Mapping):
        found = _cell_numbers(raw, cells, "status", where, problems)
        if found is not None:
            keys = found
            strings = _status_texts(list(raw.values()), keys, where, problems)
    elif raw is not None:
        problems.append(
            Problem(
                "status",
                _kind(raw),
                "must be an object (cell number to flag), a list or a text",
                where,
            )
        )
    if problems:
        return _Flags(0, np.empty(0, np.intp), np.empty(0, np.int32), ("",))
    flagged = np.asarray(strings, dtype=np.str_) if strings else np.empty(0, np.str_)
    if flagged.size:
        given = flagged != ""
        keys, flagged = keys[given], flagged[given]
    markers = {c: t for c, t in figures.texts.items() if t.startswith(":")}
    if markers:
        marker_keys = np.fromiter(markers, dtype=np.intp, count=len(markers))
        own = ~np.isin(marker_keys, keys)
        marker_strings = np.asarray(list(markers.values()), dtype=np.str_)[own]
        keys = np.concatenate([keys, marker_keys[own]])
        flagged = np.concatenate([flagged, marker_strings])
    unique, inverse = np.unique(flagged, return_inverse=True)
    names = [str(u) for u in unique]
    if whole and whole not in names:
        names = sorted([*names, whole])
    categories = ("", *names)
    lookup = {s: i for i, s in enumerate(categories)}
    remap = np.array([lookup[s] for s in (str(u) for u in unique)], dtype=np.int32)
    codes = remap[inverse.reshape(-1)] if unique.size else np.empty(0, np.int32)
    return _Flags(lookup.get(whole, 0), keys, codes.astype(np.int32, copy=False), categories)


def _status_text(item: Any, name: str, where: str, problems: list[Problem]) -> str:
    if item is None:
        return ""
    if isinstance(item, str):
        return item
    problems.append(Problem(name, _kind(item), "a status must be a text or null", where))
    return ""


def _status_texts(
    items: list[Any], keys: IntArray, where: str, problems: list[Problem]
) -> list[str]:
    """Status entries as texts; null is no flag. Anything else is refused, naming the cell."""
    kinds = set(map(type, items))
    if kinds <= {str}:
        return items
    if kinds <= {str, type(None)}:
        return ["" if s is None else s for s in items]
    for cell, item in zip(keys.tolist(), items, strict=True):
        if item is not None and not isinstance(item, str):
            problems.append(
                Problem(
                    "status",
                    f"cell {cell}",
                    f"holds {_kind(item)}; a status must be a text or null",
                    where,
                )
            )
            break
    return []
