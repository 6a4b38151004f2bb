"""One pool year, assembled once: the Council act, the parameters in force on its date, the data
snapshot, the data vintage and the reference key (Art. 57, 66 AMMR).

Every consumer — the CLI, ``cycle run``, the service, the annual report, the examples, the
matching generator — takes its act, key, proposal and fair shares from :func:`pool_year`, so they
cannot drift apart (they once did: the service's proposal left out the SAR states of Art. 57(2)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from eupact.data.provenance import StateSeries
from eupact.data.snapshot import Snapshot
from eupact.errors import fail
from eupact.key.reference_key import (
    ReferenceKey,
    Vintage,
    compute_reference_key,
    key_from_snapshot,
)
from eupact.parameters import ParametersAt, ParameterSet
from eupact.pool.acts import CouncilAct, council_act
from eupact.pool.allocation import Allocation, allocate
from eupact.pool.benefit import (
    Notification,
    ShortcomingsFinding,
    Standing,
    UseOfPool,
    standing,
    validate_standing,
)
from eupact.pool.proposal import Proposal, propose_pool

# The data vintage that best reproduces the published 2026 shares (shared/spec §3). The law fixes
# no reference year ("the latest available Eurostat data", Art. 66): a [reading], not a value.
DEFAULT_VINTAGES: dict[int, Vintage] = {2026: Vintage("2024-01-01", "2024")}


def default_vintage(year: int) -> Vintage:
    """The vintage recorded for a pool year, else population and GDP of two years before."""
    return DEFAULT_VINTAGES.get(year, Vintage(f"{year - 2}-01-01", str(year - 2)))


def sar_states(snapshot: Snapshot, act: CouncilAct) -> tuple[str, ...]:
    """States identified under pressure because of SAR disembarkations (Art. 11(3), 57(2))."""
    return _sar(snapshot, act.under_pressure_states)


def _under_pressure(snapshot: Snapshot, states: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``states`` the snapshot's Art. 11 decision identified under pressure."""
    found = snapshot.classification
    return tuple(g for g in states if g in found and found[g].under_migratory_pressure)


def _sar(snapshot: Snapshot, states: tuple[str, ...]) -> tuple[str, ...]:
    """Those of ``states`` under pressure because of search-and-rescue arrivals (Art. 11(3))."""
    return tuple(
        g
        for g in _under_pressure(snapshot, states)
        if "search and rescue" in snapshot.classification[g].pressure_basis
    )


@dataclass(frozen=True)
class PoolYear:
    """The inputs every figure of one pool year rests on."""

    year: int
    act: CouncilAct
    params: ParametersAt
    snapshot: Snapshot
    vintage: Vintage
    key: ReferenceKey
    sar_states: tuple[str, ...]
    # True before the Council act: the act's figures are the Commission proposal's (Art. 12)
    draft: bool = False

    @property
    def under_pressure_states(self) -> tuple[str, ...]:
        """Identified under pressure in the Art. 11 decision: they may use the pool (58(1))."""
        return self.act.under_pressure_states

    def standing(
        self,
        uses: Iterable[UseOfPool] = (),
        notifications: Iterable[Notification] = (),
        findings: Iterable[ShortcomingsFinding] = (),
        on: dt.date | None = None,
    ) -> Standing:
        """Who benefits as of ``on``, from the recorded uses of the pool (Art. 58, 59, 60(3));
        refuses events that break a rule."""
        uses, notifications, findings = tuple(uses), tuple(notifications), tuple(findings)
        validate_standing(self.act, self.params, uses, notifications, findings)
        return standing(self.act, self.params, uses, notifications, findings, on)

    @property
    def bound_states(self) -> tuple[str, ...]:
        return tuple(self.params("scope.bound_member_states"))

    def proposal(self, sar_share: Fraction | None = None) -> Proposal:
        """The Commission proposal at the numbers the act records (Art. 12, 57(2))."""
        return propose_pool(
            self.key,
            self.act.proposal.relocations,
            self.act.proposal.financial,
            sar_share=sar_share,
            sar_states=self.sar_states,
        )

    def fair_shares(self) -> Allocation:
        """Each state's mandatory fair share of the act's reference numbers (Art. 57(3), 66)."""
        return allocate(self.key, self.act.reference, "mandatory fair share", "Art. 57(3), 66 AMMR")


@dataclass(frozen=True)
class ProposalYear:
    """What the Commission proposal rests on before any Council act exists (Art. 12, 66): the
    parameters in force on the proposal's legal deadline (15 October of the year before), the
    vintage and the key. The proposal is made before the act (Art. 12(6), 57(1)), so a pool
    year needs no recorded act to be proposed."""

    year: int
    params: ParametersAt
    snapshot: Snapshot
    vintage: Vintage
    key: ReferenceKey
    sar_states: tuple[str, ...]

    def proposal(
        self,
        relocations: int | None = None,
        financial: Decimal | None = None,
        *,
        exceptional: bool = False,
        sar_share: Fraction | None = None,
    ) -> Proposal:
        return propose_pool(
            self.key,
            relocations,
            financial,
            exceptional=exceptional,
            sar_share=sar_share,
            sar_states=self.sar_states,
        )


DATASETS = {"population": "key.data.population_dataset", "gdp": "key.data.gdp_dataset"}


def latest_vintage(
    snapshot: Snapshot, params: ParametersAt, states: tuple[str, ...], on: dt.date
) -> Vintage:
    """The latest population (1 January) and GDP (whole year) of the datasets Art. 66 names
    (``key.data.*_dataset``) that the snapshot holds for every state on ``on``: "the latest
    available Eurostat data" [reading] as what the snapshot holds — a later release is not seen."""

    def latest(indicator: str, usable: Callable[[str], bool]) -> str:
        dataset = str(params(DATASETS[indicator])).split()[0]
        dates = sorted(
            {
                s.source.reference_date
                for s in snapshot.series
                if s.indicator == indicator
                and s.source.dataset.split()[0] == dataset
                and usable(s.source.reference_date)
                and all(g in s.values for g in states)
            }
        )
        if not dates:
            raise fail(
                indicator,
                on.isoformat(),
                f"the snapshot {snapshot.name} {snapshot.version} holds no {indicator} series of "
                f"{dataset} covering every participating state before this date",
                summary="data vintage not available",
            )
        return dates[-1]

    population = latest("population", lambda d: d <= on.isoformat())
    gdp = latest("gdp", lambda d: d.isdigit() and int(d) < on.year)
    return Vintage(population, gdp)


def proposal_year(
    year: int,
    parameters: ParameterSet,
    snapshot: Snapshot,
    vintage: Vintage | None = None,
    *,
    population: StateSeries | None = None,
    gdp: StateSeries | None = None,
    states: tuple[str, ...] | None = None,
) -> ProposalYear:
    """Assemble the proposal for pool ``year`` whether or not its Council act is recorded.

    SAR states: those the snapshot's Art. 11 classification puts under pressure because of
    search-and-rescue disembarkations (Art. 12(5))."""
    deadline = parameters.at(dt.date(year - 1, 1, 1))("cycle.proposal_deadline")
    month, day = (int(x) for x in str(deadline).split("-"))
    on = dt.date(year - 1, month, day)
    params = parameters.at(on)
    bound = states or tuple(params("scope.bound_member_states"))
    chosen = vintage or DEFAULT_VINTAGES.get(year) or latest_vintage(snapshot, params, bound, on)
    key = _key(snapshot, params, chosen, population, gdp, states)
    return ProposalYear(year, params, snapshot, chosen, key, _sar(snapshot, key.states))


def _key(
    snapshot: Snapshot,
    params: ParametersAt,
    chosen: Vintage,
    population: StateSeries | None,
    gdp: StateSeries | None,
    states: tuple[str, ...] | None,
) -> ReferenceKey:
    if population is None and gdp is None and states is None:
        return key_from_snapshot(snapshot, params, chosen)
    # the key's own checks name an unknown state before the data's coverage is asked
    population = population or snapshot.find(
        "population", chosen.population_date, chosen.population_release
    )
    gdp = gdp or snapshot.find("gdp", chosen.gdp_year)
    return compute_reference_key(population, gdp, params, states, chosen)


def draft_year(year: int, parameters: ParameterSet, snapshot: Snapshot) -> PoolYear:
    """A pool year whose Council act is not adopted yet (Art. 12, 13, 57): the proposal stands
    in for the act — its numbers as the reference numbers, the snapshot's Art. 11 decision for
    the states under pressure — so that a cycle can open, the Forum meet and states pledge before
    the act. Nothing here is a Council figure; the citation says so."""
    draft = proposal_year(year, parameters, snapshot)
    proposal = draft.proposal()
    day = draft.params.date
    under_pressure = _under_pressure(snapshot, draft.key.states)
    act = CouncilAct(
        year=year,
        citation=f"no Council act yet for {year}: the Commission proposal's figures (Art. 12)",
        act_date=day,
        proposal_date=day,
        date_of_application=draft.params("cycle.date_of_application_part_iv"),
        proposal=proposal.totals,
        reference=proposal.totals,
        under_pressure_states=under_pressure,
        deduction_eligible_states=tuple(
            g
            for g in draft.key.states
            if g in snapshot.classification
            and snapshot.classification[g].significant_migratory_situation
        ),
        systemic_shortcomings_states=(),
        sar_share=None,
    )
    return PoolYear(
        year, act, draft.params, snapshot, draft.vintage, draft.key, draft.sar_states, True
    )


def pool_year(
    year: int,
    parameters: ParameterSet,
    snapshot: Snapshot,
    vintage: Vintage | None = None,
    *,
    population: StateSeries | None = None,
    gdp: StateSeries | None = None,
    states: tuple[str, ...] | None = None,
) -> PoolYear:
    """Assemble ``year``: refuses a year with no recorded Council act (EupactError).

    ``population`` and ``gdp`` replace the snapshot's series of the vintage (a ministry's own
    figures, validated by :func:`eupact.data.snapshot.load_user_series`); ``states`` computes
    the key over a subset (what-ifs: a state joining or leaving)."""
    act = council_act(year, parameters)
    params = parameters.at(act.act_date)
    chosen = vintage or default_vintage(year)
    key = _key(snapshot, params, chosen, population, gdp, states)
    return PoolYear(year, act, params, snapshot, chosen, key, sar_states(snapshot, act))


__all__ = [
    "DEFAULT_VINTAGES",
    "PoolYear",
    "ProposalYear",
    "default_vintage",
    "draft_year",
    "latest_vintage",
    "pool_year",
    "proposal_year",
    "sar_states",
]
