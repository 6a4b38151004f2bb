"""The indicators of the migratory-pressure assessment (Art. 9(3)(a), 10 AMMR) and where each
comes from in the data layer.

A base indicator names the data series that feed it, in order of preference: snapshot series
(``published_figures``, ``indicators_2024_partial``) and Eurostat panels use the same names
(``eupact.data.eurostat.indicators.INDICATORS``). Published per-capita rates, where Eurostat
gives them, feed the per-capita measure directly. A missing figure stays missing, never zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

EU = "EU27_2020"  # Eurostat's code for the EU aggregate

Kind = Literal["flow", "stock"]


@dataclass(frozen=True, slots=True)
class BaseIndicator:
    """One indicator of the assessment: what it is, its article, and the series feeding it."""

    name: str
    title: str
    article: str
    kind: Kind
    sources: tuple[str, ...]  # data series, in order of preference
    rate_sources: tuple[tuple[str, int], ...] = ()  # published rates: (series, per N inhabitants)
    eu_sources: tuple[str, ...] = ()  # series of the EU total, if not the same as ``sources``
    note: str = ""

    @property
    def eu_series(self) -> tuple[str, ...]:
        return self.eu_sources or self.sources


_INDICATORS = (
    BaseIndicator(
        "arrivals",
        "Irregular arrivals",
        "Art. 9(3)(a)(xvi) AMMR",
        "flow",
        ("irregular_arrivals_national", "irregular_arrivals", "sea_arrivals_national"),
        eu_sources=("irregular_border_crossings_frontex",),
        note="national figures of irregular arrivals; where only sea arrivals are published they "
        "stand in (a lower bound). EU total: Frontex detections of irregular border crossings on "
        "all routes",
    ),
    BaseIndicator(
        "sea_arrivals",
        "Arrivals by sea",
        "Art. 9(3)(a)(xiii) AMMR",
        "flow",
        ("sea_arrivals_national",),
    ),
    BaseIndicator(
        "sar_disembarkations",
        "Disembarkations after search and rescue",
        "Art. 9(3)(a)(xii) AMMR",
        "flow",
        ("sar_disembarkations",),
        note="persons disembarked after search and rescue, best monthly (the Art. 11(3) rule counts "
        "the months with disembarkations: assessment.under_pressure.sar_recurring_months, "
        "sar_large). The shipped snapshot holds no such series, so the rule is undetermined on "
        "it; sea arrivals then only label the basis (assessment.under_pressure.sar_sea_share)",
    ),
    BaseIndicator(
        "applications",
        "First-time asylum applicants",
        "Art. 9(3)(a)(i) AMMR",
        "flow",
        ("asylum_applicants_first_time", "asylum_applicants_first_time_monthly"),
        rate_sources=(("asylum_applicants_first_time_per_1000", 1000),),
    ),
    BaseIndicator(
        "temporary_protection",
        "Beneficiaries of temporary protection (end of period)",
        "Art. 9(3)(a)(xv) AMMR",
        "stock",
        ("temporary_protection_beneficiaries",),
        rate_sources=(("temporary_protection_beneficiaries_per_1000", 1000),),
    ),
    BaseIndicator(
        "dublin_requests_outgoing",
        "Outgoing Dublin requests (unauthorised movements to the state)",
        "Art. 9(3)(a)(x), 10(2)(k) AMMR",
        "flow",
        ("dublin_requests_outgoing",),
    ),
    BaseIndicator(
        "dublin_requests_incoming",
        "Incoming Dublin requests (onward movements from the state)",
        "Art. 9(3)(a)(x) AMMR",
        "flow",
        ("dublin_requests_incoming",),
    ),
    BaseIndicator(
        "dublin_transfers_outgoing",
        "Outgoing Dublin transfers",
        "Art. 9(3)(a)(xi) AMMR",
        "flow",
        ("dublin_transfers_outgoing",),
    ),
    BaseIndicator(
        "dublin_transfers_incoming",
        "Incoming Dublin transfers",
        "Art. 9(3)(a)(xi) AMMR",
        "flow",
        ("dublin_transfers_incoming",),
    ),
    BaseIndicator(
        "ordered_to_leave",
        "Third-country nationals ordered to leave (return decisions)",
        "Art. 9(3)(a)(vii) AMMR",
        "flow",
        ("ordered_to_leave",),
    ),
    BaseIndicator(
        "returned",
        "Third-country nationals returned to a third country",
        "Art. 9(3)(a)(vii) AMMR",
        "flow",
        ("returned_to_third_country", "returned"),
        note="Eurostat's quarterly releases count returns to third countries; the annual series "
        "migr_eirtn (all destinations) is used only where the former is absent",
    ),
    BaseIndicator(
        "decisions_first_instance",
        "First-instance asylum decisions",
        "Art. 9(3)(a)(iv) AMMR",
        "flow",
        ("asylum_decisions_first_instance", "decisions_first_instance"),
    ),
    BaseIndicator(
        "decisions_positive",
        "Positive first-instance asylum decisions",
        "Art. 9(3)(a)(iii) AMMR",
        "flow",
        ("asylum_decisions_positive",),
    ),
    BaseIndicator(
        "refused_entry",
        "Third-country nationals refused entry",
        "Art. 9(3)(a)(xiv) AMMR",
        "flow",
        ("refused_entry",),
    ),
    BaseIndicator(
        "illegally_present",
        "Third-country nationals found illegally present",
        "Art. 9(3)(a)(vi) AMMR",
        "flow",
        ("illegally_present",),
    ),
)

#: The registry, by name.
INDICATORS: Mapping[str, BaseIndicator] = MappingProxyType({i.name: i for i in _INDICATORS})

#: Rates derived from two indicators (numerator, denominator), for Art. 12(3) AMMR.
DERIVED_RATES: Mapping[str, tuple[str, str, str, str]] = MappingProxyType(
    {
        "recognition_rate": (
            "decisions_positive",
            "decisions_first_instance",
            "First-instance recognition rate",
            "Art. 9(3)(a)(iii)-(iv), 12(3) AMMR",
        ),
        "return_rate": (
            "returned",
            "ordered_to_leave",
            "Return rate (returned ÷ ordered to leave)",
            "Art. 9(3)(a)(vii), 12(3) AMMR",
        ),
    }
)

#: The pseudo-indicator of the route rule (Frontex routes, Art. 11(2)).
ROUTE = "route"

#: Measures a rule may test.
MEASURES = (
    "value",
    "per_capita",
    "per_gdp",
    "share_of_eu",
    "key_ratio",
    "vs_eu_average",
    "cumulative_key_ratio",
    "cumulative_vs_eu_average",
    "growth",
)
