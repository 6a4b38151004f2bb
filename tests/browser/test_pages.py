"""The dashboard's public pages in the browser: embargo, audit, sorting, keyboard, charts,
languages and downloads."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from eupact.web import i18n

from .conftest import Browsing, DemoServer, number

# One xdist worker runs the browser tests when the suite is run with --dist loadgroup (one pair
# of servers and one Chromium instead of one per worker); ignored by the other modes.
pytestmark = pytest.mark.xdist_group("browser")

MEMBER_STATES = 26  # bound by the solidarity rules: the 27 but Denmark (Protocol No 22)


def column_values(page: Any, index: int) -> list[str]:
    """The data-sort values of a column of the pool's table, in the order shown."""
    return list(
        page.locator("#key-table tbody tr").evaluate_all(
            "(rows, i) => rows.map(r => r.cells[i].getAttribute('data-sort'))", index
        )
    )


# -- the embargo and the audit trail --------------------------------------------------------------


def test_observer_sees_the_key_but_no_fair_shares_before_the_council_act(
    browsing: Browsing, pledging: DemoServer
) -> None:
    page = browsing.page(pledging)
    page.goto("/pool")
    notice = page.locator("main .notice")
    assert "Restricted" in notice.inner_text()
    assert "Art. 12(6)" in notice.inner_text()
    headings = page.locator("#key-table thead th").all_inner_texts()
    assert [h.strip() for h in headings] == [
        "Member State",
        "Population",
        "GDP, EUR million",
        "Key share %",
    ]
    assert page.locator("#key-table thead th").nth(3).get_attribute("aria-sort") == "descending"
    assert page.locator("#key-table tbody tr").count() == MEMBER_STATES
    shares = [float(v) for v in column_values(page, 3)]
    assert abs(sum(shares) - 100) < 0.01
    table_head = page.locator("#key-table thead").inner_text()
    for hidden in ("Fair share", "Pledged", "Balance", "Offsets"):
        assert hidden not in table_head
    text = page.locator("main").inner_text()
    assert "Totals against the reference number" not in text
    assert page.locator("#chart-bars").count() == 0

    # The Commission sees the same page with the fair shares; none of them is on the public one.
    commission = browsing.page(pledging, "commission")
    commission.goto("/pool")
    assert "Fair share: EUR" in commission.locator("#key-table thead").inner_text()
    code = commission.locator("span.code", has_text=re.compile(r"^DE$"))
    germany = commission.locator("#key-table tbody tr", has=code)
    fair_share_eur = germany.locator("td").nth(5).inner_text()
    assert number(fair_share_eur) > 1_000_000
    assert fair_share_eur not in text


def test_a_member_state_sees_its_own_fair_share_only_before_the_council_act(
    browsing: Browsing, pledging: DemoServer
) -> None:
    page = browsing.page(pledging, "DE")
    response = page.goto("/pool")
    assert response.status == 200
    assert "sees its own row only (Art. 12(6))" in page.locator("main .notice").inner_text()
    headings = [h.strip() for h in page.locator("#key-table thead th").all_inner_texts()]
    column = headings.index("Fair share: EUR")
    shown = page.locator("#key-table tbody tr").evaluate_all(
        "(rows, i) => rows.map(r => [r.querySelector('span.code').textContent, "
        "r.cells[i].textContent.trim()])",
        column,
    )
    assert len(shown) == MEMBER_STATES
    for geo, fair_share in shown:
        if geo == "DE":
            assert number(fair_share) > 1_000_000
        else:
            assert fair_share == "–", geo


def test_audit_trail_is_for_institutions_only(browsing: Browsing, pledging: DemoServer) -> None:
    page = browsing.page(pledging, "DE")
    response = page.goto("/audit")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Not allowed"
    assert page.locator("#audit-table").count() == 0

    observer = browsing.page(pledging)
    assert observer.goto("/audit").status == 403

    commission = browsing.page(pledging, "commission")
    response = commission.goto("/audit")
    assert response.status == 200
    chain = commission.get_by_role("status").filter(has_text="Hash chain")
    assert "Hash chain: intact" in chain.inner_text()
    assert commission.locator("#audit-table tbody tr").count() > 0


# -- sorting and the keyboard ---------------------------------------------------------------------


def test_sorting_a_column_reorders_the_rows_and_sets_aria_sort(
    browsing: Browsing, pledging: DemoServer
) -> None:
    page = browsing.page(pledging)
    page.goto("/pool")
    headings = page.locator("#key-table thead th")
    names = column_values(page, 0)
    assert names != sorted(names)  # shown by key share, largest first

    page.get_by_role("button", name="Member State").click()
    assert headings.nth(0).get_attribute("aria-sort") == "ascending"
    assert headings.nth(3).get_attribute("aria-sort") == "none"
    assert column_values(page, 0) == sorted(names)

    page.get_by_role("button", name="Member State").click()
    assert headings.nth(0).get_attribute("aria-sort") == "descending"
    assert column_values(page, 0) == sorted(names, reverse=True)

    page.get_by_role("button", name="Population").click()
    assert headings.nth(1).get_attribute("aria-sort") == "ascending"
    assert headings.nth(0).get_attribute("aria-sort") == "none"
    population = [int(v) for v in column_values(page, 1)]
    assert population == sorted(population)


def test_keyboard_skip_link_first_and_enter_sorts(browsing: Browsing, pledging: DemoServer) -> None:
    page = browsing.page(pledging)
    page.goto("/pool")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.href]")
    assert focused == ["skip", f"{pledging.url}/pool#main"]
    assert page.locator("a.skip").is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # Tab on from the main content reaches the sort buttons; Enter sorts.
    button = page.get_by_role("button", name="Population")
    for _ in range(20):
        page.keyboard.press("Tab")
        if button.evaluate("b => b === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the 'Population' sort button")
    page.keyboard.press("Enter")
    assert page.locator("#key-table thead th").nth(1).get_attribute("aria-sort") == "ascending"
    population = [int(v) for v in column_values(page, 1)]
    assert population == sorted(population)
    page.keyboard.press("Space")
    assert page.locator("#key-table thead th").nth(1).get_attribute("aria-sort") == "descending"


# -- charts ---------------------------------------------------------------------------------------


def test_pool_charts_render_as_svg_without_console_errors(
    browsing: Browsing, implementation: DemoServer
) -> None:
    page = browsing.page(implementation)
    page.goto("/pool")
    page.wait_for_selector("#chart-map svg", timeout=30_000)
    page.wait_for_selector("#chart-bars svg", timeout=30_000)
    # the map: a shape per country drawn; the bars: two marks (fair share, pledged) per state
    assert page.locator("#chart-map svg path").count() > MEMBER_STATES
    assert page.locator("#chart-bars svg path, #chart-bars svg rect").count() > MEMBER_STATES
    assert page.locator("#chart-map svg").bounding_box()["width"] > 100
    assert browsing.console_errors == []


# -- languages ------------------------------------------------------------------------------------


def test_french_and_german_pages_name_the_states_in_their_language(
    browsing: Browsing, implementation: DemoServer
) -> None:
    nav = "nav.main-nav"
    for lang, germany in (("fr", "Allemagne"), ("de", "Deutschland")):
        page = browsing.page(implementation)
        page.goto(f"/pool?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        translated = i18n.translations(lang).gettext
        for english in ("Fair shares and pool", "Migratory pressure", "Data sources"):
            assert translated(english) != english, f"no {lang} translation of {english!r}"
            assert translated(english) in page.locator(nav).inner_text()
        assert "Fair shares" not in page.locator(nav).inner_text()
        code = page.locator("span.code", has_text=re.compile(r"^DE$"))
        row = page.locator("#key-table tbody th", has=code)
        assert germany in row.inner_text()
        # the choice is remembered (cookie): the next page without ?lang= is in the same language
        page.goto("/sources")
        assert page.locator("html").get_attribute("lang") == lang


# -- downloads ------------------------------------------------------------------------------------


def test_outcome_table_downloads_as_csv_xlsx_json_and_the_report_as_pdf(
    browsing: Browsing, implementation: DemoServer
) -> None:
    page = browsing.page(implementation)
    page.goto("/downloads")
    row = page.locator("#downloads-table tbody tr", has_text="Pool outcome per Member State")
    files: dict[str, bytes] = {}
    for fmt in ("CSV", "XLSX", "JSON"):
        with page.expect_download() as download:
            row.get_by_role("link", name=fmt, exact=False).first.click()
        path = download.value.path()
        name = download.value.suggested_filename
        assert name == f"eupact-2026-outcome-SYNTHETIC.{fmt.lower()}"
        with open(path, "rb") as handle:
            files[fmt] = handle.read()

    csv_lines = files["CSV"].decode("utf-8-sig").splitlines()
    assert "geo" in csv_lines[0].split(",") or "geo" in csv_lines[0]
    assert sum(1 for line in csv_lines if line.startswith(("DE,", '"DE"'))) >= 1

    assert files["XLSX"][:2] == b"PK"
    book = load_workbook(io.BytesIO(files["XLSX"]), read_only=True)
    assert book.sheetnames

    data = json.loads(files["JSON"])
    assert isinstance(data["rows"], list)
    assert {r["geo"] for r in data["rows"]} >= {"DE", "FR", "IT"}
    assert "SYNTHETIC" in json.dumps(data)

    # The annual report: rendered on first request (a few seconds), published to everyone.
    link = page.get_by_role("link", name="European Annual Asylum and Migration Report 2025")
    assert link.get_attribute("href") == "/downloads/report-2025.pdf"
    response = page.request.get("/downloads/report-2025.pdf", timeout=60_000)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    assert number(response.headers["content-length"]) > 10_000


# -- issue 15: filtering tables, the page per Member State, the audit trail's filters -------------


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_every_table_filters_as_you_type(
    browsing: Browsing, implementation: DemoServer, lang: str
) -> None:
    """static/filter.js (no inline script) adds a labelled search field above each table; the
    rows that do not contain every word typed are hidden and the count is announced."""
    page = browsing.page(implementation)
    page.goto(f"/pool?lang={lang}")
    names = i18n.state_names(lang)
    field = page.locator("#key-table-filter")
    assert field.is_visible()
    label = page.locator("label[for='key-table-filter']").inner_text()
    assert (
        label == {"en": "Filter the rows", "fr": "Filtrer les lignes", "de": "Zeilen filtern"}[lang]
    )
    field.fill(names["DE"][:5])
    visible = page.locator("#key-table tbody tr:not([hidden])")
    assert visible.count() == 1
    assert names["DE"] in visible.inner_text()
    status = page.locator("#key-table-filter ~ [role=status]").inner_text()
    assert status.startswith("1 ") and str(MEMBER_STATES) in status
    field.fill("")
    assert page.locator("#key-table tbody tr:not([hidden])").count() == MEMBER_STATES
    assert browsing.console_errors == []


def test_state_page_is_reached_from_the_pool_and_follows_the_embargo(
    browsing: Browsing, pledging: DemoServer, implementation: DemoServer
) -> None:
    page = browsing.page(pledging)
    page.goto("/pool")
    page.locator("#key-table a[href^='/state/DE']").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{pledging.url}/state/DE")
    main = page.locator("main").inner_text()
    assert "Withheld" in main and "Art. 12(6)" in main
    assert page.locator("#state-pledges").count() == 0
    own = browsing.page(pledging, "DE")
    own.goto("/state/DE")
    assert own.locator("#state-pledges tbody tr").count() >= 1
    # after the act everyone sees the outcome; a benefitting state's balance is no deficit
    after = browsing.page(implementation)
    after.goto("/state/IT")
    assert "exempt" in after.locator("#state-outcome").inner_text()
    assert after.locator("#state-outcome td.neg").count() == 0
    after.locator("#state-choice").select_option("FR")
    after.get_by_role("button", name="Show").last.click()
    after.wait_for_load_state()
    assert after.url.startswith(f"{implementation.url}/state/FR")
    assert browsing.console_errors == []


def test_audit_filters_by_state_without_javascript(
    browser: Any, implementation: DemoServer
) -> None:
    """The audit trail's filters are a GET form: they work with JavaScript switched off."""
    from .conftest import SESSION_COOKIE, VIEWPORT, _sign_in

    context = browser.new_context(
        viewport=VIEWPORT, java_script_enabled=False, base_url=implementation.url
    )
    try:
        session = _sign_in(implementation, "commission")
        context.add_cookies([{"name": SESSION_COOKIE, "value": session, "url": implementation.url}])
        page = context.new_page()
        page.goto("/audit")
        page.locator("#filter-state").select_option("EL")
        page.locator("#filter-action").select_option("pool_use.inform")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_load_state()
        rows = page.locator("#audit-table tbody tr")
        assert rows.count() == 1
        text = rows.inner_text()
        assert "Greece" in text and "2026-06-12" in text
        assert page.locator("#audit-table-filter").count() == 0  # no script: no search field
    finally:
        context.close()
