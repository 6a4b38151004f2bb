"""The implementation plan's pages (issue 19 item 3) through the ASGI app on both backends: the
ten building blocks, the state × block matrix (its counts are the service's, late marked with a
symbol and a word, each cell's articles in a tooltip its link points to), a block's obligations
with each state's status, the milestones 2024–2028 by year and quarter, a state's checklist, the
register and a checklist as CSV (inert cells) and XLSX, a state's upcoming duties as iCalendar,
an unknown block or state answered 404 in words, and the pages in French and German."""

from __future__ import annotations

import csv
import datetime as dt
import html as markup
import io
import re
from collections.abc import Iterator

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from eupact.register import Addressee, Block, Kind, load_register
from eupact.web import plan_data
from eupact.web.plan_pages import progress_reader

from .databases import BACKENDS
from .test_web import Site, _site
from .test_web import text_of as _text_of

service_register = pytest.importorskip("eupact.cycle.service.register")

LANGS = ("en", "fr", "de")
HEADINGS = {
    "/plan": {"en": "implementation plan", "fr": "plan de mise en œuvre", "de": "Umsetzungsplan"},
    "/plan/block/7": {
        "en": "Block 7: Solidarity",
        "fr": "Volet 7 : Solidarité",
        "de": "Baustein 7",
    },
    "/plan/timeline": {"en": "Milestones 2024–2028", "fr": "Échéances", "de": "Fristen"},
    "/plan/state/DE": {"en": "Checklist of Germany", "fr": "Allemagne", "de": "Deutschland"},
}
FORMULA = '=HYPERLINK("https://example.org";"x")'


def ms_obligations(act: str | None = None, kind: Kind | None = None) -> list[str]:
    return [
        o.id
        for o in load_register()
        if o.addressee is Addressee.MEMBER_STATES
        and (act is None or o.act == act)
        and (kind is None or o.kind is kind)
    ]


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The pledging demo, with DE's and FR's progress recorded through the service (in the
    tests' own database): DE one obligation done (a formula as its evidence), one in progress;
    FR one done."""
    for s in _site(request.param, tmp_path_factory.mktemp("plan"), "pledging"):
        desk = progress_reader(s.service)
        assert desk is not None
        dated = ms_obligations(kind=Kind.DATE)
        de = s.service.authenticate(s.tokens["DE"])
        fr = s.service.authenticate(s.tokens["FR"])
        desk.record(de, dated[0], "done", evidence=FORMULA)
        desk.record(de, dated[1], "in_progress", evidence="https://example.org/de-plan")
        desk.record(fr, dated[0], "done", evidence="published in the Journal officiel")
        yield s


def text_of(html: str) -> str:
    return markup.unescape(_text_of(html))


def main_of(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


# -- every page, every language ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", list(HEADINGS))
def test_the_pages_render_in_each_language(site: Site, path: str, lang: str) -> None:
    response = site.client(lang=lang).get(path)
    assert response.status_code == 200, response.text[-800:]
    assert f'<html lang="{lang}">' in response.text
    assert response.headers["content-language"] == lang
    h1 = text_of(response.text.split("<h1>")[1].split("</h1>")[0])
    assert HEADINGS[path][lang].lower() in h1.lower()
    assert 'href="/plan" aria-current="page"' in response.text  # the navigation's link
    assert "Traceback" not in response.text


@pytest.mark.parametrize("lang", ("fr", "de"))
def test_no_english_left_in_the_page_s_own_words(site: Site, lang: str) -> None:
    page = text_of(main_of(site.client(lang=lang).get("/plan").text))
    for english in ("building blocks", "Next milestones", "Progress of each", "The register"):
        assert english not in page
    assert ("Volet 1" if lang == "fr" else "Baustein 1") in page


# -- the overview and the matrix ----------------------------------------------------------------


def cells_of(html: str) -> dict[tuple[str, int], tuple[int, ...]]:
    """(state, block) → (done, in progress, not started, late), from the matrix's cells."""
    out = {}
    for row in html.split('id="plan-matrix"')[1].split("<tbody>")[1].split("<tr id=")[1:]:
        geo = row[len('"matrix-') : len('"matrix-') + 2]
        for block, cell in enumerate(row.split('<td class="cell')[1:], start=1):
            found = re.search(r'data-counts="(\d+) (\d+) (\d+) (\d+)"', cell)
            assert found, cell[:200]
            out[(geo, block)] = tuple(int(x) for x in found.groups())
    return out


@pytest.mark.parametrize("who", [None, "DE", "commission"])
def test_the_matrix_counts_are_the_service_s(site: Site, who: str | None) -> None:
    html = site.client(who).get("/plan").text
    cells = cells_of(html)
    desk = progress_reader(site.service)
    assert desk is not None
    matrix = desk.matrix(site.service.authenticate(site.tokens["commission"]))
    assert len(matrix["states"]) == 27
    for row in matrix["states"]:
        for block, c in row["cells"].items():
            want = (c["done"], c["in_progress"], c["not_started"], c["late"])
            assert cells[(row["party"], int(block))] == want, (row["party"], block)
    assert cells[("DE", int(_block_of(ms_obligations(kind=Kind.DATE)[0])))][0] >= 1


def _block_of(obligation_id: str) -> Block:
    return next(o.block for o in load_register() if o.id == obligation_id)


def test_late_is_said_in_words_and_symbols_and_a_cell_s_articles_are_reachable(
    site: Site,
) -> None:
    html = site.client().get("/plan").text
    late_cells = html.count('<td class="cell c-late"')
    assert late_cells > 0  # duties past their date and not done (the demo's clock: Dec 2026)
    assert "⚠" in html and " late" in text_of(html)
    # each cell's link is described by its tooltip (shown on hover and on keyboard focus)
    links = re.findall(r'class="cell-link" href="([^"]+)" aria-describedby="([^"]+)"', html)
    assert links
    for href, tip in links[:30]:
        assert f'id="{tip}"' in html
        assert re.fullmatch(r"/plan/state/[A-Z]{2}#block-\d+", href)
    tip = html.split('id="tip-DE-')[1].split("</div>")[0]
    assert re.search(r"(AMMR|APR|Eurodac|RCD|QR|Screening|RBPR|CFMR|URF) Art\. \d+", tip)


def test_the_blocks_show_their_counts_and_next_milestones(site: Site) -> None:
    page = text_of(main_of(site.client().get("/plan").text))
    register = load_register()
    for block in Block:
        n = sum(1 for o in register if o.block is block)
        assert f"Block {int(block)}:" in page
        assert (f"{n} obligation" in page) if n else ("0 obligations" in page)
    assert "Next milestones:" in page
    assert "Progress of the Member States:" in page


def test_denmark_owes_the_eurodac_obligations_only(site: Site) -> None:
    html = site.client().get("/plan/state/DK").text
    rows = html.split('id="state-table"')[1].split("<tbody>")[1].split("<tr id=")[1:]
    assert len(rows) == len(ms_obligations("eurodac"))
    assert all("Eurodac Art." in r for r in rows)


# -- a block, the timeline, a state ------------------------------------------------------------


def test_a_block_lists_its_obligations_with_each_state_s_status(site: Site) -> None:
    block = _block_of(ms_obligations(kind=Kind.DATE)[0])
    html = site.client().get(f"/plan/block/{int(block)}").text
    register = [o for o in load_register() if o.block is block]
    body = html.split('id="block-table"')[1].split("<tbody>")[1]
    assert body.count("<tr id=") == len(register)
    first = ms_obligations(kind=Kind.DATE)[0].replace(".", "-")
    row = body.split(f'<tr id="{first}"')[1].split("</tr>")[0]
    done = row.split("s-done")[1].split("</li>")[0]
    assert ">DE</a>" in done and ">FR</a>" in done


def test_the_timeline_groups_the_milestones_by_year_and_quarter(site: Site) -> None:
    html = site.client().get("/plan/timeline").text
    years = re.findall(r'<h2 id="year-(\d{4})">', html)
    assert years == sorted(years) and set(years) <= {str(y) for y in range(2024, 2029)}
    dates = re.findall(r'<li(?: class="past")?><time datetime="([\d-]+)">', html)
    register = load_register()
    want = plan_data.milestones(register, dt.date(2024, 1, 1), dt.date(2028, 12, 31))
    assert dates == [d.isoformat() for d, _ in want]
    for d in dates[:20]:
        q = (int(d[5:7]) - 1) // 3 + 1
        section = html.split(f'id="q-{d[:4]}-{q}"')[1].split("</ol>")[0]
        assert f'datetime="{d}"' in section


def test_a_state_s_checklist_shows_status_date_late_and_evidence(site: Site) -> None:
    html = site.client().get("/plan/state/DE").text
    dated = ms_obligations(kind=Kind.DATE)
    row = html.split(f'<tr id="{dated[1].replace(".", "-")}"')[1].split("</tr>")[0]
    assert "in progress" in text_of(row)
    assert 'href="https://example.org/de-plan"' in row
    assert 'rel="noopener noreferrer nofollow"' in row
    assert int(re.search(r'id="state-done">(\d+)<', html).group(1)) == 1  # type: ignore[union-attr]
    assert int(re.search(r'id="state-late">(\d+)<', html).group(1)) > 0  # type: ignore[union-attr]


# -- downloads -----------------------------------------------------------------------------------


def test_the_register_as_csv_and_xlsx(site: Site) -> None:
    client = site.client()
    response = client.get("/plan/register.csv")
    assert response.status_code == 200
    assert "eupact-register.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["id"] for r in rows] == [o.id for o in load_register()]
    assert all(r["citation"] and r["article"] for r in rows)
    book = load_workbook(io.BytesIO(client.get("/plan/register.xlsx").content))
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any("id" in row for row in values)
    assert sum(1 for row in values if row and str(row[0]).startswith("register.")) == len(rows)


def test_a_checklist_as_csv_and_xlsx_with_inert_cells(site: Site) -> None:
    client = site.client()
    text = client.get("/plan/state/DE.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["member_state"] for r in rows} == {"DE"}
    done = [r for r in rows if r["status"] == "done"]
    assert len(done) == 1 and done[0]["evidence"] == "'" + FORMULA  # never run as a formula
    response = client.get("/plan/state/DE.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value]
    assert not any(c.data_type == "f" for c in cells)
    assert any(str(c.value).endswith(FORMULA) for c in cells)


def test_a_state_s_upcoming_duties_as_icalendar(site: Site) -> None:
    response = site.client().get("/plan/state/DE.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "eupact-plan-DE.ics" in response.headers["content-disposition"]
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    assert events
    today = site.service.clock().date()
    days = [e.decoded("dtstart") for e in events]
    assert all(d >= today for d in days)
    assert len({str(e["uid"]) for e in events}) == len(events)
    assert all(re.search(r"Art\. \d+", str(e["summary"])) for e in events)


# -- refused -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/plan/block/11", "a building block of the Common Implementation Plan, 1 to 10"),
        ("/plan/block/0", "1 to 10"),
        ("/plan/block/seven", "1 to 10"),
        ("/plan/state/XX", "a Member State's code: AT, BE"),
        ("/plan/state/UK", "a Member State's code"),
        ("/plan/state/XX.csv", "a Member State's code"),
        ("/plan/state/DE.pdf", "one of csv, xlsx, ics"),
        ("/plan/register.json", "one of csv, xlsx"),
    ],
)
def test_unknown_blocks_states_and_formats_are_404_in_words(
    site: Site, path: str, words: str
) -> None:
    response = site.client().get(path)
    assert response.status_code == 404
    assert words in text_of(response.text)
    assert "Traceback" not in response.text


def test_the_state_picker_lands_on_the_checklist(site: Site) -> None:
    response = site.client().get("/plan/state?geo=de")
    assert response.status_code == 303
    assert response.headers["location"] == "/plan/state/DE"


def test_without_progress_the_register_is_shown_alone() -> None:
    """The pure views: no progress → no matrix, every obligation not started, none late."""
    register = load_register()
    states = ("DE", "FR")
    today = dt.date(2026, 12, 5)
    rows = plan_data.checklist(register, "DE", today, None)
    assert rows and all(r["status"] == "not_started" and not r["late"] for r in rows)
    summary = plan_data.blocks_summary(register, today, states, None)
    assert [b["n"] for b in summary] == list(range(1, 11))
    assert all(b["progress"] is None for b in summary)
