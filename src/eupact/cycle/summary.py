"""Readable summaries of a cycle run: a brief of one or two A4 pages in HTML (print-friendly, with
static charts) and the same content in Markdown.

:func:`brief` turns the run into words and formatted figures — thousands separators, EUR,
percentages to two places, dates in words, the states' names, articles cited as the law writes
them — so that the templates only lay it out and no raw value (an exact fraction, a list, a
parameter's name) reaches the page. Exact values stay in result.json and the CSV files written
beside the summary.

The templates are the reports package's (``reports/templates``); the summary lives here, with
the run it summarises, so that ``reports`` never imports ``cycle``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape

from eupact.parameters import LegalReference
from eupact.pool.pledges import DeductionStatus
from eupact.reports.tables import Table

if TYPE_CHECKING:
    from eupact.cycle.run import CycleResult

AMMR = "Regulation (EU) 2024/1351 (AMMR)"
NBSP = "\u00a0"

# The [reading]s that shape a pool's outcome, and how the brief names each; the others (needs
# sizing, monitoring, the relocation procedure, Council votes) are in result.json.
READING_TOPICS = {
    "cycle.date_of_application_part_iv": "Date from which the pool applies",
    "benefit.during_refusal_window": "A state the Commission finds under pressure",
    "key.rounding.relocations": "Fair shares in relocations",
    "offsets.obligatory.distribution": "How the obligatory offsets are shared",
    "offsets.obligatory.retest_needs_reconvened_forum": "The re-test after deductions",
    "offsets.cap.contributions_counted": "What counts toward the fair share that caps offsets",
    "offsets.cap.granted_deductions": "How a granted deduction changes that cap",
    "implementation.systemic_shortcomings.spread": "What is owed toward a state with systemic "
    "shortcomings",
    "implementation.systemic_shortcomings.pledges_released": "Which pledges that releases",
}


# --- words and figures --------------------------------------------------------------------------


def _whole(value: Decimal | int) -> int:
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def count(value: int) -> str:
    return f"{value:,}"


def eur(value: Decimal | int) -> str:
    """EUR to the whole euro, with thousands separators."""
    return f"EUR{NBSP}{_whole(value):,}"


def amount(value: Decimal | int) -> str:
    """A table cell in a column headed EUR: the whole euro, thousands separators."""
    return f"{_whole(value):,}"


def pct(value: Fraction | Decimal | int, places: int = 2) -> str:
    """A ratio (0.3207) as a percentage with two places ("32.07 %")."""
    exact = Fraction(value) * 100
    shown = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
    )
    return f"{shown:,}{NBSP}%"


def when(day: dt.date) -> str:
    return f"{day.day}{NBSP}{day:%B %Y}"


def listing(items: Iterable[str], empty: str = "none") -> str:
    """ "a, b and c"."""
    items = list(items)
    if not items:
        return empty
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def article(text: str) -> str:
    """An article as the brief cites it: "Art. 63(3) AMMR"."""
    return text.replace(f" {AMMR}", " AMMR").replace(" Regulation (EU) 2024/1351", " AMMR")


def cite(ref: LegalReference) -> str:
    """A legal reference in words: a recital as a recital, an act without an article as the act
    (never "Art. recital 90" nor "Art.  Council ...")."""
    where = ref.article.strip()
    if not where:
        return ref.act
    if where.lower().startswith("recital"):
        return f"{where} {ref.act}"
    return article(ref.cite())


def journal(ref: LegalReference) -> str:
    """The Official Journal reference without its ELI address."""
    return ref.oj.split(", ELI ")[0].strip()


@cache
def state_names() -> Mapping[str, str]:
    """Eurostat geo code → the state's English name (CLDR, as the dashboard)."""
    from babel import Locale

    territories = Locale.parse("en").territories
    names = {code: str(name) for code, name in territories.items() if len(code) == 2}
    names["EL"] = str(territories["GR"])
    return names


def name(geo: str) -> str:
    return state_names().get(geo, geo)


def names(geos: Iterable[str], empty: str = "none") -> str:
    return listing(sorted(name(g) for g in geos), empty)


# --- the brief ----------------------------------------------------------------------------------


def _status(geo: str, result: CycleResult) -> str:
    row = result.outcome.states[geo]
    if row.role == "benefitting":
        return "benefitting"
    granted = {d.state: d for d in result.pledges.deductions if d.status is DeductionStatus.GRANTED}
    if geo in granted:
        return "full deduction" if granted[geo].full else "partial deduction"
    if row.deduction_pending:
        return "deduction requested"
    if row.released_total:
        return "part released"
    return ""


def _states(result: CycleResult) -> tuple[list[dict[str, str]], dict[str, str]]:
    o = result.outcome
    owed = o.offsets.obligations
    rows = []
    for geo in sorted(o.states, key=name):
        r = o.states[geo]
        rows.append(
            {
                "name": name(geo),
                "geo": geo,
                "share": pct(r.share),
                "fair_relocations": count(r.fair_share_relocations),
                "fair_eur": amount(r.fair_share_financial),
                "pledged_relocations": count(r.pledged_relocations),
                "pledged_eur": amount(r.pledged_total),
                "covered": pct(r.pledged_total / r.fair_share_financial)
                if r.fair_share_financial
                else "—",
                "deducted": amount(r.deducted_total) if r.deducted_total else "—",
                "offsets": count(owed[geo]) if geo in owed else "—",
                "status": _status(geo, result),
            }
        )
    rows_all = o.states.values()
    fair_eur = sum((r.fair_share_financial for r in rows_all), Decimal(0))
    t = o.totals
    total = {
        "name": f"All {len(rows)} Member States",
        "share": pct(sum((r.share for r in rows_all), Fraction(0))),
        "fair_relocations": count(sum(r.fair_share_relocations for r in rows_all)),
        "fair_eur": amount(fair_eur),
        "pledged_relocations": count(t.pledged_relocations),
        "pledged_eur": amount(t.pledged_total),
        "covered": pct(t.pledged_total / fair_eur) if fair_eur else "—",
        "deducted": amount(t.deducted_total) if t.deducted_total else "—",
        "offsets": count(sum(owed.values())),
        "status": "",
    }
    return rows, total


def _benefitting(result: CycleResult) -> list[str]:
    """ "Cyprus since 19 June 2026 and Greece since 12 June 2026 (Art. 58(1) AMMR)", one entry
    per article."""
    by_article: dict[str, list[str]] = {}
    for b in sorted(result.outcome.standing.benefitting.values(), key=lambda b: name(b.state)):
        by_article.setdefault(article(b.article), []).append(
            f"{name(b.state)} since {when(b.since)}"
        )
    return [f"{listing(states)} ({where})" for where, states in by_article.items()]


def _deductions(result: CycleResult) -> dict[str, Any]:
    o = result.outcome
    granted, pending = [], []
    for d in sorted(result.pledges.deductions, key=lambda d: name(d.state)):
        scope = "full" if d.full else "partial"
        if d.status is DeductionStatus.GRANTED:
            by = f" ({d.council_act})" if d.council_act else ""
            granted.append(
                f"{name(d.state)}: {scope} deduction under Art. {d.article} AMMR, "
                f"{eur(o.states[d.state].deducted_total)} granted{by}"
            )
        else:
            rule = "61(4)" if d.article == "61" else "62(5)"
            pending.append(
                f"{name(d.state)}: {scope} deduction {d.status} under Art. {d.article} AMMR — not "
                f"applied: only a Council implementing act grants it (Art. {rule} AMMR)"
            )
    return {
        "eligible": names(result.act.deduction_eligible_states),
        "granted": granted,
        "pending": pending,
    }


def _offsets(result: CycleResult) -> dict[str, Any]:
    o = result.outcome
    off = o.offsets
    proposed = result.act.proposal.relocations
    share = off.share_of_reference
    sixty = Fraction(share) * result.act.reference.relocations
    sixty_up = -(-sixty.numerator // sixty.denominator)  # a part of a person is a person
    lines = [
        f"Relocation pledges: {count(off.relocation_pledges)}. Benefitting states "
        + (
            "may request responsibility offsets instead of relocations, since the pledges reach "
            if off.requested_possible
            else "may not request responsibility offsets instead of relocations: the pledges are "
            "below "
        )
        + f"half of the {count(proposed)} relocations proposed ({count(int(off.requested_threshold))}"
        f"; Art. 63(1) AMMR).",
    ]
    offering = [g for g, ok in off.offer_possible.items() if ok]
    if not off.requested_possible:
        lines.append(
            "A contributing state may offer offsets once its own relocation pledge reaches half of "
            f"its fair share (Art. 63(2) AMMR): {names(offering)}."
        )
    target = (
        f"{count(off.target)}, the higher of the floor of {count(off.floor)} relocations "
        f"(Art. 12(2) AMMR) and {pct(share, 0)} of the reference number "
        f"({count(sixty_up)})"
    )
    if off.triggered:
        why = []
        if off.below_by_pledges:
            why.append(f"the relocations pledged ({count(off.relocation_pledges)})")
        if off.below_after_deductions:
            why.append(
                "the relocations to implement after deductions and exemptions "
                f"({count(off.to_implement)}, Art. 63(4) AMMR)"
            )
        lines.append(
            f"Obligatory offsets are triggered: {listing(why)} fall below {target} (Art. 63(3) AMMR)."
        )
        if off.obligatory:
            lines.append(
                "The High-Level Forum was reconvened (Art. 13(4) AMMR): the offsets apply. The gap "
                f"of {count(off.gap)} relocations is shared by the reference key among the "
                "contributing states, each up to what is left of its fair share (Art. 63(7) AMMR): "
                f"{count(sum(off.obligations.values()))} offsets are owed in all"
                + (
                    f"; {count(off.uncovered)} of the gap cannot be placed under that ceiling."
                    if off.uncovered
                    else "."
                )
            )
        else:
            lines.append(
                "They apply only once the High-Level Forum is reconvened (Art. 13(4) AMMR); it has "
                "not been: no state owes offsets yet."
            )
    else:
        lines.append(f"Obligatory offsets are not triggered: the pledges reach {target}.")
    if any(off.waived.values()):
        lines.append(
            f"{count(sum(off.waived.values()))} offsets owed toward benefitting states with "
            "systemic shortcomings are released (Art. 60(3) AMMR)."
        )
    owed = sorted(
        ((n, g) for g, n in off.obligations.items() if n > 0), key=lambda x: (-x[0], x[1])
    )
    return {
        "lines": lines,
        "owed": [f"{name(g)} {count(n)}" for n, g in owed],
        "any_owed": bool(owed),
    }


def _readings(result: CycleResult) -> tuple[list[dict[str, str]], int]:
    on = result.key.params.date
    shown, other = [], 0
    for r in result.parameters.readings_at(on):
        if r.name not in READING_TOPICS and not r.chosen:
            other += 1
            continue
        topic = READING_TOPICS.get(r.name) or result.parameters[r.name].description.split(". ")[0]
        shown.append(
            {
                "topic": topic,
                "article": cite(r.reference),
                "meaning": r.meaning[:1].upper() + r.meaning[1:],
                "chosen": "chosen for this run" if r.chosen else "",
            }
        )
    return shown, other


def _sources(result: CycleResult, prov: Mapping[str, Any], tables: list[Table]) -> list[str]:
    params = result.key.params
    ammr = params.entry("pool.floor.relocations").reference
    act_ref = result.parameters[f"pool_{result.year}.reference.relocations"].values[-1].reference
    proposal = result.parameters[f"pool_{result.year}.proposal.relocations"].values[-1].reference
    out = [
        f"{ammr.act}, {journal(ammr)}." if ammr.oj else f"{ammr.act}.",
        f"{act_ref.act}, {journal(act_ref)}." if act_ref.oj else f"{act_ref.act}.",
        f"{proposal.act}.",
    ]
    for d in prov.get("data", ()):
        out.append(
            f"Eurostat {d['dataset']}: {d['title']} ({d['release']}; retrieved {d['retrieved']}; "
            f"licence {d['licence']})."
        )
    pledges = result.pledges
    out.append(
        f"Pledges: {Path(pledges.path).name}"
        + (" (SYNTHETIC, see the notice at the top)." if pledges.synthetic else ".")
    )
    out.append(
        f"Exact figures and how each is computed (inputs, rule, article, data): result.json and "
        f"the {len(tables)} CSV tables beside this brief."
    )
    return out


def brief(result: CycleResult, prov: Mapping[str, Any], tables: list[Table]) -> dict[str, Any]:
    """Everything the summary shows, as words and formatted figures."""
    act, o, t = result.act, result.outcome, result.outcome.totals
    rows, total = _states(result)
    readings, other_readings = _readings(result)
    ref_eur = t.reference_financial
    return {
        "year": result.year,
        "synthetic": result.pledges.synthetic,
        "label": result.pledges.label,
        "act": {
            "citation": act.citation,
            "adopted": when(act.act_date),
            "applies": when(act.date_of_application),
        },
        "proposal": {
            "date": when(act.proposal_date),
            "relocations": count(act.proposal.relocations),
            "financial": eur(act.proposal.financial),
        },
        "reference": {
            "relocations": count(t.reference_relocations),
            "financial": eur(t.reference_financial),
            "equivalence": eur(o.equivalence),
        },
        "pledged": {
            "relocations": count(t.pledged_relocations),
            "financial": eur(t.pledged_financial),
            "alternative": eur(t.pledged_alternative),
            "total": eur(t.pledged_total),
            "of_reference": pct(t.pledged_total / ref_eur) if ref_eur else "—",
            "shortfall": eur(t.shortfall) if t.shortfall else "",
            "surplus": eur(t.surplus) if t.surplus else "",
            "relocations_short": count(t.relocation_shortfall),
        },
        "implement": {
            "deducted": eur(t.deducted_total),
            "total": eur(t.to_implement_total),
            "relocations": count(t.to_implement_relocations),
            "released": eur(t.released_total) if t.released_total else "",
        },
        "vintage": str(prov.get("vintage", "")),
        "under_pressure": names(act.under_pressure_states),
        "benefitting": _benefitting(result),
        "shortcomings": names(o.standing.shortcomings, ""),
        "sar": (
            f"{pct(o.sar.share)} of the pool ({count(o.sar.relocations)} relocations, "
            f"{eur(o.sar.financial)}) is indicated for {names(o.sar.states)} (Art. 57(2) AMMR)."
            if o.sar is not None
            else ""
        ),
        "states": rows,
        "total": total,
        "deductions": _deductions(result),
        "offsets": _offsets(result),
        "readings": readings,
        "other_readings": other_readings,
        "sources": _sources(result, prov, tables),
        "computed": f"Computed by {prov.get('software', 'eupact')} at "
        f"{str(prov.get('computed_at', '')).replace('T', ' ').replace('+00:00', ' UTC')}.",
        "participating": len(result.key.states),
    }


# --- charts (HTML only) -------------------------------------------------------------------------


def _pledges_alt(b: Mapping[str, Any], result: CycleResult) -> str:
    o = result.outcome
    gaps = sorted(
        (r.fair_share_financial - r.pledged_total, r.geo)
        for r in o.states.values()
        if r.role == "contributing"
    )[::-1][:3]
    reached = sum(1 for r in o.states.values() if r.pledged_total >= r.fair_share_financial)
    return (
        "Bar chart: each Member State's fair share (blue bars) and its pledges (orange ticks), "
        f"in EUR-equivalent, largest fair share first. Pledges total {b['pledged']['total']}, "
        f"{b['pledged']['of_reference']} of the reference number; {reached} of "
        f"{len(o.states)} states pledged at least their fair share; the largest gaps: "
        + listing(f"{name(g)} ({eur(gap)})" for gap, g in gaps if gap > 0)
        + ". Every figure is in the table."
    )


def _offsets_alt(result: CycleResult) -> str:
    owed = sorted(((n, g) for g, n in result.outcome.offsets.obligations.items() if n > 0))[::-1]
    return (
        "Bar chart of the obligatory responsibility offsets each contributing state owes, "
        f"{count(sum(n for n, _ in owed))} in all; the most: "
        + listing(f"{name(g)} {count(n)}" for n, g in owed[:3])
        + ". Every figure is in the table."
    )


def charts(
    result: CycleResult, b: Mapping[str, Any], *, cache: bool = True
) -> list[dict[str, str]]:
    """The brief's figures: pledges against fair shares (as the dashboard draws them), and the
    offsets owed when there are any; each an SVG data URI with its alt text and caption."""
    from eupact.reports.charts import offsets_chart, pledges_chart, render

    marked = " SYNTHETIC pledges." if result.pledges.synthetic else ""
    out = [
        {
            "src": render(pledges_chart(result.outcome, state_names()), cache=cache),
            "alt": _pledges_alt(b, result),
            "caption": "Fair share and pledges per Member State, EUR-equivalent (Art. 57(3), "
            f"66 AMMR).{marked}",
        }
    ]
    if b["offsets"]["any_owed"]:
        out.append(
            {
                "src": render(offsets_chart(result.outcome, state_names()), cache=cache),
                "alt": _offsets_alt(result),
                "caption": f"Obligatory responsibility offsets owed (Art. 63(3), (7) AMMR).{marked}",
            }
        )
    return out


# --- rendering ----------------------------------------------------------------------------------


def _env(autoescape: bool) -> Environment:
    return Environment(
        loader=PackageLoader("eupact.reports", "templates"),
        autoescape=select_autoescape(["html"]) if autoescape else False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_markdown(result: CycleResult, tables: list[Table], prov: dict[str, Any]) -> str:
    """The summary in Markdown; ``prov`` is the provenance written to result.json, so both
    documents state the same computation time and inputs."""
    b = brief(result, prov, tables)
    return _env(False).get_template("summary.md.j2").render(b=b)


def render_html(
    result: CycleResult, tables: list[Table], prov: dict[str, Any], *, cache: bool = True
) -> str:
    """The brief in HTML: one or two A4 pages, charts embedded as SVG data URIs, no script."""
    b = brief(result, prov, tables)
    return (
        _env(True)
        .get_template("summary.html.j2")
        .render(b=b, figures=charts(result, b, cache=cache))
    )
