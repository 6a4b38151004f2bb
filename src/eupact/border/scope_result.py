"""The answer of :func:`eupact.border.scope.border_scope`: what the asylum border procedure requires
of a Member State on a day (Regulation (EU) 2024/1348, APR, Arts 42-45, 47-51, 53; Regulation (EU)
2024/1359, CFMR, Art. 11), each part with its articles, JSON-ready (``as_dict``) and in plain
English (``lines``). Pure data: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eupact.crisis.border import Answer
from eupact.explain import ParameterUse
from eupact.parameters import ReadingInForce

#: What each point of Art. 42 APR covers, in a few words (the law's text is the authority).
POINT_WORDS = {
    "42(1)(a)": "only issues not relevant to international protection raised",
    "42(1)(b)": "clearly inconsistent, false or improbable representations",
    "42(1)(c)": "misled the authorities, or destroyed identity documents in bad faith",
    "42(1)(d)": "application made merely to delay or frustrate a removal",
    "42(1)(e)": "a safe country of origin",
    "42(1)(f)": "a danger to national security or public order",
    "42(1)(g)": "a subsequent application that is not inadmissible",
    "42(1)(j)": "a nationality whose recognition rate is at or below the threshold",
    "42(3)(b)": "an unaccompanied minor who is a danger to national security or public order",
}
#: Art. 44(2) APR: whom to select first for the border procedure when the applicants are too many.
PRIORITY_44_2 = (
    (
        "Art. 44(2)(a) APR",
        "nationals (or former habitual residents) of third countries to which return after a "
        "negative decision is more likely: to the country of origin or former habitual "
        "residence, a safe third country or a first country of asylum",
    ),
    (
        "Art. 44(2)(b) APR",
        "persons considered on serious grounds a danger to a Member State's national security or "
        "public order",
    ),
    ("Art. 44(2)(c) APR", "adults and their family members, without prejudice to (b)"),
)


@dataclass(frozen=True, slots=True)
class Release:
    """Why a ground need not be examined in the border procedure on the day."""

    by: str  # "48", "50" or "11(2)"
    articles: tuple[str, ...]
    why: str
    source: str  # the notification, the Commission's act or the Council decision

    def as_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "articles": list(self.articles),
            "why": self.why,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Ground:
    """One point of Art. 42 APR that makes the border procedure mandatory (Art. 45(1))."""

    point: str
    words: str
    always: bool  # never released (Art. 47(3), 50)
    articles: tuple[str, ...]
    releases: tuple[Release, ...] = ()

    @property
    def required(self) -> bool:
        return self.always or not self.releases

    def as_dict(self) -> dict[str, Any]:
        return {
            "point": self.point,
            "words": self.words,
            "required": self.required,
            "never_released": self.always,
            "articles": list(self.articles),
            "released_by": [r.as_dict() for r in self.releases],
        }


@dataclass(frozen=True, slots=True)
class Merits:
    """The decisions on the merits the border procedure may take (Art. 44(1)(b) APR, CFMR 11(4),
    11(6)-(9))."""

    points: tuple[str, ...]
    rate: Answer | None  # CFMR 11(4): nationalities at or below this rate too
    instrumentalisation: str  # the decision authorising 11(6), "" when none
    exclusion: str | None  # 11(7)(a) or (b), as the decision says (11(8))
    articles: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "points": list(self.points),
            "up_to_rate": self.rate.as_dict() if self.rate else None,
            "instrumentalisation": (
                {"decision": self.instrumentalisation, "exclusion": self.exclusion}
                if self.instrumentalisation
                else None
            ),
            "articles": list(self.articles),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class Priority:
    """Whom to select first for the border procedure (Art. 44(2)), when it applies; the
    examination's own order (Art. 44(3); CFMR 11(5))."""

    applies: bool | None  # None: no monthly figures given
    why: str
    categories: tuple[tuple[str, str], ...]
    examination: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "applies": self.applies,
            "why": self.why,
            "categories": [{"article": a, "who": w} for a, w in self.categories],
            "examination_first": [{"article": a, "who": w} for a, w in self.examination],
        }


@dataclass(frozen=True)
class BorderScope:
    """What the asylum border procedure requires of ``state`` on ``on``, each part with its
    articles, and the trace (inputs, parameters, [reading]s)."""

    state: str
    on: dt.date
    grounds: tuple[Ground, ...]
    threshold_j: Answer
    merits: Merits
    duration: Answer
    duration_after_relocation: Answer
    priority: Priority
    decisions: tuple[str, ...]  # the Council decisions in force for the state, with the situation
    month: str | None  # the month whose status was given (YYYY-MM)
    inputs: tuple[dict[str, Any], ...]
    parameters: tuple[ParameterUse, ...]
    readings: tuple[ReadingInForce, ...]
    articles: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def mandatory(self) -> tuple[str, ...]:
        return tuple(g.point for g in self.grounds if g.required)

    @property
    def released(self) -> tuple[str, ...]:
        return tuple(g.point for g in self.grounds if not g.required)

    @property
    def never_released(self) -> tuple[str, ...]:
        return tuple(g.point for g in self.grounds if g.always)

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "on": self.on.isoformat(),
            "mandatory": list(self.mandatory),
            "released": list(self.released),
            "never_released": list(self.never_released),
            "grounds": [g.as_dict() for g in self.grounds],
            "threshold_j": self.threshold_j.as_dict(),
            "merits": self.merits.as_dict(),
            "duration": self.duration.as_dict(),
            "duration_after_relocation": self.duration_after_relocation.as_dict(),
            "priority": self.priority.as_dict(),
            "decisions": list(self.decisions),
            "month": self.month,
            "inputs": [dict(i) for i in self.inputs],
            "parameters": [p.__dict__ for p in self.parameters],
            "readings": [r.as_dict() for r in self.readings],
            "articles": list(self.articles),
            "notes": list(self.notes),
        }

    def lines(self) -> tuple[str, ...]:
        """A short explanation in plain English, one sentence a line."""
        out = [f"{self.state} on {self.on.isoformat()}: what the asylum border procedure requires."]
        out.append(
            "Council decisions in force: " + "; ".join(self.decisions) + "."
            if self.decisions
            else "No Council implementing decision under the CFMR is in force for the state."
        )
        out.append(
            "Mandatory in the border procedure, in the cases of Art. 43(1) APR (Art. 45(1)): "
            + compact(self.mandatory)
            + "."
        )
        for g in self.grounds:
            if not g.required:
                why = "; ".join(f"{r.why} ({', '.join(r.articles)})" for r in g.releases)
                out.append(f"Not required for {g.point} ({g.words}): {why}.")
        out.append(
            f"Never released: {compact(self.never_released)} (Art. 47(3), second sentence; "
            "Art. 50, fourth paragraph APR)."
        )
        t = self.threshold_j
        source = (
            f"Art. 11(3) CFMR, {t.decision}; ordinarily {t.ordinary}"
            if "Art. 11(3) CFMR" in t.articles
            else "Art. 42(1)(j) APR"
        )
        out.append(
            f"Art. 42(1)(j) covers nationalities with a recognition rate of {t.value} or lower "
            f"({source})."
        )
        m = self.merits
        merits = f"Decisions on the merits in the border procedure: {compact(m.points)}"
        if m.rate is not None:
            merits += f"; also nationalities at or below {m.rate.value} (Art. 11(4) CFMR)"
        if m.instrumentalisation:
            merits += (
                "; every application of a person subject to instrumentalisation registered "
                f"that day (Art. 11(6) CFMR), with the exclusion of {m.exclusion}"
            )
        out.append(merits + " (Art. 44(1)(b) APR).")
        out.append(
            f"Maximum duration for an application made that day: {self.duration.value}, "
            f"{self.duration_after_relocation.value} after a relocation ("
            + ", ".join(dict.fromkeys((*self.duration.articles, "Art. 51(2) APR")))
            + (f"; {self.duration.note}" if self.duration.note else "")
            + ")."
        )
        p = self.priority
        if p.applies:
            out.append(
                f"{p.why}: select first under Art. 44(2) APR: "
                + "; ".join(
                    f"{a.removeprefix('Art. 44(2)').removesuffix(' APR')} {w}"
                    for a, w in p.categories
                )
                + "."
            )
        else:
            out.append(f"{p.why}.")
        out += list(self.notes)
        return tuple(out)


def compact(points: Sequence[str]) -> str:
    """Points of Art. 42 as the law lists them: ``42(1)(a)-(g), (j); 42(3)(b)``."""
    groups: dict[str, list[str]] = {}
    for p in points:
        head, _, letter = p.rpartition("(")
        groups.setdefault(head, []).append(letter.rstrip(")"))
    parts = []
    for head, letters in groups.items():
        runs: list[list[str]] = []
        for letter in letters:
            if runs and len(letter) == 1 and ord(letter) == ord(runs[-1][-1]) + 1:
                runs[-1].append(letter)
            else:
                runs.append([letter])
        shown = [
            f"({r[0]})-({r[-1]})" if len(r) > 2 else ", ".join(f"({x})" for x in r) for r in runs
        ]
        parts.append(head + ", ".join(shown))
    return "; ".join(parts)


__all__ = [
    "POINT_WORDS",
    "PRIORITY_44_2",
    "BorderScope",
    "Ground",
    "Merits",
    "Priority",
    "Release",
    "compact",
]
