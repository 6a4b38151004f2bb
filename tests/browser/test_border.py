"""The border procedure's pages (APR Arts. 47-50) in Chromium, on the demo server's SYNTHETIC
figures (``eupact serve --demo`` seeds them through ``eupact.cycle.border_demo``): axe-core (WCAG
2.1 AA) on /border and /border/{geo} in English, French and German; the charts drawn (an SVG in
their figure); a state opened from the use table; the table downloaded as CSV; the Art. 49(4)
details seen by the reporting state; a screenshot of each page (``docs/screenshots/``, with
``EUPACT_SCREENSHOTS=docs/screenshots``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import Browsing, DemoServer
from .test_accessibility import check_axe

pytestmark = pytest.mark.xdist_group("browser")

LANGS = ("en", "fr", "de")
HEADINGS = {"en": "Border procedure", "fr": "Procédure à la frontière", "de": "Grenzverfahren"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_overview_and_a_state_pass_axe_and_draw_their_charts(
    browsing: Browsing, implementation: DemoServer, lang: str, screenshot: Any
) -> None:
    page = browsing.page(implementation)
    assert page.goto(f"/border?lang={lang}").status == 200
    assert page.evaluate("document.documentElement.lang") == lang
    assert HEADINGS[lang] in page.locator("h1").inner_text()
    assert page.locator("#border-synthetic").is_visible()
    assert page.locator("#border-use tbody tr").count() >= 5
    page.locator("#chart-border-use svg").first.wait_for()
    if lang == "en":
        screenshot(page, "border")
    check_axe(page)
    page.locator("#border-use tbody tr th a").first.click()
    page.wait_for_url("**/border/*")
    assert HEADINGS[lang] in page.locator("h1").inner_text()
    page.locator("#chart-border-state svg").first.wait_for()
    if lang == "en":
        screenshot(page, "border-state")
    check_axe(page)
    assert browsing.console_errors == []


def test_a_state_reads_its_own_details_and_downloads_the_table(
    browsing: Browsing, implementation: DemoServer
) -> None:
    page = browsing.page(implementation, "IT")
    assert page.goto("/border/IT").status == 200
    assert page.locator("#border-months thead").inner_text().count("Art. 49(4)") == 2
    assert page.locator("#border-withheld").count() == 0
    check_axe(page)
    with page.expect_download() as download:
        page.locator("#border-state-csv").click()
    name = download.value.suggested_filename
    assert name.startswith("eupact-border-IT-") and name.endswith("-SYNTHETIC.csv")
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert body.startswith("geo,month,") and body.count("\nIT,") >= 3
    assert browsing.console_errors == []
    assert page.goto("/border/DK").status == 404  # (the browser logs the 404 itself)
    check_axe(page)
