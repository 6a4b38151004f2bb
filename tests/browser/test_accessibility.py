"""Every page through axe-core (WCAG 2.1 A and AA), and a full-page screenshot of each.

The screenshots are kept in the test's temporary folder, and copied into ``$EUPACT_SCREENSHOTS``
when it is set (``EUPACT_SCREENSHOTS=docs/screenshots`` makes the documentation's pictures).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from .conftest import Browsing, DemoServer

# One xdist worker runs the browser tests when the suite is run with --dist loadgroup (one pair
# of servers and one Chromium instead of one per worker); ignored by the other modes.
pytestmark = pytest.mark.xdist_group("browser")

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass(frozen=True)
class Visit:
    name: str  # also the screenshot's file name, when ``shot``
    server: str  # "pledging" or "implementation"
    who: str | None
    path: str
    status: int = 200
    shot: bool = True
    wait_for: str = ""


VISITS = [
    Visit("overview", "implementation", None, "/"),
    Visit("pool", "implementation", None, "/pool", wait_for="#chart-bars svg"),
    Visit("assessment", "implementation", None, "/assessment"),
    Visit("workspace", "pledging", "DE", "/workspace/DE"),
    Visit("signin", "pledging", None, "/signin"),
    Visit("audit", "implementation", "commission", "/audit"),
    Visit("sources", "implementation", None, "/sources"),
    Visit("downloads", "implementation", None, "/downloads"),
    Visit("error", "pledging", "DE", "/workspace/FR", status=403),
    Visit("pool-fr", "implementation", None, "/pool?lang=fr", wait_for="#chart-bars svg"),
    # states of the pages not pictured: the embargo, the institutions' view, other languages,
    # the workspace after the act (deduction and offsets forms), a 404
    Visit("pool-embargo", "pledging", None, "/pool", shot=False, wait_for="#chart-map svg"),
    Visit(
        "pool-commission", "pledging", "commission", "/pool", shot=False, wait_for="#chart-bars svg"
    ),
    Visit("pool-own-row", "pledging", "DE", "/pool", shot=False, wait_for="#chart-bars svg"),
    Visit("workspace-implementation", "implementation", "IT", "/workspace/IT", shot=False),
    Visit("overview-de", "implementation", "commission", "/?lang=de", shot=False),
    Visit("not-found", "implementation", None, "/no-such-page", status=404, shot=False),
    # issue 15: the page per Member State (pictured), the audit trail filtered, the changed
    # pages in French and German, and the page per Member State for each kind of visitor
    Visit("state", "implementation", "commission", "/state/IT"),
    Visit("states", "implementation", None, "/state"),
    Visit("states-fr", "pledging", "DE", "/state?lang=fr", shot=False),
    Visit("states-de", "implementation", "commission", "/state?lang=de", shot=False),
    Visit("state-fr", "implementation", None, "/state/DE?lang=fr", shot=False),
    Visit("state-de", "implementation", "DE", "/state/DE?lang=de", shot=False),
    Visit("state-embargo", "pledging", None, "/state/DE", shot=False),
    Visit("state-other-state", "pledging", "FR", "/state/DE", shot=False),
    Visit("audit-filtered", "implementation", "council", "/audit?state=DE", shot=False),
    Visit(
        "audit-fr",
        "implementation",
        "commission",
        "/audit?lang=fr&action=cycle.adopt_report",
        shot=False,
    ),
    Visit("audit-de", "implementation", "commission", "/audit?lang=de", shot=False),
    Visit("assessment-fr", "implementation", None, "/assessment?lang=fr", shot=False),
    Visit("assessment-de", "implementation", None, "/assessment?lang=de", shot=False),
    Visit(
        "pool-de", "implementation", None, "/pool?lang=de", shot=False, wait_for="#chart-bars svg"
    ),
    Visit("overview-fr", "implementation", None, "/?lang=fr", shot=False),
    Visit("workspace-fr", "pledging", "DE", "/workspace/DE?lang=fr", shot=False),
    Visit("workspace-de", "pledging", "DE", "/workspace/DE?lang=de", shot=False),
]


def axe_report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.extend(f"        {c['message']}" for c in node.get("any", []) + node["all"])
    return "\n".join(lines)


def check_axe(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    assert not violations, f"axe-core (WCAG 2.1 AA) on {page.url}:\n{axe_report(violations)}"


@pytest.mark.parametrize("visit", VISITS, ids=[v.name for v in VISITS])
def test_page_passes_axe_and_is_pictured(
    visit: Visit, browsing: Browsing, request: pytest.FixtureRequest, screenshot: Any
) -> None:
    server: DemoServer = request.getfixturevalue(visit.server)
    page = browsing.page(server, visit.who)
    response = page.goto(visit.path)
    assert response.status == visit.status
    if visit.wait_for:
        page.wait_for_selector(visit.wait_for, timeout=30_000)
    if visit.shot:
        path = screenshot(page, visit.name)
        assert path.stat().st_size > 10_000
    check_axe(page)
    # the browser reports the page's own error status in the console: expected here
    expected = f"the server responded with a status of {visit.status} "
    assert [e for e in browsing.console_errors if expected not in e] == []


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_withdraw_confirmation_passes_axe(
    browsing: Browsing, pledging: DemoServer, lang: str, screenshot: Any
) -> None:
    """The confirmation asked before a pledge is withdrawn (issue 15), in each language; it
    changes nothing (the page is left with its link back)."""
    page = browsing.page(pledging, "SE")
    page.goto(f"/workspace/SE?lang={lang}")
    page.locator("#pledge-table tbody tr button[value='delete']").first.click()
    page.wait_for_selector("#confirm-withdrawal")
    assert page.evaluate("document.documentElement.lang") == lang
    if lang == "en":
        screenshot(page, "withdraw")
    check_axe(page)
    assert browsing.console_errors == []


def test_forms_with_errors_pass_axe(browsing: Browsing, pledging: DemoServer) -> None:
    """The error states of the forms: a bad token, a bad amount (aria-invalid, messages)."""
    page = browsing.page(pledging)
    page.goto("/signin")
    page.locator("#token").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#token-error")
    check_axe(page)

    page = browsing.page(pledging, "DE")
    page.goto("/workspace/DE")
    page.locator("#amount").fill("abc")
    page.get_by_role("button", name="Pledge").click()
    page.wait_for_selector("#new-pledge-amount-error")
    check_axe(page)
