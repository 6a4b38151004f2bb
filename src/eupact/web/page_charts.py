"""What the pool and assessment pages draw: the map and bar chart (built once per language and
figures), the assessment's rows with their sparklines."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from eupact.web import i18n, labels, views


def pool_charts(data: dict[str, Any], lang: str, _: Callable[[str], str]) -> dict[str, str]:
    """The map and the bar chart; built once per language and figures (the map's outlines make
    a 220 KB spec that takes ~20 ms to build, the page's budget is 100 ms)."""
    shares = tuple((r["geo"], float(r["share_pct"])) for r in data["rows"] if r.get("share_pct"))
    charts = {"map": _map_html(lang, shares)}
    compared = tuple(
        (r["geo"], float(r["fair_share_eur"]), float(r["pledged_total_eur"]))
        for r in data["rows"]
        if r.get("fair_share_eur") not in (None, "")
    )
    if compared:
        charts["bars"] = _bars_html(lang, compared)
    return charts


@lru_cache(maxsize=32)
def _map_html(lang: str, shares: tuple[tuple[str, float], ...]) -> str:
    from eupact.web.charts import choropleth_spec, embed_html

    _ = i18n.translations(lang).gettext
    spec = choropleth_spec(
        dict(shares),
        title=_("Reference key: share of the solidarity contributions (%)"),
        value_label=_("share (%)"),
        names=i18n.state_names(lang),
        fmt=".2f",
        no_data_label=_("no data"),
    )
    return embed_html(spec, "chart-map", lang)


@lru_cache(maxsize=64)
def _bars_html(lang: str, compared: tuple[tuple[str, float, float], ...]) -> str:
    from eupact.web.charts import embed_html, fair_share_vs_pledged_spec

    _ = i18n.translations(lang).gettext
    rows = [{"geo": g, "fair_share_eur": f, "pledged_total_eur": p} for g, f, p in compared]
    spec = fair_share_vs_pledged_spec(
        rows,
        names=i18n.state_names(lang),
        labels={
            "fair_share": _("fair share"),
            "pledged": _("pledged"),
            "eur": _("EUR (relocations at the Art. 12(3) equivalence)"),
            "state": _("Member State"),
        },
    )
    return embed_html(spec, "chart-bars", lang)


def assessment_rows(year: int, lang: str) -> dict[str, Any]:
    a = views.assessment(year)
    rows = []
    for geo, res in a.states.items():
        comparison = a.comparison.get(geo)
        rows.append(
            {
                "geo": geo,
                "label": res.label,
                "basis": res.basis,
                "fired": [
                    o.short or o.text
                    for det in res.determinations.values()
                    if not det.excluded
                    for o in det.fired
                ],
                "reasons": res.reasons(),
                "missing": res.missing,
                "comparison": comparison.status if comparison else "",
                "sparklines": _sparklines(a, geo, lang),
            }
        )
    return {"assessment": a, "rows": rows, "period": a.period.label}


def _sparklines(a: Any, geo: str, lang: str) -> list[dict[str, Any]]:
    """One sparkline per family of monthly series the snapshot holds for ``geo`` (the count, or
    failing that the rate): the real monthly figures are sparse, and a blank says so."""
    from eupact.web.charts import sparkline_svg

    _ = i18n.translations(lang).gettext
    name = i18n.state_name(geo, lang)
    lines = []
    for family in labels.MONTHLY_SERIES:
        for series, title in family:
            points = views.monthly_series(a, geo, series)
            if len(points) > 1:
                text = f"{name}: {_(title)}, {points[0][0]} – {points[-1][0]}"
                lines.append(
                    {
                        "title": _(title),
                        "svg": sparkline_svg([v for _, v in points], label=text),
                        "span": f"{points[0][0]} – {points[-1][0]}",
                        "months": len(points),
                        "last": points[-1][1],
                    }
                )
                break
    return lines
