"""Categories with reasons (Art. 11 AMMR, including the search-and-rescue rule of Art. 11(3)):
which rules fired for a state, on which figures.

Each category of the methodology is decided per state from its rules: the weights of the rules
that fire are summed; the category holds when the sum reaches ``min_score``; it does not hold when
at least ``min_available`` of its rules had data; otherwise it is *undetermined* — a lack of data
is never read as "no pressure". Three-valued results: True, False, None (undetermined).

Under migratory pressure has a second, independent ground (Art. 11(3)): recurring disembarkations
after search and rescue in large numbers make a state under pressure whatever its score. That rule
is three-valued too (missing SAR figures leave it undetermined, never "no"); when determined it
counts as one rule with data towards ``min_available``.
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
    SAR_MONTHS,
    Methodology,
    Rule,
    SarRule,
)
from eupact.assessment.registry import ROUTE
from eupact.assessment.sar import both
from eupact.data.snapshot import Classification

Tri = bool | None
# rule name -> geo -> measure; under SAR_MONTHS, whether the SAR disembarkations are recurring
# (1.0 yes, 0.0 no, None undetermined: Art. 11(3))
Values = dict[str, dict[str, float | None]]
SAR_GROUND = "search and rescue (Art. 11(3))"


def rule_values(indicators: IndicatorSet, method: Methodology) -> Values:
    """Every rule's measure for every state, computed once (the fast path of decisions)."""
    values = {
        r.name: {g: indicators.measure(r.indicator, r.measure, g) for g in indicators.states}
        for r in method.rules
    }
    if method.sar is not None:
        values[SAR_MONTHS] = {
            g: None if (held := rec.holds) is None else float(held)
            for g, rec in indicators.recurrence.items()
        }
    return values


def sar_fires(
    values: Values, sar: SarRule, geo: str, limits: Mapping[str, float] | None = None
) -> Tri:
    """Art. 11(3): recurring AND large; three-valued."""
    large_value = values[sar.rule.name][geo]
    limit = limits[sar.rule.name] if limits and sar.rule.name in limits else sar.rule.limit
    large = None if large_value is None else large_value >= limit
    recurring_value = values[SAR_MONTHS].get(geo)
    recurring = None if recurring_value is None else recurring_value == 1.0
    return both(recurring, large)


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
        sar: Tri = None
        if cat == "under_pressure" and method.sar is not None:
            sar = sar_fires(values, method.sar, geo, limits)
            available += sar is not None
        holds: Tri = (
            True
            if score >= needed or sar is True
            else (False if available >= cr.min_available else None)
        )
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
    outcomes: tuple[RuleOutcome, ...]  # the scored rules', then the Art. 11(3) rule's
    excluded: bool  # would hold, but the state is under pressure (exclusive categories)
    sar: RuleOutcome | None = None  # the Art. 11(3) rule (under pressure only), also in outcomes
    needed: Fraction = Fraction(0)  # min_score of the category

    @property
    def fired(self) -> tuple[RuleOutcome, ...]:
        return tuple(o for o in self.outcomes if o.fired)

    @property
    def by_score(self) -> bool:
        """The scored rules reach min_score (the general ground of the category)."""
        return self.score >= self.needed

    @property
    def scored(self) -> tuple[RuleOutcome, ...]:
        return tuple(o for o in self.outcomes if o is not self.sar)


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

    def resting_on(self, source_class: str) -> tuple[str, ...]:
        """The rules (by name) whose figures include one of ``source_class`` ("secondary":
        read from a page; "user": a user's import)."""
        names: dict[str, None] = {}
        for det in self.determinations.values():
            for o in det.outcomes:
                if any(s.source_class == source_class for f in o.figures for s in f.sources):
                    names.setdefault(o.rule.name, None)
        return tuple(names)

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
        for source_class, words in (
            ("secondary", "secondary figures (pages)"),
            ("user", "a user's import"),
        ):
            resting = self.resting_on(source_class)
            if resting:
                lines.append(f"Rules resting on {words}: {', '.join(resting)}")
        return lines


def _verdict(det: Determination) -> str:
    if det.excluded:
        return "not assessed separately (the state is under migratory pressure)"
    if det.holds is True:
        grounds = []
        if det.sar is not None and det.sar.fired:
            grounds.append(
                f"by the {SAR_GROUND} rule: recurring SAR disembarkations in large numbers"
            )
        fired = [o for o in det.scored if o.fired]
        if det.by_score:
            grounds.append(f"score {det.score} from {len(fired)} rule(s)")
        elif det.sar is not None:
            grounds.append(f"the other rules: score {det.score} of {det.needed} needed")
        return f"YES ({'; '.join(grounds)})"
    if det.holds is False:
        return f"no ({det.available} rule(s) with data, none fired)"
    if det.available:
        return (
            f"UNDETERMINED for lack of data ({det.available} rule(s) with data, none fired; "
            "too few to conclude 'no')"
        )
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
    "sar_disembarkations": "SAR disembarkations",
    ROUTE: "route trend",
}


def short_title(indicator: str) -> str:
    return SHORT_TITLES.get(indicator, indicator.replace("_", " "))


def _outcome(
    rule: Rule,
    indicators: IndicatorSet,
    geo: str,
    value: float | None,
    words: tuple[str, str] = ("fires", "does not fire"),
) -> RuleOutcome:
    fired = None if value is None else value >= rule.limit
    where = f"[{rule.short}, {rule.citation}]"
    verdict = "" if fired is None else (words[0] if fired else words[1])
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
        if m.figure is not None:
            lacking = [g for g, sm in result.states.items() if sm.figure is None]
            body += (
                f" (the EU total is not held in {', '.join(result.indicator.eu_series)}; the "
                "states' sum stands in only when every state has a figure for the same period"
                + (f", lacking {' '.join(lacking)})" if lacking else ")")
            )
        else:
            body += f" in the series {', '.join(result.indicator.sources)}"
            aside = indicators.set_aside.get((rule.indicator, geo))
            if aside:
                body += (
                    f"; a secondary figure exists but is not used without --allow-secondary: "
                    f"{aside[0]}"
                )
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


def _sar_outcome(
    sar: SarRule, indicators: IndicatorSet, geo: str, value: float | None, fired: Tri
) -> RuleOutcome:
    """The Art. 11(3) rule's reason: the recurrence month by month, then the "large numbers"
    test, then the rule's verdict (both needed; a missing figure leaves it undetermined)."""
    rule = sar.rule
    where = f"[{rule.short}, {rule.citation}; {SAR_MONTHS.removeprefix('assessment.')} "
    where += f"{sar.recurring_months}]"
    rec = indicators.recurrence.get(geo)
    recurring = rec.text() if rec else "recurrence not computed: undetermined"
    large = _outcome(rule, indicators, geo, value, ("large", "not large"))
    large_text = large.text.removesuffix(f" [{rule.short}, {rule.citation}]")
    verdict = {True: "fires", False: "does not fire", None: "UNDETERMINED (lack of data)"}
    body = f"{SAR_GROUND}: {recurring}; {large_text} → {verdict[fired]}"
    short = f"{SAR_GROUND}: {recurring}; {large.short} → {verdict[fired]}"
    return RuleOutcome(rule, value, fired, f"{body} {where}", large.figures, short)


def _basis(method: Methodology, indicators: IndicatorSet, geo: str, det: Determination) -> str:
    """The grounds of a finding of migratory pressure, the Art. 11(3) rule's first."""
    if not det.holds:
        return ""
    grounds = [SAR_GROUND] if det.sar is not None and det.sar.fired else []
    if det.by_score:
        grounds.append(_general_basis(method, indicators, geo, det))
    return "; ".join(grounds)


def _general_basis(
    method: Methodology, indicators: IndicatorSet, geo: str, det: Determination
) -> str:
    fired = {o.rule.indicator for o in det.scored if o.fired}
    if "arrivals" in fired:
        arrivals = indicators.results["arrivals"].states[geo].figure
        sea = indicators.results["sea_arrivals"].states[geo].figure
        no_sar_data = det.sar is None or det.sar.fired is None
        if no_sar_data and arrivals and sea and arrivals.value > 0:
            share = sea.value / arrivals.value
            if share >= float(method.sar_sea_share):
                return (
                    "disproportionate number of arrivals following search and rescue at sea (sea "
                    f"arrivals {_fmt(sea.value)} are {share:.0%} of arrivals, at least "
                    f"{method.sar_sea_share} — sea arrivals stand in for SAR disembarkations, of "
                    "which the data hold no figure, so the Art. 11(3) rule itself is undetermined)"
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
            sar = None
            if cat == "under_pressure" and method.sar is not None:
                rule = method.sar.rule
                fired = sar_fires(values, method.sar, geo)
                sar = _sar_outcome(method.sar, indicators, geo, values[rule.name][geo], fired)
                outcomes = (*outcomes, sar)
            available = sum(1 for o in outcomes if o.fired is not None)
            excluded = cr.excludes_under_pressure and flags[0] is True and score >= cr.min_score
            dets[cat] = Determination(
                cat, flags[i], score, available, outcomes, excluded, sar, cr.min_score
            )
        is_bound = geo in bound
        if not is_bound:
            dets = {
                c: Determination(c, False, Fraction(0), 0, d.outcomes, False, d.sar, d.needed)
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
