"""What the dashboard shows of one Member State (``/state/{geo}``) and of all of them (``/state``),
and why a key share differs between the pool and the assessment.

Every read goes through :class:`CycleService` with the visitor's actor, as in :mod:`views`: the
embargo (Art. 12(6)) and the permission table decide; what the visitor may not see is said to
be withheld, with the rule, never shown as empty.
"""

from __future__ import annotations

from typing import Any

from eupact.cycle.permissions import Actor, visible_states
from eupact.cycle.phases import Phase
from eupact.cycle.service import CycleService
from eupact.data.coverage import MEMBER_STATES
from eupact.errors import EupactError, NotFound, Problem
from eupact.reports.documents import outcome_document
from eupact.reports.tables import plain
from eupact.web import i18n
from eupact.web.audit_trail import audit_entries
from eupact.web.page_charts import assessment_row
from eupact.web.views import assessment, implementation, percent


def key_scopes(service: CycleService, pool_year: int | None, assessed: int) -> dict[str, Any]:
    """Why a state's key share differs between /pool and /assessment: the pool's reference key
    (Art. 66) is over the states bound by the solidarity rules, the assessment's over every
    Member State it assesses (Art. 9), each from the population and GDP it names. ``example``
    is the largest state's share on both (the pool's to four decimals, as /pool shows it)."""
    a = assessment(assessed)
    scopes: dict[str, Any] = {
        "assessment": {
            "states": len(a.indicators.key_shares),
            "population": a.data.population.source.reference_date,
            "gdp": a.data.gdp.source.reference_date,
        },
        "pool": None,
        "outside_pool": [],
        "example": None,
    }
    if pool_year is None:
        return scopes
    try:
        key = service.pool(pool_year).key
    except EupactError:
        return scopes
    scopes["pool"] = {
        "year": pool_year,
        "states": len(key.rows),
        "population": key.population.source.reference_date,
        "gdp": key.gdp.source.reference_date,
    }
    scopes["outside_pool"] = sorted(set(a.indicators.key_shares) - set(key.rows))
    geo = max(key.rows, key=key.share)
    if geo in a.indicators.key_exact:
        scopes["example"] = {
            "geo": geo,
            "pool_pct": plain(key.percent(geo)),
            "assessment_pct": percent(a.indicators.key_exact[geo]),
        }
    return scopes


def _refusal(exc: EupactError) -> str:
    return exc.problems[0].rule if exc.problems else str(exc)


def state_page(service: CycleService, actor: Actor, year: int, geo: str) -> dict[str, Any]:
    """Everything the dashboard holds on one Member State, as ``actor`` may see it: every read
    goes through the service (the embargo of Art. 12(6) and the permission table decide); what
    the visitor may not see is said to be withheld, with the rule, never shown as empty."""
    pool_year = service.pool(year)
    key, act = pool_year.key, pool_year.act
    cycle = service.get_cycle(actor, year).as_dict()
    phase = Phase(cycle["phase"])
    data: dict[str, Any] = {
        "geo": geo,
        "phase": phase,
        "in_pool": geo in key.rows,
        "share_pct": plain(key.percent(geo)) if geo in key.rows else None,
        "deduction_eligible": geo in act.deduction_eligible_states,
    }
    # the outcome's row: the fair share, pledged, deducted, offsets owed (Art. 12(6) before the act)
    data["own"], data["outcome_withheld"], data["exempt"] = None, "", ""
    data["credit"] = 0  # CFMR Art. 9(4)(a): taken off the fair share by a crisis credit
    try:
        read = service.outcome(actor, year)
        rows = outcome_document(read.outcome, read.own_state)["rows"]
        data["own"] = next((r for r in rows if r["geo"] == geo), None)
        if data["own"] is None and geo in key.rows:
            data["outcome_withheld"] = "before the Council act a Member State sees its own row only"
        row = read.outcome.states.get(geo)
        if data["own"] is not None and row is not None:
            data["credit"] = row.crisis_credit_relocations
        if data["own"] is not None and row is not None and row.exemption:
            data["exempt"] = "benefitting" if row.role == "benefitting" else "full deduction"
    except EupactError as exc:
        data["outcome_withheld"] = _refusal(exc)
    # its pledges: the embargo hides another state's pledges before the act (404 semantics)
    visible = visible_states(actor, "pledge.list", phase)
    if visible is not None and geo not in visible:
        data["pledges"], data["pledges_withheld"] = [], "the pledges are RESTREINT UE until the "
        data["pledges_withheld"] += "Council act (Art. 12(6) AMMR)"
    else:
        found = service.list_pledges(actor, year, state=geo, limit=1000)[0]
        data["pledges"], data["pledges_withheld"] = [p.as_dict() for p in found], ""
    data["deductions"] = [
        d.as_dict() for d in service.list_deductions(actor, year) if d.state == geo
    ]
    data["deductions_note"] = (
        "" if actor.institution or actor.state == geo else "requests not yet decided are not public"
    )
    try:
        offsets = [o.as_dict() for o in service.list_offsets(actor, year)]
        data["offsets_withheld"] = ""
    except EupactError as exc:
        offsets, data["offsets_withheld"] = [], _refusal(exc)
    # a Member State sees only the requests that involve it (the permission table's rule)
    data["offsets_partial"] = actor.state is not None and actor.state != geo
    data["offsets_owed"] = [o for o in offsets if o["contributing_state"] == geo]
    data["offsets_received"] = [o for o in offsets if o["benefitting_state"] == geo]
    standing = service.standing(actor, year)
    benefit = standing.standing.benefitting.get(geo)
    data["benefit"] = benefit and {
        "article": benefit.article,
        "since": benefit.since.isoformat(),
        "forum_due": benefit.forum_due.isoformat(),
        "shortcomings": standing.standing.shortcomings.get(geo, ""),
    }
    data["may_use_pool"] = geo in standing.may_use
    data["pending"] = standing.standing.pending.get(geo, "")
    im = implementation(service, actor, year, phase)
    data["implementation"] = im and {**im, "rows": [r for r in im["rows"] if r["geo"] == geo]}
    data["deadlines"] = state_deadlines(cycle["calendar"], data, im)
    return data


def states_index(
    service: CycleService, actor: Actor, year: int | None, assessed: int
) -> dict[str, Any]:
    """One line per Member State: its key share (public), its category in the assessment and in
    the Commission's decision (public), and whether it benefits from the pool as of today."""
    a = assessment(assessed)
    shares: dict[str, str] = {}
    benefitting: dict[str, str] = {}
    may_use: tuple[str, ...] = ()
    if year is not None:
        key = service.pool(year).key
        shares = {g: str(plain(key.percent(g))) for g in key.rows}
        standing = service.standing(actor, year)
        benefitting = {g: b.since.isoformat() for g, b in standing.standing.benefitting.items()}
        may_use = standing.may_use
    rows = []
    for geo in MEMBER_STATES:
        res = a.states.get(geo)
        comparison = a.comparison.get(geo)
        decided = comparison.decision if comparison else (False, False, False)
        rows.append(
            {
                "geo": geo,
                "share_pct": shares.get(geo),
                "category": res.label if res else "",
                "decision": [
                    label
                    for label, flag in zip(
                        ("under migratory pressure", "at risk", "significant migratory situation"),
                        decided,
                        strict=True,
                    )
                    if flag
                ],
                "bound": bool(res and res.bound),
                "benefitting_since": benefitting.get(geo),
                "may_use_pool": geo in may_use,
            }
        )
    return {"rows": rows, "period": a.period.label}


def state_deadlines(
    calendar: list[dict[str, Any]], data: dict[str, Any], im: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """Every deadline that concerns the state: the cycle's legal calendar (each step concerns
    every Member State: its information, its pledges, its implementation), then its own (the
    Technical-Level Forum after it benefits, the Commission's assessment of its deduction
    requests, replies to offsets requests), by date."""
    own: list[dict[str, Any]] = []
    if data["benefit"]:
        own.append(
            {
                "what": "forum",
                "due": data["benefit"]["forum_due"],
                "article": "Art. 58(3) AMMR",
                "done": None,
            }
        )
    for d in data["deductions"]:
        own.append(
            {
                "what": "deduction",
                "due": d["assessment_due"],
                "article": f"Art. {d['article']} AMMR",
                "done": d.get("assessed_on"),
            }
        )
    for o in data["offsets_owed"]:
        own.append(
            {
                "what": "offsets_reply",
                "due": o["reply_due"],
                "article": "Art. 63, 69(2) AMMR",
                "done": o.get("replied_on"),
            }
        )
    steps = [
        {
            "what": "step",
            "step": s["step"],
            "due": s["due"],
            "article": s["article"],
            "done": s["done"],
            "status": s["status"],
            "late_by_days": s["late_by_days"],
        }
        for s in calendar
    ]
    return sorted(steps + own, key=lambda d: (d["due"] is None, d["due"] or ""))


def index_context(
    service: CycleService, actor: Actor, year: int | None, lang: str
) -> dict[str, Any]:
    """What ``/state`` renders: the 27 states, in the order of their names in ``lang``."""
    assessed = (year or service.clock().year + 1) - 1
    data = states_index(service, actor, year, assessed)
    names = i18n.state_names(lang)  # in the order the table says it is in: by name
    data["rows"].sort(key=lambda r: names.get(r["geo"], r["geo"]))
    return {"data": data, "assessed": assessed}


def page_context(
    service: CycleService, actor: Actor, year: int | None, geo: str, lang: str
) -> dict[str, Any]:
    """What ``/state/{geo}`` renders; an unknown code is a 404 naming the codes."""
    if geo not in MEMBER_STATES:
        rule = "not a Member State's code; the codes are " + " ".join(MEMBER_STATES)
        raise NotFound([Problem("state", geo[:20], rule)], "not found")
    data = state_page(service, actor, year, geo) if year else None
    assessed = (year or service.clock().year + 1) - 1
    a = assessment(assessed)
    audit: list[dict[str, Any]] | None = None
    if actor.institution:  # the audit trail is the institutions' (permission table)
        audit = [e for e in audit_entries(service, actor, year) if geo in e["states"]]
    return {
        "geo": geo,
        "data": data,
        "pressure": assessment_row(a, geo, lang) if geo in a.states else None,
        "assessed": assessed,
        "period": a.period.label,
        "audit": audit,
        "states": MEMBER_STATES,
    }


__all__ = [
    "index_context",
    "key_scopes",
    "page_context",
    "state_deadlines",
    "state_page",
    "states_index",
]
