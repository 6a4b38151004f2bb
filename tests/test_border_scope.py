"""What the asylum border procedure requires of a state on a day (border.scope.border_scope): APR
Arts 43(1), 44, 45(1), 47(2)-(3), 48, 50, 51(2), 53 with CFMR Art. 11, each worked by hand —

* Art. 45(1): mandatory for 42(1)(c), (f), (j) (and 42(3)(b), Art. 53(1), 47(3));
* Arts 47(2), 48: (j) released from the day after the notification, while at or above capacity,
  bound again below it (48(3));
* Arts 47(3), 50: (c) and (j) released after the Commission's act; (f) and 42(3)(b) never;
* CFMR 11(2): (j) released in a 1(4)(a) crisis or force majeure, refused for 1(4)(b);
* CFMR 11(3): the 42(1)(j) threshold 20 % -> 5 %, 1(4)(a) only; 11(4): merits up to 50 %, 1(4)(a)
  only; 11(6): instrumentalised applicants, 1(4)(b) only, with 11(7)(a) or (b);
* Art. 51(2) with CFMR 11(1): 12 weeks (16 after relocation), 18 in a crisis (never 16 + 6);
* Art. 44(2): priority only when the count exceeds the capacity (equal is not enough);
* the decision's first and last day, a repeal, another state's decision; refusals in words;
* hypothesis: 42(1)(f) and 42(3)(b) are mandatory whatever the inputs.
"""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eupact.border.monitoring import (
    CapacityNotification,
    MaximumAuthorisation,
    MonthlyFigures,
    MonthStatus,
    watch,
)
from eupact.border.scope import border_scope, compact
from eupact.crisis.measures import AuthorisedMeasures, Derogation, Situation
from eupact.crisis.rules import ALLOWED
from eupact.errors import EupactError
from eupact.parameters import load_parameters

D = dt.date
C, F, J, UAM = "42(1)(c)", "42(1)(f)", "42(1)(j)", "42(3)(b)"
PS = load_parameters()
CAP = 100
ACT = "Commission Implementing Decision (EU) 2026/999"

# IT's months, capacity 100 (hand-made; stock = previous + entered - left, Art. 48(3)):
#   month    asylum return stock entered left examined  year
#   2026-06    60     20    80     80      0     30       30
#   2026-07    85     20   105     30      5     50       80   105 >= 100: reached; notified 07-10
#   2026-08    70     20    90     10     25     60      140    90 <  100: bound again (48(3))
#   2026-09   100     20   120     40     10     70      210   210 >= 2 x 100 = 200 (Art. 50)
ROWS = [
    MonthlyFigures("IT", D(2026, 6, 1), 60, 20, 80, 0, 30),
    MonthlyFigures("IT", D(2026, 7, 1), 85, 20, 30, 5, 50),
    MonthlyFigures("IT", D(2026, 8, 1), 70, 20, 10, 25, 60),
    MonthlyFigures("IT", D(2026, 9, 1), 100, 20, 40, 10, 70),
]
NOTICE = CapacityNotification("IT", D(2026, 7, 10), 105, "apply", "full", others_informed=True)
AUTH = MaximumAuthorisation("IT", ACT, D(2026, 9, 20))


def _watch(capacity: int = CAP, params=PS) -> dict[str, MonthStatus]:
    out = watch(
        "IT",
        ROWS,
        capacity=capacity,
        notifications=[NOTICE],
        authorisations=[AUTH],
        params=params,
    )
    return {s.month.strftime("%Y-%m"): s for s in out}


MONTHS = _watch()


CRISIS_START, CRISIS_UNTIL = D(2026, 9, 2), D(2026, 12, 1)


def decision(
    state: str,
    situation: Situation,
    derogations: set[Derogation],
    *,
    start: dt.date = CRISIS_START,
    until: dt.date = CRISIS_UNTIL,
    exclusion: str | None = None,
    ended_on: dt.date | None = None,
    name: str = "Council Implementing Decision (EU) 2026/901",
) -> AuthorisedMeasures:
    return AuthorisedMeasures(
        state,
        situation,
        name,
        start - dt.timedelta(days=1),
        start,
        until,
        until,
        frozenset(derogations),
        ended_on=ended_on,
        instrumentalisation_exclusion=exclusion,
    )


BORDER_MA = {
    Derogation.BORDER_EXTENSION,
    Derogation.BORDER_NOT_J,
    Derogation.BORDER_THRESHOLD,
    Derogation.BORDER_MERITS,
}
MA = decision("IT", Situation.MASS_ARRIVALS, BORDER_MA)
FM = decision("EL", Situation.FORCE_MAJEURE, {Derogation.BORDER_EXTENSION, Derogation.BORDER_NOT_J})
IN_A = decision(
    "LT",
    Situation.INSTRUMENTALISATION,
    {Derogation.BORDER_EXTENSION, Derogation.BORDER_INSTRUMENTALISATION},
    exclusion="11(7)(a)",
)
IN_B = decision(
    "LT",
    Situation.INSTRUMENTALISATION,
    {Derogation.BORDER_INSTRUMENTALISATION},
    exclusion="11(7)(b)",
)
IN_CRISIS = D(2026, 10, 15)


def released_by(scope, point: str) -> list[str]:
    (ground,) = [g for g in scope.grounds if g.point == point]
    return [r.by for r in ground.releases]


# --- APR alone ---------------------------------------------------------------------------------


def test_no_crisis_no_figures_the_plain_apr() -> None:
    s = border_scope("IT", D(2026, 7, 1))
    # Art. 45(1): (c), (f), (j); 42(3)(b) for unaccompanied minors (53(1), 47(3))
    assert s.mandatory == (C, F, J, UAM)
    assert s.released == ()
    assert s.never_released == (F, UAM)
    assert s.threshold_j.amount == Fraction(20, 100)  # Art. 42(1)(j): 20 %
    assert s.merits.points == (
        "42(1)(a)",
        "42(1)(b)",
        "42(1)(c)",
        "42(1)(d)",
        "42(1)(e)",
        "42(1)(f)",
        "42(1)(g)",
        J,
        UAM,
    )  # fmt: skip  (Art. 44(1)(b))
    assert s.merits.rate is None and not s.merits.instrumentalisation
    assert (s.duration.amount, s.duration_after_relocation.amount) == (12, 16)  # Art. 51(2)
    assert s.priority.applies is None  # no figures: not known
    assert s.decisions == ()
    assert "Art. 45(1) APR" in s.articles and "Art. 44(1)(b) APR" in s.articles


def test_the_first_day_the_apr_applies_and_the_day_before() -> None:
    assert border_scope("IT", D(2026, 6, 12)).mandatory == (C, F, J, UAM)
    with pytest.raises(EupactError, match=r"Art\. 79"):
        border_scope("IT", D(2026, 6, 11))


def test_art_48_releases_j_from_the_day_after_the_notification() -> None:
    july = MONTHS["2026-07"]  # 105 >= 100, notified 2026-07-10
    on_the_day = border_scope("IT", D(2026, 7, 10), status=july)
    assert J in on_the_day.mandatory  # 48(4): from the day after
    assert any("applies from 2026-07-11" in n for n in on_the_day.notes)
    next_day = border_scope("IT", D(2026, 7, 11), status=july)
    assert next_day.mandatory == (C, F, UAM) and next_day.released == (J,)
    assert released_by(next_day, J) == ["48"]
    (release,) = next_day.grounds[2].releases
    assert release.articles == ("Art. 47(2) APR", "Art. 48(2)-(4) APR")
    assert "105" in release.why and "100" in release.why


def test_art_48_3_bound_again_below_the_capacity() -> None:
    august = MONTHS["2026-08"]  # 90 < 100 though notified in July
    s = border_scope("IT", D(2026, 8, 20), status=august)
    assert s.mandatory == (C, F, J, UAM) and s.released == ()


def test_art_50_releases_c_and_j_never_f_and_uam() -> None:
    september = MONTHS["2026-09"]  # year 210 >= 200; act of 2026-09-20; count 120 >= 100
    s = border_scope("IT", D(2026, 9, 30), status=september)
    assert s.mandatory == (F, UAM)
    assert released_by(s, C) == ["50"]
    assert released_by(s, J) == ["48", "50"]  # both hold: notified this year and 120 >= 100
    release_50 = next(r for r in s.grounds[0].releases)
    assert release_50.source == ACT and "210" in release_50.why and "200" in release_50.why
    assert "Art. 50 APR" in release_50.articles and "Art. 47(3) APR" in release_50.articles


def test_art_50_release_starts_on_the_day_of_the_act_not_at_the_start_of_its_month() -> None:
    september = MONTHS["2026-09"]  # the act is of 2026-09-20
    assert september.authorised_on == D(2026, 9, 20)
    assert released_by(border_scope("IT", D(2026, 9, 19), status=september), C) == []
    assert released_by(border_scope("IT", D(2026, 9, 20), status=september), C) == ["50"]


def test_a_release_parameter_can_never_release_f_or_uam() -> None:
    # even a what-if that lists 42(1)(f) among the Art. 50 releases leaves it mandatory
    ps = PS.with_values({"border.watch.release_50.points": [C, J, F, UAM]}, "test: release (f) too")
    status = _watch(params=ps)["2026-09"]
    s = border_scope("IT", D(2026, 9, 30), status=status, params=ps)
    assert s.mandatory == (F, UAM) and s.released == (C, J)
    assert all(g.releases == () for g in s.grounds if g.point in (F, UAM))
    (uam,) = [g for g in s.grounds if g.point == UAM]
    assert uam.articles == ("Art. 53(1) APR", "Art. 47(3) APR", "Art. 50 APR")


def test_before_the_maximum_no_art_50_release() -> None:
    august = MONTHS["2026-08"]  # 140 < 200
    s = border_scope("IT", D(2026, 8, 31), status=august)
    assert released_by(s, C) == []


# --- Art. 44(2): priority when the applicants exceed the number of Art. 47(1) -------------------


def test_priority_when_the_count_exceeds_the_capacity() -> None:
    s = border_scope("IT", D(2026, 7, 20), status=MONTHS["2026-07"])  # 105 > 100
    assert s.priority.applies is True
    assert [a for a, _ in s.priority.categories] == [
        "Art. 44(2)(a) APR", "Art. 44(2)(b) APR", "Art. 44(2)(c) APR",
    ]  # fmt: skip
    assert border_scope("IT", D(2026, 6, 20), status=MONTHS["2026-06"]).priority.applies is False


def test_priority_needs_more_than_equal() -> None:
    # capacity 105: July's 105 reaches it (Art. 48(1), equal or above) but does not exceed it
    at_105 = _watch(105)["2026-07"]
    assert at_105.capacity_reached
    assert border_scope("IT", D(2026, 7, 20), status=at_105).priority.applies is False
    # capacity 104: 105 > 104
    at_104 = _watch(104)["2026-07"]
    assert border_scope("IT", D(2026, 7, 20), status=at_104).priority.applies is True


def test_priority_reading_against_the_annual_maximum() -> None:
    ps = PS.with_readings({"border.scope.priority_when": "examined_above_maximum"})
    months = _watch(params=ps)
    july = border_scope("IT", D(2026, 7, 20), status=months["2026-07"], params=ps)
    assert july.priority.applies is False  # 80 examined, maximum 200
    september = border_scope("IT", D(2026, 9, 25), status=months["2026-09"], params=ps)
    assert september.priority.applies is True  # 210 > 200
    assert any(r.name == "border.scope.priority_when" for r in september.readings)


# --- CFMR Art. 11 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "inside"),
    [
        (D(2026, 9, 1), False),  # adopted, not yet applying
        (D(2026, 9, 2), True),  # first day
        (D(2026, 12, 1), True),  # last day
        (D(2026, 12, 2), False),  # the day after
    ],
)
def test_mass_arrivals_first_and_last_day(on: dt.date, inside: bool) -> None:
    s = border_scope("IT", on, crises=[MA])
    if inside:
        assert s.released == (J,) and released_by(s, J) == ["11(2)"]
        assert s.threshold_j.amount == Fraction(5, 100)  # 11(3): 5 %
        assert s.merits.rate is not None and s.merits.rate.amount == Fraction(50, 100)  # 11(4)
        # 11(1): 12 + 6 = 18; after a relocation 18 too, never 16 + 6 = 22
        assert (s.duration.amount, s.duration_after_relocation.amount) == (18, 18)
        assert s.decisions == (
            "Council Implementing Decision (EU) 2026/901: a crisis of mass arrivals (Art. 1(4)(a))",
        )
    else:
        assert s.released == () and s.threshold_j.amount == Fraction(1, 5)
        assert s.merits.rate is None
        assert (s.duration.amount, s.duration_after_relocation.amount) == (12, 16)
    assert s.never_released == (F, UAM) and F in s.mandatory and UAM in s.mandatory


def test_a_repeal_ends_the_derogations_the_day_before() -> None:
    repealed = decision("IT", Situation.MASS_ARRIVALS, BORDER_MA, ended_on=D(2026, 11, 1))
    assert border_scope("IT", D(2026, 10, 31), crises=[repealed]).released == (J,)
    assert border_scope("IT", D(2026, 11, 1), crises=[repealed]).released == ()


def test_each_paragraph_alone() -> None:
    on = IN_CRISIS
    only_3 = decision("IT", Situation.MASS_ARRIVALS, {Derogation.BORDER_THRESHOLD})
    s = border_scope("IT", on, crises=[only_3])
    assert s.threshold_j.amount == Fraction(1, 20) and J in s.mandatory  # 5 %, still mandatory
    assert s.duration.amount == 12 and s.merits.rate is None
    only_2 = decision("IT", Situation.MASS_ARRIVALS, {Derogation.BORDER_NOT_J})
    s = border_scope("IT", on, crises=[only_2])
    assert s.released == (J,) and s.threshold_j.amount == Fraction(1, 5)
    only_4 = decision("IT", Situation.MASS_ARRIVALS, {Derogation.BORDER_MERITS})
    s = border_scope("IT", on, crises=[only_4])
    assert s.merits.rate is not None and s.released == () and s.threshold_j.amount == Fraction(1, 5)
    assert "Art. 11(4) CFMR" in s.merits.articles
    only_1 = decision("IT", Situation.MASS_ARRIVALS, {Derogation.BORDER_EXTENSION})
    s = border_scope("IT", on, crises=[only_1])
    assert (s.duration.amount, s.duration_after_relocation.amount) == (18, 18)
    assert s.released == () and s.merits.rate is None


def test_force_majeure_releases_j_but_keeps_the_threshold() -> None:
    s = border_scope("EL", IN_CRISIS, crises=[FM])
    assert s.released == (J,) and released_by(s, J) == ["11(2)"]
    assert s.threshold_j.amount == Fraction(1, 5)  # 11(3) is for 1(4)(a) only
    assert s.merits.rate is None  # 11(4) is for 1(4)(a) only
    assert s.duration.amount == 18  # 11(1): a crisis or force majeure


def test_instrumentalisation_merits_for_all_with_the_exclusion() -> None:
    s = border_scope("LT", IN_CRISIS, crises=[IN_A])
    assert s.mandatory == (C, F, J, UAM)  # 11(2) is not for 1(4)(b)
    assert s.threshold_j.amount == Fraction(1, 5)
    assert s.merits.instrumentalisation == IN_A.decision and s.merits.exclusion == "11(7)(a)"
    assert "Art. 11(6) CFMR" in s.merits.articles and "Art. 11(9) CFMR" in s.merits.articles
    assert any("under 12" in n and "excluded" in n for n in s.merits.notes)
    assert s.duration.amount == 18
    b = border_scope("LT", IN_CRISIS, crises=[IN_B])
    assert b.merits.exclusion == "11(7)(b)" and any("ceases" in n for n in b.merits.notes)
    assert b.duration.amount == 12  # 11(1) not authorised in this decision
    assert any("Art. 46 APR" in n for n in b.notes)  # 11(7)'s reference, said


def test_another_states_decision_changes_nothing() -> None:
    assert border_scope("IT", IN_CRISIS, crises=[FM, IN_A]) == border_scope("IT", IN_CRISIS)


def test_crisis_and_full_border_procedures_together() -> None:
    status = MONTHS["2026-09"]
    s = border_scope("IT", D(2026, 9, 30), status=status, crises=[MA])
    assert s.mandatory == (F, UAM)
    assert released_by(s, J) == ["48", "50", "11(2)"] and released_by(s, C) == ["50"]
    assert s.threshold_j.amount == Fraction(1, 20)
    assert any("Art. 11(5) CFMR" in a for a, _ in s.priority.examination)


@pytest.mark.parametrize(
    ("situation", "derogation", "words"),
    [
        (Situation.INSTRUMENTALISATION, Derogation.BORDER_NOT_J, "11(2)"),
        (Situation.INSTRUMENTALISATION, Derogation.BORDER_THRESHOLD, "11(3)"),
        (Situation.FORCE_MAJEURE, Derogation.BORDER_THRESHOLD, "1(4)(a) crisis only"),
        (Situation.FORCE_MAJEURE, Derogation.BORDER_MERITS, "11(4)"),
        (Situation.MASS_ARRIVALS, Derogation.BORDER_INSTRUMENTALISATION, "11(6)"),
    ],
)
def test_a_derogation_the_situation_does_not_allow_is_refused(
    situation: Situation, derogation: Derogation, words: str
) -> None:
    exclusion = "11(7)(a)" if derogation is Derogation.BORDER_INSTRUMENTALISATION else None
    bad = decision("IT", situation, {derogation}, exclusion=exclusion)
    with pytest.raises(EupactError) as err:
        border_scope("IT", IN_CRISIS, crises=[bad])
    text = str(err.value)
    assert "crises.0.derogations" in text and words in text and "Traceback" not in text


def test_instrumentalisation_without_its_exclusion_is_refused() -> None:
    bad = decision("LT", Situation.INSTRUMENTALISATION, {Derogation.BORDER_INSTRUMENTALISATION})
    with pytest.raises(EupactError, match="11\\(7\\)\\(a\\) or 11\\(7\\)\\(b\\)"):
        border_scope("LT", IN_CRISIS, crises=[bad])


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"state": "DK"}, "Protocol No 22"),
        ({"state": "XX"}, "Member State bound"),
        ({"on": dt.datetime(2026, 7, 1, 12)}, "must be a date"),
        ({"status": MONTHS["2026-08"]}, "must be the month of the day asked (2026-07)"),
    ],
)
def test_refused_in_words(kwargs: dict, words: str) -> None:
    args = {"state": "IT", "on": D(2026, 7, 15), **kwargs}
    with pytest.raises(EupactError, match=words.replace("(", "\\(").replace(")", "\\)")):
        border_scope(args.pop("state"), args.pop("on"), **args)


def test_a_status_of_another_state_is_refused() -> None:
    with pytest.raises(EupactError, match="another state"):
        border_scope("EL", D(2026, 7, 15), status=MONTHS["2026-07"])


# --- the result --------------------------------------------------------------------------------


def test_as_dict_is_json_and_carries_its_trace() -> None:
    s = border_scope("IT", D(2026, 9, 30), status=MONTHS["2026-09"], crises=[MA])
    doc = json.loads(json.dumps(s.as_dict()))
    assert doc["mandatory"] == [F, UAM] and doc["threshold_j"]["value"] == "5 %"
    assert doc["duration"]["amount"] == "18" and doc["month"] == "2026-09"
    names = {p["name"] for p in doc["parameters"]}
    assert {"border.scope.mandatory_points", "crisis.border.threshold_j"} <= names
    assert {i["source_class"] for i in doc["inputs"]} == {"user"}
    assert "Art. 11(2) CFMR" in doc["articles"] and "Art. 50 APR" in doc["articles"]
    lines = s.lines()
    assert lines[0].startswith("IT on 2026-09-30")
    assert any(line.startswith("Never released: 42(1)(f); 42(3)(b)") for line in lines)
    assert any("5 % or lower" in line for line in lines)


def test_compact_lists_points_as_the_law_does() -> None:
    assert compact(["42(1)(a)", "42(1)(b)", "42(1)(c)", "42(1)(j)", "42(3)(b)"]) == (
        "42(1)(a)-(c), (j); 42(3)(b)"
    )
    assert compact([C, F, J]) == "42(1)(c), (f), (j)"


# --- hypothesis: 42(1)(f) and 42(3)(b) are always mandatory -----------------------------------

STATES = ("IT", "EL", "LT", "ES")


@st.composite
def measures(draw: st.DrawFn, state: str) -> AuthorisedMeasures:
    situation = draw(st.sampled_from(list(Situation)))
    allowed = [d for d, (where, _) in ALLOWED.items() if situation in where]
    chosen = draw(st.sets(st.sampled_from(allowed), min_size=1))
    start = draw(st.dates(D(2026, 6, 12), D(2027, 12, 31)))
    length = draw(st.integers(0, 365))
    exclusion = (
        draw(st.sampled_from(["11(7)(a)", "11(7)(b)"]))
        if Derogation.BORDER_INSTRUMENTALISATION in chosen
        else None
    )
    return decision(
        draw(st.sampled_from([state, "EL"])),
        situation,
        set(chosen),
        start=start,
        until=start + dt.timedelta(days=length),
        exclusion=exclusion,
    )


@st.composite
def statuses(draw: st.DrawFn, state: str, on: dt.date) -> MonthStatus | None:
    if draw(st.booleans()):
        return None
    capacity = draw(st.integers(0, 1000))
    counted = draw(st.integers(0, 2000))
    notified = draw(st.one_of(st.none(), st.dates(D(on.year, 1, 1), on)))
    released_48 = notified is not None and counted >= capacity
    released_50 = draw(st.booleans())
    return MonthStatus(
        geo=state,
        month=D(on.year, on.month, 1),
        asylum_border=counted,
        return_border=0,
        in_procedure=counted,
        counted=counted,
        capacity=capacity,
        capacity_reached=counted >= capacity,
        may_notify_capacity=counted >= capacity,
        notified_on=notified,
        released_48=released_48,
        examined=0,
        examined_year=draw(st.integers(0, 5000)),
        maximum=2 * capacity,
        maximum_reached=draw(st.booleans()),
        may_notify_maximum=False,
        authorised_by=ACT if released_50 else None,
        released_50=released_50,
        released_from=(),
        always_bound=(F, UAM),
        report_due=released_48,
        articles=(),
    )


@st.composite
def inputs(draw: st.DrawFn) -> tuple[str, dt.date, MonthStatus | None, list[AuthorisedMeasures]]:
    state = draw(st.sampled_from(STATES))
    on = draw(st.dates(D(2026, 6, 12), D(2028, 12, 31)))
    return (
        state,
        on,
        draw(statuses(state, on)),
        draw(st.lists(measures(state), max_size=3)),
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs())
def test_f_and_unaccompanied_minors_always_mandatory(args) -> None:
    state, on, status, crises = args
    s = border_scope(state, on, status=status, crises=crises)
    assert F in s.mandatory and UAM in s.mandatory
    assert F not in s.released and UAM not in s.released
    assert s.never_released == (F, UAM)
    assert all(g.releases == () for g in s.grounds if g.always)
    assert set(s.mandatory) | set(s.released) == {C, F, J, UAM}
    # the threshold is one of the two values of the law: 20 % or 5 %
    assert s.threshold_j.amount in (Fraction(1, 5), Fraction(1, 20))
