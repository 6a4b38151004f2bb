"""Seeded SYNTHETIC cases for the determination of the state responsible (Part III AMMR), for
demonstrations, tests and the batch benchmark.

Nothing here describes a real person: every case id starts ``SYN-`` and every command or summary
made from these files says SYNTHETIC. The mix is ILLUSTRATIVE, not a published share: about a
third irregular crossings at the external border (EL, IT, ES, BG, HR, CY, ...), search-and-rescue
disembarkations, visas and residence documents (some expired, annulled, issued on behalf of
another state), family members with international protection, long-term residence or a pending
application (with or without written consent), unaccompanied minors (with a sibling, an aunt or
uncle, or no one), diplomas, visa-waived entries, applications in an airport transit area, take
back situations (an earlier application elsewhere, a Eurodac hit with responsibility recorded),
dependent persons, security checks, relocations, a few applications registered before the AMMR
applies; and procedure events: take charge requests sent in time or late, replies (accept,
refuse, silence), transfer decisions, appeals, detention, absconding, transfers done. Families
registered together (Art. 28) come as group lines, ``{"group": [case, ...]}``.

Every date is consistent with :func:`eupact.responsibility.checks.read_case`'s rules (nothing after
``as_of``, registrations after the application is made and after an entry, documents ending after
they start, ...): the tests read thousands of them and none is refused.

:func:`synthetic_lines` gives the lines as Python documents (dates as :class:`datetime.date`);
:func:`write_jsonl` writes them as JSON lines through orjson, about 100,000 lines a second.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import orjson

from eupact.parameters import load_parameters

from .synthetic_parts import _D, PREFIX, Doc, Parts, _Choice

LABEL = (
    "SYNTHETIC, ILLUSTRATIVE cases made by eupact's seeded generator (seed {seed}): not real "
    "persons; the mix of situations is made up, not a published share."
)
DEFAULT_AS_OF = dt.date(2027, 6, 30)
APPLIES_FROM = dt.date(2026, 7, 1)  # Art. 85: registrations from this day are determined here


def _weights(text: str) -> dict[str, int]:
    """``"DE 24 FR 15"`` as ``{"DE": 24, "FR": 15}``."""
    words = text.split()
    return {k: int(v) for k, v in zip(words[::2], words[1::2], strict=True)}


# Where applications are registered, where people cross irregularly or are disembarked, who
# issues visas and residence documents: made-up weights with a plausible shape.
REGISTERING = _weights(
    "DE 24 FR 15 ES 11 IT 10 EL 6 AT 5 NL 5 BE 5 SE 2 PL 2 IE 2 CY 2 BG 2 FI 1 PT 1 CZ 1 HR 1 "
    "LU 1 RO 1 SI 1 MT 1 HU 1 LT 1 LV 1 EE 1 SK 1"
)
BORDER = _weights("EL 30 IT 25 ES 20 BG 8 HR 6 CY 5 PL 3 HU 1 LT 1 LV 1")
SAR = _weights("IT 60 MT 10 ES 20 EL 10")
ISSUING = _weights("FR 20 DE 20 IT 15 ES 15 NL 6 PL 6 BE 4 AT 4 EL 3 HU 2 CZ 2 PT 2 SE 1")
AIRPORTS = _weights("FR 35 DE 30 NL 20 ES 10 IT 5")
RELOCATION_FROM = _weights("IT 35 ES 30 EL 30 CY 5")

# The situations and their made-up weights (per cent of lines).
KINDS = _weights(
    "irregular 30 sar 8 visa 11 residence 4 family_protection 8 family_applicant 3 "
    "unaccompanied 6 diploma 3 visa_waived 6 airport 1 take_back 9 dependency 1 security 1 "
    "relocation 2 default 3 before_ammr 1 group 3"
)


@cache
def bound_states() -> tuple[str, ...]:
    """The Member States bound by Part III (the parameter ``responsibility.bound_member_states``)."""
    return tuple(load_parameters().at(APPLIES_FROM)("responsibility.bound_member_states"))


class _Generator(Parts):
    """One seeded stream of lines; each method adds one situation to a case being built."""

    def __init__(self, seed: int, as_of: dt.date) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.as_of = as_of
        self.end = as_of.toordinal()
        self.start = APPLIES_FROM.toordinal()
        self.registering = _Choice(REGISTERING)
        self.border = _Choice(BORDER)
        self.sar = _Choice(SAR)
        self.issuing = _Choice(ISSUING)
        self.airports = _Choice(AIRPORTS)
        self.relocation_from = _Choice(RELOCATION_FROM)
        self.kinds = _Choice(KINDS)
        self.states = bound_states()
        if as_of < APPLIES_FROM:
            raise ValueError(f"as_of ({as_of}) is before the AMMR applies ({APPLIES_FROM})")

    # --- one line ----------------------------------------------------------------------------

    def line(self, i: int) -> Doc:
        kind = self.kinds(self.rng)
        if kind == "group":
            return {"group": self.group(i)}
        return self.case(i, kind)

    def case(self, i: int, kind: str) -> Doc:
        rng = self.rng
        registered = self.registered()
        if kind == "before_ammr":
            registered = rng.randint(self.start - 180, self.start - 1)
        elif kind == "take_back":
            registered = rng.randint(min(self.start + 20, self.end), self.end)
        here = self.airports(rng) if kind == "airport" else self.registering(rng)
        minor = kind == "unaccompanied"
        age = rng.randint(14 * 365, 17 * 365) if minor else self.adult()
        case = self.base(i, registered, here, age)
        target, article, hit = here, "", False
        if kind in (
            "irregular",
            "default",
            "before_ammr",
            "family_protection",
            "family_applicant",
            "unaccompanied",
            "dependency",
            "security",
        ):
            most = 900 if kind == "default" else 640
            target = self.crossing(case, registered, most_days=most)
            article, hit = "33(1)", "eurodac_hits" in case
        elif kind == "sar":
            target = self.crossing(case, registered, "sar_disembarkation", most_days=420)
            article, hit = "33(2)", "eurodac_hits" in case
        elif kind == "visa":
            target = self.visa(case, registered)
            if rng.random() < 0.15:  # a second visa, of another state
                self.visa(case, registered, self.issuing(rng, avoid=target))
            article, hit = "29(2)", "vis_hits" in case
        elif kind == "residence":
            target, article = self.residence(case, registered), "29(1)"
        elif kind == "diploma":
            target, article = self.diploma(case, registered), "30(1)"
        elif kind == "visa_waived":
            target = self.airports(rng)
            on = max(registered - rng.randint(3, 300), self.earliest(case) + 1)
            case["entries"] = [{"date": _D(on), "state": target, "kind": "visa_waived"}]
            case["applicant"]["arrived_on"] = _D(on)
            if rng.random() < 0.3:
                case["applicant"]["visa_required_in"] = ["IE"]
            article = "31(1)"
        elif kind == "airport":
            made = case["applications"][0]["made_on"]
            case["applications"][0].update(place="airport_transit_area", registered_on=made)
            case["entries"] = [{"date": made, "state": here, "kind": "airport_transit"}]
            registered = made.toordinal()
        elif kind == "take_back":
            return self.earlier_application(case, registered, here)
        elif kind == "relocation":
            return self.relocated(case, registered)
        if kind == "family_protection":
            family_state = self.other(here)
            relation = rng.choice(
                ("spouse", "spouse", "unmarried_partner", "minor_child", "parent")
            )
            born = self.relative_birth(case, relation)
            since = max(registered - rng.randint(100, 2500), born + 1)
            status = rng.choice(
                (
                    "refugee",
                    "subsidiary_protection",
                    "long_term_resident_eu",
                    "citizen_former_beneficiary",
                )
            )
            self.member(case, relation, born, status, family_state, since, rng.random() < 0.75)
            target, article = family_state, "26(1)"
        elif kind == "family_applicant":
            family_state = self.other(here)
            born = self.relative_birth(case, "spouse")
            since = registered - rng.randint(10, 400)
            self.member(case, "spouse", born, "applicant", family_state, since, rng.random() < 0.7)
            target, article = family_state, "27"
        elif kind == "unaccompanied":
            case["applicant"]["unaccompanied"] = True
            x = rng.random()
            if x < 0.5:
                state = self.other(here)
                born = self.relative_birth(case, "sibling")
                since = max(registered - rng.randint(100, 2000), born + 1)
                status = rng.choice(("refugee", "other_legal_residence", "subsidiary_protection"))
                self.member(case, "sibling", born, status, state, since, False)
                target, article = state, "25(2)"
            elif x < 0.7:
                state = self.other(here)
                born = self.relative_birth(case, "aunt_or_uncle")
                m = self.member(
                    case,
                    "aunt_or_uncle",
                    born,
                    "other_legal_residence",
                    state,
                    registered - rng.randint(300, 4000),
                    False,
                )
                m["can_take_care"] = rng.random() < 0.8
                target, article = state, "25(3)"
            else:
                target, article = here, "25(5)"
        elif kind == "dependency":
            state = self.other(here)
            case["applicant"]["dependency"] = {
                "reason": rng.choice(
                    (
                        "pregnancy",
                        "serious_illness",
                        "severe_disability",
                        "old_age",
                        "severe_trauma",
                        "newborn",
                    )
                ),
            }
            old = registered - self.earliest(case) > 40 * 365
            relation = rng.choice(("adult_child" if old else "parent", "parent", "sibling"))
            born = self.relative_birth(case, relation)
            m = self.member(
                case,
                relation,
                born,
                "long_term_resident_eu",
                state,
                max(registered - rng.randint(400, 4000), born + 1),
                True,
            )
            m["dependency"] = "applicant_dependent"
            m["can_take_care"] = True
            target, article = state, "34(2)"
        elif kind == "security":
            on = self.upto(registered + rng.randint(0, 3)) or registered
            case["security"] = {"check_16_4": {"state": here, "date": _D(on), "threat": True}}
            return case
        if kind not in ("before_ammr", "default") and rng.random() < 0.01:
            chosen = self.upto(registered + rng.randint(5, 60))
            if chosen is not None:  # the sovereignty clause (Art. 35(1))
                case["discretion"] = [{"state": here, "date": _D(chosen), "clause": "35(1)"}]
        self.take_charge(case, registered, here, target, article, hit)
        return case

    def earlier_application(self, case: Doc, registered: int, here: str) -> Doc:
        """A second application: first registered elsewhere, a Eurodac hit on the applicant
        data (sometimes with the state responsible recorded); a take back notification."""
        rng = self.rng
        earlier_state = self.other(here)
        lowest = self.start - (30 if rng.random() < 0.05 else 0)  # a few under Dublin III
        earlier = rng.randint(min(max(registered - 500, lowest), registered - 20), registered - 20)
        self.crossing(case, earlier, state=self.border(rng))
        made = earlier - rng.randint(0, 3)
        entry = case["entries"][0]
        if entry["date"].toordinal() > made:
            entry["date"] = _D(made)
            case["applicant"]["arrived_on"] = _D(made)
        case["applications"].insert(
            0, {"state": earlier_state, "made_on": _D(made), "registered_on": _D(earlier)}
        )
        for hit in case.get("eurodac_hits", ()):
            hit["received_on"] = _D(earlier)
        recorded = earlier_state if rng.random() < 0.8 else self.other(here)
        hit_doc: Doc = {
            "received_on": _D(registered),
            "category": "applicant",
            "state": earlier_state,
        }
        if rng.random() < 0.6:
            hit_doc["responsible_state"] = recorded
        case.setdefault("eurodac_hits", []).append(hit_doc)
        if rng.random() < 0.05:
            left = earlier + rng.randint(10, 60)
            if left < registered - 1:
                back = min(registered - 1, left + rng.randint(30, 400))
                case["exits"] = [{"left_on": _D(left), "returned_on": _D(back)}]
        self.take_back(case, registered, here, hit_doc.get("responsible_state", earlier_state))
        return case

    def relocated(self, case: Doc, registered: int) -> Doc:
        """Registered in a benefitting state after an irregular crossing, then relocated (Art. 67)."""
        rng = self.rng
        benefitting = self.relocation_from(rng)
        case["applications"][0]["state"] = benefitting
        self.crossing(case, registered, state=benefitting, most_days=200)
        confirmed = self.upto(registered + rng.randint(7, 60))
        if confirmed is None:
            return case
        relocation: Doc = {
            "benefitting_state": benefitting,
            "state_of_relocation": self.other(benefitting),
            "confirmed_on": _D(confirmed),
            "before_determination": rng.random() < 0.7,
        }
        done = self.upto(confirmed + rng.randint(7, 60))
        if done is not None:
            relocation["transferred_on"] = _D(done)
        case["relocations"] = [relocation]
        return case

    def group(self, i: int) -> list[Doc]:
        """A family registered together in one state (Art. 28): two parents, up to three
        children; each crossed irregularly, or a parent came on a visa."""
        rng = self.rng
        here, registered = self.registering(rng), self.registered()
        ref = f"{PREFIX}G{self.seed}-{i:07d}"
        ages = [rng.randint(28 * 365, 55 * 365), rng.randint(25 * 365, 48 * 365)]
        for _ in range(rng.randint(0, 3)):
            ages.append(rng.randint(365, 17 * 365))
        for k in range(1, len(ages)):  # no twins: a relation and a birthday name one person
            while ages[k] in ages[:k]:
                ages[k] -= 1
        roles = ["father", "mother"] + ["child"] * (len(ages) - 2)
        border = self.border(rng)
        crossing_on = registered - rng.randint(5, min(500, min(ages) - 1))
        members: list[Doc] = []
        for k, (role, age) in enumerate(zip(roles, ages, strict=True)):
            case = self.base(i, registered, here, age)
            case["case_id"] = f"{ref}-{k + 1}"
            case["group"] = ref
            case["applications"][0]["made_on"] = _D(registered)
            case["applicant"]["date_of_birth"] = _D(registered - age)
            if role == "father" and rng.random() < 0.3:
                self.visa(case, registered)
            else:
                self.crossing(case, registered, state=border)
                case["entries"][0]["date"] = _D(min(crossing_on, registered))
                case["applicant"]["arrived_on"] = case["entries"][0]["date"]
            members.append(case)
        births = [registered - a for a in ages]
        for k, case in enumerate(members):
            family = []
            for j, other in enumerate(members):
                if j == k:
                    continue
                relation = (
                    "spouse"
                    if roles[k] != "child" and roles[j] != "child"
                    else "minor_child"
                    if roles[j] == "child"
                    else "parent"
                )
                if relation == "minor_child" and roles[k] == "child":
                    relation = "sibling"
                family.append(
                    {
                        "id": f"{other['case_id']}",
                        "relation": relation,
                        "date_of_birth": _D(births[j]),
                        "statuses": [{"kind": "applicant", "state": here, "since": _D(registered)}],
                    }
                )
            case["family"] = family
        return members


def synthetic_lines(n: int, seed: int = 2026, as_of: dt.date = DEFAULT_AS_OF) -> Iterator[Doc]:
    """``n`` SYNTHETIC lines: each a case document, or ``{"group": [case, ...]}`` for a family
    registered together (Art. 28). Dates are :class:`datetime.date`; the same seed gives the
    same lines, and the first ``k`` lines do not depend on ``n``."""
    gen = _Generator(seed, as_of)
    for i in range(n):
        yield gen.line(i)


def synthetic_cases(n: int, seed: int = 2026, as_of: dt.date = DEFAULT_AS_OF) -> Iterator[Doc]:
    """The case documents of :func:`synthetic_lines`, a group's members one by one (at least
    ``n`` of them)."""
    for line in synthetic_lines(n, seed, as_of):
        yield from line.get("group", (line,))


def jsonl_chunks(
    n: int, seed: int = 2026, as_of: dt.date = DEFAULT_AS_OF, chunk: int = 4096
) -> Iterator[bytes]:
    """The lines of :func:`synthetic_lines` as JSON lines (orjson), ``chunk`` lines at a time."""
    dumps = orjson.dumps
    buf: list[bytes] = []
    for line in synthetic_lines(n, seed, as_of):
        buf.append(dumps(line))
        if len(buf) >= chunk:
            yield b"\n".join(buf) + b"\n"
            buf.clear()
    if buf:
        yield b"\n".join(buf) + b"\n"


def write_jsonl(path: str | Path, n: int, seed: int = 2026, as_of: dt.date = DEFAULT_AS_OF) -> Path:
    """Write ``n`` SYNTHETIC lines to ``path`` (JSON lines, UTF-8)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for block in jsonl_chunks(n, seed, as_of):
            out.write(block)
    return path


def label(seed: int) -> str:
    return LABEL.format(seed=seed)


__all__ = [
    "DEFAULT_AS_OF",
    "LABEL",
    "PREFIX",
    "bound_states",
    "jsonl_chunks",
    "label",
    "synthetic_cases",
    "synthetic_lines",
    "write_jsonl",
]
