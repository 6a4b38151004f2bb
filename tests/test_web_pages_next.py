"""Issue 15's next pages and issue 18's What-if page, through the ASGI app on both backends, for
every kind of visitor: the legal calendar (``/calendar``, its .ics files, the links from each
state's page); What if (``/what-if``: a scenario built from the form's knobs against the year as
recorded, on the SYNTHETIC example pledges only); the relocation matching (``/matching``: a
benefitting state's own candidates on the places pledged in the cycle, with the API's rules)."""

from __future__ import annotations

import html as markup
import re
from collections.abc import Iterator

import pytest

from eupact.cycle.ical import calendar_entries

from .test_web import Site, _site
from .test_web import text_of as _text_of

VISITORS = (None, "observer", "DE", "commission")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def pledging(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from _site(request.param, tmp_path_factory.mktemp("webnext"), "pledging")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def implementing(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from _site(request.param, tmp_path_factory.mktemp("webnext"), "implementation")


def text_of(html: str) -> str:
    return markup.unescape(_text_of(html))


def table(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


def body_rows(html: str, table_id: str) -> list[str]:
    return table(html, table_id).split("<tbody>")[1].split("<tr")[1:]


def no_inline_script(html: str) -> bool:
    return not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)


# -- the legal calendar ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", VISITORS)
def test_the_calendar_lists_every_deadline_for_every_visitor(
    implementing: Site, who: str | None
) -> None:
    html = implementing.client(who).get("/calendar").text
    rows = body_rows(html, "calendar-table")
    assert len(rows) == len(calendar_entries(2026))  # every step, the undated one included
    page = text_of(html)
    assert "SYNTHETIC" in page and "Traceback" not in page
    assert 'href="/calendar?year=2026" aria-current="page"' in html  # in the navigation
    report = next(r for r in rows if "European Annual Asylum and Migration Report" in r)
    # the dates the cycle recorded, as the overview's timeline shows them (27 days late)
    assert '<time datetime="2025-10-15">' in report and '<time datetime="2025-11-11">' in report
    assert "done 27 days late" in text_of(report) and "Art. 9(4) AMMR" in report
    assert "the Commission adopts the European Annual" in text_of(report)  # who acts
    timeline = table(implementing.client(who).get("/").text, "timeline-table")
    assert '<time datetime="2025-11-11">' in timeline
    assert no_inline_script(html)


def test_the_calendar_filters_for_a_state_or_an_institution_without_javascript(
    implementing: Site,
) -> None:
    client = implementing.client()
    everything = body_rows(client.get("/calendar").text, "calendar-table")
    for who, expected in (("DE", "member_state"), ("council", "council")):
        html = client.get(f"/calendar?year=2026&for={who}").text
        rows = body_rows(html, "calendar-table")
        assert len(rows) == len(calendar_entries(2026, who)) < len(everything)
        assert f'<option value="{who}" selected>' in html
        assert all(expected in e.step.concerns for e in calendar_entries(2026, who))
    html = client.get("/calendar?for=DE").text
    form = html.split('id="calendar-filters"')[1].split("</form>")[0]
    assert 'method="get"' in html.split('id="calendar-filters"')[0][-80:]
    assert 'name="for"' in form and 'name="year"' in form and 'type="submit"' in form
    assert '<option value="DK"' not in form  # not bound: no calendar to choose
    note = text_of(html)
    assert "Germany is identified" not in note  # DE is not under pressure in the 2026 act
    italy = text_of(client.get("/calendar?for=IT").text)
    assert "IT is identified under migratory pressure" in italy  # Art. 60(3) for its audience


@pytest.mark.parametrize(
    ("asked", "rule"),
    [
        ("DK", "Protocol No 22"),
        ("XX", "a Member State bound by the AMMR"),
        ("x" * 500, "a Member State's code (e.g. DE)"),
    ],
)
def test_a_calendar_for_no_audience_is_a_422_page_naming_the_field(
    implementing: Site, asked: str, rule: str
) -> None:
    for path in (f"/calendar?for={asked}", f"/calendar/2026/{asked}.ics"):
        response = implementing.client().get(path)
        assert response.status_code == 422, path
        assert response.headers["content-type"].startswith("text/html")
        page = text_of(response.text)
        assert "for" in page and rule in page
        assert "x" * 30 not in page  # a long value is cut before it is echoed


@pytest.mark.parametrize("name", ["all", "commission", "council", "coordinator", "DE", "IT"])
def test_ics_files_per_state_and_institution(implementing: Site, name: str) -> None:
    response = implementing.client().get(f"/calendar/2026/{name}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="eupact-calendar-2026-{name}-SYNTHETIC.ics"'
    body = response.content.decode("utf-8")
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.rstrip().endswith("END:VCALENDAR")
    for_ = None if name == "all" else name
    dated = [e for e in calendar_entries(2026, for_) if e.deadline.due is not None]
    assert body.count("BEGIN:VEVENT") == len(dated)
    unfolded = body.replace("\r\n ", "")
    for e in dated:
        assert f"UID:{e.uid}" in unfolded
    if name in ("all", "commission", "council"):  # the report concerns these
        assert "DTSTART;VALUE=DATE:20251015" in unfolded
        assert "Recorded as done on 2025-11-11." in unfolded.replace("\\n", "\n")


def test_a_year_without_a_cycle_shows_the_laws_dates_only(implementing: Site) -> None:
    html = implementing.client().get("/calendar/2027").text
    assert "the law's dates only" in text_of(html)
    rows = body_rows(html, "calendar-table")
    assert rows and all("overdue" not in text_of(r) and "<time datetime" in r for r in rows[:3])
    assert "SYNTHETIC" not in text_of(html.split('id="main"')[1])  # no demo record in it
    ics = implementing.client().get("/calendar/2027/FR.ics")
    assert ics.status_code == 200 and "SYNTHETIC" not in ics.headers["content-disposition"]
    assert implementing.client().get("/calendar?year=2027").text.count("2027") > 2
    assert implementing.client().get("/calendar/2025").status_code == 422
    assert implementing.client().get("/calendar/99999999999999999999").status_code == 422


def test_each_states_page_links_its_calendar(pledging: Site) -> None:
    html = pledging.client().get("/state/DE").text
    links = html.split('id="state-calendar"')[1].split("</p>")[0]
    assert 'href="/calendar/2026/DE.ics"' in links and "this state's calendar (.ics)" in (
        text_of(links).lower()
    )
    assert 'href="/calendar?year=2026&amp;for=DE"' in links
    assert pledging.client().get("/calendar/2026/DE.ics").status_code == 200
    denmark = text_of(pledging.client().get("/state/DK").text)
    assert "no legal calendar is made for it" in denmark


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ("Calendrier réglementaire de la réserve annuelle", "Qui agit", "Concerne")),
        ("de", ("Gesetzlicher Kalender des jährlichen Solidaritätspools", "Wer handelt")),
    ],
)
def test_the_calendar_in_french_and_german(
    implementing: Site, lang: str, words: tuple[str, ...]
) -> None:
    html = implementing.client(lang=lang).get("/calendar?for=commission").text
    page = text_of(html)
    assert all(w in page for w in words), page[:2000]
    assert '<td lang="en">' in html  # who acts: the Regulation's words, in English, said so


def test_the_calendar_uses_the_service_clock(implementing: Site) -> None:
    html = implementing.client().get("/calendar").text
    today = implementing.service.clock().date()
    assert f"as of {today.isoformat()}" in text_of(html)
