"""The pieces of a SYNTHETIC case (:mod:`eupact.responsibility.synthetic`): entries, documents,
diplomas, family members, and the procedure's events (take charge requests and take back
notifications with their replies, transfer decisions, appeals, detention, absconding, transfers).

Dates are day ordinals while a case is built and :class:`datetime.date` in the case; no event is
dated after ``as_of`` (:meth:`Parts.upto`), none before the applicant's birth.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from itertools import accumulate
from typing import Any

Doc = dict[str, Any]
PREFIX = "SYN-"  # every SYNTHETIC case id starts so
_D = dt.date.fromordinal


class _Choice:
    """A weighted choice among keys, by a uniform draw (``random.choices`` without the setup)."""

    __slots__ = ("cum", "keys", "total")

    def __init__(self, weights: dict[str, int]) -> None:
        self.keys = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random, avoid: str = "") -> str:
        while True:
            key = self.keys[bisect_right(self.cum, rng.random() * self.total)]
            if key != avoid:
                return key


class Parts:
    """What a generator adds to a case being built; :class:`~.synthetic._Generator` sets the
    stream, the bounds and the weighted choices."""

    rng: random.Random
    seed: int
    as_of: dt.date
    end: int  # as_of, as an ordinal
    start: int  # the day the AMMR applies, as an ordinal
    states: tuple[str, ...]
    border: _Choice
    sar: _Choice
    issuing: _Choice

    # --- helpers ---------------------------------------------------------------------------

    def other(self, *avoid: str) -> str:
        while True:
            s = self.rng.choice(self.states)
            if s not in avoid:
                return s

    def upto(self, day: int) -> int | None:
        """``day`` if it is not after as_of, else None (the event has not happened yet)."""
        return day if day <= self.end else None

    def base(self, i: int, registered: int, state: str, age_days: int) -> Doc:
        rng = self.rng
        made = registered - (rng.randint(0, 5) if rng.random() < 0.7 else 0)
        return {
            "case_id": f"{PREFIX}{self.seed}-{i:07d}",
            "as_of": self.as_of,
            "applicant": {"date_of_birth": _D(made - age_days)},
            "applications": [
                {"state": state, "made_on": _D(made), "registered_on": _D(registered)}
            ],
        }

    def adult(self) -> int:
        return self.rng.randint(18 * 366, 62 * 365)

    def registered(self) -> int:
        return self.rng.randint(self.start, self.end)

    def earliest(self, case: Doc) -> int:
        """The applicant's date of birth (as an ordinal): no fact of the case may precede it."""
        born: dt.date = case["applicant"]["date_of_birth"]
        return born.toordinal()

    # --- entries -----------------------------------------------------------------------------

    def crossing(
        self,
        case: Doc,
        registered: int,
        kind: str = "irregular_crossing",
        state: str | None = None,
        most_days: int = 640,
    ) -> str:
        """An irregular crossing (some more than 20 months old) or a SAR disembarkation (some
        more than 12 months), recorded in Eurodac and hit on registration."""
        rng = self.rng
        state = state or (self.sar(rng) if kind == "sar_disembarkation" else self.border(rng))
        on = max(registered - rng.randint(2, most_days), self.earliest(case) + 1)
        made = case["applications"][0]["made_on"].toordinal()
        on = min(on, made)
        entry: Doc = {"date": _D(on), "state": state, "kind": kind}
        if rng.random() < 0.1:
            entry["evidence"] = "circumstantial"
        case.setdefault("entries", []).append(entry)
        case["applicant"]["arrived_on"] = _D(on)
        if entry.get("evidence") != "circumstantial":
            category = "sar" if kind == "sar_disembarkation" else "irregular_crossing"
            hit = self.upto(registered + (rng.randint(0, 2) if rng.random() < 0.2 else 0))
            if hit is not None:
                case.setdefault("eurodac_hits", []).append(
                    {"received_on": _D(hit), "category": category, "state": state}
                )
        return state

    # --- documents ---------------------------------------------------------------------------

    def visa(self, case: Doc, registered: int, issuer: str | None = None) -> str:
        rng = self.rng
        issuer = issuer or self.issuing(rng)
        long_stay = rng.random() < 0.25
        length = rng.choice((180, 365, 365, 730)) if long_stay else rng.choice((15, 30, 90, 90))
        # issued up to 2 years and a half before registration; valid at most until as_of
        last_start = min(registered - 1, self.end - length + 1)
        first_start = max(registered - 900, self.earliest(case) + 30)
        valid_from = rng.randint(min(first_start, last_start), last_start)
        valid_to = valid_from + length - 1
        doc: Doc = {
            "kind": "visa",
            "visa_type": "long_stay" if long_stay else "short_stay",
            "issuing_state": issuer,
            "valid_from": _D(valid_from),
            "valid_to": _D(valid_to),
        }
        if rng.random() < 0.05:
            doc["represented_state"] = self.other(issuer)
        if rng.random() < 0.03:
            doc["ended"] = rng.choice(("annulled", "revoked", "withdrawn"))
            doc["ended_on"] = _D(rng.randint(valid_from, min(valid_to, registered)))
        case.setdefault("documents", []).append(doc)
        entry_state = issuer if rng.random() < 0.8 else self.other()
        entered = rng.randint(valid_from, min(valid_to, registered))
        case.setdefault("entries", []).append(
            {"date": _D(entered), "state": entry_state, "kind": "with_visa"}
        )
        arrived = case["applicant"].get("arrived_on")
        if arrived is None or arrived.toordinal() > entered:
            case["applicant"]["arrived_on"] = _D(entered)
        if rng.random() < 0.5:
            case.setdefault("vis_hits", []).append(
                {"received_on": _D(registered), "issuing_state": issuer}
            )
        return str(doc.get("represented_state", issuer))

    def residence(self, case: Doc, registered: int) -> str:
        rng = self.rng
        issuer = self.issuing(rng)
        length = 365 * rng.randint(1, 5)
        last_start = min(registered - 30, self.end - length + 1)
        first_start = max(registered - 3000, self.earliest(case) + 365)
        valid_from = rng.randint(min(first_start, last_start), last_start)
        doc: Doc = {
            "kind": "residence_document",
            "issuing_state": issuer,
            "valid_from": _D(valid_from),
            "valid_to": _D(valid_from + length - 1),
            "residence_period_days": length,
        }
        if rng.random() < 0.05:
            doc["issued_during_procedure"] = True
        case.setdefault("documents", []).append(doc)
        case["applicant"]["arrived_on"] = _D(valid_from)
        return issuer

    def diploma(self, case: Doc, registered: int) -> str:
        rng = self.rng
        state = self.issuing(rng)
        issued = max(registered - rng.randint(60, 2600), self.earliest(case) + 15 * 365)
        issued = min(issued, registered - 1)
        months = rng.choice((6, 9, 10, 12, 24, 36, 48))
        q: Doc = {
            "state": state,
            "issued_on": _D(issued),
            "study_months": months,
            "isced_level": rng.randint(1, 7),
        }
        if rng.random() < 0.05:
            q["in_person"] = False
        case["qualifications"] = [q]
        studied_from = max(issued - months * 31, self.earliest(case) + 1)
        permit: Doc = {  # the student's residence permit, long expired or not
            "kind": "residence_document",
            "issuing_state": state,
            "valid_from": _D(studied_from),
            "valid_to": _D(min(issued + 30, registered)),
        }
        case["documents"] = [permit]
        case["applicant"]["arrived_on"] = _D(studied_from)
        return state

    # --- family ------------------------------------------------------------------------------

    def member(
        self,
        case: Doc,
        relation: str,
        born: int,
        status: str,
        state: str,
        since: int,
        consent: bool,
    ) -> Doc:
        m: Doc = {
            "id": f"{case['case_id']}-F{len(case.get('family', ())) + 1}",
            "relation": relation,
            "date_of_birth": _D(born),
            "statuses": [{"kind": status, "state": state, "since": _D(since)}],
        }
        if consent:
            first = case["applications"][0]["registered_on"].toordinal()
            a, b = (
                self.upto(first + self.rng.randint(0, 30)),
                self.upto(first + self.rng.randint(0, 30)),
            )
            if a is not None and b is not None:
                m["consent"] = {"applicant": _D(a), "family_member": _D(b)}
        if self.rng.random() < 0.07:
            m["family_formed_before_arrival"] = False
        case.setdefault("family", []).append(m)
        return m

    # --- procedure ---------------------------------------------------------------------------

    def take_charge(
        self, case: Doc, registered: int, from_state: str, to_state: str, article: str, hit: bool
    ) -> None:
        """A take charge request, sometimes late, with a reply or silence, and what follows."""
        rng = self.rng
        if from_state == to_state or rng.random() < 0.35:
            return
        sent = self.upto(registered + rng.randint(3, 80))
        if sent is None:
            return
        request: Doc = {
            "kind": "take_charge",
            "from_state": from_state,
            "to_state": to_state,
            "sent_on": _D(sent),
            "article": article,
        }
        if hit:
            request["based_on_hit"] = True
        procedure: Doc = {"requests": [request]}
        case["procedure"] = procedure
        x = rng.random()
        if x < 0.3:  # silence: deemed acceptance, if the period has passed
            accepted = sent + (14 if hit else 31)
        else:
            reply = self.upto(sent + rng.randint(1, 13 if hit else 30))
            if reply is None:
                return
            kind = "accept" if x < 0.8 else "refuse"
            request["reply"] = {"kind": kind, "date": _D(reply)}
            if kind == "refuse":
                return
            accepted = reply
        self.transfer(procedure, accepted)

    def take_back(self, case: Doc, registered: int, from_state: str, to_state: str) -> None:
        rng = self.rng
        if rng.random() < 0.3:
            return
        sent = self.upto(registered + rng.randint(1, 25))
        if sent is None:
            return
        request: Doc = {
            "kind": "take_back",
            "from_state": from_state,
            "to_state": to_state,
            "sent_on": _D(sent),
        }
        procedure: Doc = {"requests": [request]}
        case["procedure"] = procedure
        x = rng.random()
        if x < 0.4:
            confirmed = sent + 14
        else:
            reply = self.upto(sent + rng.randint(1, 13))
            if reply is None:
                return
            kind = "confirm" if x < 0.9 else "rebut"
            request["reply"] = {"kind": kind, "date": _D(reply)}
            if kind == "rebut":
                return
            confirmed = reply
        self.transfer(procedure, confirmed)

    def transfer(self, procedure: Doc, accepted: int) -> None:
        rng = self.rng
        decided = self.upto(accepted + rng.randint(2, 25))
        if decided is None:
            return
        procedure["transfer_decision_notified_on"] = _D(decided)
        start = decided
        if rng.random() < 0.08:
            lodged = self.upto(decided + rng.randint(3, 20))
            if lodged is not None:
                appeal: Doc = {"lodged_on": _D(lodged)}
                final = self.upto(lodged + rng.randint(20, 120))
                granted = self.upto(lodged + 1)
                if rng.random() < 0.5 and granted is not None:
                    appeal["suspensive_effect_granted_on"] = _D(granted)
                    if final is not None:
                        appeal["final_decision_on"] = _D(final)
                        start = final
                procedure["appeal"] = appeal
        x = rng.random()
        if x < 0.04:
            informed = self.upto(start + rng.randint(10, 120))
            if informed is not None:
                procedure["absconding"] = [{"kind": "absconded", "informed_on": _D(informed)}]
            return
        if x < 0.08:
            begin = self.upto(start + rng.randint(1, 30))
            if begin is not None:
                end = self.upto(begin + rng.randint(7, 40))
                procedure["detention"] = [
                    {"start": _D(begin), **({"end": _D(end)} if end is not None else {})}
                ]
        if rng.random() < 0.55:
            done = self.upto(start + rng.randint(10, 220))
            if done is not None:
                procedure["transfer_done_on"] = _D(done)

    def relative_birth(self, case: Doc, relation: str) -> int:
        """A relative's date of birth (as an ordinal), born before the first registration."""
        born, rng = self.earliest(case), self.rng
        first: int = case["applications"][0]["registered_on"].toordinal()
        if relation in ("spouse", "unmarried_partner", "sibling"):
            return min(born + rng.randint(-3000, 3000), first - 400)
        if relation == "minor_child":
            return max(born + 18 * 365, first - rng.randint(365, 17 * 365))
        if relation == "adult_child":  # the applicant is at least 40
            return rng.randint(born + 18 * 365, first - 19 * 365)
        return born - rng.randint(18 * 365, 40 * 365)  # parent, aunt or uncle, grandparent
