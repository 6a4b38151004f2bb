"""Relocation candidates, pledged places, state profiles and bilateral agreements on beneficiaries
(Art. 56(2)(a), 60(4), 67 AMMR).

Two shapes of the same data:

* :class:`Applicant`, :class:`PledgedPlaces`, :class:`StateProfile` — one typed record each, for the
  Python API and the file readers;
* :class:`ApplicantTable` — the applicants as columns (numpy arrays, links and languages as
  compressed sparse rows), which the scoring and the solver use, so that a million applicants
  cost arrays rather than objects. ``ApplicantTable.from_applicants`` and ``.applicant(i)``
  convert between the two.

States are Eurostat geo codes (``EL`` for Greece); inside a table they are indices into
:data:`eupact.matching.languages.GEO`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from eupact.errors import EupactError, Problem

from .languages import COMMON_MISTAKES, GEO, GEO_INDEX

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


class LinkKind(StrEnum):
    """Kinds of meaningful links between a person and a Member State (Art. 67(3) AMMR:
    'such as those based on family or cultural considerations'; previous stay and diplomas by
    analogy with the responsibility criteria of Arts. 29 and 30)."""

    FAMILY = "family"
    CULTURAL = "cultural"
    PREVIOUS_STAY = "previous_stay"
    DIPLOMA = "diploma"


LINK_KINDS: tuple[LinkKind, ...] = tuple(LinkKind)


class Vulnerability(StrEnum):
    """Vulnerabilities that give a person primary consideration for relocation (Art. 60(4)
    AMMR), after the list of applicants with special reception needs (Art. 24 of Directive (EU)
    2024/1346)."""

    UNACCOMPANIED_MINOR = "unaccompanied_minor"
    MINOR = "minor"
    PREGNANT = "pregnant"
    DISABILITY = "disability"
    SERIOUS_ILLNESS = "serious_illness"
    MENTAL_DISORDER = "mental_disorder"
    TORTURE_OR_VIOLENCE = "torture_or_violence"
    TRAFFICKING = "trafficking"
    ELDERLY = "elderly"
    SINGLE_PARENT = "single_parent"


VULNERABILITIES: tuple[Vulnerability, ...] = tuple(Vulnerability)
UAM_BIT = 1 << VULNERABILITIES.index(Vulnerability.UNACCOMPANIED_MINOR)


class Status(StrEnum):
    """Relocation of applicants, or — with written consent and where bilaterally agreed — of
    beneficiaries of international protection (Art. 56(2)(a), 67(4) AMMR)."""

    APPLICANT = "applicant"
    BENEFICIARY = "beneficiary"


@dataclass(frozen=True, slots=True)
class Link:
    """A meaningful link of a person to a Member State (Art. 67(3))."""

    state: str
    kind: LinkKind


@dataclass(frozen=True, slots=True)
class Applicant:
    """A person the benefitting state identified as a candidate for relocation (Art. 67(3)).

    ``family_unit`` groups family members, who are relocated to the same state (Art. 67(6));
    empty means a unit of one. ``preferences`` are the person's stated wishes, which give no
    right to choose (Art. 67(3)). ``consent`` is the written consent a beneficiary of protection
    must give (Art. 67(4)). ``protection_granted_on``: the day a beneficiary was granted
    international protection, which must be less than three years before the adoption of the
    Council act establishing the pool (Art. 56(2)(a)(ii)). ``source`` says where the record came
    from (file and row).
    """

    id: str
    benefitting_state: str
    family_unit: str = ""
    nationality: str = ""
    languages: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    vulnerabilities: tuple[Vulnerability, ...] = ()
    preferences: tuple[str, ...] = ()
    status: Status = Status.APPLICANT
    consent: bool = False
    source: str = ""
    protection_granted_on: dt.date | None = None

    @property
    def unit(self) -> str:
        return self.family_unit or self.id


@dataclass(frozen=True, slots=True)
class PledgedPlaces:
    """Relocation places a contributing state pledged (Art. 57(1), 56(2)(a)): for one benefitting
    state, or for any (``benefitting_state=None``)."""

    contributing_state: str
    places: int
    benefitting_state: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class StateProfile:
    """A state of relocation's reasonable preferences on candidate profiles (Art. 60(4), first
    subparagraph), used as hard exclusions, and the languages used to predict outcomes there.

    ``accepts_beneficiaries``: the former per-state flag for beneficiaries. Without
    :class:`BeneficiaryRules` (older inputs) it is read as a bilateral agreement with every
    benefitting state, or with none; with them, the agreements decide, and False still excludes
    every beneficiary from the state. ``max_unit_size``: the largest family unit the state can
    receive. ``languages``: None means the official languages.
    """

    state: str
    accepts_unaccompanied_minors: bool = True
    accepts_beneficiaries: bool = True
    max_unit_size: int | None = None
    languages: tuple[str, ...] | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class BilateralAgreement:
    """The benefitting state and the state of relocation agreed to relocate beneficiaries of
    international protection from the first to the second (Art. 56(2)(a)(ii)). Directed: an
    agreement for IT → DE says nothing of DE → IT."""

    benefitting_state: str
    relocation_state: str
    source: str = ""


@dataclass(frozen=True)
class BeneficiaryRules:
    """What the relocation of beneficiaries of international protection depends on
    (Art. 56(2)(a)(ii), 67(4)): the bilateral agreements, and the adoption date of the Council
    implementing act establishing the pool (Art. 57), before which protection must have been
    granted less than three years (``relocation.beneficiary.*`` parameters). For a pool year:
    ``council_act(year, load_parameters()).act_date``."""

    agreements: tuple[BilateralAgreement, ...]
    pool_act_date: dt.date

    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset((a.benefitting_state, a.relocation_state) for a in self.agreements)


def geo_problem(code: str, field_name: str, location: str) -> Problem | None:
    """A problem if ``code`` is not a Member State's geo code, with a hint for common mistakes."""
    if code in GEO_INDEX:
        return None
    hint = COMMON_MISTAKES.get(code.upper(), "")
    rule = "must be a Member State's Eurostat geo code (e.g. DE, EL, IT)"
    return Problem(field_name, code, f"{rule}; {hint}" if hint else rule, location)


@dataclass(frozen=True, slots=True)
class Csr:
    """Variable-length lists per row: row ``i`` holds ``values[ptr[i]:ptr[i + 1]]``."""

    ptr: IntArray
    values: IntArray

    def row(self, i: int) -> IntArray:
        return self.values[self.ptr[i] : self.ptr[i + 1]]

    def rows_of_values(self) -> IntArray:
        """The row index of every value."""
        return np.repeat(np.arange(len(self.ptr) - 1, dtype=np.int64), np.diff(self.ptr))

    @classmethod
    def from_lists(cls, lists: Iterable[Sequence[int]]) -> Csr:
        lengths: list[int] = []
        flat: list[int] = []
        for items in lists:
            lengths.append(len(items))
            flat.extend(items)
        ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=ptr[1:])
        return cls(ptr, np.asarray(flat, dtype=np.int64))

    @classmethod
    def from_pairs(cls, rows: IntArray, values: IntArray, n_rows: int) -> Csr:
        """Build from (row, value) pairs in any order; values keep their order within a row."""
        order = np.argsort(rows, kind="stable")
        counts = np.bincount(rows, minlength=n_rows)
        ptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        return cls(ptr, np.asarray(values, dtype=np.int64)[order])


@dataclass(frozen=True, eq=False)
class ApplicantTable:
    """Applicants as columns. Row ``i`` is one person.

    ``unit`` is the index of the person's family unit in ``unit_names``; ``benefitting`` the index
    of the benefitting state in ``GEO``; ``languages`` indices into ``language_codes``; ``links``
    pairs of (state index, kind index into ``LINK_KINDS``) stored as ``state * 8 + kind``;
    ``preferences`` state indices in the order given; ``vulnerabilities`` a bit mask over
    ``VULNERABILITIES``. ``sources`` (optional) say where each row was read. ``granted_on``
    (optional): the day protection was granted, as a proleptic ordinal, 0 when not recorded.
    """

    ids: Sequence[str]
    unit: IntArray
    unit_names: Sequence[str]
    benefitting: IntArray
    nationality: Sequence[str]
    language_codes: tuple[str, ...]
    languages: Csr
    links: Csr
    preferences: Csr
    vulnerabilities: IntArray
    beneficiary: BoolArray
    consent: BoolArray
    sources: Sequence[str] | None = None
    label: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    granted_on: IntArray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def n_units(self) -> int:
        return len(self.unit_names)

    def location(self, i: int) -> str:
        if self.sources is not None:
            return self.sources[i]
        return f"applicant {self.ids[i]}"

    @classmethod
    def from_applicants(cls, applicants: Sequence[Applicant], label: str = "") -> ApplicantTable:
        """Columns from records; every unknown state code is reported with its record's source."""
        problems: list[Problem] = []
        lang_index: dict[str, int] = {}
        unit_index: dict[str, int] = {}
        units: list[int] = []
        benefitting: list[int] = []
        langs: list[list[int]] = []
        links: list[list[int]] = []
        prefs: list[list[int]] = []
        vulns: list[int] = []
        for a in applicants:
            where = a.source or f"applicant {a.id}"
            units.append(unit_index.setdefault(a.unit, len(unit_index)))
            bad = geo_problem(a.benefitting_state, "benefitting_state", where)
            if bad:
                problems.append(bad)
            benefitting.append(GEO_INDEX.get(a.benefitting_state, 0))
            langs.append([lang_index.setdefault(code, len(lang_index)) for code in a.languages])
            row_links: list[int] = []
            for link in a.links:
                bad = geo_problem(link.state, "links", where)
                if bad:
                    problems.append(bad)
                    continue
                try:
                    kind = LinkKind(link.kind)
                except ValueError:
                    problems.append(
                        Problem(
                            "links",
                            link.kind,
                            "kind must be one of " + ", ".join(k.value for k in LINK_KINDS),
                            where,
                        )
                    )
                    continue
                code = GEO_INDEX[link.state] * 8 + LINK_KINDS.index(kind)
                if code not in row_links:
                    row_links.append(code)
            links.append(row_links)
            row_prefs: list[int] = []
            for state in a.preferences:
                bad = geo_problem(state, "preferences", where)
                if bad:
                    problems.append(bad)
                elif GEO_INDEX[state] not in row_prefs:
                    row_prefs.append(GEO_INDEX[state])
            prefs.append(row_prefs)
            mask = 0
            for v in a.vulnerabilities:
                try:
                    mask |= 1 << VULNERABILITIES.index(Vulnerability(v))
                except ValueError:
                    problems.append(
                        Problem(
                            "vulnerabilities",
                            v,
                            "must be one of " + ", ".join(x.value for x in VULNERABILITIES),
                            where,
                        )
                    )
            vulns.append(mask)
        if problems:
            raise EupactError(problems, "invalid applicants")
        return cls(
            ids=[a.id for a in applicants],
            unit=np.asarray(units, dtype=np.int64),
            unit_names=list(unit_index),
            benefitting=np.asarray(benefitting, dtype=np.int64),
            nationality=[a.nationality for a in applicants],
            language_codes=tuple(lang_index),
            languages=Csr.from_lists(langs),
            links=Csr.from_lists(links),
            preferences=Csr.from_lists(prefs),
            vulnerabilities=np.asarray(vulns, dtype=np.int64),
            beneficiary=np.asarray([a.status == Status.BENEFICIARY for a in applicants], bool),
            consent=np.asarray([a.consent for a in applicants], dtype=bool),
            sources=[a.source or f"applicant {a.id}" for a in applicants],
            label=label,
            granted_on=np.asarray(
                [
                    a.protection_granted_on.toordinal() if a.protection_granted_on else 0
                    for a in applicants
                ],
                dtype=np.int64,
            ),
        )

    def applicant(self, i: int) -> Applicant:
        """Row ``i`` as a record."""
        links = tuple(
            Link(GEO[int(code) // 8], LINK_KINDS[int(code) % 8]) for code in self.links.row(i)
        )
        mask = int(self.vulnerabilities[i])
        granted = 0 if self.granted_on is None else int(self.granted_on[i])
        return Applicant(
            id=self.ids[i],
            benefitting_state=GEO[int(self.benefitting[i])],
            family_unit=self.unit_names[int(self.unit[i])],
            nationality=self.nationality[i],
            languages=tuple(self.language_codes[int(k)] for k in self.languages.row(i)),
            links=links,
            vulnerabilities=tuple(v for k, v in enumerate(VULNERABILITIES) if mask >> k & 1),
            preferences=tuple(GEO[int(s)] for s in self.preferences.row(i)),
            status=Status.BENEFICIARY if self.beneficiary[i] else Status.APPLICANT,
            consent=bool(self.consent[i]),
            source=self.location(i),
            protection_granted_on=dt.date.fromordinal(granted) if granted else None,
        )

    def __iter__(self) -> Iterator[Applicant]:
        return (self.applicant(i) for i in range(len(self)))
