"""The obligations register (issue 19): every entry cites an article that exists in its act's
Official Journal text with the subject the entry claims (the drift test), is dated and cited, and
is named once; the register covers the nine acts with at least 120 obligations; ``due_dates``
on golden cases."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from eupact.errors import EupactError
from eupact.register import ACTS, Addressee, Block, Kind, Obligation, load_register
from eupact.register.extract import law_folder, load_articles
from eupact.register.model import check_value

try:
    LAW: Path | None = law_folder()
except EupactError:
    LAW = None
needs_law = pytest.mark.skipif(LAW is None, reason="the acts' texts (../shared/law) are absent")

REGISTER = load_register()


@needs_law
@pytest.mark.parametrize("o", REGISTER, ids=[o.id for o in REGISTER])
def test_article_exists_and_its_subject_has_not_drifted(o: Obligation) -> None:
    assert LAW is not None
    articles = load_articles(o.act, LAW)
    assert o.article in articles, f"{o.cite()}: no Article {o.article} in {o.act}.json"
    assert o.subject == articles[o.article]["subject"], f"{o.cite()}: subject drifted"
    if o.paragraph:
        text = articles[o.article]["content"]
        assert f"\n{o.paragraph}. " in text or text.startswith(f"{o.paragraph}. "), (
            f"{o.cite()}: no paragraph {o.paragraph}"
        )


@pytest.mark.parametrize("o", REGISTER, ids=[o.id for o in REGISTER])
def test_every_entry_is_dated_and_cited(o: Obligation) -> None:
    assert o.act in ACTS
    assert o.id.startswith(f"register.{o.act}.{o.article}.")
    assert o.article.strip() and o.cite().startswith(ACTS[o.act][1])
    assert isinstance(o.since, dt.date)
    assert o.duty and o.subject
    assert isinstance(o.block, Block) and isinstance(o.addressee, Addressee)
    value = {Kind.DATE: o.due, Kind.RECURRING: o.recurrence, Kind.TIME_LIMIT: o.period}[o.kind]
    assert check_value(o.kind, value) == ""
    if o.kind is Kind.TIME_LIMIT:
        assert o.after


def test_ids_are_unique() -> None:
    twice = [i for i, n in Counter(o.id for o in REGISTER).items() if n > 1]
    assert not twice


def test_at_least_120_obligations_over_all_nine_acts() -> None:
    assert len(REGISTER) >= 120
    assert {o.act for o in REGISTER} == set(ACTS)


def _ob(kind: Kind, *, due: dt.date | None = None, recurrence: str = "") -> Obligation:
    return Obligation(
        id="register.ammr.9.golden",
        act="ammr",
        article="9",
        paragraph="1",
        subject="The European Annual Asylum and Migration Report",
        block=Block.SOLIDARITY,
        addressee=Addressee.COMMISSION,
        duty="adopt the report",
        kind=kind,
        due=due,
        recurrence=recurrence,
        period="2 weeks" if kind is Kind.TIME_LIMIT else "",
        after="an event" if kind is Kind.TIME_LIMIT else "",
        note="",
        since=dt.date(2024, 6, 11),
    )


D = dt.date


@pytest.mark.parametrize(
    ("recurrence", "start", "end", "expected"),
    [
        (
            "yearly 10-15",
            D(2025, 1, 1),
            D(2027, 12, 31),
            [D(2025, 10, 15), D(2026, 10, 15), D(2027, 10, 15)],
        ),
        ("yearly 10-15", D(2025, 10, 16), D(2027, 10, 14), [D(2026, 10, 15)]),
        ("yearly 10-15", D(2025, 10, 15), D(2025, 10, 15), [D(2025, 10, 15)]),
        ("yearly 10-15", D(2020, 1, 1), D(2024, 12, 31), [D(2024, 10, 15)]),  # from since on
        (
            "every 3 years 2027-06-12",
            D(2024, 1, 1),
            D(2036, 12, 31),
            [D(2027, 6, 12), D(2030, 6, 12), D(2033, 6, 12), D(2036, 6, 12)],
        ),
        ("every 3 years 2027-06-12", D(2027, 6, 13), D(2030, 6, 11), []),
        ("every 5 years 2025-12-12", D(2026, 1, 1), D(2031, 1, 1), [D(2030, 12, 12)]),
    ],
)
def test_due_dates_recurring(
    recurrence: str, start: dt.date, end: dt.date, expected: list[dt.date]
) -> None:
    assert _ob(Kind.RECURRING, recurrence=recurrence).due_dates(start, end) == expected


def test_due_dates_date_and_time_limit() -> None:
    ob = _ob(Kind.DATE, due=D(2026, 6, 12))
    assert ob.due_dates(D(2026, 1, 1), D(2026, 12, 31)) == [D(2026, 6, 12)]
    assert ob.due_dates(D(2026, 6, 13), D(2026, 12, 31)) == []
    assert _ob(Kind.TIME_LIMIT).due_dates(D(2024, 1, 1), D(2030, 1, 1)) == []
