"""The pages of issue 15's next requests and issue 18's What-if page in Chromium: the legal
calendar (its filter without JavaScript, its .ics download), What if (the form, the comparison,
its chart drawn from a JSON data block), the matching (sample candidates, an uploaded CSV, the
assignment and its download); axe-core (WCAG 2.1 AA) on each in English, French and German, and a
screenshot of each (``docs/screenshots/``, with ``EUPACT_SCREENSHOTS=docs/screenshots``)."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Browsing, DemoServer
from .test_accessibility import check_axe

pytestmark = pytest.mark.xdist_group("browser")

LANGS = ("en", "fr", "de")


# -- the legal calendar ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_calendar_passes_axe_and_is_pictured(
    browsing: Browsing, implementation: DemoServer, lang: str, screenshot: Any
) -> None:
    page = browsing.page(implementation, "DE")
    response = page.goto(f"/calendar?for=DE&lang={lang}")
    assert response.status == 200
    assert page.evaluate("document.documentElement.lang") == lang
    if lang == "en":
        screenshot(page, "calendar")
    check_axe(page)
    assert browsing.console_errors == []


def test_calendar_filter_works_without_javascript_and_the_ics_downloads(
    browser: Any, implementation: DemoServer
) -> None:
    context = browser.new_context(
        java_script_enabled=False, accept_downloads=True, base_url=implementation.url
    )
    try:
        page = context.new_page()
        page.goto("/calendar")
        everything = page.locator("#calendar-table tbody tr").count()
        page.select_option("#calendar-for", "council")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**/calendar?year=2026&for=council")
        assert 0 < page.locator("#calendar-table tbody tr").count() < everything
        with page.expect_download() as download:
            page.get_by_role("link", name="European Commission's calendar (.ics)").click()
        assert download.value.suggested_filename == "eupact-calendar-2026-commission-SYNTHETIC.ics"
        body = open(download.value.path(), encoding="utf-8").read()
        assert body.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in body
    finally:
        context.close()
