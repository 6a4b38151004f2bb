"""A crisis's Solidarity Response Plan (Regulation (EU) 2024/1359, CFMR Art. 4(2)(b), 4(5)(b),
8(1)) and its crisis responsibility offsets (Art. 9), computed in the service by the crisis rules
(:func:`eupact.crisis.plan.response_plan`, :func:`eupact.crisis.offsets.crisis_offsets`) from
what the service holds:

- the needs: the Solidarity Response Plan of the latest Council implementing decision (4(5)(b)),
  else the latest proposal's draft plan (4(2)(b)), else the solidarity the reasoned request asks
  for (2(2)(b)); the figures as recorded are shown beside the computed ones;
- the pledges available in the Annual Solidarity Pool (4(2)(b)(iii)): the pledges the service
  records for the pool year of the plan's date, once the Council act establishing the pool is
  recorded (before it they are RESTREINT UE, Art. 12(6) AMMR, and not counted); what other
  benefitting states already used of them is not deducted (the service does not record to whom
  a pledge went) — said in the answer;
- the key: the reference key of Art. 66 AMMR the cycle of that pool year uses
  (:meth:`~eupact.cycle.service.context.Context.pool`);
- already a benefitting state (4(2), second subparagraph): from the uses of the pool and
  notifications recorded for that year (Arts 58-59 AMMR), as of the plan's date;
- the offsets' pledges per contributing state: its pool pledges (relocations; financial and
  alternative in EUR); the additional pledges per state are not recorded (the decision's plan
  states totals) — said in the answer;
- the applications each contributing state holds that the offsets may take (9(1)(a), (c)): the
  cases of the Dublin workspace it holds whose state responsible, as the engine determines it on
  the day of the read, is the state in crisis, and which pass Art. 63(8) AMMR mutatis mutandis
  as the workspace's identification of offset cases tests it (the engine's 63(8) reasons, then
  :func:`eupact.crisis.offsets.eligible_applications`, i.e.
  :func:`eupact.pool.offset_cases.case_problems`: the checks
  :meth:`~eupact.cycle.service.dublin.DublinCases.identify` applies before a state takes a
  case). Finally rejected applicants (63(9)) are the contributing state's choice: not counted,
  their number shown beside. A state holding no such case holds 0 (not "unknown"). The answer
  gives counts only, never a case's reference: every reader sees every state's counts, while a
  case itself is seen only as the Dublin workspace allows (``dublin_base``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from eupact.crisis.events import CouncilDecision, PlanFigures, Proposal, ReasonedRequest
from eupact.crisis.measures import Situation
from eupact.crisis.offsets import Contribution, crisis_offsets, eligible_applications
from eupact.crisis.plan import PlanRequest, SolidarityResponsePlan, response_plan
from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import AFTER_ACT, Phase
from eupact.cycle.service import dublin_facts as facts_
from eupact.cycle.service import repository as repo
from eupact.cycle.service.context import Context
from eupact.cycle.service.crisis import Crises, CrisisRead
from eupact.cycle.service.dublin_base import DublinWorkspace
from eupact.cycle.service.reads import standing_of
from eupact.cycle.store.dublin import DublinCaseRow
from eupact.errors import EupactError, NotFound, Problem
from eupact.pool.offset_cases import OffsetCase
from eupact.pool.pledges import Pledge, PledgeKind

POOL_PHASES = frozenset({*AFTER_ACT, Phase.CLOSED})


def _figures(read: CrisisRead) -> tuple[str, dt.date, PlanFigures | None, bool]:
    """Where the plan's needs come from: (source, day, figures, relocation primary)."""
    primary = False
    found: tuple[str, dt.date, PlanFigures | None] | None = None
    for event in read.state.events:
        if isinstance(event, ReasonedRequest):
            asked = event.solidarity
            primary = bool(asked and asked.relocation_primary)
            if asked is not None:
                plan = PlanFigures(
                    relocations=asked.relocations, financial=asked.financial + asked.alternative
                )
                found = ("request", event.on, plan)
        elif isinstance(event, Proposal) and event.plan is not None:
            found = ("proposal", event.on, event.plan)
        elif isinstance(event, CouncilDecision) and event.plan is not None:
            found = (event.kind.value, event.on, event.plan)
    if found is None:
        return "none", read.row.requested_on, None, primary
    return (*found, primary)


class CrisisPlans:
    """The plan and the offsets of a crisis, for readers of the procedure."""

    def __init__(self, ctx: Context, crises: Crises | None = None) -> None:
        self.ctx = ctx
        self.crises = crises or Crises(ctx)

    def _pool(self, year: int) -> tuple[list[Pledge], bool, str]:
        """The pool year's pledges (if the service holds its Council act), whether they are
        counted, and what the answer says about them."""
        with self.ctx.uow.read() as session:
            try:
                row = repo.cycle(session, year)
            except NotFound:
                return [], False, f"no {year} cycle in this service: no pool pledges counted"
            if Phase(row.phase) not in POOL_PHASES:
                return (
                    [],
                    False,
                    f"the {year} Council act is not recorded yet (phase {row.phase}): its pledges "
                    "are RESTREINT UE until then (Art. 12(6) AMMR) and not counted",
                )
            pledges = repo.pledges(session, year)
        return (
            pledges,
            True,
            (
                f"the pledges recorded for the {year} Annual Solidarity Pool; what other "
                "benefitting states already used of them is not deducted"
            ),
        )

    def _held(self, crisis_state: str, states: tuple[str, ...], on: dt.date) -> dict[str, Any]:
        """Per contributing state, the Dublin cases it holds for which ``crisis_state`` is
        responsible on ``on`` (the engine's decision as of that day), and how many of them the
        offsets may take (Art. 9(1)(a), (c) CFMR; Art. 63(8)-(9) AMMR mutatis mutandis)."""
        workspace = DublinWorkspace(self.ctx)
        params = self.ctx.parameters.at(on)
        held: dict[str, list[tuple[OffsetCase, bool]]] = {g: [] for g in states}
        with self.ctx.uow.read() as session:
            rows = session.execute(
                select(DublinCaseRow)
                .where(DublinCaseRow.holder_state.in_(states))
                .order_by(DublinCaseRow.id)
            ).scalars()
            for row in rows:
                case = facts_.case_on(row.facts, on, f"case {row.case_ref}")
                decision = workspace.determine(case)
                if decision.responsible_state != crisis_state:
                    continue
                found = facts_.offset_case(row.case_ref, case, decision)
                held[row.holder_state].append((found, decision.offsets_eligible))
        out: dict[str, Any] = {}
        for g, cases in held.items():
            engine_ok = [c for c, ok in cases if ok]
            out[g] = {
                "held": len(cases),
                "eligible": eligible_applications(engine_ok, g, crisis_state, on, params),
                "eligible_with_finally_rejected": eligible_applications(
                    engine_ok, g, crisis_state, on, params, include_rejected=True
                ),
            }
        return out

    def _plan(
        self, read: CrisisRead
    ) -> tuple[SolidarityResponsePlan, dict[str, Any], list[Pledge]]:
        source, on, figures, primary = _figures(read)
        if figures is None:
            raise EupactError(
                [
                    Problem(
                        "crisis_id",
                        read.id,
                        "no solidarity asked, proposed or decided: a plan needs the needs of "
                        "Art. 4(2)(b)(i)-(ii) CFMR",
                    )
                ],
                "Solidarity Response Plan refused",
            )
        situation = read.state.situation or read.state.claimed
        year = on.year
        pledges, counted, said = self._pool(year)
        try:
            pool = self.ctx.pool(year)
        except EupactError:
            raise EupactError(
                [
                    Problem(
                        "year",
                        year,
                        "eupact holds no reference key (Art. 66 AMMR) for this pool year",
                    )
                ],
                "Solidarity Response Plan refused",
            ) from None
        relocations = sum(int(p.amount) for p in pledges if p.kind is PledgeKind.RELOCATION)
        money = sum((p.amount for p in pledges if p.kind is not PledgeKind.RELOCATION), Decimal(0))
        benefitting = False
        if counted:
            benefitting = standing_of(self.ctx, year, on=on).is_benefitting(read.row.state)
        req = PlanRequest(
            state=read.row.state,
            situation=situation,
            on=on,
            relocation_needs=figures.relocations,
            financial_needs=figures.financial,
            pool_relocations=relocations,
            pool_financial=money,
            already_benefitting=benefitting,
            relocation_primary=primary,
        )
        plan = response_plan(req, pool.key, self.ctx.parameters.at(on))
        about = {
            "needs_from": source,
            "needs_on": on.isoformat(),
            "recorded": figures.as_dict() if source != "request" else None,
            "pool_year": year,
            "pool_pledges": {"relocations": relocations, "financial": str(money)},
            "pool_pledges_counted": counted,
            "pool_note": said,
            "key": f"reference key of the {year} pool (Art. 66 AMMR)",
        }
        return plan, about, pledges

    def plan(self, actor: Actor, crisis_id: int) -> dict[str, Any]:
        """The crisis's Solidarity Response Plan: needs, drawn from the pool, additional pledges
        needed, indicative contributions by the key (4(2)(b), 4(5)(b)); the recorded figures
        beside the computed ones."""
        authorize(actor, "crisis.read")
        read = self.crises.get(actor, crisis_id)
        if (read.state.situation or read.state.claimed) is Situation.FORCE_MAJEURE:
            raise EupactError(
                [
                    Problem(
                        "situation",
                        Situation.FORCE_MAJEURE.value,
                        "a Solidarity Response Plan is for a situation of crisis (Art. 4(2)(b), "
                        "8(1) CFMR), not force majeure",
                    )
                ],
                "Solidarity Response Plan refused",
            )
        plan, about, _ = self._plan(read)
        return {
            "crisis_id": read.id,
            **about,
            "computed": plan.as_dict(),
            "synthetic": read.row.synthetic,
        }

    def offsets(self, actor: Actor, crisis_id: int, *, upper_bound: bool = False) -> dict[str, Any]:
        """Art. 9: whether the pledges fall below the relocation needs, who takes how many
        applications within and above its fair share, what is left for the reconvened Forum
        (9(2)), and the credits (9(4)). The applications each state holds are counted in the
        Dublin workspace today; ``upper_bound``: every state assumed to hold the whole gap
        instead (what the Art. 9(5) credit check compares with: the workspace holds only the
        cases entered in it, and on a later day their time limits have run, so it would refuse
        credits that may be due)."""
        authorize(actor, "crisis.read")
        read = self.crises.get(actor, crisis_id)
        if not read.state.measures:
            raise EupactError(
                [
                    Problem(
                        "crisis_id",
                        read.id,
                        "crisis offsets follow a Council implementing decision's Solidarity "
                        "Response Plan (Art. 9(1) CFMR): none is recorded",
                    )
                ],
                "crisis offsets refused",
            )
        plan, about, pledges = self._plan(read)
        per: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for p in pledges:
            if p.state in plan.contributing:
                kind = "relocations" if p.kind is PledgeKind.RELOCATION else "money"
                per[p.state][kind] += p.amount
        on = self.ctx.today()
        held = {} if upper_bound else self._held(plan.request.state, plan.contributing, on)
        contributions = {
            g: Contribution(
                relocations=int(per[g]["relocations"]),
                money=per[g]["money"],
                eligible=None if upper_bound else held[g]["eligible"],
            )
            for g in plan.contributing
        }
        measures = read.state.measures[-1]
        found = crisis_offsets(
            plan, measures, contributions, self.ctx.parameters.at(plan.request.on)
        )
        qualify = (
            "not counted: every contributing state assumed to hold the whole gap (an upper bound)"
            if upper_bound
            else f"Dublin workspace as of {on.isoformat()}"
        )
        return {
            "crisis_id": read.id,
            **about,
            "contributions_from": "each contributing state's pledges to the pool year; the "
            "additional pledges per state are not recorded here; the applications each holds "
            f"that qualify: {'' if upper_bound else 'the '}{qualify}",
            "eligible": {
                "from": qualify,
                "on": on.isoformat(),
                "article": "Art. 9(1)(a), (c) CFMR; Art. 63(8)-(9) AMMR mutatis mutandis",
                "note": (
                    f"cases each contributing state holds for which {plan.request.state} is "
                    "responsible (held) and those the offsets may take (eligible); finally "
                    "rejected applicants only if the state so chooses (Art. 63(9) AMMR), "
                    "counted apart; counts only"
                ),
                "states": held,
            },
            "computed": found.as_dict(),
            "synthetic": read.row.synthetic,
        }


__all__ = ["CrisisPlans"]
