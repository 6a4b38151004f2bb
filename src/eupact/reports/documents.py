"""The pool's figures as plain documents (JSON-ready dicts): the Commission proposal and the
pool's outcome, as the API answers them and the dashboard shows them."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from eupact.pool.outcome import PoolOutcome
from eupact.pool.proposal import Proposal
from eupact.reports.tables import allocation_table, outcome_table, plain


def proposal_document(proposal: Proposal) -> dict[str, Any]:
    table = allocation_table(proposal.indicative, "proposal")
    return {
        "totals": {
            "relocations": proposal.totals.relocations,
            "financial_eur": str(proposal.totals.financial),
        },
        "rows": [{k: plain(v) for k, v in r.items()} for r in table.rows],
        "notes": list(table.notes),
    }


def outcome_document(outcome: PoolOutcome, own_state: str | None = None) -> dict[str, Any]:
    """The whole outcome; or, before the Council act, one Member State's own row."""
    table = outcome_table(outcome)
    rows = [{k: plain(v) for k, v in r.items()} for r in table.rows]
    if own_state is not None:
        return {
            "rows": [r for r in rows if r["geo"] == own_state],
            "notes": ["before the Council act a Member State sees its own row"],
        }
    t = outcome.totals
    return {
        "rows": rows,
        "totals": {f.name: plain(getattr(t, f.name)) for f in fields(t)},
        "offsets": outcome.offsets.explain(outcome.key).as_dict(),
        "notes": list(table.notes),
    }


__all__ = ["outcome_document", "proposal_document"]
