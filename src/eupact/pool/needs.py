"""Sizing the Annual Solidarity Pool from the projected needs (Art. 12(3) AMMR).

Art. 12(3) tells the Commission what to take into account when it identifies "the level of the
Union-wide responsibility to be shared by all Member States and the consequent level of
solidarity": the overall number of arrivals, the average recognition rates, the average return
rates, and that the states which will become benefitting (Art. 58(1)) are not obliged to
implement their own pledges (Art. 60(3), third subparagraph). It gives no formula, so the formula
is a set of [reading]s (``parameters/ammr/part_iv_art_12_needs_sizing.yaml``)::

    A  arrivals of the relevant year                      [reading] pool.needs.arrivals
    c  share of arrivals expected to stay, from the       [reading] pool.needs.caseload
       recognition rate r and the return rate q             (staying: r + (1 − r)(1 − q))
    U  = A × c   the Union-wide responsibility
    K  the reference-key share (Art. 66) of the states under migratory pressure
    s  share of U that is their solidarity need           [reading] pool.needs.share
                                                            (beyond_own_key_share: 1 − K)
    N  = U × s   the projected solidarity need (Art. 12(1))
    g  = 1 ÷ (1 − K)   the gross-up: the pool is shared by the key, and the states under pressure
                       will not implement their own part of it (Art. 12(3) second sentence)
    relocations = round(N × g)                             [reading] pool.needs.rounding (up)
                  at least the floors of Art. 12(2), unless exceptional (Art. 12(4))
    EUR         = relocations × EUR per relocation         (the ratio kept, Art. 12(3))

Pure: the inputs are plain exact numbers with their sources (:class:`NeedsFigures`; the
assessment builds them, :mod:`eupact.assessment.needs`). Arithmetic is exact (fractions) and
rounded once. A missing input the chosen readings need is refused with its name, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from eupact.data.provenance import Source
from eupact.errors import EupactError, Problem, fail
from eupact.explain import Explanation, ParameterUse
from eupact.key.reference_key import ReferenceKey, round_fraction
from eupact.parameters import ParametersAt
from eupact.pool.allocation import PoolNumbers

RULE = "eupact.pool.needs.size_pool"
ARTICLE = "Art. 12(1)–(4), 58(1), 60(3), 66 AMMR"
READINGS = ("pool.needs.arrivals", "pool.needs.caseload", "pool.needs.share", "pool.needs.rounding")


def exact(value: object) -> Fraction | None:
    """An input number as an exact fraction: a float by its shortest decimal form (0.1 → 1/10),
    so that the sizing computes with the figure as published, not its binary approximation."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction | Decimal | str):
        raise fail("value", value, "a number is needed")
    try:
        return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        raise fail("value", value, "must be a finite number, e.g. 1200 or 0.42") from exc


@dataclass(frozen=True, slots=True)
class Sourced:
    """One input of the sizing: its value (None when the data lack it, with why), what it
    stands for, and the releases behind it."""

    value: Fraction | None
    label: str = ""
    sources: tuple[Source, ...] = ()
    missing: str = ""

    @classmethod
    def of(
        cls,
        value: int | float | str | Fraction | Decimal | None,
        label: str = "",
        sources: tuple[Source, ...] = (),
        missing: str = "",
    ) -> Sourced:
        return cls(exact(value), label, sources, missing)


@dataclass(frozen=True)
class NeedsFigures:
    """What Art. 12(3) asks the proposal to take into account, as plain numbers with sources."""

    year: int  # the pool year
    arrivals_projected: Sourced
    arrivals_observed: Sourced
    recognition_rate: Sourced
    return_rate: Sourced
    under_pressure: tuple[str, ...] | None
    under_pressure_basis: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Caseload:
    """One reading of how the two rates of Art. 12(3) make the share of arrivals who stay."""

    formula: str
    uses: tuple[str, ...]  # "recognition_rate", "return_rate"
    rate: Callable[[Fraction, Fraction], Fraction]


CASELOADS: dict[str, Caseload] = {
    "staying": Caseload(
        "r + (1 − r) × (1 − q)",
        ("recognition_rate", "return_rate"),
        lambda r, q: r + (1 - r) * (1 - q),
    ),
    "recognised": Caseload("r", ("recognition_rate",), lambda r, q: r),
    "not_returned": Caseload("1 − q", ("return_rate",), lambda r, q: 1 - q),
}
SHARES = {"beyond_own_key_share": "1 − K", "whole_caseload": "1"}
ROUNDINGS = {"up": "rounded up", "half_up": "rounded half up"}
ARRIVALS = {"projected": "arrivals_projected", "latest_observed": "arrivals_observed"}


@dataclass(frozen=True, slots=True)
class Term:
    """One line of the sizing: symbol, what it is, its value as shown, article, sources."""

    symbol: str
    name: str
    value: str
    article: str
    sources: tuple[Source, ...] = ()

    def row(self) -> dict[str, str]:
        return {
            "term": f"{self.symbol} {self.name}".strip(),
            "value": self.value,
            "article": self.article,
            "source": "; ".join(s.cite() for s in self.sources),
        }


@dataclass(frozen=True)
class NeedsSizing:
    """The pool sized from the needs: every term, the relocations and EUR proposed, and why."""

    figures: NeedsFigures
    params: ParametersAt
    readings: dict[str, str]
    arrivals: Fraction  # A
    caseload_rate: Fraction  # c
    caseload: Fraction  # U = A × c
    under_pressure: tuple[str, ...]  # those with a key share
    outside_key: tuple[str, ...]  # under pressure but not in the key (no share to gross up)
    key_share: Fraction  # K
    share: Fraction  # s
    need: Fraction  # N = U × s
    gross_up: Fraction  # g = 1 / (1 - K)
    grossed: Fraction  # N × g
    relocations_needed: int  # N × g rounded
    floors: PoolNumbers
    totals: PoolNumbers
    floored: bool
    exceptional: bool
    key_sources: tuple[Source, ...] = field(default=())

    @property
    def relocations(self) -> int:
        return self.totals.relocations

    @property
    def financial(self) -> Decimal:
        return self.totals.financial

    @property
    def per_relocation(self) -> Decimal:
        return Decimal(self.params("pool.equivalence.relocation_eur"))

    def reason(self) -> str:
        cited = self.params("pool.exceptional_no_need.article")
        need = f"the sized need ({self.relocations_needed:,} relocations)"
        if self.exceptional and self.relocations_needed < self.floors.relocations:
            return (
                f"exceptional situation ({cited}): the floors of Art. 12(2) do not apply; "
                f"the proposal is {need} itself"
            )
        if self.floored:
            return (
                f"{need} is below the minimum of Art. 12(2): the proposal is at the floors "
                f"({self.floors.relocations:,} relocations / EUR {self.floors.financial:,}); only "
                f"an exceptional year with no projected need ({cited}) would allow less"
            )
        return (
            f"{need} reaches the minimum of Art. 12(2): the higher number is proposed, keeping "
            f"the ratio of Art. 12(3) (EUR {self.per_relocation:,} per relocation)"
        )

    def terms(self) -> list[Term]:
        f, rd = self.figures, self.readings
        basis = rd["pool.needs.arrivals"]
        caseload = CASELOADS[rd["pool.needs.caseload"]]
        a_in = f.arrivals_projected if basis == "projected" else f.arrivals_observed
        a_art = "Art. 9(3)(b)" if basis == "projected" else "Art. 9(1), 9(3)(a)"

        def rate(src: Sourced, name: str) -> str:
            shown = _pct(src.value) if src.value is not None else "not in the data"
            return shown if name in caseload.uses else f"{shown} (not used by this reading)"

        upk = " ".join(self.under_pressure) or "none"
        share_reading = rd["pool.needs.share"]
        out = [
            Term(
                "A",
                f"arrivals [{basis}]: {a_in.label}".rstrip(": "),
                _num(self.arrivals),
                f"Art. 12(3) 'overall number of arrivals'; {a_art}",
                a_in.sources,
            ),
            Term(
                "r",
                f"average recognition rate: {f.recognition_rate.label}".rstrip(": "),
                rate(f.recognition_rate, "recognition_rate"),
                "Art. 12(3) 'average recognition rates'; Art. 9(3)(a)(iii)-(iv)",
                f.recognition_rate.sources,
            ),
            Term(
                "q",
                f"average return rate: {f.return_rate.label}".rstrip(": "),
                rate(f.return_rate, "return_rate"),
                "Art. 12(3) 'average return rates'; Art. 9(3)(a)(vii)",
                f.return_rate.sources,
            ),
            Term(
                "c",
                f"share of arrivals expected to stay [{rd['pool.needs.caseload']}]: "
                f"{caseload.formula}",
                _pct(self.caseload_rate),
                "Art. 12(3) [reading pool.needs.caseload]",
            ),
            Term(
                "U",
                "Union-wide responsibility = A × c (persons)",
                _num(self.caseload),
                "Art. 12(3) 'Union-wide responsibility to be shared by all Member States'",
            ),
            Term(
                "K",
                f"key share of the states under migratory pressure ({upk}"
                + (f"; {f.under_pressure_basis}" if f.under_pressure_basis else "")
                + ")",
                _pct(self.key_share),
                "Art. 66 (reference key); Art. 11(1), 58(1)",
                self.key_sources,
            ),
            Term(
                "s",
                f"share of U that is their solidarity need [{share_reading}]: "
                f"{SHARES[share_reading]}",
                _pct(self.share),
                "Art. 12(1), 12(3) [reading pool.needs.share]",
            ),
            Term(
                "N",
                "projected solidarity need = U × s (relocations)",
                _num(self.need),
                "Art. 12(1) 'annual projected solidarity needs'",
            ),
            Term(
                "g",
                "gross-up = 1 ÷ (1 − K): the states under pressure will not implement their "
                "own part of the pool",
                f"{float(self.gross_up):.6f}",
                "Art. 12(3) second sentence; Art. 60(3) third subparagraph",
            ),
            Term("N × g", "relocations the pool needs", _num(self.grossed), "Art. 12(3)"),
            Term(
                "",
                f"relocations needed, {ROUNDINGS[rd['pool.needs.rounding']]}",
                f"{self.relocations_needed:,}",
                "Art. 12(2) [reading pool.needs.rounding]",
            ),
            Term(
                "",
                "floors",
                f"{self.floors.relocations:,} relocations / EUR {self.floors.financial:,}"
                + (" (not applied: exceptional)" if self.exceptional else ""),
                "Art. 12(2)" + (", 12(4)" if self.exceptional else ""),
            ),
            Term(
                "",
                "relocations proposed",
                f"{self.relocations:,}",
                "Art. 12(2)–(4)",
            ),
            Term(
                "",
                f"financial contributions proposed = relocations × EUR {self.per_relocation:,}",
                f"EUR {self.financial:,}",
                "Art. 12(3) (ratio of Art. 12(2) kept)",
            ),
        ]
        return out

    def rows(self) -> list[dict[str, str]]:
        return [t.row() for t in self.terms()]

    def explain(self) -> Explanation:
        names = [
            *READINGS,
            "pool.floor.relocations",
            "pool.floor.financial",
            "pool.equivalence.relocation_eur",
        ]
        if self.exceptional:
            names.append("pool.exceptional_no_need.article")
        terms = self.terms()
        sources: list[Source] = []
        for t in terms:
            sources += [s for s in t.sources if s not in sources]
        notes = [
            self.reason(),
            "computed exactly (fractions) and rounded once; intermediate values are shown "
            "rounded to two decimals",
        ]
        if self.outside_key:
            notes.append(
                f"under pressure but outside the reference key (no share to gross up): "
                f"{' '.join(self.outside_key)}"
            )
        notes += list(self.figures.notes)
        return Explanation(
            quantity=f"Annual Solidarity Pool {self.figures.year} sized from the needs",
            value=f"{self.relocations:,} relocations / EUR {self.financial:,}",
            rule=RULE,
            article=ARTICLE,
            formula=(
                "relocations = round(A × c × s ÷ (1 − K)), at least the floors of Art. 12(2) "
                "unless Art. 12(4); EUR = relocations × EUR per relocation (Art. 12(3))"
            ),
            inputs={f"{t.symbol} {t.name}".strip() + f" [{t.article}]": t.value for t in terms},
            parameters=tuple(ParameterUse.of(self.params, n) for n in names),
            sources=tuple(sources),
            notes=tuple(notes),
        )


def _num(x: Fraction) -> str:
    return f"{x.numerator:,}" if x.denominator == 1 else f"{float(x):,.2f}"


def _pct(x: Fraction | None) -> str:
    return "—" if x is None else f"{float(x) * 100:.4f} %"


def _reading(params: ParametersAt, name: str, allowed: Mapping[str, object]) -> str:
    value = str(params(name))
    if value not in allowed:
        raise fail(
            name,
            value,
            f"eupact knows this reading's alternatives {', '.join(allowed)} only",
            summary="reading refused",
        )
    return value


def _check_rate(problems: list[Problem], name: str, src: Sourced, reading: str) -> Fraction:
    if src.value is None:
        why = f" ({src.missing})" if src.missing else ""
        problems.append(
            Problem(
                name,
                None,
                f"missing{why}: Art. 12(3) asks the proposal to take it into account and "
                f"the reading {reading} uses it; the need is not sized without it",
            )
        )
        return Fraction(0)
    if not 0 <= src.value <= 1:
        problems.append(Problem(name, str(src.value), "a rate must be between 0 and 1"))
    return src.value


def size_pool(
    figures: NeedsFigures,
    key: ReferenceKey,
    params: ParametersAt,
    *,
    exceptional: bool = False,
) -> NeedsSizing:
    """The Union-level relocations and financial contributions the needs call for (Art. 12(3)),
    never below the floors of Art. 12(2) unless ``exceptional`` (Art. 12(4)); the readings are
    those in force in ``params`` (``ParameterSet.with_readings`` chooses others).

    Refuses (EupactError) an input the chosen readings need that is missing, naming it."""
    rd = {
        "pool.needs.arrivals": _reading(params, "pool.needs.arrivals", ARRIVALS),
        "pool.needs.caseload": _reading(params, "pool.needs.caseload", CASELOADS),
        "pool.needs.share": _reading(params, "pool.needs.share", SHARES),
        "pool.needs.rounding": _reading(params, "pool.needs.rounding", ROUNDINGS),
    }
    problems: list[Problem] = []
    basis = rd["pool.needs.arrivals"]
    a_name = ARRIVALS[basis]
    a_in: Sourced = getattr(figures, a_name)
    other = next(k for k in ARRIVALS if k != basis)
    if a_in.value is None:
        why = f" ({a_in.missing})" if a_in.missing else ""
        problems.append(
            Problem(
                a_name,
                None,
                f"missing{why}: Art. 12(3) needs the overall number of arrivals of the relevant "
                f"year, and the reading pool.needs.arrivals={basis} takes it from here; the need "
                f"is not sized without it (another reading: --reading pool.needs.arrivals={other})",
            )
        )
    elif a_in.value < 0:
        problems.append(Problem(a_name, str(a_in.value), "arrivals must not be negative"))
    caseload = CASELOADS[rd["pool.needs.caseload"]]
    reading = f"pool.needs.caseload={rd['pool.needs.caseload']}"
    r = q = Fraction(0)
    if "recognition_rate" in caseload.uses:
        r = _check_rate(problems, "recognition_rate", figures.recognition_rate, reading)
    if "return_rate" in caseload.uses:
        q = _check_rate(problems, "return_rate", figures.return_rate, reading)
    if figures.under_pressure is None:
        problems.append(
            Problem(
                "under_pressure",
                None,
                "missing: which states are under migratory pressure (Art. 11(1)) is needed for "
                "the gross-up of Art. 12(3), second sentence (they will not implement their "
                "pledges, Art. 58(1), 60(3))",
            )
        )
    up = tuple(figures.under_pressure or ())
    inside = tuple(g for g in up if g in key.rows)
    outside = tuple(g for g in up if g not in key.rows)
    k_share = sum((key.share(g) for g in inside), Fraction(0))
    if k_share >= 1:
        problems.append(
            Problem(
                "under_pressure",
                " ".join(up),
                "hold the whole reference key: no state would implement the pool (Art. 60(3)), "
                "so no gross-up exists",
            )
        )
    if problems:
        raise EupactError(problems, "pool not sized from the needs (Art. 12(3))")

    arrivals = a_in.value or Fraction(0)
    c = caseload.rate(r, q)
    u = arrivals * c
    s = 1 - k_share if rd["pool.needs.share"] == "beyond_own_key_share" else Fraction(1)
    need = u * s
    g = 1 / (1 - k_share)
    grossed = need * g
    needed = round_fraction(grossed, rd["pool.needs.rounding"])

    per = Fraction(Decimal(params("pool.equivalence.relocation_eur")))
    floors = PoolNumbers(
        int(params("pool.floor.relocations")), Decimal(params("pool.floor.financial"))
    )
    minimum = max(floors.relocations, round_fraction(Fraction(floors.financial) / per, "up"))
    floored = not exceptional and needed < minimum
    relocations = minimum if floored else needed
    totals = PoolNumbers(
        relocations, relocations * Decimal(params("pool.equivalence.relocation_eur"))
    )
    return NeedsSizing(
        figures,
        params,
        rd,
        arrivals,
        c,
        u,
        inside,
        outside,
        k_share,
        s,
        need,
        g,
        grossed,
        needed,
        floors,
        totals,
        floored,
        exceptional,
        (key.population.source, key.gdp.source),
    )


__all__ = [
    "CASELOADS",
    "NeedsFigures",
    "NeedsSizing",
    "Sourced",
    "Term",
    "exact",
    "size_pool",
]
