"""Which Member State examines an application for international protection: Part III AMMR
(Arts. 16–55), its time limits (Art. 75) and transitional rules (Arts. 84–85), with the Part IV
provisions that move responsibility (Arts. 63, 67–69).

* :mod:`.model` — a case as dated facts (pydantic, versioned schema, JSON Schema);
* :mod:`.engine` — :func:`determine` (one case) and :func:`determine_group` (a family registered
  together, Art. 28): pure functions, case → :class:`~.decision.Decision`;
* :mod:`.criteria` — the criteria in the law's order (Arts. 25–34, 16(2));
* :mod:`.deadlines` — every time limit of the procedure, with the state whose calendar applies;
* :mod:`.rules` — the legal values and [reading]s in force, from the parameter files;
* :mod:`.crisis` — a Council implementing decision under the CFMR (Arts 12-13 CFMR): longer time
  limits, transfers suspended, release from take back; :mod:`.crisis_input` reads them.

Specification in our words: ../shared/spec/responsibility.md (the ``T``-numbers of time limits and
``AMBIG``-numbers of readings are that document's).
"""

from eupact.responsibility.checks import read_case
from eupact.responsibility.crisis_input import read_crises
from eupact.responsibility.decision import Deadline, Decision, Flag, Route, Status, Step
from eupact.responsibility.engine import determine
from eupact.responsibility.groups import determine_group
from eupact.responsibility.model import SCHEMA_VERSION, Case, json_schema

__all__ = [
    "SCHEMA_VERSION",
    "Case",
    "Deadline",
    "Decision",
    "Flag",
    "Route",
    "Status",
    "Step",
    "determine",
    "determine_group",
    "json_schema",
    "read_case",
    "read_crises",
]
