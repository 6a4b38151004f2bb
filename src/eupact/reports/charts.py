"""Charts of the annual report: Altair specifications rendered offline to SVG by vl-convert.

Each function returns an Altair chart built from the assessment's own figures; :func:`render`
turns it into an SVG data URI that HTML and WeasyPrint embed without any network access.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from eupact.assessment.classify import Tri
from eupact.assessment.methodology import CATEGORIES
from eupact.reports.cache import cached

if TYPE_CHECKING:
    from eupact.assessment import Assessment
    from eupact.assessment.forecast import Forward
    from eupact.pool.outcome import PoolOutcome

FONT = "DejaVu Sans"
BLUE = "#003399"
YELLOW = "#e3a600"
GREY = "#9aa3b5"
LIGHT = "#e7eaf1"
RED = "#b2182b"
FLOOR = 0.01  # log scales cannot show zero: smaller values are drawn at this floor


def _data(rows: list[dict[str, Any]]) -> Any:
    import altair as alt

    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def _config(chart: Any) -> Any:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=10, titleFontSize=10, gridColor="#e3e6ee")
        .configure_legend(labelFontSize=10, titleFontSize=10, orient="bottom")
        .configure_view(stroke=None)
        .configure_title(fontSize=12, anchor="start")
    )


def render(chart: Any, *, cache: bool = True) -> str:
    """An Altair chart as an SVG data URI (vl-convert, offline; content-keyed cache)."""
    import vl_convert as vlc

    spec = chart.to_dict(validate=False)

    def svg() -> bytes:
        return vlc.vegalite_to_svg(spec).encode("utf-8")

    key = f"{getattr(vlc, '__version__', '')}\0{json.dumps(spec, sort_keys=True)}"
    data = cached("chart-svg", key, svg, use=cache)
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def routes_chart(a: Assessment) -> Any:
    """Irregular border crossings per Frontex route, the period's year and the year before."""
    import altair as alt

    held = {(r.route, r.year): r.crossings for r in a.data.routes}
    routes = sorted({r.route for r in a.data.routes if not r.route.startswith("Total")})
    year = a.period.start_year
    rows: list[dict[str, Any]] = []
    for route in routes:
        for y in (year - 1, year):
            value = held.get((route, y))
            rows.append(
                {
                    "route": route.replace(" (Atlantic/Canary Islands)", " (Atlantic)"),
                    "year": str(y),
                    "crossings": value,
                    "label": f"{value:,.0f}" if value is not None else "not found",
                }
            )
    data = _data(rows)
    base = alt.Chart(data).encode(
        y=alt.Y("route:N", sort="-x", title=None),
        yOffset=alt.YOffset("year:N"),
    )
    bars = base.mark_bar(height=9).encode(
        x=alt.X("crossings:Q", title="detections of irregular border crossings (Frontex)"),
        color=alt.Color(
            "year:N", scale=alt.Scale(range=[GREY, BLUE]), legend=alt.Legend(title="year")
        ),
    )
    labels = base.mark_text(align="left", dx=3, fontSize=9, color="#333").encode(
        x=alt.X("crossings:Q"), text="label:N"
    )
    missing = (
        alt.Chart(_data([r for r in rows if r["crossings"] is None]))
        .mark_text(align="left", dx=3, fontSize=9, color=RED)
        .encode(y=alt.Y("route:N"), yOffset=alt.YOffset("year:N"), x=alt.value(0), text="label:N")
    )
    return _config(alt.layer(bars, labels, missing).properties(width=430, height=230))


_MEASURES = (
    ("arrivals", "key_ratio", "arrivals / key share"),
    ("applications", "key_ratio", "applications / key share"),
    ("dublin_requests_outgoing", "key_ratio", "outgoing Dublin requests / key share"),
    ("dublin_requests_incoming", "key_ratio", "incoming Dublin requests / key share"),
    ("temporary_protection", "vs_eu_average", "temporary protection / EU average"),
)


def disproportion_chart(a: Assessment) -> Any:
    """Each state's burden relative to its key share (or the EU average), log scale."""
    import altair as alt

    rows: list[dict[str, Any]] = []
    for g in a.data.bound:
        for name, measure, label in _MEASURES:
            v = a.indicators.measure(name, measure, g)
            if v is None:
                continue
            rows.append({"geo": g, "measure": label, "value": max(v, FLOOR), "shown": f"{v:.2f}"})
    order = sorted({str(r["geo"]) for r in rows})
    points = (
        alt.Chart(_data(rows))
        .mark_point(filled=True, size=45, opacity=0.85)
        .encode(
            x=alt.X(
                "value:Q",
                scale=alt.Scale(type="log", domain=[FLOOR, 30]),
                axis=alt.Axis(values=[0.01, 0.1, 0.5, 1, 2, 5, 10, 20], format="~g"),
                title="ratio (1 = the state's fair share; log scale)",
            ),
            y=alt.Y("geo:N", sort=order, title=None),
            color=alt.Color(
                "measure:N",
                scale=alt.Scale(range=[RED, BLUE, YELLOW, "#4d9221", "#7b3294"]),
                legend=alt.Legend(title=None, columns=2, labelLimit=260),
            ),
            shape=alt.Shape("measure:N", legend=None),
        )
    )
    rules = (
        alt.Chart(_data([{"x": 1}, {"x": 2}]))
        .mark_rule(strokeDash=[4, 3], color="#555")
        .encode(x="x:Q")
    )
    return _config(alt.layer(rules, points).properties(width=460, height=15 * len(order)))


def _cell(value: Tri) -> str:
    return "yes" if value is True else ("no" if value is False else "undetermined")


def classification_chart(a: Assessment) -> Any:
    """The decision of 2025 beside eupact's finding, per state and category."""
    import altair as alt

    short = {"under_pressure": "pressure", "at_risk": "at risk", "significant": "significant"}
    rows: list[dict[str, Any]] = []
    for g, res in a.states.items():
        if not res.bound:
            continue
        comp = a.comparison.get(g)
        for i, cat in enumerate(CATEGORIES):
            if comp is not None:
                rows.append(
                    {
                        "geo": g,
                        "column": f"{short[cat]}: decision",
                        "value": _cell(comp.decision[i]),
                    }
                )
            rows.append({"geo": g, "column": f"{short[cat]}: eupact", "value": _cell(res.flags[i])})
    columns = [f"{short[c]}: {w}" for c in CATEGORIES for w in ("decision", "eupact")]
    chart = (
        alt.Chart(_data(rows))
        .mark_rect(stroke="white", strokeWidth=1.5)
        .encode(
            x=alt.X(
                "column:N", sort=columns, title=None, axis=alt.Axis(labelAngle=-35, orient="top")
            ),
            y=alt.Y("geo:N", title=None),
            color=alt.Color(
                "value:N",
                scale=alt.Scale(domain=["yes", "no", "undetermined"], range=[BLUE, LIGHT, YELLOW]),
                legend=alt.Legend(title=None),
            ),
        )
        .properties(width=300, height=13 * len(a.data.bound))
    )
    return _config(chart)


def forward_chart(forward: Forward, geos: list[str]) -> Any:
    """History is not kept in the projection; the chart shows the projected months with their
    intervals (used when a real series was long enough to be projected)."""
    import altair as alt

    levels = sorted(forward.levels)
    rows: list[dict[str, Any]] = []
    for g in geos:
        p = forward.states[g]
        for k, step in enumerate(p.steps):
            rows.append(
                {
                    "geo": g,
                    "period": step,
                    "mean": p.mean[k],
                    "lo": p.lower[levels[-1]][k],
                    "hi": p.upper[levels[-1]][k],
                }
            )
    base = alt.Chart(_data(rows)).encode(x=alt.X("period:N", title=None))
    band = base.mark_area(opacity=0.25, color=BLUE).encode(y="lo:Q", y2="hi:Q")
    line = base.mark_line(color=BLUE).encode(y=alt.Y("mean:Q", title=forward.title))
    chart = (
        alt.layer(band, line)
        .properties(width=200, height=120)
        .facet(facet=alt.Facet("geo:N", title=None), columns=3)
    )
    return _config(chart)


def charts(
    a: Assessment, forwards: dict[str, Forward] | None = None, *, cache: bool = True
) -> dict[str, str]:
    """Every chart of the report, rendered."""
    out = {
        "routes": render(routes_chart(a), cache=cache),
        "disproportion": render(disproportion_chart(a), cache=cache),
    }
    if a.comparison:
        out["classification"] = render(classification_chart(a), cache=cache)
    for name, f in (forwards or {}).items():
        projected = list(f.projected())
        if projected:
            out[f"forward_{name}"] = render(forward_chart(f, projected[:9]), cache=cache)
    return out


# --- the cycle summary's charts (static twins of the dashboard's pool chart) -------------------

FAIR_SHARE = "#2166ac"  # the dashboard's blue and orange: told apart with any colour vision
PLEDGED = "#e08214"


def pledges_chart(outcome: PoolOutcome, names: Mapping[str, str]) -> Any:
    """Each state's fair share (bar) and what it pledged (tick), EUR-equivalent, largest fair
    share first: the dashboard's pool chart, drawn for print."""
    import altair as alt

    fair_label, pledged_label = "fair share", "pledged"
    rows: list[dict[str, Any]] = []
    order = sorted(outcome.states.values(), key=lambda r: (-r.fair_share_financial, r.geo))
    for r in order:
        name = names.get(r.geo, r.geo)
        rows.append({"name": name, "measure": fair_label, "eur": float(r.fair_share_financial)})
        rows.append({"name": name, "measure": pledged_label, "eur": float(r.pledged_total)})
    colour = alt.Color(
        "measure:N",
        scale=alt.Scale(domain=[fair_label, pledged_label], range=[FAIR_SHARE, PLEDGED]),
        legend=alt.Legend(title=None, orient="top"),
    )
    y = alt.Y("name:N", sort=[names.get(r.geo, r.geo) for r in order], title=None)
    x = alt.X(
        "eur:Q",
        title=f"EUR-equivalent (a relocation counts EUR {outcome.equivalence:,}, Art. 12(3))",
        axis=alt.Axis(format="~s"),
    )
    step = 10
    bars = (
        alt.Chart(_data([r for r in rows if r["measure"] == fair_label]))
        .mark_bar(height=alt.RelativeBandSize(0.7))
        .encode(x=x, y=y, color=colour)
    )
    ticks = (
        alt.Chart(_data([r for r in rows if r["measure"] == pledged_label]))
        .mark_tick(thickness=3, size=step - 2)
        .encode(x=x, y=y, color=colour)
    )
    return _config(alt.layer(bars, ticks).properties(width=300, height=alt.Step(step)))


def offsets_chart(outcome: PoolOutcome, names: Mapping[str, str]) -> Any:
    """The obligatory responsibility offsets each contributing state owes (Art. 63(3), (7)),
    largest first, with the number at the end of each bar."""
    import altair as alt

    owed = sorted(
        ((n, g) for g, n in outcome.offsets.obligations.items() if n > 0),
        key=lambda item: (-item[0], item[1]),
    )
    order = [names.get(g, g) for _, g in owed]
    rows = [{"name": names.get(g, g), "owed": n, "label": f"{n:,}"} for n, g in owed]
    base = alt.Chart(_data(rows)).encode(
        y=alt.Y("name:N", sort=order, title=None),
        x=alt.X("owed:Q", title="responsibility offsets owed (applicants)"),
    )
    bars = base.mark_bar(color=BLUE, height=alt.RelativeBandSize(0.7))
    labels = base.mark_text(align="left", dx=3, fontSize=9, color="#333").encode(text="label:N")
    return _config(alt.layer(bars, labels).properties(width=280, height=alt.Step(11)))
