"""Categories with reasons (Art. 11 AMMR): which rules fired for a state, on which figures.

Each category of the methodology is decided per state from its rules: the weights of the rules
that fire are summed; the category holds when the sum reaches ``min_score``; it does not hold when
at least ``min_available`` of its rules had data; otherwise it is *undetermined* — a lack of data
is never read as "no pressure". Three-valued results: True, False, None (undetermined).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from eupact.assessment.data import Figure, cite
from eupact.assessment.indicators import IndicatorSet, StateMeasure
from eupact.assessment.methodology import (
    CATEGORIES,
    CATEGORY_ARTICLES,
    CATEGORY_TITLES,
    Methodology,
    Rule,
)
from eupact.assessment.registry import ROUTE
from eupact.data.snapshot import Classification

Tri = bool | None
Values = dict[str, dict[str, float | None]]  # rule name -> geo -> measure


def rule_values(indicators: IndicatorSet, method: Methodology) -> Values:
    """Every rule's measure for every state, computed once (the fast path of decisions)."""
    return {
        r.name: {g: indicators.measure(r.indicator, r.measure, g) for g in indicators.states}
        for r in method.rules
    }


def decide_state(
    values: Values, method: Methodology, geo: str, limits: Mapping[str, float] | None = None
) -> tuple[Tri, Tri, Tri]:
    """(under pressure, at risk, significant) for one state; ``limits`` overrides thresholds."""
    out: list[Tri] = []
    for cat in CATEGORIES:
        cr = method.categories[cat]
        weights, needed = cr.int_weights, cr.int_needed
        score = 0
        available = 0
        for r, w in zip(cr.rules, weights, strict=True):
            v = values[r.name][geo]
            if v is None:
                continue
            available += 1
            limit = limits[r.name] if limits and r.name in limits else r.limit
            if v >= limit:
                score += w
        holds: Tri = True if score >= needed else (False if available >= cr.min_available else None)
        if cr.excludes_under_pressure and out and out[0] is True:
            holds = False
        out.append(holds)
    return out[0], out[1], out[2]


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    rule: Rule
    value: float | None
    fired: Tri
    text: str  # the full reason: figures with their releases, threshold, rule, article
    figures: tuple[Figure, ...]
    short: str = ""  # the same without the releases (reports cite them by number)


@dataclass(frozen=True, slots=True)
class Determination:
    category: str
    holds: Tri
    score: Fraction
    available: int
    outcomes: tuple[RuleOutcome, ...]
    excluded: bool  # would hold, but the state is under pressure (exclusive categories)

    @property
    def fired(self) -> tuple[RuleOutcome, ...]:
        return tuple(o for o in self.outcomes if o.fired)


@dataclass(frozen=True)
class StateResult:
    geo: str
    name: str
    bound: bool
    determinations: dict[str, Determination]
    basis: str
    missing: tuple[str, ...]

    @property
    def flags(self) -> tuple[Tri, Tri, Tri]:
        d = self.determinations
        return d["under_pressure"].holds, d["at_risk"].holds, d["significant"].holds

    @property
    def label(self) -> str:
        return category_label(self.flags, self.bound)

    def reasons(self) -> list[str]:
        """Why the state is where it is: each rule's figure, threshold and releases."""
        if not self.bound:
            return ["not assessed: Denmark is not bound by the AMMR (recital 90, Protocol No 22)"]
        lines = []
        for cat in CATEGORIES:
            det = self.determinations[cat]
            head = f"{CATEGORY_TITLES[cat]} ({CATEGORY_ARTICLES[cat]}): " + _verdict(det)
            if cat == "under_pressure" and det.holds and self.basis:
                head += f" — basis: {self.basis}"
            lines.append(head)
            for o in det.outcomes:
                lines.append(f"  · {o.text}")
        return lines


def _verdict(det: Determination) -> str:
    if det.excluded:
        return "not assessed separately (the state is under migratory pressure)"
    if det.holds is True:
        return f"YES (score {det.score} from {len(det.fired)} rule(s))"
    if det.holds is False:
        return f"no ({det.available} rule(s) with data, none fired)"
    return "UNDETERMINED for lack of data (no rule of this category has a figure)"


def category_label(flags: tuple[Tri, Tri, Tri], bound: bool = True) -> str:
    """The state's category in words: under pressure / at risk / significant / none /
    undetermined."""
    if not bound:
        return "not bound (Protocol No 22)"
    up, ar, sig = flags
    if up:
        return "under migratory pressure"
    found = [name for name, v in (("at risk", ar), ("significant migratory situation", sig)) if v]
    if found:
        return " + ".join(found)
    if up is False and ar is False and sig is False:
        return "none"
    return "undetermined (lack of data)"


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if value == int(value):
        return f"{value:.0f}"
    return f"{value:,.2f}"


def _figure_text(fig: Figure, cited: bool = True) -> str:
    if not cited:
        proxy = ", proxy" if fig.proxy else ""
        derived = "".join(f"; {n}" for n in fig.notes if n.startswith(("derived", "sum of")))
        return f"{_fmt(fig.value)} ({fig.period}{proxy}{derived})"
    notes = f"; {'; '.join(fig.notes)}" if fig.notes else ""
    flags = f"; flag '{fig.flags}'" if fig.flags else ""
    return f"{_fmt(fig.value)} ({fig.period}{notes}{flags}; {fig.cite()})"


SHORT_TITLES = {
    "arrivals": "irregular arrivals",
    "sea_arrivals": "sea arrivals",
    "applications": "first-time applicants",
    "temporary_protection": "temporary-protection beneficiaries",
    "dublin_requests_outgoing": "outgoing Dublin requests",
    "dublin_requests_incoming": "incoming Dublin requests",
    "dublin_transfers_outgoing": "outgoing Dublin transfers",
    "dublin_transfers_incoming": "incoming Dublin transfers",
    ROUTE: "route trend",
}


def short_title(indicator: str) -> str:
    return SHORT_TITLES.get(indicator, indicator.replace("_", " "))


def _outcome(rule: Rule, indicators: IndicatorSet, geo: str, value: float | None) -> RuleOutcome:
    fired = None if value is None else value >= rule.limit
    where = f"[{rule.short}, {rule.citation}]"
    verdict = "" if fired is None else ("fires" if fired else "does not fire")
    threshold = f"threshold {rule.threshold}"
    title = short_title(rule.indicator)
    if rule.indicator == ROUTE:
        growth = indicators.route_growth.get(geo)
        trends = [t for t in indicators.routes if geo in t.states]
        if growth is None:
            names = ", ".join(t.route for t in trends) or "no route assigned"
            body = f"route trend: no growth figure for {names} (crossings of both years needed)"
            return RuleOutcome(rule, None, None, f"{body} {where}", (), body)
        trend = next(t for t in trends if t.route == growth[1])
        body = (
            f"route trend: {trend.route} {_fmt(trend.crossings or 0)} crossings in {trend.year} vs "
            f"{_fmt(trend.previous or 0)} in {trend.year - 1} = {growth[0]:+.1%}; {threshold} "
            f"({float(rule.threshold):+.0%}): {verdict}"
        )
        return RuleOutcome(rule, value, fired, f"{body} {where}", trend.figures, body)
    result = indicators.results[rule.indicator]
    m: StateMeasure = result.states[geo]
    if value is None:
        reason = "no figure" if m.figure is None else "no EU total to compare with"
        basis = result.basis + (f" (proxy for {indicators.period.label})" if result.proxy else "")
        body = f"{title} ({rule.measure}): {reason} for {basis}"
        return RuleOutcome(rule, None, None, f"{body} {where}", (), body)
    figs: list[Figure] = []
    if rule.measure.startswith("cumulative"):
        c = m.cumulative
        assert c is not None
        ratio = (
            f"{value:.2f} × its key share {indicators.key_shares[geo]:.2%}"
            if rule.measure == "cumulative_key_ratio"
            else f"{value:.2f} × its population share {indicators.population_shares[geo]:.2%}"
        )
        body = (
            f"{title}, cumulative: {_fmt(c.value)} over {', '.join(c.periods)} ({len(c.periods)} "
            f"of {c.window} years) = {c.share:.2%} of the EU's {_fmt(c.eu)} → {ratio}; "
            f"{threshold}: {verdict}"
        )
        return RuleOutcome(rule, value, fired, f"{body} {where}", c.figures, body)
    figs += [f for f in (m.rate or m.figure, result.eu, result.eu_rate) if f is not None]
    texts = []
    for cited in (True, False):
        if rule.measure == "key_ratio":
            assert m.figure is not None and m.share_of_eu is not None and result.eu is not None
            body = (
                f"{_figure_text(m.figure, cited)} = {m.share_of_eu:.2%} of the EU's "
                f"{_fmt(result.eu.value)} → {value:.2f} × its key share "
                f"{indicators.key_shares[geo]:.2%}"
            )
        elif rule.measure == "vs_eu_average":
            shown = m.rate or m.figure
            assert shown is not None and m.per_capita is not None
            assert result.eu_per_capita is not None
            body = (
                f"{_figure_text(shown, cited)} = {m.per_capita:.2f} per 1,000 inhabitants vs the "
                f"EU's {result.eu_per_capita:.2f} → {value:.2f} × the EU average"
            )
        else:
            body = f"{rule.measure} = {_fmt(value)}"
        texts.append(f"{title}: {body}; {threshold}: {verdict}")
    return RuleOutcome(rule, value, fired, f"{texts[0]} {where}", tuple(figs), texts[1])


def _basis(method: Methodology, indicators: IndicatorSet, geo: str, det: Determination) -> str:
    if not det.holds:
        return ""
    fired = {o.rule.indicator for o in det.fired}
    if "arrivals" in fired:
        arrivals = indicators.results["arrivals"].states[geo].figure
        sea = indicators.results["sea_arrivals"].states[geo].figure
        if arrivals and sea and arrivals.value > 0:
            share = sea.value / arrivals.value
            if share >= float(method.sar_sea_share):
                return (
                    "disproportionate number of arrivals following search and rescue at sea (Art. "
                    f"11(3); sea arrivals {_fmt(sea.value)} are {share:.0%} of arrivals, at least "
                    f"{method.sar_sea_share} — sea arrivals stand in for SAR disembarkations)"
                )
        return "disproportionate level of arrivals"
    if "applications" in fired:
        return "disproportionate level of applications for international protection (arrivals: no figure)"
    return "disproportionate obligations (" + ", ".join(sorted(fired)) + ")"


def classify(
    indicators: IndicatorSet,
    method: Methodology,
    bound: tuple[str, ...],
    names: Mapping[str, str] | None = None,
    values: Values | None = None,
) -> dict[str, StateResult]:
    """Every state's determinations, with the outcome of every rule."""
    values = values if values is not None else rule_values(indicators, method)
    out = {}
    for geo in indicators.states:
        flags = decide_state(values, method, geo)
        dets = {}
        for i, cat in enumerate(CATEGORIES):
            cr = method.categories[cat]
            outcomes = tuple(_outcome(r, indicators, geo, values[r.name][geo]) for r in cr.rules)
            score = sum((o.rule.weight for o in outcomes if o.fired), Fraction(0))
            available = sum(1 for o in outcomes if o.value is not None)
            excluded = cr.excludes_under_pressure and flags[0] is True and score >= cr.min_score
            dets[cat] = Determination(cat, flags[i], score, available, outcomes, excluded)
        is_bound = geo in bound
        if not is_bound:
            dets = {
                c: Determination(c, False, Fraction(0), 0, d.outcomes, False)
                for c, d in dets.items()
            }
        out[geo] = StateResult(
            geo,
            (names or {}).get(geo, geo),
            is_bound,
            dets,
            _basis(method, indicators, geo, dets["under_pressure"]) if is_bound else "",
            tuple(indicators.missing(geo)),
        )
    return out


# --- the Commission's 2025 decision -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DecisionComparison:
    geo: str
    decision: tuple[bool, bool, bool]
    decision_basis: str
    ours: tuple[Tri, Tri, Tri]
    per_category: tuple[str, str, str]  # match / mismatch / undetermined
    status: str  # match / consistent / mismatch / not bound
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "geo": self.geo,
            "decision": dict(zip(CATEGORIES, self.decision, strict=True)),
            "decision_basis": self.decision_basis,
            "eupact": dict(zip(CATEGORIES, self.ours, strict=True)),
            "per_category": dict(zip(CATEGORIES, self.per_category, strict=True)),
            "status": self.status,
            "explanation": self.explanation,
        }


_SHORT_CATEGORY = {"under_pressure": "pressure", "at_risk": "at risk", "significant": "significant"}


def decision_flags(c: Classification) -> tuple[bool, bool, bool]:
    return (
        c.under_migratory_pressure,
        c.at_risk_of_migratory_pressure,
        c.significant_migratory_situation,
    )


def compare_with_decision(
    results: Mapping[str, StateResult], decision: Mapping[str, Classification]
) -> dict[str, DecisionComparison]:
    """Per state and category: does eupact's finding match the Commission's decision?"""
    out = {}
    for geo, res in results.items():
        if geo not in decision:
            continue
        theirs = decision_flags(decision[geo])
        ours = res.flags
        if not res.bound:
            status = "not bound" if not any(theirs) else "mismatch"
            out[geo] = DecisionComparison(
                geo,
                theirs,
                decision[geo].pressure_basis,
                (False, False, False),
                ("match", "match", "match"),
                status,
                "Denmark is not bound by the AMMR; the decision lists it in no category",
            )
            continue
        verdicts = [
            "undetermined" if o is None else ("match" if o == t else "mismatch")
            for o, t in zip(ours, theirs, strict=True)
        ]
        per = (verdicts[0], verdicts[1], verdicts[2])
        if "mismatch" in per:
            status = "mismatch"
        elif all(p == "undetermined" for p in per):
            status = "undetermined"
        elif "undetermined" in per:
            status = "consistent"  # what could be determined matches; the rest lacks data
        else:
            status = "match"
        notes = []
        for cat, p, o, t in zip(CATEGORIES, per, ours, theirs, strict=True):
            det = res.determinations[cat]
            name = _SHORT_CATEGORY[cat]
            if p == "mismatch" and o:
                fired = "; ".join(
                    f"{f.rule.short} {f.value:.2f} ≥ {float(f.rule.threshold):g}"
                    for f in det.fired
                    if f.value is not None
                )
                notes.append(f"{name}: eupact yes ({fired}), the decision no")
            elif p == "mismatch":
                notes.append(
                    f"{name}: the decision yes, eupact no — the Commission's reasons rest on "
                    "information not in our data (Art. 10(2))"
                )
            elif p == "undetermined" and t:
                lacking = sorted(
                    {short_title(o.rule.indicator) for o in det.outcomes if o.value is None}
                )
                notes.append(
                    f"{name} (decision: yes): undetermined — no figure for {', '.join(lacking)}"
                )
        undetermined_no = [
            _SHORT_CATEGORY[c]
            for c, p, t in zip(CATEGORIES, per, theirs, strict=True)
            if p == "undetermined" and not t
        ]
        if undetermined_no:
            notes.append(
                f"{' and '.join(undetermined_no)} (decision: no): undetermined for lack of data"
            )
        if res.flags[0] and theirs[0]:
            theirs_sar = "search and rescue" in decision[geo].pressure_basis
            ours_sar = "search and rescue" in res.basis
            if theirs_sar != ours_sar:
                notes.append(
                    f"basis differs: decision '{decision[geo].pressure_basis}', eupact '{res.basis}'"
                )
        out[geo] = DecisionComparison(
            geo,
            theirs,
            decision[geo].pressure_basis,
            ours,
            per,
            status,
            "; ".join(notes),
        )
    return out


def cited_sources(results: Mapping[str, StateResult]) -> list[str]:
    """Every release a reason rests on, cited once."""
    seen: dict[str, None] = {}
    for res in results.values():
        for det in res.determinations.values():
            for o in det.outcomes:
                for f in o.figures:
                    for s in f.sources:
                        seen.setdefault(cite(s), None)
    return list(seen)
