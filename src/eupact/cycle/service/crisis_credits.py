"""Crisis credits in the service (Regulation (EU) 2024/1359, CFMR Art. 9(4)(a), 9(5)): a
contributing state's notification and the Commission's implementing act are acts of the crisis
(``credit_notification``, ``credit_authorisation``, recorded by :meth:`Crises.record
<eupact.cycle.service.crisis.Crises.record>` and replayed by
:func:`eupact.crisis.procedure.replay`); here what the replay cannot judge, and what the annual
cycle reads:

- :func:`check_above_fair_share`: the number notified or authorised may not exceed what the
  crisis offsets of 9(1)(b), as the service computes them (:class:`~eupact.cycle.service.
  crisis_plan.CrisisPlans`), put above the state's fair share; a state the plan does not count
  as contributing has none. Only 9(1)(b) is computed: a credit for Art. 13 CFMR (the state in
  crisis released from take back) is not held here;
- :func:`cycle_credits`: every credit the Commission authorised by a day, with what the pool
  years before the cycle's already took off the state's fair shares (those whose Council act
  eupact holds; :func:`eupact.pool.credits.carry_credits`), for
  :func:`eupact.pool.outcome.compute_outcome` (which applies them, 9(4)(a)).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from eupact.crisis.events import CreditAuthorisation, CreditNotification, Event
from eupact.crisis.offsets import credits_of
from eupact.cycle.permissions import Actor
from eupact.cycle.service.context import Context
from eupact.errors import EupactError, Problem
from eupact.pool.acts import recorded_years
from eupact.pool.allocation import allocate
from eupact.pool.credits import CrisisCredit, carry_credits

if TYPE_CHECKING:
    from eupact.cycle.service.crisis import Crises

SUMMARY = "crisis credit refused"


def check_above_fair_share(crises: Crises, actor: Actor, crisis_id: int, act: Event) -> None:
    """Refuse a notification or an authorisation for more applications than the crisis offsets
    put above the state's fair share (Art. 9(1)(b), 9(4)-(5) CFMR)."""
    if not isinstance(act, CreditNotification | CreditAuthorisation):
        return
    from eupact.cycle.service.crisis_plan import CrisisPlans  # it reads Crises: imported late

    try:
        # the most the offsets could have put above the fair share: refuse only what cannot be
        plans = CrisisPlans(crises.ctx, crises)
        computed = plans.offsets(actor, crisis_id, upper_bound=True)["computed"]
    except EupactError as exc:
        raise EupactError(
            [
                Problem(
                    "crisis_id",
                    crisis_id,
                    "a credit is for applications taken above the fair share under the crisis "
                    "offsets of Art. 9(1)(b) CFMR, which cannot be computed here: "
                    + "; ".join(p.rule for p in exc.problems),
                )
            ],
            SUMMARY,
        ) from None
    row = computed["states"].get(act.state)
    above = int(row["above_fair_share"]) if row else 0
    if act.applications > above:
        why = (
            f"the crisis offsets put {above} application(s) of {act.state} above its fair share"
            if row
            else f"{act.state} is not a contributing state of this crisis's plan"
        )
        raise EupactError(
            [
                Problem(
                    "applications",
                    act.applications,
                    f"more than the Art. 9(1)(b) CFMR number: {why} (computed by the service "
                    "from the plan and the pool's pledges, each state assumed to hold the whole "
                    "gap, Art. 9(4))",
                )
            ],
            SUMMARY,
        )


def crisis_credits(crises: Crises, session: Session, on: dt.date) -> tuple[CrisisCredit, ...]:
    """Every credit recorded in the service as it stood on ``on``: the acts adopted by then,
    each crisis replayed (:func:`~eupact.crisis.offsets.credits_of`)."""
    from eupact.cycle.service.crisis import event_of  # crisis imports this module

    out: list[CrisisCredit] = []
    for row, records in crises.stored(session):
        acts = [event_of(r) for r in records if r.on <= on]
        if not any(isinstance(a, CreditNotification) for a in acts):
            continue
        state = crises.judge(acts, on)
        out += credits_of(state, crises.ctx.parameters.at(row.requested_on))
    return tuple(out)


def cycle_credits(
    ctx: Context, session: Session, year: int, on: dt.date
) -> tuple[CrisisCredit, ...]:
    """The credits the Commission authorised by ``on`` (Art. 9(5) CFMR), each with what the pool
    years before ``year`` used of it (9(4)(a)): the input of ``year``'s outcome."""
    from eupact.cycle.service.crisis import Crises

    authorised = [
        c
        for c in crisis_credits(Crises(ctx), session, on)
        if c.authorised_on is not None and c.authorised_on <= on
    ]
    states = set(ctx.pool(year).key.states) if authorised else set()
    authorised = [c for c in authorised if c.state in states]
    if not authorised:
        return ()
    first = min(c.authorised_on.year for c in authorised if c.authorised_on)
    held = set(recorded_years(ctx.parameters))
    earlier = []
    for y in range(first, year):
        if y not in held:
            continue  # no Council act held for that year: no fair share it reduced
        pool = ctx.pool(y)
        fair = allocate(pool.key, pool.act.reference, "mandatory fair share", "Art. 57(3), 66")
        earlier.append((y, {g: r.relocations for g, r in fair.rows.items()}, pool.key.params))
    return carry_credits(authorised, earlier)


__all__ = ["SUMMARY", "check_above_fair_share", "crisis_credits", "cycle_credits"]
