"""The implementation plan's pages (issue 19 item 3) in Chromium, on the demo server: axe-core
(WCAG 2.1 AA) on ``/plan``, ``/plan/block/7``, ``/plan/timeline`` and ``/plan/state/DE`` in
English, French and German; the matrix's cell reveals its articles when the keyboard focus
reaches it (and on hover), Escape hides them; a state's checklist downloaded as CSV and .ics; a
screenshot of each page (``docs/screenshots/``, with ``EUPACT_SCREENSHOTS=docs/screenshots``)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import Browsing, DemoServer
from .test_accessibility import check_axe

pytestmark = pytest.mark.xdist_group("browser")

LANGS = ("en", "fr", "de")
PAGES = ("/plan", "/plan/block/7", "/plan/timeline", "/plan/state/DE")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", PAGES)
def test_the_plan_pages_pass_axe(
    browsing: Browsing, implementation: DemoServer, path: str, lang: str, screenshot: Any
) -> None:
    page = browsing.page(implementation)
    response = page.goto(f"{path}?lang={lang}")
    assert response.status == 200
    assert page.evaluate("document.documentElement.lang") == lang
    if lang == "en":
        screenshot(page, "plan" + path[len("/plan") :].replace("/", "-"))
    check_axe(page)
    assert browsing.console_errors == []


def test_keyboard_focus_reveals_a_matrix_cell_s_articles(
    browsing: Browsing, implementation: DemoServer
) -> None:
    page = browsing.page(implementation)
    page.goto("/plan")
    link = page.locator("#matrix-DE a.cell-link").first
    tip_id = link.get_attribute("aria-describedby")
    tip = page.locator(f"#{tip_id}")
    assert not tip.is_visible()
    # Tab from the last link before the matrix's first cell: the keyboard's own path
    page.locator("#matrix-DE th a").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cell-link')"):
            break
    focused = page.evaluate("document.activeElement.getAttribute('aria-describedby')")
    assert focused == tip_id
    assert tip.is_visible()
    assert re.search(r"Art\. \d+", tip.inner_text())
    # the accessible description is the tooltip's text (screen readers hear the articles)
    assert page.evaluate(
        "document.getElementById(document.activeElement.getAttribute('aria-describedby'))"
        ".textContent.includes('Art.')"
    )
    page.keyboard.press("Escape")  # WCAG 1.4.13: dismissible without moving the focus
    assert not tip.is_visible()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert tip.is_visible()
    page.mouse.move(0, 0)
    page.keyboard.press("Tab")  # the next cell, shown on focus too
    assert not tip.is_visible()
    assert browsing.console_errors == []


def test_hover_reveals_a_cell_and_late_is_not_colour_alone(
    browsing: Browsing, implementation: DemoServer
) -> None:
    page = browsing.page(implementation)
    page.goto("/plan")
    late = page.locator("#plan-matrix td.c-late").first
    assert "⚠" in late.inner_text()  # a symbol, and the word in the link's text
    assert "late" in late.locator("a.cell-link").text_content()
    late.hover()
    assert late.locator(".tip").is_visible()
    assert "late" in late.locator(".tip").inner_text()


def test_a_checklist_downloads_as_csv_and_ics(
    browsing: Browsing, implementation: DemoServer
) -> None:
    page = browsing.page(implementation)
    page.goto("/plan")
    page.get_by_label("Member State", exact=True).select_option("DE")
    page.get_by_role("button", name="Show its checklist").click()
    page.wait_for_url("**/plan/state/DE")
    with page.expect_download() as csv_file:
        page.get_by_role("link", name="This checklist (CSV)").click()
    assert csv_file.value.suggested_filename.startswith("eupact-plan-DE")
    with page.expect_download() as ics_file:
        page.get_by_role("link", name="Upcoming duties (.ics)").click()
    assert ics_file.value.suggested_filename.endswith(".ics")
    assert browsing.console_errors == []
