"""The input boundary: every value from a person, a file or an API client is read here, once.

One model per concept (:mod:`eupact.boundary.models`), used by the API's request bodies, the
pledges files (:mod:`eupact.cycle.inputs`) and the dashboard's forms (:mod:`eupact.web.forms`);
numbers read safely (:mod:`eupact.boundary.numbers`), text and state codes normalised
(:mod:`eupact.boundary.text`); refusals name the field, the value and the rule
(:mod:`eupact.boundary.refusal`); input sizes in :mod:`eupact.boundary.limits`, amounts' bounds
in :mod:`eupact.pool.limits`. Imports only errors, parameters, pool and matching.
"""

from eupact.boundary.limits import (
    EUR_DECIMALS,
    MAX_APPLICATIONS,
    MAX_EUR,
    MAX_ID,
    MAX_LABEL,
    MAX_NOTE,
    MAX_NUMBER_CHARS,
    MAX_OFFSET,
    MAX_PERSONS,
    MAX_REASONS,
    MAX_STATES,
    MAX_VERSION,
)
from eupact.boundary.models import (
    ROLES,
    ApplicantRow,
    AssessmentIn,
    DecisionIn,
    DeductionIn,
    DeductionRecord,
    Implementation,
    ImplementationIn,
    MatchIn,
    OffsetIn,
    OffsetReplyIn,
    OffsetsRequest,
    PlacesRow,
    PledgeIn,
    StateCode,
    TokenIn,
    TokenRequest,
    validate,
)
from eupact.boundary.numbers import (
    Rules,
    parse_decimal,
    parse_integer,
    read_decimal,
    read_integer,
)
from eupact.boundary.refusal import Refused, problems_of, refuse
from eupact.boundary.text import bound_states, clean_text, read_state, read_text, state_code
from eupact.cells import inert, xlsx_value
from eupact.errors import echo

__all__ = [
    "EUR_DECIMALS",
    "MAX_APPLICATIONS",
    "MAX_EUR",
    "MAX_ID",
    "MAX_LABEL",
    "MAX_NOTE",
    "MAX_NUMBER_CHARS",
    "MAX_OFFSET",
    "MAX_PERSONS",
    "MAX_REASONS",
    "MAX_STATES",
    "MAX_VERSION",
    "ROLES",
    "ApplicantRow",
    "AssessmentIn",
    "DecisionIn",
    "DeductionIn",
    "DeductionRecord",
    "Implementation",
    "ImplementationIn",
    "MatchIn",
    "OffsetIn",
    "OffsetReplyIn",
    "OffsetsRequest",
    "PlacesRow",
    "PledgeIn",
    "Refused",
    "Rules",
    "StateCode",
    "TokenIn",
    "TokenRequest",
    "bound_states",
    "clean_text",
    "echo",
    "inert",
    "parse_decimal",
    "parse_integer",
    "problems_of",
    "read_decimal",
    "read_integer",
    "read_state",
    "read_text",
    "refuse",
    "state_code",
    "validate",
    "xlsx_value",
]
