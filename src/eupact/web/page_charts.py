"""What the pool and assessment pages draw: the map and bar chart (built once per language and
figures), the assessment's rows with their sparklines."""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction
from functools import lru_cache
from typing import Any

from eupact.errors import EupactError
from eupact.web import generated_text, i18n, labels, views


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


#: "…; threshold 6/5: fires" at the end of a rule's reason (the assessment's own wording)
_THRESHOLD = re.compile(r"; threshold (-?\d+(?:/\d+)?)(?: \([^)]*\))?: (fires|does not fire)$")
_THRESHOLD_ANYWHERE = re.compile(
    r"threshold (-?\d+(?:/\d+)?)(?: \(([^)]*)\))?: (fires|does not fire)"
)
_CATEGORY_FLAGS = (
    ("under migratory pressure", "under_pressure"),
    ("at risk", "at_risk"),
    ("significant migratory situation", "significant"),
)


def threshold_text(rule: Any, lang: str) -> str:
    """A rule's threshold in plain figures: a growth as a percentage, a ratio with two decimals
    (the methodology's 6/5 is 1.20 × the key share, or × the EU average)."""
    value = Fraction(rule.threshold)
    if rule.measure == "growth" or rule.indicator == "route":
        sign = "+" if value > 0 else ""
        return f"{sign}{i18n.number(value * 100, lang)} %"
    return f"{i18n.number(float(value), lang, 2)} ×"


def plain_reason(line: str) -> str:
    """A detailed reason (English) with the threshold as a number and "met" / "not met"
    instead of the methodology's "6/5: fires"."""

    def word(m: re.Match[str]) -> str:
        shown = m.group(2) or f"{float(Fraction(m.group(1))):g}"
        verdict = "met" if m.group(3) == "fires" else "not met"
        return f"threshold {shown}: {verdict}"

    return _THRESHOLD_ANYWHERE.sub(word, line)


def fired_lines(res: Any, lang: str) -> list[dict[str, str]]:
    """The indicators that decided a state's category: each figure, and the threshold it
    reached (the assessment's short reason without its "threshold …: fires" jargon)."""
    out = []
    for det in res.determinations.values():
        if det.excluded:
            continue
        for o in det.fired:
            text = _THRESHOLD.sub("", o.short or o.text)
            out.append(
                {
                    "text": generated_text.shown(text, lang),
                    "threshold": threshold_text(o.rule, lang),
                }
            )
    return out


_RULE_VALUE = re.compile(r"\b([a-z_]+\.[a-z_]+) (-?\d+(?:\.\d+)?) ≥ (-?\d+(?:\.\d+)?)")
_MEASURES = {
    "key_ratio": " × key share",
    "cumulative_key_ratio": " × key share, cumulative",
    "vs_eu_average": " × EU average",
}


def plain_explanation(text: str, methodology: Any) -> str:
    """The comparison's explanation (English) with each rule named by its indicator, not by
    its parameter: 'at_risk.applications 1.02 ≥ 1' reads 'first-time applicants 1.02 × key
    share ≥ 1'."""
    from eupact.assessment.classify import short_title

    def word(m: re.Match[str]) -> str:
        try:
            rule = methodology.rule(m.group(1))
        except EupactError:  # not a rule's name: left as written
            return m.group(0)
        value, threshold = float(m.group(2)), float(m.group(3))
        if rule.measure == "growth":
            return f"{short_title(rule.indicator)} {value:+.0%} ≥ {threshold:+.0%}"
        measure = _MEASURES.get(rule.measure, "")
        return f"{short_title(rule.indicator)} {m.group(2)}{measure} ≥ {m.group(3)}"

    return _RULE_VALUE.sub(word, text)


def decision_of(comparison: Any, methodology: Any = None) -> dict[str, Any] | None:
    """What the Commission's decision under Art. 11 says of a state (the categories it lists the
    state in, and on what basis), and how eupact's recomputation compares with it."""
    if comparison is None:
        return None
    flags = dict(
        zip(("under_pressure", "at_risk", "significant"), comparison.decision, strict=True)
    )
    categories = [label for label, flag in _CATEGORY_FLAGS if flags[flag]]
    return {
        "categories": categories,
        "basis": comparison.decision_basis,
        "status": comparison.status,
        "explanation": (
            plain_explanation(comparison.explanation, methodology)
            if methodology is not None
            else comparison.explanation
        ),
    }


def assessment_row(a: Any, geo: str, lang: str) -> dict[str, Any]:
    """One state's line of the assessment: its category, what decided it, every rule applied,
    the Commission's decision, the monthly series of the reporting period."""
    res = a.states[geo]
    return {
        "geo": geo,
        "label": res.label,
        "basis": generated_text.shown(res.basis, lang) if res.basis else "",
        "fired": fired_lines(res, lang),
        "reasons": [generated_text.shown(plain_reason(line), lang) for line in res.reasons()],
        "missing": res.missing,
        "decision": decision_of(a.comparison.get(geo), a.methodology),
        "sparklines": _sparklines(a, geo, lang),
    }


def assessment_rows(year: int, lang: str) -> dict[str, Any]:
    a = views.assessment(year)
    rows = [assessment_row(a, geo, lang) for geo in a.states]
    return {"assessment": a, "rows": rows, "period": a.period.label}


def _sparklines(a: Any, geo: str, lang: str) -> list[dict[str, Any]]:
    """One sparkline per family of monthly series the snapshot holds for ``geo`` within the
    reporting period (the count, or failing that the rate, always per 1,000 inhabitants): the
    real monthly figures are sparse, and a blank says so."""
    from eupact.web.charts import sparkline_svg

    _ = i18n.translations(lang).gettext
    name = i18n.state_name(geo, lang)
    lines = []
    for family in labels.MONTHLY_SERIES:
        for series, title, factor in family:
            points = [
                (label, value if factor is None else value * factor)
                for label, value in views.monthly_series(a, geo, series)
            ]
            if len(points) > 1:
                text = f"{name}: {_(title)}, {points[0][0]} – {points[-1][0]}"
                lines.append(
                    {
                        "title": _(title),
                        "svg": sparkline_svg([v for _, v in points], label=text),
                        "span": f"{points[0][0]} – {points[-1][0]}",
                        "months": len(points),
                        "last": points[-1][1],
                        "decimals": 0 if factor is None else 2,
                    }
                )
                break
    return lines
