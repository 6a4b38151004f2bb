"""Server time of each dashboard page with the 2026 cycle loaded (issue: under 100 ms per page).

The demo cycle (27 states' SYNTHETIC pledges, a deduction, offsets, implementation records) is
loaded into a SQLite file; each page is requested through the ASGI app in-process (no network:
what is measured is the server's own time: reading the service, computing, rendering). The
workspace is measured signed in as Germany, the audit trail as the Commission.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eupact.api.app import create_app
from eupact.cycle.demo import load_demo
from eupact.cycle.service import CycleService
from eupact.cycle.store.db import make_engine, sessions, upgrade
from eupact.web.routes import SESSION_COOKIE

TARGET_SECONDS = 0.100


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('bench-web')) / 'demo.db'}"
    upgrade(url)
    engine = make_engine(url)
    service = CycleService(sessions(engine))
    tokens = load_demo(service, 2026, "implementation")
    client = TestClient(create_app(service))
    client.get("/static/vega.js")  # the JS bundle is built once per machine, not per page
    # signed in as the sign-in form does it: a session id in the cookie, never the token
    sessions_ = {who: service.tokens.open_session(token)[0] for who, token in tokens.items()}
    yield client, sessions_
    engine.dispose()


@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/", None),
        ("/pool", None),
        ("/pool?lang=fr", None),
        ("/assessment", None),
        ("/workspace/DE", "DE"),
        ("/audit", "commission"),
        ("/sources", None),
        ("/downloads", None),
        ("/downloads/outcome.xlsx", None),
    ],
)
def test_page_server_time(
    benchmark: pytest.FixtureRequest,
    site: tuple[TestClient, dict[str, str]],
    path: str,
    who: str | None,
) -> None:
    client, signed_in = site
    client.cookies.clear()
    if who:
        client.cookies.set(SESSION_COOKIE, signed_in[who])

    def get() -> int:
        return client.get(path).status_code

    assert get() == 200  # warm: templates compiled, assessment computed once per process
    status = benchmark(get)  # type: ignore[operator]
    assert status == 200
    assert benchmark.stats.stats.median < TARGET_SECONDS  # type: ignore[attr-defined]
