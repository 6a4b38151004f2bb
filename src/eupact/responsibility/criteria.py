"""The criteria for determining the Member State responsible, in the law's order (Art. 24(1)),
judged on the facts as they stood at the first registration (Art. 24(2)):

* unaccompanied minors: Art. 25 alone, paragraphs 2 to 5 in order (Art. 25(1));
* everyone else: Art. 26 (family members who are beneficiaries, long-term residents or former
  beneficiaries now citizens), 27 (family members who are applicants), 29 (residence documents and
  visas), 30 (diplomas), 31 (visa-waived entry), 32 (airport transit area), 33 (entry: irregular
  crossing, search and rescue, relocation); Art. 28 (families registered together) is decided on
  the group by the engine;
* Art. 34 (dependent persons), placed as the ``dependency.place`` reading says;
* the default, Art. 16(2): the state of first registration.

Each criterion returns the states it designates, in order, so that the engine can pass over a
state a transfer to which is impossible (Art. 16(3)). Readings (``AMBIG-n`` of the spec) are read
from :class:`~.rules.Rules` and recorded on the :class:`Trace`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from eupact.timelimits.periods import period_end

from .model import (
    Document,
    DocumentKind,
    EntryKind,
    FamilyMember,
    Place,
    Relation,
    StatusKind,
)
from .trace import Hit, Snapshot, Trace, age_on, status_on

LEGALLY_PRESENT = frozenset(StatusKind) - {StatusKind.IRREGULAR}  # Art. 25(2)-(3)
ART_26 = frozenset(
    {
        StatusKind.REFUGEE,
        StatusKind.SUBSIDIARY_PROTECTION,
        StatusKind.LONG_TERM_RESIDENT_EU,
        StatusKind.LONG_TERM_RESIDENT_NATIONAL,
        StatusKind.CITIZEN_FORMER_BENEFICIARY,
    }
)
LEGALLY_RESIDENT = ART_26 | {StatusKind.OTHER_LEGAL_RESIDENCE}  # Art. 34(1)
PARTNERS = frozenset({Relation.SPOUSE, Relation.UNMARRIED_PARTNER})
PARENTS = frozenset({Relation.PARENT, Relation.OTHER_RESPONSIBLE_ADULT})
RELATIVES = frozenset({Relation.AUNT_OR_UNCLE, Relation.GRANDPARENT})  # Art. 2(9)
DEPENDENCY = frozenset(
    {Relation.MINOR_CHILD, Relation.ADULT_CHILD, Relation.SIBLING, Relation.PARENT}
)


def _family_member(m: FamilyMember, snap: Snapshot, t: Trace, article: str) -> bool:
    """Whether ``m`` is a family member within Art. 2(8) in the snapshot."""
    if m.relation in RELATIVES or m.relation in (Relation.ADULT_CHILD, Relation.SIBLING):
        return False
    if m.relation in PARENTS and not snap.minor:
        return False
    grown = (
        m.date_of_birth is not None and age_on(m.date_of_birth, snap.on) >= t.rules.age_of_majority
    )
    if m.relation is Relation.MINOR_CHILD and (grown or m.married):
        return False
    if not m.family_formed_before_arrival:
        t.flag(
            "AMBIG-5",
            f"Art. {article}: {m.id}'s family was formed after arrival on the territory; not a "
            "family member under Art. 2(8) (recital 52 covers families formed in transit)",
        )
        return False
    return True


def _consented(m: FamilyMember) -> bool:
    return m.consent.applicant is not None and m.consent.family_member is not None


# ---- Art. 25: unaccompanied minors --------------------------------------------------------------


def art25(snap: Snapshot, t: Trace) -> Iterator[Hit]:
    case = snap.case
    t.step("25(1)", "unaccompanied minor: only Art. 25 applies", age=snap.age, on=snap.on)
    siblings = t.reading("siblings")
    present: list[tuple[FamilyMember, str]] = []  # legally present, not objected to
    for m in case.family:
        s = status_on(m, snap.on)
        if s is None or s.kind not in LEGALLY_PRESENT:
            continue
        if m.best_interests_objection:
            t.step("25(2)", f"{m.id} in {s.state}: shown not to be in the minor's best interests")
            continue
        present.append((m, s.state))
    married = case.applicant.married or any(m.relation is Relation.SPOUSE for m in case.family)
    spouse_here = any(m.relation in PARTNERS for m, _ in present)
    if married and not spouse_here:  # 25(2) second sentence
        wanted = PARENTS | {Relation.SIBLING}
    elif married:  # 2(8)(c): parents are family members of an unmarried minor only
        wanted = PARTNERS | {Relation.MINOR_CHILD, Relation.SIBLING}
    else:
        wanted = PARTNERS | PARENTS | {Relation.MINOR_CHILD, Relation.SIBLING}
    first: list[tuple[FamilyMember, str]] = []
    relatives: list[tuple[FamilyMember, str]] = []
    for m, state in present:
        if m.relation in RELATIVES:
            relatives.append((m, state))
        elif m.relation is Relation.SIBLING and Relation.SIBLING in wanted:
            grown = m.date_of_birth is None or (
                age_on(m.date_of_birth, snap.on) >= t.rules.age_of_majority
            )
            if siblings == "minor_only" and grown:
                continue
            if grown:
                t.flag("AMBIG-5", "a sibling of full age counted as a sibling", "siblings")
            first.append((m, state))
        elif m.relation in wanted:
            first.append((m, state))
    # each paragraph in turn: a state passed over under 16(3) leads to the next (lazily)
    if first:
        yield from _uam_pick(first, "25(2)", snap, t, "family member or sibling legally present")
    others = [(m, st) for m, st in relatives if st != snap.present_state]
    cared = [(m, st) for m, st in others if m.can_take_care]
    for m, st in others:
        if m.can_take_care is None:
            t.flag(
                "manual:25(3)",
                f"{m.id} in {st}: the individual examination of whether the relative can take "
                "care of the minor is not recorded",
            )
    if cared:
        yield from _uam_pick(cared, "25(3)", snap, t, "relative legally present who can take care")
    if "25(5)" in snap.excluded:
        t.step(snap.excluded_by, f"Art. 25(5) does not apply ({snap.excluded_by})")
        return
    t.step(
        "25(5)",
        "no family member, sibling or relative: the state of first registration, if in the "
        "minor's best interests",
        state=snap.first.state,
    )
    yield Hit(snap.first.state, "25(5)")


def _uam_pick(
    found: list[tuple[FamilyMember, str]], article: str, snap: Snapshot, t: Trace, what: str
) -> list[Hit]:
    states = sorted({st for _, st in found})
    if len(states) > 1:
        t.step(
            "25(4)", "persons in more than one state: chosen on the best interests", states=states
        )
        t.flag(
            "manual:25(4)",
            "the state is chosen on the minor's best interests (Art. 23(4) factors); until then "
            f"the state of first registration, {snap.first.state}, holds the case",
        )
        t.candidates = tuple(states)
        return [Hit(snap.first.state, "25(4)")]
    t.step(article, what, state=states[0], persons=[m.id for m, _ in found])
    return [Hit(states[0], article)]


# ---- Arts. 26-27: family ------------------------------------------------------------------------


def art26(snap: Snapshot, t: Trace) -> list[Hit]:
    hits = []
    for m in snap.case.family:
        s = status_on(m, snap.on)
        if s is None or s.kind not in ART_26 or not _family_member(m, snap, t, "26"):
            continue
        article = "26" if s.kind is not StatusKind.CITIZEN_FORMER_BENEFICIARY else "26(2)"
        if not _consented(m):
            t.step(article, f"{m.id} ({s.kind.value}, {s.state}): no written consent of both")
            continue
        t.step(
            article,
            f"family member {s.kind.value} in {s.state}, both consented in writing",
            member=m.id,
            state=s.state,
            since=s.since,
        )
        hits.append(Hit(s.state, article))
    return hits


def art27(snap: Snapshot, t: Trace, group: frozenset[str]) -> list[Hit]:
    hits = []
    for m in snap.case.family:
        s = status_on(m, snap.on)
        if s is None or s.kind is not StatusKind.APPLICANT:
            continue
        if m.id in group:
            t.flag(
                "AMBIG-10", f"Art. 27 left out for {m.id}, registered with the applicant (Art. 28)"
            )
            continue
        if not _family_member(m, snap, t, "27"):
            continue
        if not _consented(m):
            t.step("27", f"{m.id} (applicant in {s.state}): no written consent of both")
            continue
        t.step(
            "27",
            "family member whose application awaits a first decision on the substance",
            member=m.id,
            state=s.state,
        )
        hits.append(Hit(s.state, "27"))
    return hits


# ---- Art. 29: residence documents and visas -----------------------------------------------------


def _end(d: Document) -> dt.date:
    return d.ended_on if d.ended_on is not None and d.ended_on < d.valid_to else d.valid_to


def _state_of(d: Document) -> str:
    return d.represented_state or d.issuing_state


def art29(snap: Snapshot, t: Trace) -> list[Hit]:
    if "29" in snap.excluded:
        return []
    r = t.rules
    on = snap.on
    counted: list[tuple[Document, bool]] = []  # (document, valid on the snapshot day)
    for d in snap.case.documents:
        if d.kind is DocumentKind.RESIDENCE_DOCUMENT and d.issued_during_procedure:
            t.step(
                "2(13)",
                f"{d.issuing_state} permit issued during a procedure: not a residence document",
            )
            continue
        if d.fraud_after_issue_established:
            t.step(
                "29(5)",
                f"{d.issuing_state} established fraud after issue: the document does not count",
            )
            continue
        if d.valid_from > on:
            continue
        end = _end(d)
        if end >= on:
            counted.append((d, True))
            continue
        length = r.period(
            "criteria.residence_document_expired_years"
            if d.kind is DocumentKind.RESIDENCE_DOCUMENT
            else "criteria.visa_expired_months"
        )
        last = period_end(end, length.n, length.unit)
        if on <= last:
            counted.append((d, False))
            t.step(
                "29(4)",
                f"{d.kind.value} of {_state_of(d)} ended {end}: within {length.text()}",
                last_day=last,
            )
            if on == last:
                t.flag(
                    "AMBIG-11",
                    "registered on the last day of the 29(4) period: counted "
                    "(Art. 75 inclusive reading)",
                )
        else:
            t.step(
                "29(4)",
                f"{d.kind.value} of {_state_of(d)} ended {end}: more than "
                f"{length.text()} before registration, ignored",
                last_day=last,
            )
    if not counted:
        return []
    states = {_state_of(d) for d, _ in counted}
    if len(states) == 1:
        d = counted[0][0]
        article = "29(1)" if d.kind is DocumentKind.RESIDENCE_DOCUMENT else "29(2)"
        t.step(article, f"{d.kind.value} issued by {_state_of(d)}", state=_state_of(d))
        return [Hit(_state_of(d), article)]
    ranking = t.reading("documents.ranking")
    pool = counted
    if ranking != "latest_expiry":
        residence = [c for c in counted if c[0].kind is DocumentKind.RESIDENCE_DOCUMENT]
        if residence and len(residence) < len(counted):
            t.flag("AMBIG-11", "residence documents ranked before visas", "documents.ranking")
        pool = residence or counted
        if ranking == "residence_first_valid_first":
            valid = [c for c in pool if c[1]]
            if valid and len(valid) < len(pool):
                t.flag(
                    "AMBIG-11",
                    "valid documents ranked before expired ones still counted",
                    "documents.ranking",
                )
            pool = valid or pool
    docs = [d for d, _ in pool]
    if ranking == "latest_expiry":
        best, article = max(docs, key=lambda d: (_end(d), _state_of(d))), "29(3)"
    elif docs[0].kind is DocumentKind.RESIDENCE_DOCUMENT:
        best = max(
            docs,
            key=lambda d: (d.residence_period_days or (d.valid_to - d.valid_from).days, _end(d)),
        )
        article = "29(3)(a)"
    elif len({d.visa_type for d in docs}) == 1:
        best, article = max(docs, key=lambda d: _end(d)), "29(3)(b)"
    else:
        best = max(docs, key=lambda d: ((d.valid_to - d.valid_from).days, _end(d)))
        article = "29(3)(c)"
    t.step(article, "documents from several states", states=sorted(states), state=_state_of(best))
    return [Hit(_state_of(best), article)] + [
        Hit(s, article) for s in sorted(states - {_state_of(best)})
    ]


# ---- Art. 30: diplomas --------------------------------------------------------------------------


def art30(snap: Snapshot, t: Trace) -> list[Hit]:
    if "30" in snap.excluded or not snap.case.qualifications:
        return []
    r = t.rules
    years = r.period("criteria.diploma_years")
    good = []
    for q in snap.case.qualifications:
        if q.issued_on > snap.on:
            continue
        if not (
            q.establishment_recognised
            and q.in_person
            and q.isced_level >= r.numbers["criteria.diploma_min_isced_level"]
            and q.study_months >= r.period("criteria.diploma_min_study_months").n
        ):
            t.step(
                "2(15)-(16)",
                f"diploma of {q.state} does not qualify (recognised establishment, "
                "in person, ISCED 2 or higher, one academic year of study)",
            )
            continue
        good.append(q)
    recent = [q for q in good if snap.on <= period_end(q.issued_on, years.n, years.unit)]
    for q in good:
        if q not in recent:
            t.step("30(1)", f"diploma of {q.state} issued {q.issued_on}: {years.text()} passed")
    each = t.reading("diplomas.each_within_period") == "yes" if len(good) > 1 else True
    if len(good) > 1 and len(recent) < len(good):
        t.flag(
            "AMBIG-13",
            "several diplomas: "
            + (
                "each must be less than six years old (30(2))"
                if each
                else "every diploma competes under 30(2)"
            ),
            "diplomas.each_within_period",
        )
    pool = recent if each else (good if len(good) > 1 else recent)
    if not pool:
        return []
    if len({q.state for q in pool}) == 1:
        t.step(
            "30(1)",
            f"diploma issued in {pool[0].state} less than {years.text()} before",
            state=pool[0].state,
            issued=pool[0].issued_on,
        )
        return [Hit(pool[0].state, "30(1)")]
    best = max(pool, key=lambda q: (q.study_months, q.issued_on))
    t.step("30(2)", "diplomas of several states: longest study, then most recent", state=best.state)
    return [Hit(best.state, "30(2)")]


# ---- Arts. 31-33: entry -------------------------------------------------------------------------


def _entries(snap: Snapshot, kinds: Iterable[EntryKind]) -> list:  # type: ignore[type-arg]
    wanted = set(kinds)
    return sorted(
        (
            e
            for e in snap.case.entries
            if e.kind in wanted
            and e.date <= snap.on
            and (snap.cutoff is None or e.date > snap.cutoff)
        ),
        key=lambda e: e.date,
    )


def art31(snap: Snapshot, t: Trace) -> list[Hit]:
    entries = _entries(snap, (EntryKind.VISA_WAIVED,))
    if not entries:
        return []
    entered = entries[0].state
    registered = snap.first.state
    if registered != entered and registered not in snap.case.applicant.visa_required_in:
        t.step(
            "31(2)",
            "registered in another state that also waives the visa",
            state=registered,
            entered=entered,
        )
        return [Hit(registered, "31(2)")]
    t.step("31(1)", "entered where no visa is required", state=entered, on=entries[0].date)
    return [Hit(entered, "31(1)")]


def art32(snap: Snapshot, t: Trace) -> list[Hit]:
    if snap.first.place is not Place.AIRPORT_TRANSIT_AREA:
        return []
    t.step(
        "32", "application made in an airport's international transit area", state=snap.first.state
    )
    return [Hit(snap.first.state, "32")]


def art33(snap: Snapshot, t: Trace) -> list[Hit]:
    entries = [
        e for e in _entries(snap, (EntryKind.IRREGULAR_CROSSING, EntryKind.SAR_DISEMBARKATION))
    ]
    internal = [e for e in entries if not e.from_third_country]
    for e in internal:
        t.step(
            "33(1)",
            f"crossing into {e.state} on {e.date} from another Member State: does not count",
        )
    entries = [e for e in entries if e.from_third_country]
    if not entries:
        return []
    if len(entries) > 1:
        t.flag("AMBIG-16", "several entries: the first after the last cessation counts")
    e = entries[0]
    for rel in snap.case.relocations:
        if rel.confirmed_on >= e.date and rel.confirmed_on <= snap.on:
            t.step(
                "33(3)",
                "relocated after the crossing: the state of relocation",
                state=rel.state_of_relocation,
            )
            return [Hit(rel.state_of_relocation, "33(3)")]
    r = t.rules
    sar = e.kind is EntryKind.SAR_DISEMBARKATION
    if sar and "33(2)" in snap.excluded and "33(1)" in snap.excluded:
        t.step(snap.excluded_by, f"Arts 33(1)-(2) do not apply ({snap.excluded_by})")
        return []
    if sar:
        months = r.period("criteria.sar_months")
        last = period_end(e.date, months.n, months.unit)
        if "33(2)" not in snap.excluded and snap.on <= last:
            _boundary(snap, last, t)
            t.step(
                "33(2)",
                "disembarked after a search and rescue operation",
                state=e.state,
                on=e.date,
                last_day=last,
            )
            return [Hit(e.state, "33(2)")]
        t.step("33(2)", f"more than {months.text()} after the disembarkation: ended", last_day=last)
        if t.reading("sar.fallback_to_irregular_entry") == "no":
            t.flag(
                "AMBIG-16",
                "no fallback to Art. 33(1) after the 12 months of 33(2)",
                "sar.fallback_to_irregular_entry",
            )
            return []
        t.flag(
            "AMBIG-16",
            "the disembarkation read as an irregular crossing after 12 months",
            "sar.fallback_to_irregular_entry",
        )
    if "33(1)" in snap.excluded:
        t.step(snap.excluded_by, f"Art. 33(1) does not apply ({snap.excluded_by})")
        return []
    months = r.period("criteria.irregular_entry_months")
    last = period_end(e.date, months.n, months.unit)
    if snap.on > last:
        t.step(
            "33(1)",
            f"registered more than {months.text()} after the crossing: ended",
            crossed=e.date,
            last_day=last,
        )
        return []
    _boundary(snap, last, t)
    t.step(
        "33(1)",
        "irregular crossing from a third country: the first state entered",
        state=e.state,
        crossed=e.date,
        last_day=last,
        evidence=e.evidence,
    )
    return [Hit(e.state, "33(1)")]


def _boundary(snap: Snapshot, last: dt.date, t: Trace) -> None:
    if snap.on == last:
        t.flag(
            "AMBIG-11",
            f"registered on the last day of the period ({last}): still within "
            "(Art. 75 inclusive reading)",
        )


# ---- Art. 34: dependent persons -----------------------------------------------------------------


def art34(snap: Snapshot, t: Trace) -> list[Hit]:
    case = snap.case
    hits = []
    for m in case.family:
        if m.dependency is None or m.relation not in DEPENDENCY:
            continue
        if m.dependency == "member_dependent" and m.dependency_reason is None:
            continue  # 34(1): pregnancy, a new-born child, illness, disability, trauma or old age
        if m.dependency == "applicant_dependent" and case.applicant.dependency is None:
            continue
        s = status_on(m, case.as_of)  # AMBIG-4: Art. 24(2) covers Chapter II only
        if s is None or s.kind not in LEGALLY_RESIDENT:
            continue
        if not (m.family_formed_before_arrival and m.can_take_care and _consented(m)):
            t.step(
                "34(1)",
                f"{m.id} in {s.state}: tie before arrival, ability to care or written "
                "consent missing",
            )
            continue
        if (
            s.state != snap.present_state
            and case.applicant.dependency
            and case.applicant.dependency.unfit_to_travel
        ):
            t.step(
                "34(2)",
                "the applicant cannot travel for a significant time: the state where "
                "the applicant is present",
                state=snap.present_state,
            )
            hits.append(Hit(snap.present_state, "34(2)"))
            continue
        article = "34(1)" if s.state == snap.present_state else "34(2)"
        t.step(
            article,
            f"dependency ({m.dependency}) with {m.relation.value} legally resident in {s.state}",
            state=s.state,
            member=m.id,
        )
        hits.append(Hit(s.state, article))
    if hits:
        t.flag("AMBIG-4", "Art. 34 judged on the facts at as_of, not the first registration")
    return hits


def chapter_ii(snap: Snapshot, t: Trace, group: frozenset[str]) -> Iterator[Hit]:
    """The states the criteria designate, in the law's order (Art. 24(1)), lazily: the chain
    stops at the criterion that decides, unless that state is passed over (Art. 16(3))."""
    if snap.unaccompanied:
        yield from art25(snap, t)
        return
    yield from art26(snap, t)
    yield from art27(snap, t, group)
    for criterion in (art29, art30, art31, art32, art33):
        yield from criterion(snap, t)


__all__ = ["art34", "chapter_ii"]
