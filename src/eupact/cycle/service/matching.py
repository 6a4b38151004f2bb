"""Relocation matching for a pool year (Art. 67 AMMR): run on request, nothing stored but who ran
it (the states confirm each relocation themselves, Art. 67(9)).

The benefitting state identifies the persons to relocate and matches them, with tools the EU
Solidarity Coordinator may provide (Art. 67(3)-(4)): a Member State runs the matching for its own
candidates only (applicants whose benefitting state is its own), against the places of any state;
the Coordinator and the Commission for any. Art. 67 applies from the date of application (Art. 85).

No contributing state is required to relocate from a benefitting state in which the Commission
found systemic shortcomings (Art. 60(3), fourth subparagraph): its candidates are left out of
the matching, except toward places a state earmarked for it (a contribution it chose to make);
the result's label names who was left out. The balance among benefitting states (Art. 60(1)-(2))
follows the relocation needs they declared when they used the pool (Art. 58(2), 59(2)(b)).
"""

from __future__ import annotations

from typing import Any

from eupact.cycle.permissions import Actor, authorize
from eupact.cycle.phases import Role
from eupact.cycle.service.context import Context
from eupact.cycle.service.cycles import Cycles
from eupact.cycle.service.reads import not_benefitting, standing_of
from eupact.errors import EupactError, Forbidden, Problem
from eupact.pool.benefit import Standing

SHOWN = 10  # applicants of other states named in a refusal


class Matching:
    def __init__(self, ctx: Context, cycles: Cycles) -> None:
        self.ctx = ctx
        self.cycles = cycles

    def run(
        self,
        actor: Actor,
        year: int,
        applicants: list[Any],
        places: list[Any],
        agreements: tuple[Any, ...] = (),
    ) -> Any:
        """The matching result (:class:`eupact.matching.MatchResult`). Beneficiaries of
        protection are relocated only under the bilateral ``agreements`` given, if protection was
        granted less than three years before the pool's Council act (Art. 56(2)(a)(ii))."""
        from eupact.matching import match  # scipy: loaded when matching is first asked for
        from eupact.matching.instance import Rules
        from eupact.matching.model import BeneficiaryRules

        authorize(actor, "matching.run")
        if actor.role is Role.MEMBER_STATE:
            own_candidates(actor, applicants)
        with self.ctx.uow.read() as session:
            self.cycles.after_act(
                session,
                year,
                "relocations are matched under the pool the Council act established "
                "(Art. 57, 67 AMMR)",
                "matching",
            )
            standing = standing_of(self.ctx, year, session)
            if actor.role is Role.MEMBER_STATE:
                problems = not_benefitting(
                    standing,
                    str(actor.state),
                    "relocations are from a benefitting Member State, which matches the persons "
                    "it identified (Art. 67(3), (4))",
                )
                if problems:
                    raise EupactError(problems, "matching refused")
        self.cycles.part_iv_applies("a relocation matching", "Art. 67")
        applicants, label = released(applicants, places, standing.affected)
        rules = BeneficiaryRules(tuple(agreements), self.ctx.pool(year).act.act_date)
        result = match(
            applicants,
            places,
            rules=Rules(needs=declared_needs(applicants, standing)),
            beneficiaries=rules,
            label=label,
        )
        with self.ctx.uow.tx() as session:  # who ran which matching is part of the record
            self.ctx.uow.audit(
                session,
                actor,
                "matching.run",
                "Art. 67 AMMR",
                f"cycle:{year}",
                None,
                {
                    "applicants": len(applicants),
                    "places": sum(p.places for p in places),
                    "relocated": result.relocated_persons,
                    "gap": result.gap,
                },
            )
        return result


def declared_needs(applicants: list[Any], standing: Standing) -> dict[str, int] | None:
    """The relocations each benefitting state said it needs (Art. 58(2), 59(2)(b)), which the
    balanced distribution among them follows (Art. 60(1)-(2)), each capped at the persons it
    identified here — a need beyond its candidates would make the balance rule leave places
    empty. [reading] Used if every benefitting state with candidates declared a need; else None,
    and the balance follows the persons identified."""
    identified: dict[str, int] = {}
    for a in applicants:
        identified[a.benefitting_state] = identified.get(a.benefitting_state, 0) + 1
    needs = {
        g: min(b.needs.relocations, identified[g])
        for g, b in standing.benefitting.items()
        if g in identified and b.needs.relocations > 0
    }
    return needs if needs and set(needs) == set(identified) else None


def released(
    applicants: list[Any], places: list[Any], affected: tuple[str, ...]
) -> tuple[list[Any], str]:
    """The applicants to match once those no contributor is required to take are left out
    (Art. 60(3), fourth subparagraph), and a label saying who was left out."""
    earmarked = {p.benefitting_state for p in places if p.benefitting_state}
    left_out = {g for g in affected if g not in earmarked}
    kept = [a for a in applicants if a.benefitting_state not in left_out]
    dropped = len(applicants) - len(kept)
    if not dropped:
        return applicants, ""
    states = ", ".join(sorted(left_out & {a.benefitting_state for a in applicants}))
    if not kept:
        raise EupactError(
            [
                Problem(
                    "applicants",
                    dropped,
                    f"every candidate is from {states}, where the Commission found systemic "
                    "shortcomings: no contributing state is required to relocate from it "
                    "(Art. 60(3), fourth subparagraph) unless it earmarks places for it",
                )
            ],
            "matching refused",
        )
    return kept, (
        f"{dropped} candidate(s) of {states} left out: no contributing state is required to "
        "relocate from a benefitting state with systemic shortcomings (Art. 60(3), fourth "
        "subparagraph); earmark places to include them"
    )


def own_candidates(actor: Actor, applicants: list[Any]) -> None:
    """Art. 67(3)-(4): a benefitting state identifies and matches its own candidates; a Member
    State's matching names no applicant of another benefitting state."""
    others = [
        (i, a.benefitting_state)
        for i, a in enumerate(applicants)
        if a.benefitting_state != actor.state
    ]
    if not others:
        return
    problems = [
        Problem(
            f"applicants[{i}].benefitting_state",
            geo,
            "a benefitting Member State runs the matching for the persons it identified "
            f"(Art. 67(3), (4) AMMR): this token is {actor.state}'s",
        )
        for i, geo in others[:SHOWN]
    ]
    if len(others) > SHOWN:
        problems.append(
            Problem("applicants", len(others), "applicants of other benefitting states in all")
        )
    raise Forbidden(problems, "not allowed")
