"""Council implementing decisions under Regulation (EU) 2024/1359 (CFMR) in the determination of
the state responsible (Part III AMMR): the decisions a case is determined with
(:class:`~eupact.crisis.measures.AuthorisedMeasures`), read where a time limit or a take back of
the state they concern is computed. Implements:

* Art. 12(1)-(2) CFMR: a state facing a crisis of Art. 1(4)(a) or force majeure (Art. 1(5)), the
  Council having authorised the derogation, meets longer limits for its own acts, all at once:
  (a) its take charge request, 4 months from registration (instead of 39(1) AMMR, the one month
  from a hit included: recital 51); (b) its reply, 2 months from receipt (instead of 40(1), (2),
  (7)); (c) its take back notification, one month from the hit, and its confirmation, one month
  from the notification (41(1), (3)); (d) its transfers, one year (46(1)); the extensions of 46(2)
  still apply on top (recital 52);
* Art. 12(3): missing (a), (b) or (d) makes it responsible; Art. 12(4): transfers to it wait until
  it no longer faces the situation, and after one year it is relieved and the transferring state
  becomes responsible;
* Art. 13 (a crisis of Art. 1(4)(a) only): relieved of a take back of an applicant whose
  application it registered within the decision's window (at most four months before adoption):
  13(2) a responsibility under 16(2) AMMR passes to the state of the second registration; 13(3) a
  determination pending (38(4)) passes to that state, which applies Part III without Arts 16(2),
  17(1)-(2), 25(5), 33(1)-(2) and is responsible if no state is found.

Not expressed, and said in the trace where it matters: whether the state uses an authorised
derogation (12(1) 'may': an authorised one is taken as used); its agreement to receive a person
despite the suspension (12(4): a transfer during it is flagged for a person); the limits of Art. 45
AMMR (detention), which Art. 12 does not name; Art. 17(1)-(2) AMMR (where an application is made),
which the engine does not apply; the 'extraordinary scale' of 13(1), taken as found by the Council.
The readings are the parameters ``responsibility.crisis.*``; the periods are the CFMR's own
(``crisis.art12.*``, ``crisis.art13.window_months``, parameters/cfmr/).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from eupact.crisis.measures import AuthorisedMeasures, Derogation, Situation, transfers_resume
from eupact.timelimits.periods import add_months

from .decision import CrisisChange, Step, Suspension
from .model import Case, RequestKind
from .rules import Length
from .trace import Hit, Trace

# Art. 12(2) and (4): the CFMR's period and what it covers, by point
_PERIODS = {
    "12(2)(a)": "crisis.art12.take_charge_request_months",
    "12(2)(b)": "crisis.art12.take_charge_reply_months",
    "12(2)(c)": "crisis.art12.take_back_notification_months",
    "12(2)(d)": "crisis.art12.transfer_years",
    "12(4)": "crisis.art12.transfer_years",
}
WINDOW = "crisis.art13.window_months"
_FACING = {
    Situation.MASS_ARRIVALS: "a situation of mass arrivals (Art. 1(4)(a) CFMR)",
    Situation.FORCE_MAJEURE: "force majeure (Art. 1(5) CFMR)",
    Situation.INSTRUMENTALISATION: "instrumentalisation (Art. 1(4)(b) CFMR)",
}
# Art. 13(3): what the state of the second registration leaves out; 17(1)-(2) is no criterion here
SECOND_STATE_EXCLUDES = frozenset({"16(2)", "25(5)", "33(1)", "33(2)"})


def cfmr(article: str) -> str:
    """``12(2)(a) CFMR``: an article of the CFMR as the chain and the deadlines cite it."""
    return f"{article} CFMR"


@dataclass(frozen=True, slots=True)
class Derogated:
    """A time limit Art. 12 changes: the CFMR's period (its article ``12(2)(a) CFMR``), the
    decision, and for the deadline what changed, as data (:class:`~.decision.CrisisChange`: the
    decision, the AMMR limit it replaces and the day that limit would have ended)."""

    length: Length
    measures: AuthorisedMeasures
    change: CrisisChange


@dataclass(frozen=True, slots=True)
class Relief:
    """Art. 13 applied: ``released`` no longer takes back; ``second`` (where the second
    application was registered) is responsible (13(2)) or determines (13(3))."""

    measures: AuthorisedMeasures
    released: str
    second: str
    registered: dt.date  # the second application's registration
    request_from: dt.date  # 13(3): when the second state's take charge request time starts
    notified_before_adoption: bool  # 13(3) second subparagraph: such applications not affected


class Crises:
    """The decisions one determination reads: only those adopted by the case's ``as_of`` (a later
    one is flagged where its state acts, never read); looked up by state, so that a decision for
    a state the case does not involve changes nothing."""

    __slots__ = ("as_of", "by_state", "late", "t")

    def __init__(self, measures: Sequence[AuthorisedMeasures], t: Trace, as_of: dt.date) -> None:
        self.t, self.as_of = t, as_of
        self.by_state: dict[str, list[AuthorisedMeasures]] = {}
        self.late: dict[str, list[AuthorisedMeasures]] = {}
        for m in sorted(measures, key=lambda m: (m.applies_from, m.adopted_on, m.decision)):
            held = self.by_state if m.adopted_on <= as_of else self.late
            held.setdefault(m.state, []).append(m)

    def _decisions(self, state: str, derogation: Derogation) -> list[AuthorisedMeasures]:
        for m in self.late.get(state, ()):
            if derogation in m.derogations:
                self.t.flag(
                    "CFMR",
                    f"{m.decision} for {state} was adopted on {m.adopted_on}, after the case's "
                    f"as_of ({self.as_of}): not read",
                )
        return [m for m in self.by_state.get(state, ()) if derogation in m.derogations]

    def authorised(self, state: str) -> bool:
        """Whether a decision read or flagged authorises Art. 12 for ``state`` (a quick look)."""
        return any(
            Derogation.TIME_LIMITS in m.derogations
            for held in (self.by_state, self.late)
            for m in held.get(state, ())
        )

    # -- Art. 12 ------------------------------------------------------------------------------
    def extend(
        self, point: str, what: str, state: str, start: dt.date, normal: Length, due: dt.date
    ) -> Derogated | None:
        """The CFMR's period (Art. ``point``) for ``what`` ``state`` must do within ``normal``
        (the AMMR's limit, started ``start``, ending ``due``), where a decision authorises Art. 12 for ``state`` and the day the
        ``crisis.anchor`` reading names falls in its period; else None."""
        if state not in self.by_state and state not in self.late:
            return None
        found = self._decisions(state, Derogation.TIME_LIMITS)
        if not found:
            return None
        anchor = self.t.reading("crisis.anchor")
        for m in found:
            if m.situation is Situation.INSTRUMENTALISATION:
                self.t.flag(
                    "CFMR-12",
                    f"{m.decision} ({state}, instrumentalisation, Art. 1(4)(b) CFMR) cannot "
                    "extend the AMMR's time limits: Art. 12 CFMR is for a crisis of Art. 1(4)(a) "
                    "or force majeure",
                )
                continue
            on = due if anchor == "normal_expiry" else start
            hit = m.covers(Derogation.TIME_LIMITS, on)
            if anchor == "running":
                hit = start <= m.last_day() and m.applies_from <= due
            if not hit:
                if start <= m.last_day() and m.applies_from <= due:
                    self.t.flag(
                        "CFMR-12",
                        f"{m.decision} ({state}) applies from {m.applies_from} to {m.last_day()}, "
                        f"while the AMMR limit of Art. {normal.article} runs from {start} to "
                        f"{due}: under the reading crisis.anchor={anchor} it is not "
                        "extended",
                        "crisis.anchor",
                    )
                continue
            length = replace(self.t.rules.period(_PERIODS[point]), article=cfmr(point))
            change = CrisisChange(
                cfmr_article=point,
                decision=m.decision,
                state=state,
                period=length.text(),
                replaced_article=normal.article,
                replaced_period=normal.text(),
                ammr_due=due,
            )
            self.t.step(
                length.article,
                f"{state} faces {_FACING[m.situation]} and applies the derogation {m.decision} "
                f"authorises: {what} within {length.text()}, not {normal.text()} of Art. "
                f"{normal.article} AMMR (12(1): the limits of Arts 39, 40, 41 and 46 at once; "
                "'may': an authorised derogation is taken as applied)",
                decision=m.decision,
                applies=f"{m.applies_from} to {m.last_day()}",
                ammr_due=due,
            )
            return Derogated(length, m, change)
        return None

    def resumes(self, state: str, m: AuthorisedMeasures) -> dt.date | None:
        """Art. 12(4): the first day transfers to ``state`` may be carried out again (it no longer
        faces the situation), or None if unknown on ``as_of`` (``crisis.suspension_end``)."""
        ended_only = self.t.reading("crisis.suspension_end") == "ended_only"
        return transfers_resume(m, self.by_state.get(state, ()), ended_only=ended_only)

    def suspension(
        self,
        m: AuthorisedMeasures,
        responsible: str,
        transferring: str,
        start: dt.date,
        due: dt.date,
        done: dt.date | None,
    ) -> None:
        """Art. 12(4), first sentence: transfers to ``responsible`` wait while it faces the
        situation, unless it agrees to receive the person for individual reasons (not a fact of
        the case: a transfer recorded during the suspension goes to a person)."""
        resume = self.resumes(responsible, m)
        begins = max(start, m.applies_from)
        held = Suspension(responsible, m.situation.value, m.decision, begins, resume)
        self.t.steps.append(
            Step(
                cfmr("12(4)"),
                suspended(held),
                {"decision": m.decision, "resumes": resume or "not known"},
                held,
            )
        )
        if done is not None and begins <= done and (resume is None or done < resume):
            self.t.flag(
                "manual:12(4)",
                f"the transfer on {done} fell in the suspension: lawful only if {responsible} "
                "agreed to receive the person for individual reasons (12(4) CFMR)",
            )
        elif done is None and (resume is None or resume > due):
            self.t.flag(
                "CFMR-12",
                f"the suspension {'outlasts' if resume else 'may outlast'} the year ending "
                f"{due}: unless {responsible} agrees to receive the person, it is relieved after "
                f"that day and {transferring} becomes responsible (12(4) CFMR)",
            )

    # -- Art. 13 ------------------------------------------------------------------------------
    def relief(self, case: Case, released: str, route: str) -> Relief | None:
        """Art. 13(1): whether ``released`` is relieved of the take back (``route`` 36(1)(b) or
        38(4)) of an applicant who applied again elsewhere; the state of the second application
        is the first other state to register one after it (a third state where the person is
        now takes back to that one, 13(3)); every reason it is not, in the trace."""
        if released not in self.by_state and released not in self.late:
            return None
        t = self.t
        mine = [a.registered_on for a in case.applications if a.state == released]
        after = sorted(
            (a.registered_on, a.made_on, a.state)
            for a in case.applications
            if mine and a.state != released and a.registered_on >= min(mine)
        )
        if not after:
            return None
        second_on, _, second = after[0]
        for m in self._decisions(released, Derogation.TAKE_BACK_RELEASE):
            if m.situation is not Situation.MASS_ARRIVALS:
                t.flag(
                    "CFMR-13",
                    f"{m.decision} ({released}) concerns {_FACING[m.situation]}: Art. 13 CFMR "
                    "releases from take back only in a crisis of Art. 1(4)(a)",
                )
                continue
            if m.take_back_window is None:
                t.flag(
                    "CFMR-13",
                    f"{m.decision} ({released}) sets no period of registration for Art. 13 "
                    "CFMR: no release",
                )
                continue
            earliest = add_months(m.adopted_on, -t.rules.period(WINDOW).n)
            low, high = (
                max(m.take_back_window[0], earliest),
                min(m.take_back_window[1], m.adopted_on),
            )
            if (low, high) != m.take_back_window:
                t.flag(
                    "CFMR-13",
                    f"{m.decision}: the period of registration is read as {low} to {high}, "
                    f"within the {t.rules.period(WINDOW).text()} before adoption "
                    "(13(1) last subparagraph)",
                )
            registered = min(mine)
            on = max(second_on, m.applies_from)
            if not low <= registered <= high:
                why = f"registered in {released} on {registered}, outside {low} to {high}"
            elif on > self.as_of:
                why = f"the derogation applies from {m.applies_from}, after as_of"
            elif not m.covers(Derogation.TAKE_BACK_RELEASE, on):
                why = f"the second application ({second_on}) is after the period"
            elif case.procedure.transfer_done_on is not None:
                why = f"the person was transferred back on {case.procedure.transfer_done_on}"
            else:
                why = ""
            if why:
                t.step(cfmr("13(1)"), f"{m.decision}: no release from the take back ({why})")
                continue
            notified = any(
                q.kind is RequestKind.TAKE_BACK
                and q.to_state == released
                and q.sent_on < m.adopted_on
                for q in case.procedure.requests
            )
            if notified and route == "38(4)":
                reading = t.reading("crisis.notified_before_adoption")
                if reading == "whole_paragraph":
                    t.step(
                        cfmr("13(3)"),
                        f"a take back notification to {released} was sent before {m.decision} "
                        "was adopted: read as not reached by Art. 13(3) (the take back goes on)",
                    )
                    continue
            start = second_on
            if (
                route == "38(4)"
                and t.reading("crisis.second_state_request_from") != "second_registration"
            ):
                start = max(start, m.applies_from)
            return Relief(m, released, second, second_on, start, notified)
        return None


def suspended(s: Suspension) -> str:
    """Art. 12(4) CFMR in words: the chain's step, from its data."""
    until = f"to {s.until}" if s.until else "while it faces it (no end recorded)"
    return (
        f"transfers to {s.state}, facing {_FACING[Situation(s.situation)]}, are suspended from "
        f"{s.begins} {until}, unless it agrees to receive the person for individual reasons"
    )


def second_takes_over(t: Trace, relief: Relief, case: Case) -> None:
    """Art. 13(3) CFMR, first subparagraph, in the chain: the second state determines."""
    released, second = relief.released, relief.second
    t.step(
        cfmr("13(3)"),
        f"{released} is released from the take back of Art. 38(4) ({relief.measures.decision}): "
        f"{second}, where the second application was registered, determines without Arts 16(2), "
        "25(5), 33(1)-(2) (17(1)-(2): not applied by this engine) and takes over the take back "
        "duty of 38(4)",
        state=second,
    )
    if any(q.from_state == released for q in case.procedure.requests):
        t.flag(
            "manual:13(3)",
            f"{released} sent requests before the release: whether {second} takes them over is "
            "for a person",
        )


def request_start(t: Trace, relief: Relief) -> dt.date:
    """Art. 13(3) CFMR with Art. 39(1) AMMR: the day the second state's time to request another
    state to take charge starts (reading ``crisis.second_state_request_from``)."""
    second, registered = relief.second, relief.registered
    if relief.request_from > registered:
        t.flag(
            "CFMR-13",
            f"{second}'s time to request another state to take charge counts from "
            f"{relief.request_from}, the first day of the decision's period, not from its "
            f"registration on {registered}",
            "crisis.second_state_request_from",
        )
    return relief.request_from


def second_default(t: Trace, relief: Relief) -> Hit | None:
    """Art. 13(3) CFMR, second subparagraph: no state found, the second state is responsible.
    None for an application notified for take back before the decision's adoption, which the
    subparagraph does not reach (reading ``crisis.notified_before_adoption``): the released state
    takes the person back and determines under the whole of Part III (38(4)), the caller
    routing it so."""
    released, second = relief.released, relief.second
    if relief.notified_before_adoption:
        t.step(
            cfmr("13(3)"),
            f"no state found; the take back notification to {released} was sent before "
            f"{relief.measures.decision} was adopted, which the second subparagraph does not "
            f"reach: {released} takes the person back and determines (38(4))",
            state=released,
        )
        return None
    t.step(
        cfmr("13(3)"),
        f"no state found: {second}, where the second application was registered, is responsible "
        "(second subparagraph) and records it in Eurodac (Art. 16(1) Regulation (EU) 2024/1358)",
        state=second,
    )
    return Hit(second, cfmr("13(3)"))


__all__ = [
    "SECOND_STATE_EXCLUDES",
    "Crises",
    "Derogated",
    "Relief",
    "cfmr",
    "request_start",
    "second_default",
    "second_takes_over",
    "suspended",
]
