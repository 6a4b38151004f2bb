"""Build ``eu27.geojson`` (the dashboard's map of Europe) from world-atlas' Natural Earth TopoJSON.

One-off and reproducible; pure Python, standard library only::

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python src/eupact/web/geo/build_geo.py /tmp/package/countries-50m.json

What it does (see ``SOURCE.md``):

1. decodes the TopoJSON (quantised, delta-encoded arcs) into polygons, keeping world-atlas'
   winding (d3's spherical convention: exterior rings clockwise in lon/lat), which is what Vega's
   geo paths expect;
2. dissolves the pieces that belong to one Eurostat geo code: Åland into Finland, and "N. Cyprus"
   into Cyprus (the EU treats the island as the territory of the Republic of Cyprus) — shared
   arcs are removed so no internal border is drawn;
3. clips every ring to the frame lon -25..45, lat 34..72 (Sutherland–Hodgman against the
   rectangle), which drops what lies far outside it (French overseas departments, the Canaries,
   Madeira, most of the Azores, Svalbard, Asian Russia, ...);
4. rounds coordinates to 2 decimals, removes repeated and collinear points, and drops islands
   smaller than ``MIN_AREA`` — always keeping each country's largest polygon, so Malta,
   Luxembourg and Cyprus stay;
5. writes one feature per country with properties ``geo`` (Eurostat code: Greece ``EL``,
   United Kingdom ``UK``, Kosovo ``XK``) and ``eu`` (true for the 27 Member States).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]

WEST, EAST, SOUTH, NORTH = -25.0, 45.0, 34.0, 72.0
DECIMALS = 2
# Islands below this area (square degrees, longitude scaled by cos(latitude); 1 ≈ 12,400 km²)
# are dropped, ~37 km², unless they are a country's largest polygon.
MIN_AREA = 0.003

EU27: dict[str, str] = {
    "Austria": "AT",
    "Belgium": "BE",
    "Bulgaria": "BG",
    "Cyprus": "CY",
    "Czechia": "CZ",
    "Germany": "DE",
    "Denmark": "DK",
    "Estonia": "EE",
    "Greece": "EL",
    "Spain": "ES",
    "Finland": "FI",
    "France": "FR",
    "Croatia": "HR",
    "Hungary": "HU",
    "Ireland": "IE",
    "Italy": "IT",
    "Lithuania": "LT",
    "Luxembourg": "LU",
    "Latvia": "LV",
    "Malta": "MT",
    "Netherlands": "NL",
    "Poland": "PL",
    "Portugal": "PT",
    "Romania": "RO",
    "Sweden": "SE",
    "Slovenia": "SI",
    "Slovakia": "SK",
}
# Parts of a Member State that Natural Earth draws separately.
MERGED: dict[str, str] = {"Åland": "FI", "N. Cyprus": "CY"}
NEIGHBOURS: dict[str, str] = {
    "United Kingdom": "UK",
    "Norway": "NO",
    "Switzerland": "CH",
    "Iceland": "IS",
    "Liechtenstein": "LI",
    "Albania": "AL",
    "Bosnia and Herz.": "BA",
    "Montenegro": "ME",
    "Macedonia": "MK",
    "North Macedonia": "MK",
    "Serbia": "RS",
    "Kosovo": "XK",
    "Ukraine": "UA",
    "Belarus": "BY",
    "Moldova": "MD",
    "Turkey": "TR",
    "Russia": "RU",
    "Georgia": "GE",
    "Armenia": "AM",
    "Azerbaijan": "AZ",
    "Morocco": "MA",
    "Algeria": "DZ",
    "Tunisia": "TN",
    "Syria": "SY",
    "Iraq": "IQ",
    "Iran": "IR",
    "Lebanon": "LB",
    "Andorra": "AD",
    "Monaco": "MC",
    "San Marino": "SM",
    "Vatican": "VA",
    "Faeroe Is.": "FO",
    "Jersey": "JE",
    "Guernsey": "GG",
    "Isle of Man": "IM",
}
# Only a sliver of Greenland's east coast would fall inside the frame.
EXCLUDED = {"Greenland"}


def decode_arcs(topo: dict[str, Any]) -> list[list[tuple[int, int]]]:
    """The arcs in quantised integer coordinates (delta decoding only)."""
    arcs: list[list[tuple[int, int]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        points: list[tuple[int, int]] = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x, y))
        arcs.append(points)
    return arcs


def arc_points(arcs: list[list[tuple[int, int]]], index: int) -> list[tuple[int, int]]:
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def stitch(arcs: list[list[tuple[int, int]]], ring: Sequence[int]) -> list[tuple[int, int]]:
    points: list[tuple[int, int]] = []
    for index in ring:
        pts = arc_points(arcs, index)
        points.extend(pts if not points else pts[1:])
    return points


def dissolve(arcs: list[list[tuple[int, int]]], polygons: list[list[list[int]]]) -> list[Polygon]:
    """Merge topological polygons: drop arcs used twice, chain the rest into rings.

    Returns quantised rings grouped into polygons (exterior clockwise, holes assigned by
    point-in-polygon), like topojson-client's ``merge``.
    """
    uses: dict[int, int] = {}
    for polygon in polygons:
        for ring in polygon:
            for index in ring:
                key = index if index >= 0 else ~index
                uses[key] = uses.get(key, 0) + 1
    kept = [i for poly in polygons for ring in poly for i in ring if uses[i if i >= 0 else ~i] == 1]
    # Chain the kept (directed) arcs end to start.
    by_start: dict[tuple[int, int], list[int]] = {}
    for index in kept:
        by_start.setdefault(arc_points(arcs, index)[0], []).append(index)
    rings: list[list[tuple[int, int]]] = []
    remaining = set(kept)
    for first in kept:
        if first not in remaining:
            continue
        remaining.discard(first)
        chain = [first]
        start = arc_points(arcs, first)[0]
        end = arc_points(arcs, first)[-1]
        while end != start:
            nxt = next(i for i in by_start[end] if i in remaining)
            remaining.discard(nxt)
            chain.append(nxt)
            end = arc_points(arcs, nxt)[-1]
        rings.append(stitch(arcs, chain))
    exteriors = [r for r in rings if signed_area(r) < 0]
    holes = [r for r in rings if signed_area(r) >= 0]
    result: list[list[list[tuple[int, int]]]] = [[r] for r in exteriors]
    for hole in holes:
        owner = next((p for p in result if contains(p[0], hole[0])), None)
        if owner is not None:
            owner.append(hole)
    return [[[(float(x), float(y)) for x, y in ring] for ring in poly] for poly in result]


def signed_area(ring: Sequence[tuple[float, float]]) -> float:
    """Shoelace area in the plane (negative when clockwise with y up)."""
    total = 0.0
    for (x0, y0), (x1, y1) in pairwise(ring):
        total += x0 * y1 - x1 * y0
    return total / 2


def contains(ring: Sequence[tuple[float, float]], point: tuple[float, float]) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in pairwise(ring):
        if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
            inside = not inside
    return inside


def clip(ring: Ring) -> Ring:
    """Sutherland–Hodgman clipping of a closed ring to the frame rectangle."""
    points = ring[:-1]
    for axis, limit, above in (
        (0, WEST, True),
        (0, EAST, False),
        (1, SOUTH, True),
        (1, NORTH, False),
    ):
        if not points:
            break
        out: Ring = []
        prev = points[-1]
        for cur in points:
            cur_in = _inside(cur, axis, limit, above)
            if cur_in != _inside(prev, axis, limit, above):
                out.append(_cross(prev, cur, axis, limit))
            if cur_in:
                out.append(cur)
            prev = cur
        points = out
    return [*points, points[0]] if points else []


def _inside(p: Point, axis: int, limit: float, above: bool) -> bool:
    return p[axis] >= limit if above else p[axis] <= limit


def _cross(a: Point, b: Point, axis: int, limit: float) -> Point:
    """Where the segment ``a``–``b`` crosses the line ``coordinate[axis] == limit``."""
    t = (limit - a[axis]) / (b[axis] - a[axis])
    if axis == 0:
        return (limit, a[1] + t * (b[1] - a[1]))
    return (a[0] + t * (b[0] - a[0]), limit)


def tidy(ring: Ring) -> Ring:
    """Round, then drop repeated and collinear points (the ring stays closed)."""
    rounded = [(round(x, DECIMALS), round(y, DECIMALS)) for x, y in ring]
    points: Ring = []
    for p in rounded[:-1]:
        if not points or p != points[-1]:
            points.append(p)
    while len(points) > 1 and points[0] == points[-1]:
        points.pop()
    changed = True
    while changed and len(points) >= 3:
        changed = False
        kept: Ring = []
        n = len(points)
        for i, (x1, y1) in enumerate(points):
            x0, y0 = kept[-1] if kept else points[i - 1]
            x2, y2 = points[(i + 1) % n]
            if (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0) == 0:
                changed = True
                continue
            kept.append((x1, y1))
        points = kept
    if len(points) < 3:
        return []
    return [*points, points[0]]


def geographic_area(ring: Ring) -> float:
    mean_lat = sum(y for _, y in ring) / len(ring)
    return abs(signed_area(ring)) * math.cos(math.radians(mean_lat))


def process(polygons: Iterable[Polygon]) -> list[Polygon]:
    out: list[tuple[float, Polygon]] = []
    for polygon in polygons:
        exterior = polygon[0]
        orientation = signed_area(exterior) < 0
        clipped = tidy(clip(exterior))
        if not clipped or (signed_area(clipped) < 0) != orientation:
            continue
        holes = [tidy(clip(h)) for h in polygon[1:]]
        holes = [h for h in holes if h and (signed_area(h) < 0) != orientation]
        out.append((geographic_area(clipped), [clipped, *holes]))
    if not out:
        return []
    largest = max(area for area, _ in out)
    return [poly for area, poly in out if area >= MIN_AREA or area == largest]


def build(topo: dict[str, Any]) -> dict[str, Any]:
    scale_x, scale_y = topo["transform"]["scale"]
    shift_x, shift_y = topo["transform"]["translate"]
    arcs = decode_arcs(topo)
    groups: dict[str, list[list[list[int]]]] = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        kind = geometry.get("type")
        if kind not in ("Polygon", "MultiPolygon") or name in EXCLUDED:
            continue
        polys: list[list[list[int]]] = [geometry["arcs"]] if kind == "Polygon" else geometry["arcs"]
        code = EU27.get(name) or MERGED.get(name) or NEIGHBOURS.get(name)
        inside = any(
            WEST <= x * scale_x + shift_x <= EAST and SOUTH <= y * scale_y + shift_y <= NORTH
            for poly in polys
            for ring in poly
            for index in ring
            for x, y in arc_points(arcs, index)
        )
        if code is None:
            if inside:
                raise SystemExit(f"no geo code for {name!r}, which lies in the frame")
            continue
        groups.setdefault(code, []).extend(polys)

    eu_codes = set(EU27.values())
    features: list[dict[str, Any]] = []
    for code in sorted(groups, key=lambda c: (c not in eu_codes, c)):
        quantised = dissolve(arcs, groups[code])
        polygons = [
            [[(x * scale_x + shift_x, y * scale_y + shift_y) for x, y in ring] for ring in poly]
            for poly in quantised
        ]
        kept = process(polygons)
        if not kept:
            continue
        shape: dict[str, Any] = (
            {"type": "Polygon", "coordinates": kept[0]}
            if len(kept) == 1
            else {"type": "MultiPolygon", "coordinates": kept}
        )
        features.append(
            {
                "type": "Feature",
                "properties": {"geo": code, "eu": code in eu_codes},
                "geometry": shape,
            }
        )
    missing = eu_codes - {f["properties"]["geo"] for f in features}
    if missing:
        raise SystemExit(f"Member States missing from the map: {sorted(missing)}")
    return {"type": "FeatureCollection", "features": features}


def dumps(collection: dict[str, Any]) -> str:
    """Compact JSON, one feature per line (readable diffs, small file)."""
    lines = [
        json.dumps(f, separators=(",", ":"), ensure_ascii=False) for f in collection["features"]
    ]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("topojson", type=Path, help="world-atlas countries-50m.json")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path(__file__).with_name("eu27.geojson"),
        help="output GeoJSON (default: eu27.geojson next to this script)",
    )
    args = parser.parse_args(argv)
    collection = build(json.loads(args.topojson.read_text(encoding="utf-8")))
    text = dumps(collection)
    args.output.write_text(text, encoding="utf-8")
    eu = sum(1 for f in collection["features"] if f["properties"]["eu"])
    print(
        f"{args.output}: {len(collection['features'])} features ({eu} EU), {len(text):,} bytes",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
