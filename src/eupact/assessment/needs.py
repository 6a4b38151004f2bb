"""The assessment's Art. 12(3) inputs as the pool's sizing takes them: plain exact numbers with
their sources (:class:`eupact.pool.needs.NeedsFigures`), each missing one with why it is missing.

The assessment of year N − 1 (the Report and decision of 15 October) feeds the proposal for pool
year N (Art. 9(4), 11(1), 12(1), 12(6)); the forward look (Art. 9(3)(b)) gives next year's
arrivals when the data allow a projection.
"""

from __future__ import annotations

from collections.abc import Mapping

from eupact.assessment.forecast import Forward, NeedsInputs
from eupact.assessment.registry import EU
from eupact.pool.needs import NeedsFigures, Sourced


def _projection_missing(forward: Forward | None) -> str:
    if forward is None:
        return "the forward look holds no projection of arrivals"
    if EU not in forward.states:
        held = len(forward.projected())
        return (
            f"the forward look of arrivals (Art. 9(3)(b)) has no Union-level (EU) series "
            f"({held} of {len(forward.states)} states projected)"
        )
    return f"EU arrivals {forward.states[EU].status}"


def needs_figures(
    inputs: NeedsInputs,
    *,
    year: int,
    forwards: Mapping[str, Forward] | None = None,
    basis: str = "",
) -> NeedsFigures:
    """The figures for pool ``year`` from the assessment's :class:`NeedsInputs` and its forward
    look (``forwards``, as :func:`eupact.reports.annual.build_report` makes it); ``basis`` says
    which assessment found the states under pressure."""
    arrivals_fwd = (forwards or {}).get("arrivals")
    projected = Sourced.of(
        inputs.arrivals_projected,
        f"projection for {year} (Art. 9(3)(b)), {arrivals_fwd.model}" if arrivals_fwd else "",
        missing="" if inputs.arrivals_projected is not None else _projection_missing(arrivals_fwd),
    )
    fig = inputs.arrivals
    observed = (
        Sourced.of(
            fig.value,
            f"{fig.period}, {fig.series}" if fig.series else fig.period,
            fig.sources,
        )
        if fig is not None
        else Sourced(None, missing="the data hold no Union-level figure of arrivals")
    )
    recognition = Sourced.of(
        inputs.recognition_rate,
        "EU, first instance",
        tuple(s for f in inputs.recognition_figures for s in f.sources),
        "" if inputs.recognition_rate is not None else "the data hold no EU recognition rate",
    )
    returns = Sourced.of(
        inputs.return_rate,
        "EU, returned ÷ ordered to leave",
        tuple(s for f in inputs.return_figures for s in f.sources),
        "" if inputs.return_rate is not None else "the data hold no EU return rate",
    )
    # the forward look's own notes (applications in the states under pressure) concern an input
    # this sizing does not use; the notes on the arrivals figure travel with it
    notes = tuple(f"arrivals {fig.period}: {n}" for n in fig.notes) if fig else ()
    return NeedsFigures(
        year,
        projected,
        observed,
        recognition,
        returns,
        inputs.under_pressure,
        basis,
        notes,
    )


__all__ = ["needs_figures"]
