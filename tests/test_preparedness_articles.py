"""Issue 17, "done when": every article the issue names maps to code and to a test.

The map below is written by hand; the test checks that each module and each test file named
still exists and still cites the article (a citation removed or a file renamed fails here), and,
where the Official Journal texts sit beside the checkout, that the article exists with the
subject the map gives. APR = Regulation (EU) 2024/1348, CFMR = Regulation (EU) 2024/1359.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from eupact.border.acts import numbers_review

ROOT = Path(__file__).resolve().parents[1]
LAW = ROOT.parent / "shared" / "law"

# (act, article, subject word in the OJ title, code files, test files)
MAP: list[tuple[str, int, str, tuple[str, ...], tuple[str, ...]]] = [
    ("apr", 44, "decisions", ("border/scope.py",), ("test_border_scope.py",)),
    ("apr", 45, "mandatory", ("border/scope.py",), ("test_border_scope.py",)),
    ("apr", 46, "adequate capacity", ("border/capacity.py",), ("test_border_capacity.py",)),
    (
        "apr",
        47,
        "adequate capacity",
        ("border/capacity.py", "border/acts.py", "border/monitoring.py"),
        ("test_border_capacity.py", "test_border_monitoring.py"),
    ),
    (
        "apr",
        48,
        "adequate capacity",
        ("border/monitoring.py", "cycle/service/border_notices.py"),
        ("test_border_monitoring.py", "test_border_service.py"),
    ),
    (
        "apr",
        49,
        "notification",
        ("border/notifications.py", "cycle/service/border_notices.py"),
        ("test_border_monitoring.py", "test_border_service.py"),
    ),
    (
        "apr",
        50,
        "annual maximum",
        ("border/monitoring.py", "cycle/service/border_notices.py"),
        ("test_border_monitoring.py", "test_border_api.py"),
    ),
    (
        "apr",
        77,
        "monitoring",
        ("border/acts.py", "cli/border.py"),
        ("test_preparedness_articles.py",),
    ),
    (
        "cfmr",
        1,
        "subject",
        ("crisis/measures.py", "crisis/rules.py"),
        ("test_crisis_procedure.py",),
    ),
    (
        "cfmr",
        2,
        "request",
        ("crisis/events.py", "cycle/service/crisis.py"),
        ("test_crisis_service.py",),
    ),
    ("cfmr", 3, "commission", ("crisis/schedule.py",), ("test_crisis_procedure.py",)),
    ("cfmr", 4, "council", ("crisis/procedure.py", "crisis/plan.py"), ("test_crisis_plan.py",)),
    ("cfmr", 5, "duration", ("crisis/timing.py",), ("test_crisis_procedure.py",)),
    ("cfmr", 6, "monitoring", ("crisis/schedule.py",), ("test_crisis_service.py",)),
    ("cfmr", 7, "coordinator", ("crisis/schedule.py",), ("test_crisis_api.py",)),
    ("cfmr", 8, "solidarity", ("crisis/plan.py",), ("test_crisis_plan.py",)),
    ("cfmr", 9, "offsets", ("crisis/offsets.py",), ("test_crisis_plan.py",)),
    ("cfmr", 10, "registration", ("crisis/border.py",), ("test_crisis_border.py",)),
    (
        "cfmr",
        11,
        "border procedure",
        ("crisis/border.py", "border/scope.py"),
        ("test_border_scope.py",),
    ),
    (
        "cfmr",
        12,
        "time limits",
        ("responsibility/crisis.py",),
        ("test_responsibility_crisis.py", "test_dublin_pages.py"),
    ),
    ("cfmr", 13, "take back", ("responsibility/crisis.py",), ("test_responsibility_crisis.py",)),
    ("cfmr", 14, "expedited", ("crisis/border.py",), ("test_crisis_border.py",)),
]


def cites(text: str, article: int) -> bool:
    """'Art. 47', 'Arts 46-47', 'Articles 2 and 47', '47(4)', 'Article 47': the article named."""
    n = str(article)
    patterns = (
        rf"\bArt(?:icle)?s?\.?\s+(?:[\d()a-z]+(?:,\s*|\s+and\s+|\s*[-–]\s*))*{n}\b(?!\.\d)",
        rf"(?<![\d.])\b{n}\(\d+\)",
        r"\bArts?\.?\s+\d+\s*[-–]\s*\d+",  # a range, checked below
    )
    if re.search(patterns[0], text) or re.search(patterns[1], text):
        return True
    for m in re.finditer(r"\bArts?\.?\s+(\d+)\s*[-–]\s*(\d+)", text):
        if int(m.group(1)) <= article <= int(m.group(2)):
            return True
    return False


@pytest.mark.parametrize(
    ("act", "article", "subject", "code", "tests"),
    MAP,
    ids=[f"{a.upper()} {n}" for a, n, *_ in MAP],
)
def test_the_article_maps_to_code_and_a_test(act, article, subject, code, tests) -> None:
    for rel in code:
        path = ROOT / "src" / "eupact" / rel
        assert path.is_file(), f"{rel} is gone"
        assert cites(path.read_text(encoding="utf-8"), article), f"{rel} no longer cites {article}"
    for rel in tests:
        path = ROOT / "tests" / rel
        assert path.is_file(), f"{rel} is gone"
        assert cites(path.read_text(encoding="utf-8"), article), f"{rel} no longer cites {article}"


def test_every_article_the_issue_names_is_in_the_map() -> None:
    named = {("apr", n) for n in (44, 45, 46, 47, 48, 49, 50, 77)}
    named |= {("cfmr", n) for n in range(1, 15)}
    assert named <= {(a, n) for a, n, *_ in MAP}


@pytest.mark.skipif(not LAW.is_dir(), reason="../shared/law is not beside this checkout")
@pytest.mark.parametrize(("act", "article", "subject"), [m[:3] for m in MAP])
def test_the_article_exists_with_that_subject(act: str, article: int, subject: str) -> None:
    doc = json.loads((LAW / f"{act}.json").read_text(encoding="utf-8"))
    (found,) = [a for a in doc["articles"] if str(a["number"]) == str(article)]
    title = (found.get("subject") or found.get("title") or "").lower()
    assert subject in title, title


@pytest.mark.parametrize("text", ["Art. 46", "Arts 46-47", "Art. 47(4)", "Articles 2 and 46"])
def test_cites_finds_the_forms_the_code_uses(text: str) -> None:
    assert cites(text, 46) or cites(text, 47)
    assert not cites("Art. 460", 46) and not cites("2046(1)", 46)


def test_numbers_review_reads_the_register_art_77_third_paragraph() -> None:
    # Art. 77 APR, third paragraph: by 12 June 2027 and every three years after
    assert numbers_review(dt.date(2026, 1, 1))[0] == dt.date(2027, 6, 12)
    assert numbers_review(dt.date(2027, 6, 12))[0] == dt.date(2027, 6, 12)
    assert numbers_review(dt.date(2027, 6, 13))[0] == dt.date(2030, 6, 12)
    assert "Art. 77" in numbers_review(dt.date(2026, 1, 1))[1]
