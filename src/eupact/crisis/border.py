"""What the crisis derogations change in the values other parts compute, for one Member State on
one date, given the Council implementing decisions in force (Regulation (EU) 2024/1359, CFMR):

* registration: 5 days (15 with disproportionate numbers), APR Art. 27(1), (5), or 4 weeks
  under CFMR Art. 10(1) -- for applications *made* while it applies, in a 1(4)(a) crisis only in
  the initial decision's period (10(4)), or up to 10 days early on the state's notice (10(6));
* the border procedure's maximum duration: 12 weeks, 16 after a relocation (APR Art. 51(2)), or
  6 weeks more for applications made while Art. 11(1) applies -- never added to the 16;
* the 42(1)(j) threshold: 20 % (APR Art. 42(1)(j), 45(1)) or 5 % (CFMR 11(3)); 42(1)(j) cases
  not required in the border procedure (11(2));
* merits in the border procedure for nationalities at or below 50 % (11(4));
* instrumentalisation: merits for every application of a person subject to it registered while
  11(6) applies, with the decision's exclusion (11(7)(a) or (b), 11(8)) and 11(9)'s stops;
* the expedited procedure: four weeks from lodging after a Commission recommendation (Art. 14(2))
  instead of six months (APR Art. 35(4));
* Art. 12(2)'s AMMR time limits (4 months, 2 months, 1 month, 1 year) where Art. 12 applies.

Each answer names its articles and the decision that authorises it. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from eupact.explain import show
from eupact.parameters import ParametersAt
from eupact.timelimits import Unit, day, period_end

from .events import Recommendation
from .measures import AuthorisedMeasures, Derogation
from .timing import formula, state_limit


@dataclass(frozen=True, slots=True)
class Answer:
    """One value in force: what it is, its amount and unit, the articles, whether a crisis
    derogation sets it (and which decision), the ordinary value it replaces; with a start date
    given, the day it ends and how it was counted."""

    question: str
    amount: int | Fraction
    unit: str
    articles: tuple[str, ...]
    derogation: bool
    ordinary: str
    decision: str = ""
    parameter: str = ""
    note: str = ""
    due: dt.date | None = None
    counted: str = ""

    @property
    def value(self) -> str:
        if isinstance(self.amount, Fraction):
            return _percent(self.amount)
        return f"{self.amount} {self.unit.removesuffix('s') if self.amount == 1 else self.unit}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "value": self.value,
            "amount": str(self.amount),
            "unit": self.unit,
            "articles": list(self.articles),
            "derogation": self.derogation,
            "ordinary": self.ordinary,
            "decision": self.decision,
            "parameter": self.parameter,
            "note": self.note,
            "due": self.due.isoformat() if self.due else None,
            "counted": self.counted,
        }


def _covering(
    measures: Iterable[AuthorisedMeasures], state: str, derogation: Derogation, on: dt.date
) -> AuthorisedMeasures | None:
    return next((m for m in measures if m.state == state and m.covers(derogation, on)), None)


def _percent(share: Fraction) -> str:
    return f"{show(share * 100).split(' ')[0]} %"


def _ordinary(params: ParametersAt, name: str, unit: str) -> str:
    value = params(name)
    shown = _percent(value) if isinstance(value, Fraction) else f"{show(value)} {unit}"
    return f"{shown} ({params.cite(name)})"


def registration_limit(
    state: str,
    made_on: dt.date,
    measures: Iterable[AuthorisedMeasures],
    params: ParametersAt,
    *,
    early: tuple[dt.date, dt.date] | None = None,
    disproportionate: bool = False,
) -> Answer:
    """Within how long an application made on ``made_on`` is registered (APR Art. 27(1), (5);
    CFMR Art. 10(1), (4), (6)). ``early`` is the 10(6) window of the state's request
    (:attr:`CrisisState.early_registration`); ``disproportionate`` the APR 27(5) case."""
    ordinary_name = (
        "crisis.ordinary.registration_days_disproportionate"
        if disproportionate
        else "crisis.ordinary.registration_days"
    )
    ordinary = _ordinary(params, ordinary_name, "days")
    m = _covering(measures, state, Derogation.REGISTRATION, made_on)
    in_early = early is not None and early[0] <= made_on <= early[1]
    if m is not None or in_early:
        weeks = int(params("crisis.registration.weeks"))
        lim = state_limit(made_on, weeks, Unit.WEEKS, state, params)
        articles = ("Art. 10(1) CFMR", "Art. 10(4) CFMR") if m else ("Art. 10(6) CFMR",)
        note = (
            "applications made while the derogation applies; persons with special reception "
            "needs, minors and their families first (10(2))"
        )
        if m is None and early is not None:
            note = (
                f"applied early on the state's notice, {early[0].isoformat()} to "
                f"{early[1].isoformat()}, before any Council decision (10(6)); " + note
            )
        return Answer(
            "registration time limit",
            weeks,
            "weeks",
            articles,
            True,
            ordinary,
            m.decision if m else "",
            "crisis.registration.weeks",
            note,
            lim.due,
            f"made {formula(lim)}",
        )
    days = int(params(ordinary_name))
    lim = state_limit(made_on, days, Unit.DAYS, state, params)
    article = "Art. 27(5) APR" if disproportionate else "Art. 27(1) APR"
    return Answer(
        "registration time limit",
        days,
        "days",
        (article,),
        False,
        ordinary,
        parameter=ordinary_name,
        due=lim.due,
        counted=f"made {formula(lim)}",
    )


def border_duration(
    state: str,
    made_on: dt.date,
    measures: Iterable[AuthorisedMeasures],
    params: ParametersAt,
    *,
    after_relocation: bool = False,
    registered_on: dt.date | None = None,
) -> Answer:
    """The maximum duration of the asylum border procedure for an application made on
    ``made_on`` (APR Art. 51(2); CFMR Art. 11(1)); with ``registered_on``, its last day (a
    maximum duration from registration, not moved off a weekend)."""
    base = int(params("crisis.ordinary.border_weeks"))
    relocated = int(params("crisis.ordinary.border_weeks_after_relocation"))
    ordinary_weeks = relocated if after_relocation else base
    ordinary = (
        f"{ordinary_weeks} weeks ("
        + (
            params.cite("crisis.ordinary.border_weeks_after_relocation") + ", third subparagraph"
            if after_relocation
            else params.cite("crisis.ordinary.border_weeks")
        )
        + ")"
    )
    m = _covering(measures, state, Derogation.BORDER_EXTENSION, made_on)
    weeks, note = ordinary_weeks, ""
    articles: tuple[str, ...] = ("Art. 51(2) APR",)
    name = (
        "crisis.ordinary.border_weeks_after_relocation"
        if after_relocation
        else "crisis.ordinary.border_weeks"
    )
    not_after_relocation = (
        after_relocation and params("crisis.border.after_relocation") == "relocation_weeks_only"
    )
    if not_after_relocation and m is not None:
        note = (
            f"Art. 11(1) CFMR not used after a relocation: {relocated} weeks "
            "([reading] crisis.border.after_relocation)"
        )
        m = None
    if m is not None:
        extended = base + int(params("crisis.border.extension_weeks"))
        weeks = max(extended, ordinary_weeks)
        articles = ("Art. 51(2) APR", "Art. 11(1) CFMR")
        name = "crisis.border.extension_weeks"
        note = (
            f"{base} + {params('crisis.border.extension_weeks')} weeks; not added to the "
            f"{relocated} weeks after a relocation (11(1), second sentence; [reading] "
            "crisis.border.after_relocation)"
        )
    due = counted = None
    if registered_on is not None:
        due = period_end(registered_on, weeks, Unit.WEEKS)
        counted = f"registered {day(registered_on)} + {weeks} weeks = {day(due)} (no weekend shift)"
    return Answer(
        "border procedure, maximum duration",
        weeks,
        "weeks",
        articles,
        m is not None,
        ordinary,
        m.decision if m else "",
        name,
        note,
        due,
        counted or "",
    )


def j_threshold(
    state: str, on: dt.date, measures: Iterable[AuthorisedMeasures], params: ParametersAt
) -> Answer:
    """The recognition rate at or below which 42(1)(j) APR applies (20 %; 5 % under CFMR
    Art. 11(3) in a 1(4)(a) crisis), and whether such cases must still be examined in the
    border procedure (APR Art. 45(1); not required under CFMR Art. 11(2))."""
    ordinary = _ordinary(params, "crisis.ordinary.threshold_j", "")
    lowered = _covering(measures, state, Derogation.BORDER_THRESHOLD, on)
    released = _covering(measures, state, Derogation.BORDER_NOT_J, on)
    name = "crisis.border.threshold_j" if lowered else "crisis.ordinary.threshold_j"
    articles = ["Art. 42(1)(j) APR", "Art. 45(1) APR"]
    notes = []
    if lowered:
        articles.append("Art. 11(3) CFMR")
    if released:
        articles.append("Art. 11(2) CFMR")
        notes.append(
            "42(1)(j) applicants not required in the border procedure where the contingency "
            "plan's measures do not suffice (11(2))"
        )
    return Answer(
        "42(1)(j) threshold",
        Fraction(params(name)),
        "share",
        tuple(articles),
        bool(lowered or released),
        ordinary,
        "; ".join(sorted({m.decision for m in (lowered, released) if m})),
        name,
        "; ".join(notes),
    )


def merits_threshold(
    state: str, on: dt.date, measures: Iterable[AuthorisedMeasures], params: ParametersAt
) -> Answer | None:
    """Under CFMR Art. 11(4) (a 1(4)(a) crisis) the border procedure may also decide on the
    merits for nationalities at or below this recognition rate; None when not authorised (then
    APR Art. 44(1)(b): only the cases of 42(1)(a)-(g), (j) and 42(3)(b))."""
    m = _covering(measures, state, Derogation.BORDER_MERITS, on)
    if m is None:
        return None
    return Answer(
        "merits in the border procedure, recognition rate at most",
        Fraction(params("crisis.border.merits_threshold")),
        "share",
        ("Art. 44(1)(b) APR", "Art. 11(4) CFMR"),
        True,
        "only the cases of Art. 42(1)(a)-(g), (j) and 42(3)(b) APR (Art. 44(1)(b) APR)",
        m.decision,
        "crisis.border.merits_threshold",
        "latest yearly Union-wide Eurostat average, with its quarterly updates; vulnerable "
        "applicants first (11(5)); not where 11(9) applies",
    )


@dataclass(frozen=True, slots=True)
class ScopeAnswer:
    """Whether CFMR Art. 11(6) lets the border procedure decide on the merits of one person's
    application, and why (11(6)-(9))."""

    in_scope: bool
    reasons: tuple[str, ...]
    articles: tuple[str, ...]
    decision: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "in_scope": self.in_scope,
            "reasons": list(self.reasons),
            "articles": list(self.articles),
            "decision": self.decision,
        }


def instrumentalisation_scope(
    state: str,
    registered_on: dt.date,
    measures: Iterable[AuthorisedMeasures],
    *,
    subject_to_instrumentalisation: bool,
    minor_under_12_or_family: bool = False,
    special_needs: bool = False,
    likely_well_founded: bool = False,
    medical_reasons: bool = False,
    support_unavailable: bool = False,
) -> ScopeAnswer:
    """CFMR Art. 11(6)-(9): merits in the border procedure for an application registered on
    ``registered_on`` by a person subject to instrumentalisation (identified by the decision,
    4(5)(c); apprehended near the external border, disembarked or at a crossing point, 1(4)),
    unless the decision's 11(7)(a) excludes, or 11(7)(b) after an individual assessment
    ceases, the procedure for minors under 12 and their families and persons with special
    needs, or 11(9) applies (medical reasons, support not available)."""
    m = _covering(measures, state, Derogation.BORDER_INSTRUMENTALISATION, registered_on)
    arts = ("Art. 11(6) CFMR",)
    if m is None:
        return ScopeAnswer(
            False,
            (f"no decision authorises 11(6) for {state} on {registered_on.isoformat()}",),
            arts,
        )
    reasons: list[str] = []
    articles = list(arts)
    if not subject_to_instrumentalisation:
        reasons.append("not a person subject to instrumentalisation (11(6), 1(4), 4(5)(c))")
    vulnerable = minor_under_12_or_family or special_needs
    if vulnerable and m.instrumentalisation_exclusion == "11(7)(a)":
        reasons.append(
            "excluded: a minor under 12 or a family member, or a person with special needs, "
            "and the decision applies 11(7)(a)"
        )
        articles.append("Art. 11(7)(a) CFMR")
    if vulnerable and m.instrumentalisation_exclusion == "11(7)(b)" and likely_well_founded:
        reasons.append(
            "ceases: the individual assessment finds the application likely well-founded and "
            "the decision applies 11(7)(b)"
        )
        articles.append("Art. 11(7)(b) CFMR")
    if medical_reasons or support_unavailable:
        reasons.append(
            "not applied or ceases: medical reasons (APR 53(2)(d)) or the support needed "
            "cannot be provided (APR 53(2)(c))"
        )
        articles.append("Art. 11(9) CFMR")
    if reasons:
        return ScopeAnswer(False, tuple(reasons), tuple(articles), m.decision)
    return ScopeAnswer(
        True,
        ("registered while 11(6) applies; no exclusion of 11(7) or stop of 11(9) applies",),
        tuple(articles),
        m.decision,
    )


def expedited_limit(
    lodged_on: dt.date,
    state: str,
    recommendations: Iterable[Recommendation],
    params: ParametersAt,
    *,
    follows_recommendation: bool,
) -> Answer:
    """Within how long the merits of an application lodged on ``lodged_on`` are examined: four
    weeks where, after a Commission recommendation (CFMR Art. 14(1)) adopted by then, the
    determining authority omits the interview and prioritises the case (14(2), APR Art.
    13(12)(a), 34(5)(a)); otherwise six months (APR Art. 35(4))."""
    ordinary = _ordinary(params, "crisis.ordinary.merits_months", "months")
    rec = next((r for r in recommendations if r.on <= lodged_on), None)
    if rec is not None and follows_recommendation:
        weeks = int(params("crisis.expedited.weeks"))
        lim = state_limit(lodged_on, weeks, Unit.WEEKS, state, params)
        return Answer(
            "examination on the merits",
            weeks,
            "weeks",
            ("Art. 14(2) CFMR", "Art. 35(4) APR"),
            True,
            ordinary,
            rec.reference or f"Commission recommendation of {rec.on.isoformat()}",
            "crisis.expedited.weeks",
            f"for the categories recommended: {rec.categories}",
            lim.due,
            f"lodged {formula(lim)}",
        )
    months = int(params("crisis.ordinary.merits_months"))
    lim = state_limit(lodged_on, months, Unit.MONTHS, state, params)
    return Answer(
        "examination on the merits",
        months,
        "months",
        ("Art. 35(4) APR",),
        False,
        ordinary,
        parameter="crisis.ordinary.merits_months",
        note="extensions of APR Art. 35(5) not counted",
        due=lim.due,
        counted=f"lodged {formula(lim)}",
    )


#: Art. 12(2) CFMR's time limits, by the AMMR article they replace.
ART_12 = (
    ("take charge request", "crisis.art12.take_charge_request_months", "months", "(a)", "39"),
    (
        "reply to a take charge request",
        "crisis.art12.take_charge_reply_months",
        "months",
        "(b)",
        "40",
    ),
    (
        "take back notification or its confirmation",
        "crisis.art12.take_back_notification_months",
        "months",
        "(c)",
        "41",
    ),
    ("transfer", "crisis.art12.transfer_years", "years", "(d)", "46(1)"),
)


def responsibility_time_limits(
    state: str, on: dt.date, measures: Iterable[AuthorisedMeasures], params: ParametersAt
) -> tuple[Answer, ...]:
    """The AMMR time limits Art. 12(2) CFMR sets where the decision authorises Art. 12 for
    ``state`` on ``on`` (all four together, 12(1); recital 51: whatever shorter limit the AMMR
    had); () when it does not (the AMMR's own, Arts 39-41, 46, apply)."""
    m = _covering(measures, state, Derogation.TIME_LIMITS, on)
    if m is None:
        return ()
    return tuple(
        Answer(
            what,
            int(params(name)),
            unit,
            (f"Art. 12(2){point} CFMR", f"Art. {ammr} AMMR"),
            True,
            f"Art. {ammr} AMMR",
            m.decision,
            name,
            "transfers to the state in crisis suspended while it faces the situation (12(4))"
            if point == "(d)"
            else "",
        )
        for what, name, unit, point, ammr in ART_12
    )


__all__ = [
    "ART_12",
    "Answer",
    "ScopeAnswer",
    "border_duration",
    "expedited_limit",
    "instrumentalisation_scope",
    "j_threshold",
    "merits_threshold",
    "registration_limit",
    "responsibility_time_limits",
]
