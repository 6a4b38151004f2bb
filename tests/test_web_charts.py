"""The dashboard's charts: the shipped map, Vega-Lite specs rendered offline by vl-convert, inline
SVG sparklines, the offline vega-embed bundle and the script snippet that embeds a spec."""

from __future__ import annotations

import json
import re
import timeit
from pathlib import Path
from typing import Any

import pytest

from eupact.web import charts

# fmt: off
EU27 = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
]
# fmt: on
NAMES = {geo: f"Stát-{geo}" for geo in EU27} | {"UK": "Spojené království", "NO": "Norsko"}
LABELS = {"fair_share": "Spravedlivý podíl", "pledged": "Přislíbeno", "eur": "EUR", "state": "Stát"}


def _svg(spec: dict[str, Any]) -> str:
    import vl_convert as vlc

    return str(vlc.vegalite_to_svg(spec))


def _geojson() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(charts.GEO_PATH.read_text(encoding="utf-8"))
    return data


def _points(geometry: dict[str, Any]) -> list[list[float]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [p for polygon in polygons for ring in polygon for p in ring]


# --- the map ------------------------------------------------------------------------------------


def test_geojson_has_the_27_member_states_once() -> None:
    features = _geojson()["features"]
    eu = [f["properties"]["geo"] for f in features if f["properties"]["eu"] is True]
    assert sorted(eu) == EU27
    assert charts.eu_geo_codes() == EU27
    codes = [f["properties"]["geo"] for f in features]
    assert len(codes) == len(set(codes))
    neighbours = {f["properties"]["geo"] for f in features if f["properties"]["eu"] is False}
    assert {"NO", "CH", "UK", "IS", "RS", "BA", "ME", "MK", "AL", "XK", "UA", "BY", "MD", "TR"} <= (
        neighbours
    )
    assert not {"GR", "GB"} & set(codes)  # Eurostat codes, not ISO


def test_geojson_is_small_clipped_and_rounded() -> None:
    assert charts.GEO_PATH.stat().st_size < 300_000
    for feature in _geojson()["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        assert set(feature["properties"]) == {"geo", "eu"}
        for lon, lat in _points(feature["geometry"]):
            assert -25 <= lon <= 45 and 34 <= lat <= 72
            assert round(lon, 2) == lon and round(lat, 2) == lat


@pytest.mark.parametrize("geo", ["MT", "LU", "CY"])
def test_small_states_are_kept(geo: str) -> None:
    (feature,) = [f for f in _geojson()["features"] if f["properties"]["geo"] == geo]
    assert len(_points(feature["geometry"])) >= 8


# --- the choropleth -----------------------------------------------------------------------------


def _values() -> dict[str, float | None]:
    values: dict[str, float | None] = {geo: 1000.0 * (i + 1) for i, geo in enumerate(EU27)}
    values["PL"] = None
    del values["IE"]  # missing altogether
    return values


def test_choropleth_spec_is_valid_and_renders_every_state() -> None:
    spec = charts.choropleth_spec(
        _values(), title="Tlak <na> systém", value_label="Žádosti", names=NAMES, fmt=",.0f"
    )
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    (rows,) = spec["datasets"].values()
    assert len(rows) == len(_geojson()["features"])
    svg = _svg(spec)
    shapes = re.findall(r'<path[^>]*aria-roledescription="geoshape"', svg)
    assert len(shapes) == len(rows)  # a path per state and per neighbour
    for geo in EU27:
        assert f"Stát-{geo}" in svg  # localized names reach the marks' descriptions
    assert "Stát-DE: 6,000" in svg  # formatted with fmt
    assert "Stát-PL: no data" in svg and "Stát-IE: no data" in svg
    assert "Spojené království" in svg
    assert "Tlak &lt;na&gt; systém" in svg and "Žádosti" in svg


def test_choropleth_without_any_value_still_renders() -> None:
    spec = charts.choropleth_spec(
        {}, title="t", value_label="v", names={}, no_data_label="keine Daten"
    )
    svg = _svg(spec)
    assert "DE: keine Daten" in svg
    assert len(re.findall(r'aria-roledescription="geoshape"', svg)) == len(_geojson()["features"])


def test_choropleth_specs_do_not_share_mutable_geometry() -> None:
    first = charts.choropleth_spec({}, title="t", value_label="v", names={})
    first["datasets"]["map"][0]["geometry"]["coordinates"].clear()
    second = charts.choropleth_spec({}, title="t", value_label="v", names={})
    assert second["datasets"]["map"][0]["geometry"]["coordinates"]


def test_non_finite_values_count_as_missing() -> None:
    spec = charts.choropleth_spec(
        {"DE": float("nan"), "FR": float("inf")}, title="t", value_label="v", names={}
    )
    rows = {r["geo"]: r for r in spec["datasets"]["map"]}
    assert rows["DE"]["kind"] == rows["FR"]["kind"] == "none"
    json.dumps(spec, allow_nan=False)  # strict JSON: no NaN reaches the browser


# --- fair share versus pledged ------------------------------------------------------------------


def _rows() -> list[dict[str, Any]]:
    return [
        {"geo": geo, "fair_share_eur": 1e6 * ((i * 7) % 27 + 1), "pledged_total_eur": 5e5 * i}
        for i, geo in enumerate(EU27)
    ] + [{"geo": "XX", "fair_share_eur": 10.0, "pledged_total_eur": None}]


def test_fair_share_vs_pledged_renders_sorted_by_fair_share() -> None:
    spec = charts.fair_share_vs_pledged_spec(_rows(), names=NAMES, labels=LABELS)
    svg = _svg(spec)
    for text in (*LABELS.values(), *(f"Stát-{geo}" for geo in EU27), "XX"):
        assert text in svg
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    fair = {NAMES.get(r["geo"], r["geo"]): r["fair_share_eur"] for r in _rows()}
    assert order == sorted(fair, key=lambda name: -fair[name])
    # the y axis labels appear top to bottom in that order
    positions = [svg.index(f">{name}</text>") for name in order]
    assert positions == sorted(positions)
    (data,) = spec["datasets"].values()
    assert sum(1 for r in data if r["kind"] == "pledged") == len(EU27)  # XX pledged nothing


# --- sparklines ---------------------------------------------------------------------------------


def test_sparkline_draws_a_line_and_marks_the_last_point() -> None:
    svg = charts.sparkline_svg([1, 3, 2, 5], label="Arrivals 2022–2025")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and "<title>Arrivals 2022–2025</title>" in svg
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 1
    (points,) = re.findall(r'points="([^"]+)"', svg)
    assert len(points.split()) == 4
    assert 'cx="117.5" cy="2.5"' in svg  # the last (and highest) point, top right


def test_sparkline_gaps_split_the_line() -> None:
    svg = charts.sparkline_svg([1, 2, None, 3, 4, None, 5, None], label="x")
    assert svg.count("<polyline") == 2
    # the isolated 5 is a dot, and it is the last value: marked as well
    assert svg.count("<circle") == 2


def test_sparkline_all_none_and_empty() -> None:
    for values in ([], [None, None], [float("nan")]):
        svg = charts.sparkline_svg(values, label="nothing")
        assert "<polyline" not in svg and "<circle" not in svg
        assert "<title>nothing</title>" in svg


def test_sparkline_single_value_and_flat_series() -> None:
    single = charts.sparkline_svg([42.0], width=100, height=20, label="one")
    assert '<circle cx="50.0" cy="10.0"' in single and "<polyline" not in single
    flat = charts.sparkline_svg([2, 2, 2], width=100, height=20, label="flat")
    assert 'points="2.5,10.0 50.0,10.0 97.5,10.0"' in flat


def test_sparkline_escapes_the_label() -> None:
    svg = charts.sparkline_svg([1, 2], label='</title><script>alert("x")</script> & co')
    assert "<script>" not in svg
    assert "&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in svg


def test_sparkline_is_fast() -> None:
    values = [float(v) if v % 5 else None for v in range(12)]
    seconds = timeit.timeit(lambda: charts.sparkline_svg(values, label="x"), number=2000) / 2000
    assert seconds < 1e-4


# --- the vega bundle and embedding --------------------------------------------------------------


def test_vega_bundle_defines_vega_embed_and_is_cached_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EUPACT_CACHE_DIR", str(tmp_path))
    text = charts.vega_bundle()
    assert "vegaEmbed" in text and len(text) > 100_000
    (cached,) = tmp_path.glob("vega-bundle-vlconvert-*.js")
    assert cached.read_text(encoding="utf-8") == text
    assert charts.vega_bundle() is text  # memory cache


def test_vega_bundle_reads_the_disk_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vl_convert as vlc

    monkeypatch.setenv("EUPACT_CACHE_DIR", str(tmp_path))
    version = getattr(vlc, "__version__", "unknown")
    name = f"vega-bundle-vlconvert-{version}-vl{charts._vegalite_version() or 'latest'}.js"
    (tmp_path / name).write_text("/* cached */ window.vegaEmbed = 1;", encoding="utf-8")
    assert charts.vega_bundle() == "/* cached */ window.vegaEmbed = 1;"


def _embedded(html: str, element_id: str) -> dict[str, Any]:
    head = f'<script type="application/json" id="{element_id}-spec" data-vega-embed="{element_id}">'
    assert html.startswith(head) and html.endswith("</script>")
    doc: dict[str, Any] = json.loads(html[len(head) : -len("</script>")])
    return doc


def test_embed_html_cannot_be_closed_by_the_spec() -> None:
    spec = {"title": "</script><script>alert(1)</script><!-- & \u2028", "mark": "bar"}
    html = charts.embed_html(spec, "chart-1")
    assert html.count("</script>") == 1 and html.count("<script") == 1
    assert "<!--" not in html and "\u2028" not in html
    doc = _embedded(html, "chart-1")
    assert doc["spec"] == spec
    assert doc["options"]["actions"] is False and doc["options"]["renderer"] == "svg"


def test_embed_html_is_data_and_asks_for_the_expression_interpreter() -> None:
    """No inline script runs (the pages' Content-Security-Policy refuses it), nor does Vega
    compile expressions with new Function: charts.js renders the block with ``ast``."""
    html = charts.embed_html({"mark": "bar"}, "c")
    assert "vegaEmbed" not in html and 'type="application/json"' in html
    assert _embedded(html, "c")["options"]["ast"] is True


def test_embed_html_formats_numbers_in_the_pages_language() -> None:
    """German pages write 1.234,5 in the charts too (d3-format locale passed to vega-embed)."""
    german = _embedded(charts.embed_html({"mark": "bar"}, "c", "de"), "c")["options"]
    assert german["formatLocale"]["decimal"] == "," and german["formatLocale"]["thousands"] == "."
    other = _embedded(charts.embed_html({"mark": "bar"}, "c", "xx"), "c")["options"]
    assert other["formatLocale"]["decimal"] == "."


@pytest.mark.parametrize("bad", ["", "1chart", 'x");alert(1);("', "a b", "#chart"])
def test_embed_html_rejects_unsafe_ids(bad: str) -> None:
    with pytest.raises(ValueError, match="element id"):
        charts.embed_html({}, bad)
