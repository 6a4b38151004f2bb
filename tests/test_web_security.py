"""Security of the dashboard and the API, on SQLite and PostgreSQL.

The session cookie is a random session id, never the API token (HttpOnly, SameSite=Strict,
Secure over HTTPS), and signing out ends the session in the database; revoked and expired tokens
are refused by the API and end their sessions; every form (sign-in and sign-out included) is
refused without its CSRF value or from another site, changing nothing; every answer carries the
security headers; failed sign-ins and refused tokens are limited per address (429 with
Retry-After); no answer ever contains a token. The limiter's own rules (window, bound memory,
threads, IPv6 networks) and the ``eupact tokens`` commands are tested here too.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from eupact.api.app import create_app
from eupact.cli.main import app as cli
from eupact.cycle.demo import load_demo
from eupact.cycle.phases import Role
from eupact.cycle.service import CycleService
from eupact.cycle.service.tokens import hash_token
from eupact.cycle.store.db import alembic_config, make_engine, sessions, upgrade
from eupact.cycle.store.models import Base, WebSessionRow
from eupact.web.routes import SESSION_COOKIE, SIGNIN_COOKIE
from eupact.web.security import (
    PAGE_POLICY,
    RESOURCE_POLICY,
    FailureLimiter,
    client_key,
    install_security,
)

from .databases import BACKENDS, fresh_database

V1 = "/api/v1"
YEAR = 2026


class Clock:
    """Seconds for the limiter, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Site:
    """The demo cycle (pledging open) on a fresh database, the app, and the actors' tokens."""

    def __init__(self, url: str) -> None:
        upgrade(url)
        self.url = url
        self.engine = make_engine(url)
        self.service = CycleService(sessions(self.engine))
        self.tokens = load_demo(self.service, YEAR, "pledging")
        self.app = create_app(self.service)
        self.clock = Clock()

    def client(self, https: bool = False) -> TestClient:
        base = "https://testserver" if https else "http://testserver"
        return TestClient(self.app, base_url=base, follow_redirects=False)

    def limit(self, n: int) -> FailureLimiter:
        """A fresh limiter of ``n`` failures a minute, on the test's clock."""
        self.clock = Clock()
        limiter = FailureLimiter(limit=n, window=60, clock=self.clock)
        self.app.state.auth_limiter = limiter
        return limiter

    def state(self) -> str:
        """A digest of every row of every table."""
        digest = hashlib.sha256()
        with self.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                digest.update(f"{table.name}:{[tuple(r) for r in rows]!r}".encode())
        return digest.hexdigest()

    def session_row(self, session_id: str) -> WebSessionRow | None:
        with self.service.sessions() as session:
            return session.get(WebSessionRow, hash_token(session_id))


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    with fresh_database(request.param, tmp_path_factory.mktemp("websec")) as url:
        made = Site(url)
        try:
            yield made
        finally:
            made.engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_limiter(request: pytest.FixtureRequest) -> None:
    # a test's failures must not count against the next one's sign-ins
    if "site" in request.fixturenames:
        request.getfixturevalue("site").limit(10)


def signin_form(client: TestClient) -> tuple[str, httpx.Response]:
    """The sign-in form's CSRF value (its cookie is then in ``client``) and the answer."""
    response = client.get("/signin")
    form = response.text.split('action="/signin"')[1]
    found = re.search(r'name="csrf" value="([^"]+)"', form)
    assert found
    return found.group(1), response


def sign_in(client: TestClient, token: str, **extra: str) -> httpx.Response:
    check, _ = signin_form(client)
    response: httpx.Response = client.post(
        "/signin", data={"token": token, "next": "", "csrf": check, **extra}
    )
    return response


def form_token(html: str) -> str:
    found = re.search(
        r'action="/signout"[^>]*><input type="hidden" name="csrf" value="([^"]+)"', html
    )
    assert found, "no sign-out form"
    return found.group(1)


def set_cookie(response: httpx.Response, name: str) -> str:
    found = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}=")]
    assert len(found) == 1, response.headers.get_list("set-cookie")
    return found[0]


def signed_in(client: TestClient) -> bool:
    return "Signed in as" in client.get("/sources").text


# -- the session cookie -----------------------------------------------------------------------------


def test_the_cookie_is_a_session_id_not_the_token(site: Site) -> None:
    client = site.client()
    token = site.tokens["DE"]
    response = sign_in(client, token)
    assert response.status_code == 303 and response.headers["location"] == "/workspace/DE"
    cookie = set_cookie(response, SESSION_COOKIE)
    session_id = client.cookies[SESSION_COOKIE]
    assert token not in cookie and session_id != token
    assert hash_token(token) not in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP: a Secure cookie would never come back
    row = site.session_row(session_id)
    assert row is not None and row.ended_at is None  # the table keeps the id's hash only
    with site.engine.connect() as conn:
        ids = conn.execute(select(WebSessionRow.id)).scalars().all()
    assert session_id not in ids
    assert signed_in(client)
    assert client.get("/sources").headers["cache-control"] == "no-store"  # not kept in caches


def test_cookies_are_secure_over_https(site: Site) -> None:
    client = site.client(https=True)
    _, form = signin_form(client)
    check_cookie = set_cookie(form, SIGNIN_COOKIE)
    assert "Secure" in check_cookie and "HttpOnly" in check_cookie
    assert "SameSite=strict" in check_cookie and "Path=/signin" in check_cookie
    response = sign_in(client, site.tokens["FR"])
    assert response.status_code == 303
    cookie = set_cookie(response, SESSION_COOKIE)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_sign_out_ends_the_session_in_the_database(site: Site) -> None:
    client = site.client()
    sign_in(client, site.tokens["DE"])
    session_id = client.cookies[SESSION_COOKIE]
    page = client.get("/workspace/DE")
    assert page.status_code == 200
    out = client.post("/signout", data={"csrf": form_token(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert 'eupact_session=""' in set_cookie(out, SESSION_COOKIE)
    row = site.session_row(session_id)
    assert row is not None and row.ended_at is not None
    # whoever kept the old cookie is signed out too
    stolen = site.client()
    stolen.cookies.set(SESSION_COOKIE, session_id)
    assert not signed_in(stolen)
    assert stolen.get("/workspace").headers["location"].startswith("/signin")
    assert stolen.get("/workspace/DE").status_code == 403


def test_signing_in_again_ends_the_previous_session(site: Site) -> None:
    client = site.client()
    sign_in(client, site.tokens["DE"])
    first = client.cookies[SESSION_COOKIE]
    sign_in(client, site.tokens["FR"])
    assert client.cookies[SESSION_COOKIE] != first
    row = site.session_row(first)
    assert row is not None and row.ended_at is not None


# -- revoked and expired tokens ---------------------------------------------------------------------


def test_a_revoked_token_is_refused_and_its_sessions_end(site: Site) -> None:
    token, info = site.service.tokens.issue(Role.OBSERVER, label="to revoke")
    api = site.client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get(f"{V1}/cycles", headers=bearer).status_code == 200
    browser = site.client()
    assert sign_in(browser, token).status_code == 303
    assert signed_in(browser)
    _, changed = site.service.tokens.revoke(info.id)
    assert changed
    refused = api.get(f"{V1}/cycles", headers=bearer)
    assert refused.status_code == 401 and "unknown or revoked token" in refused.text
    assert not signed_in(browser)
    row = site.session_row(browser.cookies[SESSION_COOKIE])
    assert row is not None and row.ended_at is not None
    again = sign_in(site.client(), token)
    assert again.status_code == 401 and "unknown or revoked token" in again.text
    verdict = site.service.verify_audit()
    assert verdict["ok"], verdict


def test_an_expired_token_is_refused_and_its_sessions_end(site: Site) -> None:
    token, info = site.service.tokens.issue(Role.OBSERVER, label="short", expires_in_days=1)
    assert info.expires_at - info.created_at == dt.timedelta(days=1)
    browser = site.client()
    assert sign_in(browser, token).status_code == 303
    row = site.session_row(browser.cookies[SESSION_COOKIE])
    assert row is not None  # a session never outlives its token
    assert row.expires_at.replace(tzinfo=dt.UTC) <= info.expires_at
    real = site.service.clock
    later = real() + dt.timedelta(days=1, minutes=1)
    site.service.clock = lambda: later
    try:
        refused = site.client().get(f"{V1}/cycles", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 401 and "expired" in refused.text
        assert not signed_in(browser)
        again = sign_in(site.client(), token)
        assert again.status_code == 401 and "this token has expired" in again.text
        listed = {t.id: t for t in site.service.tokens.all()}
        assert listed[info.id].status(later) == "expired"
    finally:
        site.service.clock = real


def test_a_session_expires_after_its_lifetime(site: Site) -> None:
    browser = site.client()
    sign_in(browser, site.tokens["commission"])
    assert signed_in(browser)
    real = site.service.clock
    later = real() + dt.timedelta(hours=8, seconds=1)
    site.service.clock = lambda: later
    try:
        assert not signed_in(browser)
    finally:
        site.service.clock = real


# -- CSRF -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["no value", "wrong value", "no cookie", "another site"])
def test_sign_in_refuses_a_form_without_its_csrf_value(site: Site, how: str) -> None:
    client = site.client()
    check, _ = signin_form(client)
    data = {"token": site.tokens["DE"], "next": "", "csrf": check}
    headers = {}
    if how == "no value":
        del data["csrf"]
    elif how == "wrong value":
        data["csrf"] = check[::-1]
    elif how == "no cookie":
        client.cookies.clear()
    else:
        headers["Sec-Fetch-Site"] = "cross-site"
    before = site.state()
    response = client.post("/signin", data=data, headers=headers)
    assert response.status_code == 403, response.text[-800:]
    assert "the form has expired" in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
    assert site.state() == before


@pytest.mark.parametrize("how", ["no value", "wrong value", "another site"])
def test_sign_out_refuses_a_form_without_its_csrf_value(site: Site, how: str) -> None:
    client = site.client()
    sign_in(client, site.tokens["DE"])
    token = form_token(client.get("/sources").text)
    data = {} if how == "no value" else {"csrf": token if how == "another site" else "x" * 64}
    headers = {"Sec-Fetch-Site": "cross-site"} if how == "another site" else {}
    before = site.state()
    response = client.post("/signout", data=data, headers=headers)
    assert response.status_code == 403
    assert site.state() == before
    assert signed_in(client)


@pytest.mark.parametrize("how", ["no value", "wrong value", "another session's", "another site"])
def test_workspace_forms_refuse_a_form_without_its_csrf_value(site: Site, how: str) -> None:
    client = site.client()
    sign_in(client, site.tokens["SE"])
    other = site.client()
    sign_in(other, site.tokens["SE"])
    mine = form_token(client.get("/workspace/SE").text)
    theirs = form_token(other.get("/workspace/SE").text)
    assert mine != theirs  # each session signs its own forms
    data = {"kind": "financial", "amount": "1000", "note": "", "form_key": f"k-{how}"}
    headers = {}
    if how == "wrong value":
        data["csrf"] = mine[::-1]
    elif how == "another session's":
        data["csrf"] = theirs
    elif how == "another site":
        data["csrf"] = mine
        headers["Sec-Fetch-Site"] = "cross-site"
    before = site.state()
    response = client.post("/workspace/SE/pledges", data=data, headers=headers)
    assert response.status_code == 403
    assert "the form has expired" in response.text
    assert site.state() == before


def test_a_same_origin_form_is_accepted(site: Site) -> None:
    client = site.client()
    check, _ = signin_form(client)
    response = client.post(
        "/signin",
        data={"token": site.tokens["DE"], "next": "", "csrf": check},
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303


@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "/\t/evil.example"])
def test_sign_in_never_sends_anyone_to_another_site(site: Site, target: str) -> None:
    response = sign_in(site.client(), site.tokens["AT"], next=target)
    assert response.headers["location"] == "/workspace/AT"


# -- headers ----------------------------------------------------------------------------------------


def assert_secured(response: httpx.Response, policy: str) -> None:
    headers = response.headers
    assert headers["content-security-policy"] == policy, headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"


def test_security_headers_on_pages_the_api_errors_and_files(site: Site) -> None:
    client = site.client()
    assert_secured(client.get("/"), PAGE_POLICY)
    assert_secured(client.get("/pool"), PAGE_POLICY)
    assert_secured(client.get("/no-such-page"), PAGE_POLICY)
    assert_secured(client.get("/workspace/DE"), PAGE_POLICY)  # 403 page
    assert_secured(
        client.get(f"{V1}/cycles", headers={"Authorization": "Bearer x"}), RESOURCE_POLICY
    )
    bearer = {"Authorization": f"Bearer {site.tokens['commission']}"}
    assert_secured(client.get(f"{V1}/cycles", headers=bearer), RESOURCE_POLICY)
    assert_secured(client.get(f"{V1}/no-such-thing", headers=bearer), RESOURCE_POLICY)
    assert_secured(client.get("/static/style.css"), RESOURCE_POLICY)
    assert_secured(client.get("/healthz"), RESOURCE_POLICY)
    script = PAGE_POLICY.split("script-src ")[1].split(";")[0]
    assert script == "'self'"  # no inline script, no eval: the charts use Vega's interpreter
    assert "frame-ancestors 'none'" in PAGE_POLICY and "base-uri 'none'" in PAGE_POLICY


def test_pages_hold_no_inline_script(site: Site) -> None:
    client = site.client()
    sign_in(client, site.tokens["DE"])
    for path in ("/", "/pool", "/assessment", "/workspace/DE", "/sources", "/downloads", "/signin"):
        html = client.get(path).text
        for attributes in re.findall(r"<script([^>]*)>", html):
            assert "src=" in attributes or 'type="application/json"' in attributes, (
                path,
                attributes,
            )
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers
        assert "style=" not in html, path


def test_the_docs_page_admits_only_its_own_scripts(site: Site) -> None:
    response = site.client().get("/docs")
    policy = response.headers["content-security-policy"]
    inline = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    assert inline
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    script_src = policy.split("script-src ")[1].split(";")[0]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"


def test_headers_on_a_crash_too() -> None:
    """A bug's 500 is answered by Starlette's outermost middleware: still secured."""
    app = FastAPI()

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    install_security(app)
    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500
    assert_secured(response, RESOURCE_POLICY)


# -- rate limits ------------------------------------------------------------------------------------


def test_failed_sign_ins_are_limited_per_address(site: Site) -> None:
    site.limit(3)
    client = site.client()
    for _ in range(3):
        assert sign_in(client, "eup_guess").status_code == 401
    before = site.state()
    blocked = sign_in(client, site.tokens["DE"])  # even the right token, until the wait is over
    assert blocked.status_code == 429
    assert blocked.headers["retry-after"] == "60"
    assert "try again in 60 seconds" in blocked.text
    assert blocked.headers["content-type"].startswith("text/html")
    assert site.state() == before
    site.clock.now += 30
    assert sign_in(client, site.tokens["DE"]).headers["retry-after"] == "30"
    site.clock.now += 31
    assert sign_in(client, site.tokens["DE"]).status_code == 303


def test_an_empty_or_refused_form_does_not_count(site: Site) -> None:
    site.limit(2)
    client = site.client()
    for _ in range(3):
        assert sign_in(client, "").status_code == 401  # no guess made
        assert client.post("/signin", data={"token": "eup_x"}).status_code == 403  # no CSRF
    assert sign_in(client, site.tokens["DE"]).status_code == 303


def test_failed_bearer_tokens_are_limited_per_address(site: Site) -> None:
    site.limit(3)
    client = site.client()
    for _ in range(3):
        assert (
            client.get(f"{V1}/cycles", headers={"Authorization": "Bearer guess"}).status_code == 401
        )
    good = {"Authorization": f"Bearer {site.tokens['commission']}"}
    blocked = client.get(f"{V1}/cycles", headers=good)
    assert blocked.status_code == 429, blocked.text
    assert blocked.headers["retry-after"] == "60"
    assert blocked.headers["content-type"].startswith("application/problem+json")
    assert blocked.json()["status"] == 429
    site.clock.now += 61
    assert client.get(f"{V1}/cycles", headers=good).status_code == 200


def test_the_limiter_counts_within_its_window() -> None:
    clock = Clock()
    limiter = FailureLimiter(limit=3, window=10, clock=clock)
    for step in (0, 4, 4):  # failures at 0, 4 and 8 seconds
        clock.now += step
        assert limiter.retry_after("192.0.2.1") is None
        limiter.record_failure("192.0.2.1")
    assert limiter.retry_after("192.0.2.1") == 2  # when the first leaves the window
    assert limiter.retry_after("192.0.2.2") is None  # others are not affected
    clock.now += 1
    assert limiter.retry_after("192.0.2.1") == 1
    clock.now += 1
    assert limiter.retry_after("192.0.2.1") is None  # two failures left in the window
    limiter.record_failure("192.0.2.1")
    assert limiter.retry_after("192.0.2.1") == 4  # the failures at 4, 8 and 10 s
    clock.now += 60
    assert limiter.retry_after("192.0.2.1") is None
    assert len(limiter) == 0  # forgotten once nothing is left in the window


def test_the_limiter_counts_an_ipv6_network_as_one_client() -> None:
    limiter = FailureLimiter(limit=2, window=60, clock=Clock())
    limiter.record_failure("2001:db8:1:2::1")
    limiter.record_failure("2001:db8:1:2:ffff::9")
    assert limiter.retry_after("2001:db8:1:2::77") is not None
    assert limiter.retry_after("2001:db8:1:3::1") is None
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("testclient") == "testclient"


def test_the_limiter_memory_is_bounded() -> None:
    limiter = FailureLimiter(limit=5, window=60, max_clients=100, clock=Clock())
    for i in range(10_000):
        limiter.record_failure(f"10.{i // 65536}.{i // 256 % 256}.{i % 256}")
    assert len(limiter) == 100
    for _ in range(50):
        limiter.record_failure("192.0.2.1")
    assert len(limiter._failures["192.0.2.1"]) == 5  # at most `limit` times per client


def test_the_limiter_is_thread_safe() -> None:
    limiter = FailureLimiter(limit=1000, window=60, max_clients=50, clock=Clock())

    def fail(n: int) -> None:
        for i in range(500):
            limiter.record_failure(f"192.0.2.{(n * 500 + i) % 200}")
            limiter.retry_after("192.0.2.1")

    threads = [threading.Thread(target=fail, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(limiter) == 50
    assert sum(len(t) for t in limiter._failures.values()) <= 8 * 500


# -- no token in any answer -------------------------------------------------------------------------


def test_no_answer_ever_contains_a_token(site: Site) -> None:
    site.limit(3)
    valid = site.tokens["DE"]
    typed = "eup_" + "s3cr3t" * 7  # what a visitor may type: never shown back
    client = site.client()
    answers: list[httpx.Response] = []
    check, form = signin_form(client)
    answers.append(form)
    answers.append(client.post("/signin", data={"token": typed, "next": "/", "csrf": check}))
    answers.append(client.post("/signin", data={"token": valid, "csrf": "bad"}))
    answers.append(client.post("/signin", data={"token": valid, "next": "/pool", "csrf": check}))
    for path in ("/pool", "/workspace/DE", "/workspace/FR", "/signin", "/no-such-page"):
        answers.append(client.get(path))
    api = site.client()
    answers.append(api.get(f"{V1}/cycles", headers={"Authorization": f"Bearer {typed}"}))
    answers.append(api.get(f"{V1}/cycles", headers={"Authorization": f"Token {typed}"}))
    answers.append(api.get(f"{V1}/cycles", headers={"Authorization": f"Bearer {typed}"}))
    answers.append(api.get(f"{V1}/cycles", headers={"Authorization": f"Bearer {typed}"}))  # 429
    answers.append(sign_in(site.client(), typed))  # 429 page
    assert {a.status_code for a in answers} >= {200, 303, 401, 403, 404, 429}
    for answer in answers:
        text = answer.text + repr(answer.headers.multi_items())
        for secret in (valid, typed, hash_token(valid), hash_token(typed), "s3cr3t"):
            assert secret not in text, (answer.request.url, answer.status_code)


# -- the tokens commands ----------------------------------------------------------------------------


def run(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_tokens_create_list_and_revoke_from_the_command_line(site: Site) -> None:
    created = run(
        "tokens", "create", "--role", "member_state", "--state", "nl", "--label", "[b]Hague[/b]",
        "--expires-in-days", "30", "--database-url", site.url,
    )  # fmt: skip
    token = created.stdout.strip().splitlines()[0]
    assert token.startswith("eup_")
    actor = site.service.authenticate(token)
    token_id = int(actor.id.removeprefix("token:"))
    listed = run("tokens", "list", "--database-url", site.url).stdout
    assert max(len(line) for line in listed.splitlines()) <= 80
    line = next(x for x in listed.splitlines() if re.match(rf"\s*{token_id}\s", x))
    assert "member_state" in line and "NL" in line and "active" in line
    assert "[b]Hague" in listed  # the label as typed, not as markup
    expires = (site.service.clock() + dt.timedelta(days=30)).date().isoformat()
    assert expires in line
    for secret in (token, hash_token(token)):
        assert secret not in listed
    revoked = run("tokens", "revoke", str(token_id), "--database-url", site.url)
    assert f"token {token_id} (member_state NL) revoked" in revoked.stdout
    again = run("tokens", "revoke", str(token_id), "--database-url", site.url)
    assert "already revoked" in again.stdout
    listed = run("tokens", "list", "--database-url", site.url).stdout
    line = next(x for x in listed.splitlines() if re.match(rf"\s*{token_id}\s", x))
    assert "revoked" in line
    refused = site.client().get(f"{V1}/cycles", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert site.service.verify_audit()["ok"]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("revoke", "999999"), "no such token"),
        (("create", "--role", "observer", "--expires-in-days", "0"), "from 1 to 3650"),
        (("create", "--role", "observer", "--expires-in-days", "4000"), "from 1 to 3650"),
    ],
)
def test_tokens_commands_refuse_bad_input(site: Site, args: tuple[str, ...], problem: str) -> None:
    result = CliRunner().invoke(cli, ["tokens", *args, "--database-url", site.url])
    assert result.exit_code == 2
    assert problem in result.output


# -- the migration ----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0003_goes_down_and_up_again(backend: str, tmp_path: Path) -> None:
    from alembic import command

    with fresh_database(backend, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            service = CycleService(sessions(engine))
            token = service.create_token(Role.OBSERVER, None, "kept")
            service.tokens.open_session(token)
            command.downgrade(alembic_config(url), "0002")
            command.upgrade(alembic_config(url), "head")
            engine.dispose()
            service = CycleService(sessions(engine))
            # a token older than its expiry column lives its role's default lifetime
            assert service.authenticate(token).role is Role.OBSERVER
            (info,) = service.tokens.all()
            assert info.expires_at == info.created_at + dt.timedelta(days=90)
        finally:
            engine.dispose()
