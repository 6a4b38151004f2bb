"""Generated English text (the assessment's reasons, error rules) in French and German: the
demo's 2025 reasons are translated line by line with their figures and articles kept, a line no
template matches stays English inside lang="en"; an error page's rule for GR is translated."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest

from eupact.web import generated_text
from eupact.web.page_charts import plain_reason

from .databases import fresh_database
from .test_web import Site

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
ARTICLE = re.compile(r"Art\. \d+\(\d+\)")


def _lines() -> list[str]:
    from eupact.assessment import assess_year

    a = assess_year(2025)
    return [plain_reason(line) for g in a.states for line in a.states[g].reasons()]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with fresh_database("sqlite", tmp_path_factory.mktemp("gen")) as url:
        site = Site(url, "pledging")
        try:
            yield site
        finally:
            site.engine.dispose()


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_reasons_are_translated_with_figures_and_articles_kept(lang: str) -> None:
    lines = _lines()
    done = {line: generated_text.translate(line, lang) for line in lines}
    translated = [line for line, t in done.items() if t is not None]
    assert sum(done[line] is not None for line in lines) >= 0.9 * len(lines)
    for line in translated:
        text = html.unescape(re.sub(r"<[^>]+>", "", str(done[line])))
        assert text != line.strip() or "·" in line, line  # translated, not copied
        for number in NUMBER.findall(line):
            assert number in text, (number, line, text)
        for article in ARTICLE.findall(line):
            assert article in text, (article, line, text)


def test_untranslated_line_is_marked_english() -> None:
    line = "a sentence no template knows <b>"
    assert generated_text.translate(line, "fr") is None
    assert (
        generated_text.shown(line, "de")
        == '<span lang="en">a sentence no template knows &lt;b&gt;</span>'
    )
    assert generated_text.shown(line, "en") == "a sentence no template knows &lt;b&gt;"


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fr", "OUI (score 1 obtenu par 1 règle(s))"), ("de", "JA (Punktzahl 1 aus 1 Regel(n))")],
)
def test_assessment_page_shows_translated_reasons(site: Site, lang: str, words: str) -> None:
    page = site.client().get(f"/assessment?year=2026&lang={lang}").text
    reasons = re.findall(r'<ul class="reasons">(.*?)</ul>', page, re.S)
    items = [li for block in reasons for li in re.findall(r"<li>(.*?)</li>", block, re.S)]
    assert items
    english = [li for li in items if li.startswith('<span lang="en">')]
    assert len(english) <= 0.1 * len(items)
    assert words in html.unescape(page)
    assert "as read by eupact's methodology" not in html.unescape(page)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", "la Grèce est EL dans les codes géographiques d’Eurostat"),
        ("de", "Griechenland ist EL in den Geo-Codes von Eurostat"),
    ],
)
def test_error_page_for_gr_is_translated(site: Site, lang: str, words: str) -> None:
    response = site.client().get(f"/state/GR?lang={lang}")
    assert response.status_code == 404
    text = html.unescape(response.text)
    assert words in text
    assert "not a Member State's code" not in text
