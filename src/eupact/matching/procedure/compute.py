"""Where one person's relocation procedure stands on a date (Art. 67(2)-(11), 68 AMMR): every step
with its article, its due date computed by Art. 75, the date it was done and whether its time limit
was met, missed, is pending or was deemed met by silence.

Steps, in order: identification (67(3)), information of the person (67(5)), security check by the
benefitting state before the procedure (67(2)), written consent of a beneficiary (67(4)), the
request with the information (67(7)), a postponement of the reply (67(9), third subparagraph), the
reply of the state of relocation — confirmation within one week of receipt, two weeks if postponed
within the week, silence being tantamount to confirmation (67(9)) — the transfer decision within
one week of the confirmation (67(10)), the written notice to the person at the latest two days
(applicants) or one week (beneficiaries) before the transfer (67(10)), an appeal (67(13), 43), the
transfer within four weeks of the confirmation or of the final decision on an appeal with
suspensive effect (67(11)), and the report of arrival or non-appearance (68(1)).

An exclusion (67(2), 67(5) second subparagraph, 67(9) second subparagraph) ends the procedure on its
date: the steps still pending then do not apply. Readings besides those of the parameter file
``part_iv_art_67_relocation_procedure.yaml``: [reading] a security refusal of the state of relocation
after its reply period still stops the relocation (67(2): 'before or during the procedure'), though
silence had been tantamount to confirmation (alternative: the obligation to relocate of 67(9),
fourth subparagraph, binds); [reading] a missed transfer-decision or transfer limit is reported and
has no other effect (Art. 67 attaches none, and Art. 67(13) does not apply Art. 46(2)).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from eupact.errors import fail
from eupact.explain import ParameterUse
from eupact.parameters import ParameterSet
from eupact.timelimits import CalendarFor, HolidayCalendar, TimeLimit, Unit, day, national_holidays
from eupact.timelimits import time_limit as _time_limit

from ..model import Status
from .case import GROUND_TEXT, Ground, RelocationCase, as_of, check_case
from .status import Outcome, ProcedureStatus, Step, StepState

# key: (title, short reference, citation), in the order of the procedure
STEPS: dict[str, tuple[str, str, str]] = {
    "identification": ("identification", "67(3)", "Art. 67(3) AMMR"),
    "information": ("information", "67(5)", "Art. 67(5), first subparagraph, AMMR"),
    "security_check": ("security check", "67(2)", "Art. 67(2) AMMR"),
    "consent": ("written consent", "67(4)", "Art. 67(4), third subparagraph, AMMR"),
    "request": ("request", "67(7)", "Art. 67(7) AMMR"),
    "postponement": ("postponement", "67(9)", "Art. 67(9), third subparagraph, AMMR"),
    "reply": ("reply (confirmation)", "67(9)", "Art. 67(9), first subparagraph, AMMR"),
    "transfer_decision": ("transfer decision", "67(10)", "Art. 67(10), first subparagraph, AMMR"),
    "notice": ("notice to the person", "67(10)", "Art. 67(10), first subparagraph, AMMR"),
    "appeal": ("appeal", "67(13)", "Art. 67(11), (13) and 43 AMMR"),
    "transfer": ("transfer", "67(11)", "Art. 67(11) AMMR"),
    "arrival_report": ("arrival report", "68(1)", "Art. 68(1) AMMR"),
}
DEEMED_ARTICLE = "Art. 67(9), fourth subparagraph, AMMR"
MET, MISSED, PENDING = StepState.MET, StepState.MISSED, StepState.PENDING
DEEMED, DONE, NA = StepState.DEEMED, StepState.DONE, StepState.NOT_APPLICABLE


def procedure_status(
    case: RelocationCase,
    parameters: ParameterSet,
    on: dt.date,
    *,
    holidays_for: CalendarFor = national_holidays,
) -> ProcedureStatus:
    """Every step of ``case`` as it stood at the end of ``on`` (events dated later are ignored).

    Each time limit uses the parameter values in force on the day its period starts, and the
    holidays of the state that must act (``relocation.holiday_calendar``). ``holidays_for`` gives a
    state's calendar (default: the nationwide public holidays of the `holidays` package).
    Raises :class:`~eupact.errors.EupactError` if the record is not a possible procedure."""
    check_case(case)
    return _Procedure(case, parameters, on, holidays_for).run()


class _Procedure:
    def __init__(
        self, case: RelocationCase, params: ParameterSet, on: dt.date, holidays_for: CalendarFor
    ) -> None:
        self.full = as_of(case, on)
        self.params, self.on, self.holidays_for = params, on, holidays_for
        self.excl = self.full.exclusion
        # An exclusion ends the procedure: the steps are judged as they stood on its day.
        self.at = min(on, self.excl.on) if self.excl else on
        self.c = as_of(self.full, self.at)
        self.steps: dict[str, Step] = {}
        self.confirmation: dt.date | None = None
        self.transfer_due: dt.date | None = None
        self.annulled = False

    # ------------------------------------------------------------------ helpers

    def use(self, name: str, at: dt.date) -> tuple[Any, ParameterUse]:
        p = self.params.at(at)
        return p(name), ParameterUse.of(p, name)

    def calendars(self, actor: str, at: dt.date) -> tuple[list[HolidayCalendar], ParameterUse]:
        policy, use = self.use("relocation.holiday_calendar", at)
        if policy == "acting_state":
            return [self.holidays_for(actor)], use
        if policy == "both_states":
            states = (self.c.benefitting_state, self.c.relocation_state)
            return [self.holidays_for(s) for s in states], use
        raise _bad_parameter("relocation.holiday_calendar", policy, "acting_state, both_states")

    def limit(self, name: str, start: dt.date, actor: str) -> tuple[TimeLimit, list[ParameterUse]]:
        n, use = self.use(name, start)
        cals, cal_use = self.calendars(actor, start)
        return _time_limit(start, int(n), Unit.WEEKS, cals), [use, cal_use]

    def put(
        self,
        key: str,
        actor: str,
        state: StepState,
        reason: str,
        *,
        due: dt.date | None = None,
        done: dt.date | None = None,
        limit: TimeLimit | None = None,
        uses: list[ParameterUse] | tuple[ParameterUse, ...] = (),
        article: str = "",
        formula: str = "",
    ) -> None:
        title, ref, art = STEPS[key]
        if self.excl and state is PENDING:  # the procedure ended before this step was done
            ended = GROUND_TEXT[self.excl.ground][1]
            state, reason = NA, f"the procedure ended on {day(self.excl.on)} ({ended})"
            due = done = limit = None
        if limit is not None:
            due, formula = due or limit.due, formula or limit.formula()
        self.steps[key] = Step(
            key, title, ref, article or art, actor, state, due, done, reason, formula, tuple(uses)
        )

    def simple(self, key: str, actor: str, done: dt.date | None, did: str, waits: str) -> None:
        """A step without a time limit: done or pending."""
        self.put(key, actor, DONE if done else PENDING, did if done else waits, done=done)

    @staticmethod
    def judged(done: dt.date | None, due: dt.date, at: dt.date) -> StepState:
        if done is not None:
            return MET if done <= due else MISSED
        return MISSED if at > due else PENDING

    # ------------------------------------------------------------------ steps

    def run(self) -> ProcedureStatus:
        self.before_request()
        self.request()
        self.transfer_decision()
        self.appeal()
        self.transfer()
        self.notice()
        self.arrival()
        outcome, reason = self.outcome()
        steps = tuple(self.steps[k] for k in STEPS)
        return ProcedureStatus(self.full, self.on, steps, outcome, reason, self.confirmation)

    def before_request(self) -> None:
        c, b = self.c, self.c.benefitting_state
        self.simple(
            "identification",
            b,
            c.identified_on,
            "identified as a person who could be relocated",
            "the benefitting state identifies the persons who could be relocated",
        )
        if self.excl and self.excl.ground is Ground.BENEFITTING_STATE_RESPONSIBLE:
            self.put(
                "information",
                b,
                NA,
                "not for applicants for whom the benefitting state is responsible under Articles "
                "25 to 28 or 34 (Art. 67(5), second subparagraph)",
            )
        else:
            self.simple(
                "information",
                b,
                c.informed_on,
                "informed of the procedure of Articles 67 and 68",
                "the benefitting state informs the person of the procedure (no time limit)",
            )
        self.security_check()
        self.consent()

    def security_check(self) -> None:
        c, b, done, sent = self.c, self.c.benefitting_state, self.c.security_checked_on, None
        if self.excl and self.excl.ground is Ground.SECURITY_BENEFITTING_STATE:
            text = GROUND_TEXT[self.excl.ground][0]
            self.put("security_check", b, DONE, text, done=done or self.excl.on)
            return
        sent = c.request_sent_on
        if sent is not None and (done is None or done > sent):
            late = f" (checked {day(done)})" if done else ""
            reason = (
                f"the procedure was applied (request sent {day(sent)}) before the benefitting "
                f"state ensured there are no reasonable grounds to consider the person a threat "
                f"to internal security{late}"
            )
            self.put("security_check", b, MISSED, reason, due=sent, done=done)
            return
        self.simple(
            "security_check",
            b,
            done,
            "no reasonable grounds to consider the person a threat to internal security",
            "before the procedure is applied: no reasonable grounds to consider the person a "
            "threat to internal security",
        )

    def consent(self) -> None:
        c = self.c
        if c.status is not Status.BENEFICIARY:
            self.put("consent", "person", NA, "asked of beneficiaries of protection only")
            return
        done, moved = c.consented_on, c.transferred_on
        if moved is not None and (done is None or done > moved):
            reason = f"transferred {day(moved)} without prior written consent"
            self.put("consent", "person", MISSED, reason, due=moved, done=done)
            return
        self.simple(
            "consent",
            "person",
            done,
            "consented to the relocation in writing",
            "a beneficiary is relocated only after consenting in writing",
        )

    def request(self) -> None:
        c, r = self.c, self.c.relocation_state
        note = ""
        if c.request_sent_on and c.information_received_on is None:
            note = " ([reading] received the day it was sent: no receipt date recorded)"
        self.simple(
            "request",
            c.benefitting_state,
            c.request_sent_on,
            f"information sent to {r} on the standard form{note}",
            f"the benefitting state sends {r} the information as quickly as possible",
        )
        received = c.received_on
        if received is None:
            self.put("postponement", r, NA, "no request yet")
            self.put("reply", r, PENDING, f"{r} replies within one week of receiving the request")
            return
        week, week_uses = self.limit("relocation.confirmation_weeks", received, r)
        limit, uses = week, week_uses
        notified = c.postponement_notified_on
        if notified is None:
            self.put("postponement", r, NA, "no postponement of the reply was communicated")
        else:
            two, two_uses = self.limit("relocation.postponed_confirmation_weeks", received, r)
            if notified <= week.due:
                limit, uses = two, two_uses
                reason = (
                    f"communicated within the original week: {r} may reply until "
                    f"{day(two.due)} (particularly complex examination, or many cases at once)"
                )
            else:
                reason = (
                    f"communicated after the original week ({day(week.due)}): it does not extend "
                    "the time limit"
                )
            state = MET if notified <= week.due else MISSED
            self.put("postponement", r, state, reason, done=notified, limit=week, uses=week_uses)
        self.reply(limit, uses)

    def reply(self, limit: TimeLimit, uses: list[ParameterUse]) -> None:
        c, r = self.c, self.c.relocation_state
        excl = self.excl
        refused = excl.on if excl and excl.ground is Ground.SECURITY_STATE_OF_RELOCATION else None
        style, style_use = self.use("relocation.deemed_confirmation_date", limit.start)
        if style not in ("last_day_of_period", "day_after_period"):
            raise _bad_parameter(
                "relocation.deemed_confirmation_date", style, "last_day_of_period, day_after_period"
            )
        deemed_on = limit.due + dt.timedelta(days=0 if style == "last_day_of_period" else 1)
        uses = [*uses, style_use]
        silence = (
            f"no reply by {day(limit.due)}: failure to act is tantamount to confirming and "
            f"entails the obligation to relocate (confirmation deemed on {day(deemed_on)})"
        )
        if refused is not None and refused <= limit.due:
            reason = f"refused on security grounds {day(refused)}, within the time limit"
            article = "Art. 67(9), second subparagraph, AMMR"
            self.put("reply", r, MET, reason, done=refused, limit=limit, uses=uses, article=article)
            return
        if refused is not None:
            self.confirmation = deemed_on
            reason = (
                f"{silence}; the security refusal of {day(refused)} came after the time limit and "
                "stops the relocation ([reading] Art. 67(2): 'before or during the procedure')"
            )
            self.put("reply", r, DEEMED, reason, limit=limit, uses=uses, article=DEEMED_ARTICLE)
            return
        done = c.confirmed_on
        if done is not None and done <= limit.due:
            self.confirmation = done
            reason = f"confirmed {day(done)}, within the time limit"
            self.put("reply", r, MET, reason, done=done, limit=limit, uses=uses)
        elif done is not None or self.at > limit.due:
            self.confirmation = deemed_on
            late = f"; the confirmation of {day(done)} came after it" if done else ""
            self.put(
                "reply", r, DEEMED, silence + late, limit=limit, uses=uses, article=DEEMED_ARTICLE
            )
        else:
            reason = (
                f"{r} confirms, or refuses on security grounds, by {day(limit.due)}; silence "
                "then counts as confirmation"
            )
            self.put("reply", r, PENDING, reason, limit=limit, uses=uses)

    def transfer_decision(self) -> None:
        c, b, conf = self.c, self.c.benefitting_state, self.confirmation
        done = c.transfer_decision_on
        if conf is None:
            reason = "within one week of the confirmation by the state of relocation"
            self.put("transfer_decision", b, PENDING, reason, done=done)
            return
        limit, uses = self.limit("relocation.transfer_decision_weeks", conf, b)
        state = self.judged(done, limit.due, self.at)
        if state is MET:
            reason = "decided within one week of the confirmation"
        elif state is MISSED:
            when = f"decided {day(done)}, after" if done else "not decided by"
            reason = f"{when} the time limit; Art. 67 attaches no consequence"
        else:
            reason = f"the benefitting state decides by {day(limit.due)}"
        self.put("transfer_decision", b, state, reason, done=done, limit=limit, uses=uses)

    def appeal(self) -> None:
        a = self.c.appeal
        if a is None:
            self.put("appeal", "person", NA, "no appeal recorded")
            return
        kind = "with suspensive effect" if a.suspensive else "without suspensive effect"
        if a.final_decision_on is None:
            effect = (
                "the transfer is suspended until the final decision"
                if a.suspensive
                else "it does not suspend the transfer (Art. 43(3), second subparagraph)"
            )
            reason = f"appeal {kind} lodged {day(a.lodged_on)}, pending: {effect}"
            self.put("appeal", "person", PENDING, reason)
            return
        self.annulled = not a.transfer_upheld
        upheld = "annulled" if self.annulled else "upheld"
        reason = f"appeal {kind} lodged {day(a.lodged_on)}; transfer decision {upheld}"
        self.put("appeal", "person", DONE, reason, done=a.final_decision_on)

    def transfer(self) -> None:
        c, b, r, a = self.c, self.c.benefitting_state, self.c.relocation_state, self.c.appeal
        done = c.transferred_on
        if self.annulled:
            self.put("transfer", b, NA, "the transfer decision was annulled on appeal")
            return
        start, since = self.confirmation, "the confirmation"
        if a is not None and a.suspensive:
            if a.final_decision_on is None:
                reason = "suspended pending the appeal: four weeks from its final decision"
                self.put("transfer", b, PENDING, reason, done=done)
                return
            start, since = a.final_decision_on, "the final decision on the appeal"
        if start is None:
            reason = "within four weeks of the confirmation by the state of relocation"
            self.put("transfer", b, PENDING, reason, done=done)
            return
        limit, uses = self.limit("relocation.transfer_weeks", start, b)
        self.transfer_due = limit.due
        state = self.judged(done, limit.due, self.at)
        if state is MET:
            reason = f"transferred to {r} within four weeks of {since}"
        elif state is MISSED:
            when = f"transferred {day(done)}, after" if done else "not transferred by"
            reason = (
                f"{when} the time limit; Art. 67 attaches no consequence (Art. 46(2) is not "
                "among the provisions Art. 67(13) applies)"
            )
        else:
            reason = f"{b} transfers the person by {day(limit.due)}, four weeks from {since}"
        self.put("transfer", b, state, reason, done=done, limit=limit, uses=uses)

    def notice(self) -> None:
        c, b = self.c, self.c.benefitting_state
        if self.annulled:
            self.put("notice", b, NA, "the transfer decision was annulled on appeal")
            return
        at = c.transfer_decision_on or self.at
        if c.status is Status.BENEFICIARY:
            n, use = self.use("relocation.notice_weeks_beneficiary", at)
            gap, words = dt.timedelta(weeks=int(n)), f"{n} week" + ("s" if n != 1 else "")
        else:
            n, use = self.use("relocation.notice_days_applicant", at)
            gap, words = dt.timedelta(days=int(n)), f"{n} day" + ("s" if n != 1 else "")
        moved, notified = c.transferred_on, c.person_notified_on
        base = moved or self.transfer_due
        due = base - gap if base else None
        formula = ""
        if base and due:
            what = "transfer" if moved else "transfer time limit"
            formula = f"{what} {day(base)} − {words} = {day(due)} ([reading] no weekend shift)"
        rule = f"in writing, at the latest {words} before the transfer"
        if notified is not None:
            state = MET if due is None or notified <= due else MISSED
            reason = f"notified {day(notified)}; {rule}"
            if state is MISSED and not moved:
                reason += ": a transfer within its time limit can no longer be so notified"
        elif moved is not None:
            state, reason = MISSED, f"transferred {day(moved)} without notice; {rule}"
        elif due is not None and self.at > due:
            state = MISSED
            reason = f"not notified by {day(due)}: a transfer within its time limit can no "
            reason += f"longer have the notice required ({rule})"
        else:
            state, reason = PENDING, rule
        self.put("notice", b, state, reason, due=due, done=notified, uses=[use], formula=formula)

    def arrival(self) -> None:
        c, r = self.c, self.c.relocation_state
        if self.annulled:
            self.put("arrival_report", r, NA, "the transfer decision was annulled on appeal")
            return
        what = "safe arrival" if c.arrived else "did not appear within the set time limit"
        self.simple(
            "arrival_report",
            r,
            c.arrival_reported_on,
            f"reported to the benefitting state, the Asylum Agency and the EU Solidarity "
            f"Coordinator: {what}",
            f"{r} reports the safe arrival or the non-appearance (no time limit)",
        )

    def outcome(self) -> tuple[Outcome, str]:
        c = self.full
        if c.exclusion is not None:
            text, art = GROUND_TEXT[c.exclusion.ground]
            return Outcome.EXCLUDED, f"excluded on {day(c.exclusion.on)}: {text} ({art})"
        if self.annulled and c.appeal and c.appeal.final_decision_on:
            when = day(c.appeal.final_decision_on)
            return Outcome.TRANSFER_ANNULLED, f"transfer decision annulled on appeal on {when}"
        if c.arrived is True:
            after = (
                "the state of relocation grants international protection status respecting the "
                "status granted (Art. 68(4))"
                if c.status is Status.BENEFICIARY
                else "the state of relocation examines the application or determines the state "
                "responsible (Art. 68(2)-(3))"
            )
            return Outcome.RELOCATED, f"relocated, safe arrival reported: {after}"
        if c.arrived is False:
            return Outcome.DID_NOT_APPEAR, "the person did not appear within the set time limit"
        if c.transferred_on is not None:
            when = day(c.transferred_on)
            return Outcome.TRANSFERRED, f"transferred {when}; arrival report awaited (68(1))"
        pending = [s for s in self.steps.values() if s.state is PENDING and s.due is not None]
        if pending:
            s = min(pending, key=lambda s: s.due or dt.date.max)
            return Outcome.IN_PROGRESS, f"in progress; next: {s.title} by {day(s.due or self.on)}"
        late = [s.title for s in self.steps.values() if s.state is MISSED and s.done is None]
        return Outcome.IN_PROGRESS, "in progress" + (
            f"; overdue: {', '.join(late)}" if late else ""
        )


def _bad_parameter(name: str, value: object, allowed: str) -> Exception:
    return fail(
        name,
        value,
        f"must be one of {allowed} (parameters/ammr/part_iv_art_67_relocation_procedure.yaml)",
        summary="invalid parameter",
    )
