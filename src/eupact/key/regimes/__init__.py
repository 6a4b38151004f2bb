"""Historical distribution keys as parameter sets in the same engine as Art. 66 AMMR.

``eupact key --regime NAME`` computes one of :data:`REGIMES` on the data the regime rests on and
compares it with the figures published at the time (docs/regimes.md). The 2022 Voluntary
Solidarity Mechanism declaration set no key (pledges were voluntary): it has no regime here.
"""

from __future__ import annotations

from .data import Published, StateInputs, load_inputs, load_published, read_inputs, read_published
from .relocation_2015 import (
    REGIMES,
    Comparison,
    Key2015,
    Regime,
    Row2015,
    comparison_rows,
    compute_key_2015,
    regime,
)

__all__ = [
    "REGIMES",
    "Comparison",
    "Key2015",
    "Published",
    "Regime",
    "Row2015",
    "StateInputs",
    "comparison_rows",
    "compute_key_2015",
    "load_inputs",
    "load_published",
    "read_inputs",
    "read_published",
    "regime",
]
