"""The assessment as plain tables (rows of JSON-ready values) for the CLI, files and the report,
so that every interface shows the same numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eupact.assessment.classify import Tri
from eupact.assessment.methodology import CATEGORIES, CATEGORY_TITLES
from eupact.assessment.registry import INDICATORS
from eupact.reports.tables import Table

if TYPE_CHECKING:
    from eupact.assessment import Assessment
    from eupact.assessment.forecast import Forward, NeedsInputs

SHORT = {"under_pressure": "under pressure", "at_risk": "at risk", "significant": "significant"}
MISSING = None  # a missing figure is shown empty ("n/a"), never 0


def yes_no(value: Tri) -> str:
    return "yes" if value is True else ("no" if value is False else "undetermined")


def _r(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def drivers(a: Assessment, geo: str) -> str:
    """The rules that fired for a state, with their values and thresholds."""
    res = a.states[geo]
    parts = []
    for cat in CATEGORIES:
        det = res.determinations[cat]
        if det.excluded or not det.holds:
            continue
        for o in det.fired:
            assert o.value is not None
            parts.append(f"{o.rule.short} {o.value:.2f} ≥ {float(o.rule.threshold):g}")
    return "; ".join(parts)


def classification_table(a: Assessment) -> Table:
    rows = []
    for geo, res in a.states.items():
        comp = a.comparison.get(geo)
        rows.append(
            {
                "geo": geo,
                "member_state": res.name,
                "category": res.label,
                **{
                    SHORT[c]: yes_no(res.flags[i]) if res.bound else "n/a"
                    for i, c in enumerate(CATEGORIES)
                },
                "basis": res.basis,
                "drivers": drivers(a, geo),
                "decision_2025": decision_label(comp.decision) if comp else "",
                "match_2025": comp.status if comp else "",
                "missing_indicators": " ".join(res.missing),
            }
        )
    notes = (
        f"Assessment {a.year}, reporting period {a.period.label}; methodology '{a.methodology.name}' "
        f"({', '.join(a.methodology.files)}). 'undetermined' = no rule of the category had a figure: "
        "a lack of data is never read as 'no'.",
        "decision_2025 = Commission Implementing Decision (EU) 2025/2323; match_2025: match = every "
        "category agrees; consistent = what could be determined agrees, the rest lacks data.",
    )
    return Table(
        "assessment",
        f"Migratory-pressure assessment {a.year} ({a.period.label})",
        tuple(rows[0]),
        rows,
        notes,
        wide=("member_state", "basis", "missing_indicators", "drivers"),
    )


def decision_label(flags: tuple[bool, bool, bool]) -> str:
    up, ar, sig = flags
    if up:
        return "under migratory pressure"
    found = [n for n, v in (("at risk", ar), ("significant migratory situation", sig)) if v]
    return " + ".join(found) if found else "none"


def comparison_table(a: Assessment) -> Table:
    rows = [
        {
            "geo": g,
            "decision_2025": decision_label(c.decision),
            "decision_basis": c.decision_basis,
            "eupact": a.states[g].label,
            **{SHORT[cat]: c.per_category[i] for i, cat in enumerate(CATEGORIES)},
            "status": c.status,
            "explanation": c.explanation,
        }
        for g, c in a.comparison.items()
    ]
    return Table(
        "comparison_2025",
        "eupact against Commission Implementing Decision (EU) 2025/2323",
        tuple(rows[0]) if rows else ("geo",),
        rows,
        wide=("decision_basis", "explanation"),
    )


def indicator_table(a: Assessment, name: str) -> Table:
    """One indicator for every state: figure, per 1,000, per EUR bn GDP, share, key ratio."""
    res = a.indicators.results[name]
    rows = []
    for g, m in res.states.items():
        rows.append(
            {
                "geo": g,
                "value": _r(m.figure.value, 0) if m.figure else MISSING,
                "period": m.figure.period if m.figure else "",
                "per_1000": _r(m.per_capita),
                "per_eur_bn_gdp": _r(m.per_gdp),
                "share_of_eu_pct": _r(m.share_of_eu * 100 if m.share_of_eu is not None else None),
                "key_share_pct": _r(a.indicators.key_shares[g] * 100),
                "key_ratio": _r(m.key_ratio),
                "vs_eu_average": _r(m.vs_eu_average),
                "notes": "; ".join(m.figure.notes if m.figure else ()),
                "source": m.figure.cite() if m.figure else "not in the data",
            }
        )
    eu = res.eu
    note = (
        f"{res.indicator.title} ({res.indicator.article}); basis {res.basis}"
        + (f", a proxy for {a.period.label}" if res.proxy else "")
        + (f"; EU total {eu.value:,.0f} ({eu.cite()})" if eu else "; no EU total in the data")
    )
    return Table(
        f"indicator_{name}",
        res.indicator.title,
        tuple(rows[0]),
        rows,
        (note, "An empty cell is a figure not in the data (never zero)."),
        wide=("notes", "source", "per_eur_bn_gdp"),
    )


def overview_table(a: Assessment) -> Table:
    """The headline relative measures of every state, side by side."""
    ind = a.indicators
    rows = []
    for g in ind.states:

        def m(name: str, measure: str, geo: str = g) -> float | None:
            return _r(ind.measure(name, measure, geo))

        growth = ind.route_growth.get(g)
        rows.append(
            {
                "geo": g,
                "key_share_pct": _r(ind.key_shares[g] * 100),
                "arrivals_key_ratio": m("arrivals", "key_ratio"),
                "applications_key_ratio": m("applications", "key_ratio"),
                "applications_vs_eu": m("applications", "vs_eu_average"),
                "tp_vs_eu": m("temporary_protection", "vs_eu_average"),
                "dublin_out_key_ratio": m("dublin_requests_outgoing", "key_ratio"),
                "dublin_in_key_ratio": m("dublin_requests_incoming", "key_ratio"),
                "route_growth_pct": _r(growth[0] * 100, 1) if growth else None,
            }
        )
    return Table(
        "indicators",
        f"Indicators relative to the EU and to the reference key, {a.period.label}",
        tuple(rows[0]),
        rows,
        (
            "key_ratio = share of the EU total ÷ share of the reference key (above 1: more than the "
            "key would give); vs_eu = per-capita figure ÷ EU per-capita figure. Empty = no figure.",
            ind.key_label,
        ),
    )


def coverage_classes(a: Assessment) -> dict[str, dict[str, str]]:
    """Per indicator and state, the class of source of the figure the assessment used:
    "primary", "user", "secondary", "set aside" (only a secondary figure, not admitted), or ""
    (no figure)."""
    out: dict[str, dict[str, str]] = {}
    for name, res in a.indicators.results.items():
        row: dict[str, str] = {}
        for geo in a.indicators.states:
            figure = res.states[geo].rate or res.states[geo].figure
            if figure is not None:
                held = {s.source_class for s in figure.sources}
                row[geo] = next((c for c in ("user", "primary", "secondary") if c in held), "")
            elif (name, geo) in a.indicators.set_aside:
                row[geo] = "set aside"
            else:
                row[geo] = ""
        out[name] = row
    return out


def coverage_table(a: Assessment) -> Table:
    """Which states have a figure for which indicator (on the period's basis), and from which
    class of source; the states with none named."""
    rows = []
    for name, row in coverage_classes(a).items():
        res = a.indicators.results[name]
        rows.append(
            {
                "indicator": name,
                "basis": res.basis,
                "primary": sum(1 for c in row.values() if c == "primary"),
                "user": sum(1 for c in row.values() if c == "user"),
                "secondary": sum(1 for c in row.values() if c == "secondary"),
                "eu_total": "yes" if res.eu else ("rate only" if res.eu_rate else "no"),
                "missing": " ".join(g for g, c in row.items() if c in ("", "set aside")),
                "secondary_set_aside": " ".join(g for g, c in row.items() if c == "set aside"),
            }
        )
    used = "primary and secondary" if a.data.allow_secondary else "primary and user only"
    return Table(
        "coverage",
        f"Data coverage by class of source ({used}): states with and without a figure",
        tuple(rows[0]),
        rows,
        wide=("missing", "secondary_set_aside"),
    )


def cumulative_table(a: Assessment) -> Table:
    ind = a.indicators
    rows = []
    for g in ind.states:
        row: dict[str, Any] = {"geo": g}
        for name in ("applications", "dublin_requests_incoming", "arrivals"):
            c = ind.results[name].states[g].cumulative
            row[f"{name}_sum"] = _r(c.value, 0) if c else None
            row[f"{name}_years"] = f"{len(c.periods)}/{c.window}" if c else ""
            row[f"{name}_key_ratio"] = _r(c.key_ratio) if c else None
        tp = ind.results["temporary_protection"].states[g]
        row["tp_per_1000"] = _r(tp.per_capita)
        row["tp_vs_eu"] = _r(tp.vs_eu_average)
        rows.append(row)
    window = ind.results["applications"].window
    return Table(
        "cumulative",
        f"Five-year cumulative view (Art. 10(3)): {', '.join(window)}",
        tuple(rows[0]),
        rows,
        (
            "Sums over the years of the window that have a figure (years = covered/window); the "
            "key ratio compares the state's share of the EU total over the same years with its "
            "key share. Temporary protection is a stock: the beneficiaries at the period's end.",
        ),
    )


def compact(label: str) -> str:
    """A category label in few words (for tables)."""
    return (
        label.replace("under migratory pressure", "pressure")
        .replace("significant migratory situation", "significant")
        .replace(" (lack of data)", "")
    )


def sensitivity_table(a: Assessment) -> Table:
    rows = []
    assert a.sensitivity is not None
    for t in a.sensitivity.thresholds:
        rows.append(
            {
                "rule": t.rule.short,
                "threshold": float(t.rule.threshold),
                "can_rise_to": _r(t.rise[0].critical, 3) if t.rise else None,
                "rise_pct": _r(t.rise[0].relative * 100, 1) if t.rise else None,
                "then": "; ".join(
                    f"{f.geo}: {compact(f.before)} → {compact(f.after)}" for f in t.rise
                )
                or "no state changes",
                "can_fall_to": _r(t.fall[0].critical, 3) if t.fall else None,
                "fall_pct": _r(t.fall[0].relative * 100, 1) if t.fall else None,
                "then_": "; ".join(
                    f"{f.geo}: {compact(f.before)} → {compact(f.after)}" for f in t.fall
                )
                or "no state changes",
            }
        )
    return Table(
        "sensitivity",
        "Sensitivity: how far each threshold can move before a state changes category",
        tuple(rows[0]),
        rows,
        (
            "can_rise_to: the threshold may rise up to this value with no change; just above it the "
            "states listed change. can_fall_to: at this value the states listed change. One "
            "threshold moves at a time.",
        ),
    )


def forward_table(forwards: dict[str, Forward]) -> Table:
    rows = []
    for name, f in forwards.items():
        for g, p in f.states.items():
            rows.append(
                {
                    "indicator": name,
                    "geo": g,
                    "status": p.status,
                    "next_year": _r(p.total, 0),
                    **{
                        f"pi{lv}": (
                            f"{p.total_lower[lv]:,.0f}–{p.total_upper[lv]:,.0f}"
                            if p.projected
                            else ""
                        )
                        for lv in f.levels
                    },
                    "backtest_ape_pct": _r(
                        sum(w.ape for w in p.backtest) / len(p.backtest) * 100, 1
                    )
                    if p.backtest
                    else None,
                    "synthetic": "SYNTHETIC" if f.synthetic else "",
                }
            )
    return Table("forward_look", "Projection of next year (Art. 9(3)(b))", tuple(rows[0]), rows)


def needs_table(needs: NeedsInputs) -> Table:
    def pct(v: float | None) -> str:
        return f"{v:.1%}" if v is not None else "not in the data"

    rows: list[dict[str, Any]] = [
        {
            "input": "overall number of arrivals (EU irregular border crossings)",
            "value": f"{needs.arrivals.value:,.0f} ({needs.arrivals.period})"
            if needs.arrivals
            else "not in the data",
            "source": needs.arrivals.cite() if needs.arrivals else "",
        },
        {
            "input": "projected arrivals, next year",
            "value": f"{needs.arrivals_projected:,.0f}"
            if needs.arrivals_projected
            else "not projected (see the forward look)",
            "source": "",
        },
        {
            "input": "average recognition rate (EU, first instance)",
            "value": pct(needs.recognition_rate),
            "source": "; ".join(f.cite() for f in needs.recognition_figures),
        },
        {
            "input": "average return rate (EU, returned ÷ ordered to leave)",
            "value": pct(needs.return_rate),
            "source": "; ".join(f.cite() for f in needs.return_figures),
        },
        {
            "input": "Member States under migratory pressure (not obliged to implement pledges)",
            "value": ", ".join(needs.under_pressure) or "none",
            "source": "this assessment",
        },
    ]
    return Table(
        "needs_inputs",
        "Inputs for the pool proposal (Art. 12(3) AMMR)",
        ("input", "value", "source"),
        rows,
        needs.notes,
        wide=("source",),
    )


def methodology_table(a: Assessment) -> Table:
    rows = a.methodology.parameter_rows()
    return Table(
        "methodology",
        f"Methodology '{a.methodology.name}' in force on {a.methodology.params.date}",
        ("parameter", "value", "reference", "note", "file"),
        [{k: r[k] for k in ("parameter", "value", "reference", "note", "file")} for r in rows],
        wide=("note", "file"),
    )


def methodology_comparison_table(a: Assessment, b: Assessment) -> Table:
    """States whose category differs between two methodologies, and the parameters that differ."""
    rows = []
    for g, ra in a.states.items():
        rb = b.states[g]
        rows.append(
            {
                "geo": g,
                a.methodology.name: ra.label,
                b.methodology.name + " ": rb.label,
                "changed": "yes" if ra.flags != rb.flags else "",
            }
        )
    pa = {r["parameter"]: r["value"] for r in a.methodology.parameter_rows()}
    pb = {r["parameter"]: r["value"] for r in b.methodology.parameter_rows()}
    changed = sorted(k for k in pa.keys() | pb.keys() if pa.get(k) != pb.get(k))
    notes = tuple(f"{k}: {pa.get(k, '—')} → {pb.get(k, '—')}" for k in changed) or (
        "the two methodologies have the same parameters",
    )
    return Table(
        "methodology_comparison",
        f"Categories under '{a.methodology.name}' and '{b.methodology.name}'",
        tuple(rows[0]),
        rows,
        notes,
    )


def category_title(cat: str) -> str:
    return CATEGORY_TITLES[cat]


def indicator_titles() -> dict[str, str]:
    return {n: i.title for n, i in INDICATORS.items()}
