"""Hostile input to the dashboard, as a signed-in Member State and as a visitor (SQLite and
PostgreSQL): every answer is a page, never a 500, quickly; a refused form changes nothing.

Regressions of the "Service v2" review: ``relocations=1e1000000`` ran ``int(Decimal(...))`` for
30+ s and then answered 500; ``?year=²`` and ``version=²`` answered 500 (``'²'.isdigit()`` is
True, ``int('²')`` fails); an audit offset of 5,000 digits or of 10**20 answered 500.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from eupact.cycle.store.models import Base

from .databases import BACKENDS
from .test_web import Site, _site

QUICK = 5.0  # seconds for a whole request, page included; the bug took 30+


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from _site(request.param, tmp_path_factory.mktemp("hostile"), "implementation")


def database(site: Site) -> dict[str, int]:
    """How many rows each table holds: a refused request must not change any."""
    with site.engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def test_a_deduction_of_1e1000000_relocations_is_refused_at_once(site: Site) -> None:
    client = site.client("DE")  # signing in opens a session: counted before, not after
    before = database(site)
    started = time.perf_counter()
    response = client.post(
        "/workspace/DE/deductions",
        data={
            "csrf": site.csrf("DE"),
            "article": "62",
            "relocations": "1e1000000",
            "financial": "0",
            "reasons": "capacity reached",
        },
    )
    assert time.perf_counter() - started < QUICK
    assert response.status_code == 422, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert 'id="deduction-relocations-error"' in response.text
    assert "exponent" in response.text
    assert database(site) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("relocations", "²"),
        ("relocations", "١٢"),
        ("financial", "1" * 5000),
        ("financial", "NaN"),
        ("reasons", "nul \x00 inside"),
    ],
)
def test_other_hostile_deduction_fields_are_refused_next_to_the_field(
    site: Site, field: str, value: str
) -> None:
    client = site.client("DE")
    before = database(site)
    data = {
        "csrf": site.csrf("DE"),
        "article": "62",
        "relocations": "1",
        "financial": "0",
        "reasons": "capacity reached",
    }
    response = client.post("/workspace/DE/deductions", data={**data, field: value})
    assert response.status_code == 422, response.text[:500]
    assert f'id="deduction-{field}-error"' in response.text
    assert "Traceback" not in response.text
    assert database(site) == before


def test_a_pledge_version_that_is_no_number_answers_a_page(site: Site) -> None:
    client = site.client("DE")
    before = database(site)
    for version in ("²", "1" * 5000, "-1", ""):
        response = client.post(
            "/workspace/DE/pledges/1",
            data={
                "csrf": site.csrf("DE"),
                "version": version,
                "kind": "financial",
                "amount": "1",
                "action": "update",
            },
        )
        # 422: the workspace again (after the Council act it shows no pledge form to mark)
        assert response.status_code == 422, (version, response.status_code)
        assert "Traceback" not in response.text
    assert database(site) == before


@pytest.mark.parametrize("path", ["/", "/pool", "/downloads", "/workspace/DE"])
@pytest.mark.parametrize("year", ["%C2%B2", "%D9%A1%D9%A2", "1" * 5000, "-1", "2026.0", "%00"])
def test_a_year_that_is_no_number_is_ignored(site: Site, path: str, year: str) -> None:
    response = site.client("DE").get(f"{path}?year={year}")
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.text[:300]
    assert response.status_code != 500


@pytest.mark.parametrize("offset", ["1" * 5000, str(10**20), "²", "-5", "%00"])
def test_an_audit_offset_that_is_no_page_answers_a_page(site: Site, offset: str) -> None:
    response = site.client("commission").get(f"/audit?offset={offset}")
    assert response.status_code == 200 or 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
