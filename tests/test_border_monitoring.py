"""Watching the border procedure (Arts 47(2)-(3), 48-50 APR): the count against the adequate
capacity at and one below it, the notification and the release from Art. 42(1)(j) cases (from the
day after, for the rest of the calendar year, inflow-outflow), the annual maximum reached exactly
and the Art. 50 act releasing (c) and (j), the cases always examined (42(1)(f), 42(3)(b)), the
[reading]s, the Art. 49 records, and the bad inputs (negative, skipped or repeated months, a stock
that does not follow inflow and outflow, another or an unbound state)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eupact.border.monitoring import (
    CapacityNotification,
    MaximumAuthorisation,
    MonthlyFigures,
    MonthlyReport,
    WeekFlow,
    check_monthly,
    check_monthly_report,
    check_notification,
    month_end,
    watch,
    weeks_of,
)
from eupact.border.synthetic import synthetic_months
from eupact.errors import EupactError
from eupact.parameters import load_parameters

CAP = 100
J, C = "42(1)(j)", "42(1)(c)"
ALWAYS = ("42(1)(f)", "42(3)(b)")
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def months(
    start: tuple[int, int], rows: list[tuple[int, int, int]], geo: str = "IT"
) -> list[MonthlyFigures]:
    """Months from ``start``, each (asylum, return, examined); the flows follow the stocks."""
    out: list[MonthlyFigures] = []
    year, month = start
    previous = 0
    for asylum, returns, examined in rows:
        stock = asylum + returns
        entered, left = (stock - previous, 0) if stock >= previous else (0, previous - stock)
        if not out:
            entered, left = stock, 0
        out.append(
            MonthlyFigures(geo, dt.date(year, month, 1), asylum, returns, entered, left, examined)
        )
        previous = stock
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def notice(day: dt.date, count: int = CAP, geo: str = "IT") -> CapacityNotification:
    return CapacityNotification(
        geo, day, count, "apply", "the border facilities are full", others_informed=True
    )


def by_month(statuses: Any) -> dict[str, Any]:
    return {s.month.strftime("%Y-%m"): s for s in statuses}


# --- the adequate capacity (Art. 48) --------------------------------------------------------------


def test_exactly_at_capacity_and_one_below() -> None:
    s = by_month(watch("IT", months((2026, 7), [(80, 20, 0), (80, 19, 0)]), capacity=CAP))
    assert s["2026-07"].in_procedure == 100 and s["2026-07"].capacity_reached
    assert s["2026-07"].may_notify_capacity and not s["2026-07"].released_48
    assert s["2026-08"].in_procedure == 99 and not s["2026-08"].capacity_reached
    assert s["2026-07"].used_percent == Decimal("100.0") and s["2026-08"].used_percent == Decimal(
        "99.0"
    )


def test_release_from_j_after_a_notification_while_at_or_above() -> None:
    figures = months((2026, 7), [(100, 0, 0), (100, 10, 0), (60, 39, 0), (120, 0, 0)])
    s = by_month(watch("IT", figures, capacity=CAP, notifications=[notice(dt.date(2026, 7, 10))]))
    assert s["2026-07"].released_48 and s["2026-07"].released_from == (J,)
    assert s["2026-08"].released_48 and s["2026-08"].report_due  # Art. 49(4)
    # 99 < 100: bound again for (j) cases (Art. 48(3), inflow-outflow) ...
    assert not s["2026-09"].released_48 and s["2026-09"].released_from == ()
    assert any("bound again" in n for n in s["2026-09"].notes)
    # ... and released again when at or above, without a new notification (48(4): rest of year)
    assert s["2026-10"].released_48
    assert "Art. 48(2)-(4) APR" in s["2026-07"].articles


def test_notification_on_the_last_day_of_a_month_applies_from_the_next_day() -> None:
    figures = months((2026, 7), [(100, 0, 0), (100, 0, 0)])
    s = by_month(watch("IT", figures, capacity=CAP, notifications=[notice(dt.date(2026, 7, 31))]))
    assert not s["2026-07"].released_48 and s["2026-07"].notified_on == dt.date(2026, 7, 31)
    assert any("from the next day" in n for n in s["2026-07"].notes)
    assert s["2026-08"].released_48


def test_notification_on_31_december_releases_nothing() -> None:
    """48(4): the rest of the same calendar year from the day after: nothing is left of 2026, and
    the notification does not carry into 2027."""
    figures = months((2026, 12), [(150, 0, 0), (150, 0, 0)])
    s = by_month(watch("IT", figures, capacity=CAP, notifications=[notice(dt.date(2026, 12, 31))]))
    assert not s["2026-12"].released_48 and not s["2027-01"].released_48
    assert s["2027-01"].notified_on is None and s["2027-01"].may_notify_capacity


def test_a_notification_below_capacity_is_not_counted() -> None:
    figures = months((2026, 7), [(150, 0, 0)])
    s = watch("IT", figures, capacity=CAP, notifications=[notice(dt.date(2026, 7, 2), count=90)])[0]
    assert not s.released_48 and any("below the capacity" in n for n in s.notes)


def test_count_for_release_reading_asylum_only() -> None:
    figures = months((2026, 7), [(90, 20, 0)])
    default = watch("IT", figures, capacity=CAP, notifications=[notice(dt.date(2026, 7, 1))])[0]
    assert default.counted == 110 and default.released_48
    params = load_parameters().with_readings({"border.watch.count_for_release": "asylum_only"})
    other = watch(
        "IT", figures, capacity=CAP, notifications=[notice(dt.date(2026, 7, 1))], params=params
    )[0]
    assert other.may_notify_capacity  # 48(1) counts both procedures, whatever the reading
    assert other.counted == 90 and not other.released_48


# --- the annual maximum (Art. 50) ------------------------------------------------------------------


def test_maximum_reached_exactly_and_one_below() -> None:
    # capacity 100 -> maximum 200 in 2026 (x2, Art. 47(1)); 50 + 100 + 49 = 199, then 200
    figures = months((2026, 6), [(10, 0, 50), (10, 0, 100), (10, 0, 49), (10, 0, 1)])
    s = by_month(watch("IT", figures, capacity=CAP))
    assert s["2026-08"].examined_year == 199 and s["2026-08"].maximum == 200
    assert not s["2026-08"].maximum_reached and not s["2026-08"].may_notify_maximum
    assert s["2026-09"].examined_year == 200 and s["2026-09"].may_notify_maximum
    given = by_month(watch("IT", figures, capacity=CAP, maximum=150))
    assert given["2026-07"].maximum == 150 and given["2026-07"].maximum_reached


def test_examined_counts_from_1_january() -> None:
    figures = months((2026, 12), [(10, 0, 300), (10, 0, 5)])
    s = by_month(watch("IT", figures, capacity=CAP))
    assert s["2026-12"].examined_year == 300 and s["2026-12"].maximum_reached
    assert s["2027-01"].examined_year == 5 and not s["2027-01"].maximum_reached


def test_phase_in_of_the_maximum_by_month_end() -> None:
    figures = months((2027, 5), [(10, 0, 0), (10, 0, 0)])
    s = by_month(watch("IT", figures, capacity=CAP))
    assert s["2027-05"].maximum == 200  # x2 until 12 June 2027
    assert s["2027-06"].maximum == 300  # x3 from 13 June 2027 (the month ends on the 30th)
    params = load_parameters().with_readings({"border.watch.maximum_on": "year_start"})
    y = by_month(watch("IT", figures, capacity=CAP, params=params))
    assert y["2027-06"].maximum == 200  # the maximum in force on 1 January 2027


def test_art_50_act_releases_c_and_j_for_the_rest_of_the_year() -> None:
    figures = months((2026, 9), [(10, 0, 250), (10, 0, 0), (10, 0, 0), (10, 0, 0), (10, 0, 0)])
    act = MaximumAuthorisation(
        "IT", "Commission Implementing Decision (EU) 2026/9999", dt.date(2026, 10, 5)
    )
    s = by_month(watch("IT", figures, capacity=CAP, authorisations=[act]))
    assert not s["2026-09"].released_50
    for m in ("2026-10", "2026-11", "2026-12"):
        assert s[m].released_50 and s[m].released_from == (C, J)
        assert s[m].authorised_by == act.act
    assert not s["2027-01"].released_50 and s["2027-01"].released_from == ()


def test_art_50_period_as_set_in_the_act() -> None:
    params = load_parameters().with_readings(
        {"border.watch.release_50.period": "as_set_in_the_act"}
    )
    figures = months((2026, 10), [(10, 0, 250), (10, 0, 0)])
    act = MaximumAuthorisation("IT", "act", dt.date(2026, 10, 5), until=dt.date(2026, 10, 31))
    s = by_month(watch("IT", figures, capacity=CAP, authorisations=[act], params=params))
    assert s["2026-10"].released_50 and not s["2026-11"].released_50
    with pytest.raises(EupactError, match="as_set_in_the_act"):
        watch(
            "IT",
            figures,
            capacity=CAP,
            authorisations=[MaximumAuthorisation("IT", "act", dt.date(2026, 10, 5))],
            params=params,
        )


def test_always_bound_for_f_and_3b() -> None:
    figures = months((2026, 10), [(300, 0, 900)])
    s = watch(
        "IT",
        figures,
        capacity=CAP,
        notifications=[notice(dt.date(2026, 10, 1))],
        authorisations=[MaximumAuthorisation("IT", "act", dt.date(2026, 10, 2))],
    )[0]
    assert s.released_from == (C, J) and s.always_bound == ALWAYS
    assert "Art. 47(3) APR, second sentence" in s.articles


# --- bad inputs ------------------------------------------------------------------------------------


def _refused(figures: list[MonthlyFigures]) -> str:
    with pytest.raises(EupactError) as err:
        check_monthly(figures)
    return str(err.value)


def test_negative_figures_are_refused_with_field_and_month() -> None:
    bad = MonthlyFigures("IT", dt.date(2026, 7, 1), -1, 0, 0, 0, 0)
    text = _refused([bad])
    assert "IT 2026-07" in text and "asylum_border" in text and "must not be negative" in text


def test_a_skipped_month_is_refused() -> None:
    a, _, c = months((2026, 7), [(10, 0, 0), (10, 0, 0), (10, 0, 0)])
    text = _refused([a, c])
    assert "2026-08 is missing" in text and "IT 2026-09" in text


def test_a_repeated_month_is_refused() -> None:
    a, b = months((2026, 7), [(10, 0, 0), (10, 0, 0)])
    assert "given twice" in _refused([a, b, b])


def test_a_stock_that_does_not_follow_inflow_and_outflow_is_refused() -> None:
    a, b = months((2026, 7), [(10, 0, 0), (10, 0, 0)])
    wrong = MonthlyFigures("IT", b.month, 10, 0, 5, 0, 0)  # 10 + 5 - 0 = 15, not 10
    text = _refused([a, wrong])
    assert "Art. 48(3)" in text and "= 15" in text and "IT 2026-08" in text


def test_a_month_not_given_by_its_first_day_is_refused() -> None:
    assert "first day of a month" in _refused(
        [MonthlyFigures("IT", dt.date(2026, 7, 2), 1, 0, 1, 0, 0)]
    )


def test_other_state_unbound_state_and_months_before_the_apr() -> None:
    with pytest.raises(EupactError, match="other states"):
        watch("IT", months((2026, 7), [(1, 0, 0)], geo="EL"), capacity=CAP)
    with pytest.raises(EupactError, match="Protocol No 22"):
        watch("DK", months((2026, 7), [(1, 0, 0)], geo="DK"), capacity=CAP)
    with pytest.raises(EupactError, match=r"Art\. 79\(2\)"):
        watch("IT", months((2026, 5), [(1, 0, 0)]), capacity=CAP)
    with pytest.raises(EupactError, match="capacity"):
        watch("IT", months((2026, 7), [(1, 0, 0)]), capacity=-1)
    with pytest.raises(EupactError, match="another state"):
        watch(
            "IT",
            months((2026, 7), [(1, 0, 0)]),
            capacity=CAP,
            notifications=[notice(dt.date(2026, 7, 1), geo="EL")],
        )


# --- the records of Art. 49 -------------------------------------------------------------------------


def test_notification_content_a_to_c() -> None:
    check_notification(notice(dt.date(2026, 7, 1)), capacity=CAP)
    bad = CapacityNotification("IT", dt.date(2026, 7, 1), -3, "maybe", "  ")  # type: ignore[arg-type]
    with pytest.raises(EupactError) as err:
        check_notification(bad)
    text = str(err.value)
    assert "49(1)(a)" in text and "49(1)(b)" in text and "reasoning" in text
    with pytest.raises(EupactError, match=r"Art\. 48\(1\)"):
        check_notification(notice(dt.date(2026, 7, 1), count=99), capacity=CAP)
    with pytest.raises(EupactError, match="Protocol No 22"):
        check_notification(notice(dt.date(2026, 7, 1), geo="DK"))
    with pytest.raises(EupactError, match="before 2026-06-12"):
        check_notification(notice(dt.date(2026, 6, 11)))


def _report(month: dt.date, **changes: Any) -> MonthlyReport:
    weeks = tuple(WeekFlow(d, 3, 2) for d in weeks_of(month))
    base: dict[str, Any] = {
        "geo": "IT",
        "month": month,
        "in_procedure": 120,
        "weeks": weeks,
        "staff": 40,
        "administrative_days": Decimal("21.5"),
        "court_days": None,
    }
    return MonthlyReport(**{**base, **changes})


def test_monthly_report_a_to_e() -> None:
    month = dt.date(2026, 9, 1)  # 1 September 2026 is a Tuesday: five weeks from Mon 31 August
    assert weeks_of(month) == tuple(dt.date(2026, 8, 31) + dt.timedelta(7 * i) for i in range(5))
    check_monthly_report(_report(month))
    with pytest.raises(EupactError, match="missing"):
        check_monthly_report(_report(month, weeks=_report(month).weeks[:-1]))
    with pytest.raises(EupactError, match="Monday"):
        check_monthly_report(_report(month, weeks=(WeekFlow(dt.date(2026, 9, 2), 1, 1),)))
    with pytest.raises(EupactError, match="twice"):
        check_monthly_report(_report(month, weeks=_report(month).weeks * 2))
    with pytest.raises(EupactError, match=r"\(c\)"):
        check_monthly_report(_report(month, staff=-1))
    with pytest.raises(EupactError, match=r"\(d\)"):
        check_monthly_report(_report(month, administrative_days=Decimal("1.234")))
    with pytest.raises(EupactError, match=r"\(e\)"):
        check_monthly_report(_report(month, court_days=Decimal("99999")))


def test_synthetic_months_follow_inflow_and_outflow() -> None:
    figures = synthetic_months("IT", dt.date(2026, 6, 1), 18, capacity=800, seed=5)
    check_monthly(figures)  # consistent by construction
    assert figures == synthetic_months("IT", dt.date(2026, 6, 1), 18, capacity=800, seed=5)


# --- invariant: the release never covers 42(1)(f) and 42(3)(b) ---------------------------------------


@PROPS
@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=24),
    st.lists(st.integers(min_value=0, max_value=600), max_size=3),
    st.lists(st.integers(min_value=0, max_value=600), max_size=2),
    st.integers(min_value=0, max_value=2**16),
)
def test_release_never_covers_f_or_3b(
    capacity: int, n: int, notes: list[int], acts: list[int], seed: int
) -> None:
    start = dt.date(2026, 6, 1)
    figures = synthetic_months("IT", start, n, capacity=max(capacity, 4), seed=seed)
    day0 = dt.date(2026, 6, 12)
    notifications = [notice(day0 + dt.timedelta(d), count=capacity) for d in notes]
    authorisations = [MaximumAuthorisation("IT", f"act {d}", day0 + dt.timedelta(d)) for d in acts]
    for s in watch(
        "IT", figures, capacity=capacity, notifications=notifications, authorisations=authorisations
    ):
        assert not set(s.released_from) & set(ALWAYS)
        assert s.always_bound == ALWAYS
        assert set(s.released_from) <= {C, J}
        if s.released_48:
            assert s.counted >= capacity and s.notified_on is not None
            assert s.notified_on < month_end(s.month)  # effective from the next day (48(4))
        assert s.report_due == s.released_48
        assert (C in s.released_from) == s.released_50


# --- cases added by mutation testing (issue 17; docs/testing.md) ----------------------------------


def _problems(figures: list[MonthlyFigures]) -> list[tuple[object, object, str]]:
    with pytest.raises(EupactError) as err:
        check_monthly(figures)
    assert err.value.summary == "monthly border figures refused"
    return [(p.field, p.value, p.location) for p in err.value.problems]


def test_check_monthly_names_every_problem_once_with_field_value_and_month() -> None:
    """Art. 48(3) APR (inflow-outflow) and the bounds of a count: every row is checked, a refused
    row is not also judged as part of the series, and each problem names field, value, month."""
    month_not_first = MonthlyFigures("IT", dt.date(2026, 7, 2), 1, 0, 1, 0, 0)
    half = MonthlyFigures("EL", dt.date(2026, 7, 1), 1.5, 0, 1, 0, 0)  # type: ignore[arg-type]
    negative = MonthlyFigures("ES", dt.date(2026, 7, 1), 0, -1, 0, 0, 0)
    too_many = MonthlyFigures("PL", dt.date(2026, 7, 1), 1_000_001, 0, 1_000_001, 0, 0)
    assert _problems([month_not_first, half, negative, too_many]) == [
        ("month", dt.date(2026, 7, 2), "IT 2026-07"),
        ("asylum_border", 1.5, "EL 2026-07"),
        ("return_border", -1, "ES 2026-07"),
        ("asylum_border", 1_000_001, "PL 2026-07"),
        ("entered", 1_000_001, "PL 2026-07"),
    ]
    # 1,000,000 (MAX_MONTHLY) is the largest count accepted
    check_monthly([MonthlyFigures("PL", dt.date(2026, 7, 1), 1_000_000, 0, 1_000_000, 0, 0)])
    # a refused month is left out of its series: July's stock 20, August's 10 with no flow
    # (20 + 0 - 0 = 20, not 10) would break the series only if July counted; refused, it does not
    a, b = months((2026, 7), [(10, 0, 0), (10, 0, 0)])
    for bad in (-2, 0.5, 1_000_001):
        bad_july = MonthlyFigures("IT", a.month, 20, 0, 20, 0, bad)  # type: ignore[arg-type]
        assert _problems([bad_july, b]) == [("examined", bad, "IT 2026-07")]
    with pytest.raises(EupactError) as err:
        check_monthly([half, too_many])
    assert [p.rule for p in err.value.problems] == [
        "must be a whole number of persons",
        "is above 1,000,000: not a plausible count",
        "is above 1,000,000: not a plausible count",
    ]


def test_check_monthly_goes_on_after_a_repeated_or_skipped_month() -> None:
    """One state's series: July 10; July again; September (August skipped); October 12 whose
    flows say 10 + 5 - 0 = 15. Three problems, each named; two states' same month are fine."""
    jul, _, sep, _ = months((2026, 7), [(10, 0, 0), (10, 0, 0), (10, 0, 0), (10, 0, 0)])
    octo = MonthlyFigures("IT", dt.date(2026, 10, 1), 12, 0, 5, 0, 0)
    assert _problems([jul, jul, sep, octo]) == [
        ("month", "2026-07", "IT 2026-07"),
        ("month", "2026-09", "IT 2026-09"),
        ("asylum_border + return_border", 12, "IT 2026-10"),
    ]
    check_monthly([jul, *months((2026, 7), [(5, 0, 0)], geo="EL")])


def test_watch_refusals_name_field_and_value() -> None:
    """capacity and maximum whole numbers, 0 or more (Art. 47(1), 46); another state's figures;
    a month before the APR applies (Art. 79(2)); a state not bound (Protocol No 22)."""
    one = months((2026, 7), [(1, 0, 0)])
    for bad in (-1, 1.5, True):
        with pytest.raises(EupactError) as err:
            watch("IT", one, capacity=bad)  # type: ignore[arg-type]
        p = err.value.problems[0]
        assert (p.field, p.value, p.rule) == ("capacity", bad, "must be a whole number, 0 or more")
    for bad in (-1, 1.5, True):
        with pytest.raises(EupactError) as err:
            watch("IT", one, capacity=CAP, maximum=bad)  # type: ignore[arg-type]
        p = err.value.problems[0]
        assert (p.field, p.value, p.rule) == ("maximum", bad, "must be a whole number, 0 or more")
    assert watch("IT", one, capacity=0, maximum=0)[0].maximum_reached  # 0 >= 0
    for bad in (-1, 1.5):  # refused by watch itself, also when the maximum is given
        with pytest.raises(EupactError) as err:
            watch("IT", one, capacity=bad, maximum=10)  # type: ignore[arg-type]
        assert err.value.problems[0].field == "capacity"
    with pytest.raises(EupactError) as err:
        watch("IT", months((2026, 7), [(1, 0, 0)], geo="EL"), capacity=CAP)
    assert (err.value.problems[0].field, err.value.problems[0].value) == ("geo", ["EL"])
    with pytest.raises(EupactError) as err:
        watch("IT", months((2026, 5), [(1, 0, 0)]), capacity=CAP)
    p = err.value.problems[0]
    assert (p.field, p.value, p.location) == ("month", "2026-05", "IT 2026-05")
    with pytest.raises(EupactError) as err:
        watch("DK", months((2026, 7), [(1, 0, 0)], geo="DK"), capacity=CAP)
    p = err.value.problems[0]
    assert (p.field, p.value) == ("geo", "DK") and "Protocol No 22" in p.rule
    with pytest.raises(EupactError) as err:
        watch("UK", months((2026, 7), [(1, 0, 0)], geo="UK"), capacity=CAP)
    assert "EL is Greece" in err.value.problems[0].rule


def test_watch_uses_the_callers_parameters() -> None:
    """A what-if ParameterSet reaches the bound states (recital 107: DK counted as bound here),
    the notification's check and the maximum: multiplier 5 instead of 2 (Art. 47(1)) gives
    5 x 100 = 500 in July 2026."""
    ps = load_parameters().with_values(
        {"border.bound_member_states": ["DK", "IT"], "border.maximum.multiplier": 5}, "a what-if"
    )
    s = watch(
        "DK",
        months((2026, 7), [(100, 0, 0)], geo="DK"),
        capacity=CAP,
        notifications=[notice(dt.date(2026, 7, 1), geo="DK")],
        params=ps,
    )[0]
    assert s.maximum == 500 and s.released_48


def test_maximum_on_1_january_reading_in_the_first_years() -> None:
    """[reading] border.watch.maximum_on=year_start: in 2026 the maximum in force on the day the
    APR applies, 12 June 2026 (x2: 200, Art. 47(1)); in January 2027 the one of 1 January 2027
    (x2: 200), not 'not set'."""
    params = load_parameters().with_readings({"border.watch.maximum_on": "year_start"})
    s = by_month(watch("IT", months((2026, 6), [(1, 0, 0)]), capacity=CAP, params=params))
    assert s["2026-06"].maximum == 200
    s = by_month(watch("IT", months((2027, 1), [(1, 0, 0)]), capacity=CAP, params=params))
    assert s["2027-01"].maximum == 200


def test_notifications_skipped_then_one_in_effect() -> None:
    """Art. 48(1), (4): a notification of the year before and one below the capacity (90 < 100)
    are passed over, the next one counts; one made on 30 July applies from 31 July, the
    month's last day, so July is released; one not informing the others gets the Art. 49(3)
    note."""
    jan = months((2027, 1), [(100, 0, 0)])
    s = watch(
        "IT",
        jan,
        capacity=CAP,
        notifications=[notice(dt.date(2026, 12, 1)), notice(dt.date(2027, 1, 5))],
    )[0]
    assert s.released_48 and s.notified_on == dt.date(2027, 1, 5)
    jul = months((2026, 7), [(100, 0, 0)])
    s = watch(
        "IT",
        jul,
        capacity=CAP,
        notifications=[notice(dt.date(2026, 7, 2), count=90), notice(dt.date(2026, 7, 30))],
    )[0]
    assert s.released_48 and s.notified_on == dt.date(2026, 7, 30)
    assert s.articles == (
        "Art. 48(1) APR",
        "Art. 48(2)-(4) APR",
        "Art. 47(2) APR",
        "Art. 50 APR",
        "Art. 47(3) APR, second sentence",
        "Art. 49(4) APR",
    )
    assert not any("Art. 49(3)" in n for n in s.notes)
    quiet = CapacityNotification("IT", dt.date(2026, 7, 30), 100, "apply", "full")
    s = watch("IT", jul, capacity=CAP, notifications=[quiet])[0]
    assert any("to be informed (Art. 49(3))" in n for n in s.notes)
    s = watch("IT", jul, capacity=CAP)[0]
    assert s.notes == ("the capacity is reached: the state may notify the Commission (Art. 48(1))",)
    assert (s.geo, s.asylum_border, s.return_border, s.examined) == ("IT", 100, 0, 0)


def test_art_50_act_adopted_on_the_last_day_of_a_month() -> None:
    """Art. 50: an act adopted on 31 October releases October (judged at its last day); below
    the maximum the act's note says so; its day and name are shown only while it releases."""
    figures = months((2026, 10), [(10, 5, 7)])
    act = MaximumAuthorisation("IT", "act", dt.date(2026, 10, 31))
    s = watch("IT", figures, capacity=CAP, authorisations=[act])[0]
    assert s.released_50 and s.authorised_by == "act"
    assert s.authorised_on == dt.date(2026, 10, 31)
    assert s.articles == (
        "Art. 48(1) APR",
        "Art. 50 APR",
        "Art. 47(3) APR",
        "Art. 47(3) APR, second sentence",
    )
    # 7 examined < 200 (x2 x 100): the note says the act applies as adopted
    assert any("7 examined this year, below the maximum 200" in n for n in s.notes)
    assert (s.asylum_border, s.return_border, s.examined) == (10, 5, 7)
    reached = watch("IT", months((2026, 10), [(10, 0, 200)]), capacity=CAP, authorisations=[act])
    assert not any("below the maximum" in n for n in reached[0].notes)
    params = load_parameters().with_readings(
        {"border.watch.release_50.period": "as_set_in_the_act"}
    )
    short = MaximumAuthorisation("IT", "act", dt.date(2026, 10, 5), until=dt.date(2026, 10, 31))
    two = months((2026, 10), [(10, 0, 250), (10, 0, 0)])
    s = by_month(watch("IT", two, capacity=CAP, authorisations=[short], params=params))
    assert s["2026-10"].authorised_on == dt.date(2026, 10, 5)
    assert s["2026-11"].authorised_by is None and s["2026-11"].authorised_on is None
    with pytest.raises(EupactError) as err:
        watch(
            "IT",
            two,
            capacity=CAP,
            authorisations=[MaximumAuthorisation("IT", "act 7", dt.date(2026, 10, 5))],
            params=params,
        )
    p = err.value.problems[0]
    assert (p.field, p.value, p.location) == ("until", None, "act 7")
