"""The Dublin units' pages (issue 16 item 5) in Chromium, on the demo server's SYNTHETIC cases
(``eupact serve --demo`` seeds them through ``eupact.cycle.dublin_demo``): axe-core (WCAG 2.1 AA)
on the case list and on a case's determination in English, French and German; a case opened by
clicking it in the list; the table sorted by a heading; the overdue filter sent as a form; the
open time limits downloaded as an .ics file; a screenshot of each page (``docs/screenshots/``,
with ``EUPACT_SCREENSHOTS=docs/screenshots``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import Browsing, DemoServer
from .test_accessibility import check_axe

pytestmark = pytest.mark.xdist_group("browser")

LANGS = ("en", "fr", "de")
HEADINGS = {"en": "Dublin case", "fr": "Cas Dublin", "de": "Dublin-Fall"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_and_a_case_pass_axe_and_a_click_opens_the_case(
    browsing: Browsing, implementation: DemoServer, lang: str, screenshot: Any
) -> None:
    page = browsing.page(implementation, "DE")
    response = page.goto(f"/dublin?lang={lang}")
    assert response.status == 200
    assert page.evaluate("document.documentElement.lang") == lang
    rows = page.locator("#dublin-table tbody tr")
    assert rows.count() == 2  # held by DE, and the request DE received from SE
    assert page.locator("#dublin-synthetic").is_visible()
    if lang == "en":
        screenshot(page, "dublin")
    check_axe(page)
    page.get_by_role("link", name="SYN-DEMO-DE-001").click()
    page.wait_for_url("**/dublin/SYN-DEMO-DE-001")
    assert HEADINGS[lang] in page.locator("h1").inner_text()
    assert page.locator("#case-chain > li").count() >= 2  # Art. 24(2), then the criterion
    assert page.locator("#case-deadlines tbody tr").count() >= 1
    if lang == "en":
        screenshot(page, "dublin-case")
    check_axe(page)
    assert browsing.console_errors == []


@pytest.mark.parametrize(("who", "ref"), [("FR", "SYN-DEMO-FR-004"), ("NL", "SYN-DEMO-NL-002")])
def test_cases_with_time_limits_missed_pass_axe(
    browsing: Browsing, implementation: DemoServer, who: str, ref: str
) -> None:
    page = browsing.page(implementation, who)
    assert page.goto(f"/dublin/{ref}?lang=de").status == 200
    assert page.locator("#case-deadlines .badge.late").count() >= 1  # "versäumt", in words
    assert "versäumt" in page.locator("#case-deadlines").inner_text()
    check_axe(page)
    assert browsing.console_errors == []


def test_the_commission_sorts_filters_and_downloads_the_calendar(
    browsing: Browsing, implementation: DemoServer
) -> None:
    page = browsing.page(implementation, "commission")
    page.goto("/dublin")
    rows = page.locator("#dublin-table tbody tr")
    assert rows.count() == 7
    heading = page.locator("#dublin-table thead th").first
    heading.get_by_role("button").click()  # by the case reference
    assert heading.get_attribute("aria-sort") == "ascending"
    refs = [rows.nth(i).locator("th").inner_text().split()[0] for i in range(rows.count())]
    assert refs == sorted(refs)
    page.get_by_label("only cases with a time limit missed").check()
    page.locator("#dublin-filters").get_by_role("button", name="Show").click()
    page.wait_for_url("**/dublin?sort=due&overdue=1")
    assert page.locator("#dublin-table tbody tr").count() == 2
    check_axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Open time limits (.ics)").click()
    assert download.value.suggested_filename == "eupact-dublin-all-SYNTHETIC.ics"
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert body.startswith("BEGIN:VCALENDAR") and body.count("BEGIN:VEVENT") >= 5
    assert browsing.console_errors == []


def test_a_state_the_case_does_not_concern_sees_a_404_page(
    browsing: Browsing, implementation: DemoServer
) -> None:
    page = browsing.page(implementation, "DE")
    assert page.goto("/dublin/SYN-DEMO-NL-002").status == 404
    check_axe(page)
