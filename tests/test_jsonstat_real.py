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

import math
import tracemalloc
from typing import Any

import numpy as np
import pytest

from eupact.data.eurostat.jsonstat import (
    MAX_CELLS,
    decode,
    describe_status,
    split_status,
)
from eupact.errors import EupactError


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
