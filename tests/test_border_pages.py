"""The border procedure's pages (/border, /border/{geo}, their CSV; APR Arts. 47-50) through the
ASGI app on both backends, with the demo's SYNTHETIC figures (``eupact.cycle.border_demo``):
the use table says what the service's status says, month by month; the capacities computed
beside the recorded ones ("not available", "secondary"); the always-bound cases; the charts'
data blocks; the Art. 49(4) details for the reporting state and the Commission only; the CSV;
French and German; 404s in words."""

from __future__ import annotations

import csv
import html as markup
import io
import re
from collections.abc import Iterator

import pytest

from eupact.cycle.border_demo import load_border_demo
from eupact.cycle.permissions import Actor
from eupact.cycle.phases import Role
from eupact.cycle.service.border import BorderWatch

from .databases import BACKENDS
from .test_web import Site, _site
from .test_web import text_of as _text_of

OBSERVER = Actor("test:observer", Role.OBSERVER)


@pytest.fixture(scope="module", params=BACKENDS)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    for s in _site(request.param, tmp_path_factory.mktemp("border"), "pledging"):
        assert load_border_demo(s.service, s.tokens) > 0
        yield s


def text_of(html: str) -> str:
    return markup.unescape(_text_of(html))


def main_of(html: str) -> str:
    return html.split('<main id="main"')[1].split("</main>")[0]


def table(html: str, table_id: str) -> list[str]:
    body = html.split(f'id="{table_id}"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return body.split("<tr")[1:]


def status_rows(site: Site, year: int, geo: str | None = None) -> list[dict]:
    status = BorderWatch(site.service.ctx).status(OBSERVER, geo, year)
    return [m for s in status["states"] for m in s["months"]]


def test_the_use_table_says_what_the_service_says(site: Site) -> None:
    year = int(status_rows(site, None)[0]["month"][:4])  # type: ignore[arg-type]
    r = site.client().get(f"/border?year={year}")
    assert r.status_code == 200, r.text[:300]
    rows = table(r.text, "border-use")
    expected = status_rows(site, year)
    assert len(rows) == len(expected) > 0
    for html, m in zip(rows, expected, strict=True):
        words = text_of(html)
        assert f"{m['in_procedure']:,}" in words and m["month"] in words
        if m["capacity"] is None:
            assert "not available" in words and "capacity not available" in words
        else:
            assert f"{float(m['used_percent']):,.1f} %" in words and "secondary" in words
            for point in m["released_from"]:
                assert f"Art. {point}" in words
    page = text_of(r.text)
    assert "SYNTHETIC" in page and "42(1)(f), 42(3)(b)" in page
    assert 'data-vega-embed="chart-border-use"' in r.text  # the chart's data block
    capacities = text_of("".join(table(r.text, "border-capacities")))
    assert "8,016" in capacities and "secondary" in capacities and "not available" in capacities
    assert "Art. 48: adequate capacity reached" in page  # the demo's notifications


def test_the_art_49_4_details_show_to_the_state_and_the_commission_only(site: Site) -> None:
    it = site.client("IT").get("/border/IT?year=2026").text
    public = site.client().get("/border/IT?year=2026").text
    assert "Staff (Art. 49(4)(c))" in it and "Staff (Art. 49(4)(c))" not in public
    assert 'id="border-withheld"' in public and 'id="border-withheld"' not in it
    assert "Staff (Art. 49(4)(c))" in site.client("commission").get("/border/IT").text
    assert 'data-vega-embed="chart-border-state"' in public
    assert "8,016" in text_of(public.split('id="border-capacity"')[1][:200])
    fr = site.client().get("/border/FR?year=2026").text
    assert "not available" in text_of(fr.split('id="border-capacity"')[1][:200])


def test_the_csv_holds_the_table(site: Site) -> None:
    r = site.client().get("/border.csv?year=2026")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="eupact-border-2026-SYNTHETIC.csv"' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    expected = status_rows(site, 2026)
    assert [(x["geo"], x["month"], int(x["in_procedure"])) for x in rows] == [
        (m["geo"], m["month"], m["in_procedure"]) for m in expected
    ]
    assert {x["source"] for x in rows} == {"SYNTHETIC"}
    it = site.client().get("/border/it.csv?year=2026")
    assert 'filename="eupact-border-IT-2026-SYNTHETIC.csv"' in it.headers["content-disposition"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ("Capacité adéquate", "non disponible", "Procédure à la frontière")),
        ("de", ("Angemessene Kapazität", "nicht verfügbar", "Grenzverfahren")),
    ],
)
def test_french_and_german(site: Site, lang: str, words: tuple[str, ...]) -> None:
    for path in ("/border?year=2026", "/border/IT?year=2026", "/border/FR?year=2026"):
        r = site.client(lang=lang).get(path)
        assert r.status_code == 200 and r.headers["content-language"] == lang
        page = text_of(r.text)
        assert any(w in page for w in words), path
        # the service's own notes are English, marked lang="en"; the rest is translated
        shown = re.sub(r'<(td|li|span) lang="en">.*?</\1>', " ", main_of(r.text), flags=re.S)
        for english in ("Adequate capacity", "Capacity in use", "not available", "Notes"):
            assert english not in text_of(shown), (path, english)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Art. 47(4) — 30,000 (Art. 46)"),
        ("fr", "art. 47, par. 4 — 30 000 (art. 46)"),  # text_of makes the narrow space a space
        ("de", "Art. 47 Abs. 4 — 30.000 (Art. 46)"),
    ],
)
def test_the_union_capacity_is_the_parameter_in_the_language_s_notation(
    site: Site, lang: str, words: str
) -> None:
    # Art. 46 APR: border.union_adequate_capacity = 30,000, written as each language writes it
    assert words in text_of(site.client(lang=lang).get("/border?year=2026").text)


def test_unknown_states_are_404_in_words(site: Site) -> None:
    for path in ("/border/DK", "/border/ZZ", "/border/ZZ.csv", "/border/%E2%80%AE"):
        r = site.client().get(path)
        assert r.status_code == 404, path
        assert "a Member State bound by the APR" in text_of(r.text)
    assert site.client().get("/border?year=abcd").status_code == 200
