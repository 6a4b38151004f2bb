"""The European Annual Asylum and Migration Report: `eupact cycle run` writes it (HTML and PDF)
beside the pool's results; `eupact report` writes it alone. One PDF is rendered for the module."""

from __future__ import annotations

import base64
import json
import re
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eupact.cli.main import app

SECTIONS = (
    "summary",
    "routes",
    "indicators",
    "classification",
    "comparison",
    "cumulative",
    "sensitivity",
    "forward",
    "pool",
    "annex-data",
    "annex-method",
)


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def cycle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cycle") / "2026"
    invoke("cycle", "run", "2026", "--out", str(out), "--quiet")
    return out


@pytest.fixture(scope="module")
def html(cycle_dir: Path) -> str:
    return (cycle_dir / "report_2025.html").read_text(encoding="utf-8")


def test_cycle_run_adds_assessment_and_report(cycle_dir: Path):
    names = {p.name for p in cycle_dir.iterdir()}
    # the pool's outputs are unchanged ...
    assert {"outcome.csv", "fair_shares.csv", "result.json", "summary.md", "summary.html"} <= names
    assert "results.xlsx" in names
    # ... and the assessment and the report of 2025 are added
    assert {
        "assessment.csv",
        "assessment_2025.json",
        "report_2025.html",
        "report_2025.pdf",
    } <= names
    prov = json.loads((cycle_dir / "result.json").read_text())["provenance"]
    assert prov["assessment"]["reporting_period"] == "2024-07/2025-06"
    # on primary figures only (the default): CY and EL on first-time applicants, ES and IT on
    # arrivals (Italy's Ministry of the Interior; UNHCR's portal for Spain)
    assert prov["assessment"]["under_migratory_pressure"] == ["CY", "EL", "ES", "IT"]
    doc = json.loads((cycle_dir / "assessment_2025.json").read_text())
    assert doc["assessment"]["secondary_figures_admitted"] is False
    assert doc["assessment"]["states"]["IT"]["category"] == "under migratory pressure"
    assert doc["assessment"]["states"]["IT"]["rules_resting_on_secondary"] == []


def test_html_has_every_section(html: str):
    for section in SECTIONS:
        assert f'id="{section}"' in html, section
        assert f'href="#{section}"' in html, section  # and the contents link to it
    assert "Implementing Decision (EU) 2025/2323" in html
    assert "Council Implementing Decision (EU) 2025/2642" in html
    for geo in ("CY", "EL", "ES", "IT"):
        assert f"<h4>{geo} — " in html
    # the data annex lists every release used, numbered: primary extractions only
    releases = re.findall(r'<li value="(\d+)">', html)
    assert len(releases) >= 5 and releases == [str(i) for i in range(1, len(releases) + 1)]
    assert "Eurostat dissemination API" in html and "Frontex data file" in html
    assert "openstats.eu" not in html  # a page quoting Eurostat is not used by default


def test_report_says_what_cannot_be_derived(html: str):
    assert "No Member State can be projected from the figures held" in html
    assert "SYNTHETIC" in html  # only in the note that the method check used SYNTHETIC series
    assert "seeded test data, not a projection" not in html  # no synthetic projection shown
    assert "undetermined" in html and "no figure for" in html.lower()


def test_charts_are_embedded(html: str):
    images = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert len(images) >= 3  # routes, disproportion, decision against eupact
    svg = base64.b64decode(images[0]).decode("utf-8")
    assert svg.lstrip().startswith("<svg") and "Central Mediterranean" in svg


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects, with its compressed object streams inflated (WeasyPrint writes
    PDF 1.7 object streams, so page dictionaries are not visible in the raw bytes)."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_pdf_has_pages(cycle_dir: Path):
    pdf = (cycle_dir / "report_2025.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    objects = pdf_objects(pdf)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", objects))
    assert 15 <= pages <= 40, pages
    assert b"/Count %d" % pages in objects  # the page tree agrees


def test_no_report_switch(tmp_path: Path):
    out = tmp_path / "r"
    invoke("cycle", "run", "2026", "--out", str(out), "--quiet", "--no-report")
    names = {p.name for p in out.iterdir()}
    assert "summary.html" in names and not any(
        n.startswith(("report_", "assessment")) for n in names
    )


def test_report_command_html_only(tmp_path: Path):
    stdout = invoke("report", "2025", "--out", str(tmp_path / "rep"), "--no-pdf")
    assert "report_2025.html" in stdout
    names = {p.name for p in (tmp_path / "rep").iterdir()}
    assert names == {"report_2025.html", "assessment_2025.json"}


def test_the_run_writes_one_workbook(cycle_dir: Path):
    from openpyxl import load_workbook

    book = load_workbook(cycle_dir / "results.xlsx")
    assert {"outcome", "fair_shares", "Sources"} <= set(book.sheetnames)
    sheet = book["outcome"]
    text = " ".join(str(c.value) for row in sheet.iter_rows(max_row=3) for c in row if c.value)
    assert "SYNTHETIC" in text
    assert sheet.freeze_panes is not None
    assert not any(
        isinstance(c.value, str) and c.value.startswith("=")
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
    )
