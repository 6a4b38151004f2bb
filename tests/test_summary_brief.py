"""summary.html and summary.md of `eupact cycle run`: a brief an adviser reads, not a dump.

Human headers and words, figures with thousands separators, EUR and percentages to two places,
no raw value (a Python list, an exact fraction, a parameter's name, "Art. recital 90"); the
SYNTHETIC label where the pledges are; static SVG charts with alt texts and no script; one or two
A4 pages in print; the Markdown with the same content.
"""

from __future__ import annotations

import base64
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest

from eupact.cycle.examples import example_pledges_path
from eupact.cycle.run import CycleResult, run_cycle, write_results

NBSP = "\u00a0"


def squeeze(text: str) -> str:
    """Runs of white space as one space; a no-break space stays what it is."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


class Page(HTMLParser):
    """The visible text of a page, its table cells by row, its elements' attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.rows: list[list[tuple[str, str]]] = []  # (tag, text) per cell
        self.headers: list[tuple[str, dict[str, str]]] = []  # (text, attributes) of <th>
        self.captions: list[str] = []
        self._skip = 0
        self._cell: tuple[str, dict[str, str], list[str]] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = (tag, a, [])
        elif tag == "caption":
            self._caption = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            kind, attrs, parts = self._cell
            text = squeeze("".join(parts))
            self.rows[-1].append((kind, text))
            if kind == "th":
                self.headers.append((text, attrs))
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self.captions.append(squeeze("".join(self._caption)))
            self._caption = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell[2].append(data)
        if self._caption is not None:
            self._caption.append(data)

    @property
    def visible(self) -> str:
        return squeeze(" ".join(self.text))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[CycleResult, Path]:
    result = run_cycle(2026, example_pledges_path(2026), assess=False)
    out = tmp_path_factory.mktemp("brief") / "2026"
    write_results(result, out, report=False)
    return result, out


@pytest.fixture(scope="module")
def html(run: tuple[CycleResult, Path]) -> str:
    return (run[1] / "summary.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(html: str) -> Page:
    parsed = Page()
    parsed.feed(html)
    return parsed


@pytest.fixture(scope="module")
def md(run: tuple[CycleResult, Path]) -> str:
    return (run[1] / "summary.md").read_text(encoding="utf-8")


def whole(value: Decimal | int) -> str:
    return f"{int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}"


def percent(value: Fraction | Decimal) -> str:
    exact = Fraction(value) * 100
    shown = (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return f"{shown}{NBSP}%"


def no_raw_values(text: str) -> None:
    """No Python repr, exact fraction, parameter name or unformatted figure in ``text``."""
    for raw in ("['", "']", '["', "Fraction", "Decimal(", "datetime", "Art. recital", "Art.  "):
        assert raw not in text, raw
    for word in ("None", "True", "False"):
        assert not re.search(rf"\b{word}\b", text), word
    # fractions: only the numbers of acts and of the Official Journal have a slash
    for m in re.finditer(r"\b\d+/\d+\b", text):
        before = text[max(0, m.start() - 6) : m.start()]
        assert before.endswith(("(EU) ", "OJ L, ", "L, ")), text[m.start() - 30 : m.end() + 10]
    # every figure of five digits or more has its thousands separators
    assert not re.search(r"\d{5,}", text), re.search(r".{30}\d{5,}.{10}", text)
    # no parameter names (dotted snake_case) and no snake_case in prose but Eurostat codes
    assert not re.search(r"\b[a-z][a-z_]*\.[a-z][a-z_]*\.[a-z][a-z_]*", text)
    codes = {"demo_pjan", "nama_10_gdp", "na_item", "pledges_2026_synthetic"}
    for m in re.finditer(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b", text):
        assert m.group() in codes or m.group().isupper(), m.group()


def test_html_has_no_raw_values(page: Page):
    no_raw_values(page.visible)
    for text, _ in page.headers:
        assert "_" not in text and text[:1] == text[:1].upper(), text


def test_markdown_has_no_raw_values(md: str):
    prose = re.sub(r"`[^`]*`", "", md)  # a file name in code quotes
    no_raw_values(prose)
    header = next(line for line in md.splitlines() if line.startswith("| Member State"))
    assert "_" not in header


def test_synthetic_label_is_prominent(html: str, page: Page, md: str):
    body = html.split("<body>", 1)[1]
    first = re.search(r"<p class=\"synthetic\" role=\"note\"><strong>([^<]+)</strong>", body)
    assert first and first.group(1) == "SYNTHETIC PLEDGES — ILLUSTRATION ONLY."
    assert body.index('class="synthetic"') < body.index("<h2")  # before any section
    assert "SYNTHETIC" in page.captions[0]
    figcaptions = re.findall(r"<figcaption>(.*?)</figcaption>", html)
    assert figcaptions and all("SYNTHETIC" in c for c in figcaptions)
    assert md.split("\n")[2].startswith("> **SYNTHETIC PLEDGES — ILLUSTRATION ONLY.**")
    assert "(SYNTHETIC)" in page.visible and "**Pledged (SYNTHETIC):**" in md


def test_the_pool_who_benefits_and_sources_in_words(page: Page):
    text = page.visible.replace(NBSP, " ")  # dates, EUR and % keep their parts together
    for expected in (
        "Council Implementing Decision (EU) 2025/2642, adopted 19 December 2025",
        "applies from 12 June 2026",
        "21,000 relocations and EUR 420,000,000 in financial contributions",
        "30,000 relocations and EUR 600,000,000",
        "EUR 134,675,434 in all, 32.07 % of the reference number",
        "Cyprus, Greece, Italy and Spain",
        "Cyprus since 19 June 2026, Greece since 12 June 2026, Italy since 12 June 2026 and "
        "Spain since 15 June 2026 (Art. 58(1) AMMR)",
        "Czechia: full deduction under Art. 62 AMMR",
        "Estonia: full deduction requested under Art. 62 AMMR — not applied",
        "Obligatory offsets are triggered",
        "8,843 offsets are owed in all",
        "60 % of the reference number (12,600)",
        "Regulation (EU) 2024/1351 (AMMR), OJ L, 2024/1351, 22.5.2024",
        "Eurostat demo_pjan: Population on 2024-01-01",
    ):
        assert expected in text, expected
    # the readings in force, in words, each with its article
    assert "What counts toward the fair share that caps offsets (Art. 63(7) AMMR)" in text
    assert (
        "Fair shares in relocations (Art. 57(3) AMMR): Each state's fair share rounded up" in text
    )


def test_per_state_table_matches_the_outcome(run: tuple[CycleResult, Path], page: Page):
    result = run[0]
    rows = {
        r[0][1]: [text for _, text in r[1:]]
        for r in page.rows
        if r and r[0][0] == "th" and any(kind == "td" for kind, _ in r)
    }
    names = {"DE": "Germany", "EL": "Greece", "CZ": "Czechia", "FR": "France", "MT": "Malta"}
    owed = result.outcome.offsets.obligations
    for geo, name in names.items():
        r = result.outcome.states[geo]
        assert rows[name][:8] == [
            percent(r.share),
            f"{r.fair_share_relocations:,}",
            whole(r.fair_share_financial),
            f"{r.pledged_relocations:,}",
            whole(r.pledged_total),
            percent(r.pledged_total / r.fair_share_financial),
            whole(r.deducted_total) if r.deducted_total else "—",
            f"{owed[geo]:,}" if geo in owed else "—",
        ]
    assert rows["Greece"][-1] == "benefitting" and rows["Czechia"][-1] == "full deduction"
    assert rows["Estonia"][-1] == "deduction requested"
    assert len([n for n in rows if n != "All 26 Member States"]) == 26  # none cut off
    assert rows["All 26 Member States"][:2] == [f"100.00{NBSP}%", "21,016"]
    # the Markdown table holds the same cells
    md_rows = {
        cells[0]: cells[1:]
        for line in (run[1] / "summary.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith(("| Member State", "|:"))
        for cells in [[c.strip().strip("*") for c in line.strip("|").split("|")]]
    }
    for name in names.values():
        assert md_rows[name] == rows[name]


def test_accessible_and_self_contained(html: str, page: Page):
    assert re.match(r"<!doctype html>\s*<html lang=\"en\">", html)
    assert "<title>Annual Solidarity Pool 2026: brief (SYNTHETIC pledges)</title>" in html
    assert "<script" not in html.lower()
    for tag, attrs in page.elements:
        for key in ("src", "href"):
            assert not attrs.get(key, "").startswith(("http:", "https:", "//")), (tag, attrs)
    assert all("scope" in attrs for _, attrs in page.headers)
    assert page.captions and all(page.captions)
    images = [attrs for tag, attrs in page.elements if tag == "img"]
    assert 1 <= len(images) <= 3
    for img in images:
        assert len(img["alt"]) > 80 and "Bar chart" in img["alt"]
        prefix = "data:image/svg+xml;base64,"
        assert img["src"].startswith(prefix)
        svg = base64.b64decode(img["src"][len(prefix) :]).decode("utf-8")
        assert "<svg" in svg and "<script" not in svg
    assert "fair share (blue bars) and its pledges (orange ticks)" in images[0]["alt"]
    assert "France (EUR" in images[0]["alt"]  # the largest gap is named


def test_fits_two_a4_pages_in_print(html: str, run: tuple[CycleResult, Path]):
    from weasyprint import HTML

    assert "@page { size: A4;" in html
    doc = HTML(string=html, base_url=str(run[1])).render()
    assert 1 <= len(doc.pages) <= 2
    assert all(round(p.width) == 794 and round(p.height) == 1123 for p in doc.pages)  # A4, px


def test_a_chosen_reading_and_a_file_that_is_not_synthetic(tmp_path: Path):
    source = example_pledges_path(2026).read_text(encoding="utf-8")
    real = source.replace("synthetic: true", "synthetic: false").replace(
        "label: SYNTHETIC, ILLUSTRATIVE", "label: Test figures, ILLUSTRATIVE"
    )
    path = tmp_path / "pledges.yaml"
    path.write_text(real, encoding="utf-8")
    choice = {"offsets.cap.contributions_counted": "relocations_only"}
    result = run_cycle(2026, path, assess=False, readings=choice)
    write_results(result, tmp_path / "out", report=False)
    html = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    page = Page()
    page.feed(html)
    assert "SYNTHETIC PLEDGES" not in page.visible
    assert "<strong>Pledges:</strong> Test figures" in html
    assert "What counts toward the fair share that caps offsets (Art. 63(7) AMMR), chosen for" in (
        page.visible
    )
    no_raw_values(page.visible)
