"""The JSON-stat decoder against real files, pyjstat 2.4.0 and a reference decoder.

Three kinds of test:

- one small hand-made document per defect found in the decoder (each failed before its fix);
- the real files in ``tests/fixtures/jsonstat_real/`` (see ``SOURCES.md`` there: json-stat.org
  samples, pyjstat's and jsonstat.py's test data, Eurostat and Comext/PRODCOM responses
  committed by others) and the recorded ``real_*`` Eurostat responses of
  ``tests/fixtures/eurostat/``, decoded cell for cell like pyjstat 2.4.0 decodes them;
- a hypothesis property: random JSON-stat 2.0 datasets decode like a per-cell reference decoder
  written here from the JSON-stat 2.0 text (row-major order, last dimension fastest).
"""

from __future__ import annotations

import gzip
import json
import math
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eupact.data.eurostat.jsonstat import (
    MAX_CELLS,
    JsonStatTable,
    decode,
    describe_status,
    split_status,
)
from eupact.errors import EupactError

REAL = Path(__file__).parent / "fixtures" / "jsonstat_real"
RECORDED = Path(__file__).parent / "fixtures" / "eurostat"


def _doc(**change: Any) -> dict[str, Any]:
    """A valid 2 x 2 dataset (geo x time), changed as asked."""
    doc: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "id": ["geo", "time"],
        "size": [2, 2],
        "dimension": {
            "geo": {"category": {"index": {"DE": 0, "FR": 1}}},
            "time": {"category": {"index": {"2023": 0, "2024": 1}}},
        },
        "value": [1, 2, 3, 4],
    }
    doc.update(change)
    return doc


def _refusal(doc: Any, **kwargs: Any) -> EupactError:
    with pytest.raises(EupactError) as exc:
        decode(doc, dataset="test", **kwargs)
    return exc.value


def _plain_words(error: EupactError) -> None:
    """A refusal names the field and the rule without Python reprs or exception names."""
    text = str(error)
    for python in ("None", "TypeError", "ValueError", "Traceback", "<class", "dict_values"):
        assert python not in text, text


# --- one test per defect -------------------------------------------------------------------


def test_sparse_mode_drops_null_values_of_a_list() -> None:
    table = decode(_doc(value=[1, None, 3, None]), dense=False)
    assert table.values.tolist() == [1.0, 3.0]
    assert table.index.tolist() == [0, 2]
    assert list(table.codes("geo")) == ["DE", "FR"]
    assert list(table.codes("time")) == ["2023", "2023"]


def test_sparse_mode_drops_null_values_of_an_object() -> None:
    table = decode(_doc(value={"0": 1, "1": None, "3": None}), dense=False)
    assert table.index.tolist() == [0]
    dense = decode(_doc(value={"0": 1, "1": None, "3": None}))
    assert len(dense) == 4 and int(np.isnan(dense.values).sum()) == 3


def test_sparse_mode_keeps_a_null_value_that_has_a_flag() -> None:
    table = decode(_doc(value=[1, None, None, None], status={"2": "c"}), dense=False)
    assert table.index.tolist() == [0, 2]
    assert list(table.flags) == ["", "c"]


@pytest.mark.parametrize("position", [None, "0", 0.0, True, [0]])
def test_an_index_position_that_is_not_a_whole_number_is_refused(position: Any) -> None:
    dims = _doc()["dimension"]
    dims["geo"] = {"category": {"index": {"DE": position, "FR": 1}}}
    error = _refusal(_doc(dimension=dims))
    assert error.problems[0].field == "dimension.geo.category.index"
    assert "DE" in str(error) and "whole number" in str(error)
    _plain_words(error)


@pytest.mark.parametrize("code", [None, True, {"a": 1}])
def test_an_index_list_entry_that_is_not_a_code_is_refused(code: Any) -> None:
    dims = _doc()["dimension"]
    dims["geo"] = {"category": {"index": ["DE", code]}}
    error = _refusal(_doc(dimension=dims))
    assert error.problems[0].field == "dimension.geo.category.index"
    _plain_words(error)


def test_sixty_five_dimensions_decode() -> None:
    ids = [f"d{k}" for k in range(65)]
    size = [1] * 65
    size[3], size[64] = 2, 3
    dims = {
        d: {"category": {"index": [f"{d}_{i}" for i in range(n)]}}
        for d, n in zip(ids, size, strict=True)
    }
    doc = {"version": "2.0", "class": "dataset", "id": ids, "size": size, "dimension": dims}
    table = decode({**doc, "value": list(range(6))})
    assert len(table) == 6
    assert list(table.codes("d3")) == ["d3_0"] * 3 + ["d3_1"] * 3
    assert list(table.codes("d64")) == ["d64_0", "d64_1", "d64_2"] * 2
    sparse = decode({**doc, "value": {"4": 7}}, dense=False)
    assert sparse.index.tolist() == [4]
    assert list(sparse.codes("d3")) == ["d3_1"] and list(sparse.codes("d64")) == ["d64_1"]


@pytest.mark.parametrize("size", [[True, 2], [2.0, 2], ["2", 2], [-1, 2], [None, 2], 4])
def test_a_size_that_is_not_a_list_of_whole_numbers_is_refused(size: Any) -> None:
    error = _refusal(_doc(size=size))
    assert error.problems[0].field == "size"
    _plain_words(error)


def test_a_null_status_is_no_flag() -> None:
    table = decode(_doc(status={"0": None, "1": "p", "2": ""}))
    assert list(table.flags) == ["", "p", "", ""]
    assert "None" not in table.status_categories
    listed = decode(_doc(status=[None, "e", None, ""]))
    assert list(listed.flags) == ["", "e", "", ""]


def test_a_one_entry_status_list_applies_to_every_cell() -> None:
    """JSON-stat 2.0: a status array of one element applies to every cell (canada.json)."""
    table = decode(_doc(status=["a"]))
    assert list(table.flags) == ["a"] * 4
    assert list(decode(_doc(status=[None])).flags) == [""] * 4
    error = _refusal(_doc(status=["a", "b"]))
    assert error.problems[0].field == "status"


def test_comext_values_mixing_numbers_and_markers_keep_the_cell_and_its_flag() -> None:
    """Comext / PRODCOM put ":C" (confidential) and units ("KG") among the figures."""
    doc = _doc(value={"0": 12.5, "1": ":C", "2": "KG", "3": ":"})
    table = decode(doc)
    assert table.values[0] == 12.5
    assert np.isnan(table.values[1:]).all()
    assert list(table.flags) == ["", ":C", "", ":"]
    assert table.confidential.tolist() == [False, True, False, False]
    assert list(table.value_texts) == ["", ":C", "KG", ":"]
    assert table.describe_flags(":C") == "confidential"
    assert describe_status(":") == "not available"
    assert split_status(":C") == ("", True)
    rows = list(table.records())
    assert rows[1]["value"] is None and rows[1]["flags"] == ":C"
    assert rows[2]["text"] == "KG"
    sparse = decode(doc, dense=False)
    assert sparse.index.tolist() == [0, 1, 2, 3]
    assert list(sparse.value_texts) == ["", ":C", "KG", ":"]


def test_a_cells_own_status_wins_over_a_marker_in_its_value() -> None:
    table = decode(_doc(value=[1, ":C", 3, 4], status={"1": "e"}))
    assert list(table.flags) == ["", "e", "", ""]


@pytest.mark.parametrize("figure", [True, {"v": 1}, [1]])
def test_a_figure_that_is_neither_number_text_nor_null_is_refused(figure: Any) -> None:
    error = _refusal(_doc(value=[1, figure, 3, 4]))
    assert error.problems[0].field == "value"
    assert "cell 1" in str(error)
    _plain_words(error)


@pytest.mark.parametrize(
    "doc",
    [
        # a JSON-stat 1.x bundle: datasets named at the top, dimension.id / dimension.size
        {
            "oecd": {
                "label": "x",
                "value": [1, 2],
                "dimension": {
                    "id": ["geo"],
                    "size": [2],
                    "geo": {"category": {"index": {"DE": 0, "FR": 1}}},
                },
            }
        },
        # a JSON-stat 1.x dataset response without a bundle
        {
            "class": "dataset",
            "value": [1, 2],
            "dimension": {
                "id": ["geo"],
                "size": [2],
                "geo": {"category": {"index": {"DE": 0, "FR": 1}}},
            },
        },
        # a declared 1.x version
        _doc(version="1.03"),
    ],
)
def test_json_stat_1x_is_refused_as_unsupported(doc: dict[str, Any]) -> None:
    error = _refusal(doc)
    assert "JSON-stat 1.x" in str(error) and "not supported" in str(error)
    assert "id" not in [p.field for p in error.problems]
    _plain_words(error)


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"error": "Too many requests, try again later"}, "Too many requests"),
        ({"error": ["Dataset not found"]}, "Dataset not found"),
        ({"error": {"status": 500, "message": "Internal error in the API"}}, "Internal error"),
        ({"error": [{"status": 400, "id": 100, "label": "Bad filter"}]}, "Bad filter"),
        ({"error": {"status": 400, "text": "Unknown dimension geox"}}, "Unknown dimension geox"),
    ],
)
def test_an_error_body_keeps_its_text(body: dict[str, Any], text: str) -> None:
    error = _refusal(body)
    assert text in str(error)
    assert error.summary == "Eurostat returned no data"
    _plain_words(error)


def test_a_dataset_without_value_is_refused() -> None:
    doc = _doc()
    del doc["value"]
    error = _refusal(doc)
    assert [p.field for p in error.problems] == ["value"]
    assert "missing" in str(error)


def test_a_near_limit_sparse_cube_costs_what_its_values_cost() -> None:
    """Sizes whose product is just under MAX_CELLS, three values: no cube-sized allocation."""
    size = [7071, 7071]  # 49,999,041 cells
    assert math.prod(size) < MAX_CELLS
    doc = {
        "version": "2.0",
        "class": "dataset",
        "id": ["a", "b"],
        "size": size,
        "dimension": {
            "a": {"category": {"index": [f"a{i}" for i in range(size[0])]}},
            "b": {"category": {"index": [f"b{i}" for i in range(size[1])]}},
        },
        "value": {"0": 1.5, "7071": 2.5, "49999040": 3.5},
        "status": {"7071": "p"},
    }
    tracemalloc.start()
    try:
        table = decode(doc, dense=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert table.values.tolist() == [1.5, 2.5, 3.5]
    assert list(table.codes("a")) == ["a0", "a1", "a7070"]
    assert list(table.codes("b")) == ["b0", "b0", "b7070"]
    assert list(table.flags) == ["", "p", ""]
    assert peak < 20_000_000, f"peak {peak:,} bytes"


def test_a_cube_over_the_cell_limit_is_refused_before_allocating() -> None:
    doc = _doc(size=[MAX_CELLS, 2], value={"0": 1})
    doc["dimension"] = {
        "geo": {"category": {"index": {"DE": 0}}},
        "time": {"category": {"index": {"2023": 0, "2024": 1}}},
    }
    tracemalloc.start()
    try:
        error = _refusal(doc, dense=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.problems[0].field == "size"
    assert peak < 5_000_000


# --- real files ------------------------------------------------------------------------------

#: What the decoder makes of each real file: ``same`` (decoded, and pyjstat 2.4.0 decodes it
#: to the same cells), ``empty`` (a cube with a size of 0: no cells; pyjstat fails on it),
#: ``1.x`` (refused as JSON-stat 1.x), ``error`` (an error body, refused with its text), or
#: ``refused:<field>`` (not a JSON-stat 2.0 dataset, refused naming the field).
EXPECTED: dict[str, str] = {
    "dst_HISB3_v1_bundle.json": "1.x",
    "eurostat_comext_ds-045409_eu27_us_2024.json": "same",
    "eurostat_comext_ds-059358_prodcom_de_2022.json": "same",
    "eurostat_comext_error_404_not_disseminated.json": "error",
    "eurostat_comext_error_413_extraction_too_big.json": "error",
    "eurostat_demo_gind_2024.json": "same",
    "eurostat_migr_eipre_eu_2010_2022.json": "same",
    "eurostat_migr_pop1ctz_2010_2022.json": "same",
    "eurostat_nama_10_gdp_de_since_2030_size0.json": "empty",
    "eurostat_nama_10_gdp_dk_2023.json": "same",
    "eurostat_sts_inpr_m_ie_empty.json": "same",
    "eurostat_une_rt_m_de_last3.json": "same",
    "eurostat_une_rt_m_de_since_2024_01.json": "same",
    "eurostat_une_rt_m_unit_fake_size0.json": "empty",
    "eurostat_v1_nama_gdp_c_geo_IT_FR.json": "1.x",
    "jsonstat_org_canada.json": "same",
    "jsonstat_org_hierarchy.json": "same",
    "jsonstat_org_oecd.json": "same",
    "jsonstat_org_order.json": "same",
    "jsonstat_org_us-gsp.json": "same",
    "jsonstatpy_dataset_unemployment_v1.json": "1.x",
    "jsonstatpy_three_dim_size_as_string_v2.json": "refused:size",
    "jsonstatpy_three_dim_v1.json": "1.x",
    "pyjstat_QS104EW_v1.json": "1.x",
    "pyjstat_collection_class.json": "refused:class",
    "pyjstat_dimension_class.json": "refused:class",
    "pyjstat_sample_data_v1.json": "1.x",
    # recorded Eurostat responses already used by tests/test_eurostat.py
    "real_error_404_not_disseminated.json": "error",
    "real_error_413_asynchronous.json": "error",
    "real_migr_eipre_pt_se_ch_2010_2023.json": "same",
    "real_nama_10_gdp_de_until_1980.json": "same",
    "real_sts_inpr_m_ie_confidential.json": "same",
    "real_une_rt_m_geo_xx.json": "empty",
}


def _real_files() -> list[Path]:
    return sorted(REAL.glob("*.json*")) + sorted(RECORDED.glob("real_*.json"))


def _name(path: Path) -> str:
    return path.name.removesuffix(".gz")


def _body(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


REAL_FILES = {_name(p): p for p in _real_files()}
DECODED = sorted(n for n, e in EXPECTED.items() if e in ("same", "empty"))


def test_every_real_file_is_expected_and_cited() -> None:
    assert set(REAL_FILES) == set(EXPECTED)
    sources = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    for path in REAL.glob("*.json*"):
        assert f"`{path.name}`" in sources, f"{path.name} is not cited in SOURCES.md"
    assert sum(p.stat().st_size for p in REAL.iterdir()) < 3_000_000


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_file_decodes_or_is_refused_as_expected(name: str) -> None:
    body, expected = _body(REAL_FILES[name]), EXPECTED[name]
    doc = json.loads(body)
    if expected in ("same", "empty"):
        dense, sparse = decode(body), decode(body, dense=False)
        cells = math.prod(doc["size"])
        assert len(dense) == cells
        assert (len(dense) == 0) == (expected == "empty")
        status = doc.get("status")
        whole = isinstance(status, str) or (isinstance(status, list) and len(status) == 1)
        _check_sparse_against_dense(dense, sparse, whole)
        return
    error = _refusal(body)
    _plain_words(error)
    text = str(error)
    if expected == "1.x":
        assert "JSON-stat 1.x is not supported" in text
    elif expected == "error":
        assert error.summary == "Eurostat returned no data"
        for entry in doc.get("error") or [doc.get("warning")]:
            assert entry["label"] in text
    else:
        assert expected.startswith("refused:")
        assert error.problems[0].field == expected.removeprefix("refused:")


def _check_sparse_against_dense(dense: JsonStatTable, sparse: JsonStatTable, whole: bool) -> None:
    """Sparse rows are the dense rows with a figure, a text or a flag of their own (a status
    given once for the whole cube does not keep a cell)."""
    keep = ~np.isnan(dense.values) | (dense.value_texts != "")
    if not whole:
        keep |= dense.flags != ""
    assert sparse.index.tolist() == dense.index[keep].tolist()
    assert np.array_equal(sparse.values, dense.values[keep], equal_nan=True)
    assert sparse.flags.tolist() == dense.flags[keep].tolist()
    assert sparse.value_texts.tolist() == dense.value_texts[keep].tolist()
    for dim in dense.dimension_ids:
        assert sparse.codes(dim).tolist() == dense.codes(dim)[keep].tolist()


def test_canada_one_status_for_every_cell() -> None:
    """json-stat.org's canada.json gives ``"status": ["a"]``: every cell is flagged a."""
    table = decode(_body(REAL_FILES["jsonstat_org_canada.json"]))
    assert set(table.flags.tolist()) == {"a"}
    first = table.select(age="T", concept="POP", sex="T")
    assert first.values.tolist() == [34880.5]
    assert len(decode(_body(REAL_FILES["jsonstat_org_canada.json"]), dense=False)) == 120


def test_prodcom_confidential_markers_and_units() -> None:
    """PRODCOM DS-059358: ":C" cells are missing and confidential; "KG" is kept as text."""
    table = decode(_body(REAL_FILES["eurostat_comext_ds-059358_prodcom_de_2022.json"]))
    assert len(table) == 138
    confidential = table.confidential
    assert int(confidential.sum()) == 27
    assert np.isnan(table.values[confidential]).all()
    assert set(table.flags[confidential].tolist()) == {":C"}
    units = table.select(indicators="QNTUNIT")
    assert units.value_texts.tolist().count("KG") == 6
    value = table.select(product="20143430", indicators="EXPVAL")
    assert value.values.tolist() == [32868973.0]
    assert table.describe_flags(":C") == "confidential"


def test_composite_flags_of_a_real_migration_panel() -> None:
    table = decode(_body(REAL_FILES["eurostat_migr_pop1ctz_2010_2022.json"]))
    eu_2020 = table.select(geo="EU27_2020", time="2020")
    assert eu_2020.values.tolist() == [36429351.0]
    assert eu_2020.flags.tolist() == ["e"]
    assert table.select(geo="EU27_2020", time="2021").flags.tolist() == ["bep"]
    assert table.select(geo="DK", time="2020").values.tolist() == [537071.0]
    assert table.select(geo="DK", time="2020").flags.tolist() == [""]
    assert table.describe_flags("bep") == "break in time series, estimated, provisional"
    assert table.select(geo="TR", time="2019").missing.all()
    assert table.dimension("geo").labels[39] == "Türkiye"


def _pyjstat_frame(body: bytes) -> Any:
    pyjstat = pytest.importorskip(
        "pyjstat.pyjstat", reason="pyjstat is not installed (pip install pyjstat==2.4.0)"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pyjstat.Dataset.read(body.decode("utf-8")).write("dataframe", naming="id")


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e == "same"))
def test_a_real_file_decodes_cell_for_cell_like_pyjstat(name: str) -> None:
    """pyjstat 2.4.0 (an independent decoder) and ours give the same codes and figures."""
    body = _body(REAL_FILES[name])
    frame = _pyjstat_frame(body)
    table = decode(body)
    assert len(frame) == len(table)
    for dim in table.dimension_ids:
        assert frame[dim].astype(str).tolist() == table.codes(dim).tolist(), dim
    texts = table.value_texts.tolist()
    for i, theirs in enumerate(frame["value"].tolist()):
        ours = float(table.values[i])
        if isinstance(theirs, str):
            assert math.isnan(ours) and texts[i] == theirs, (i, theirs)
        elif theirs is None or (isinstance(theirs, float) and math.isnan(theirs)):
            assert math.isnan(ours) and texts[i] == "", (i, theirs)
        else:
            assert ours == float(theirs), (i, theirs, ours)


def test_pyjstat_reads_what_we_refuse_and_fails_where_we_decode() -> None:
    """The differences, on purpose: pyjstat reads 1.x and sizes given as texts; it fails on
    cubes with a size of 0, which decode to no cells here."""
    pytest.importorskip("pyjstat.pyjstat", reason="pyjstat is not installed")
    for name in ("eurostat_v1_nama_gdp_c_geo_IT_FR.json", "dst_HISB3_v1_bundle.json"):
        assert len(_pyjstat_frame(_body(REAL_FILES[name]))) > 0
    assert len(_pyjstat_frame(_body(REAL_FILES["jsonstatpy_three_dim_size_as_string_v2.json"])))
    for name in sorted(n for n, e in EXPECTED.items() if e == "empty"):
        with pytest.raises(ValueError):
            _pyjstat_frame(_body(REAL_FILES[name]))
        assert len(decode(_body(REAL_FILES[name]))) == 0


# --- property: random JSON-stat 2.0 datasets against a reference decoder ------------------


def _reference(doc: dict[str, Any], dense: bool) -> list[tuple[Any, ...]]:
    """Each cell as (codes, figure or None, text, flag), straight from the JSON-stat 2.0 text.

    Cells are numbered in row-major order: the last dimension varies fastest, so cell ``n``
    has, in dimension ``k``, position ``n // (size[k+1] * ... * size[-1]) % size[k]``.
    ``value`` and ``status`` are lists in that order or objects keyed by the cell number; a
    status list of one entry, or a status text, applies to every cell. Eurostat's markers
    (``":C"``) are flags of cells that give them instead of a figure.
    """
    ids, size = doc["id"], doc["size"]
    codes = []
    for d in ids:
        category = doc["dimension"][d]["category"]
        index = category.get("index")
        if index is None:
            codes.append(list(category["label"]))
        elif isinstance(index, list):
            codes.append(index)
        else:
            codes.append(sorted(index, key=index.__getitem__))
    value, status = doc["value"], doc.get("status")
    rows = []
    for n in range(math.prod(size)):
        key = []
        for k in range(len(ids)):
            stride = math.prod(size[k + 1 :])
            key.append(codes[k][n // stride % size[k]])
        entry = value[n] if isinstance(value, list) else value.get(str(n))
        if isinstance(status, str):
            flag, own = status, False
        elif isinstance(status, list) and len(status) == 1:
            flag, own = status[0] or "", False
        elif isinstance(status, list):
            flag, own = status[n] or "", True
        elif isinstance(status, dict):
            flag, own = status.get(str(n)) or "", True
        else:
            flag, own = "", False
        text = entry if isinstance(entry, str) else ""
        if text.startswith(":") and not (own and flag):
            flag, own = text, True
        figure = entry if isinstance(entry, int | float) else None
        if dense or entry is not None or (own and flag):
            rows.append((tuple(key), figure, text, flag))
    return rows


def _decoded(table: JsonStatTable) -> list[tuple[Any, ...]]:
    codes = [table.codes(d).tolist() for d in table.dimension_ids]
    texts, flags = table.value_texts.tolist(), table.flags.tolist()
    return [
        (
            tuple(c[i] for c in codes),
            None if math.isnan(v) else v,
            texts[i],
            flags[i],
        )
        for i, v in enumerate(table.values.tolist())
    ]


FIGURES = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([":C", ":", "KG", "x"]),
)
FLAGS = st.one_of(st.none(), st.sampled_from(["", "p", "e", "bp", "|C", "c", ":C", "d"]))


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    ndim = draw(st.integers(1, 5))
    size = draw(st.lists(st.integers(0, 4), min_size=ndim, max_size=ndim))
    if draw(st.booleans()):
        size = [max(s, 1) for s in size]
    ids = [f"d{k}" for k in range(ndim)]
    dimension = {}
    for d, n in zip(ids, size, strict=True):
        names = [f"{d}c{i}" for i in range(n)]
        form = draw(st.sampled_from(["list", "object", "label"] if n == 1 else ["list", "object"]))
        if form == "list":
            category: dict[str, Any] = {"index": names}
        elif form == "object":
            order = draw(st.permutations(range(n)))
            category = {"index": {names[p]: p for p in order}}  # insertion order shuffled
        else:
            category = {"label": {names[0]: "only"}}
        dimension[d] = {"label": d, "category": category}
    cells = math.prod(size)
    doc: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "id": ids,
        "size": size,
        "dimension": dimension,
    }
    if draw(st.booleans()):
        doc["value"] = draw(st.lists(FIGURES, min_size=cells, max_size=cells))
    else:
        present = draw(st.lists(st.integers(0, max(cells - 1, 0)), unique=True, max_size=cells))
        doc["value"] = {str(n): draw(FIGURES) for n in present} if cells else {}
    form = draw(st.sampled_from(["none", "text", "one", "list", "object"]))
    if form == "text":
        doc["status"] = draw(st.sampled_from(["p", "e", ""]))
    elif form == "one":
        doc["status"] = [draw(FLAGS)]
    elif form == "list" and cells != 1:
        doc["status"] = draw(st.lists(FLAGS, min_size=cells, max_size=cells))
    elif form == "object" and cells:
        flagged = draw(st.lists(st.integers(0, cells - 1), unique=True, max_size=cells))
        doc["status"] = {str(n): draw(FLAGS) for n in flagged}
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=datasets())
def test_random_datasets_decode_like_the_reference(doc: dict[str, Any]) -> None:
    for dense in (True, False):
        expected = _reference(doc, dense)
        assert _decoded(decode(doc, dense=dense)) == expected
        assert _decoded(decode(orjson.dumps(doc), dense=dense)) == expected
