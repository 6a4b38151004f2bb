"""The determination: a case → the state responsible, its route, the chain of articles, every time
limit and the flags (Part III AMMR; the spec's §7 reference algorithm).

Order, as the law reads:

1. cessation (Art. 37(2), (4), (5)): an application after it is new, earlier facts do not count
   for it (AMBIG-3); the snapshot is the first registration after the last cessation (24(2));
2. scope (Arts. 84–85): registered before 1 July 2026 → Dublin III (AMBIG-1 for the day itself);
3. route: a responsibility recorded in Eurodac (36(1)(b)), an admitted person (36(1)(c)), a
   relocation confirmed and not carried out (38(5)), a determination pending in another state
   (38(4)) are take backs; otherwise the determining state (38(1)) applies the criteria;
4. security (16(4)) before the criteria; relocation after determination (68(3)) or before it
   (68(2): criteria reduced, fallback the state of relocation);
5. the criteria (:mod:`.criteria`), Art. 34 per its reading, the default (16(2)); a state to which
   transfer is impossible is passed over (16(3)); a family registered together: Art. 28;
6. discretion and later acts (35(1), 35(2), 37(1)) in date order;
7. the procedure's time limits (:mod:`.deadlines`) and the shifts they cause (39(1), 46(2));
8. responsibility offsets (63(6)) where the case qualifies under 63(8).

Council implementing decisions under Regulation (EU) 2024/1359 (CFMR), when given (``crises``),
change 3 (Art. 13 CFMR: a take back the state in crisis is released from) and 7 (Art. 12 CFMR: its
time limits, transfers to it): :mod:`.crisis`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from eupact.crisis.measures import AuthorisedMeasures
from eupact.parameters import ParameterSet

from .crisis import (
    SECOND_STATE_EXCLUDES,
    Crises,
    Relief,
    cfmr,
    request_start,
    second_default,
    second_takes_over,
)
from .criteria import art34, chapter_ii
from .deadlines import Outcome, Shift, humanitarian, take_back, take_charge
from .decision import Deadline, Decision, Route
from .later_acts import later_acts
from .model import Case
from .rules import rules_for
from .snapshot import cessation, snapshot
from .trace import Hit, Snapshot, Trace

OFFSET_ARTICLES = ("29", "30", "31", "32", "33")  # Art. 63(8)(b)
FAMILY_ARTICLES = ("25", "26", "27", "28")
_EURODAC_BASIS = {
    "16(2)": "38(3)(a)",
    "16(3)": "38(3)(b)",
    "16(4)": "38(3)(c)",
    "68(3)": "38(3)(f)",
}


def determine(
    case: Case,
    params: ParameterSet | None = None,
    *,
    group: tuple[Hit, frozenset[str], str, bool] | None = None,
    crises: Sequence[AuthorisedMeasures] = (),
) -> Decision:
    """The state responsible for ``case`` on ``case.as_of`` (see the module's docstring);
    ``group``: the state Art. 28 gives a family registered together (:mod:`.groups`), with the
    members' references, why, and whether a tie on the oldest is left to a person; ``crises``:
    the Council implementing decisions under the CFMR in force (Arts 12-13 CFMR), none by
    default."""
    first_reg = min(a.registered_on for a in case.applications)
    rules = rules_for(params, first_reg)
    t = Trace(rules)
    if crises:
        t.crisis = Crises(crises, t, case.as_of)
    cutoff = cessation(case, rules, t)
    snap = snapshot(case, t, cutoff)
    if cutoff is not None and snap.on != first_reg:
        rules = rules_for(params, snap.on)
        t.rules = rules
    return _Determination(case, snap, t, group).run()


class _Determination:
    def __init__(
        self,
        case: Case,
        snap: Snapshot,
        t: Trace,
        group: tuple[Hit, frozenset[str], str, bool] | None,
    ) -> None:
        self.case, self.snap, self.t, self.group = case, snap, t, group
        self.determining = snap.first.state
        self.take_back_to = ""
        self.route = Route.TAKE_CHARGE
        self.eurodac = ""
        self.outcome: Outcome | None = None
        self.humanitarian: list[Deadline] = []  # and other deadlines beside the procedure's
        self.relief: Relief | None = None  # Art. 13(3) CFMR: the second state determines

    # -- the result ---------------------------------------------------------------------------
    def decision(
        self, state: str, basis: str, criterion: str = "", criterion_state: str = ""
    ) -> Decision:
        case, t, snap = self.case, self.t, self.snap
        criterion = criterion or basis
        if (
            self.route is Route.TAKE_CHARGE
            and state == snap.present_state
            and not self.take_back_to
        ):
            self.route = Route.NONE_NEEDED
        eligible, reasons = self._offsets(criterion if basis == "63(6)" else basis)
        first_decision = snap.first.first_decision_on_substance
        return Decision(
            case_id=case.case_id,
            route=self.route,
            responsible_state=state,
            basis=basis,
            criterion=criterion,
            criterion_state=criterion_state or state,
            determining_state=self.determining,
            present_state=snap.present_state,
            take_back_to=self.take_back_to,
            snapshot_date=snap.on,
            eurodac_basis=self.eurodac or _EURODAC_BASIS.get(basis, ""),
            chain=tuple(t.steps),
            deadlines=tuple((self.outcome.deadlines if self.outcome else []) + self.humanitarian),
            flags=tuple(t.flags),
            readings=tuple(sorted(t.used.items())),
            offsets_eligible=eligible,
            offsets_reasons=reasons,
            discretionary_clause_available=first_decision is None or first_decision > case.as_of,
            manual_review=t.manual,
            as_of=case.as_of,
            group=case.group or "",
            candidates=t.candidates,
        )

    def _offsets(self, basis: str) -> tuple[bool, tuple[str, ...]]:
        """Art. 63(8): whether the case may be taken as a responsibility offset."""
        case, snap = self.case, self.snap
        reasons = []
        if snap.unaccompanied:
            reasons.append("an unaccompanied minor (63(8)(a))")
        if not basis.startswith(OFFSET_ARTICLES):
            reasons.append(f"responsible under Art. {basis}, not Arts. 29-33 (63(8)(b))")
        reading = self.t.reading("offsets.time_limits")
        for d in self.outcome.deadlines if self.outcome else ():
            request = d.id in ("T6", "T7", "T21")
            transfer_ = d.id in ("T24", "T25", "T26", "T27")
            if (
                d.due < case.as_of
                and d.status.value != "met"
                and (
                    (request and reading != "transfer_only")
                    or (transfer_ and reading != "request_only")
                )
            ):
                reasons.append(
                    f"the time limit {d.id} (Art. {d.article}) expired on {d.due} (63(8)(c))"
                )
        if case.procedure.absconding:
            reasons.append(
                "the applicant absconded (63(8)(d)): check it was not from the contributing state"
            )
        if case.applicant.beneficiary_of_protection:
            reasons.append("a beneficiary of international protection (63(8)(e))")
        if case.applicant.admitted_by:
            reasons.append("an admitted person (63(8)(f))")
        self.t.flag(
            "AMBIG-29",
            "63(8)(c) read as: neither the request nor the transfer time limit has expired",
            "offsets.time_limits",
        ) if not reasons and reading == "both" else None
        return not reasons, tuple(reasons)

    # -- the steps ------------------------------------------------------------------------------
    def run(self) -> Decision:
        case, snap, t = self.case, self.snap, self.t
        rules = t.rules
        if snap.on < rules.applies_from or (
            snap.on == rules.applies_from
            and t.reading("registered_on_application_date") == "dublin_iii"
        ):
            t.step(
                "84(2)",
                "registered before the AMMR applies: Dublin III (Regulation (EU) No "
                "604/2013) determines the state",
                registered=snap.on,
            )
            self.route = Route.OUT_OF_SCOPE
            return self.decision(snap.first.state, "84(2)")
        self.humanitarian = humanitarian(case, t)
        if snap.on == rules.applies_from:
            t.flag(
                "AMBIG-1",
                "registered on 1 July 2026: determined under the AMMR (Art. 85)",
                "registered_on_application_date",
            )
        t.step(
            "24(2)",
            "facts as at the first registration",
            state=snap.first.state,
            registered=snap.on,
            age=snap.age,
        )
        routed = self._take_back_routes()
        if routed is not None:
            return routed
        snap = self.snap  # Art. 13(3) CFMR may have left articles out
        security = self._security()
        if security is not None:
            return security
        for rel in case.relocations:
            if not rel.before_determination and rel.confirmed_on <= case.as_of:
                # the benefitting state's own ground, as it stood before the relocation
                self.snap = snap = replace(snap, case=case.model_copy(update={"relocations": ()}))
                ground = self._criteria()
                t.step(
                    "68(3)",
                    "relocated after the benefitting state was found responsible",
                    state=rel.state_of_relocation,
                )
                self.determining = target = rel.state_of_relocation
                # the relocation decides, not a determination pending elsewhere (38(4))
                self.route, self.take_back_to = Route.NONE_NEEDED, ""
                if target != snap.present_state:  # recorded in Eurodac (38(3)(f)): a take back
                    self.route, self.take_back_to = Route.TAKE_BACK, target
                    self.outcome = take_back(
                        case, t, notifying=snap.present_state, notified=target, basis="68(3)"
                    )
                    if self.outcome.shift is not None:
                        return self._shifted(self.outcome.shift, ground.article, ground.state)
                return self.decision(target, "68(3)", ground.article, ground.state)
        before = [r for r in case.relocations if r.before_determination]
        if before:
            rel = before[0]
            self.determining = rel.state_of_relocation
            self.snap = snap = replace(
                snap, excluded=frozenset({"16(2)", "25(5)", "29", "30", "33(1)", "33(2)"})
            )
            t.step(
                "68(2)",
                "relocated before determination: the state of relocation determines, "
                "without Arts. 16(2), 25(5), 29, 30, 33(1)-(2)",
                state=rel.state_of_relocation,
            )
        hit = self._criteria()
        state, article = hit.state, hit.article
        criterion, criterion_state = article, state
        override = later_acts(case, t, snap)
        if override is not None:
            self.eurodac = ""
            state, article = override
            if state == snap.present_state:  # the state where the person is takes the case
                self.route, self.take_back_to = Route.NONE_NEEDED, ""
                return self.decision(state, article, criterion, criterion_state)
        return self._procedure(state, article, criterion, criterion_state)

    def _take_back_routes(self) -> Decision | None:
        case, snap, t = self.case, self.snap, self.t
        present = snap.present_state
        # a responsibility recorded in Eurodac ended with the cessation (37(4)-(5)): after it the
        # application is a new one, whatever an old record says
        recorded = [
            h for h in case.eurodac_hits if snap.cutoff is None and h.responsible_state is not None
        ]
        target, basis = "", ""
        if recorded:
            target = recorded[-1].responsible_state or ""
            basis = "36(1)(b)"
            t.step(
                "36(1)(b)",
                "a state responsible is recorded in Eurodac: no new criteria",
                state=target,
                hit=recorded[-1].received_on,
            )
        elif case.applicant.admitted_by and case.applicant.admitted_by != present:
            target, basis = case.applicant.admitted_by, "36(1)(c)"
            t.step("36(1)(c)", "an admitted person found in another state", state=target)
        else:
            for rel in case.relocations:
                if rel.transferred_on is None and present != rel.state_of_relocation:
                    target, basis = rel.state_of_relocation, "38(5)"
                    t.step(
                        "38(5)",
                        "moved after the relocation was confirmed, before the transfer",
                        state=target,
                    )
                    t.flag("AMBIG-33", "taken back by the state of relocation")
                    break
        if not target:
            if present != self.determining:
                relief = t.crisis and t.crisis.relief(case, self.determining, "38(4)")
                if relief:
                    self._second_state(relief)
                    return None
                self.take_back_to = self.determining
                self.route = Route.TAKE_BACK
                t.step(
                    "38(4)",
                    f"determination pending in {self.determining}: {present} notifies a take back",
                    state=self.determining,
                )
            return None
        self.route = Route.TAKE_BACK if target != present else Route.NONE_NEEDED
        if target != present:
            if t.crisis is not None and basis == "36(1)(b)" and (done := self._released(target)):
                return done
            self.take_back_to = target
            self.outcome = take_back(case, t, notifying=present, notified=target, basis=basis)
            if self.outcome.shift is not None:
                return self._shifted(self.outcome.shift, basis, target)
        return self.decision(target, basis)

    def _released(self, target: str) -> Decision | None:
        """Art. 13(1)(a), 13(2) CFMR: ``target``, recorded responsible under 16(2), released from
        the take back; the state of the second application becomes responsible."""
        t, present = self.t, self.snap.present_state
        relief = t.crisis.relief(self.case, target, "36(1)(b)") if t.crisis else None
        if relief is None:
            return None
        t.step(cfmr("13(1)(a)"), "only a responsibility under 16(2) is released: its ground")
        ground = self._criteria()
        if ground.article != "16(2)" or ground.state != target:
            t.flag(
                "manual:13(1)(a)",
                f"{target} is recorded responsible; the facts give Art. {ground.article} "
                f"({ground.state}), not 16(2): Art. 13(1)(a) CFMR releases only a responsibility "
                "under 16(2) (Eurodac 38(3)(a)); a person checks the record",
            )
            return None
        second = relief.second
        t.step(
            cfmr("13(2)"),
            f"{target} is released from the take back ({relief.measures.decision}): {second}, "
            "where the second application was registered, is responsible and records it in "
            "Eurodac (Art. 16(3) Regulation (EU) 2024/1358)",
            state=second,
        )
        self.route, self.take_back_to = Route.NONE_NEEDED, ""
        if second != present:  # the person moved on: taken back to the second state
            self.route, self.take_back_to = Route.TAKE_BACK, second
            self.outcome = take_back(
                self.case, t, notifying=present, notified=second, basis=cfmr("13(2)")
            )
            if self.outcome.shift is not None:
                return self._shifted(self.outcome.shift, "16(2)", target)
        return self.decision(second, cfmr("13(2)"), "16(2)", target)

    def _second_state(self, relief: Relief) -> None:
        """Art. 13(1)(b), 13(3) CFMR: the determination pending in the released state passes to
        the state of the second application, with articles left out."""
        second_takes_over(self.t, relief, self.case)
        self.relief, self.determining = relief, relief.second
        if relief.second != self.snap.present_state:  # the 38(4) take back passes to it
            self.take_back_to, self.route = relief.second, Route.TAKE_BACK
        self.snap = replace(self.snap, excluded=SECOND_STATE_EXCLUDES, excluded_by=cfmr("13(3)"))

    def _security(self) -> Decision | None:
        sec, t = self.case.security, self.t
        check = sec.check_16_4 if sec.check_16_4 and sec.check_16_4.threat else None
        if check is None and sec.screening_check and sec.screening_check.threat:
            check = sec.screening_check
        if check is None:
            if sec.check_16_4 is not None:
                t.step("16(4)", "security check: no reasonable grounds", state=sec.check_16_4.state)
            return None
        other = check.state != self.snap.first.state
        if other and t.reading("security.other_state_check") == "checking_state_flagged":
            t.flag(
                "manual:16(4)",
                f"the check was carried out by {check.state}, not the state "
                "of first registration: route by the Eurodac record (AMBIG-27)",
                "security.other_state_check",
            )
        t.step(
            "16(4)",
            "reasonable grounds to consider the applicant a threat to internal "
            "security: the state that carried out the check; no take charge request",
            state=check.state,
            on=check.date,
        )
        if check.state != self.snap.present_state:
            self.route = Route.TAKE_BACK
            self.take_back_to = check.state
        return self.decision(check.state, "16(4)")

    def _criteria(self) -> Hit:
        case, snap, t = self.case, self.snap, self.t
        blocked = set(case.charter_risk)

        passed_over: list[str] = []

        def allowed(hits: Iterable[Hit]) -> Iterator[Hit]:
            for h in hits:
                if h.state in blocked:
                    passed_over.append(h.state)
                    t.step(
                        "16(3)",
                        f"a transfer to {h.state} is impossible (risk under Art. 4 of "
                        "the Charter): the next criterion",
                        state=h.state,
                    )
                    continue
                yield h

        first: Hit | None
        if self.group is not None:
            t.step(self.group[0].article, self.group[2], state=self.group[0].state)
            if self.group[3]:
                t.flag(
                    "AMBIG-10",
                    "the oldest members were born the same day and the criteria designate "
                    "different states for them: Art. 28 has no further rule, a person decides",
                )
                t.manual = True
            first = self.group[0]
        else:
            first = next(allowed(chapter_ii(snap, t, frozenset())), None)
            first = self._dependency(first, list(allowed(art34(snap, t))))
        if first is not None:
            return first
        if "16(2)" in snap.excluded:
            if self.relief is not None:  # 13(3) CFMR second subparagraph, or back to 38(4)
                found = second_default(t, self.relief)
                if found is not None:
                    return found
                self.determining = self.take_back_to = self.relief.released
                self.relief, self.route = None, Route.TAKE_BACK
                self.snap = replace(snap, excluded=frozenset())
                return self._criteria()
            t.step("68(2)", "no criterion: the state of relocation", state=self.determining)
            return Hit(self.determining, "68(2)")
        registered = snap.first.state
        if registered not in blocked and not (passed_over and registered == self.determining):
            t.step(
                "16(2)",
                "no criterion designates a state: the state of first registration",
                state=registered,
            )
            return Hit(registered, "16(2)")
        t.step(
            "16(3)",
            "no transfer is possible to a state designated or to the state of first "
            "registration: the determining state (second subparagraph)",
            state=self.determining,
        )
        return Hit(self.determining, "16(3)")

    def _dependency(self, first: Hit | None, found: list[Hit]) -> Hit | None:
        """Art. 34 against the Chapter II result, as the ``dependency.place`` reading says."""
        if not found:
            return first
        place = self.t.reading("dependency.place")
        if place == "after_chapter_ii":
            return first or found[0]
        if first is not None and first.article.startswith(FAMILY_ARTICLES):
            if first.state != found[0].state:
                self.t.flag(
                    "manual:34",
                    "Art. 34 and a family criterion designate different "
                    "states: a person decides (AMBIG-17)",
                    "dependency.place",
                )
            return first
        self.t.flag("AMBIG-17", "Art. 34 prevails over Arts. 29-33 and 16(2)", "dependency.place")
        return found[0]

    def _procedure(
        self, state: str, article: str, criterion: str, criterion_state: str
    ) -> Decision:
        case, snap, t = self.case, self.snap, self.t
        if self.route is Route.TAKE_BACK and self.take_back_to:  # 38(4): pending elsewhere
            pending = take_back(
                case, t, notifying=snap.present_state, notified=self.take_back_to, basis="38(4)"
            )
            self.humanitarian = pending.deadlines + self.humanitarian
        if state == self.determining:
            return self._offset(state, article, criterion, criterion_state)
        if article in ("35(1)", "35(2)", "37(1)"):
            return self.decision(state, article, criterion, criterion_state)
        no_decision = snap.first.first_decision_on_substance is None
        registered = snap.on
        if self.relief is not None and self.determining == self.relief.second:
            registered = request_start(t, self.relief)  # Art. 13(3) CFMR
        self.outcome = take_charge(
            case,
            t,
            registered=registered,
            requesting=self.determining,
            requested=state,
            article=article,
            unaccompanied=snap.unaccompanied,
            no_decision_on_substance=no_decision,
        )
        if self.outcome.shift is not None:
            return self._shifted(self.outcome.shift, criterion, criterion_state)
        if self.outcome.accepted_on is not None:
            self.eurodac = "38(3)(e)"
        return self._offset(state, article, criterion, criterion_state)

    def _shifted(self, shift: Shift, criterion: str, criterion_state: str) -> Decision:
        """Responsibility moved by a missed time limit (39(1), 46(2))."""
        self.t.step(shift.basis, shift.why, state=shift.state)
        if shift.state == self.snap.present_state:  # nobody is to be taken back any more
            self.route, self.take_back_to = Route.NONE_NEEDED, ""
        self.eurodac = shift.eurodac
        return self.decision(shift.state, shift.basis, criterion, criterion_state)

    def _offset(self, state: str, article: str, criterion: str, criterion_state: str) -> Decision:
        decision = self.decision(state, article, criterion, criterion_state)
        if not self.case.offsets:
            return decision
        act = max(self.case.offsets, key=lambda o: o.date)
        if not decision.offsets_eligible:
            self.t.flag(
                "manual:63(8)",
                f"{act.state} identified the case as an offset on "
                f"{act.date}, but it does not qualify: " + "; ".join(decision.offsets_reasons),
            )
            return self.decision(state, article, criterion, criterion_state)
        self.t.step(
            "63(6)",
            f"{act.state} identified the application as a responsibility offset",
            state=act.state,
            on=act.date,
        )
        self.eurodac = ""
        return self.decision(act.state, "63(6)", criterion, criterion_state)


__all__ = ["determine"]
