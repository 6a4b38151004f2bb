"""The dashboard's pages over the demo cycle (SQLite and PostgreSQL), through the ASGI app.

What a visitor may see follows the service's rules (embargo before the Council act, Art. 12(6);
a Member State's own workspace only); forms show errors next to the field and change nothing;
every table downloads as CSV, XLSX and JSON; pages come in English, French and German.
Browser behaviour (JavaScript, charts, axe-core) is in tests/browser/.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from eupact.api.app import create_app
from eupact.cycle.demo import Until, load_demo
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.web.routes import SESSION_COOKIE

from .databases import BACKENDS, fresh_database

PAGES = ("/", "/pool", "/assessment", "/sources", "/downloads", "/signin")


class Site:
    def __init__(self, url: str, until: Until) -> None:
        upgrade(url)
        self.engine = make_engine(url)
        self.service = CycleService(sessions(self.engine))
        self.tokens = load_demo(self.service, 2026, until)
        self.app = create_app(self.service)
        self.forms: dict[str, str] = {}  # each actor's latest session's form token (CSRF)

    def client(self, who: str | None = None, lang: str | None = None) -> TestClient:
        client = TestClient(self.app, follow_redirects=False)
        if who:  # signed in as the sign-in form does it: a session, never the token itself
            session_id, session = self.service.tokens.open_session(self.tokens[who])
            self.forms[who] = session.form_token()
            client.cookies.set(SESSION_COOKIE, session_id)
        if lang:
            client.cookies.set("eupact_lang", lang)
        return client

    def pledges(self, state: str) -> list[dict[str, Any]]:
        actor = self.service.authenticate(self.tokens[state])
        return [p.as_dict() for p in self.service.list_pledges(actor, 2026, state=state)[0]]

    def csrf(self, who: str) -> str:
        return self.forms[who]


def _site(backend: str, tmp: Path, until: Until) -> Iterator[Site]:
    with fresh_database(backend, tmp) as url:
        site = Site(url, until)
        try:
            yield site
        finally:
            site.engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def pledging(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from _site(request.param, tmp_path_factory.mktemp("web"), "pledging")


@pytest.fixture(scope="module", params=BACKENDS)
def implementing(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from _site(request.param, tmp_path_factory.mktemp("web"), "implementation")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# -- every page, every visitor --------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "observer", "DE", "commission"])
def test_every_page_answers_for_every_visitor(pledging: Site, who: str | None) -> None:
    client = pledging.client(who)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:500])
        assert response.headers["content-type"].startswith("text/html")
        assert "Traceback" not in response.text
        assert "SYNTHETIC" in response.text  # the demo's records are labelled on every page


def test_pool_page_embargo_before_the_council_act_art_12_6(pledging: Site) -> None:
    """Before the Council act the fair shares are RESTREINT UE: an observer sees the reference
    key (public data) only; a Member State its own row; the Commission everything."""
    public = text_of(pledging.client().get("/pool").text)
    assert "Key share" in public and "Fair share: EUR" not in public
    assert "Art. 12(6)" in public
    own = pledging.client("DE").get("/pool").text
    assert "Fair share: EUR" in own and "own row" in text_of(own)
    table = own.split('id="key-table"')[1].split("</table>")[0]
    assert table.count("EUR 20,000") == 0
    filled = re.findall(r'<td data-sort="(-?[0-9.]+)">[^<]+</td>\s*<td data-sort="[^"]*">', table)
    assert filled  # DE's own fair share is shown ...
    assert table.count("–") >= 26 * 6  # ... and the other 26 states' fair-share cells are blank
    commission = text_of(pledging.client("commission").get("/pool").text)
    assert "Totals against the reference number" in commission
    assert "Responsibility offsets" in commission


def test_pool_page_after_the_act_shows_totals_offsets_and_charts(implementing: Site) -> None:
    html = implementing.client().get("/pool").text
    page = text_of(html)
    assert "21,000" in page  # the reference number of Decision (EU) 2025/2642
    assert "obligatory (Art. 63(3))" in page  # offsets, with the Forum reconvened
    assert 'id="chart-map"' in html and 'id="chart-bars"' in html
    assert 'src="/static/vega.js"' in html
    assert 'data-vega-embed="chart-map"' in html and 'src="/static/charts.js"' in html


def test_overview_flags_the_late_report_art_9_4(implementing: Site) -> None:
    page = text_of(implementing.client().get("/").text)
    assert "done 27 days late" in page  # 11 Nov 2025 against 15 Oct
    assert "Implementation" in page


def test_assessment_page_lists_every_state_with_its_reasons(pledging: Site) -> None:
    html = pledging.client().get("/assessment").text
    rows = html.split("<tbody>")[1].split("</tbody>")[0].count("<tr>")
    assert rows == 27
    assert "under migratory pressure" in html
    assert "Every rule applied" in html


# -- the workspace --------------------------------------------------------------------------------


def test_workspace_needs_sign_in_and_is_the_states_own(pledging: Site) -> None:
    anonymous = pledging.client()
    assert anonymous.get("/workspace").headers["location"].startswith("/signin")
    assert anonymous.get("/workspace/DE").status_code == 403
    de = pledging.client("DE")
    assert de.get("/workspace").headers["location"] == "/workspace/DE"
    refused = de.get("/workspace/FR")
    assert refused.status_code == 403
    assert "a Member State sees and acts in its own workspace only" in refused.text
    assert "Pledges of" not in refused.text
    assert pledging.client("commission").get("/workspace").status_code == 403


def test_member_state_pledges_and_sees_its_row_update(pledging: Site) -> None:
    client = pledging.client("NL")
    existing = {p["kind"]: p for p in pledging.pledges("NL")}
    relocation = existing["relocation"]
    page = client.get("/workspace/NL").text
    assert f'id="pledge-{relocation["id"]}"' in page
    before = re.search(r'id="pledged-total">([^<]+)<', page)
    assert before
    response = client.post(
        f"/workspace/NL/pledges/{relocation['id']}",
        data={
            "csrf": pledging.csrf("NL"),
            "version": relocation["version"],
            "kind": "relocation",
            "amount": str(relocation["relocations"] + 10),
            "action": "update",
            "form_key": "k-nl-1",
        },
    )
    assert response.status_code == 303, response.text[:800]
    after_page = client.get(response.headers["location"]).text
    after = re.search(r'id="pledged-total">([^<]+)<', after_page)
    assert after and after.group(1) != before.group(1)
    assert "Pledge changed." in after_page
    assert pledging.pledges("NL")[0]["relocations"] == relocation["relocations"] + 10


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "a number, e.g. 1200 or 1200.50"),
        ("-5", "a number of zero or more"),
        ("12.5", "a whole number"),
        ("", "enter an amount"),
    ],
)
def test_bad_pledge_amount_shown_next_to_the_field_and_nothing_changes(
    pledging: Site, amount: str, message: str
) -> None:
    client = pledging.client("PL")
    before = pledging.pledges("PL")
    target = next(p for p in before if p["kind"] == "relocation")
    response = client.post(
        f"/workspace/PL/pledges/{target['id']}",
        data={
            "csrf": pledging.csrf("PL"),
            "version": target["version"],
            "kind": "relocation",
            "amount": amount,
            "action": "update",
        },
    )
    assert response.status_code == 422
    html = response.text
    assert f'id="pledge-{target["id"]}-amount-error"' in html
    assert message in html
    assert 'aria-invalid="true"' in html
    assert f'value="{amount}"' in html  # what was typed is kept
    assert pledging.pledges("PL") == before


def test_second_pledge_of_the_same_type_is_refused_with_the_rule(pledging: Site) -> None:
    client = pledging.client("BE")
    before = pledging.pledges("BE")
    response = client.post(
        "/workspace/BE/pledges",
        data={"csrf": pledging.csrf("BE"), "kind": "financial", "amount": "1000", "note": ""},
    )
    assert response.status_code in (409, 422)
    assert 'role="alert"' in response.text
    assert pledging.pledges("BE") == before


def test_stale_version_is_refused_no_update_lost(pledging: Site) -> None:
    client = pledging.client("CZ")
    target = pledging.pledges("CZ")[0]
    response = client.post(
        f"/workspace/CZ/pledges/{target['id']}",
        data={
            "csrf": pledging.csrf("CZ"),
            "version": str(target["version"] + 7),
            "kind": target["kind"],
            "amount": "1",
            "action": "update",
        },
    )
    assert response.status_code == 412
    assert "read it again" in response.text
    assert pledging.pledges("CZ")[0] == target


def test_form_without_the_csrf_token_is_refused(pledging: Site) -> None:
    client = pledging.client("SE")
    before = pledging.pledges("SE")
    target = before[0]
    response = client.post(
        f"/workspace/SE/pledges/{target['id']}",
        data={"version": target["version"], "kind": target["kind"], "amount": "1"},
    )
    assert response.status_code == 403
    assert "the form has expired" in response.text
    assert pledging.pledges("SE") == before


def test_a_state_cannot_post_into_another_workspace(pledging: Site) -> None:
    client = pledging.client("DE")
    target = pledging.pledges("FR")[0]
    before = pledging.pledges("FR")
    response = client.post(
        f"/workspace/FR/pledges/{target['id']}",
        data={
            "csrf": pledging.csrf("DE"),
            "version": target["version"],
            "kind": target["kind"],
            "amount": "1",
        },
    )
    assert response.status_code == 403
    assert pledging.pledges("FR") == before


def test_offsets_reply_and_deduction_request_after_the_act(implementing: Site) -> None:
    """FR answers EL's call of obligatory offsets: all of them (Art. 63(3), (6); not the
    Art. 69(2) reply, which may accept fewer); AT's deduction form needs reasons."""
    client = implementing.client("FR")
    page = client.get("/workspace/FR").text
    match = re.search(r'action="/workspace/FR/offsets/(\d+)"', page)
    assert match, "FR has an offsets request to answer"
    bad = client.post(
        f"/workspace/FR/offsets/{match.group(1)}",
        data={"csrf": implementing.csrf("FR"), "accepted": "999999"},
    )
    assert bad.status_code == 422 and "Art. 69(2)" in bad.text
    good = client.post(
        f"/workspace/FR/offsets/{match.group(1)}",
        data={"csrf": implementing.csrf("FR"), "accepted": "300"},
    )
    assert good.status_code == 303
    assert (
        f'action="/workspace/FR/offsets/{match.group(1)}"' not in client.get("/workspace/FR").text
    )
    missing = implementing.client("PL").post(
        "/workspace/PL/deductions",
        data={"csrf": implementing.csrf("PL"), "article": "62", "full": "on", "reasons": ""},
    )
    assert missing.status_code == 422
    assert 'id="deduction-reasons-error"' in missing.text


# -- signing in -----------------------------------------------------------------------------------


def signin_check(client: TestClient) -> str:
    """The sign-in form's CSRF value (its cookie is then in ``client``)."""
    form = client.get("/signin").text.split('action="/signin"')[1]
    found = re.search(r'name="csrf" value="([^"]+)"', form)
    assert found
    return found.group(1)


def test_sign_in_sets_a_strict_httponly_cookie_and_refuses_a_bad_token(pledging: Site) -> None:
    client = pledging.client()
    check = signin_check(client)
    bad = client.post("/signin", data={"token": "eup_wrong", "next": "", "csrf": check})
    assert bad.status_code == 401
    assert 'aria-invalid="true"' in bad.text and "unknown or revoked token" in bad.text
    good = client.post("/signin", data={"token": pledging.tokens["AT"], "next": "", "csrf": check})
    assert good.status_code == 303 and good.headers["location"] == "/workspace/AT"
    cookie = next(c for c in good.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    check = signin_check(client)
    elsewhere = client.post(
        "/signin",
        data={"token": pledging.tokens["AT"], "next": "//evil.example", "csrf": check},
    )
    assert elsewhere.headers["location"] == "/workspace/AT"  # never to another site


def test_audit_page_for_institutions_only(implementing: Site) -> None:
    assert implementing.client("DE").get("/audit").status_code == 403
    assert implementing.client().get("/audit").status_code == 403
    page = implementing.client("commission").get("/audit")
    assert page.status_code == 200
    assert "intact" in page.text and "pledge.create" in page.text


def test_unknown_page_is_a_page_and_the_api_stays_json(pledging: Site) -> None:
    client = pledging.client()
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    api = client.get("/api/v1/no-such")
    assert api.status_code == 404 and "json" in api.headers["content-type"]


# -- downloads ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_every_listed_table_downloads(implementing: Site, fmt: str) -> None:
    client = implementing.client()
    page = client.get("/downloads").text
    links = sorted(set(re.findall(rf'href="(/downloads/[a-z]+\.{fmt})', page)))
    assert {"/downloads/key." + fmt, "/downloads/outcome." + fmt} <= set(links)
    assert "/downloads/audit." + fmt not in links  # an observer may not read the audit trail
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert "SYNTHETIC" in response.headers["content-disposition"]
        if fmt == "json":
            document = json.loads(response.content)
            assert document["rows"] and "SYNTHETIC" in document["label"]
        elif fmt == "xlsx":
            book = load_workbook(io.BytesIO(response.content))
            assert book.sheetnames[-1] == "Sources"  # the same workbook as the CLI's
            assert book.worksheets[0].max_row > 1
        else:
            assert response.text.count("\n") > 1


def test_download_follows_the_permission_table(implementing: Site) -> None:
    assert implementing.client().get("/downloads/audit.csv").status_code == 403
    assert implementing.client("council").get("/downloads/audit.csv").status_code == 200
    assert implementing.client().get("/downloads/nothing.csv").status_code == 404
    assert implementing.client().get("/downloads/key.docx").status_code == 404


def test_outcome_download_matches_the_api(implementing: Site) -> None:
    client = implementing.client()
    rows = json.loads(client.get("/downloads/outcome.json").content)["rows"]
    api = client.get(
        "/api/v1/cycles/2026/outcome",
        headers={"Authorization": f"Bearer {implementing.tokens['observer']}"},
    ).json()["rows"]
    assert [r["fair_share_eur"] for r in rows] == [r["fair_share_eur"] for r in api]


# -- languages ------------------------------------------------------------------------------------


def test_language_from_query_is_remembered_and_names_states(implementing: Site) -> None:
    client = implementing.client()
    french = client.get("/pool?lang=fr")
    assert '<html lang="fr">' in french.text
    assert "Allemagne" in french.text
    assert french.cookies.get("eupact_lang") == "fr"
    assert '<html lang="fr">' in client.get("/").text  # remembered
    german = implementing.client().get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="de">' in german.text
    assert "Deutschland" in implementing.client(lang="de").get("/pool").text


def test_numbers_in_the_visitors_notation(implementing: Site) -> None:
    english = text_of(implementing.client(lang="en").get("/pool").text)
    german = text_of(implementing.client(lang="de").get("/pool").text)
    assert "21,000" in english and "21.000" in german


def test_overview_shows_institutions_the_latest_steps(implementing: Site) -> None:
    assert "Latest recorded steps" not in implementing.client().get("/").text
    page = implementing.client("coordinator").get("/").text
    assert "Latest recorded steps" in page and "implementation.record" in page


def test_a_bug_is_a_500_page_without_traceback(
    implementing: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(service: CycleService) -> dict[str, Any]:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("eupact.web.views.sources", broken)
    client = TestClient(implementing.app, raise_server_exceptions=False)
    response = client.get("/sources")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text and "Status 500" in response.text
    assert "simulated bug" not in response.text and "Traceback" not in response.text


def test_a_reset_database_connection_is_a_503_retry(
    implementing: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pool pre-ping, the first statement after a PostgreSQL restart fails once; the
    API says so (503, Retry-After) instead of reporting a bug."""
    from sqlalchemy.exc import OperationalError

    def reset(*args: Any, **kwargs: Any) -> Any:
        closed = Exception("server closed the connection")
        raise OperationalError("SELECT 1", {}, closed, connection_invalidated=True)

    monkeypatch.setattr(implementing.service, "list_cycles", reset)
    client = TestClient(implementing.app, raise_server_exceptions=False)
    response = client.get(
        "/api/v1/cycles", headers={"Authorization": f"Bearer {implementing.tokens['observer']}"}
    )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert "retry the request" in response.text


def test_a_deduction_request_from_the_workspace_art_62(implementing: Site) -> None:
    """A state the Council act lists under Art. 62 requests a full deduction; it is recorded as
    requested (only a Council act grants it) and shown in its workspace."""
    client = implementing.client("HR")
    response = client.post(
        "/workspace/HR/deductions",
        data={
            "csrf": implementing.csrf("HR"),
            "article": "62",
            "full": "on",
            "reasons": "reception capacity exhausted (test)",
            "form_key": "hr-deduction-1",
        },
    )
    assert response.status_code == 303, response.text[:800]
    page = client.get(response.headers["location"]).text
    table = page.split('id="deductions-h"')[1].split("</table>")[0]
    assert "requested" in table and "full" in table
    actor = implementing.service.authenticate(implementing.tokens["HR"])
    mine = [d for d in implementing.service.list_deductions(actor, 2026) if d.state == "HR"]
    assert len(mine) == 1 and mine[0].status == "requested"


def test_pool_table_starts_with_the_largest_share(implementing: Site) -> None:
    """Rows in descending key share, compared as numbers (Germany's 21.69 % first, Malta last)."""
    html = implementing.client().get("/pool").text
    table = html.split('id="key-table"')[1].split("</table>")[0]
    order = re.findall(r'<span class="code">([A-Z]{2})</span>', table)
    assert order[0] == "DE" and order[-1] == "MT" and len(order) == 26


# -- who benefits (Art. 58, 59) -------------------------------------------------------------------


def test_a_state_under_pressure_may_use_the_pool_but_is_not_shown_benefitting(
    pledging: Site,
) -> None:
    """Before it informs (Art. 58(1)), Italy is identified under pressure, not benefitting."""
    page = text_of(pledging.client("IT").get("/workspace/IT").text)
    assert "it may use the pool (Art. 58(1))" in page
    assert "is a benefitting Member State" not in page
    pool = text_of(pledging.client().get("/pool").text)
    assert "No Member State benefits from the pool on" in pool
    assert "they may use the pool (Art. 58(1))" in pool and "Italy" in pool


def test_benefitting_states_are_shown_with_their_article_and_date(implementing: Site) -> None:
    """The demo's states identified under pressure informed (SYNTHETIC dates): each benefits
    from that day under Art. 58(1), the Technical-Level Forum 10 days later (58(3))."""
    page = text_of(implementing.client("IT").get("/workspace/IT").text)
    assert "benefitting Member State of this pool since 2026-06-12 (Art. 58(1) AMMR)" in page
    assert "Technical-Level Forum by 2026-06-22" in page
    html = implementing.client().get("/pool").text
    table = html[html.index('id="benefitting-table"') :]
    table = text_of(table[: table.index("</table>")])
    for name, since in (
        ("Italy", "2026-06-12"),
        ("Greece", "2026-06-12"),
        ("Cyprus", "2026-06-19"),
    ):
        assert re.search(rf"{name} {since} Art\. 58\(1\) AMMR", table), table
    assert 'id="may-use-pool"' not in html  # all four informed
    assert "is a benefitting Member State" not in text_of(
        implementing.client("DE").get("/workspace/DE").text
    )
