"""Issue 15's next pages and issue 18's What-if page, through the ASGI app on both backends, for
every kind of visitor: the legal calendar (``/calendar``, its .ics files, the links from each
state's page); What if (``/what-if``: a scenario built from the form's knobs against the year as
recorded, on the SYNTHETIC example pledges only); the relocation matching (``/matching``: a
benefitting state's own candidates on the places pledged in the cycle, with the API's rules)."""

from __future__ import annotations

import csv
import html as markup
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

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
    today = implementing.service.clock().date().isoformat()
    assert f"as of {today}" in page  # the service's clock
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


# -- What if ---------------------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "eupact" / "scenarios" / "examples"
CHANGED = "relocations=25000&scale=50&forum=yes&deduction=PL&chart=offsets&run=1"


def state_cells(html: str, geo: str) -> list[str]:
    row = next(r for r in body_rows(html, "what-if-states") if f"/state/{geo}?" in r)
    return re.findall(r'<td data-sort="([^"]*)"', row)


def example(name: str) -> dict[str, dict[str, object]]:
    """The per-state comparison of a shipped scenario against the year as recorded."""
    from eupact.reports.tables import plain
    from eupact.scenarios import compare, load_scenario, run_scenario

    a = run_scenario(load_scenario(EXAMPLES / "as_recorded_2026.yaml"))
    b = run_scenario(load_scenario(EXAMPLES / name))
    states = compare(a, b, ("A", "B"))[1]
    return {r["geo"]: {k: plain(v) for k, v in r.items()} for r in states.rows}


@pytest.mark.parametrize("who", VISITORS)
def test_what_if_answers_every_visitor_the_same(implementing: Site, who: str | None) -> None:
    client = implementing.client(who)
    form = client.get("/what-if")
    assert form.status_code == 200
    assert 'id="what-if-form"' in form.text and 'id="what-if-result"' not in form.text
    assert "SYNTHETIC pledges" in text_of(form.text)
    assert 'href="/what-if?year=2026" aria-current="page"' in form.text
    html = client.get(f"/what-if?{CHANGED}").text
    assert "SYNTHETIC pledges" in text_of(html) and "Traceback" not in html
    assert len(body_rows(html, "what-if-states")) == 26
    assert no_inline_script(html)
    public = implementing.client().get(f"/what-if?{CHANGED}").text
    assert table(html, "what-if-states") == table(public, "what-if-states")
    assert table(html, "what-if-totals") == table(public, "what-if-totals")


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("relocations=25000", "reference_25000_2026.yaml"),  # the EUR follows the act's ratio
        ("scale=50", "low_pledges_2026.yaml"),
        ("deduction=PL", "poland_deduction_granted_2026.yaml"),
        ("population=pop_2024_01_01_jul2024_r100", "july_population_release_2026.yaml"),
    ],
)
def test_each_knob_gives_the_shipped_scenarios_figures(
    implementing: Site, query: str, name: str
) -> None:
    expected = example(name)
    html = implementing.client().get(f"/what-if?{query}").text
    for geo in ("DE", "FR", "PL", "IT"):
        cells = state_cells(html, geo)
        row = expected[geo]
        figures = [
            row[f"{f}_{side}"]
            for f in ("fair_share_eur", "deducted_eur", "to_implement_eur")
            for side in ("a", "b")
        ]
        figures += [row["offset_obligation_a"], row["offset_obligation_b"]]
        figures += [row["offset_obligation_change"]]
        assert cells == [str(v) for v in figures], (geo, cells, figures)


def test_the_eur_reference_follows_the_ratio_unless_set(implementing: Site) -> None:
    client = implementing.client()
    followed = text_of(table(client.get("/what-if?relocations=25000").text, "what-if-totals"))
    assert "financial contributions, EUR (Art. 57(1)) 420,000,000 500,000,000 +80,000,000" in (
        followed
    )
    own = text_of(
        table(client.get("/what-if?relocations=25000&eur=1000000").text, "what-if-totals")
    )
    assert "financial contributions, EUR (Art. 57(1)) 420,000,000 1,000,000 -419,000,000" in own
    assert "relocations (Art. 57(1)) 21,000 25,000 +4,000" in own


def test_what_if_computes_on_the_example_pledges_never_the_recorded_ones(pledging: Site) -> None:
    before = pledging.client("commission").get(f"/what-if?{CHANGED}").text
    target = next(p for p in pledging.pledges("SI") if p["kind"] == "financial")
    actor = pledging.service.authenticate(pledging.tokens["SI"])
    from eupact.pool.pledges import Pledge, PledgeKind

    pledge = Pledge("SI", PledgeKind.FINANCIAL, Decimal("99999999"))
    pledging.service.update_pledge(actor, 2026, target["id"], pledge, target["version"])
    after = pledging.client("commission").get(f"/what-if?{CHANGED}").text
    assert table(before, "what-if-states") == table(after, "what-if-states")
    assert "99,999,999" not in text_of(after)
    # nor does an embargoed figure reach an observer through the comparison
    observer = pledging.client().get(f"/what-if?{CHANGED}").text
    assert table(observer, "what-if-states") == table(after, "what-if-states")


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("relocations=abc&scale=2000", ("relocations", "scale")),
        ("relocations=" + "9" * 200, ("relocations",)),
        ("relocations=%C2%B2&eur=1e999", ("relocations", "eur")),
        ("deduction=FR&forum=maybe", ("deduction", "forum")),
        ("offsets.cap.contributions_counted=x&population=zzz", ("population",)),
        ("chart=pie", ("chart",)),
    ],
)
def test_a_refused_knob_is_a_422_page_naming_the_field(
    implementing: Site, query: str, fields: tuple[str, ...]
) -> None:
    response = implementing.client().get(f"/what-if?{query}")
    assert response.status_code == 422
    html = response.text
    assert 'id="what-if-result"' not in html and 'id="what-if-problems"' in html
    for name in fields:
        assert f'aria-describedby="{name}-hint what-if-{name}-error"' in html or (
            f'aria-describedby="what-if-{name}-error"' in html
        ), name
        assert f'id="what-if-{name}-error"' in html
    assert "9" * 100 not in html  # a long value is cut before it is echoed
    for path in ("comparison.csv", "comparison.xlsx"):
        assert implementing.client().get(f"/what-if/{path}?{query}").status_code == 422


def test_what_if_refuses_a_year_without_an_act_and_unknown_files(implementing: Site) -> None:
    client = implementing.client()
    for query in ("year=2027", "year=1999", "year=99999999999999999999"):
        response = client.get(f"/what-if?{query}")
        assert response.status_code == 422 and "year" in text_of(response.text)
    assert client.get("/what-if/passwd").status_code == 404


def test_the_comparison_chart_is_a_json_data_block(implementing: Site) -> None:
    html = implementing.client().get(f"/what-if?{CHANGED}").text
    block = re.search(
        r'<script type="application/json" id="chart-compare-spec" '
        r'data-vega-embed="chart-compare">(.*?)</script>',
        html,
        re.S,
    )
    assert block and '<div id="chart-compare"' in html
    data = json.loads(block.group(1))["spec"]["datasets"]["compared"]
    assert {d["scenario"] for d in data} == {"as recorded (A)", "what if (B)"}
    germany = {d["side"]: d["amount"] for d in data if d["geo"] == "DE"}
    cells = state_cells(html, "DE")
    assert germany == {"a": float(cells[6]), "b": float(cells[7])}  # offsets owed A and B
    assert '<script src="/static/charts.js"></script>' in html


def test_the_comparison_downloads_as_csv_and_xlsx(implementing: Site) -> None:
    client = implementing.client("DE")
    html = client.get(f"/what-if?{CHANGED}").text
    links = re.findall(r'href="(/what-if/[^"]+)"', html)
    assert {link.split("?")[0] for link in links} == {
        "/what-if/comparison.csv",
        "/what-if/totals.csv",
        "/what-if/comparison.xlsx",
    }
    csv_link = markup.unescape(next(link for link in links if "comparison.csv" in link))
    response = client.get(csv_link)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="eupact-2026-what-if-comparison-SYNTHETIC.csv"'
    )
    lines = response.text.splitlines()
    assert lines[0].startswith("# SYNTHETIC pledges")
    rows = list(csv.DictReader(lines[1:]))
    germany = next(r for r in rows if r["geo"] == "DE")
    assert [germany["offset_obligation_a"], germany["offset_obligation_b"]] == state_cells(
        html, "DE"
    )[6:8]
    xlsx = client.get(markup.unescape(next(link for link in links if ".xlsx" in link)))
    assert xlsx.headers["content-disposition"].endswith('-what-if-comparison-SYNTHETIC.xlsx"')
    book = load_workbook(io.BytesIO(xlsx.content))
    assert {"totals_comparison", "comparison"} <= set(book.sheetnames)
    assert "SYNTHETIC" in str(book[book.sheetnames[0]]["A1"].value)


# -- the relocation matching ----------------------------------------------------------------------


def run_matching(site: Site, who: str, **fields: str) -> Any:
    """POST the matching form as ``who`` (multipart, as the browser sends it)."""
    files = fields.pop("files", None)
    client = site.client(who)
    data = {"csrf": site.csrf(who), "year": "2026", "output": "page", **fields}
    return client.post("/matching", data=data, files=files or {"none": ("", b"")})


def upload(name: str, text: str) -> Any:
    return {"candidates": (name, text.encode("utf-8"), "text/csv")}


@pytest.mark.parametrize("who", [*VISITORS, "council", "coordinator", "IT"])
def test_the_matching_page_follows_the_permission_table(
    implementing: Site, who: str | None
) -> None:
    response = implementing.client(who).get("/matching")
    if who is None:
        assert response.status_code == 303
        assert response.headers["location"] == "/signin?next=/matching"
        return
    if who in ("observer", "council"):  # 'matching.run' is not theirs
        assert response.status_code == 403
        assert "'matching.run' is open to commission, coordinator, member_state only" in (
            text_of(response.text)
        )
        return
    html = response.text
    assert response.status_code == 200 and "SYNTHETIC" in html
    assert 'href="/matching?year=2026" aria-current="page"' in html
    places = body_rows(html, "matching-places")
    assert len(places) == 20 and "1,756 places" in text_of(table(html, "matching-places"))
    if who == "DE":  # not benefitting: said before anything is run, and no form
        assert 'id="matching-form"' not in html
        assert "DE does not benefit from the pool" in text_of(html)
    elif who == "IT":
        assert 'id="matching-form"' in html and 'name="state" value="IT"' in html
    else:  # the institutions choose one of the benefitting states
        options = re.findall(r'<option value="([A-Z]{2})"', html.split('id="state"')[1])
        assert options[:4] == ["CY", "EL", "ES", "IT"]
    assert no_inline_script(html)


def test_a_benefitting_state_matches_sample_candidates_as_the_service_does(
    implementing: Site,
) -> None:
    from eupact.matching.synthetic import synthetic_applicants
    from eupact.web.matching_page import places_of

    response = run_matching(implementing, "IT", state="IT", source="sample", n="120", seed="7")
    assert response.status_code == 200, text_of(response.text)[-1500:]
    html = response.text
    page = text_of(html)
    assert "SYNTHETIC" in page and "not real persons" in page
    actor = implementing.service.authenticate(implementing.tokens["IT"])
    service = implementing.service
    params = service.parameters.at(service.clock().date())
    table_ = synthetic_applicants(120, params, 7, ("IT",))
    expected = service.match(actor, 2026, list(table_), places_of(service, actor, 2026))
    shown = re.search(r'id="matching-relocated">([\d,]+)<', html)
    assert shown and int(shown.group(1).replace(",", "")) == expected.relocated_persons
    rows = body_rows(html, "matching-assignments")
    assert len(rows) == 120
    for e in list(expected.explanations())[:20]:  # the same assignment, with its reasons
        row = next(r for r in rows if f"<code>{e.applicant}</code>" in r)
        assert (e.assigned_state or "–") in text_of(row)
        assert markup.escape(e.summary) in row
    commission = service.authenticate(implementing.tokens["commission"])
    entries = service.audit_log(commission, 0, 1_000_000)[0]
    assert any(x.action == "matching.run" for x in entries)  # each run is audited


def test_the_assignment_downloads_as_csv(implementing: Site) -> None:
    fields = {"state": "IT", "source": "sample", "n": "40", "seed": "11"}
    response = run_matching(implementing, "IT", **fields, output="csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="eupact-2026-matching-IT-SYNTHETIC.csv"'
    )
    lines = response.text.splitlines()
    assert lines[0].startswith("# SYNTHETIC")
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    assert len(rows) == 40 and rows[0]["benefitting_state"] == "IT"
    assert {"applicant_id", "assigned_state", "reason", "explanation"} <= set(rows[0])
    # the result page's download form sends the same candidates again: the same file
    html = run_matching(implementing, "IT", **fields).text
    form = html.split('id="matching-download"')[1].split("</form>")[0]
    sent = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', form))
    assert sent["output"] == "csv" and sent["n"] == "40" and sent["seed"] == "11"
    again = run_matching(implementing, "IT", **{k: v for k, v in sent.items() if k != "csrf"})
    assert again.text == response.text


def test_an_uploaded_file_keeps_families_together_and_follows_links(implementing: Site) -> None:
    text = (
        "# candidates of the test\n"
        "id,benefitting_state,family_unit,languages,links\n"
        "A1,IT,F1,de,DE:family\n"
        "A2,IT,F1,,\n"
        "A3,IT,,fr,\n"
    )
    html = run_matching(implementing, "IT", state="IT", source="file", files=upload("c.csv", text))
    assert html.status_code == 200, text_of(html.text)[-1500:]
    rows = body_rows(html.text, "matching-assignments")
    placed = {re.search(r"<code>(A\d)</code>", r).group(1): text_of(r) for r in rows}  # type: ignore[union-attr]
    assert "Germany DE" in placed["A1"] and "Germany DE" in placed["A2"]  # together, linked
    assert "candidates of the test" in text_of(html.text)  # the file's label
    assert "SYNTHETIC" not in text_of(html.text.split('id="matching-result"')[1])
    # its download form carries the uploaded text, nothing kept on the server
    form = html.text.split('id="matching-download"')[1].split("</form>")[0]
    assert "A1,IT,F1,de,DE:family" in markup.unescape(form)
    as_json = '{"applicants": [{"id": "J1", "benefitting_state": "IT"}]}'
    ok = run_matching(
        implementing, "IT", state="IT", source="file", files=upload("c.json", as_json)
    )
    assert ok.status_code == 200 and "<code>J1</code>" in ok.text


@pytest.mark.parametrize(
    ("text", "status", "words"),
    [
        ("id,benefitting_state\nA1,XX\n", 422, "candidates.csv, row 2"),
        ("id,nationality\nA1,SY\n", 422, "required column is missing"),
        ("id,benefitting_state\n" + "".join(f"A{i},IT\n" for i in range(2001)), 422, "2,000"),
        ("# big\nid,benefitting_state\n" + "A1,IT," + "x" * 61_000 + "\n", 413, "60,000 bytes"),
    ],
)
def test_a_bad_file_is_refused_naming_the_row_and_nothing_is_run(
    implementing: Site, text: str, status: int, words: str
) -> None:
    files = upload("c.csv", text)
    response = run_matching(implementing, "IT", state="IT", source="file", files=files)
    assert response.status_code == status, text_of(response.text)[-800:]
    assert words in text_of(response.text) and 'id="matching-result"' not in response.text


def test_matching_respects_the_apis_rules(implementing: Site) -> None:
    # a Member State matches its own candidates only: another state's row is the API's 403
    other = upload("c.csv", "id,benefitting_state\nA1,EL\nA2,IT\n")
    refused = run_matching(implementing, "IT", state="IT", source="file", files=other)
    assert refused.status_code == 403
    assert "applicants[0].benefitting_state" in text_of(refused.text)
    assert run_matching(implementing, "IT", state="EL", source="sample").status_code == 403
    # a contributing state does not match (it benefits from nothing): the service's rule
    germany = run_matching(implementing, "DE", state="DE", source="sample", n="5")
    assert germany.status_code == 422 and "benefitting on" in text_of(germany.text)
    # the institutions choose a benefitting state, and the file is that state's
    coordinator = run_matching(implementing, "coordinator", state="EL", source="sample", n="30")
    assert coordinator.status_code == 200 and 'id="matching-result"' in coordinator.text
    wrong = run_matching(implementing, "commission", state="DE", source="sample")
    assert wrong.status_code == 422 and "a benefitting Member State" in text_of(wrong.text)
    mixed = run_matching(implementing, "commission", state="IT", source="file", files=other)
    assert mixed.status_code == 422 and "the candidates of the state chosen" in text_of(mixed.text)
    # no permission, no session, no CSRF value, bad numbers
    council = implementing.client("council").post(
        "/matching", data={"csrf": "x", "year": "2026"}, files={"none": ("", b"")}
    )
    assert council.status_code == 403
    anonymous = implementing.client().post("/matching", data={"year": "2026"})
    assert anonymous.status_code == 403
    client = implementing.client("IT")
    no_csrf = client.post("/matching", data={"year": "2026", "state": "IT", "source": "sample"})
    assert no_csrf.status_code == 403 and "form has expired" in text_of(no_csrf.text)
    for n in ("0", "2001", "1e9", "9" * 50):
        bad = run_matching(implementing, "IT", state="IT", source="sample", n=n)
        assert bad.status_code == 422 and 'id="matching-n-error"' in bad.text, n


def test_before_the_council_act_nothing_is_matched(pledging: Site) -> None:
    html = pledging.client("commission").get("/matching").text
    assert "matched under the pool the Council act established" in text_of(html)
    assert 'id="matching-form"' not in html  # nobody benefits before the act
    refused = run_matching(pledging, "commission", state="IT", source="sample", n="5")
    assert refused.status_code == 422


def test_the_page_assigns_as_the_api_route_does(implementing: Site) -> None:
    from eupact.web.matching_page import places_of

    text = "id,benefitting_state,family_unit,languages,links\n"
    text += "".join(f"B{i},IT,{'G' + str(i // 3) if i % 2 else ''},fr,\n" for i in range(30))
    text += "B99,IT,,de,NL:family\n"
    html = run_matching(implementing, "IT", state="IT", source="file", files=upload("c.csv", text))
    rows = body_rows(html.text, "matching-assignments")
    shown = {
        re.search(r"<code>(B\d+)</code>", r).group(1): re.findall(r'class="code">([A-Z]{2})<', r)  # type: ignore[union-attr]
        for r in rows
    }
    service = implementing.service
    actor = service.authenticate(implementing.tokens["IT"])
    places = [
        {"contributing_state": p.contributing_state, "places": p.places}
        for p in places_of(service, actor, 2026)
    ]
    applicants = []
    for line in text.splitlines()[1:]:
        pid, geo, unit, lang, links = line.split(",")
        applicant: dict[str, Any] = {"id": pid, "benefitting_state": geo, "languages": [lang]}
        if unit:
            applicant["family_unit"] = unit
        if links:
            state, kind = links.split(":")
            applicant["links"] = [{"state": state, "kind": kind}]
        applicants.append(applicant)
    api = implementing.client().post(
        "/api/v1/cycles/2026/matching",
        json={"applicants": applicants, "places": places},
        headers={"Authorization": f"Bearer {implementing.tokens['IT']}"},
    )
    assert api.status_code == 200, api.text[:500]
    for a in api.json()["assignments"]:
        assert shown[a["applicant"]] == ([a["assigned_state"]] if a["assigned_state"] else [])
    assert shown["B99"] == ["NL"]


def test_the_language_links_keep_the_question(implementing: Site) -> None:
    html = implementing.client().get(f"/what-if?{CHANGED}&lang=en").text
    link = re.search(r'<a href="(/what-if\?lang=fr[^"]*)"', html)
    assert link, "the French link"
    target = markup.unescape(link.group(1))
    assert "relocations=25000" in target and "scale=50" in target and target.count("lang=") == 1
    french = implementing.client().get(target).text
    assert table(french, "what-if-states")  # the same question, answered in French
    assert "Et si" in text_of(french)
    calendar = implementing.client().get("/calendar?for=DE").text
    assert re.search(r'href="/calendar\?lang=de&amp;year=2026&amp;for=DE"', calendar)


@pytest.mark.parametrize(
    ("lang", "path", "words"),
    [
        ("fr", "/calendar?for=commission", ("Calendrier réglementaire de la réserve", "Qui agit")),
        ("de", "/calendar?for=commission", ("Gesetzlicher Kalender des jährlichen", "Wer handelt")),
        ("fr", f"/what-if?{CHANGED}", ("Et si", "Engagements SYNTHÉTIQUES", "Comparer")),
        ("de", f"/what-if?{CHANGED}", ("Was wäre, wenn", "SYNTHETISCHE Zusagen", "Vergleichen")),
        ("fr", "/matching", ("Mise en correspondance des relocalisations", "Candidats d’exemple")),
        ("de", "/matching", ("Zuordnung für Umsiedlungen", "Beispielkandidaten")),
    ],
)
def test_the_pages_in_french_and_german(
    implementing: Site, lang: str, path: str, words: tuple[str, ...]
) -> None:
    html = implementing.client("IT", lang=lang).get(path).text
    page = text_of(html)
    assert all(w in page for w in words), page[:2000]
    if path.startswith("/calendar"):
        assert '<td lang="en">' in html  # who acts: the Regulation's words, in English
