"""Eurostat: the dissemination API client, its JSON-stat decoder and the cycle's indicators.

- :mod:`.jsonstat` — :func:`decode` a JSON-stat 2.0 response into a :class:`JsonStatTable`.
- :mod:`.client` — :class:`EurostatClient` (filters, retries, cache, offline mode).
- :mod:`.indicators` — the registry :data:`INDICATORS`, :class:`Panel` and aggregation.
"""

from eupact.data.eurostat.client import (
    BASE_URL,
    EurostatCache,
    EurostatClient,
    EurostatResult,
    Retrieval,
    default_cache_dir,
    filter_text,
    normalise_filters,
)
from eupact.data.eurostat.indicators import (
    INDICATORS,
    Indicator,
    Panel,
    aggregate_months,
    fetch_indicator,
    indicator,
    panel_from_result,
    recognition_rate,
    to_calendar_years,
    to_reporting_periods,
)
from eupact.data.eurostat.jsonstat import Dimension, JsonStatTable, decode, describe_status

__all__ = [
    "BASE_URL",
    "INDICATORS",
    "Dimension",
    "EurostatCache",
    "EurostatClient",
    "EurostatResult",
    "Indicator",
    "JsonStatTable",
    "Panel",
    "Retrieval",
    "aggregate_months",
    "decode",
    "default_cache_dir",
    "describe_status",
    "fetch_indicator",
    "filter_text",
    "indicator",
    "normalise_filters",
    "panel_from_result",
    "recognition_rate",
    "to_calendar_years",
    "to_reporting_periods",
]
