"""A Member State's workspace in the browser: sign in, pledge, see the pool follow; errors.

The demo cycle stops in the pledging phase (``--demo-until pledging``): Germany already holds
one pledge of each type (one per state and type), so it amends, withdraws and pledges anew.
A relocation counts at EUR 20 000 in the EUR equivalent (Art. 12(3) AMMR, 2026 parameters).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from .conftest import Browsing, DemoServer, number

# One xdist worker runs the browser tests when the suite is run with --dist loadgroup (one pair
# of servers and one Chromium instead of one per worker); ignored by the other modes.
pytestmark = pytest.mark.xdist_group("browser")

EQUIVALENCE_EUR = 20_000


def sign_in(page: Any, token: str) -> None:
    page.goto("/signin")
    page.locator("#token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def pledge_row(page: Any, kind_label: str) -> Any:
    return page.locator("#pledge-table tbody tr", has=page.locator("th", has_text=kind_label))


def pledged_total(page: Any) -> float:
    return number(page.locator("#pledged-total").inner_text())


def pool_cell(page: Any, geo: str, heading: str) -> str:
    """The text of ``geo``'s cell in the /pool column headed ``heading``."""
    headings = [t.strip() for t in page.locator("#key-table thead th").all_inner_texts()]
    column = next(i for i, t in enumerate(headings) if t.startswith(heading))
    code = page.locator("th span.code", has_text=re.compile(f"^{geo}$"))
    row = page.locator("#key-table tbody tr", has=code)
    return str(row.locator("th, td").nth(column).inner_text())


def test_member_state_amends_withdraws_and_pledges_and_the_pool_follows(
    browsing: Browsing, pledging: DemoServer
) -> None:
    page = browsing.page(pledging)
    sign_in(page, pledging.tokens["DE"])
    assert page.url.endswith("/workspace/DE")
    assert "Germany" in page.locator("h1").inner_text()
    start = pledged_total(page)

    # Amend the relocation pledge: 100 persons more.
    relocation = pledge_row(page, "Relocation")
    amount = relocation.locator("input[id$='-amount']")
    persons = int(number(amount.input_value()))
    amount.fill(str(persons + 100))
    relocation.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "done=pledge-" in page.url
    assert page.get_by_role("status").filter(has_text="Pledge changed.").is_visible()
    expected = start + 100 * EQUIVALENCE_EUR
    assert pledged_total(page) == expected
    assert f"{persons + 100:,} persons" in pledge_row(page, "Relocation").inner_text()

    # Withdraw the financial contribution, then pledge a new one of EUR 1 250 000.
    financial = pledge_row(page, "Financial contribution")
    withdrawn = number(financial.locator("input[id$='-amount']").input_value())
    financial.get_by_role("button", name="Withdraw").click()
    page.wait_for_load_state()
    # First a page that says what would be withdrawn, and nothing has changed yet (issue 15).
    assert page.locator("h1").inner_text() == "Withdraw this pledge?"
    assert "Financial contribution" in page.locator("#withdraw-pledge").inner_text()
    page.get_by_role("link", name="No, keep it").click()
    page.wait_for_load_state()
    assert pledged_total(page) == expected  # kept
    financial = pledge_row(page, "Financial contribution")
    financial.get_by_role("button", name="Withdraw").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Yes, withdraw the pledge").click()
    page.wait_for_load_state()
    assert "done=withdrawn" in page.url
    assert page.get_by_role("status").filter(has_text="Pledge withdrawn.").is_visible()
    expected -= withdrawn
    assert pledge_row(page, "Financial contribution").count() == 0
    assert pledged_total(page) == expected

    form = page.locator("#new-pledge")
    form.locator("#kind").select_option("financial")
    form.locator("#amount").fill("1 250 000")
    form.locator("#note").fill("browser test")
    form.get_by_role("button", name="Pledge").click()
    page.wait_for_load_state()
    assert page.url.endswith("done=new-pledge#new-pledge")
    assert page.get_by_role("status").filter(has_text="Pledge recorded.").is_visible()
    expected += 1_250_000
    assert pledged_total(page) == expected
    new_row = pledge_row(page, "Financial contribution")
    assert "EUR 1,250,000.00" in new_row.inner_text()
    assert "browser test" in new_row.inner_text()

    # The Commission, in a browser of its own, sees Germany's new total in the pool's table.
    commission = browsing.page(pledging)
    sign_in(commission, pledging.tokens["commission"])
    commission.goto("/pool")
    assert number(pool_cell(commission, "DE", "Pledged: EUR equivalent")) == expected
    assert number(pool_cell(commission, "DE", "Pledged: relocations")) == persons + 100


def test_bad_amount_is_shown_next_to_the_field_and_changes_nothing(
    browsing: Browsing, pledging: DemoServer
) -> None:
    page = browsing.page(pledging, "DE")
    page.goto("/workspace/DE")
    start = pledged_total(page)
    rows_before = page.locator("#pledge-table tbody").inner_text()

    # The amend form of an existing pledge: a negative amount.
    relocation = pledge_row(page, "Relocation")
    field_id = relocation.locator("input[id$='-amount']").get_attribute("id")
    relocation.locator(f"#{field_id}").fill("-5")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        relocation.get_by_role("button", name="Save").click()
    assert answer.value.status == 422
    page.wait_for_load_state()
    field = page.locator(f"#{field_id}")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == "-5"
    error = page.locator(f"#{field_id}-error")
    assert field.get_attribute("aria-describedby") == f"{field_id}-error"
    assert error.evaluate("e => e.matches('p.error')")
    assert "zero or more" in error.inner_text()
    # next to the field: in the same form, right after it
    assert field.evaluate(
        "(f, id) => f.form.contains(document.getElementById(id))", f"{field_id}-error"
    )
    assert pledged_total(page) == start

    # The new-pledge form: not a number; what was typed stays in every field.
    form = page.locator("#new-pledge")
    form.locator("#kind").select_option("alternative")
    form.locator("#amount").fill("abc")
    form.locator("#requested_by").fill("ES")
    form.locator("#note").fill("typed by hand")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        form.get_by_role("button", name="Pledge").click()
    assert answer.value.status == 422
    page.wait_for_load_state()
    amount = page.locator("#amount")
    assert amount.get_attribute("aria-invalid") == "true"
    assert amount.input_value() == "abc"
    assert page.locator("#kind").input_value() == "alternative"
    assert page.locator("#requested_by").input_value() == "ES"
    assert page.locator("#note").input_value() == "typed by hand"
    assert "a number" in page.locator("#new-pledge-amount-error").inner_text()
    assert page.locator("#new-pledge p.error").count() == 1
    # nothing changed
    assert pledged_total(page) == start
    page.goto("/workspace/DE")
    assert page.locator("#pledge-table tbody").inner_text() == rows_before
    assert pledged_total(page) == start


def test_a_member_state_cannot_open_another_states_workspace(
    browsing: Browsing, pledging: DemoServer
) -> None:
    api = httpx.get(
        f"{pledging.url}/api/v1/cycles/2026/pledges",
        params={"state": "FR"},
        headers={"Authorization": f"Bearer {pledging.tokens['FR']}"},
    )
    api.raise_for_status()
    french = api.json()["items"]
    assert french

    page = browsing.page(pledging, "DE")
    response = page.goto("/workspace/FR")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Not allowed"
    text = page.locator("main").inner_text()
    assert "a Member State sees and acts in its own workspace only" in text
    assert "signed in as DE" in text
    assert page.locator("#pledge-table").count() == 0
    assert page.locator("form[action^='/workspace/FR']").count() == 0
    html = page.content()
    for p in french:
        assert f"/pledges/{p['id']}" not in html
        if float(p["amount_eur"]):
            assert f"{float(p['amount_eur']):,.2f}" not in text


def test_workspace_without_signing_in_goes_to_the_sign_in_form(
    browsing: Browsing, pledging: DemoServer
) -> None:
    page = browsing.page(pledging)
    page.goto("/workspace")
    assert page.url == f"{pledging.url}/signin?next=/workspace"
    assert page.locator("#token").is_visible()
    page.locator("#token").fill("eup_not-a-token")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.locator("#token").get_attribute("aria-invalid") == "true"
    assert "unknown or revoked token" in page.locator("#token-error").inner_text()
    # back to where the visitor wanted to go, which is the state's own workspace
    page.locator("#token").fill(pledging.tokens["DE"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.url == f"{pledging.url}/workspace/DE"
