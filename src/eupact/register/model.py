"""The obligations register of the Pact (issue 19): every provision of the ten acts that sets a date,
a time limit or a recurring duty — who must do what, by when or how often, under which article, in
which building block of the Common Implementation Plan.

The register is curated YAML in ``parameters/register/<act>.yaml``, one file per act, in the shape
of every parameter file (dated values, a legal reference) with the register's own keys beside
``description``; :func:`load_register` reads them into :class:`Obligation` s. Dates are values
(``unit: date``); a recurring duty says how often (``unit: recurring``, value like ``yearly 10-15``
or ``every 3 years 2027-06-12``); a time limit counted from an event (``unit: time_limit``, value
like ``2 weeks``) has its event in ``after``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

BLOCKS = {
    1: "Eurodac",
    2: "A new system at the external borders",
    3: "Reception",
    4: "Fair, efficient and convergent asylum procedures",
    5: "Fair and effective return",
    6: "Making the new responsibility rules work",
    7: "Solidarity",
    8: "Preparedness, contingency and crisis response",
    9: "Safeguards and fundamental-rights monitoring",
    10: "Resettlement, inclusion and integration",
}


class Block(IntEnum):
    """The ten building blocks of the Common Implementation Plan."""

    EURODAC = 1
    EXTERNAL_BORDERS = 2
    RECEPTION = 3
    PROCEDURES = 4
    RETURN = 5
    RESPONSIBILITY = 6
    SOLIDARITY = 7
    PREPAREDNESS = 8
    SAFEGUARDS = 9
    RESETTLEMENT = 10

    @property
    def title(self) -> str:
        return BLOCKS[self.value]


class Addressee(StrEnum):
    """Who must act."""

    MEMBER_STATES = "member_states"
    COMMISSION = "commission"
    COUNCIL = "council"
    EUROPEAN_PARLIAMENT = "european_parliament"
    EUAA = "euaa"  # European Union Agency for Asylum
    FRONTEX = "frontex"
    EU_LISA = "eu_lisa"
    FRA = "fra"  # Fundamental Rights Agency
    COORDINATOR = "coordinator"  # EU Solidarity Coordinator
    HIGH_LEVEL_FORUM = "high_level_forum"


class Kind(StrEnum):
    DATE = "date"  # by a fixed date
    RECURRING = "recurring"  # each year, every N years
    TIME_LIMIT = "time_limit"  # within N days/weeks/months of an event


ACTS = {
    "ammr": ("Regulation (EU) 2024/1351", "AMMR"),
    "apr": ("Regulation (EU) 2024/1348", "APR"),
    "cfmr": ("Regulation (EU) 2024/1359", "CFMR"),
    "eurodac": ("Regulation (EU) 2024/1358", "Eurodac"),
    "sr": ("Regulation (EU) 2024/1356", "Screening"),
    "rbpr": ("Regulation (EU) 2024/1349", "RBPR"),
    "rcd": ("Directive (EU) 2024/1346", "RCD"),
    "qr": ("Regulation (EU) 2024/1347", "QR"),
    "urfa": ("Regulation (EU) 2024/1350", "URF"),
}

_RECURRING = re.compile(r"(yearly (\d{2})-(\d{2}))|(every (\d+) years (\d{4}-\d{2}-\d{2}))")
_PERIOD = re.compile(r"(\d+) (day|week|month|year)s?")


@dataclass(frozen=True, slots=True)
class Obligation:
    """One duty: ``id`` is the parameter's name (``register.<act>.<article>.<slug>``)."""

    id: str
    act: str  # a key of ACTS
    article: str  # "7" ; paragraph in ``paragraph``
    paragraph: str
    subject: str  # the article's subject in the Official Journal text (drift test)
    block: Block
    addressee: Addressee
    duty: str  # our words: what must be done
    kind: Kind
    due: dt.date | None  # Kind.DATE
    recurrence: str  # Kind.RECURRING: "yearly 10-15" | "every 5 years 2026-12-12"
    period: str  # Kind.TIME_LIMIT: "2 weeks"
    after: str  # Kind.TIME_LIMIT: the event the period runs from
    note: str  # a [reading] or a remark
    since: dt.date  # from when the obligation is in force (the act's date of application)

    def cite(self) -> str:
        para = f"({self.paragraph})" if self.paragraph else ""
        return f"{ACTS[self.act][1]} Art. {self.article}{para}"

    def due_dates(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The dates on which this obligation falls due between ``start`` and ``end`` (a
        recurring duty gives one per occurrence; a time limit, none: it needs its event)."""
        if self.kind is Kind.DATE:
            return [self.due] if self.due and start <= self.due <= end else []
        if self.kind is not Kind.RECURRING:
            return []
        m = _RECURRING.fullmatch(self.recurrence)
        if m is None:
            return []
        out = []
        if m.group(1):
            month, day = int(m.group(2)), int(m.group(3))
            for year in range(max(start.year, self.since.year), end.year + 1):
                d = dt.date(year, month, day)
                if start <= d <= end and d >= self.since:
                    out.append(d)
        else:
            every, first = int(m.group(5)), dt.date.fromisoformat(m.group(6))
            year = first.year
            while year <= end.year:
                d = first.replace(year=year)
                if start <= d <= end:
                    out.append(d)
                year += every
        return out


def check_value(kind: Kind, value: Any) -> str:
    """Why ``value`` is not a valid value of an obligation of ``kind`` ("" if it is)."""
    if kind is Kind.DATE:
        return "" if isinstance(value, dt.date) else "a date (YYYY-MM-DD)"
    if kind is Kind.RECURRING:
        ok = isinstance(value, str) and _RECURRING.fullmatch(value)
        return "" if ok else "'yearly MM-DD' or 'every N years YYYY-MM-DD'"
    ok = isinstance(value, str) and _PERIOD.fullmatch(value)
    return "" if ok else "'N days|weeks|months|years'"


__all__ = ["ACTS", "BLOCKS", "Addressee", "Block", "Kind", "Obligation", "check_value"]
