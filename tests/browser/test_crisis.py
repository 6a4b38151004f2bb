"""The crisis pages (CFMR Arts 2-9) in Chromium, on the demo server's SYNTHETIC crisis (``eupact
serve --demo`` records it through ``eupact.cycle.crisis_demo``): axe-core (WCAG 2.1 AA) on the
list and on the crisis in English, French and German, for a visitor and for the requesting
state; the crisis opened by clicking it in the list; the late Commission decision said in words
(not by colour alone); the indicative contributions sorted by a heading; the due dates
downloaded as an .ics file; a screenshot of each page (``docs/screenshots/``, with
``EUPACT_SCREENSHOTS=docs/screenshots``)."""

from __future__ import annotations

from typing import Any

import pytest

from eupact.cycle.crisis_demo import STATE

from .conftest import Browsing, DemoServer
from .test_accessibility import check_axe

pytestmark = pytest.mark.xdist_group("browser")

LANGS = ("en", "fr", "de")
LATE = {"en": "done late", "fr": "fait en retard", "de": "verspätet erledigt"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_and_the_crisis_pass_axe_and_a_click_opens_it(
    browsing: Browsing, implementation: DemoServer, lang: str, screenshot: Any
) -> None:
    page = browsing.page(implementation)
    assert page.goto(f"/crises?lang={lang}").status == 200
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.locator("#crisis-table tbody tr").count() == 1
    assert page.locator("#crisis-synthetic").is_visible()
    if lang == "en":
        screenshot(page, "crises")
    check_axe(page)
    page.locator("#crisis-table tbody th a").first.click()
    page.wait_for_url("**/crises/1")
    late = page.locator("#due-commission_decision .badge.late")
    assert late.inner_text() == LATE[lang]  # in words, not by colour alone
    assert page.locator("#crisis-derogations tbody tr").count() == 2  # Arts 10 and 12
    assert page.locator("#crisis-withheld").is_visible()  # a visitor: reasoning withheld
    if lang == "en":
        screenshot(page, "crisis")
    check_axe(page)
    assert browsing.console_errors == []


def test_the_requesting_state_sorts_the_shares_and_downloads_the_dates(
    browsing: Browsing, implementation: DemoServer
) -> None:
    page = browsing.page(implementation, STATE)
    assert page.goto("/crises/1?lang=de").status == 200
    assert page.locator("#crisis-withheld").count() == 0  # its own reasoning
    check_axe(page)
    table = page.locator("#crisis-shares")
    heading = table.locator("thead th").nth(1)
    heading.get_by_role("button").click()
    assert heading.get_attribute("aria-sort") in ("ascending", "descending")
    rows = table.locator("tbody tr")
    values = [
        int(rows.nth(i).locator("td").first.get_attribute("data-sort") or 0)
        for i in range(rows.count())
    ]
    assert values in (sorted(values), sorted(values, reverse=True))
    with page.expect_download() as download:
        page.locator("#crisis-ics").click()
    assert download.value.suggested_filename == "crisis-1.ics"
    assert browsing.console_errors == []
