"""The Dublin units' pages (issue 16 item 5) through the ASGI app on both backends, with the demo's
SYNTHETIC cases (``eupact.cycle.dublin_demo``): the case list (``/dublin``: the cases a unit holds
or that concern it, the next time limit with its weekday, the time limits missed in words with
what follows, sorted by the next last day or by reference, the overdue filter), one case's
determination (``/dublin/{ref}``: the chain of articles in order, every time limit, flags and
readings, Art. 63(8)), a 404 for a state the case does not concern, the open time limits as
iCalendar, sign-in and roles, and the French and German pages without English left over."""

from __future__ import annotations

import datetime as dt
import html as markup
import re
from collections.abc import Iterator

import pytest
from babel.dates import format_date
from babel.messages.pofile import read_po
from icalendar import Calendar

from eupact.api.app import create_app
from eupact.cycle.demo import load_demo
from eupact.cycle.dublin_demo import load_dublin_demo
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.service.crisis import Crises
from eupact.cycle.service.dublin import DublinCases
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.responsibility import Decision, Status
from eupact.responsibility.decision import CrisisChange, Suspension
from eupact.web import dublin_text, i18n

from .databases import BACKENDS, fresh_database
from .dublin_support import visa_case
from .test_web import Site, _site
from .test_web import text_of as _text_of

DE_SEES = ("SYN-DEMO-DE-001", "SYN-DEMO-SE-007")  # held by DE; SE's request to DE
NOT_DE = ("SYN-DEMO-NL-002", "SYN-DEMO-AT-003", "SYN-DEMO-BE-005", "SYN-DEMO-IT-006")


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    for s in _site(request.param, tmp_path_factory.mktemp("dublin"), "pledging"):
        made = load_dublin_demo(s.service, s.tokens)
        assert len(made) == 7 and all(ref.startswith("SYN-") for ref in made)
        yield s


def text_of(html: str) -> str:
    return markup.unescape(_text_of(html))


def main_of(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


def rows_of(html: str) -> list[str]:
    body = html.split('id="dublin-table"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return body.split("<tr")[1:]


def decision(site: Site, who: str, ref: str) -> Decision:
    actor = site.service.authenticate(site.tokens[who])
    return DublinCases(site.service.ctx).get(actor, ref).decision


def weekday(day: dt.date, lang: str = "en") -> str:
    return format_date(day, "EEEE", locale=lang)


# -- the list ----------------------------------------------------------------------------------


def test_the_list_shows_a_unit_its_cases_with_the_next_time_limit(site: Site) -> None:
    html = site.client("DE").get("/dublin").text
    rows = rows_of(html)
    refs = [re.search(r'href="/dublin/([^"]+)"', r).group(1) for r in rows]  # type: ignore[union-attr]
    assert sorted(refs) == sorted(DE_SEES)  # held by DE, or a request DE received
    assert not any(ref in html for ref in NOT_DE)
    page = text_of(main_of(html))
    assert "Dublin cases of Germany" in page
    assert page.count("SYNTHETIC") >= 1 + len(rows)  # the note, and beside each case
    for ref, row in zip(refs, rows, strict=True):
        d = decision(site, "DE", ref)
        nxt = d.next_deadline()
        assert nxt is not None
        words = text_of(row)
        assert f"{nxt.due.isoformat()} ({weekday(nxt.due)})" in words  # the last day's weekday
        assert f'data-sort="{nxt.due.isoformat()}"' in row  # sortable by the last day
        assert f"basis: Art. {d.basis}" in words
        assert f"acts: {i18n.state_name(nxt.acting_state, 'en')}" in words
    assert 'href="/dublin" aria-current="page"' in html  # in the navigation, signed in
    assert 'href="/dublin/deadlines.ics"' in html


def test_missed_time_limits_are_said_in_words_with_what_follows(site: Site) -> None:
    html = site.client("NL").get("/dublin").text
    (row,) = rows_of(html)
    words = text_of(row)
    d = decision(site, "NL", "SYN-DEMO-NL-002")
    (missed,) = d.overdue()
    assert missed.status is Status.MISSED and d.responsible_state == "NL" and d.basis == "39(1)"
    assert "missed" in words  # a word, not only a colour
    assert 'class="badge late">missed<' in row
    assert "send the take charge request to France" in words
    assert f"last day: {missed.due.isoformat()} ({weekday(missed.due)})" in words
    assert "What follows: Netherlands, where the application was registered, becomes" in words
    assert "no time limit open" in words
    # FR's unanswered request: accepted by silence (Art. 40(8)), the transfer still to come
    fr = text_of(rows_of(site.client("FR").get("/dublin").text)[0])
    assert "reply to the take charge request" in fr and "silence is acceptance" in fr
    assert "transfer to Italy" in fr


def test_the_overdue_filter_and_the_orders(site: Site) -> None:
    everything = rows_of(site.client("commission").get("/dublin").text)
    assert len(everything) == 7  # the Commission follows every case (read only)
    overdue = site.client("commission").get("/dublin?overdue=1").text
    refs = sorted(re.findall(r'<tr id="case-([^"]+)"', overdue))
    assert refs == ["SYN-DEMO-FR-004", "SYN-DEMO-NL-002"]
    assert 'id="dublin-overdue" name="overdue" value="1" checked' in overdue
    none = site.client("DE").get("/dublin?overdue=1").text
    assert "No case has a time limit missed." in text_of(none)
    # by the next last day, earliest first; cases without an open time limit last
    dues = [re.findall(r'<td data-sort="(\d{4}-\d{2}-\d{2})">', r)[0] for r in everything]
    assert dues == sorted(dues) and dues[-1] == "9999-12-31"
    by_ref = site.client("commission").get("/dublin?sort=ref").text
    refs = re.findall(r'<tr id="case-([^"]+)"', by_ref)
    assert refs == sorted(refs)
    assert '<option value="ref" selected>' in by_ref
    # an unknown order is the default one, never an error
    assert site.client("commission").get("/dublin?sort=%3Cx%3E").status_code == 200


# -- one case ----------------------------------------------------------------------------------


def test_the_case_page_shows_the_determination_article_by_article(site: Site) -> None:
    ref = "SYN-DEMO-AT-003"
    for who in ("AT", "IT", "commission"):  # the holder, the requested state, an institution
        response = site.client(who).get(f"/dublin/{ref}")
        assert response.status_code == 200, who
    html = site.client("AT").get(f"/dublin/{ref}").text
    d = decision(site, "AT", ref)
    page = text_of(main_of(html))
    assert f"Dublin case {ref}" in page and "SYNTHETIC" in page
    responsible = html.split('id="case-responsible">')[1].split("</p>")[0]
    assert text_of(responsible).strip() == "Italy IT"
    assert f"basis: Art. {d.basis}" in page
    assert "take charge request (Arts. 39, 40)" in page
    chain = html.split('id="case-chain"')[1].split("</ol>")[0]
    assert re.findall(r"<strong>Art\. ([^<]+)</strong>", chain) == [s.article for s in d.chain]
    table = html.split('id="case-deadlines"')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("<tr")[1:]
    assert [re.search(r"<th scope=\"row\">(T\d+)</th>", r).group(1) for r in rows] == [  # type: ignore[union-attr]
        x.id for x in d.deadlines
    ]
    for x, row in zip(d.deadlines, rows, strict=True):
        words = text_of(row)
        assert f"Art. {x.article}" in words and x.period in words
        assert f"{x.due.isoformat()} ({weekday(x.due)})" in words
        assert x.status.value in words  # the status as a word
        assert x.start.isoformat() in words
        assert f"official holidays of {i18n.state_name(x.acting_state, 'en')}" in words
        for skipped in x.skipped:
            assert skipped.split(" ")[0] in words
    for needed in ("Time limit", "Who acts", "Calendar used", "Period", "If missed"):
        assert needed in table
    assert "Days moved past, and why" in table
    offsets = text_of(html.split('id="offsets-h"')[1].split("</section>")[0])
    assert ("eligible" if d.offsets_eligible else "not eligible") in offsets
    for f in d.flags:
        assert f.code in page
    for parameter, value in d.readings:
        assert f"<code>{parameter}</code></th><td><code>{value}</code>" in html


def test_a_case_that_cannot_be_an_offset_says_why(site: Site) -> None:
    html = site.client("NL").get("/dublin/SYN-DEMO-NL-002").text
    reasons = text_of(html.split('id="case-offsets-reasons"')[1].split("</ul>")[0])
    assert "not eligible" in text_of(html)
    assert "responsible under Art. 39(1), not under Arts. 29 to 33 (Art. 63(8)(b))" in reasons
    assert "the time limit T6 (Art. 39(1)) expired on" in reasons


def test_a_state_the_case_does_not_concern_gets_404_as_for_no_case(site: Site) -> None:
    for ref in NOT_DE:
        response = site.client("DE").get(f"/dublin/{ref}")
        assert response.status_code == 404, ref
        assert response.headers["content-type"].startswith("text/html")
        assert "Not found" in response.text and "Traceback" not in response.text
    absent = site.client("DE").get("/dublin/SYN-NO-SUCH-CASE")
    assert absent.status_code == 404
    assert text_of(main_of(absent.text)) == text_of(
        main_of(site.client("DE").get("/dublin/SYN-DEMO-NL-002").text)
    ).replace("SYN-DEMO-NL-002", "SYN-NO-SUCH-CASE")
    assert site.client("DE").get("/dublin/%3Cscript%3E").status_code == 422


def test_sign_in_first_and_the_council_has_no_part(site: Site) -> None:
    for path in ("/dublin", "/dublin/SYN-DEMO-DE-001"):
        response = site.client().get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/signin?next=/dublin"
    assert site.client().get("/dublin/deadlines.ics").status_code == 403
    assert 'href="/dublin"' not in site.client().get("/").text  # not in a visitor's navigation
    council = site.client("council")
    assert council.get("/dublin").status_code == 403
    assert 'href="/dublin"' not in council.get("/").text
    assert 'href="/dublin"' in site.client("DE").get("/").text


# -- the calendar file -------------------------------------------------------------------------


def test_the_open_time_limits_as_icalendar(site: Site) -> None:
    response = site.client("DE").get("/dublin/deadlines.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert 'filename="eupact-dublin-DE-SYNTHETIC.ics"' in response.headers["content-disposition"]
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    expected = sorted(
        (ref, x.id, x.due)
        for ref in DE_SEES
        for x in decision(site, "DE", ref).deadlines
        if x.status is Status.OPEN and x.acting_state == "DE"
    )
    got = sorted(
        (str(e["summary"]).split(":")[0], str(e["uid"]).split("-")[-4], e["dtstart"].dt)
        for e in events
    )
    assert [(r, d) for r, _, d in got] == [(r, d) for r, _, d in expected]
    assert all(str(e["uid"]).endswith("@eupact") for e in events)
    assert len({str(e["uid"]) for e in events}) == len(events)
    everyone = Calendar.from_ical(site.client("commission").get("/dublin/deadlines.ics").content)
    assert len(everyone.walk("VEVENT")) > len(events)


# -- languages ---------------------------------------------------------------------------------


def _dublin_messages() -> list[str]:
    """The messages of the Dublin pages (their templates and modules), from the template."""
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as handle:
        catalog = read_po(handle)
    return [
        str(m.id)
        for m in catalog
        if m.id
        and any("dublin" in path or path == "templates/base.html" for path, _ in m.locations)
    ]


def _without_english(html: str) -> str:
    """The page without what it marks as English (the engine's reasoning, holiday names)."""
    html = re.sub(r'<span lang="en">.*?</span>', " ", html, flags=re.S)
    return text_of(re.sub(r'<(td|ul|li) lang="en">.*?</\1>', " ", html, flags=re.S))


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_french_and_german_pages_leave_no_english_behind(site: Site, lang: str) -> None:
    messages = _dublin_messages()
    assert "Dublin cases" in messages and "Next time limit" in messages
    gettext = i18n.translations(lang).gettext
    pages = [
        ("NL", "/dublin"),
        ("commission", "/dublin"),
        ("AT", "/dublin/SYN-DEMO-AT-003"),
        ("FR", "/dublin/SYN-DEMO-FR-004"),
        ("NL", "/dublin/SYN-DEMO-NL-002"),
        ("BE", "/dublin/SYN-DEMO-BE-005"),
    ]
    for who, path in pages:
        response = site.client(who, lang).get(path)
        assert response.status_code == 200
        assert response.headers["content-language"] == lang
        shown = _without_english(main_of(response.text))
        for message in messages:
            literal = max(re.split(r"%\(\w+\)s", message), key=len).strip(" .:;,()")
            if len(literal) < 8 or gettext(message) == message:
                continue
            assert literal not in shown, (lang, path, message)
    # the check bites: in English, the same messages are found on the same pages
    english = " ".join(_without_english(main_of(site.client(w).get(p).text)) for w, p in pages)
    found = [m for m in messages if len(m) >= 8 and "%(" not in m and m in english]
    assert len(found) > 40
    fr_or_de = {"fr": "Prochaine échéance", "de": "Nächste Frist"}[lang]
    assert fr_or_de in text_of(site.client("AT", lang).get("/dublin/SYN-DEMO-AT-003").text)


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_the_engine_words_of_each_time_limit_are_translated(lang: str) -> None:
    said = {
        "send the take charge request to EL": {"fr": "Grèce", "de": "Griechenland"},
        "reply to the take charge request": {"fr": "réponse", "de": "Antwort"},
        "silence is confirmation (41(4))": {"fr": "confirmation", "de": "Bestätigung"},
        "FR becomes responsible (46(2), 37(1))": {"fr": "France", "de": "Frankreich"},
        "2 weeks": {"fr": "2 semaines", "de": "2 Wochen"},
        "1 month": {"fr": "1 mois", "de": "1 Monat"},
        "request received": {"fr": "réception", "de": "Eingang"},
        "an unaccompanied minor (63(8)(a))": {"fr": "mineur", "de": "Minderjähriger"},
    }
    for english, words in said.items():
        shown = str(dublin_text.shown(english, lang))
        assert words[lang] in markup.unescape(shown) and 'lang="en"' not in shown, english
    unknown = str(dublin_text.shown("something the engine says one day", lang))
    assert unknown == '<span lang="en">something the engine says one day</span>'
    christmas = markup.unescape(str(dublin_text.skipped("2026-12-25 Christmas Day in IT", lang)))
    assert '<span lang="en">Christmas Day</span>' in christmas
    assert weekday(dt.date(2026, 12, 25), lang) in christmas
    assert {"fr": "Italie", "de": "Italien"}[lang] in christmas


# -- under a Council implementing decision (CFMR Art. 12) ----------------------------------------


class _Clock:
    """The service's clock, moved by the test (the acts are recorded on their own days)."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 9, 1, 9, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def to(self, day: dt.date) -> None:
        self.now = dt.datetime.combine(day, dt.time(9), dt.UTC)


class _ClockedSite(Site):
    def __init__(self, url: str, clock: _Clock) -> None:  # as Site, on the test's clock
        upgrade(url)
        self.engine = make_engine(url)
        self.service = CycleService(sessions(self.engine), clock=clock)
        self.tokens = load_demo(self.service, 2026, "pledging")
        self.app = create_app(self.service)
        self.forms = {}


def _member(geo: str) -> Actor:
    return Actor(f"test:{geo}", Role.MEMBER_STATE, geo)


D = dt.date
IN_CRISIS = ("SYN-CRISIS-EL-1", "SYN-CRISIS-DE-2")  # EL acts; DE transfers to EL
UNTOUCHED = "SYN-CRISIS-DE-3"  # DE asks FR: no decision concerns it


@pytest.fixture(scope="module", params=BACKENDS)
def crisis_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Site, str]]:
    """EL's crisis of mass arrivals (Art. 1(4)(a) CFMR) decided through the service, Art. 12
    authorised: request Tue 1 Sep 2026, the Commission's decision and proposal Wed 2 Sep, the
    Council's decision Fri 4 Sep applying from Sat 5 Sep for three months, to Fri 4 Dec 2026
    (Art. 5(1) CFMR; [reading] crisis.period_months); three SYNTHETIC cases; seen on Tue 20 Oct
    2026. The site and the Council decision's reference."""
    clock = _Clock()
    with fresh_database(str(request.param), tmp_path_factory.mktemp("dublin-crisis")) as url:
        s = _ClockedSite(url, clock)
        try:
            crises = Crises(s.service.ctx)
            commission = Actor("test:commission", Role.COMMISSION)
            council = Actor("test:council", Role.COUNCIL)
            body = {"situation": "mass_arrivals", "description": "SYNTHETIC", "derogations": ["12"]}
            c = crises.open(_member("EL"), body, D(2026, 9, 1)).crisis_id
            clock.to(D(2026, 9, 2))
            decided = {"established": True, "situation": "mass_arrivals"}
            crises.record(commission, c, "commission_decision", decided, D(2026, 9, 2))
            crises.record(commission, c, "proposal", {"derogations": ["12"]}, D(2026, 9, 2))
            clock.to(D(2026, 9, 4))
            adopted = {"applies_from": "2026-09-05", "derogations": ["12"]}
            crises.record(council, c, "council_decision", adopted, D(2026, 9, 4))
            (m,) = crises.measures()
            assert (m.applies_from, m.applies_until) == (D(2026, 9, 5), D(2026, 12, 4))
            cases = DublinCases(s.service.ctx)
            clock.to(D(2026, 9, 16))
            de2 = {
                "case_id": "SYN-CRISIS-DE-2",
                "applicant": {"date_of_birth": "1990-03-04"},
                "applications": [{"state": "DE", "made_on": "2026-09-12", "registered_on": "2026-09-14"}],
                "entries": [{"date": "2026-09-01", "state": "EL", "kind": "irregular_crossing"}],
            }  # fmt: skip
            cases.create(_member("DE"), de2)  # 33(1): EL responsible
            sent = cases.send(
                _member("DE"), "SYN-CRISIS-DE-2", "take_charge", "EL", article="33(1)"
            )
            clock.to(D(2026, 9, 30))
            cases.reply(_member("EL"), "SYN-CRISIS-DE-2", sent.id, "accept")
            clock.to(D(2026, 10, 20))
            cases.create(_member("EL"), visa_case("SYN-CRISIS-EL-1", "EL", "DE", D(2026, 10, 12)))
            cases.create(_member("DE"), visa_case(UNTOUCHED, "DE", "FR", D(2026, 10, 12)))
            yield s, m.decision
        finally:
            s.engine.dispose()


def _crisis_rows(html: str) -> dict[str, str]:
    table = html.split('id="case-crisis-deadlines"')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("<tr")[1:]
    return {re.search(r'<th scope="row">(T\d+)</th>', r).group(1): text_of(r) for r in rows}  # type: ignore[union-attr]


def test_a_time_limit_a_crisis_decision_changed_says_what_it_replaced(
    crisis_site: tuple[Site, str],
) -> None:
    """Art. 12(2)(a) CFMR: EL registers Mon 12 Oct 2026, inside its decision's period: its take
    charge request to DE (visa, 29(2)) is due 4 months later, Fri 12 Feb 2027, instead of 2
    months (39(1) AMMR: Sat 12 Dec 2026, moved to Mon 14 Dec, 75(d))."""
    s, decision = crisis_site
    html = s.client("EL").get("/dublin/SYN-CRISIS-EL-1").text
    rows = _crisis_rows(html)
    assert list(rows) == ["T6"]
    for said in (
        "send the take charge request to Germany",
        "Art. 12(2)(a) CFMR",
        decision,
        "Greece EL",
        "4 months",
        "2027-02-12 (Friday)",  # the last day now
        "2 months (Art. 39(1) AMMR)",  # the limit it replaced ...
        "2026-12-14 (Monday)",  # ... and the day that limit would have ended
    ):
        assert said in rows["T6"], (said, rows["T6"])
    main = html.split('id="case-deadlines"')[1].split("</table>")[0]
    t6 = text_of(main.split('id="deadline-T6-2026-10-12"')[1].split("</tr>")[0])
    assert "changed by a crisis decision (Art. 12 CFMR)" in t6  # in words, linked to the row
    assert 'href="#crisis-T6-2026-10-12"' in main and 'id="crisis-T6-2026-10-12"' in html
    assert (
        "Greece, where the application was registered, becomes responsible (Art. 12(3) CFMR)" in t6
    )
    assert "transfers suspended" not in text_of(html).lower()  # no transfer to EL in this case
    listed = text_of(rows_of(s.client("EL").get("/dublin").text)[0])
    assert "SYN-CRISIS-EL-1" in listed and "2027-02-12 (Friday)" in listed
    assert "T6, Art. 12(2)(a) CFMR · changed by a crisis decision (Art. 12 CFMR)" in listed


def test_transfers_to_the_state_in_crisis_are_suspended_and_the_year_shown(
    crisis_site: tuple[Site, str],
) -> None:
    """DE registers Mon 14 Sep 2026 and asks EL Wed 16 Sep; EL accepts Wed 30 Sep. EL's reply
    (12(2)(b) CFMR): 2 months from receipt, Mon 16 Nov, not 1 month (40(1) AMMR: Fri 16 Oct).
    The transfer to EL (12(4) CFMR): suspended from the acceptance, Wed 30 Sep, to the period's
    last day, Fri 4 Dec 2026 (no end recorded: transfers resume the next day); one year from the
    acceptance, Thu 30 Sep 2027, not 6 months (46(1) AMMR: Tue 30 Mar 2027)."""
    s, decision = crisis_site
    assert s.client("EL").get("/dublin/SYN-CRISIS-DE-2").status_code == 200  # the requested state
    html = s.client("DE").get("/dublin/SYN-CRISIS-DE-2").text
    rows = _crisis_rows(html)
    assert list(rows) == ["T11", "T24"]
    assert "Art. 12(2)(b) CFMR" in rows["T11"] and "2026-11-16 (Monday)" in rows["T11"]
    assert "1 month (Art. 40(1) AMMR)" in rows["T11"] and "2026-10-16 (Friday)" in rows["T11"]
    for said in ("transfer to Greece", "Art. 12(4) CFMR", decision, "1 year", "2027-09-30 (Thursday)",
                 "6 months (Art. 46(1) AMMR)", "2027-03-30 (Tuesday)"):  # fmt: skip
        assert said in rows["T24"], (said, rows["T24"])
    suspended = text_of(html.split('id="case-crisis-suspended"')[1].split("</ul>")[0])
    assert (
        "Transfers to Greece are suspended from 2026-09-30 (Wednesday) to 2026-12-04 (Friday) "
        f"under {decision} , unless it agrees to receive the person for individual reasons."
    ) in suspended
    assert "Transfers suspended (Art. 12(4) CFMR)" in text_of(html)
    assert "within one year of the acceptance" in text_of(html)  # what follows after the year
    t24 = text_of(html.split('id="deadline-T24-2026-09-30"')[1].split("</tr>")[0])
    assert "Germany becomes responsible (Art. 12(4) CFMR, Art. 37(1))" in t24
    # a case no decision concerns: the AMMR's limit, no crisis section
    plain = s.client("DE").get(f"/dublin/{UNTOUCHED}").text
    assert 'id="case-crisis"' not in plain and "crisis decision" not in plain
    assert "Art. 39(1)" in text_of(plain.split('id="case-deadlines"')[1].split("</table>")[0])


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_the_crisis_section_in_french_and_german(crisis_site: tuple[Site, str], lang: str) -> None:
    s, decision = crisis_site
    gettext = i18n.translations(lang).gettext
    messages = _dublin_messages()
    assert "Time limits changed by a crisis decision (CFMR)" in messages
    for who, ref in (("EL", "SYN-CRISIS-EL-1"), ("DE", "SYN-CRISIS-DE-2")):
        html = s.client(who, lang).get(f"/dublin/{ref}").text
        shown = _without_english(main_of(html))
        for message in messages:
            literal = max(re.split(r"%\(\w+\)s", message), key=len).strip(" .:;,()")
            if len(literal) < 8 or gettext(message) == message:
                continue
            assert literal not in shown, (lang, ref, message)
        assert decision not in shown  # the decision's reference is marked English ...
        assert f'<span lang="en">{decision}</span>' in html  # ... and shown
    words = {
        "fr": ("Échéances modifiées par une décision de crise", "Transferts suspendus", "Grèce"),
        "de": ("Durch einen Krisenbeschluss geänderte Fristen", "Überstellungen ausgesetzt",
               "Griechenland"),
    }[lang]  # fmt: skip
    page = text_of(html)
    assert all(w in page for w in words), (words, page)


IT_YEAR = CrisisChange(
    cfmr_article="12(4)",
    decision="Council Implementing Decision (EU) 2026/9001 (SYNTHETIC)",
    state="IT",
    period="1 year",
    replaced_article="46(1)",
    replaced_period="6 months",
    ammr_due=D(2027, 4, 1),
)


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_a_crisis_change_in_parts_from_the_engines_data(lang: str) -> None:
    """Art. 12(4) CFMR: the transfer to IT (in crisis) within 1 year of the acceptance, not 6
    months (46(1) AMMR, which would have ended Thu 1 Apr 2027): the page's parts are the data's
    fields, the periods in the page's language, the decision's reference marked English."""
    parts = dublin_text.derogation(IT_YEAR, lang)
    assert parts is not None
    assert (parts["article"], parts["state"], parts["normal_article"]) == (
        "12(4) CFMR",
        "IT",
        "46(1)",
    )
    assert str(parts["decision"]) == (
        '<span lang="en">Council Implementing Decision (EU) 2026/9001 (SYNTHETIC)</span>'
    )
    assert 'datetime="2027-04-01"' in str(parts["normal_due"])
    assert {"en": "6 months", "fr": "6 mois", "de": "6 Monate"}[lang] in str(parts["normal_period"])
    assert {"en": "1 year", "fr": "1 an", "de": "1 Jahr"}[lang] in str(parts["period"])
    assert dublin_text.derogation(None, lang) is None
    for said in (
        "IT, where the application was registered, becomes responsible (12(3) CFMR)",
        "DE becomes responsible (12(4) CFMR, 37(1))",
        "silence is confirmation (41(4)); 12(3) CFMR does not name point (c)",
        "silence is acceptance, including the duty to arrange the arrival (40(8)); "
        "responsibility lies with it (12(3) CFMR)",
    ):
        assert "lang=" not in str(dublin_text.shown(said, lang)), said


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_suspension_in_parts_from_the_engines_data(lang: str) -> None:
    """Art. 12(4) CFMR: transfers to EL suspended from Wed 30 Sep 2026; resuming Sat 5 Dec
    2026, the last day suspended is Fri 4 Dec; with no end recorded, no last day."""
    known = Suspension(
        "EL", "mass_arrivals", "CID 2026/1 (SYNTHETIC)", D(2026, 9, 30), D(2026, 12, 5)
    )
    parts = dublin_text.suspension(known, lang)
    assert parts["state"] == "EL"
    assert 'datetime="2026-09-30"' in str(parts["begins"])
    assert 'datetime="2026-12-04"' in str(parts["until"])
    assert str(parts["decision"]) == '<span lang="en">CID 2026/1 (SYNTHETIC)</span>'
    open_ended = Suspension("EL", "mass_arrivals", "CID 2026/1", D(2026, 9, 30), None)
    assert dublin_text.suspension(open_ended, lang)["until"] is None
