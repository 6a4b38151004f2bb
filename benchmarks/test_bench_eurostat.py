"""Issue target: decode a 1,000,000-cell Eurostat JSON-stat response in under 2 s.

The document is SYNTHETIC, generated here in the real layout: geo (40) × time (125 months) ×
citizen (200) = 1,000,000 cells, about 10 % without a value, 5 % flagged ("p", "e", "b",
"bp", and "|C" confidential cells without a value). The timing includes parsing the JSON
bytes (orjson) and building every column.
"""

from __future__ import annotations

import numpy as np
import orjson
import pytest

from eupact.data.eurostat import decode

GEO, TIME, CITIZEN = 40, 125, 200


@pytest.fixture(scope="module")
def million_cell_body() -> bytes:
    rng = np.random.default_rng(2026)
    cells = GEO * TIME * CITIZEN
    present = np.nonzero(rng.random(cells) >= 0.10)[0]
    figures = rng.integers(0, 50_000, present.size)
    flagged = np.sort(rng.choice(cells, cells // 20, replace=False))
    flags = rng.choice(np.array(["p", "e", "b", "bp", "|C"]), flagged.size)
    confidential = flagged[flags == "|C"]
    keep = ~np.isin(present, confidential)  # confidential cells carry no figure
    months = [f"{2015 + m // 12}-{m % 12 + 1:02d}" for m in range(TIME)]
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "SYNTHETIC benchmark cube",
        "source": "ESTAT",
        "updated": "2026-11-25T11:00:00+0100",
        "value": dict(zip(map(str, present[keep].tolist()), figures[keep].tolist(), strict=True)),
        "status": dict(zip(map(str, flagged.tolist()), flags.tolist(), strict=True)),
        "id": ["geo", "time", "citizen"],
        "size": [GEO, TIME, CITIZEN],
        "dimension": {
            "geo": {"label": "geo", "category": {"index": {f"G{i:02d}": i for i in range(GEO)}}},
            "time": {"label": "time", "category": {"index": {m: i for i, m in enumerate(months)}}},
            "citizen": {
                "label": "citizen",
                "category": {"index": {f"C{i:03d}": i for i in range(CITIZEN)}},
            },
        },
        "extension": {"id": "SYNTHETIC", "status": {"label": {"|C": "|confidential"}}},
    }
    return orjson.dumps(doc)


def test_decode_million_cells(benchmark, million_cell_body):
    table = benchmark.pedantic(decode, args=(million_cell_body,), rounds=5, iterations=1)
    assert len(table) == 1_000_000
    assert table.confidential.sum() > 0
    assert np.isnan(table.values[table.confidential]).all()
    assert 0.08 < table.missing.mean() < 0.13
    assert benchmark.stats["median"] < 2.0
