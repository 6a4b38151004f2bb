"""Seeded SYNTHETIC relocation candidates and pledged places, for demonstrations and benchmarks.

Nothing here describes real persons or real pledges, and every output made from it says
SYNTHETIC. The mixes are ILLUSTRATIVE:

* family units: a majority of single persons (52 % of units) and families of 2–7 (sizes 2–7 in
  proportions 15/20/25/20/12/8 %), about 2.5 persons per unit — 30,000 persons make about
  12,000 units;
* benefitting states CY, EL, ES, IT (the 2026 pool's, Council Implementing Decision (EU)
  2025/2642), weighted roughly like their 2024 Mediterranean sea and land arrivals as reported by
  UNHCR (IT ≈ ES ≈ EL, CY much smaller) — rounded, not published shares;
* nationalities per benefitting state and their languages: the main nationalities of recent
  arrivals on each route (e.g. Bangladesh, Syria, Tunisia, Egypt to Italy; Afghanistan, Syria,
  Egypt to Greece; Mali, Senegal, Morocco to Spain; Syria, Nigeria, DR Congo to Cyprus) with
  made-up weights, and plausible language mixes (Arabic, French, English, Bengali, Dari, ...);
* links, preferences and vulnerabilities at made-up rates (about 10 % of units with a family
  link, 8 % with a cultural link, 25 % with a stated preference; 10 % of single persons are
  unaccompanied minors; 7 % of persons have another vulnerability; accompanied children are not
  flagged as vulnerable);
* pledged places: a share of the persons (70 % by default) split among the 26 bound states by the
  reference key (Art. 66, from the shipped Eurostat snapshot) times a random pledge level, a
  fifth of some states' places earmarked for one benefitting state; the benefitting states pledge
  small illustrative numbers for the other benefitting states' applicants, so that all 26 bound
  states are states of relocation. A few states get illustrative profiles (no unaccompanied
  minors, no beneficiaries, a largest family size).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from eupact.parameters import ParametersAt

from .languages import GEO, GEO_INDEX
from .model import (
    LINK_KINDS,
    UAM_BIT,
    VULNERABILITIES,
    ApplicantTable,
    Csr,
    IntArray,
    LinkKind,
    PledgedPlaces,
    StateProfile,
    Vulnerability,
)

LABEL = (
    "SYNTHETIC, ILLUSTRATIVE relocation candidates and pledged places made by eupact's seeded "
    "generator (seed {seed}): not real persons, not real pledges. Family sizes, nationalities, "
    "languages, links and vulnerabilities follow illustrative mixes, not published shares."
)

SIZE_P = (0.52, 0.48 * 0.15, 0.48 * 0.20, 0.48 * 0.25, 0.48 * 0.20, 0.48 * 0.12, 0.48 * 0.08)
BENEFITTING_WEIGHT = {"IT": 0.33, "ES": 0.32, "EL": 0.30, "CY": 0.05}

# nationality, weight, (language, probability) — the first language is always spoken.
Mix = tuple[tuple[str, float, tuple[tuple[str, float], ...]], ...]
NATIONALITIES: dict[str, Mix] = {
    "IT": (
        ("BD", 0.20, (("bn", 1.0), ("en", 0.3))),
        ("SY", 0.12, (("ar", 1.0), ("en", 0.2))),
        ("TN", 0.12, (("ar", 1.0), ("fr", 0.5))),
        ("EG", 0.10, (("ar", 1.0), ("en", 0.2))),
        ("GN", 0.07, (("fr", 1.0), ("ff", 0.5))),
        ("PK", 0.07, (("ur", 1.0), ("en", 0.4))),
        ("ER", 0.06, (("ti", 1.0), ("ar", 0.3), ("en", 0.2))),
        ("ML", 0.05, (("bm", 1.0), ("fr", 0.4))),
        ("CI", 0.05, (("fr", 1.0),)),
        ("SD", 0.05, (("ar", 1.0), ("en", 0.2))),
        ("NG", 0.06, (("en", 1.0),)),
        ("AF", 0.05, (("fa", 1.0), ("ps", 0.4))),
    ),
    "EL": (
        ("AF", 0.25, (("fa", 1.0), ("ps", 0.4), ("en", 0.1))),
        ("SY", 0.15, (("ar", 1.0), ("ku", 0.2))),
        ("EG", 0.12, (("ar", 1.0), ("en", 0.2))),
        ("PS", 0.10, (("ar", 1.0), ("en", 0.2))),
        ("SD", 0.07, (("ar", 1.0), ("en", 0.2))),
        ("ER", 0.06, (("ti", 1.0), ("ar", 0.3))),
        ("IQ", 0.06, (("ar", 1.0), ("ku", 0.3))),
        ("PK", 0.06, (("ur", 1.0), ("en", 0.4))),
        ("SO", 0.05, (("so", 1.0), ("ar", 0.2))),
        ("TR", 0.04, (("tr", 1.0), ("ku", 0.2))),
        ("CD", 0.04, (("fr", 1.0), ("ln", 0.6))),
        ("BD", 0.04, (("bn", 1.0), ("en", 0.3))),
    ),
    "ES": (
        ("ML", 0.22, (("bm", 1.0), ("fr", 0.4))),
        ("SN", 0.20, (("wo", 1.0), ("fr", 0.6))),
        ("MA", 0.15, (("ar", 1.0), ("fr", 0.5), ("es", 0.1))),
        ("DZ", 0.10, (("ar", 1.0), ("fr", 0.6))),
        ("GN", 0.08, (("fr", 1.0), ("ff", 0.5))),
        ("CI", 0.06, (("fr", 1.0),)),
        ("GM", 0.05, (("en", 1.0), ("wo", 0.5))),
        ("MR", 0.05, (("ar", 1.0), ("fr", 0.3))),
        ("SY", 0.04, (("ar", 1.0),)),
        ("CM", 0.05, (("fr", 1.0), ("en", 0.3))),
    ),
    "CY": (
        ("SY", 0.30, (("ar", 1.0),)),
        ("NG", 0.12, (("en", 1.0),)),
        ("CD", 0.10, (("fr", 1.0), ("ln", 0.6))),
        ("CM", 0.10, (("fr", 1.0), ("en", 0.3))),
        ("BD", 0.08, (("bn", 1.0), ("en", 0.3))),
        ("PK", 0.08, (("ur", 1.0), ("en", 0.4))),
        ("SO", 0.07, (("so", 1.0), ("ar", 0.2))),
        ("AF", 0.08, (("fa", 1.0), ("ps", 0.4))),
        ("EG", 0.07, (("ar", 1.0), ("en", 0.2))),
    ),
}
FRANCOPHONE_STATES = ("FR", "BE", "LU")
# Where relatives, communities and wishes are: made-up weights over the bound states.
DIASPORA = {
    "DE": 0.30, "FR": 0.14, "SE": 0.07, "NL": 0.07, "BE": 0.07, "AT": 0.06, "IT": 0.05,
    "ES": 0.04, "IE": 0.03, "FI": 0.02, "PT": 0.02, "LU": 0.01, "DK": 0.0,
}  # fmt: skip
OTHER_VULNERABILITIES = tuple(
    v for v in VULNERABILITIES if v not in (Vulnerability.UNACCOMPANIED_MINOR, Vulnerability.MINOR)
)


def _generic_mix() -> Mix:
    merged: dict[str, tuple[str, float, tuple[tuple[str, float], ...]]] = {}
    for mix in NATIONALITIES.values():
        for nat, w, langs in mix:
            if nat in merged:
                merged[nat] = (nat, merged[nat][1] + w, merged[nat][2])
            else:
                merged[nat] = (nat, w, langs)
    return tuple(merged.values())


def _draw_states(
    rng: np.random.Generator, bound: Sequence[str], size: int, exclude: IntArray
) -> IntArray:
    """Geo indices drawn by the diaspora weights among ``bound``; −1 where equal to ``exclude``."""
    weights = np.asarray([DIASPORA.get(g, 0.005) for g in bound])
    weights /= weights.sum()
    geo = np.asarray([GEO_INDEX[g] for g in bound], dtype=np.int64)
    drawn = geo[rng.choice(len(bound), size=size, p=weights)]
    return np.where(drawn == exclude, -1, drawn)


@dataclass(frozen=True, eq=False)
class SyntheticInstance:
    """A SYNTHETIC matching instance: applicants, pledged places, profiles, and the label."""

    table: ApplicantTable
    places: tuple[PledgedPlaces, ...]
    profiles: tuple[StateProfile, ...]
    label: str
    seed: int


def synthetic_applicants(
    n: int, params: ParametersAt, seed: int = 2026, benefitting: Sequence[str] | None = None
) -> ApplicantTable:
    """``n`` SYNTHETIC persons in family units, as a table (vectorised: a million in seconds)."""
    rng = np.random.default_rng(seed)
    bound = tuple(params("scope.bound_member_states"))
    ben = tuple(benefitting or ("CY", "EL", "ES", "IT"))
    # Units and sizes.
    mean = sum((k + 1) * p for k, p in enumerate(SIZE_P))
    m = math.ceil(n / mean * 1.2) + 16
    sizes = rng.choice(np.arange(1, 8), size=m, p=np.asarray(SIZE_P) / sum(SIZE_P))
    ends = np.cumsum(sizes)
    n_units = int(np.searchsorted(ends, n) + 1)
    sizes = sizes[:n_units].astype(np.int64)
    sizes[-1] -= int(ends[n_units - 1]) - n
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    unit = np.repeat(np.arange(n_units, dtype=np.int64), sizes)
    member = np.arange(n, dtype=np.int64) - starts[unit]
    # Benefitting state and nationality per unit.
    bw = np.asarray([BENEFITTING_WEIGHT.get(g, 0.25) for g in ben])
    unit_b = rng.choice(len(ben), size=n_units, p=bw / bw.sum())
    vocab: list[str] = []
    nat_codes: list[str] = []
    unit_nat = np.zeros(n_units, dtype=np.int64)
    unit_lang_mask = np.zeros(n_units, dtype=np.int64)
    francophone = np.zeros(n_units, dtype=bool)
    for k, g in enumerate(ben):
        mix = NATIONALITIES.get(g) or _generic_mix()
        idx = np.flatnonzero(unit_b == k)
        weights = np.asarray([w for _, w, _ in mix])
        picks = rng.choice(len(mix), size=len(idx), p=weights / weights.sum())
        for q, (nat, _, langs) in enumerate(mix):
            sel = idx[picks == q]
            if nat not in nat_codes:
                nat_codes.append(nat)
            unit_nat[sel] = nat_codes.index(nat)
            for code, prob in langs:
                if code not in vocab:
                    vocab.append(code)
                has = rng.random(len(sel)) < prob
                unit_lang_mask[sel[has]] |= 1 << vocab.index(code)
                if code == "fr":
                    francophone[sel[has]] = True
    # Languages per person (the family's).
    lang_rows: list[IntArray] = []
    lang_vals: list[IntArray] = []
    for k in range(len(vocab)):
        persons = np.flatnonzero((unit_lang_mask[unit] >> k) & 1)
        lang_rows.append(persons)
        lang_vals.append(np.full(len(persons), k, dtype=np.int64))
    languages = Csr.from_pairs(np.concatenate(lang_rows), np.concatenate(lang_vals), n)
    # Links: family (first member), cultural (whole unit), previous stay, diploma (adults).
    b_geo = np.asarray([GEO_INDEX[g] for g in ben], dtype=np.int64)[unit_b]
    pairs_r: list[IntArray] = []
    pairs_v: list[IntArray] = []
    kind = {k: LINK_KINDS.index(k) for k in LinkKind}
    fam = np.flatnonzero(rng.random(n_units) < 0.10)
    fam_state = _draw_states(rng, bound, len(fam), b_geo[fam])
    ok = fam_state >= 0
    pairs_r.append(starts[fam[ok]])
    pairs_v.append(fam_state[ok] * 8 + kind[LinkKind.FAMILY])
    cul = np.flatnonzero(rng.random(n_units) < 0.08)
    cul_state = _draw_states(rng, bound, len(cul), b_geo[cul])
    fr_pick = np.asarray([GEO_INDEX[g] for g in FRANCOPHONE_STATES])[
        rng.integers(0, len(FRANCOPHONE_STATES), len(cul))
    ]
    cul_state = np.where(francophone[cul], fr_pick, cul_state)
    ok = (cul_state >= 0) & (cul_state != b_geo[cul])
    cul_units, cul_state = cul[ok], cul_state[ok]
    cul_persons = np.flatnonzero(np.isin(unit, cul_units))
    state_of_unit = np.full(n_units, -1, dtype=np.int64)
    state_of_unit[cul_units] = cul_state
    pairs_r.append(cul_persons)
    pairs_v.append(state_of_unit[unit[cul_persons]] * 8 + kind[LinkKind.CULTURAL])
    adults = np.flatnonzero(member < 2)
    for link_kind, rate in ((LinkKind.PREVIOUS_STAY, 0.03), (LinkKind.DIPLOMA, 0.015)):
        who = adults[rng.random(len(adults)) < rate]
        st = _draw_states(rng, bound, len(who), b_geo[unit[who]])
        pairs_r.append(who[st >= 0])
        pairs_v.append(st[st >= 0] * 8 + kind[link_kind])
    links = Csr.from_pairs(np.concatenate(pairs_r), np.concatenate(pairs_v), n)
    # Preferences: a quarter of units state one or two (the whole unit).
    pref_rows: list[IntArray] = []
    pref_vals: list[IntArray] = []
    pref_units = np.flatnonzero(rng.random(n_units) < 0.25)
    first = _draw_states(rng, bound, len(pref_units), b_geo[pref_units])
    second = _draw_states(rng, bound, len(pref_units), b_geo[pref_units])
    second = np.where((rng.random(len(pref_units)) < 0.4) & (second != first), second, -1)
    for choice in (first, second):
        units_with = pref_units[choice >= 0]
        st = np.full(n_units, -1, dtype=np.int64)
        st[units_with] = choice[choice >= 0]
        persons = np.flatnonzero(np.isin(unit, units_with))
        pref_rows.append(persons)
        pref_vals.append(st[unit[persons]])
    preferences = Csr.from_pairs(np.concatenate(pref_rows), np.concatenate(pref_vals), n)
    # Vulnerabilities and status.
    vuln = np.zeros(n, dtype=np.int64)
    singles = np.flatnonzero(sizes[unit] == 1)
    vuln[singles[rng.random(len(singles)) < 0.10]] |= UAM_BIT
    other = np.flatnonzero(rng.random(n) < 0.07)
    kinds = rng.integers(0, len(OTHER_VULNERABILITIES), len(other))
    bits = np.asarray([1 << VULNERABILITIES.index(v) for v in OTHER_VULNERABILITIES])
    vuln[other] |= bits[kinds]
    beneficiary = (rng.random(n_units) < 0.03)[unit]
    consent = beneficiary & (rng.random(n) < 0.85)
    return ApplicantTable(
        ids=[f"A{i:07d}" for i in range(n)],
        unit=unit,
        unit_names=[f"U{u:07d}" for u in range(n_units)],
        benefitting=np.asarray([GEO_INDEX[g] for g in ben], dtype=np.int64)[unit_b][unit],
        nationality=[nat_codes[k] for k in unit_nat[unit].tolist()],
        language_codes=tuple(vocab),
        languages=languages,
        links=links,
        preferences=preferences,
        vulnerabilities=vuln,
        beneficiary=beneficiary,
        consent=consent,
        label=LABEL.format(seed=seed),
    )


def synthetic_places(
    persons: int,
    params: ParametersAt,
    seed: int = 2026,
    benefitting: Sequence[str] = ("CY", "EL", "ES", "IT"),
    ratio: Fraction = Fraction(7, 10),
) -> tuple[tuple[PledgedPlaces, ...], tuple[StateProfile, ...]]:
    """SYNTHETIC pledged places (about ``ratio`` × ``persons``) and a few state profiles."""
    from eupact.data.snapshot import load_snapshot
    from eupact.parameters import load_parameters
    from eupact.pool.year import pool_year

    rng = np.random.default_rng(seed + 1)
    key = pool_year(2026, load_parameters(), load_snapshot()).key  # the 2026 pool's key
    states = key.states
    level = rng.beta(4, 3, size=len(states))
    weight = np.asarray([float(key.share(g)) for g in states]) * level
    weight *= np.asarray([0.25 if g in benefitting else 1.0 for g in states])
    total = int(ratio * persons)
    raw = total * weight / weight.sum()
    places = np.floor(raw).astype(np.int64)
    for j in np.argsort(-(raw - places))[: total - int(places.sum())]:
        places[j] += 1
    out: list[PledgedPlaces] = []
    where = "SYNTHETIC pledges"
    for j, g in enumerate(states):
        p = int(places[j])
        if p == 0:
            continue
        others = [b for b in benefitting if b != g]
        if rng.random() < 0.5 and others and g not in benefitting:
            target = others[int(rng.integers(0, len(others)))]
            ear = p // 5
            if ear:
                out.append(PledgedPlaces(g, ear, target, where))
            p -= ear
        if p:
            out.append(PledgedPlaces(g, p, None, where))
    contributing = [g for g in states if g not in benefitting]
    picks = rng.permutation(len(contributing))
    no_uam = {contributing[int(k)] for k in picks[:4]}
    no_ben = {contributing[int(k)] for k in picks[4:7]}
    max5 = {contributing[int(k)] for k in picks[7:9]}
    profiles = tuple(
        StateProfile(
            g,
            accepts_unaccompanied_minors=g not in no_uam,
            accepts_beneficiaries=g not in no_ben,
            max_unit_size=5 if g in max5 else None,
            source="SYNTHETIC profiles",
        )
        for g in sorted(no_uam | no_ben | max5, key=GEO.index)
    )
    return tuple(out), profiles


def synthetic_instance(
    n: int, params: ParametersAt, seed: int = 2026, ratio: Fraction = Fraction(7, 10)
) -> SyntheticInstance:
    """Applicants, places and profiles, all SYNTHETIC and labelled."""
    benefitting = tuple(params("pool_2026.under_pressure_states"))
    table = synthetic_applicants(n, params, seed, benefitting)
    places, profiles = synthetic_places(n, params, seed, benefitting, ratio)
    return SyntheticInstance(table, places, profiles, LABEL.format(seed=seed), seed)
