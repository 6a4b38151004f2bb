"""Candidates for the obligations register, proposed from the Official Journal texts (the JSON files
of ``../shared/law/``) for a curator to review: every sentence that carries a fixed date ("by
12 June 2026", "from 1 July 2026"), a period ("within two months", "no later than nine months
before") or a recurrence ("each year", "every five years thereafter", "by 15 October each year").

A candidate says where (act, article, paragraph, the article's subject), what kind (date, recurring,
time limit) and its value in the register's notation (``2026-06-12``; ``yearly 10-15``, ``every 5
years 2025-12-12``, ``yearly``; ``2 months``), who it guesses must act (from the words before the
sentence's ``shall``), and a short excerpt for the curator's eyes — never for our documents.

:func:`compare` sets the candidates against the curated register: the entries the extractor finds
(its recall on the register) and the candidates the register has no entry for (to curate);
:func:`recall` does the same against a hand-made list (``tests/data/register_recall.yaml``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from eupact.errors import EupactError, Problem

from .model import ACTS, Addressee, Kind, Obligation

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH = "|".join(MONTHS)
_WORDS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "twenty-one",
    "twenty-two",
    "twenty-three",
    "twenty-four",
]
NUMBERS = {w: i for i, w in enumerate(_WORDS, 1)} | {"thirty": 30, "sixty": 60, "ninety": 90}
_NUM = r"(?:\d{1,3}|" + "|".join(sorted(NUMBERS, key=len, reverse=True)) + ")"

DATE = re.compile(rf"\b(\d{{1,2}}) ({_MONTH}) (\d{{4}})\b")
DAY_MONTH = re.compile(rf"\b(\d{{1,2}}) ({_MONTH})\b(?! \d{{4}})")
# "10 working days", "six months", "1 year"; not "12-week period" (a period named elsewhere)
PERIOD = re.compile(rf"\b({_NUM}) (working )?(day|week|month|year)s?\b", re.IGNORECASE)
_NOT_A_LIMIT_BEFORE = re.compile(
    r"(every|each|previous|past|last|preceding|under|over|age of|aged)\s+$", re.IGNORECASE
)
_NOT_A_LIMIT_AFTER = re.compile(r"^\s*(of age|old|ago)\b", re.I)
RECURRENCE = re.compile(
    rf"\bevery (?P<n>{_NUM}) (?P<unit>year|month)s?\b"
    r"|\b(?P<yearly>each year|every year|annually|on an annual basis|yearly|an annual report"
    r"|from then on annually|once a year)\b"
    r"|\b(?P<monthly>every month|each month|on a monthly basis|monthly)\b"
    r"|\b(?P<twice>twice a year)\b",
    re.IGNORECASE,
)
FIRST_YEAR = 2024  # the Pact's acts were adopted on 14 May 2024: earlier dates cite other acts
_BOUND_GAP = 40
_YEAR_END = re.compile(
    r"\bbefore the end of (each|the) calendar year\b"
)  # a date this close before "and every five years thereafter" is its first


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence's date, period or recurrence, proposed as an obligation."""

    act: str
    article: str
    paragraph: str  # "" where the article has no numbered paragraphs
    subject: str
    kind: Kind
    value: str  # in the register's notation (see the module's docstring)
    addressee: str  # an Addressee value, or "" when no actor is named
    excerpt: str  # for the curator's eyes only

    def cite(self) -> str:
        para = f"({self.paragraph})" if self.paragraph else ""
        return f"{ACTS[self.act][1]} Art. {self.article}{para}"


@dataclass(frozen=True, slots=True)
class Expected:
    """An item of a hand-made list: where an obligation is and its value."""

    act: str
    article: str
    paragraph: str
    kind: Kind
    value: str
    what: str = ""


# --- the texts ----------------------------------------------------------------------------------


def law_folder(given: Path | None = None) -> Path:
    """The folder of the acts' JSON texts: ``given``, ``$EUPACT_LAW``, or ``../shared/law`` beside
    the repository."""
    if given is not None:
        folder = given
    elif os.environ.get("EUPACT_LAW"):
        folder = Path(os.environ["EUPACT_LAW"])
    else:
        folder = Path(__file__).resolve().parents[3].parent / "shared" / "law"
    if not (folder / "ammr.json").is_file():
        raise EupactError(
            [Problem("law", str(folder), "a folder with the acts' JSON texts (ammr.json, ...)")],
            "the Pact's texts not found (--law or EUPACT_LAW)",
        )
    return folder


@cache
def load_articles(act: str, folder: Path) -> dict[str, dict[str, Any]]:
    """An act's articles by number (as text): ``subject``, ``content``, ..."""
    doc = json.loads((folder / f"{act}.json").read_text(encoding="utf-8"))
    return {str(a["number"]): a for a in doc["articles"]}


def sentences(content: str, subject: str = "") -> Iterator[tuple[str, str]]:
    """An article's text as (paragraph number, sentence): blocks split at blank lines, a block
    starting "N. " opening paragraph N (the blocks after it belong to it), each block split into
    sentences. The first line, the article's subject, is left out."""
    head, _, rest = content.partition("\n")
    if head.strip() != subject.strip() or not subject:
        rest = content if not subject else rest
    paragraph = ""
    for block in re.split(r"\n\s*\n|\n", rest):
        block = block.strip()
        if not block:
            continue
        m = re.match(r"(\d{1,3})\.\s+", block)
        if m:
            paragraph, block = m.group(1), block[m.end() :]
        for sentence in re.split(r"(?<=[.;:])\s+(?=[A-Z])", block):
            if sentence.strip():
                yield paragraph, sentence.strip()


# --- parsing a sentence -------------------------------------------------------------------------


def number(text: str) -> int:
    """``"six"`` → 6, ``"12"`` → 12."""
    t = text.lower()
    return int(t) if t.isdigit() else NUMBERS[t]


def _iso(day: str, month: str, year: int | str) -> str:
    return f"{int(year):04d}-{MONTHS.index(month) + 1:02d}-{int(day):02d}"


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


@dataclass(slots=True)
class Found:
    """What :func:`parse` finds in one sentence: (kind, value, start, end) each."""

    items: list[tuple[Kind, str, int, int]] = field(default_factory=list)

    def values(self, kind: Kind) -> list[str]:
        return [v for k, v, _, _ in self.items if k is kind]


def parse(sentence: str) -> Found:
    """The fixed dates, periods and recurrences of a sentence, in the register's notation.

    A recurrence takes the date just before it as its first occurrence ("by 12 December 2025 and
    every five years thereafter" → ``every 5 years 2025-12-12``; "by 15 October each year" →
    ``yearly 10-15``); a day and month with no year before "every N years" falls N years after
    the sentence's last full date ("on 12 August 2024 and on 15 October every three years
    thereafter" → ``every 3 years 2027-10-15``); the dates so taken are not dates of their own.
    """
    found = Found()
    dates = list(DATE.finditer(sentence))
    bound: set[int] = set()
    for rec in RECURRENCE.finditer(sentence):
        start = rec.start()
        before = [d for d in dates if d.end() <= start and start - d.end() <= _BOUND_GAP]
        near = before[-1] if before else None
        if near is not None and DATE.search(sentence, near.end(), start):
            near = None
        loose = [m for m in DAY_MONTH.finditer(sentence, 0, start) if start - m.end() <= 12]
        if rec.group("monthly") or rec.group("twice"):
            value = "monthly" if rec.group("monthly") else "every 6 months"
            found.items.append((Kind.RECURRING, value, start, rec.end()))
            continue
        if rec.group("yearly"):
            if _YEAR_END.search(sentence):
                value = "yearly 12-31"
            elif loose:
                value = f"yearly {_iso(loose[-1].group(1), loose[-1].group(2), 2000)[5:]}"
            elif near is not None:
                value = f"yearly {_iso(*near.groups())[5:]}"
                bound.add(near.start())
            else:
                value = "yearly"
            found.items.append((Kind.RECURRING, value, start, rec.end()))
            continue
        n, unit = number(rec.group("n")), rec.group("unit").lower()
        value = f"every {n} {unit}s" if n > 1 else f"every {unit}"
        if unit == "year" and loose and any(d.end() <= loose[-1].start() for d in dates):
            first_year = int([d for d in dates if d.end() <= loose[-1].start()][-1].group(3)) + n
            value += f" {_iso(loose[-1].group(1), loose[-1].group(2), first_year)}"
        elif unit == "year" and near is not None:
            value += f" {_iso(*near.groups())}"
            bound.add(near.start())
        found.items.append((Kind.RECURRING, value, start, rec.end()))
    for d in dates:
        if d.start() in bound or int(d.group(3)) < FIRST_YEAR:  # an older act's date
            continue
        if not re.search(r"\bof\s+$", sentence[: d.start()]):
            found.items.append((Kind.DATE, _iso(*d.groups()), d.start(), d.end()))
    recurring_spans = [(s, e) for k, _, s, e in found.items if k is Kind.RECURRING]
    for p in PERIOD.finditer(sentence):
        if any(s <= p.start() < e for s, e in recurring_spans):
            continue
        if _NOT_A_LIMIT_BEFORE.search(sentence[: p.start()]) or _NOT_A_LIMIT_AFTER.match(
            sentence[p.end() :]
        ):
            continue
        n, working, unit = number(p.group(1)), p.group(2), p.group(3).lower()
        value = _plural(n, f"working {unit}" if working else unit)
        found.items.append((Kind.TIME_LIMIT, value, p.start(), p.end()))
    found.items.sort(key=lambda item: item[2])
    return found


# --- who must act -------------------------------------------------------------------------------

_CITATION = re.compile(
    r"of the European Parliament and of the Council|Council Implementing Decision"
)
ACTORS: tuple[tuple[re.Pattern[str], Addressee], ...] = (
    (re.compile(r"\bCommission\b"), Addressee.COMMISSION),
    (re.compile(r"\bCouncil\b"), Addressee.COUNCIL),
    (re.compile(r"\bEuropean Parliament\b"), Addressee.EUROPEAN_PARLIAMENT),
    (
        re.compile(r"\bMember States?\b|\b(determining|competent|screening) authorit"),
        Addressee.MEMBER_STATES,
    ),
    (re.compile(r"\bAsylum Agency\b|European Union Agency for Asylum"), Addressee.EUAA),
    (re.compile(r"European Border and Coast Guard Agency|\bFrontex\b"), Addressee.FRONTEX),
    (re.compile(r"\beu-LISA\b"), Addressee.EU_LISA),
    (re.compile(r"Fundamental Rights Agency|Agency for Fundamental Rights"), Addressee.FRA),
    (re.compile(r"Solidarity [Cc]oordinator"), Addressee.COORDINATOR),
    (re.compile(r"High-Level EU Solidarity Forum"), Addressee.HIGH_LEVEL_FORUM),
)
_MODAL = re.compile(r"\b(shall|may|must)\b")


_OBJECT = re.compile(
    r"\b(with|of|to|by|from|for|in|among|between|and)\s+((the|each|all|other|that|those|relevant|"
    r"requested|requesting|concerned)\s+)*$",
    re.IGNORECASE,
)


def _actors(text: str, *, subjects: bool = False) -> list[tuple[int, Addressee]]:
    """The actors a text names, by position; ``subjects``: leaving out those after a preposition
    ("in cooperation with the Member States", "by the Commission")."""
    text = _CITATION.sub(lambda m: " " * len(m.group(0)), text)
    found = sorted((m.start(), who) for rx, who in ACTORS for m in rx.finditer(text))
    if subjects:
        found = [(i, who) for i, who in found if not _OBJECT.search(text[:i])]
    return found


def guess_addressee(sentence: str) -> Addressee | None:
    """Who must act: the last actor named before the sentence's first "shall" ("By 12 June 2028,
    the Commission shall report"), else the actor of "shall be adopted by the ..." (a passive), else
    None (the caller may carry the paragraph's last subject)."""
    modal = _MODAL.search(sentence)
    if modal is None:
        return None
    before = _actors(sentence[: modal.start()], subjects=True) or _actors(sentence[: modal.start()])
    if before:
        return before[-1][1]
    passive = re.match(r"\s+(?:also\s+)?be \w+ed by (?:the )?", sentence[modal.end() :])
    if passive is not None:
        after = _actors(sentence[modal.end() + passive.end() :])
        if after and after[0][0] == 0:
            return after[0][1]
    return None


def excerpt(sentence: str, start: int, end: int, width: int = 110) -> str:
    """About ``width`` characters of the sentence around [start, end), cut at words."""
    if len(sentence) <= width:
        return sentence
    room = max(0, width - (end - start)) // 2
    lo, hi = max(0, start - room), min(len(sentence), end + room)
    lo = sentence.rfind(" ", 0, lo) + 1 if lo else 0
    cut = sentence.find(" ", hi)
    hi = len(sentence) if cut == -1 else cut
    return ("…" if lo else "") + sentence[lo:hi].strip() + ("…" if hi < len(sentence) else "")


# --- candidates ---------------------------------------------------------------------------------


def extract_act(act: str, folder: Path | None = None) -> list[Candidate]:
    """Every candidate of one act, in the order of its text; one per (article, paragraph, kind,
    value)."""
    if act not in ACTS:
        raise EupactError([Problem("act", act, f"one of {', '.join(ACTS)}")], "unknown act")
    out: list[Candidate] = []
    seen: set[tuple[str, str, Kind, str]] = set()
    for number_, article in load_articles(act, law_folder(folder)).items():
        subject = str(article.get("subject", ""))
        last: Addressee | None = None  # a sentence naming no actor: the article's last subject
        for paragraph, sentence in sentences(str(article.get("content", "")), subject):
            who = guess_addressee(sentence) or last
            last = who or last
            for kind, value, start, end in parse(sentence).items:
                key = (number_, paragraph, kind, value)
                if key in seen:
                    continue
                seen.add(key)
                out.append(
                    Candidate(
                        act=act,
                        article=number_,
                        paragraph=paragraph,
                        subject=subject,
                        kind=kind,
                        value=value,
                        addressee=who.value if who else "",
                        excerpt=excerpt(sentence, start, end),
                    )
                )
    return out


def extract(acts: Iterable[str] | None = None, folder: Path | None = None) -> list[Candidate]:
    """The candidates of the given acts (default: all nine)."""
    return [c for act in (acts or ACTS) for c in extract_act(act, folder)]


# --- against the register and against a hand-made list ------------------------------------------


def _norm_period(value: str) -> str:
    return re.sub(r"s$", "", value.strip().lower())


def value_matches(kind: Kind, wanted: str, proposed: str) -> bool:
    """Whether a candidate's value is the obligation's: the same date or period; for a recurrence
    the same, or the candidate's without the first date the register gives (``yearly`` for
    ``yearly 10-15``, ``every 5 years`` for ``every 5 years 2025-12-12``)."""
    if kind is Kind.TIME_LIMIT:
        return _norm_period(wanted) == _norm_period(proposed)
    if kind is Kind.RECURRING:
        return wanted == proposed or wanted.startswith(proposed + " ")
    return wanted == proposed


def matches(c: Candidate, act: str, article: str, paragraph: str, kind: Kind, value: str) -> bool:
    """A candidate is an obligation when act, article and kind are the same, the paragraphs
    agree (either may be unnumbered) and :func:`value_matches`."""
    return (
        c.act == act
        and c.article == article
        and (not c.paragraph or not paragraph or c.paragraph == paragraph)
        and c.kind is kind
        and value_matches(kind, value, c.value)
    )


def obligation_value(o: Obligation) -> str:
    if o.kind is Kind.DATE:
        return o.due.isoformat() if o.due else ""
    return o.recurrence if o.kind is Kind.RECURRING else o.period


@dataclass(frozen=True, slots=True)
class Comparison:
    """The register against the candidates."""

    found: list[tuple[Obligation, Candidate]]  # each entry with the first candidate matching it
    missed: list[Obligation]  # entries no candidate matches
    located: list[Obligation]  # of the missed, those whose article and paragraph a candidate flags
    unregistered: list[Candidate]  # candidates matching no entry: to curate

    @property
    def recall(self) -> float:
        total = len(self.found) + len(self.missed)
        return len(self.found) / total if total else 0.0


def compare(candidates: Sequence[Candidate], register: Sequence[Obligation]) -> Comparison:
    found: list[tuple[Obligation, Candidate]] = []
    missed: list[Obligation] = []
    used: set[int] = set()
    for o in register:
        value = obligation_value(o)
        hits = [
            i
            for i, c in enumerate(candidates)
            if matches(c, o.act, o.article, o.paragraph, o.kind, value)
        ]
        if hits:
            found.append((o, candidates[hits[0]]))
            used.update(hits)
        else:
            missed.append(o)
    located = [
        o
        for o in missed
        if any(
            c.act == o.act
            and c.article == o.article
            and (not c.paragraph or not o.paragraph or c.paragraph == o.paragraph)
            for c in candidates
        )
    ]
    unregistered = [c for i, c in enumerate(candidates) if i not in used]
    return Comparison(found, missed, located, unregistered)


def read_expected(path: Path) -> list[Expected]:
    """A hand-made list (``tests/data/register_recall.yaml``)."""
    from eupact import yamlio

    doc = yamlio.load(path.read_text(encoding="utf-8"))
    return [
        Expected(
            act=str(item["act"]),
            article=str(item["article"]),
            paragraph=str(item.get("paragraph") or ""),
            kind=Kind(str(item["kind"])),
            value=str(item["value"]),
            what=str(item.get("what", "")),
        )
        for item in doc["obligations"]
    ]


def recall(
    candidates: Sequence[Candidate], expected: Sequence[Expected]
) -> tuple[float, list[Expected]]:
    """The share of the hand-made list the candidates find, and the items they miss."""
    missed = [
        e
        for e in expected
        if not any(matches(c, e.act, e.article, e.paragraph, e.kind, e.value) for c in candidates)
    ]
    return (1 - len(missed) / len(expected) if expected else 0.0), missed


__all__ = [
    "Candidate",
    "Comparison",
    "Expected",
    "compare",
    "extract",
    "extract_act",
    "guess_addressee",
    "law_folder",
    "parse",
    "read_expected",
    "recall",
    "sentences",
]
