"""The crisis pages (/crises, /crises/{id}; CFMR Arts 2-9) through the ASGI app on both backends,
with the demo's SYNTHETIC crisis (``eupact.cycle.crisis_demo``, loaded as ``eupact serve --demo``
loads it, after the 2026 demo cycle in implementation): the list, one crisis's timeline with its
late Commission decision in words, the derogations in force with their articles and dates, the
plan's indicative contributions equal to the service's, the acts recorded, the reasoning
withheld from a visitor and shown to the requesting state, the calendar, 404/422 pages, and the
French and German pages."""

from __future__ import annotations

import datetime as dt
import html as markup
from collections.abc import Iterator
from decimal import Decimal

import pytest
from icalendar import Calendar

from eupact.cycle.crisis_demo import LATE_BY_DAYS, REQUEST_DAYS_AGO, STATE, load_crisis_demo
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service.crisis import Crises
from eupact.cycle.service.crisis_plan import CrisisPlans

from .databases import BACKENDS
from .test_web import Site, _site
from .test_web import text_of as _text_of

OBSERVER = Actor("test:observer", Role.OBSERVER)


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Site, int]]:
    for s in _site(request.param, tmp_path_factory.mktemp("crisis-pages"), "implementation"):
        crisis = load_crisis_demo(s.service, s.tokens)
        assert crisis is not None
        yield s, crisis


def text_of(html: str) -> str:
    return markup.unescape(_text_of(html.split('<main id="main"')[1].split("</main>")[0]))


def test_the_list_shows_the_demo_crisis(site: tuple[Site, int]) -> None:
    s, crisis = site
    html = s.client().get("/crises").text
    page = text_of(html)
    assert f"Crisis {crisis}" in page and "Greece" in page
    assert "SYNTHETIC" in page and "the measures apply" in page
    assert "Measures in force today" in page and "Art. 10, Art. 12" in page
    assert 'href="/crises" aria-current="page"' in html  # in the navigation, for everyone


def test_one_crisis_with_its_timeline_derogations_and_plan(site: tuple[Site, int]) -> None:
    s, crisis = site
    html = s.client().get(f"/crises/{crisis}").text
    page = text_of(html)
    read = Crises(s.service.ctx).get(OBSERVER, crisis)
    requested = s.service.clock().date() - dt.timedelta(days=REQUEST_DAYS_AGO)
    due = requested + dt.timedelta(weeks=2)  # Art. 3(8): two weeks (the same weekday)
    row = html.split('id="due-commission_decision"')[1].split("</tr>")[0]
    assert due.isoformat() in row and "done late" in row
    assert (due + dt.timedelta(days=LATE_BY_DAYS)).isoformat() in row  # recorded on
    assert "late_commission_decision" in page and "still valid" in page
    (m,) = read.state.measures_on(read.state.as_of)
    for article in ("Art. 10 CFMR", "Art. 12 CFMR"):
        assert article in page
    assert m.applies_from.isoformat() in page and m.applies_until.isoformat() in page
    plan = CrisisPlans(s.service.ctx).plan(OBSERVER, crisis)["computed"]
    shares = html.split('id="crisis-shares"')[1].split("</table>")[0]
    assert shares.count("<tr>") == 1 + len(plan["indicative_contributions"])  # head + states
    assert STATE not in plan["indicative_contributions"]
    de = plan["indicative_contributions"]["DE"]["relocations"]
    assert f"{de:,}" in markup.unescape(_text_of(shares))
    needs = Decimal(plan["needs"]["financial"])  # money in the language's notation, cents shown
    assert f"{needs:,.2f}" in page and f">{plan['needs']['financial']}<" not in html
    acts = html.split('id="crisis-acts"')[1].split("</ol>")[0]
    assert acts.count("<li>") == read.version
    assert "read by the institutions and the requesting state only" in page  # a visitor
    assert "withheld" not in page  # the reasoning itself is not on the page at all
    own = text_of(s.client(STATE).get(f"/crises/{crisis}").text)
    assert "requesting state only" not in own


def test_the_calendar_and_refusals(site: tuple[Site, int]) -> None:
    s, crisis = site
    client = s.client()
    ics = client.get(f"/crises/{crisis}/calendar.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    uids = {str(e["UID"]) for e in Calendar.from_ical(ics.content).walk("VEVENT")}
    assert f"crisis-{crisis}-commission_decision@eupact" in uids
    for path, status in (("/crises/9999", 404), ("/crises/0", 422), ("/crises/x", 422)):
        r = client.get(path)
        assert r.status_code == status and "text/html" in r.headers["content-type"], path
        assert "Traceback" not in r.text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ("Crises et force majeure", "Grèce", "les mesures s’appliquent", "fait en retard")),
        ("de", ("Krisen und höhere Gewalt", "Griechenland", "die Maßnahmen gelten", "verspätet")),
    ],
)
def test_french_and_german(site: tuple[Site, int], lang: str, words: tuple[str, ...]) -> None:
    s, crisis = site
    client = s.client(lang=lang)
    page = text_of(client.get("/crises").text) + text_of(client.get(f"/crises/{crisis}").text)
    for w in words:
        assert w in page, (lang, w)
    for english in ("Every crisis", "Derogations in force", "Timeline: what is due"):
        assert english not in page
