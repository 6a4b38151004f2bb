"""Regressions found by re-probing the security findings of issue 12 on running servers (SQLite
and PostgreSQL).

1. Formula injection through a line break. A note such as ``x⏎=cmd|' /C calc'!A0;`` was written
   ``"x⏎=cmd|…"``: inert for a reader that splits on ',' and honours the quotes, but a
   spreadsheet that splits on ';' (German, French Excel) or a tab sees a quote in the middle of
   its first cell, not a quoted field, so the line break ends the row and the next row starts
   with the formula. A trigger after a line break now gets its ``'`` as after ';' or a tab.
2. The workspace's forms acted on the latest cycle, not on the one shown. Once the 2027 cycle
   was opened (its pledging overlaps the 2026 implementation), a Member State viewing the 2026
   workspace could no longer request a deduction or answer an offsets request: the form was
   posted without its year, applied to 2027, refused, and the 2027 page shown had no such form,
   so the 422 said nothing. The forms now carry the year they were shown for.
3. A refused form that the page does not show (pledging closed, a stale page, a forged post)
   answered 422 with no visible reason; the reason is now shown at the top of the workspace.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from eupact.cells import inert
from eupact.cycle.store.models import Base, DeductionRow
from eupact.reports.tables import csv_text

from .databases import BACKENDS
from .test_web import Site, _site, text_of

V1 = "/api/v1"
TRIGGERS = ("=", "+", "-", "@")
# Notes whose formula starts after a line break (and the split characters it can hide behind).
BROKEN_LINES = [
    "x\n=cmd|' /C calc'!A0;",
    'x\r\n=HYPERLINK("http://x","y")',
    "x\r@SUM(1+1);",
    "x\n  +1+cmd|' /C calc'!A0;",
    'a;"=HYPERLINK(""http://x"")";',
    "first line\nsecond\n-2+3;",
]


def formula_cells(text: str) -> list[tuple[str, str]]:
    """Every cell a spreadsheet splitting on ',' ';' or a tab would run as a formula."""
    found = []
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            found += [(delimiter, c) for c in row if c.lstrip(" \u00a0").startswith(TRIGGERS)]
    # a number such as -12.50 is no formula
    return [(d, c) for d, c in found if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", c)]


@pytest.mark.parametrize("note", BROKEN_LINES)
def test_a_formula_after_a_line_break_is_inert_for_every_delimiter(note: str) -> None:
    text = csv_text([{"state": "SE", "amount_eur": "10.00", "note": note, "n": -3}])
    assert formula_cells(text) == [], text
    # the note is still readable as itself, with a ' before each trigger
    (row,) = list(csv.DictReader(io.StringIO(text, newline="")))
    assert row["note"].replace("'", "") == note.replace("\r\n", "\n").replace("\r", "\n").replace(
        "'", ""
    )
    assert row["n"] == "-3"


def test_inert_leaves_plain_multiline_text_and_xlsx_cells_alone() -> None:
    assert inert("first line\nsecond line") == "first line\nsecond line"
    assert inert("x\n=1", split=False) == "x\n=1"  # one XLSX cell: nothing splits it


@pytest.fixture(scope="module", params=BACKENDS)
def pledging(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from _site(request.param, tmp_path_factory.mktemp("issue12"), "pledging")


@pytest.fixture(scope="module", params=BACKENDS)
def implementing(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    yield from _site(request.param, tmp_path_factory.mktemp("issue12"), "implementation")


def test_a_multiline_note_reaches_every_csv_download_inert(pledging: Site) -> None:
    """Through the running app: the API's PUT, then the Commission's pledges.csv and
    ?format=csv."""
    api = pledging.client()
    token = {"Authorization": f"Bearer {pledging.tokens['FR']}"}
    for note, pledge in zip(BROKEN_LINES, pledging.pledges("FR"), strict=False):
        amount = pledge["relocations"] if pledge["kind"] == "relocation" else pledge["amount_eur"]
        body = {
            "state": "FR",
            "kind": pledge["kind"],
            "amount": amount,
            "requested_by": pledge["requested_by"],
            "note": note,
        }
        response = api.put(
            f"{V1}/cycles/2026/pledges/{pledge['id']}",
            json=body,
            headers={**token, "If-Match": f'"{pledge["version"]}"'},
        )
        assert response.status_code == 200, response.text[:300]
    commission = pledging.client("commission")
    downloads = [
        commission.get("/downloads/pledges.csv"),
        commission.get(
            f"{V1}/cycles/2026/pledges?format=csv&limit=1000",
            headers={"Authorization": f"Bearer {pledging.tokens['commission']}"},
        ),
    ]
    for response in downloads:
        assert response.status_code == 200
        assert "cmd|" in response.text  # the notes are there
        assert formula_cells(response.text) == []


def rows(site: Site) -> dict[str, int]:
    with site.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
            if t.name not in ("web_sessions", "idempotency_keys", "audit_log", "audit_head")
        }


@pytest.fixture(scope="module")
def two_cycles(implementing: Site) -> Site:
    """The demo's 2026 cycle in implementation, and the 2027 cycle opened after it."""
    commission = implementing.service.authenticate(implementing.tokens["commission"])
    implementing.service.create_cycle(commission, 2027)
    return implementing


def test_the_workspace_forms_carry_the_year_they_show(two_cycles: Site) -> None:
    page = two_cycles.client("DE").get("/workspace/DE?year=2026")
    assert page.status_code == 200
    forms = re.findall(r'<form method="post" action="/workspace/.*?</form>', page.text, re.S)
    assert forms, "the 2026 workspace shows its deduction and offsets forms"
    assert all('<input type="hidden" name="year" value="2026">' in f for f in forms)


def test_a_deduction_requested_from_the_2026_workspace_is_a_2026_deduction(
    two_cycles: Site,
) -> None:
    client = two_cycles.client("AT")
    form = {
        "csrf": two_cycles.csrf("AT"),
        "article": "62",
        "relocations": "3",
        "financial": "0",
        "reasons": "reception capacity reached",
        "year": "2026",  # as the form shown for 2026 sends it
    }
    response = client.post("/workspace/AT/deductions", data=form)
    assert response.status_code == 303, text_of(response.text)[:600]
    assert response.headers["location"].startswith("/workspace/AT?year=2026")
    with two_cycles.engine.connect() as conn:
        years = conn.execute(
            select(DeductionRow.year).where(
                DeductionRow.state == "AT", DeductionRow.relocations == 3
            )
        ).scalars()
        assert list(years) == [2026]


def test_an_offsets_reply_from_the_2026_workspace_is_recorded(two_cycles: Site) -> None:
    """FR answers EL's call of obligatory offsets in full (the demo's open request)."""
    client = two_cycles.client("FR")
    page = client.get("/workspace/FR?year=2026").text
    match = re.search(r'action="/workspace/FR/offsets/(\d+)"', page)
    assert match, "FR has an offsets request to answer in the demo"
    offset = match.group(1)
    asked = re.search(rf'id="offset-{offset}-accepted" name="accepted"[^>]*value="(\d+)"', page)
    assert asked
    response = client.post(
        f"/workspace/FR/offsets/{offset}",
        data={"csrf": two_cycles.csrf("FR"), "accepted": asked.group(1), "year": "2026"},
    )
    assert response.status_code == 303, text_of(response.text)[:600]
    assert (
        f'action="/workspace/FR/offsets/{offset}"' not in client.get("/workspace/FR?year=2026").text
    )


def test_a_hostile_number_in_a_2026_form_is_named_on_the_2026_page(two_cycles: Site) -> None:
    client = two_cycles.client("DE")
    before = rows(two_cycles)
    response = client.post(
        "/workspace/DE/deductions",
        data={
            "year": "2026",
            "csrf": two_cycles.csrf("DE"),
            "article": "62",
            "relocations": "1e1000000",
            "financial": "0",
            "reasons": "capacity reached",
        },
    )
    assert response.status_code == 422
    assert 'id="deduction-relocations-error"' in response.text
    assert "2026 pool" in text_of(response.text)
    assert rows(two_cycles) == before


@pytest.mark.parametrize("given", ["2031", "²", "1" * 50])
def test_a_form_for_a_cycle_that_does_not_exist_is_refused(two_cycles: Site, given: str) -> None:
    """Not applied to the latest cycle instead."""
    client = two_cycles.client("DE")
    before = rows(two_cycles)
    form = {"csrf": two_cycles.csrf("DE"), "kind": "financial", "amount": "5", "year": given}
    response = client.post("/workspace/DE/pledges", data=form)
    assert response.status_code == 404
    assert given in text_of(response.text)
    assert rows(two_cycles) == before


@pytest.mark.parametrize(
    ("path", "form", "field"),
    [
        ("/workspace/DE/pledges/{pledge}", {"version": "²", "kind": "financial"}, "version"),
        ("/workspace/DE/pledges", {"kind": "financial", "amount": "5"}, "phase"),
        ("/workspace/DE/offsets/2147483647", {"accepted": "1"}, "offset"),
    ],
)
def test_a_refused_form_the_page_does_not_show_still_says_why(
    implementing: Site, path: str, form: dict[str, str], field: str
) -> None:
    """After the Council act the workspace shows no pledge form: the refusal used to be
    rendered into a form that was not there."""
    client = implementing.client("DE")
    pledge = implementing.pledges("DE")[0]["id"]
    before = rows(implementing)
    form = {**form, "csrf": implementing.csrf("DE"), "year": "2026"}
    response = client.post(path.format(pledge=pledge), data=form)
    assert 400 <= response.status_code < 500
    main = re.search(r"<main.*?</main>", response.text, re.S)
    assert main is not None
    alert = re.search(r'<div class="problems" role="alert">.*?</div>', main.group(0), re.S)
    assert alert is not None, text_of(main.group(0))[:800]
    assert field in text_of(alert.group(0))
    assert rows(implementing) == before
