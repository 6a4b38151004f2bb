"""The acts of Art. 9(4)-(5) CFMR (Regulation (EU) 2024/1359) in the crisis procedure's replay
(:func:`eupact.crisis.procedure.replay`), after a Council implementing decision:

- a contributing state's notification (9(5), first subparagraph): not the state in crisis (it
  takes no offsets for itself, 9(1)), a state bound by the CFMR, one notification per state and
  crisis, within the five years of 9(4)(b) from the day the last decision is no longer in force;
- the Commission's implementing act (9(5), second subparagraph): on that state's notification,
  once, for at most the reduction notified, naming the act, within the five years
  (:meth:`eupact.pool.credits.CrisisCredit.authorise`).

Whether the number exceeds what the offsets of 9(1)(b) put above the state's fair share needs the
pool's pledges: the service's check (:mod:`eupact.cycle.service.crisis_credits`). Pure.
"""

from __future__ import annotations

from eupact.errors import EupactError
from eupact.pool.credits import CrisisCredit, credit_expiry

from .events import CreditAuthorisation, CreditNotification
from .rules import Problems
from .schedule import Run
from .timing import ONE_DAY


def _credit_window(run: Run, state: str, applications: int) -> CrisisCredit:
    """The credit as the decisions stand: the day the last one is no longer in force (its
    repeal, or the day after its period, as ``AuthorisedMeasures.situation_over_from``) and five
    years from it (9(4)(b))."""
    d = run.decisions[-1]
    end = d.repealed_from or d.last + ONE_DAY
    expires = credit_expiry(end, run.p("crisis.credits.years"))
    return CrisisCredit(state, applications, d.name, end, expires)


def credit_problems(run: Run, act: CreditNotification | CreditAuthorisation) -> Problems:
    """What Art. 9(4)-(5) CFMR refuses in a notification or an authorisation, the acts before
    it replayed in ``run``."""
    notices = [e for e in run.events if isinstance(e, CreditNotification) and e.state == act.state]
    if isinstance(act, CreditNotification):
        if act.state == run.request.state:
            return [
                (
                    "state",
                    act.state,
                    "the state in crisis takes no offsets for itself: a credit is a contributing "
                    "state's that took responsibility above its fair share (Art. 9(1)(b), 9(4))",
                )
            ]
        if act.state not in set(run.params("crisis.bound_member_states")):
            return [("state", act.state, "not a Member State bound by the CFMR (recitals 64-65)")]
        if notices:
            return [
                (
                    "state",
                    act.state,
                    f"{act.state} notified on {notices[0].on.isoformat()}: one notification per "
                    "state and crisis (Art. 9(5))",
                )
            ]
        credit = _credit_window(run, act.state, act.applications)
        if act.on > credit.expires_on:
            return [
                (
                    "date",
                    act.on,
                    f"the reduction may be claimed until {credit.expires_on.isoformat()}, five "
                    f"years from {credit.no_longer_in_force.isoformat()} when {credit.decision} "
                    "is no longer in force (Art. 9(4)(b))",
                )
            ]
        return []
    if not notices:
        return [
            (
                "state",
                act.state,
                f"no notification by {act.state}: the Commission authorises on the state's "
                "notification (Art. 9(5))",
            )
        ]
    notice = notices[0]
    if any(isinstance(e, CreditAuthorisation) and e.state == act.state for e in run.events):
        return [("state", act.state, f"{act.state}'s reduction is already authorised (Art. 9(5))")]
    if act.applications > notice.reduction:
        return [
            (
                "applications",
                act.applications,
                f"more than the reduction of {notice.reduction} {act.state} notified on "
                f"{notice.on.isoformat()} (Art. 9(5))",
            )
        ]
    try:
        _credit_window(run, act.state, act.applications).authorise(act.reference, act.on, notice.on)
    except EupactError as exc:
        return [(p.field, p.value, p.rule) for p in exc.problems]
    return []


__all__ = ["credit_problems"]
