"""Charts of the web dashboard: Vega-Lite specifications (built with Altair, data inlined) that the
browser renders with vega-embed, plus small inline SVG sparklines that need no JavaScript.

Everything works offline: the map outlines ship with the package (``web/geo/eu27.geojson``, see
``web/geo/SOURCE.md``) and :func:`vega_bundle` produces the vega / vega-lite / vega-embed
JavaScript from vl-convert's embedded copies, so the dashboard never loads a script from a CDN.
Every user-visible word comes from the caller's arguments, so the caller can translate it.

Timings on the development machine (warm): :func:`choropleth_spec` ~20 ms (61 shapes, ~220 KB
of GeoJSON inlined), :func:`fair_share_vs_pledged_spec` ~10 ms for 27 states,
:func:`embed_html` ~1 ms for the map, :func:`sparkline_svg` ~10 µs for 12 values,
:func:`vega_bundle` ~1.1 s on first build (then ~1 ms from the disk cache, then from memory).
The first chart of a process also pays Altair's import (~0.3 s).
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from functools import cache
from html import escape
from pathlib import Path
from typing import Any, Final

import orjson

GEO_PATH = Path(__file__).parent / "geo" / "eu27.geojson"

# Colours: a sequential, colour-blind safe scheme for values; greys for context and gaps.
SCHEME: Final = "blues"
NEIGHBOUR_FILL = "#e4e4e4"
NO_DATA_FILL = "#bdbdbd"
NO_DATA_STROKE = "#636363"
BORDER = "#ffffff"
FAIR_SHARE_COLOUR = "#2166ac"  # blue / orange: distinguishable with any colour-vision deficiency
PLEDGED_COLOUR = "#e08214"

# The equal-area projection Eurostat maps use (ETRS89-LAEA, EPSG:3035, centred on 10°E 52°N),
# fitted to the Member States' extremes (Azores-free Portugal and Ireland to Cyprus, Crete to
# Lapland); neighbours beyond the frame are clipped.
PROJECTION_TYPE: Final = "azimuthalEqualArea"
PROJECTION_ROTATE = [-10, -52, 0]
FIT_POINTS = [
    [-10.6, 51.4],
    [-9.6, 37.0],
    [-6.0, 35.8],
    [24.0, 34.7],
    [35.2, 34.6],
    [31.7, 62.9],
    [28.5, 70.2],
    [20.0, 69.2],
    [10.0, 64.0],
    [34.7, 66.0],
    [5.0, 36.5],
    [-6.0, 55.5],
]
MAP_WIDTH, MAP_HEIGHT = 560, 480

# Makes the libraries globals for the pages' scripts (vl-convert's default snippet does the same).
BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vegaLite = vegaLite; window.vega = vega;"
_ELEMENT_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


@cache
def _geojson() -> bytes:
    return GEO_PATH.read_bytes()


def _features() -> list[dict[str, Any]]:
    """The map's features (27 Member States and their neighbours): fresh objects on every call
    (parsing the cached bytes takes ~1 ms), so a caller changing a spec cannot corrupt the map."""
    features: list[dict[str, Any]] = orjson.loads(_geojson())["features"]
    return features


def eu_geo_codes() -> list[str]:
    """The Eurostat geo codes of the Member States drawn on the map, sorted."""
    return sorted(f["properties"]["geo"] for f in _features() if f["properties"]["eu"])


def _inline(chart: Any, name: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The chart's spec with ``rows`` inlined as the top-level dataset ``name``.

    The chart is built on ``alt.NamedData(name)`` and the rows are put in afterwards: Altair
    would otherwise walk every coordinate of the map (~0.5 s instead of ~10 ms).
    """
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), name: rows}
    return spec


def _named(name: str) -> Any:
    import altair as alt

    return alt.NamedData(name=name)


def _finite(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def choropleth_spec(
    values: Mapping[str, float | None],
    *,
    title: str,
    value_label: str,
    names: Mapping[str, str],
    fmt: str = ",.2f",
    no_data_label: str = "no data",
) -> dict[str, Any]:
    """A map of the Member States coloured by ``values`` (keyed by Eurostat geo code).

    Neighbours are drawn light grey as context; Member States without a value (missing, ``None``
    or not finite) are mid-grey with a dashed outline and the tooltip ``no_data_label``. Tooltips
    show the state's name from ``names`` (falling back to the geo code — pass neighbours' names
    too, e.g. ``UK``, ``NO``, ``XK``) as their heading and the value formatted with the d3-format
    string ``fmt``; each shape's accessible description is "name: value". The GeoJSON is inlined
    into the spec (top-level ``datasets``).
    """
    import altair as alt

    rows: list[dict[str, Any]] = []
    for feature in _features():
        geo = feature["properties"]["geo"]
        eu = bool(feature["properties"]["eu"])
        value = _finite(values.get(geo)) if eu else None
        kind = "neighbour" if not eu else ("value" if value is not None else "none")
        row: dict[str, Any] = {
            "type": "Feature",
            "geometry": feature["geometry"],
            "properties": {},
            "geo": geo,
            "name": names.get(geo, geo),
            "kind": kind,
            "value": value,
        }
        if kind == "none":
            row["no_data"] = no_data_label
        if kind != "value":  # what screen readers announce (values: formatted by Vega below)
            row["desc"] = row["name"] if kind == "neighbour" else f"{row['name']}: {no_data_label}"
        rows.append(row)

    projection = alt.Projection(
        type=PROJECTION_TYPE,
        rotate=PROJECTION_ROTATE,
        fit={
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "MultiPoint", "coordinates": FIT_POINTS},
        },
    )
    heading = alt.Tooltip("name:N", title="title")  # vega-tooltip shows "title" as the heading
    neighbours = (
        alt.Chart()
        .transform_filter(alt.FieldEqualPredicate(field="kind", equal="neighbour"))
        .mark_geoshape(fill=NEIGHBOUR_FILL, stroke=BORDER, strokeWidth=0.5, clip=True)
        .encode(tooltip=[heading], description="desc:N")
    )
    missing = (
        alt.Chart()
        .transform_filter(alt.FieldEqualPredicate(field="kind", equal="none"))
        .mark_geoshape(
            fill=NO_DATA_FILL,
            stroke=NO_DATA_STROKE,
            strokeWidth=0.7,
            strokeDash=[2, 1.5],
            clip=True,
        )
        .encode(
            tooltip=[heading, alt.Tooltip("no_data:N", title=value_label)],
            description="desc:N",
        )
    )
    coloured = (
        alt.Chart()
        .transform_filter(alt.FieldEqualPredicate(field="kind", equal="value"))
        .transform_calculate(desc=f'datum.name + ": " + format(datum.value, {json.dumps(fmt)})')
        .mark_geoshape(stroke=BORDER, strokeWidth=0.5, clip=True)
        .encode(
            color=alt.Color(
                "value:Q",
                scale=alt.Scale(scheme=alt.SchemeParams(name=SCHEME, extent=[0.15, 1.0])),
                legend=alt.Legend(title=value_label, format=fmt, orient="left"),
            ),
            tooltip=[heading, alt.Tooltip("value:Q", title=value_label, format=fmt)],
            description="desc:N",
        )
    )
    chart = (
        alt.layer(neighbours, missing, coloured, data=_named("map"))
        .properties(
            title=alt.TitleParams(title, anchor="start"),
            width=MAP_WIDTH,
            height=MAP_HEIGHT,
            projection=projection,
        )
        .configure_view(stroke=None)
    )
    return _inline(chart, "map", rows)


def fair_share_vs_pledged_spec(
    rows: Sequence[Mapping[str, Any]],
    *,
    names: Mapping[str, str],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """Each state's fair share of the pool (bar) and what it pledged (tick), in EUR.

    ``rows`` carry ``geo``, ``fair_share_eur`` and ``pledged_total_eur`` (``None`` draws no tick);
    states are sorted by fair share, largest first. ``labels`` holds the translated texts
    ``fair_share``, ``pledged`` (legend and tooltip), ``eur`` (value axis) and ``state`` (the other
    axis); ``names`` the states' names (falling back to the geo code).
    """
    import altair as alt

    fair_label, pledged_label = labels["fair_share"], labels["pledged"]
    data: list[dict[str, Any]] = []
    order: list[tuple[float, str]] = []
    for row in rows:
        geo = str(row["geo"])
        name = names.get(geo, geo)
        fair = _finite(row.get("fair_share_eur"))
        pledged = _finite(row.get("pledged_total_eur"))
        order.append((-(fair if fair is not None else -math.inf), name))
        common = {"geo": geo, "name": name, "fair_share": fair, "pledged": pledged}
        data.append({**common, "kind": "fair_share", "measure": fair_label, "amount": fair})
        if pledged is not None:
            data.append({**common, "kind": "pledged", "measure": pledged_label, "amount": pledged})
    sort = [name for _, name in sorted(order)]

    step = 18
    colour = alt.Color(
        "measure:N",
        scale=alt.Scale(
            domain=[fair_label, pledged_label], range=[FAIR_SHARE_COLOUR, PLEDGED_COLOUR]
        ),
        legend=alt.Legend(title=None, orient="top"),
    )
    tooltip = [
        alt.Tooltip("name:N", title="title"),
        alt.Tooltip("fair_share:Q", title=fair_label, format=",.0f"),
        alt.Tooltip("pledged:Q", title=pledged_label, format=",.0f"),
    ]
    y = alt.Y("name:N", sort=sort, title=labels["state"])
    x = alt.X("amount:Q", title=labels["eur"], axis=alt.Axis(format="~s"))
    bars = (
        alt.Chart()
        .transform_filter(alt.FieldEqualPredicate(field="kind", equal="fair_share"))
        .mark_bar(height=alt.RelativeBandSize(0.7))
        .encode(x=x, y=y, color=colour, tooltip=tooltip)
    )
    ticks = (
        alt.Chart()
        .transform_filter(alt.FieldEqualPredicate(field="kind", equal="pledged"))
        .mark_tick(thickness=3, size=step - 2)
        .encode(x=x, y=y, color=colour, tooltip=tooltip)
    )
    chart = (
        alt.layer(bars, ticks, data=_named("amounts"))
        .properties(width=480, height=alt.Step(step))
        .configure_view(stroke=None)
    )
    return _inline(chart, "amounts", data)


def comparison_bars_spec(
    rows: Sequence[Mapping[str, Any]],
    *,
    names: Mapping[str, str],
    labels: Mapping[str, str],
) -> dict[str, Any]:
    """Side-by-side bars per state: a figure under A and under B (the What-if page).

    ``rows`` carry ``geo``, ``a`` and ``b`` (``None`` draws no bar); states are sorted by B,
    largest first. ``labels`` holds the translated ``a`` and ``b`` (legend and tooltip),
    ``value`` (value axis), ``state`` (the other axis) and ``format`` (d3-format of the values).
    """
    import altair as alt

    label_a, label_b = labels["a"], labels["b"]
    fmt = labels.get("format", ",.0f")
    data: list[dict[str, Any]] = []
    order: list[tuple[float, str]] = []
    for row in rows:
        geo = str(row["geo"])
        name = names.get(geo, geo)
        a, b = _finite(row.get("a")), _finite(row.get("b"))
        order.append((-(b if b is not None else -math.inf), name))
        common = {"geo": geo, "name": name, "value_a": a, "value_b": b}
        for side, label, amount in (("a", label_a, a), ("b", label_b, b)):
            if amount is not None:
                data.append({**common, "side": side, "scenario": label, "amount": amount})
    sort = [name for _, name in sorted(order)]
    colour = alt.Color(
        "scenario:N",
        scale=alt.Scale(domain=[label_a, label_b], range=[FAIR_SHARE_COLOUR, PLEDGED_COLOUR]),
        legend=alt.Legend(title=None, orient="top"),
    )
    chart = (
        alt.Chart(_named("compared"))
        .mark_bar()
        .encode(
            x=alt.X("amount:Q", title=labels["value"], axis=alt.Axis(format="~s")),
            y=alt.Y("name:N", sort=sort, title=labels["state"]),
            yOffset=alt.YOffset("scenario:N", sort=[label_a, label_b]),
            color=colour,
            tooltip=[
                alt.Tooltip("name:N", title="title"),
                alt.Tooltip("value_a:Q", title=label_a, format=fmt),
                alt.Tooltip("value_b:Q", title=label_b, format=fmt),
            ],
        )
        .properties(width=480, height=alt.Step(9))
        .configure_view(stroke=None)
    )
    return _inline(chart, "compared", data)


def sparkline_svg(
    values: Sequence[float | None], *, width: int = 120, height: int = 24, label: str
) -> str:
    """A small inline SVG line of ``values`` (no JavaScript), for tables and cards.

    ``None`` (and non-finite values) leave gaps; an isolated value is a dot; the last value is
    marked. The line uses ``currentColor``, so CSS decides its colour. The SVG is an image for
    assistive technology (``role="img"``) named by ``<title>`` = ``label`` (escaped).
    """
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(label)}</title>'
    )
    points = [
        (i, v) for i, v in enumerate(values) if v is not None and math.isfinite(v)
    ]  # (index, value)
    if not points:
        return head + "</svg>"
    pad = 2.5
    low = min(v for _, v in points)
    high = max(v for _, v in points)
    span = high - low
    n = len(values)
    step = (width - 2 * pad) / (n - 1) if n > 1 else 0.0
    inner = height - 2 * pad

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + i * step if n > 1 else width / 2
        y = pad + (high - v) / span * inner if span else height / 2
        return x, y

    parts = [head]
    run: list[str] = []
    previous = -2
    last_x, last_y = 0.0, 0.0
    for i, v in points:
        if i != previous + 1:
            parts.append(_run(run))
            run = []
        last_x, last_y = xy(i, v)
        run.append(f"{last_x:.1f},{last_y:.1f}")
        previous = i
    parts.append(_run(run))
    parts.append(f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2" fill="currentColor"/></svg>')
    return "".join(parts)


def _run(run: list[str]) -> str:
    if not run:
        return ""
    if len(run) == 1:
        x, y = run[0].split(",")
        return f'<circle cx="{x}" cy="{y}" r="1" fill="currentColor"/>'
    return (
        f'<polyline points="{" ".join(run)}" fill="none" stroke="currentColor" '
        'stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>'
    )


def _cache_dir() -> Path:
    configured = os.environ.get("EUPACT_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "eupact"


def _vegalite_version() -> str | None:
    """The Vega-Lite version Altair writes specs for, if vl-convert embeds it (else its latest)."""
    import altair as alt
    import vl_convert as vlc

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vlc.get_vegalite_versions() else None


def vega_bundle() -> str:
    """The JavaScript of vega, vega-lite and vega-embed as one offline script.

    It defines the globals ``vegaEmbed``, ``vegaLite`` and ``vega`` (vl-convert's default
    snippet) and uses the Vega-Lite version Altair targets. Building it takes ~1.1 s (measured
    with vl-convert 1.9: 1.09 s, ~0.9 MB), so the text is cached on disk under
    ``$EUPACT_CACHE_DIR`` (default ``~/.cache/eupact``), keyed by the vl-convert and Vega-Lite
    versions, and in memory. Serve it as a static file (``application/javascript``); do not
    inline it into a page.
    """
    import vl_convert as vlc

    version = str(getattr(vlc, "__version__", "unknown"))
    return _bundle(version, _vegalite_version(), str(_cache_dir()))


@cache
def _bundle(vlc_version: str, vl_version: str | None, cache_dir: str) -> str:
    import vl_convert as vlc

    path = Path(cache_dir) / f"vega-bundle-vlconvert-{vlc_version}-vl{vl_version or 'latest'}.js"
    try:
        text = path.read_text(encoding="utf-8")
        if "vegaEmbed" in text:
            return text
    except OSError:
        pass
    text = vlc.javascript_bundle(BUNDLE_SNIPPET, vl_version=vl_version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass  # a read-only home: the memory cache still spares the rebuild
    return text


def _script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element (cannot close it or open a comment)."""
    return (
        orjson.dumps(value)
        .decode("utf-8")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# d3-format locales, so that axes and tooltips write numbers as the page does.
FORMAT_LOCALES: dict[str, dict[str, Any]] = {
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
    "fr": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", "\u00a0€"]},
    "de": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", "\u00a0€"]},
}


def embed_html(spec: dict[str, Any], element_id: str, lang: str = "en") -> str:
    """The JSON data block from which ``/static/charts.js`` renders ``spec`` into the element
    ``#element_id`` with vega-embed, numbers formatted in ``lang``'s notation.

    A data block, not a script: the pages' Content-Security-Policy runs no inline script
    (:mod:`eupact.web.security`). ``ast`` makes Vega evaluate its expressions with its
    interpreter instead of compiling them with ``new Function`` (which that policy also
    refuses), and the styles vega-embed would write into the page are ``charts.css``'s. Place
    it after the element, then the scripts serving :func:`vega_bundle` and ``charts.js``; link
    ``/static/charts.css``. ``element_id`` must be a plain HTML id (letter first, then letters, digits,
    ``-`` or ``_``).
    """
    if not _ELEMENT_ID.match(element_id):
        raise ValueError(f"not a plain HTML element id: {element_id!r}")
    options = {
        "actions": False,
        "renderer": "svg",
        "ast": True,
        # their styles are in /static/charts.css, not written into the page
        "defaultStyle": False,
        "tooltip": {"disableDefaultStyle": True},
        "formatLocale": FORMAT_LOCALES.get(lang, FORMAT_LOCALES["en"]),
    }
    return (
        f'<script type="application/json" id="{element_id}-spec" data-vega-embed="{element_id}">'
        f"{_script_json({'spec': spec, 'options': options})}</script>"
    )
