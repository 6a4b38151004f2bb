"""The pages of issue 15's next requests and issue 18's What-if page in Chromium: the legal
calendar (its filter without JavaScript, its .ics download), What if (the form, the comparison,
its chart drawn from a JSON data block), the matching (sample candidates, an uploaded CSV, the
assignment and its download); axe-core (WCAG 2.1 AA) on each in English, French and German, and a
screenshot of each (``docs/screenshots/``, with ``EUPACT_SCREENSHOTS=docs/screenshots``)."""

from __future__ import annotations

from pathlib import Path
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
        body = Path(download.value.path()).read_text(encoding="utf-8")
        assert body.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in body
    finally:
        context.close()


# -- What if ---------------------------------------------------------------------------------------

WHAT_IF = "/what-if?relocations=25000&scale=50&forum=yes&deduction=PL&chart=offsets&run=1"


@pytest.mark.parametrize("lang", LANGS)
def test_what_if_passes_axe_draws_its_chart_and_is_pictured(
    browsing: Browsing, implementation: DemoServer, lang: str, screenshot: Any
) -> None:
    page = browsing.page(implementation)
    response = page.goto(f"{WHAT_IF}&lang={lang}")
    assert response.status == 200
    page.wait_for_selector("#chart-compare svg", timeout=30_000)
    bars = page.locator("#chart-compare svg path[aria-roledescription='bar']")
    assert bars.count() >= 2 * 20  # A and B for (nearly) every state with offsets owed
    if lang == "en":
        screenshot(page, "what-if")
    check_axe(page)
    assert browsing.console_errors == []


def test_what_if_form_is_filled_and_a_refusal_passes_axe(
    browsing: Browsing, implementation: DemoServer
) -> None:
    page = browsing.page(implementation, "commission")
    page.goto("/what-if")
    page.locator("#relocations").fill("30000")
    page.locator("#scale").fill("150")
    page.select_option("#forum", "no")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_selector("#what-if-result")
    assert "relocations=30000" in page.url and "scale=150" in page.url  # an address to share
    totals = page.locator("#what-if-totals").inner_text()
    assert "30,000" in totals and "600,000,000" in totals  # the EUR follows the act's ratio
    page.locator("#relocations").fill("lots")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_selector("#what-if-problems")
    assert page.locator("#relocations").get_attribute("aria-invalid") == "true"
    check_axe(page)
    assert browsing.console_errors == [] or all("422" in e for e in browsing.console_errors)


# -- the relocation matching ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_matching_sample_candidates_passes_axe_and_is_pictured(
    browsing: Browsing, implementation: DemoServer, lang: str, screenshot: Any
) -> None:
    page = browsing.page(implementation, "IT")
    page.goto(f"/matching?lang={lang}")
    check_axe(page)  # the form
    page.locator("#n").fill("60")
    page.locator("#matching-form button[value='page']").click()
    page.wait_for_selector("#matching-result")
    assert page.locator("#matching-assignments tbody tr").count() == 60
    assert page.evaluate("document.documentElement.lang") == lang
    if lang == "en":
        screenshot(page, "matching")
    check_axe(page)
    assert browsing.console_errors == []


def test_matching_an_uploaded_file_and_downloading_the_assignment(
    browsing: Browsing, implementation: DemoServer, tmp_path: Path
) -> None:
    candidates = tmp_path / "candidates.csv"
    candidates.write_text(
        "id,benefitting_state,family_unit,links\nP1,EL,F1,FR:family\nP2,EL,F1,\nP3,EL,,\n",
        encoding="utf-8",
    )
    page = browsing.page(implementation, "coordinator")
    page.goto("/matching")
    page.select_option("#state", "EL")
    page.locator("#source-file").check()
    page.locator("#candidates").set_input_files(str(candidates))
    page.locator("#matching-form button[value='page']").click()
    page.wait_for_selector("#matching-result")
    rows = page.locator("#matching-assignments tbody tr")
    assert rows.count() == 3
    assert "FR" in rows.nth(0).inner_text() and "FR" in rows.nth(1).inner_text()  # together
    with page.expect_download() as download:
        page.locator("#matching-download button").click()
    assert download.value.suggested_filename == "eupact-2026-matching-EL.csv"
    body = Path(download.value.path()).read_text(encoding="utf-8")
    assert body.splitlines()[0].startswith("applicant_id,") and "P3" in body
    bad = tmp_path / "bad.csv"
    bad.write_text("id,benefitting_state\nP1,XX\n", encoding="utf-8")
    page.locator("#source-file").check()
    page.locator("#candidates").set_input_files(str(bad))
    page.locator("#matching-form button[value='page']").click()
    page.wait_for_selector("#matching-problems")
    check_axe(page)
