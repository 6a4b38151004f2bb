"""Fuzzing the dashboard's forms (hypothesis), signed in as a Member State, on SQLite and
PostgreSQL: whatever a form carries — any text, any bytes, any field, numbers of any size, in
any script — the answer is a page or a redirect, never a 500; and a refused form changes
nothing in the database.

The CSRF value is sent right most of the time (so that the fields are read) and wrong or
missing otherwise. The raw-bytes case sends bodies that are not even valid UTF-8.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eupact.cycle.store.models import Base

from .databases import BACKENDS
from .test_web import Site, _site

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same forms every run: a failure here is reproducible
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Form fields the workspace's forms read, and values that have broken such forms before.
FIELDS = (
    "kind",
    "amount",
    "requested_by",
    "note",
    "article",
    "full",
    "relocations",
    "financial",
    "reasons",
    "accepted",
    "version",
    "action",
    "form_key",
)
NASTY = st.sampled_from(
    [
        "1e1000000",
        "²",
        "١٢",
        "9" * 5000,
        "-0",
        "NaN",
        "Infinity",
        "1,2,3",
        "1 200,50",
        "0x10",
        '=HYPERLINK("http://x")',
        "\x00",
        "\u202e",
        "relocation",
        "financial",
        "alternative",
        "delete",
        "62",
        "61",
        "on",
        "CY",
        "EL IT",
        "",
    ]
)
VALUES = st.one_of(NASTY, st.text(st.characters(exclude_categories=("Cs",)), max_size=60))
# Half the forms start from a valid one, so that the fuzzed fields are read past the first check.
VALID = (
    {"kind": "relocation", "amount": "10", "version": "1", "note": ""},
    {"article": "62", "relocations": "5", "financial": "0", "reasons": "capacity reached"},
    {"accepted": "1"},
)
FORMS = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=8),
    st.tuples(
        st.sampled_from(VALID), st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=3)
    ).map(lambda pair: {**pair[0], **pair[1]}),
)
PATHS = st.sampled_from(
    [
        "/workspace/DE/pledges",
        "/workspace/DE/pledges/{pledge}",
        "/workspace/DE/deductions",
        "/workspace/DE/offsets/{offset}",
        "/workspace/DE/pledges/1180591620717411303424",
        "/workspace/DE/offsets/1099511627776",
        "/workspace/FR/pledges",
    ]
)


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from _site(request.param, tmp_path_factory.mktemp("fuzz"), "pledging")


def rows(site: Site) -> dict[str, int]:
    with site.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
            if t.name not in ("web_sessions", "idempotency_keys", "audit_log", "audit_head")
        }


def _path(site: Site, template: str) -> str:
    pledge = site.pledges("DE")[0]["id"] if site.pledges("DE") else 1
    return template.format(pledge=pledge, offset=1)


@FUZZ
@given(path=PATHS, form=FORMS, csrf=st.sampled_from(["right", "right", "right", "wrong", ""]))
def test_no_form_causes_a_server_error(site: Site, path: str, form: dict[str, str], csrf: str):
    client = site.client("DE")
    token = {"right": site.csrf("DE"), "wrong": "0" * 32, "": ""}[csrf]
    before = rows(site)
    response = client.post(_path(site, path), data={**form, "csrf": token})
    assert response.status_code < 500, response.text[:500]
    if response.status_code != 303:  # refused: a page that says why, nothing changed
        assert response.headers["content-type"].startswith("text/html")
        assert rows(site) == before


@FUZZ
@given(path=PATHS, body=st.binary(max_size=300))
def test_no_raw_body_causes_a_server_error(site: Site, path: str, body: bytes):
    client = site.client("DE")
    before = rows(site)
    content = body + b"&csrf=" + quote_from_bytes(site.csrf("DE").encode()).encode()
    response = client.post(
        _path(site, path),
        content=content,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code < 500, response.text[:500]
    if response.status_code != 303:
        assert rows(site) == before


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/workspace/DE/pledges/{big}", {"kind": "relocation", "amount": "10", "version": "1"}),
        ("/workspace/DE/pledges/{big}", {"action": "delete", "version": "1"}),
        ("/workspace/DE/offsets/{big}", {"accepted": "1"}),
    ],
)
@pytest.mark.parametrize("big", [2**70, 2**40, 2**31], ids=["2^70", "2^40", "2^31"])
def test_ids_beyond_the_database_are_refused_as_pages(site: Site, path: str, form, big: int):
    """Finding 2: form ids of 2**70 (SQLite) and 2**40 (PostgreSQL) answered 500."""
    client = site.client("DE")
    before = rows(site)
    response = client.post(path.format(big=big), data={**form, "csrf": site.csrf("DE")})
    assert 400 <= response.status_code < 500, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert rows(site) == before


@pytest.mark.parametrize(
    "key", ["\x00", "a\x00b", "k" * 129, "é"], ids=["nul", "nul-inside", "long", "accent"]
)
def test_a_bad_idempotency_key_is_refused_as_a_page(site: Site, key: str):
    """Found by probing the running server: a NUL in the form's idempotency key reached
    PostgreSQL's text column and answered 500."""
    client = site.client("DE")
    before = rows(site)
    form = {"kind": "financial", "amount": "1000", "note": "", "form_key": key}
    response = client.post("/workspace/DE/pledges", data={**form, "csrf": site.csrf("DE")})
    assert 400 <= response.status_code < 500, response.text[:300]
    assert "Idempotency-Key" in response.text
    assert rows(site) == before
